"""Which other agencies serve the survivor, and where she is, are need-to-know in themselves
(issue: the trust core, second pass, item 1). Each test reproduces a leak seen on the demo: a
police officer on the team read the shelter's name in the timeline and the consent list; a
clinic nurse read that the police were on the team and who broke the glass."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from casebridge.cases.actions import do_add_note, do_add_team_member, do_break_glass, do_remove_team_member
from casebridge.cases.models import TeamMember
from casebridge.cases.sections import Section
from casebridge.lib.testing import share_consent
from casebridge.people.search import search_people

REASON = "The child called the hotline from an unknown place tonight; I need the guardian's number."
SHELTER = "Safe Haven Shelter"
CLINIC = "Mercy Clinic"
POLICE = "Anti-Human Trafficking"


def _pages(client, case):
    """Everything one reader can get about the case, UI and API, as one text."""
    urls = [
        reverse("cases:detail", args=[case.pk]),
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/cases/{case.pk}/timeline/",
        f"/api/v1/cases/{case.pk}/consents/",
        f"/api/v1/cases/{case.pk}/team/",
        f"/api/v1/cases/{case.pk}/notes/",
        "/api/v1/cases/",
    ]
    texts = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        # CSRF tokens are random letters: one may spell "MCL" by chance.
        texts.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode()))
    return "\n".join(texts)


def _consent_to_share(world, code):

    share_consent(world, code)


@pytest.fixture
def busy_case(world):
    """The world's case with a team change, a partner's note and an emergency access on it."""
    _consent_to_share(world, "MCL")
    do_add_team_member(
        world.case, actor=world.social_worker, sections=["identity", "medical"], agency=world.agencies["MCL"]
    )
    member = TeamMember.objects.get(case=world.case, agency=world.agencies["MCL"], removed_at__isnull=True)
    do_remove_team_member(member, actor=world.social_worker)  # the clinic keeps its referral grant
    do_add_note(world.case, actor=world.shelter_caseworker, section="crisis_care", body="Slept well, ate breakfast.")
    do_break_glass(world.case.number, actor=world.gov_social_worker, reason=REASON)
    return world.case


def test_the_police_learn_neither_the_shelter_nor_the_clinic(busy_case, world, login):
    text = _pages(login(world.police), busy_case)
    assert SHELTER not in text and CLINIC not in text
    assert "SHS" not in text and "MCL" not in text
    assert "shelter_caseworker" not in text  # a partner's note shows the author's role only
    assert "gov_social_worker" not in text and "break_glass" not in text  # nor who broke the glass


def test_the_clinic_learns_neither_the_police_nor_who_broke_the_glass(busy_case, world, login):
    text = _pages(login(world.nurse), busy_case)
    assert "police" not in text and POLICE not in text and "AHTJP" not in text
    assert "gov_social_worker" not in text and "break_glass" not in text
    assert SHELTER not in text


def test_the_shelter_sees_what_concerns_it_and_nothing_of_the_others(busy_case, world, login):
    client = login(world.shelter_caseworker)
    text = _pages(client, busy_case)
    assert CLINIC not in text and "AHTJP" not in text and "police" not in text
    consents = client.get(f"/api/v1/cases/{busy_case.pk}/consents/").json()["results"]
    assert [c["shared_with"] for c in consents] == [world.agencies["SHS"].pk]  # its own, not the police's
    timeline = client.get(f"/api/v1/cases/{busy_case.pk}/timeline/").json()["results"]
    own_note = next(e for e in timeline if e["kind"] == "note")
    assert (own_note["actor"], own_note["agency"]) == ("shelter_caseworker", "SHS")


def test_the_lead_agencys_case_staff_see_every_partner(busy_case, world, login):
    client = login(world.social_worker)
    text = _pages(client, busy_case)
    assert SHELTER in text and CLINIC in text and "police" in text and "gov_social_worker" in text
    timeline = client.get(f"/api/v1/cases/{busy_case.pk}/timeline/").json()["results"]
    note = next(e for e in timeline if e["kind"] == "note")
    assert (note["actor"], note["agency"], note["role"]) == ("shelter_caseworker", "SHS", "partner_caseworker")
    kinds = {e["kind"] for e in timeline}
    assert {"team_added", "team_removed", "consent", "break_glass", "note"} <= kinds


def test_a_partners_note_shows_its_authors_role_to_other_partners(busy_case, world, login):
    timeline = login(world.police).get(f"/api/v1/cases/{busy_case.pk}/timeline/").json()["results"]
    assert [e for e in timeline if e["kind"] == "note"] == []  # crisis care is not the police's section
    do_add_note(busy_case, actor=world.shelter_caseworker, section="identity", body="Her aunt visited.")
    timeline = login(world.police).get(f"/api/v1/cases/{busy_case.pk}/timeline/").json()["results"]
    (note,) = [e for e in timeline if e["kind"] == "note"]
    assert (note["actor"], note["agency"], note["role"]) == (None, None, "partner_caseworker")
    body = login(world.police).get(reverse("cases:detail", args=[busy_case.pk])).content.decode()
    assert "Partner caseworker" in body and "shelter_caseworker" not in body


def test_the_privacy_officer_sees_who_broke_the_glass_but_no_partner(busy_case, world, login):
    text = login(world.privacy_officer).get(reverse("cases:detail", args=[busy_case.pk])).content.decode()
    assert "gov_social_worker" in text
    assert SHELTER not in text and CLINIC not in text


def test_the_whereabouts_are_for_the_lead_agency_and_those_granted_them(world, login):
    address = world.case.survivor.address
    assert address
    for persona in ("police", "shelter_caseworker", "nurse", "lawyer", "ngo_investigator"):
        text = _pages(login(world.users[persona]), world.case)
        assert address not in text, persona
    assert address in _pages(login(world.social_worker), world.case)
    place = TeamMember.objects.get(case=world.case, agency=world.agencies["SHS"], removed_at__isnull=True)
    do_remove_team_member(place, actor=world.social_worker)
    do_add_team_member(
        world.case, actor=world.social_worker, sections=["identity", "whereabouts"], agency=world.agencies["SHS"]
    )
    assert address in _pages(login(world.shelter_caseworker), world.case)


def test_emergency_access_never_opens_the_whereabouts(world, login):
    # gov_social_worker's role includes whereabouts at its own agency's cases; not by breaking the glass.
    do_break_glass(world.case.number, actor=world.gov_social_worker, reason=REASON)
    from casebridge.cases.access import case_access

    access = case_access(world.gov_social_worker, world.case)
    assert access.break_glass and Section.IDENTITY in access.sections
    assert Section.WHEREABOUTS not in access.sections
    assert world.case.survivor.address not in _pages(login(world.gov_social_worker), world.case)


def test_search_hits_name_no_partner(world, login):
    assert [h.person.pk for h in search_people(world.police, "Srey Pov")] == [world.case.survivor_id]
    body = login(world.police).post(reverse("people:search"), {"q": "Srey Pov"}, follow=True).content.decode()
    assert world.case.number in body and SHELTER not in body and world.case.survivor.address not in body


def test_the_access_log_is_for_the_lead_agency(busy_case, world, login):
    for persona in ("police", "shelter_caseworker", "nurse"):
        assert login(world.users[persona]).get(f"/api/v1/cases/{busy_case.pk}/access-log/").status_code == 403
    log = login(world.social_worker).get(f"/api/v1/cases/{busy_case.pk}/access-log/").json()
    assert log["count"] > 0
