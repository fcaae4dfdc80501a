"""The trust core, second pass, item 9: small defects, each reproduced first."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.cases.models import Case
from casebridge.consents.models import ConsentRecord
from casebridge.lib.text import strip_invisible


@pytest.fixture
def lead(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(world.social_worker)}")
    return client


def _json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["detail"] and body["code"]
    return body


def test_deeply_nested_json_is_bad_input(world, lead):
    body = "[" * 5000 + "]" * 5000
    response = lead.generic("POST", "/api/v1/cases/", body, content_type="application/json")
    _json_error(response, 400)
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("opened_on", "message"),
    [("0001-01-01", "before 2000-01-01"), ("1999-12-31", "before 2000-01-01"), ("2999-01-01", "future")],
)
def test_a_case_opened_before_2000_or_in_the_future_is_refused(world, lead, opened_on, message):
    payload = {"province": "KH-12", "opened_on": opened_on, "survivor": {"given_name": "Thida"}}
    body = _json_error(lead.post("/api/v1/cases/", payload, format="json"), 400)
    assert message in str(body["errors"])
    assert not Case.objects.filter(number__contains="-1-").exists() and Case.objects.count() == 1


def test_a_case_cannot_open_before_the_survivor_was_born(world, lead):
    payload = {
        "province": "KH-12",
        "opened_on": "2010-05-01",
        "survivor": {"given_name": "Thida", "birth_date": "2011-01-01", "age_method": "document"},
    }
    body = _json_error(lead.post("/api/v1/cases/", payload, format="json"), 400)
    assert "2011-01-01" in str(body["errors"])


def test_a_consent_dated_before_2000_is_refused(world, lead):
    payload = {
        "purpose": "services",
        "decision": "given",
        "given_by": "guardian",
        "child_assent": True,
        "decided_on": "0001-01-01",
        "language": "khm",
    }
    before = ConsentRecord.objects.count()
    body = _json_error(lead.post(f"/api/v1/cases/{world.case.pk}/consents/", payload, format="json"), 400)
    assert "decided_on" in body["errors"] and ConsentRecord.objects.count() == before


@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u2066", "\u2067", "\u200e", "\u200f", "\ufeff", "\x07"])
def test_invisible_and_bidi_characters_are_stripped_from_names(world, lead, mark):
    payload = {"province": "KH-12", "survivor": {"given_name": f"Da{mark}ra", "aliases": [f"{mark}Mony"]}}
    response = lead.post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 201, response.content
    survivor = Case.objects.get(pk=response.json()["id"]).survivor
    assert survivor.given_name == "Dara" and survivor.aliases == ["Mony"]


def test_the_zero_width_characters_khmer_needs_are_kept():
    khmer = "ស្រី\u200bពៅ\u200cក\u200dខ"
    assert strip_invisible(khmer) == khmer
    assert strip_invisible("a\u202eb c") == "ab c"


def test_an_unknown_field_in_the_survivor_is_refused(world, lead):
    payload = {"province": "KH-12", "survivor": {"given_name": "Thida", "shelter": "Room 4"}}
    body = _json_error(lead.post("/api/v1/cases/", payload, format="json"), 400)
    assert "shelter" in str(body["errors"]) and Case.objects.count() == 1


@pytest.mark.parametrize("path", ["/api/v1/cases/not-a-uuid/", "/api/v1/nothing-here/", "/api/v1/cases/1/timeline/"])
def test_every_api_answer_is_json_even_for_an_unknown_path(world, lead, path):
    _json_error(lead.get(path), 404)


def test_a_ten_megabyte_body_is_refused_in_json(world, lead):
    body = '{"province": "KH-12", "survivor": {"given_name": "' + "a" * (10 * 1024 * 1024) + '"}}'
    response = lead.generic("POST", "/api/v1/cases/", body, content_type="application/json")
    _json_error(response, 400)
    assert Case.objects.count() == 1


def test_rate_limits_live_in_the_shared_cache(world, client, settings):
    """allauth counts failed sign-ins in the default cache; it must be one all workers share."""
    assert settings.CACHES["default"]["BACKEND"] in (
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    )
    cache.clear()
    client.post("/accounts/login/", {"login": "social_worker", "password": "wrong password"})
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM casebridge_cache")
            assert cursor.fetchone()[0] > 0  # another worker reads the same rows


def test_a_password_reset_is_audited_and_the_owner_told(world, mailoutbox, django_capture_on_commit_callbacks):
    from allauth.account.signals import password_reset

    from casebridge.audit.models import AuditEvent

    user = world.social_worker
    user.language = "km"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        password_reset.send(sender=type(user), request=None, user=user)
    event = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).latest("id")
    assert event.reason == "password reset"
    (mail,) = mailoutbox
    assert mail.to == [user.email]
    assert "casebridge" in mail.subject and any("\u1780" <= c <= "\u17ff" for c in mail.body)  # in Khmer


def test_the_language_chosen_in_the_header_is_kept_for_emails(world, login):
    client = login(world.social_worker)
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    world.social_worker.refresh_from_db()
    assert world.social_worker.language == "vi"


def test_a_note_cannot_predate_the_survivors_birth(world):
    from django.core.exceptions import ValidationError

    from casebridge.cases.actions import do_add_note

    survivor = world.case.survivor
    survivor.birth_date, survivor.estimated_age, survivor.age_estimated_on = datetime.date(2011, 3, 1), None, None
    survivor.save()
    world.case.refresh_from_db()
    when = timezone.make_aware(datetime.datetime(2010, 1, 1, 9))
    with pytest.raises(ValidationError, match="2011-03-01"):
        do_add_note(world.case, actor=world.social_worker, section="identity", body="x", occurred_at=when)
