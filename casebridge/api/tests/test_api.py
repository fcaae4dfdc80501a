from __future__ import annotations

import datetime
import hashlib
import json
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.api.models import ApiToken, IdempotencyKey
from casebridge.audit.models import AuditEvent
from casebridge.cases.models import Case, TimelineEvent
from casebridge.consents.models import ConsentRecord

NEW_CASE = {
    "province": "KH-12",
    "survivor": {"given_name": "Hồng", "family_name": "Nguyễn Thị", "estimated_age": 16, "age_method": "appearance"},
}


@pytest.fixture
def api(world):
    def _api(persona):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(world.users[persona])}")
        return client

    return _api


def test_it_creates_a_token_from_the_command(world, capsys):
    call_command("create_api_token", "social_worker")
    key = capsys.readouterr().out.strip()
    assert len(key) > 30
    token = ApiToken.objects.get()
    assert token.digest != key and key not in token.digest
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/cases/").status_code == 200


def test_it_refuses_a_bad_token(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/cases/").status_code == 401
    assert APIClient().get("/api/v1/cases/").status_code in (401, 403)


def test_it_lists_only_reachable_cases_with_results(world, api):
    body = api("shelter_caseworker").get("/api/v1/cases/").json()
    assert body["count"] == 1
    case = body["results"][0]
    assert case["number"] == world.case.number
    assert case["survivor"]["given_name_latin"] == "Srey Pov"
    assert case["lead_agency"]["code"] == "JPC"
    # The shelter sees itself on the team, not the police investigator (a section it does not reach).
    assert {m["agency"] or m["user"] for m in case["shared_with"]} == {"SHS"}
    assert AuditEvent.objects.filter(action="list", actor=world.shelter_caseworker, case_id=world.case.pk).exists()
    lead = api("social_worker").get(f"/api/v1/cases/{world.case.pk}/").json()
    assert {m["agency"] or m["user"] for m in lead["shared_with"]} == {"SHS", "police"}


def test_it_withholds_identity_without_the_section(world, api):
    body = api("privacy_officer").get(f"/api/v1/cases/{world.case.pk}/").json()
    assert body["survivor"] is None and body["your_sections"] == []
    assert "Srey" not in json.dumps(body)


def test_it_answers_404_to_outsiders_and_for_missing_cases(world, api):
    client = api("outsider")
    assert client.get(f"/api/v1/cases/{world.case.pk}/").status_code == 404
    assert client.get(f"/api/v1/cases/{uuid.uuid4()}/").status_code == 404
    assert client.get("/api/v1/cases/not-a-uuid/").status_code == 404
    assert client.patch(f"/api/v1/cases/{world.case.pk}/", {"status": "Closed"}, format="json").status_code == 404
    assert client.get("/api/v1/people/?q=Srey").json()["results"] == []


def test_it_creates_a_case_once_for_a_retried_key(world, api):
    client = api("social_worker")
    first = client.post("/api/v1/cases/", NEW_CASE, format="json", HTTP_IDEMPOTENCY_KEY="intake-42")
    second = client.post("/api/v1/cases/", NEW_CASE, format="json", HTTP_IDEMPOTENCY_KEY="intake-42")
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 2
    # The stored fingerprint of the body (which holds the identity) is keyed, not a plain hash.
    body = json.dumps(NEW_CASE, sort_keys=True, default=str, ensure_ascii=False)
    plain = hashlib.sha256(f"POST /api/v1/cases/\n{body}".encode()).hexdigest()
    assert IdempotencyKey.objects.get(key="intake-42").fingerprint != plain


def test_it_refuses_a_reused_key_with_another_body(world, api):
    client = api("social_worker")
    client.post("/api/v1/cases/", NEW_CASE, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = dict(NEW_CASE, province="KH-17")
    response = client.post("/api/v1/cases/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 409
    assert Case.objects.count() == 2


def test_it_creates_without_a_key_every_time(world, api):
    client = api("social_worker")
    client.post("/api/v1/cases/", {**NEW_CASE, "different_person": True}, format="json")
    client.post("/api/v1/cases/", {**NEW_CASE, "different_person": True}, format="json")
    assert Case.objects.count() == 3


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**NEW_CASE, "province": "XX-1"}, "province"),
        ({**NEW_CASE, "colour": "red"}, "colour"),
        ({**NEW_CASE, "survivor": {"given_name": "x" * 101}}, "survivor"),
        (
            {**NEW_CASE, "survivor": {"given_name": "Hong", "birth_date": "2999-01-01", "age_method": "document"}},
            "survivor.birth_date",
        ),
        ({**NEW_CASE, "survivor": {"given_name": "Hongហុង"}}, "survivor.given_name"),
        ({**NEW_CASE, "survivor": {"given_name": "Hong", "nationalities": ["ZZ"]}}, "survivor.nationalities"),
        ({**NEW_CASE, "survivor": {}}, "survivor.given_name"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(world, api, payload, field):
    events = AuditEvent.objects.count()
    response = api("social_worker").post("/api/v1/cases/", payload, format="json", HTTP_IDEMPOTENCY_KEY=f"bad-{field}")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Case.objects.count() == 1 and AuditEvent.objects.count() == events


def test_it_refuses_malformed_json(world, api):
    response = api("social_worker").post("/api/v1/cases/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert Case.objects.count() == 1


def test_it_updates_the_status(world, api):
    client = api("social_worker")
    response = client.patch(f"/api/v1/cases/{world.case.pk}/", {"status": "Closed"}, format="json")
    assert response.status_code == 400 and "closure_reason" in response.json()["errors"]
    response = client.patch(f"/api/v1/cases/{world.case.pk}/", {"status": "FollowUp"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "FollowUp"
    assert (
        api("shelter_caseworker")
        .patch(f"/api/v1/cases/{world.case.pk}/", {"status": "Active"}, format="json")
        .status_code
        == 403
    )


def test_it_adds_and_lists_notes_idempotently(world, api):
    client = api("lawyer")
    url = f"/api/v1/cases/{world.case.pk}/notes/"
    note = {"section": "legal", "body": "Hearing preparation with the survivor's consent."}
    first = client.post(url, note, format="json", HTTP_IDEMPOTENCY_KEY="n1")
    again = client.post(url, note, format="json", HTTP_IDEMPOTENCY_KEY="n1")
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert TimelineEvent.objects.filter(kind="note").count() == 1
    assert client.get(url).json()["count"] == 1
    assert api("shelter_caseworker").get(url).json()["count"] == 0


def test_it_records_consent_through_the_api(world, api):
    url = f"/api/v1/cases/{world.case.pk}/consents/"
    payload = {
        "purpose": "testimony",
        "decision": "refused",
        "given_by": "survivor",
        "decided_on": timezone.localdate().isoformat(),
        "language": "km",
    }
    response = api("social_worker").post(url, payload, format="json")
    assert response.status_code == 201, response.json()
    assert ConsentRecord.objects.filter(purpose="testimony", decision="refused", language="khm").exists()
    future = dict(payload, decided_on=(timezone.localdate() + datetime.timedelta(days=2)).isoformat())
    assert api("social_worker").post(url, future, format="json").status_code == 400


def test_it_refuses_team_sharing_without_consent(world, api):
    response = api("social_worker").post(
        f"/api/v1/cases/{world.case.pk}/team/",
        {"agency": world.agencies["MCL"].pk, "sections": ["medical"]},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "consent_required"


def test_it_shows_the_access_log_to_the_lead_agency(world, api):
    api("nurse").get(f"/api/v1/cases/{world.case.pk}/")
    log = api("privacy_officer").get(f"/api/v1/cases/{world.case.pk}/access-log/").json()
    assert any(e["actor_username"] == "nurse" and e["action"] == "view" for e in log["results"])
    assert api("nurse").get(f"/api/v1/cases/{world.case.pk}/access-log/").status_code == 403


def test_it_searches_people_across_scripts(world, api):
    client = api("social_worker")
    for query in ["Srey Pov", "ស្រីពៅ", "srei pau", "Sok Sreypov"]:
        results = client.get("/api/v1/people/", {"q": query}).json()["results"]
        assert [r["id"] for r in results] == [str(world.case.survivor_id)], query
        assert results[0]["cases"] == [str(world.case.pk)]
    assert client.get("/api/v1/people/").status_code == 400
    assert client.get("/api/v1/people/", {"q": "x" * 201}).status_code == 400


def test_it_serves_the_schema_and_docs(world, api):
    client = api("social_worker")
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/cases/{id}/notes/" in schema["paths"]
    assert client.get("/api/v1/docs/").status_code == 200


def test_it_lists_agencies(world, api):
    body = api("outsider").get("/api/v1/agencies/").json()
    assert {"JPC", "AHTJP", "SHS"} <= {a["code"] for a in body["results"]}


def test_it_refuses_a_token_whose_owner_has_no_second_factor(world, api):
    from allauth.mfa.models import Authenticator
    from django.core.management.base import CommandError

    client = api("social_worker")
    Authenticator.objects.filter(user=world.social_worker).delete()
    response = client.get(f"/api/v1/cases/{world.case.pk}/")
    assert response.status_code == 403 and "Srey" not in response.content.decode()
    assert "second factor" in response.json()["detail"]
    with pytest.raises(CommandError, match="second factor"):
        call_command("create_api_token", "social_worker")


def test_it_lists_consents_only_with_the_identity_section(world, api):
    assert len(api("social_worker").get(f"/api/v1/cases/{world.case.pk}/consents/").json()["results"]) == 2
    assert api("privacy_officer").get(f"/api/v1/cases/{world.case.pk}/consents/").json()["results"] == []
    event = AuditEvent.objects.filter(action="list", object_type="consent").first()
    assert event is not None and event.sections == "identity"


def test_it_puts_search_hits_in_the_cases_access_log(world, api):
    assert api("police").get("/api/v1/people/?q=Srey Pov").json()["results"]
    log = api("social_worker").get(f"/api/v1/cases/{world.case.pk}/access-log/").json()["results"]
    assert [e for e in log if e["action"] == "search" and e["actor_username"] == "police"]


def test_it_audits_the_sections_a_patch_answers_with(world, api):
    response = api("social_worker").patch(f"/api/v1/cases/{world.case.pk}/", {"status": "FollowUp"}, format="json")
    assert response.status_code == 200 and response.json()["survivor"]["phone"] == "+85512345678"
    view = AuditEvent.objects.filter(action="view", actor=world.social_worker, case_id=world.case.pk).latest("id")
    assert "identity" in view.sections.split(",")


def test_it_says_nothing_about_usernames_to_those_who_cannot_change_the_team(world, api):
    client = api("nurse")
    for username in ("no-such-user", "outsider"):
        response = client.post(
            f"/api/v1/cases/{world.case.pk}/team/", {"username": username, "sections": ["medical"]}, format="json"
        )
        assert response.status_code == 403


def test_it_refuses_a_note_dated_before_2000(world, api):
    notes = TimelineEvent.objects.filter(kind="note").count()
    response = api("social_worker").post(
        f"/api/v1/cases/{world.case.pk}/notes/",
        {"section": "crisis_care", "body": "Met her mother.", "occurred_at": "1999-12-31T10:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert "before 2000" in json.dumps(response.json()["errors"])
    assert TimelineEvent.objects.filter(kind="note").count() == notes


def test_it_refuses_an_expired_token(world, api, settings):
    client = api("social_worker")
    assert client.get("/api/v1/cases/").status_code == 200
    token = ApiToken.objects.get(user=world.social_worker)
    assert token.expires_at is not None
    assert token.expires_at - token.created_at >= datetime.timedelta(days=89)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


@pytest.mark.parametrize("error", ["conflict", "invalid", "not_found"])
def test_an_error_answer_writes_nothing_whatever_ran_before_it(world, api, monkeypatch, error):
    """Every error response rolls back (the trust core, second pass, item 7): here the action
    writes a note and its audit event, then fails."""
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from casebridge.cases import actions
    from casebridge.lib.errors import Conflict

    real = actions.do_add_note

    def write_then_fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        raise {"conflict": Conflict("x"), "invalid": ValidationError({"body": "x"}), "not_found": Http404()}[error]

    monkeypatch.setattr(actions, "do_add_note", write_then_fail)
    notes, events = TimelineEvent.objects.filter(kind="note").count(), AuditEvent.objects.count()
    response = api("social_worker").post(
        f"/api/v1/cases/{world.case.pk}/notes/", {"section": "identity", "body": "Seen today."}, format="json"
    )
    assert response.status_code == {"conflict": 409, "invalid": 400, "not_found": 404}[error]
    assert TimelineEvent.objects.filter(kind="note").count() == notes
    assert AuditEvent.objects.count() == events


def test_it_notes_a_tokens_use_at_most_once_a_minute_after_the_request(world, django_capture_on_commit_callbacks):
    key = issue_token(world.social_worker)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.get("/api/v1/cases/").status_code == 200
    assert len(callbacks) == 1  # written after the request's transaction, not inside it
    first = ApiToken.objects.get(user=world.social_worker).last_used_at
    assert first is not None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.get("/api/v1/cases/").status_code == 200
    assert callbacks == []
    assert ApiToken.objects.get(user=world.social_worker).last_used_at == first


@pytest.mark.parametrize("persona", ["social_worker", "shelter_caseworker", "police", "privacy_officer"])
def test_the_hand_written_representations_are_what_drf_would_write(world, persona):
    """The case, survivor, agency and team serializers write their rows by hand for speed; DRF's
    own field-by-field representation of the same objects must be identical."""
    from rest_framework import serializers as drf

    from casebridge.agencies.api import AgencySerializer
    from casebridge.cases.access import case_access
    from casebridge.cases.api import CaseSerializer, TeamMemberSerializer
    from casebridge.people.api import PersonSerializer

    user = world.users[persona]
    case = Case.objects.select_related("lead_agency", "survivor").get(pk=world.case.pk)
    access = case_access(user, case)
    context = {"accesses": {case.pk: access}}
    fast = CaseSerializer(context=context)
    slow = CaseSerializer(context=context)
    by_drf = drf.ModelSerializer.to_representation(slow, case)
    assert fast.to_representation(case) == dict(by_drf)
    for whereabouts in (True, False):
        person = PersonSerializer(context={"whereabouts": whereabouts})
        assert person.to_representation(case.survivor) == dict(
            drf.ModelSerializer.to_representation(person, case.survivor)
        )
    agency = AgencySerializer()
    assert agency.to_representation(case.lead_agency) == dict(
        drf.ModelSerializer.to_representation(agency, case.lead_agency)
    )
    for member in case.team.all():
        for team in (TeamMemberSerializer(), TeamMemberSerializer(context={"zone": timezone.get_current_timezone()})):
            assert team.to_representation(member) == dict(drf.ModelSerializer.to_representation(team, member))


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime.datetime(1900, 1, 2), max_value=datetime.datetime(2100, 1, 1), timezones=st.timezones()
    ),
    zone=st.sampled_from(["UTC", "Asia/Phnom_Penh", "Asia/Ho_Chi_Minh", "America/New_York", "Asia/Kathmandu"]),
)
def test_a_moment_is_written_as_drf_writes_it_in_every_time_zone(moment, zone):
    """``when`` given the time zone (a list writes many moments and looks it up once) writes what
    DRF's DateTimeField writes in that zone: UTC as Z, the offset otherwise, either side of a
    change of clocks."""
    import zoneinfo

    from rest_framework import serializers as drf

    from casebridge.api.serializers import when

    with timezone.override(zone):
        assert when(moment, zoneinfo.ZoneInfo(zone)) == drf.DateTimeField().to_representation(moment)


def test_a_list_and_a_case_write_their_moments_in_the_callers_time_zone(world, login):
    """A page's moments are written in a time zone looked up once per page: it must be the
    caller's own (New York here, twelve hours from the deployment's), on the list and the case,
    the team's places included."""
    import zoneinfo

    from rest_framework import serializers as drf

    world.social_worker.time_zone = "America/New_York"
    world.social_worker.save()
    client = login(world.social_worker)
    case = Case.objects.get(pk=world.case.pk)
    members = {m.pk: m for m in case.team.all()}
    assert members, "the case has a team"
    listed = next(c for c in client.get("/api/v1/cases/").json()["results"] if c["id"] == str(case.pk))
    alone = client.get(f"/api/v1/cases/{case.pk}/").json()
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        written = drf.DateTimeField().to_representation
        for shown in (listed, alone):
            assert (shown["created_at"], shown["updated_at"]) == (written(case.created_at), written(case.updated_at))
            assert shown["created_at"].endswith(("-05:00", "-04:00"))
            assert {m["id"]: m["added_at"] for m in shown["shared_with"]} == {
                pk: written(m.added_at) for pk, m in members.items()
            }
