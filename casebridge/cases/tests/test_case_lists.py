"""Lists of cases narrowed and sorted: the cases page and GET /api/v1/cases/ take the same
filters, say what is wrong with a bad one, and never let a filter tell what the case's page
would not."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.cases import sections as sec
from casebridge.cases import views
from casebridge.cases.actions import do_assign_case_worker, do_open_case
from casebridge.cases.models import AgeBand, Case, TeamMember, age_band
from casebridge.cases.sections import Section
from casebridge.people.actions import clean_identity


def _open(world, name, *, days_ago=1, province="KH-12", **identity):
    return do_open_case(
        actor=world.social_worker,
        agency=world.agencies["JPC"],
        identity=clean_identity({"given_name_latin": name, **identity}),
        province=province,
        opened_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def _numbers(response):
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("age", "band"),
    [(None, ""), (0, "0-8"), (8, "0-8"), (9, "9-14"), (14, "9-14"), (15, "15-17"), (17, "15-17"), (18, "18-20")],
)
def test_the_age_bands_split_childhood_where_the_law_does(age, band):
    assert age_band(age) == band
    assert band in AgeBand.values


def test_a_case_keeps_the_survivors_age_band_sex_and_nationality_at_intake(world):
    case = _open(world, "Vanna", estimated_age=16, age_method="appearance", gender="Masculine", nationalities=["VN"])
    case.refresh_from_db()
    assert (case.age_band, case.sex, case.nationality) == ("15-17", "Masculine", "VN")
    world.case.refresh_from_db()
    assert (world.case.age_band, world.case.sex, world.case.nationality) == ("15-17", "Feminine", "KH")


def test_the_list_narrows_by_status_province_and_age(world):
    unknown_age = _open(world, "Dara", province="KH-8")
    closed = _open(world, "Closed")
    Case.objects.filter(pk=closed.pk).update(status="Closed", closure_reason="other")
    api = _api(world.social_worker)
    assert _numbers(api.get("/api/v1/cases/", {"status": "Closed"})) == [closed.number]
    assert _numbers(api.get("/api/v1/cases/", {"province": "KH-8"})) == [unknown_age.number]
    assert _numbers(api.get("/api/v1/cases/", {"age_band": "15-17"})) == [world.case.number]
    assert set(_numbers(api.get("/api/v1/cases/", {"age_band": "unknown"}))) == {unknown_age.number, closed.number}
    assert _numbers(api.get("/api/v1/cases/", {"age_band": "unknown", "status": "Active"})) == [unknown_age.number]


def test_the_page_narrows_by_sex_nationality_and_the_opening_day(world, login):
    boy = _open(world, "Vanna", days_ago=40, gender="Masculine", nationalities=["VN"])
    client = login(world.social_worker)
    body = client.get(reverse("cases:list"), {"sex": "Masculine"}).content.decode()
    assert boy.number in body and world.case.number not in body
    body = client.get(reverse("cases:list"), {"nationality": "kh"}).content.decode()
    assert world.case.number in body and boy.number not in body
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    body = client.get(reverse("cases:list"), {"opened_from": since}).content.decode()
    assert world.case.number in body and boy.number not in body
    body = client.get(reverse("cases:list"), {"opened_to": since}).content.decode()
    assert boy.number in body and world.case.number not in body
    assert "1 case" in body


def test_the_case_worker_filter_takes_me_or_a_colleague(world):
    mine = _open(world, "Mine")
    do_assign_case_worker(mine, actor=world.social_worker, owner=world.ngo_investigator)
    assert _numbers(_api(world.ngo_investigator).get("/api/v1/cases/", {"case_worker": "me"})) == [mine.number]
    numbers = _numbers(_api(world.social_worker).get("/api/v1/cases/", {"case_worker": "ngo_investigator"}))
    assert numbers == [mine.number]


def test_an_identity_filter_matches_only_cases_whose_identity_you_reach(world):
    """A lawyer from another agency on the team with the legal section only sees the case in
    the list, but filtering by the survivor's sex must not tell them what it is."""
    TeamMember.objects.create(
        case=world.case, user=world.outsider, sections=sec.to_mask([Section.LEGAL]), added_by=world.social_worker
    )
    api = _api(world.outsider)
    assert _numbers(api.get("/api/v1/cases/")) == [world.case.number]
    for asked in ({"sex": "Feminine"}, {"nationality": "KH"}, {"age_band": "15-17"}, {"age_band": "unknown"}):
        assert _numbers(api.get("/api/v1/cases/", asked)) == [], asked
    # Filters that are not about the survivor still match.
    assert _numbers(api.get("/api/v1/cases/", {"status": "Active", "province": "KH-12"})) == [world.case.number]


