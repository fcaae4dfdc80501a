"""Notification e-mails: queued with the notification, sent by the background worker once, in
the recipient's language and time zone, retried when the mail server fails, and only for the
kinds the recipient wants."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casebridge.lib.testing import run_ready_tasks
from casebridge.notifications import tasks
from casebridge.notifications.actions import email_choices, notify
from casebridge.notifications.models import EmailChoice, EmailState, Kind, Notification

DATA = {"number": "JPC-2026-000001", "agency": "SHS"}


def _notify(user, kind=Kind.SHARED):
    return notify([user], kind, data=DATA, link="/cases/x/")[0]


def test_the_email_is_queued_with_the_notification_and_sent_once(world):
    mail.outbox.clear()
    note = _notify(world.shelter_caseworker)
    assert DBTaskResult.objects.filter(task_path__endswith="send_notification_email").count() == 1
    assert mail.outbox == []  # not sent by the request
    assert run_ready_tasks() == 1
    note.refresh_from_db()
    assert note.email_state == EmailState.SENT and note.emailed_at is not None
    assert len(mail.outbox) == 1
    # The same task run again (a retry after a crash) sends nothing more.
    tasks.send_notification_email.call(note.pk)
    assert len(mail.outbox) == 1


def test_the_email_says_only_that_something_waits(world, settings):
    settings.SITE_URL = "https://casebridge.example.org/"
    _notify(world.shelter_caseworker)
    run_ready_tasks()
    message = mail.outbox[-1]
    assert message.to == [world.shelter_caseworker.email]
    assert message.subject == "[casebridge] You have a new item in casebridge"
    assert "https://casebridge.example.org/notifications/" in message.body
    assert "https://casebridge.example.org/settings/" in message.body
    for secret in ("JPC-2026", "SHS", "Srey", "shared"):
        assert secret not in message.body and secret not in message.subject


def test_the_email_is_in_the_recipients_language_and_time_zone(world):
    user = world.shelter_caseworker
    user.language, user.time_zone = "km", "Asia/Tokyo"
    user.save()
    note = _notify(user)
    Notification.objects.filter(pk=note.pk).update(
        created_at=datetime.datetime(2026, 12, 1, 10, 28, tzinfo=datetime.UTC)
    )
    run_ready_tasks()
    body = mail.outbox[-1].body
    assert "អ្នកមានរបស់ថ្មីមួយនៅក្នុង casebridge" in mail.outbox[-1].subject
    assert "19:28" in body  # 10:28 UTC is 19:28 in Tokyo
    assert "10:28" not in body


def test_a_rolled_back_notification_sends_nothing(world):
    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(world.shelter_caseworker)
        raise RuntimeError("the action failed after notifying")
    assert not Notification.objects.exists()
    assert run_ready_tasks() == 0
    assert mail.outbox == []


def test_a_failing_mail_server_is_retried_later_then_given_up(world, monkeypatch):
    failures = []

    def refuse(*args, **kwargs):
        failures.append(1)
        raise smtplib.SMTPServerDisconnected("the mail server went away")

    monkeypatch.setattr(tasks, "send_mail", refuse)
    note = _notify(world.shelter_caseworker)
    for attempt in range(1, len(tasks.RETRY_MINUTES) + 2):
        assert run_ready_tasks() == 1
        note.refresh_from_db()
        assert note.email_attempts == attempt
        waiting = DBTaskResult.objects.ready()
        assert not waiting.exists()  # the retry waits its turn
        later = DBTaskResult.objects.filter(status="READY")
        if attempt <= len(tasks.RETRY_MINUTES):
            assert note.email_state == EmailState.PENDING
            retry = later.get()
            assert retry.run_after > timezone.now() + datetime.timedelta(seconds=50)
            later.update(run_after=timezone.now())  # time passes
        else:
            assert note.email_state == EmailState.FAILED
            assert not later.exists()
    assert len(failures) == len(tasks.RETRY_MINUTES) + 1
    assert DBTaskResult.objects.filter(status="FAILED").count() == len(failures)


def test_a_user_who_turned_a_kind_off_gets_it_in_the_app_only(world):
    EmailChoice.objects.create(user=world.shelter_caseworker, kind=Kind.SHARED, email=False)
    mail.outbox.clear()
    note = _notify(world.shelter_caseworker)
    assert note.email_state == EmailState.NOT_WANTED
    assert run_ready_tasks() == 0
    assert mail.outbox == []
    assert Notification.objects.visible_to(world.shelter_caseworker).unread().count() == 1


def test_emergency_access_is_always_emailed(world):
    EmailChoice.objects.create(user=world.privacy_officer, kind=Kind.BREAK_GLASS, email=False)
    note = notify([world.privacy_officer], Kind.BREAK_GLASS, data={"user": "x", "number": "y"})[0]
    assert note.email_state == EmailState.PENDING
    assert email_choices(world.privacy_officer)[Kind.BREAK_GLASS] is True


def test_no_address_no_email(world):
    user = world.shelter_caseworker
    user.email = ""
    user.save()
    note = _notify(user)
    run_ready_tasks()
    note.refresh_from_db()
    assert note.email_state == EmailState.NO_ADDRESS


def test_a_notification_without_email_queues_nothing(world):
    notify([world.shelter_caseworker], Kind.SHARED, data=DATA, email=False)
    assert not DBTaskResult.objects.exists()
