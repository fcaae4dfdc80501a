"""The indicators of rescue, restoration and justice, computed from the records each app keeps:
the figures a small world gives, its groups, its hidden cells and the filters."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from casebridge.cases.models import Case
from casebridge.crisis.models import Episode, Incident
from casebridge.indicators import compute
from casebridge.indicators.definitions import BY_CODE, Indicator
from casebridge.indicators.tests.test_indicators import _cases, _indicators
from casebridge.investigations.models import Arrest, CaseLink, Encounter, Operation, Screening, Subject
from casebridge.legal.models import (
    Charge,
    ChargeCode,
    Compensation,
    Defendant,
    Judgment,
    Payment,
    Proceeding,
    ProceedingCase,
)
from casebridge.legal.models import (
    TestimonySession as Preparation,
)
from casebridge.people.models import Person
from casebridge.restoration.models import (
    CarePlan,
    Enrolment,
    Goal,
    Livelihood,
    Outcome,
    Placement,
    Reintegration,
    ReintegrationStep,
)

DAY = datetime.date(2025, 2, 10)
NEXT_MONTH = datetime.date(2027, 1, 1)


@pytest.fixture(autouse=True)
def _a_month_later(monkeypatch):  # type: ignore[no-untyped-def]
    """The dashboard as read next month: what a test records now was entered in the month under
    way, which is counted only once it is over."""
    from casebridge.indicators import compute, pillars

    for module in (compute, pillars):
        monkeypatch.setattr(module, "through", lambda: NEXT_MONTH)


AT = timezone.make_aware(datetime.datetime(2025, 2, 10, 9))
numbers = itertools.count(1)


def _new_cases(world, count, agency="JPC", actor=None):  # type: ignore[no-untyped-def]
    before = set(Case.objects.values_list("pk", flat=True))
    _cases(world, agency, actor or world.social_worker, count)
    return list(Case.objects.exclude(pk__in=before).order_by("opened_on", "pk"))


def _operation(world, at=AT):  # type: ignore[no-untyped-def]
    return Operation.objects.create(
        agency=world.agencies["AHTJP"],
        lead_unit=world.agencies["AHTJP"],
        name="Op",
        planned_for=at,
        carried_out_at=at,
        state="carried_out",
        created_by=world.police,
    )


def _found(world, cases, minors, at=AT):  # type: ignore[no-untyped-def]
    """Each case opened from a screening in one operation; the first ``minors`` under 18."""
    operation = _operation(world, at)
    for n, case in enumerate(cases):
        encounter = Encounter.objects.create(
            operation=operation, number=next(numbers), recorded_by=world.police, removed=True
        )
        Screening.objects.create(
            encounter=encounter,
            minor="yes" if n < minors else "no",
            status="ActualVictimOfTrafficking",
            decided_by="Police",
            outcome="case",
            case=case,
            screened_by=world.police,
        )
        CaseLink.objects.create(reference=f"R{next(numbers)}", case=case, operation=operation)
    return operation


def test_victims_identified_and_the_minors_among_them(world):
    found = _new_cases(world, 110)
    _found(world, found, minors=80)
    shown = _indicators(world.manager)
    victims = shown["rescue.victims_identified"]
    assert victims["available"] is True and victims["value"] == 110.0 and victims["text"] == "110"
    by_province = {p["period"]: p["text"] for p in victims["breakdowns"]["By province, all years"]}
    # every province, zeros too; Phnom Penh's 110 beside the total would say the others had none
    # (and the others together, always listed: listed only when someone is in it, it would say so)
    assert by_province["Phnom Penh"] == "·" and len(by_province) == 26
    assert {t for p, t in by_province.items() if p != "Phnom Penh"} == {"<11"}
    # the minors and the adults are parts of the same publication: 80 and 30 of 110
    of_whom = {p["period"]: p["text"] for p in victims["breakdowns"]["Of whom, all years"]}
    assert of_whom == {"minors": "80", "adults": "30"}
    minors = shown["rescue.minors_identified"]
    # (2025's parts are withheld: with nobody found in 2026, the parts' totals would give them)
    assert [p["text"] for p in minors["years"]] == ["·", "·"]
    later = timezone.make_aware(datetime.datetime(2026, 3, 2, 9))
    _found(world, _new_cases(world, 40), minors=25, at=later)
    cache.clear()  # (the new stamps are written when the test's transaction would commit)
    minors = _indicators(world.manager)["rescue.minors_identified"]
    assert minors["years"] == [
        {"period": "2025", "value": 0.73, "text": "73%"},
        {"period": "2026", "value": 0.62, "text": "62%"},
    ]
    # no share within a group: it would be a table of its own beside the published counts
    girls = _indicators(world.manager, "?sex=female")["rescue.minors_identified"]
    assert girls["value"] is None and girls["message"].startswith("Not counted by sex")


def test_a_small_count_is_hidden_and_so_is_what_would_give_it_away(world):
    _found(world, _new_cases(world, 14), minors=14)
    _found(world, _new_cases(world, 4, agency="DOSVY", actor=world.gov_social_worker), minors=4)
    victims = _indicators(world.manager)["rescue.victims_identified"]
    assert victims["text"] == "18"
    by_agency = {p["period"]: p["text"] for p in victims["breakdowns"]["By agency, all years"]}
    # JPC has 11 or more and is named; DOSVY's 4 are among the others, under 11, and JPC's 14
    # beside the total of 18 would give them away: it is withheld.
    assert by_agency == {"Justice Partners Cambodia": "·", "Others together": "<11"}
    dosvy = _indicators(world.manager, "?agency=DOSVY")["rescue.victims_identified"]
    assert dosvy["text"] == "<11" and all(p["text"] == "<11" for p in dosvy["years"])


def _episode(world, case, hours_with_her, incident=False, placed_after_days=None):  # type: ignore[no-untyped-def]
    episode = Episode.objects.create(
        case=case,
        agency=world.agencies["JPC"],
        place_kind="assessment_centre",
        place="Room",
        starts_at=AT,
        supervisor=world.social_worker,
        created_by=world.social_worker,
    )
    episode.shifts.create(
        staff=world.social_worker,
        agency=world.agencies["JPC"],
        role="social_worker",
        starts_at=AT,
        ends_at=AT + datetime.timedelta(hours=hours_with_her),
        created_by=world.social_worker,
    )
    if incident:
        Incident.objects.create(episode=episode, kind="held_in_cell", occurred_at=AT, reported_by=world.social_worker)
    return episode


def test_crisis_care_windows_incidents_and_days_to_placement(world, django_capture_on_commit_callbacks):
    from casebridge.crisis.actions import do_close_episode

    cases = _new_cases(world, 100)
    for n, case in enumerate(cases):
        episode = _episode(world, case, hours_with_her=48 if n < 70 else 20, incident=n < 30)
        with django_capture_on_commit_callbacks(execute=True):
            do_close_episode(
                episode,
                actor=world.social_worker,
                outcome="returned_home",
                note="home",
                ended_at=AT + datetime.timedelta(days=3),
            )
        if n < 20:
            Placement.objects.create(
                case=case,
                agency=world.agencies["SHS"],
                place="Shelter",
                started_at=AT + datetime.timedelta(days=n % 5 + 2),
                episode=episode,
                decided_by=world.social_worker,
            )
    assert Episode.objects.filter(covered=True).count() == 70  # recorded when crisis care ended
    shown = _indicators(world.manager)
    assert shown["restore.crisis_windows_covered"]["years"][0] == {"period": "2025", "value": 0.7, "text": "70%"}
    incidents = shown["restore.safeguard_incidents"]
    # all 30 in one quarter: shown as the total, withheld in the quarter (the others are 0)
    assert incidents["text"] == "30" and incidents["quarters"][0] == {"period": "2025 Q1", "value": None, "text": "·"}
    days = shown["restore.days_to_placement"]
    # 20 placements 2 to 6 days after crisis care started, four of each: a median (over 20 or
    # more), no 90th percentile (over 50 or more: over fewer, it is one girl's days)
    assert days["years"][0] == {"period": "2025", "value": 4.0, "text": "median 4 days"}
    assert days["years"][1]["value"] is None and "fewer than 20" in days["years"][1]["text"]
    # the period over both years: not while one of them is hidden
    assert days["value"] is None and days["text"] == "·"


def test_care_plan_goals_by_domain_and_life_after_reintegration(world):
    cases = _new_cases(world, 120)
    for n, case in enumerate(cases):
        plan = CarePlan.objects.create(case=case, review_every_days=30, created_by=world.social_worker)
        for domain, met in (("education", n < 90), ("medical", n % 3 == 0)):
            Goal.objects.create(
                case=case,
                plan=plan,
                domain=domain,
                target_on=DAY,
                agency=world.agencies["JPC"],
                status="met" if met else "not_met",
                created_by=world.social_worker,
            )
        reintegration = Reintegration.objects.create(
            case=case, stage="integration", stage_since=DAY, started_by=world.social_worker
        )
        ReintegrationStep.objects.create(
            case=case, reintegration=reintegration, stage="integration", on=DAY, by=world.social_worker
        )
        if n < 40:
            Enrolment.objects.create(
                case=case, kind="school", started_on=DAY, status="enrolled", recorded_by=world.social_worker
            )
        elif n < 60:
            Livelihood.objects.create(
                case=case, month=DAY.replace(day=1), income=50, savings=0, recorded_by=world.social_worker
            )
        if n < 12:
            Outcome.objects.create(
                case=case,
                reintegration=reintegration,
                moment="reintegration",
                scored_on=DAY,
                safety=2,
                wellbeing=2,
                education_income=2,
                legal_status=2,
                retrafficked=True,
                by=world.social_worker,
            )
    shown = _indicators(world.manager, "?year_to=2025")
    goals = shown["restore.care_plan_goals_met"]
    assert goals["text"] == "54%"  # 90 + 40 of 240
    assert goals["breakdowns"]["By domain, all years"] == [
        {"period": "Education, vocational training and life skills", "value": 0.75, "text": "75%"},
        {"period": "Medical", "value": 0.33, "text": "33%"},
    ]
    assert shown["restore.enrolment_income"]["text"] == "50%"  # 40 in school and 20 earning, of 120
    assert shown["restore.re_trafficking"]["text"] == "10%"


def _defendant(world, proceeding, n, convicted, judged=True, subject=None):  # type: ignore[no-untyped-def]
    code = ChargeCode.objects.get_or_create(article="8", defaults={"title": "Procuring prostitution"})[0]
    defendant = Defendant.objects.create(proceeding=proceeding, name=f"D{n}", added_by=world.lawyer, subject=subject)
    charge = Charge.objects.create(
        proceeding=proceeding,
        defendant=defendant,
        code=code,
        filed_on=DAY + datetime.timedelta(days=10 + n % 3),
        added_by=world.lawyer,
    )
    if judged:
        Judgment.objects.create(
            charge=charge,
            proceeding=proceeding,
            verdict="convicted" if convicted else "acquitted",
            on=DAY + datetime.timedelta(days=200),
            years=5 if convicted else None,
            recorded_by=world.lawyer,
        )
    return defendant


def test_suspects_by_stage_the_conviction_rate_and_the_days_to_justice(world):
    cases = _new_cases(world, 20)
    _found(world, cases, minors=20)
    proceeding = Proceeding.objects.create(
        reference="P-1", lead_agency=world.agencies["JPC"], stage="verdict", stage_since=DAY, created_by=world.lawyer
    )
    for case in cases:
        ProceedingCase.objects.create(proceeding=proceeding, case=case, added_by=world.lawyer)
    operation = _operation(world)
    for n in range(120):
        subject = None
        if n < 15:
            person = Person.objects.create(
                kind="suspect", registered_by_agency=world.agencies["AHTJP"], created_by=world.police
            )
            subject = Subject.objects.create(agency=world.agencies["AHTJP"], person=person, created_by=world.police)
            Arrest.objects.create(operation=operation, subject=subject, recorded_by=world.police)
        _defendant(world, proceeding, n, convicted=n < 80, judged=n < 100, subject=subject)
    shown = _indicators(world.manager)
    suspects = shown["justice.suspects"]
    stages = {p["period"]: p["text"] for p in suspects["breakdowns"]["By stage, in the period"]}
    assert stages == {"arrested": "15", "charged": "120", "tried": "100", "convicted": "80"}
    of_whom = {p["period"]: p["text"] for p in suspects["breakdowns"]["Of whom, all years"]}
    assert of_whom == {
        "not judged (awaiting judgment, or every charge dropped)": "20",
        "acquitted": "20",
        "convicted": "80",
    }
    assert suspects["text"] == "80"
    # by the year of the charge, from the parts' cells: with nobody charged in 2026, 2025's
    # parts are withheld (the parts' totals would give them), and so is the rate
    assert [p["text"] for p in shown["justice.conviction_rate"]["years"]] == ["·", "·"]
    days = shown["justice.days_to_charge_and_verdict"]
    assert days["years"][0]["text"] == "median 11 days, 90th percentile 12"
    assert days["text"] == "·"  # the whole period: not while 2026 (nobody) is hidden
    assert days["breakdowns"]["To the verdict"][1] == {
        "period": "2025",
        "value": 200.0,
        "text": "median 200 days, 90th percentile 200",
    }
    # by province: not how justice is counted
    assert _indicators(world.manager, "?province=KH-12")["justice.suspects"]["message"].startswith(
        "Not counted by province"
    )


def test_survivors_taking_part_and_compensation(world):
    cases = _new_cases(world, 110)
    proceeding = Proceeding.objects.create(
        reference="P-2", lead_agency=world.agencies["JPC"], stage="verdict", stage_since=DAY, created_by=world.lawyer
    )
    defendant = _defendant(world, proceeding, 1, convicted=True)
    for n, case in enumerate(cases):
        ProceedingCase.objects.create(proceeding=proceeding, case=case, added_by=world.lawyer)
        if n < 55:
            Preparation.objects.create(
                case=case, agency=world.agencies["JPC"], kind="preparation", on=DAY, recorded_by=world.social_worker
            )
        if n < 60:
            compensation = Compensation.objects.create(
                proceeding=proceeding,
                defendant=defendant,
                case=case,
                amount=4_000_000,
                ordered_on=DAY,
                recorded_by=world.lawyer,
            )
            if n < 25:
                Payment.objects.create(
                    proceeding=proceeding,
                    compensation=compensation,
                    amount=1_000_000,
                    paid_on=DAY,
                    recorded_by=world.lawyer,
                )
    ProceedingCase.objects.update(added_at=AT)
    assert _indicators(world.manager, "?year_to=2025")["justice.survivor_participation"]["text"] == "50%"
    shown = _indicators(world.manager)
    awarded = shown["justice.compensation"]
    assert awarded["text"] == "60"
    # paid and not paid yet are parts of the one publication (never a difference of two)
    of_whom = {p["period"]: p["text"] for p in awarded["breakdowns"]["Of whom, all years"]}
    assert of_whom == {"paid something of it": "25", "not paid yet": "35"}


def test_an_indicator_whose_records_are_still_to_come_says_so(world):
    future = Indicator(
        **{**BY_CODE["rescue.victims_identified"].__dict__, "code": "exchange.sent", "needs": "exchange"}
    )
    found = compute.result(future, (None, None), None, world.manager)
    assert found.available is False and found.value is None and found.text == ""
    assert found.message.startswith("Not available yet")


def _victims(world):  # type: ignore[no-untyped-def]
    cache.clear()
    return compute.result(BY_CODE["rescue.victims_identified"], (None, None), None, world.manager)


def test_the_figures_are_the_platforms_whatever_the_readers_time_zone(world):
    """An operation at 03:00 on New Year's Day in Phnom Penh is in 2025 for every reader: were
    the quarters a reader's own, two readers' figures would differ by the children found then."""
    new_year = timezone.make_aware(datetime.datetime(2025, 1, 1, 3), zoneinfo.ZoneInfo("Asia/Phnom_Penh"))
    _found(world, _new_cases(world, 40), minors=20, at=new_year)
    here = _victims(world)
    with timezone.override("America/Los_Angeles"):
        there = _victims(world)
    assert here.years == there.years and [p[0] for p in here.years] == ["2025", "2026"]
    assert here.quarters[0][0] == "2025 Q1"


def test_what_is_entered_this_month_counts_from_next_month(world, monkeypatch):
    """A case opened today from last month's operation does not move this month's figures."""
    from casebridge.indicators import pillars

    _found(world, _new_cases(world, 30), minors=20)
    for module in (compute, pillars):
        monkeypatch.setattr(module, "through", lambda: timezone.localdate().replace(day=1))
    assert _victims(world).message == "No data yet."
    for module in (compute, pillars):
        monkeypatch.setattr(module, "through", lambda: NEXT_MONTH)
    assert _victims(world).text == "30"


def test_a_survivor_awarded_twice_is_counted_once(world):
    cases = _new_cases(world, 30)
    proceeding = Proceeding.objects.create(
        reference="P-3", lead_agency=world.agencies["JPC"], stage="verdict", stage_since=DAY, created_by=world.lawyer
    )
    defendant = _defendant(world, proceeding, 1, convicted=True)
    for case in cases:
        for months in (0, 7):  # two orders, in two quarters
            Compensation.objects.create(
                proceeding=proceeding,
                defendant=defendant,
                case=case,
                amount=1_000_000,
                ordered_on=DAY + datetime.timedelta(days=30 * months),
                recorded_by=world.lawyer,
            )
    cache.clear()
    awarded = compute.result(BY_CODE["justice.compensation"], (None, None), None, world.manager)
    assert awarded.text == "30" and awarded.quarters[0] == ("2025 Q1", None, "·")  # her first order's quarter
    assert awarded.quarters[2] == ("2025 Q3", None, "<11")  # not again at her second


def test_a_small_part_does_not_blank_the_whole_publication():
    """Adults found in one year under 11, their cell's sums all hidden already and still too
    narrow: the cell withheld is sought in the sums beyond (it once gave up and hid everything),
    and the attacker still cannot pin the small one."""
    from collections import defaultdict

    from casebridge.indicators.compute import PART, publication
    from casebridge.indicators.pillars import MINORS
    from casebridge.indicators.tally import marginalise
    from casebridge.indicators.tests.test_disclosure import _check

    rows = []
    true: dict[Any, int] = defaultdict(int)
    for year, (minors, adults) in {2024: (70, 24), 2025: (80, 5), 2026: (50, 14)}.items():
        for province, share in (("KH-12", 0.6), ("KH-8", 0.3), ("KH-17", 0.1)):
            facts = {"province": province, "agency": "JPC", "age_band": "15-17", "sex": "Feminine", "nationality": "KH"}
            m, n = round(minors * share), round((minors + adults) * share)
            day = datetime.date(year, 4, 1)
            rows.append((day, facts, {"n": n, "minors": m}))
            groups = [("province", province), ("agency", "JPC"), ("age_band", "15-17"), ("sex", "female")]
            groups += [("nationality", "KH")]
            for part, count in (("minors", m), ("adults", n - m)):
                for key in [("all",), ("year", year), ("quarter", day), (PART, part), (PART, part, year)]:
                    true[key] += count
                for f, g in groups:
                    true[(f, g)] += count
                    true[(f, g, year)] += count
    found = publication(
        (marginalise(rows), NEXT_MONTH), ("province", "agency", "age_band", "sex", "nationality"), MINORS
    )
    assert found is not None
    cells = found[0]
    assert cells[("all",)].text == f"{true[('all',)]:,}"
    assert cells[(PART, "adults", 2025)].text == "<11"
    _check(cells, true)
