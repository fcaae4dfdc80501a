"""Disclosure control for published counts: no cell under 11 people is shown, and no total,
margin or other cell lets one be worked out (complementary suppression).

Every table here is one breakdown of an indicator's people (by quarter, by sex, ...) and all of
an indicator's tables share one grand total. A cell under 11 shows "<11". Where the grand total
is shown, the hidden cells' sum is known, so more is hidden: the smallest cells of 11 or more
("withheld") until none of the small cells is pinned by that sum, where a small cell can be
anything from 0 to 10 and a withheld cell anything from 11 up. If that cannot be done, the
grand total is not shown, nor any cell of the indicator's tables (a table shown whole would sum
to it): that happens only in corner cases such as 10 and 10 out of 20. The test
``test_disclosure`` tries to recover every hidden cell by linear programming and fails if it can.

Shares (a numerator over a denominator) are shown only when both the people counted and the
people not counted are at least 11; their counts are not shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SMALL = 11


@dataclass(frozen=True)
class Shown:
    """A cell as published: its value, or why not (``small``: under 11; ``withheld``: hidden so
    that a small cell cannot be worked out)."""

    value: int | None
    hidden: str = ""

    @property
    def text(self) -> str:
        if self.hidden == "small":
            return "<11"
        if self.hidden == "withheld":
            return "·"
        return f"{self.value:,}"


def _pinned(values: Mapping[Any, int], small: set[Any], withheld: set[Any]) -> bool:
    """Whether the known sum of the hidden cells fixes a small cell's value."""
    hidden_sum = sum(values[k] for k in small | withheld)
    if not withheld:
        # each small cell in [0, 10], their sum known: fixed if only one, or the sum is 0 or 10 each
        return len(small) == 1 or hidden_sum in (0, 10 * len(small))
    # a withheld cell is 11 or more: a small one is at most hidden_sum - 11 x withheld
    return hidden_sum - SMALL * len(withheld) <= 0


def _hidden(values: Mapping[Any, int], with_total: bool) -> tuple[set[Any], set[Any]] | None:
    small = {k for k, v in values.items() if v < SMALL}
    withheld: set[Any] = set()
    if not with_total:
        # A table shown in full would give the total away: nothing is shown.
        return small, {k for k in values if k not in small}
    if not small:
        return small, withheld
    candidates = sorted((v, str(k), k) for k, v in values.items() if k not in small)
    while _pinned(values, small, withheld):
        if not candidates:
            return None
        withheld.add(candidates.pop(0)[2])
    return small, withheld


def can_show_total(total: int, tables: Sequence[Mapping[Any, int]]) -> bool:
    """Whether an indicator's grand total may be shown beside all of its tables."""
    return total >= SMALL and all(_hidden(t, True) is not None for t in tables)


def suppress(values: Mapping[Any, int], with_total: bool) -> dict[Any, Shown]:
    """One table's cells as published, given whether its grand total is shown
    (:func:`can_show_total`; when it is not, no cell is: any table shown whole would sum to it)."""
    found = _hidden(values, with_total)
    assert found is not None, "can_show_total decides whether the total is shown"
    small, withheld = found
    return {
        k: Shown(None, "small") if k in small else Shown(None, "withheld") if k in withheld else Shown(v)
        for k, v in values.items()
    }


def share(numerator: int, denominator: int) -> float | None:
    """A share, or None when fewer than 11 people are on either side of it."""
    if numerator < SMALL or denominator - numerator < SMALL:
        return None
    return numerator / denominator
