"""The indicators dashboard and API: every indicator defined, those without their records yet
say so and show no number, the available ones computed with the filters and no cell under 11."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from casebridge.api.authentication import issue_token
from casebridge.cases.actions import do_open_case
from casebridge.indicators import compute
from casebridge.indicators.definitions import INDICATORS
from casebridge.people.actions import clean_identity
from casebridge.training import actions as training

DAY = datetime.date(2025, 2, 10)


def api(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    return client


def _indicators(user, query=""):  # type: ignore[no-untyped-def]
    answer = api(user).get(f"/api/v1/indicators/{query}")
    assert answer.status_code == 200, answer.json()
    return {i["code"]: i for i in answer.json()["indicators"]}


def _cases(world, agency, actor, count, province="KH-12"):  # type: ignore[no-untyped-def]
    for n in range(count):
        identity = clean_identity(
            {
                "given_name_latin": f"Girl {agency} {n}",
                "estimated_age": 15,
                "age_method": "appearance",
                "gender": "Feminine",
                "nationalities": ["KH"],
            }
        )
        do_open_case(
            actor=actor,
            agency=world.agencies[agency],
            identity=identity,
            province=province,
            opened_on=DAY,
            different_person=True,
        )


def _trained(world, count, sex="female", day=DAY):  # type: ignore[no-untyped-def]
    event = training.do_create_event(
        actor=world.trainer,
        agency=world.agencies["JPC"],
        title="T",
        kind="workshop",
        starts_on=day,
        ends_on=day,
        place="P",
        facilitators="F",
        topics=["law"],
    )
    rows = [
        training.ParticipantData(name=f"P{n}", sex=sex, role="police", organisation="Police", attended=True)
        for n in range(count)
    ]
    training.do_add_participants(event, actor=world.trainer, rows=rows)


def test_every_indicator_of_the_model_is_defined_and_computed(world):
    codes = {i.code for i in INDICATORS}
    assert len(codes) == len(INDICATORS) == 16
    assert {"rescue", "restore", "justice", "system"} == {i.pillar for i in INDICATORS}
    shown = _indicators(world.manager)
    assert all(i["available"] for i in shown.values())
    # the world has no screening yet: no number, and no zero that would say there were none
    victims = shown["rescue.victims_identified"]
    assert victims["value"] is None and victims["text"] == "" and victims["message"] == "No data yet."


def test_officials_trained_with_small_cells_hidden(world):
    _trained(world, 14)
    _trained(world, 5, sex="male")
    trained = _indicators(world.manager)["system.officials_trained"]
    assert trained["value"] == 19.0 and trained["text"] == "19"
    by_sex = {p["period"]: p["text"] for p in trained["breakdowns"]["By sex, all years"]}
    # beside a small cell, one more is withheld whatever the values: "·" says nothing of them
    assert by_sex == {"Female": "·", "Male": "<11", "Other or not said": "<11"}  # every group listed, zeros too
    # Every quarter of the years counted (to the month under way), those with nobody too: the
    # one with all 19 is withheld, since beside the total it would say the others had nobody.
    assert [p["text"] for p in trained["quarters"]] == ["·"] + ["<11"] * 7
    assert [p["text"] for p in trained["years"]] == ["·", "<11"]
    assert _indicators(world.manager, "?year_from=2025&year_to=2025")["system.officials_trained"]["text"] == "·"
    assert (
        _indicators(world.manager, "?year_from=2027")["system.officials_trained"]["message"]
        == "No data in these years."
    )


def test_a_period_shows_numbers_of_the_one_publication_never_new_ones(world):
    """Differencing: whatever years are asked for, the numbers shown are the same cells."""
    _trained(world, 5)
    _trained(world, 20, day=DAY.replace(year=2026))
    everything = _indicators(world.manager)["system.officials_trained"]
    later = _indicators(world.manager, "?year_from=2026")["system.officials_trained"]
    earlier = _indicators(world.manager, "?year_to=2025")["system.officials_trained"]
    years = {p["period"]: p["text"] for p in everything["years"]}
    assert years["2025"] == "<11" and years["2026"] == "·"  # 25 - 20 would give the 5 away
    assert everything["text"] == "25" and later["text"] == "·" and earlier["text"] == "<11"


def test_the_share_of_cases_led_by_government(world, monkeypatch):  # type: ignore[no-untyped-def]
    _cases(world, "DOSVY", world.gov_social_worker, 60)
    _cases(world, "JPC", world.social_worker, 45)
    monkeypatch.setattr(compute, "through", lambda: datetime.date(2027, 1, 1))  # (entered this month)
    led = _indicators(world.manager, "?year_from=2025&year_to=2025")["system.government_led_cases"]
    assert led["value"] == 0.57 and led["text"] == "57%"  # 60 of 105, to the whole point
    assert led["years"] == [{"period": "2025", "value": 0.57, "text": "57%"}]
    assert led["quarters"] == []  # by year only: quarters beside a year could be taken apart
    nothing = _indicators(world.manager, "?year_from=2030")["system.government_led_cases"]
    assert nothing["value"] is None and nothing["message"] == "No data in these years."
    fewer = _indicators(world.manager, "?year_from=2026")["system.government_led_cases"]
    assert fewer["value"] is None and fewer["text"] == "·"  # the fixture's one case of 2026: under 100


def test_only_programme_managers_read_the_indicators(world):
    for user in (world.outsider, world.social_worker, world.trainer, world.privacy_officer, world.admin):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("indicators:dashboard")).status_code == 404
        assert api(user).get("/api/v1/indicators/").status_code == 404
    client = Client()
    client.force_login(world.manager)
    page = client.get(reverse("indicators:dashboard"))
    assert page.status_code == 200 and "Victims identified and removed to safety" in page.content.decode()
    assert client.get(reverse("indicators:dashboard") + "?year_from=1800").status_code == 400
    assert api(world.manager).get("/api/v1/indicators/?year_from=2025&year_to=2024").status_code == 400


def test_the_chart_has_a_title_a_table_and_a_summary(world):
    _trained(world, 25)
    client = Client()
    client.force_login(world.manager)
    page = client.get(reverse("indicators:dashboard")).content.decode()
    card = page[page.index('id="system.officials_trained"') :]
    card = card[: card.index("</article>")]
    assert '<svg class="chart"' in card and "<title>Officials trained</title>" in card
    assert "25 officials trained in the period." in card and "<caption>By quarter</caption>" in card


def test_a_filter_narrows_to_one_group_of_the_same_publication(world, monkeypatch):  # type: ignore[no-untyped-def]
    _cases(world, "DOSVY", world.gov_social_worker, 60)
    _cases(world, "JPC", world.social_worker, 45)
    _cases(world, "JPC", world.social_worker, 3, province="KH-3")
    monkeypatch.setattr(compute, "through", lambda: datetime.date(2027, 1, 1))  # (entered this month)
    _trained(world, 14)
    _trained(world, 5, sex="male")
    shown = _indicators(world.manager, "?province=KH-12&year_to=2025")
    assert shown["system.government_led_cases"]["text"] == "57%"  # 60 of 105 in the province
    assert _indicators(world.manager, "?year_to=2025")["system.government_led_cases"]["text"] == "56%"  # of 108
    assert shown["system.officials_trained"]["message"].startswith("Not counted by province")
    assert shown["system.officials_trained"]["value"] is None
    # A group of 3 and a group of nobody answer alike: every year of the publication, hidden.
    for province in ("KH-3", "KH-5"):
        small = _indicators(world.manager, f"?province={province}")["system.government_led_cases"]
        assert small["value"] is None and small["text"] == "·" and small["message"] == ""
        assert [p["period"] for p in small["years"]] == ["2025", "2026"]
    women = _indicators(world.manager, "?sex=female")["system.officials_trained"]
    assert women["text"] == "·" and [p["text"] for p in women["years"]] == ["·", "<11"]
    assert women["quarters"] == []  # within a group, by year
    men = _indicators(world.manager, "?sex=male&year_from=2025&year_to=2025")["system.officials_trained"]
    assert men["value"] is None and men["years"][0]["text"] == "<11"
    agency = _indicators(world.manager, "?agency=JPC")["system.officials_trained"]
    assert agency["text"] == "<11" and agency["message"] == ""  # listed with nobody, like any small group


def test_the_month_under_way_is_not_counted_yet(world):
    """One record added today must not show as the difference between two days' figures."""
    from casebridge.indicators.compute import through

    assert through() == datetime.date.today().replace(day=1)
    _trained(world, 40, day=datetime.date.today())
    assert _indicators(world.manager)["system.officials_trained"]["message"] == "No data yet."


