"""The indicators' tallies (decision 0012): the sums kept in the database are the records summed,
whether counted all at once, read with the records marked since, or folded in by the worker;
every month is counted again; and the dashboard reads the same from them as from the records."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from casebridge.agencies.models import Agency
from casebridge.cases.models import Case, ClosureReason
from casebridge.crisis.models import Episode
from casebridge.demo.generated_history import Staff, write_records
from casebridge.indicators import compute, tally
from casebridge.indicators.models import Contribution, Pending, TallyState
from casebridge.indicators.tasks import refresh
from casebridge.indicators.tests.test_indicators import _cases, _indicators
from casebridge.investigations.models import Arrest
from casebridge.legal.models import Judgment
from casebridge.restoration.models import Goal, GoalStatus

NEXT = datetime.date(2027, 1, 1)


def _clean(marg: tally.Marg) -> dict[Any, Any]:
    """Sums without their cells of nothing (the tallies keep none)."""
    found: dict[Any, Any] = {}
    for key, periods in marg.items():
        for period, counts in periods.items():
            kept = {k: n for k, n in counts.items() if n}
            if kept:
                found.setdefault(key, {})[period] = kept
    return found


def _live(before: datetime.date) -> dict[str, Any]:
    """Every measure summed straight from the records."""
    found = {}
    for source in tally.SOURCES:
        for name, rows in tally._rows(source, before, None).items():
            found[name] = _clean(tally.marginalise(rows))
    return found


def _read(before: datetime.date) -> dict[str, Any]:
    """Every measure as a reader gets it from the tallies (with the marked counted afresh)."""
    return {name: _clean(tally.marginals(name, before).marg) for s in tally.SOURCES for name in s.names}


def _stored() -> dict[str, Any]:
    return {name: _clean(tally._read(name)) for s in tally.SOURCES for name in s.names}


@pytest.fixture
def history(world):  # type: ignore[no-untyped-def]
    """Forty survivors' cases opened over three years, with the trail each leaves (found in an
    operation, crisis care, placement, goals, reintegration, prosecution), entered when it
    happened."""
    _cases(world, "JPC", world.social_worker, 40)
    rng = random.Random(3)
    found = []
    for case in Case.objects.order_by("pk"):
        opened = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(1100))
        entered = timezone.make_aware(datetime.datetime.combine(opened, datetime.time(9)))
        Case.objects.filter(pk=case.pk).update(opened_on=opened, created_at=entered)
        found.append((case.pk, opened))
    a, u = world.agencies, world.users
    staff = Staff(
        a["AHTJP"].pk, a["DOSVY"].pk, a["JPC"].pk, a["SHS"].pk, u["police"].pk, u["social_worker"].pk, u["lawyer"].pk
    )
    write_records(found, staff, rng, rescued=1.0, prosecuted=0.8)
    Pending.objects.all().delete()
    return found


def test_the_tallies_are_the_records_summed(world, history):  # type: ignore[no-untyped-def]
    before = datetime.date(2026, 7, 1)
    live = _live(before)
    assert all(live[name] for name in ("identified", "placement", "goals", "charged", "to_verdict", "arrested"))
    assert TallyState.objects.count() == 0 and _read(before) == live  # never counted: read from the records
    entities = tally.rebuild(before)
    assert _stored() == live and _read(before) == live
    assert entities == Contribution.objects.count() > 40  # (cases, proceedings and suspects)
    # a month later, more has happened and been entered: the tallies say so once counted again
    later = _live(NEXT)
    assert later != live
    tally.rebuild(NEXT)
    assert _stored() == later


def test_a_reader_counts_the_marked_afresh_and_the_worker_folds_them(world, history):  # type: ignore[no-untyped-def]
    tally.rebuild(NEXT)
    cases = [pk for pk, _opened in history]
    # corrections of every kind, through the actions' ways of writing
    Case.objects.filter(pk=cases[0]).update(province="KH-17", age_band="18+")
    duplicate = Case.objects.get(pk=cases[1])
    duplicate.closure_reason = ClosureReason.DUPLICATE
    duplicate.save()
    episode = Episode.objects.filter(covered=True).first()
    assert episode is not None
    episode.covered = False
    episode.save()
    goal = Goal.objects.filter(status=GoalStatus.MET).first()
    assert goal is not None
    goal.status = GoalStatus.NOT_MET
    goal.save()
    judgment = Judgment.objects.first()
    assert judgment is not None
    judgment.delete()
    arrest = Arrest.objects.first()
    assert arrest is not None
    arrest.withdrawn_at = timezone.make_aware(datetime.datetime(2024, 1, 1))
    arrest.save()
    assert Pending.objects.count() >= 6
    tally.mark([f"case:{cases[0].hex}", f"case:{cases[0]}"])  # (a hex id is the same case)
    assert set(Pending.objects.filter(key__contains=cases[0].hex[:8]).values_list("key", flat=True)) == {
        f"case:{cases[0]}"
    }
    live = _live(NEXT)
    assert _stored() != live  # the sums alone are behind
    assert _read(NEXT) == live  # a reader counts the marked afresh
    assert tally.fold() >= 6
    assert Pending.objects.count() == 0 and _stored() == live and _read(NEXT) == live
    # a suspect's arrests deleted: what they added goes with them
    subject = Arrest.objects.exclude(pk=arrest.pk).values_list("subject_id", flat=True)[0]
    Contribution.objects.get(key=f"subject:{subject}")
    Arrest.objects.filter(subject_id=subject).delete()
    assert _read(NEXT) == _live(NEXT) != live
    tally.fold()
    assert not Contribution.objects.filter(key=f"subject:{subject}").exists() and _stored() == _live(NEXT)


def test_each_month_is_counted_again_and_an_agency_change_counts_all(world, history, monkeypatch):  # type: ignore[no-untyped-def]
    month = datetime.date(2026, 3, 1)
    monkeypatch.setattr(compute, "through", lambda: month)
    assert refresh.call() > 40
    assert tally.month() == month and _stored() == _live(month)
    # the next month: readers read the month before's sums until the worker has counted it
    month = datetime.date(2026, 4, 1)
    read = tally.marginals("identified", month)
    assert read.before == datetime.date(2026, 3, 1) and read.ask and not read.current
    refresh.call()
    assert tally.month() == month and _stored() == _live(month)
    # an agency's code is in every case's facts: all counted again
    jpc = Agency.objects.get(code="JPC")
    jpc.code = "JPC2"
    jpc.save()
    assert list(Pending.objects.values_list("key", flat=True)) == [tally.ALL]
    read = tally.marginals("goals", month)
    assert read.ask and not read.current  # (read as they are meanwhile, not cached; the worker asked)
    refresh.call()
    assert Pending.objects.count() == 0
    assert _stored() == _live(month) and "JPC2" in str(_stored()["charged"])
    jpc.name = "Justice Partners"  # a name is not counted: nothing marked
    jpc.save()
    assert Pending.objects.count() == 0


def test_the_dashboard_reads_the_same_from_the_tallies(world, history, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(compute, "through", lambda: NEXT)
    from casebridge.indicators import pillars

    monkeypatch.setattr(pillars, "through", lambda: NEXT)
    from_records = _indicators(world.manager)
    assert from_records["rescue.victims_identified"]["text"] not in ("", "·", "<11")
    tally.rebuild(NEXT)
    cache.clear()
    assert _indicators(world.manager) == from_records
    Goal.objects.filter(status=GoalStatus.MET).first().delete()  # type: ignore[union-attr]
    cache.clear()
    marked = _indicators(world.manager)
    tally.fold()
    cache.clear()
    assert _indicators(world.manager) == marked
    TallyState.objects.all().delete()
    cache.clear()
    assert _indicators(world.manager) == marked


def test_too_many_records_never_counted_wait_for_the_worker(world, history, monkeypatch):  # type: ignore[no-untyped-def]
    """A big installation whose tallies were never counted (an upgrade): readers are told, not
    kept waiting for minutes, and the worker is asked to count."""
    from casebridge.lib.testing import run_ready_tasks

    monkeypatch.setattr(tally, "LIVE_AT_MOST", 10)
    waiting = _indicators(world.manager)["rescue.victims_identified"]
    assert waiting["message"].startswith("Being counted for the first time") and waiting["text"] == ""
    assert run_ready_tasks() == 1 and tally.month() == compute.through()
    cache.clear()
    assert _indicators(world.manager)["rescue.victims_identified"]["text"] not in ("", "·", "<11")
