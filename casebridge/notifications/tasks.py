"""The e-mail that says a notification waits, sent by the background worker (django-tasks,
database backend): queued in the transaction that made the notification, so it is sent only if
that committed; sent at most once; retried with growing delays when the mail server fails."""

from __future__ import annotations

import datetime
import logging
import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from casebridge.notifications.models import EmailState, Notification

logger = logging.getLogger(__name__)

# Minutes before each retry; after the last, the e-mail is given up (the app still shows it).
RETRY_MINUTES = (1, 5, 30, 120)


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@task()
def send_notification_email(notification_id: int) -> str:
    with transaction.atomic():
        note = Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        if note is None or note.email_state != EmailState.PENDING:
            return "nothing to send"
        user = note.recipient
        if not user.is_active or not user.email:
            note.email_state = EmailState.NO_ADDRESS
            note.save(update_fields=["email_state"])
            return EmailState.NO_ADDRESS
        try:
            _send(note)
        except Exception as error:
            failure = error
        else:
            note.email_state, note.emailed_at = EmailState.SENT, timezone.now()
            note.email_attempts += 1
            note.save(update_fields=["email_state", "emailed_at", "email_attempts"])
            return EmailState.SENT
    attempts = note.email_attempts + 1
    with transaction.atomic():
        if attempts <= len(RETRY_MINUTES):
            later = timezone.now() + datetime.timedelta(minutes=RETRY_MINUTES[attempts - 1])
            send_notification_email.using(run_after=later).enqueue(notification_id)
            state = EmailState.PENDING
        else:
            state = EmailState.FAILED
        Notification.objects.filter(pk=notification_id).update(email_attempts=attempts, email_state=state)
    logger.warning("notification e-mail %s failed (attempt %s): %s", notification_id, attempts, type(failure).__name__)
    raise failure


def _send(note: Notification) -> None:
    """In the recipient's language and time zone, and no more than that something waits: a
    mailbox is read on phones and shared computers, so the e-mail carries no case number, name
    or agency, only a link to sign in and read it."""
    user = note.recipient
    zone = zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    with translation.override(user.language or settings.LANGUAGE_CODE), timezone.override(zone):
        at = formats.date_format(timezone.localtime(note.created_at), "DATETIME_FORMAT")
        subject = "[casebridge] " + _("You have a new item in casebridge")
        body = "\n\n".join(
            [
                _("You have a new item in casebridge (%(at)s). Sign in to read it: %(link)s")
                % {"at": at, "link": site_url(reverse("notifications:inbox"))},
                _("To choose which notifications also come by e-mail: %(link)s")
                % {"link": site_url(reverse("accounts:settings"))},
            ]
        )
        send_mail(subject, body, None, [user.email])
