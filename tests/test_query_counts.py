"""Pages cost a constant number of queries (the core that stays fast, item 2): every list,
detail and timeline, in the UI and the API, makes as many queries for 12 rows as for 3. A page
that checked access, attribution or names row by row would make more."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.cases.actions import (
    do_add_note,
    do_add_participant,
    do_add_team_member,
    do_break_glass,
    do_open_case,
)
from casebridge.consents.actions import do_record_consent
from casebridge.notifications.actions import notify
from casebridge.people.actions import clean_identity

REASON = "The child called the hotline from an unknown place tonight; I need the guardian's number."


def _grow(world, rows: int, *, glass: bool = False) -> None:
    """``rows`` more of everything the pages list: cases reached through the lead, the team and
    emergency access, notes and consents on the world's case, notifications."""
    lead, shelter = world.social_worker, world.agencies["SHS"]
    for i in range(rows):
        case = do_open_case(
            actor=lead,
            agency=world.agencies["JPC"],
            identity=clean_identity({"given_name_latin": f"Sreymom{i}"}),
            province="KH-12",
            opened_on=timezone.localdate() - datetime.timedelta(days=i),
        )
        if i % 2:
            do_record_consent(
                case,
                actor=lead,
                purpose="sharing",
                shared_with=shelter,
                decision="given",
                given_by="guardian",
                child_assent=True,
                decided_on=timezone.localdate(),
                language="khm",
            )
            do_add_team_member(case, actor=lead, sections=["identity", "crisis_care"], agency=shelter)
        do_add_note(world.case, actor=world.shelter_caseworker, section="crisis_care", body=f"Note {i}")
        do_add_participant(
            world.case, actor=lead, role="family", identity=clean_identity({"given_name_latin": f"Bopha{i}"})
        )
        do_add_note(world.case, actor=lead, section="identity", body=f"Lead note {i}")
        do_record_consent(
            world.case,
            actor=lead,
            purpose="research",
            decision="refused",
            given_by="guardian",
            child_assent=False,
            decided_on=timezone.localdate(),
            language="khm",
        )
        notify(
            [lead, world.privacy_officer],
            "consent_by_partner",
            data={"agency": "SHS", "number": "x", "decision": "withdrawn"},
        )
        if glass and i < 2:
            do_break_glass(case.number, actor=world.users["gov_social_worker"], reason=REASON)


PAGES = [
    # (persona, path with {case}, API?)
    ("social_worker", "/", False),
    ("shelter_caseworker", "/", False),
    ("social_worker", "/cases/", False),
    ("shelter_caseworker", "/cases/", False),
    ("social_worker", "/cases/{case}/", False),
    ("police", "/cases/{case}/", False),
    ("social_worker", "/cases/{case}/?page=1", False),
    ("social_worker", "/notifications/", False),
    ("privacy_officer", "/privacy/reviews/", False),
    ("social_worker", "/privacy/cases/{case}/access-log/", False),
    ("social_worker", "/api/v1/cases/", True),
    ("shelter_caseworker", "/api/v1/cases/", True),
    ("social_worker", "/api/v1/cases/{case}/", True),
    ("social_worker", "/api/v1/cases/{case}/timeline/", True),
    ("police", "/api/v1/cases/{case}/timeline/", True),
    ("social_worker", "/api/v1/cases/{case}/notes/", True),
    ("social_worker", "/api/v1/cases/{case}/consents/", True),
    ("social_worker", "/api/v1/cases/{case}/team/", True),
    ("social_worker", "/api/v1/cases/{case}/access-log/", True),
    ("social_worker", "/api/v1/notifications/", True),
    ("privacy_officer", "/api/v1/memberships/", True),
    ("social_worker", "/api/v1/people/?q=Sreymom", True),
    # Filtered and sorted lists cost what the plain ones do.
    ("social_worker", "/cases/?status=Active&province=KH-12&sort=number", False),
    ("social_worker", "/cases/?age_band=unknown&case_worker=me&sort=-updated_at", False),
    ("privacy_officer", "/privacy/reviews/?state=waiting&date_from=2020-01-01", False),
    ("social_worker", "/privacy/cases/{case}/access-log/?person=social_worker&action=create", False),
    ("social_worker", "/cases/{case}/?section=identity", False),
    ("social_worker", "/api/v1/cases/?status=Active&sort=number", True),
    ("social_worker", "/api/v1/cases/?age_band=unknown&opened_from=2020-01-01", True),
    ("privacy_officer", "/api/v1/emergency-access/?state=waiting", True),
    ("social_worker", "/api/v1/cases/{case}/access-log/?agency=JPC&date_from=2020-01-01", True),
    ("social_worker", "/api/v1/cases/{case}/timeline/?section=identity", True),
    ("social_worker", "/api/v1/cases/{case}/participants/", True),
    ("social_worker", "/api/v1/people/?q=Sreymom&status=Active", True),
]


def _queries(world, login, persona: str, path: str, api: bool) -> int:
    url = path.format(case=world.case.pk)
    user = world.users[persona]
    if api:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    else:
        client = login(user)
    client.get(url)  # warm: sessions, the token's first use, content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize(("persona", "path", "api"), PAGES)
def test_a_page_costs_the_same_whatever_its_rows(world, login, persona, path, api):
    _grow(world, 3, glass=True)
    few = _queries(world, login, persona, path, api)
    _grow(world, 9, glass=False)
    many = _queries(world, login, persona, path, api)
    assert many == few, f"{path}: {few} queries for the smaller page, {many} for the larger"


def test_the_people_search_page_costs_the_same_whatever_its_hits(world, login):
    _grow(world, 3)
    client = login(world.social_worker)
    with CaptureQueriesContext(connection) as few:
        client.post(reverse("people:search"), {"q": "Sreymom"}, follow=True)
    _grow(world, 9)
    with CaptureQueriesContext(connection) as many:
        client.post(reverse("people:search"), {"q": "Sreymom"}, follow=True)
    assert len(many) == len(few)
