"""Correcting the survivor's identity after intake: the lead agency's case staff only, the whole
identity checked again, the name index and the intake facets following, the timeline saying
which fields changed (never to what)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.audit.models import AuditEvent
from casebridge.cases.models import TimelineEvent
from casebridge.people.search import search_people


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def _form(world, **changes):
    p = world.case.survivor
    data = {
        "family_name": p.family_name or "",
        "given_name": p.given_name or "",
        "family_name_latin": p.family_name_latin or "",
        "given_name_latin": p.given_name_latin or "",
        "aliases": ", ".join(p.aliases or []),
        "estimated_age": p.estimated_age if p.estimated_age is not None else "",
        "age_method": p.age_method or "",
        "birth_date": "",
    }
    return {**data, **changes}


def test_lead_case_staff_correct_a_name_and_search_finds_the_new_one(world, login):
    client = login(world.social_worker)
    url = reverse("cases:identity", args=[world.case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(world, given_name_latin="Sreypov"))
    assert response.status_code == 302
    world.case.survivor.refresh_from_db()
    assert world.case.survivor.given_name_latin == "Sreypov"
    assert [h.person.pk for h in search_people(world.social_worker, "Sreypov Sok")][:1] == [world.case.survivor_id]
    entry = TimelineEvent.objects.get(case=world.case, kind="identity_corrected")
    assert entry.data == {"fields": ["given_name_latin"]} and entry.section == "identity"
    assert "Sreypov" not in str(entry.data)
    event = AuditEvent.objects.filter(action="update", object_type="person").latest("id")
    assert event.reason == "identity corrected: given_name_latin" and event.case_id == world.case.pk


def test_after_a_correction_the_old_name_no_longer_finds_her(world, login):
    """The search index is the corrected name's, not the old one's as well."""
    found = [h.person.pk for h in search_people(world.social_worker, "Srey Pov")]
    assert world.case.survivor_id in found
    changes = {"given_name": "", "given_name_latin": "Chanthou", "aliases": ""}
    assert login(world.social_worker).post(reverse("cases:identity", args=[world.case.pk]), _form(world, **changes))
    assert world.case.survivor_id not in [h.person.pk for h in search_people(world.social_worker, "Srey Pov")]
    assert [h.person.pk for h in search_people(world.social_worker, "Chanthou")] == [world.case.survivor_id]


def test_a_corrected_age_moves_the_intake_facets(world):
    response = _api(world.social_worker).patch(
        f"/api/v1/cases/{world.case.pk}/identity/", {"estimated_age": 13, "age_method": "document"}, format="json"
    )
    assert response.status_code == 200, response.content
    world.case.refresh_from_db()
    assert world.case.age_band == "9-14"


def test_a_bad_correction_changes_nothing_and_says_why(world, login):
    response = login(world.social_worker).post(
        reverse("cases:identity", args=[world.case.pk]), _form(world, birth_date="2015-01-01")
    )
    assert response.status_code == 400 and "not both" in response.content.decode()
    api = _api(world.social_worker)
    url = f"/api/v1/cases/{world.case.pk}/identity/"
    assert api.patch(url, {"given_name_latin": "Srey Pov"}, format="json").status_code == 400  # nothing changed
    assert api.patch(url, {"phone": "+85511111111"}, format="json").status_code == 400  # not correctable here
    assert api.patch(url, {"given_name_latin": "ស្រី"}, format="json").status_code == 400  # Latin field, Khmer
    world.case.survivor.refresh_from_db()
    assert world.case.survivor.given_name_latin == "Srey Pov"
    assert not TimelineEvent.objects.filter(case=world.case, kind="identity_corrected").exists()


def test_only_lead_case_staff_correct_and_outsiders_get_404(world, login):
    url = reverse("cases:identity", args=[world.case.pk])
    assert login(world.shelter_caseworker).get(url).status_code == 403
    assert login(world.outsider).get(url).status_code == 404
    api_url = f"/api/v1/cases/{world.case.pk}/identity/"
    assert _api(world.police).patch(api_url, {"given_name_latin": "X"}, format="json").status_code == 403
    assert _api(world.outsider).patch(api_url, {"given_name_latin": "X"}, format="json").status_code == 404


def test_correcting_a_name_leaves_the_age_as_it_was(world, login):
    import datetime

    from casebridge.people.models import Person

    two_years_ago = datetime.date.today() - datetime.timedelta(days=730)
    survivor = Person.objects.get(pk=world.case.survivor_id)
    survivor.age_estimated_on = two_years_ago
    survivor.save()
    world.case.survivor.refresh_from_db()
    before = world.case.survivor.age_now()
    login(world.social_worker).post(
        reverse("cases:identity", args=[world.case.pk]), _form(world, given_name_latin="Sreypov")
    )
    _api(world.social_worker).patch(
        f"/api/v1/cases/{world.case.pk}/identity/", {"estimated_age": 15, "given_name_latin": "Sreypow"}, format="json"
    )
    world.case.survivor.refresh_from_db()
    assert world.case.survivor.age_now() == before == 17
    assert world.case.survivor.age_estimated_on == two_years_ago


def test_a_corrected_estimate_is_the_age_at_intake(world):
    import datetime

    from casebridge.cases.models import Case

    opened = datetime.date.today() - datetime.timedelta(days=730)
    Case.objects.filter(pk=world.case.pk).update(opened_on=opened)
    from casebridge.people.models import Person

    survivor = Person.objects.get(pk=world.case.survivor_id)
    survivor.age_estimated_on = opened
    survivor.save()
    _api(world.social_worker).patch(f"/api/v1/cases/{world.case.pk}/identity/", {"estimated_age": 14}, format="json")
    world.case.refresh_from_db()
    world.case.survivor.refresh_from_db()
    assert world.case.age_band == "9-14" and world.case.survivor.age_now() == 16


def test_a_birth_date_after_the_case_was_opened_is_refused(world):
    import datetime

    response = _api(world.social_worker).patch(
        f"/api/v1/cases/{world.case.pk}/identity/",
        {"estimated_age": None, "birth_date": datetime.date.today().isoformat(), "age_method": "document"},
        format="json",
    )
    assert response.status_code == 400 and "birth_date" in response.json()["errors"]


def test_a_partner_is_refused_before_its_payload_is_read(world):
    response = _api(world.shelter_caseworker).patch(
        f"/api/v1/cases/{world.case.pk}/identity/", {"phone": "+85511111111"}, format="json"
    )
    assert response.status_code == 403
