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
    assert len(rows) == 9
    for row in rows:
        _path, size, queries, ms = row.split()
        assert int(size) > 1000 and 0 < int(queries) < 40 and float(ms) > 0


def test_it_refuses_outside_demo_mode(world, settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="demo mode only"):
        call_command("bench_pages", "--user", "social_worker", stdout=io.StringIO())