def test_an_outsider_finds_nothing_by_any_filter(world, login):
    api = _api(world.outsider)
    for asked in ({}, {"sex": "Feminine"}, {"province": "KH-12"}, {"status": "Active"}, {"sort": "number"}):
        assert _numbers(api.get("/api/v1/cases/", asked)) == [], asked
    body = login(world.outsider).get(reverse("cases:list"), {"sex": "Feminine"}).content.decode()
    assert world.case.number not in body and "Srey Pov" not in body


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"status": "Nope"}, "status"),
        ({"province": "KH-99"}, "province"),
        ({"age_band": "10-12"}, "age_band"),
        ({"nationality": "ZZ"}, "nationality"),
        ({"case_worker": "nobody"}, "case_worker"),
        ({"case_worker": "outsider"}, "case_worker"),  # exists, but not a colleague
        ({"opened_from": "2026-02-30"}, "opened_from"),
        ({"opened_from": "2026-05-01", "opened_to": "2026-04-01"}, "opened_to"),
        ({"sort": "survivor"}, "sort"),
        ({"status": ""}, "status"),
    ],
)
def test_a_bad_filter_is_a_400_that_names_the_parameter(world, asked, field):
    response = _api(world.social_worker).get("/api/v1/cases/", asked)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_page_says_which_filter_it_left_off_and_applies_the_rest(world, login):
    closed = _open(world, "Closed")
    Case.objects.filter(pk=closed.pk).update(status="Closed", closure_reason="other")
    response = login(world.social_worker).get(reverse("cases:list"), {"status": "Closed", "nationality": "ZZ"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Some filters could not be used and were left off" in body
    assert "Give a country as its two-letter ISO code" in body
    assert closed.number in body and world.case.number not in body


def test_the_page_says_it_in_khmer(world, login):
    client = login(world.social_worker)
    client.cookies["django_language"] = "km"
    body = client.get(reverse("cases:list"), {"nationality": "ZZ"}, HTTP_ACCEPT_LANGUAGE="km").content.decode()
    assert "Some filters could not be used" not in body
    assert 'lang="km"' in body


def test_sorting_orders_the_list(world):
    other = _open(world, "Later", days_ago=0)
    api = _api(world.social_worker)
    assert _numbers(api.get("/api/v1/cases/")) == [other.number, world.case.number]
    assert _numbers(api.get("/api/v1/cases/", {"sort": "opened_on"})) == [world.case.number, other.number]
    numbers = sorted([other.number, world.case.number])
    assert _numbers(api.get("/api/v1/cases/", {"sort": "number"})) == numbers
    assert _numbers(api.get("/api/v1/cases/", {"sort": "-number"})) == numbers[::-1]
    Case.objects.filter(pk=world.case.pk).update(updated_at=timezone.now() + datetime.timedelta(minutes=1))
    assert _numbers(api.get("/api/v1/cases/", {"sort": "-updated_at"}))[0] == world.case.number


def test_pages_keep_the_filters_and_a_page_beyond_the_last_shows_the_last(world, login, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    opened = [_open(world, f"Child {n}", days_ago=n + 5, province="KH-8") for n in range(3)]
    client = login(world.social_worker)
    body = client.get(reverse("cases:list"), {"province": "KH-8", "sort": "opened_on"}).content.decode()
    assert "province=KH-8&amp;sort=opened_on&amp;page=2" in body
    assert "3 cases" in body
    response = client.get(reverse("cases:list"), {"province": "KH-8", "sort": "opened_on", "page": "99"})
    assert response.status_code == 200
    body = response.content.decode()
    assert opened[0].number in body  # the oldest, alone on the last page
    assert opened[1].number not in body and world.case.number not in body


def test_filters_cost_no_more_queries(world):
    for n in range(4):
        _open(world, f"Child {n}", gender="Feminine", nationalities=["KH"])
    api = _api(world.social_worker)
    api.get("/api/v1/cases/")
    with CaptureQueriesContext(connection) as plain:
        assert len(_numbers(api.get("/api/v1/cases/"))) == 5
    with CaptureQueriesContext(connection) as narrowed:
        asked = {"sex": "Feminine", "nationality": "KH", "status": "Active", "sort": "number"}
        assert len(_numbers(api.get("/api/v1/cases/", asked))) == 5
    assert len(narrowed.captured_queries) <= len(plain.captured_queries)


def test_a_case_reached_twice_by_one_way_takes_one_place_on_every_page(world):
    """Emergency access asked three times on one case is three ways in of one kind: each page of
    the list still holds the cases in order, each once (a page read each kind of way only as far
    as the page's last row, counted in rows, and missed the next case)."""
    from casebridge.cases.access import ReachableCases
    from casebridge.cases.models import BreakGlass

    now = timezone.now()
    newest, middle, oldest = (
        _open(world, name, days_ago=days) for name, days in (("Dara", 1), ("Sokha", 2), ("Vanna", 3))
    )
    for case in (newest, newest, newest, middle, oldest):
        BreakGlass.objects.create(
            case=case, user=world.police, reason="Child at the station at night", started_at=now,
            expires_at=now + datetime.timedelta(hours=1),
        )  # fmt: skip
    expected = list(
        Case.objects.visible_to(world.police).order_by("-opened_on", "-created_at", "-pk").values_list("pk", flat=True)
    )
    assert [newest.pk, middle.pk, oldest.pk] == [pk for pk in expected if pk in {newest.pk, middle.pk, oldest.pk}]
    listed = ReachableCases(world.police)
    assert listed.count() == len(expected)
    for size in (1, 2):
        pages = [c.pk for start in range(0, len(expected), size) for c in listed[start : start + size]]
        assert pages == expected, size
