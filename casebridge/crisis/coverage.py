"""What the duty roster leaves uncovered inside an episode's minimum window: intervals with no
social worker (or supervisor) on shift, and, when she needs an interpreter, intervals with
nobody on shift who speaks her language. Computed from the shifts, never stored."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

NO_STAFF, NO_LANGUAGE = "no_staff", "no_language"
GAP_REASONS = [NO_STAFF, NO_LANGUAGE]

Interval = tuple[datetime.datetime, datetime.datetime]


@dataclass(frozen=True)
class Gap:
    start: datetime.datetime
    end: datetime.datetime
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "reason": self.reason}


def uncovered(window: Interval, covered: Iterable[Interval]) -> list[Interval]:
    """The parts of ``window`` that no interval of ``covered`` covers, in order."""
    start, end = window
    out: list[Interval] = []
    cursor = start
    for begins, ends in sorted(covered):
        if ends <= cursor or begins >= end:
            continue
        if begins > cursor:
            out.append((cursor, min(begins, end)))
        cursor = max(cursor, ends)
        if cursor >= end:
            break
    if cursor < end:
        out.append((cursor, end))
    return out


def gaps(episode: Any, shifts: Iterable[Any]) -> list[Gap]:
    """The episode's gaps inside its minimum window, earliest first (``shifts``: its shifts not
    cancelled, each with ``role``, ``starts_at``, ``ends_at`` and ``languages``)."""
    from casebridge.crisis.models import WITH_HER

    shifts = [s for s in shifts if s.cancelled_at is None]
    window = (episode.starts_at, episode.covered_until)
    found = [
        Gap(a, b, NO_STAFF)
        for a, b in uncovered(window, [(s.starts_at, s.ends_at) for s in shifts if s.role in WITH_HER])
    ]
    if episode.interpreter and episode.language:
        speaking = [(s.starts_at, s.ends_at) for s in shifts if episode.language in (s.languages or [])]
        found += [Gap(a, b, NO_LANGUAGE) for a, b in uncovered(window, speaking)]
    return sorted(found, key=lambda gap: (gap.start, gap.reason))


def on_shift(shifts: Iterable[Any], now: datetime.datetime) -> list[Any]:
    return [s for s in shifts if s.cancelled_at is None and s.starts_at <= now < s.ends_at]


def next_gap(found: list[Gap], now: datetime.datetime) -> Gap | None:
    """The gap under way or the next one to come."""
    return next((gap for gap in found if gap.end > now), None)
