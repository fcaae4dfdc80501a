"""The user's own settings (language, time zone, e-mail per kind of notification), on the page
and through ``/api/v1/me/``; and opening one's own notification."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.audit.models import AuditEvent
from casebridge.notifications.actions import email_choices, notify
from casebridge.notifications.models import EmailState, Kind


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def test_the_page_offers_the_kinds_the_role_receives(world, login):
    shelter = login(world.shelter_caseworker).get(reverse("accounts:settings")).content.decode()
    assert "A case was shared with you" in shelter
    assert "A membership waits for approval" not in shelter
    officer = login(world.privacy_officer).get(reverse("accounts:settings")).content.decode()
    assert "A membership waits for approval" in officer
    assert "Always e-mailed: Emergency access to review; A survivor&#x27;s safeguard was broken." in officer
    assert "Always e-mailed: A survivor&#x27;s safeguard was broken." in shelter


def test_saving_the_page_turns_an_email_off_and_sets_language_and_zone(world, login):
    client = login(world.shelter_caseworker)
    kept = [Kind.ASSIGNED, Kind.PARTNER_NOTE, Kind.CONSENT_BY_PARTNER]
    response = client.post(
        reverse("accounts:settings"), {"language": "vi", "time_zone": "Asia/Ho_Chi_Minh", "emails": kept}
    )
    assert response.status_code == 302
    world.shelter_caseworker.refresh_from_db()
    assert (world.shelter_caseworker.language, world.shelter_caseworker.time_zone) == ("vi", "Asia/Ho_Chi_Minh")
    assert email_choices(world.shelter_caseworker)[Kind.SHARED] is False
    assert email_choices(world.shelter_caseworker)[Kind.ASSIGNED] is True
    note = notify([world.shelter_caseworker], Kind.SHARED, data={"number": "n", "agency": "a"})[0]
    assert note.email_state == EmailState.NOT_WANTED
    assert AuditEvent.objects.filter(object_type="user", reason="own settings").exists()
    page = client.get(reverse("accounts:settings")).content.decode()
    assert 'lang="vi"' in page


def test_an_unknown_zone_or_language_is_refused_and_changes_nothing(world, login):
    client = login(world.shelter_caseworker)
    response = client.post(reverse("accounts:settings"), {"language": "fr", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    world.shelter_caseworker.refresh_from_db()
    assert world.shelter_caseworker.time_zone == ""


def test_times_are_shown_in_the_users_time_zone(world, login):
    notify([world.shelter_caseworker], Kind.SHARED, data={"number": "n", "agency": "a"})
    client = login(world.shelter_caseworker)
    from django.utils import timezone

    note = world.shelter_caseworker.notifications.get()
    phnom_penh = timezone.localtime(note.created_at).strftime("%H:%M")
    assert phnom_penh in client.get(reverse("notifications:inbox")).content.decode()
    world.shelter_caseworker.time_zone = "UTC"
    world.shelter_caseworker.save()
    utc = note.created_at.astimezone(__import__("datetime").UTC).strftime("%H:%M")
    assert utc in client.get(reverse("notifications:inbox")).content.decode()


def test_the_api_reads_and_changes_the_callers_settings(world):
    client = _api(world.shelter_caseworker)
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "shelter_caseworker"
    assert me["email"][Kind.SHARED] is True and Kind.MEMBERSHIP_PENDING not in me["email"]
    response = client.patch("/api/v1/me/", {"time_zone": "Asia/Bangkok", "email": {"shared": False}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["time_zone"] == "Asia/Bangkok"
    assert response.json()["email"]["shared"] is False


def test_the_api_refuses_what_the_caller_cannot_choose(world):
    client = _api(world.shelter_caseworker)
    for body in (
        {"time_zone": "Nowhere/Special"},
        {"email": {"membership_pending": False}},
        {"email": {"shared": "no"}},
        {"language": "de"},
        {"colour": "blue"},
    ):
        response = client.patch("/api/v1/me/", body, format="json")
        assert response.status_code == 400, (body, response.content)
    assert email_choices(world.shelter_caseworker)[Kind.SHARED] is True
    world.shelter_caseworker.refresh_from_db()
    assert world.shelter_caseworker.time_zone == ""
    po = _api(world.privacy_officer)
    assert po.patch("/api/v1/me/", {"email": {"break_glass": False}}, format="json").status_code == 400


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(world, login):
    note = notify([world.social_worker], Kind.ASSIGNED, data={"number": "n", "by": "b"}, link="/cases/")[0]
    response = login(world.social_worker).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_404(world, login):
    note = notify([world.social_worker], Kind.ASSIGNED, data={"number": "n", "by": "b"}, link="/cases/")[0]
    response = login(world.outsider).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_a_notification_never_sends_its_reader_off_the_site(world, login):
    note = notify([world.social_worker], Kind.ASSIGNED, data={"number": "n", "by": "b"}, link="https://evil.example/")[
        0
    ]
    response = login(world.social_worker).get(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:inbox")
