"""bench_pages prints each daily-work page's weight, queries and time, in demo mode only."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_it_measures_every_page(world, settings):
    settings.DEMO = True
    out = io.StringIO()
    call_command("bench_pages", "--user", "social_worker", "--runs", "1", stdout=out)
    rows = out.getvalue().splitlines()[1:]
    assert len(rows) == 12 and rows[-1].startswith("/crisis/")
    for row in rows:
        _path, size, queries, ms = row.split()
        assert int(size) > 1000 and 0 < int(queries) < 40 and float(ms) > 0


def test_it_measures_an_investigators_pages_and_the_network(world, settings):
    from casebridge.investigations.actions import do_close, do_screen
    from casebridge.investigations.tests.helpers import build_investigation, screening_data

    found = build_investigation(world)
    for person in (found.girl, found.woman):
        do_screen(
            person,
            actor=world.police,
            data=screening_data(
                minor="no",
                age_low=25,
                age_high=30,
                status="NotAVictimOfTrafficking",
                outcome="not_a_victim",
                reason="adult_no_indicators",
            ),
        )
    do_close(found.operation, actor=world.police)
    settings.DEMO = True
    out = io.StringIO()
    call_command("bench_pages", "--user", "ngo_investigator", "--runs", "1", stdout=out)
    paths = [row.split()[0] for row in out.getvalue().splitlines()[1:]]
    assert paths[1:] == [
        "/investigations/",
        f"/investigations/operations/{found.operation.pk}/",
        f"/investigations/subjects/{found.subject.pk}/",
        f"/investigations/network/?node=subject:{found.subject.pk}",
    ]


def test_it_refuses_outside_demo_mode(world, settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="demo mode only"):
        call_command("bench_pages", "--user", "social_worker", stdout=io.StringIO())