def test_bad_filters_are_refused_with_their_reason(world):
    client = api(world.manager)
    two = client.get("/api/v1/indicators/?province=KH-12&sex=female")
    assert two.status_code == 400 and "one group at a time" in str(two.json())
    assert "agency" in client.get("/api/v1/indicators/?agency=NOPE").json()["errors"]
    assert "nationality" in client.get("/api/v1/indicators/?nationality=XX").json()["errors"]
    assert "sex" in client.get("/api/v1/indicators/?sex=unknown").json()["errors"]
    page = Client()
    page.force_login(world.manager)
    answer = page.get(reverse("indicators:dashboard") + "?province=KH-12&age_band=15-17")
    assert answer.status_code == 400 and "one group at a time" in answer.content.decode()


def test_the_dashboard_is_cached_until_its_records_change(world, django_capture_on_commit_callbacks):
    from casebridge.lib.measures import changed
    from casebridge.training.models import Participant

    with django_capture_on_commit_callbacks(execute=True):
        _trained(world, 14)
    assert _indicators(world.manager)["system.officials_trained"]["text"] == "14"
    Participant.objects.update(attended=False)  # past the signals
    assert _indicators(world.manager)["system.officials_trained"]["text"] == "14"  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        changed("training")
    # the sources changed: computed afresh at once
    assert _indicators(world.manager)["system.officials_trained"]["message"] == "No data yet."
    with django_capture_on_commit_callbacks(execute=True):
        _trained(world, 30)  # saved: the signal gives training a new stamp
    assert _indicators(world.manager)["system.officials_trained"]["text"] == "30"


def test_a_manager_drills_down_to_the_records_they_may_see(world):
    _cases(world, "DOSVY", world.gov_social_worker, 12)
    client = Client()
    client.force_login(world.manager)
    page = client.get(reverse("indicators:dashboard") + "?year_from=2025&year_to=2025&sex=female").content.decode()
    card = page[page.index('id="system.government_led_cases"') :]
    card = card[: card.index("</article>")]
    link = reverse("cases:list") + "?opened_from=2025-01-01&amp;opened_to=2025-12-31&amp;sex=Feminine"
    assert link in card
    # the list behind the link is the manager's own scope: none of DOSVY's cases
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert "Girl DOSVY" not in listed
    assert client.get(reverse("cases:list") + "?opened_from=2025-01-01").status_code == 200
