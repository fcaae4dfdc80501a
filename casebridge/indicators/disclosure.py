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
    """Whether the known sum of the hidden cells fixes any of them, where a small cell is known to
    be 0 to 10 and a withheld one 11 or more."""
    hidden_sum = sum(values[k] for k in small | withheld)
    if not withheld:
        return len(small) == 1 or hidden_sum in (0, 10 * len(small))
    if not small:  # withheld cells only: one alone is the sum; several are fixed only if all are 11
        return len(withheld) == 1 or hidden_sum == SMALL * len(withheld)
    # a small cell is at most hidden_sum - 11 x withheld
    return hidden_sum - SMALL * len(withheld) <= 0


def _hidden(
    values: Mapping[Any, int], with_total: bool, forced: frozenset[Any] = frozenset()
) -> tuple[set[Any], set[Any]] | None:
    small = {k for k, v in values.items() if v < SMALL}
    withheld: set[Any] = {k for k in forced if k not in small}
    if not with_total:
        # A table shown in full would give the total away: nothing is shown.
        return small, {k for k in values if k not in small}
    if not small and not withheld:
        return small, withheld
    candidates = sorted((v, str(k), k) for k, v in values.items() if k not in small and k not in withheld)
    while _pinned(values, small, withheld):
        if not candidates:
            return None
        withheld.add(candidates.pop(0)[2])
    return small, withheld


def can_show_total(total: int, tables: Sequence[Mapping[Any, int]]) -> bool:
    """Whether an indicator's grand total may be shown beside all of its tables."""
    return total >= SMALL and all(_hidden(t, True) is not None for t in tables)


def suppress(values: Mapping[Any, int], with_total: bool, forced: frozenset[Any] = frozenset()) -> dict[Any, Shown]:
    """One table's cells as published, given whether its grand total is shown
    (:func:`can_show_total`; when it is not, no cell is: any table shown whole would sum to it).
    ``forced``: cells to withhold whatever their size."""
    found = _hidden(values, with_total, forced)
    assert found is not None, "can_show_total decides whether the total is shown"
    small, withheld = found
    return {
        k: Shown(None, "small") if k in small else Shown(None, "withheld") if k in withheld else Shown(v)
        for k, v in values.items()
    }


def nested(
    groups: Mapping[Any, Mapping[Any, int]], with_total: bool
) -> tuple[dict[Any, Shown], dict[Any, Shown], bool]:
    """A table of groups (years) each the sum of its own cells (quarters): the groups are
    suppressed against the grand total, and each group's cells against the group, as one
    system. A group whose cells cannot be protected under it is withheld itself; a hidden
    group's cells are all hidden (shown whole, they would give it away). Returns the groups,
    the cells, and whether the grand total can still be shown."""
    totals = {g: sum(cells.values()) for g, cells in groups.items()}
    forced: frozenset[Any] = frozenset()
    while True:
        if with_total and _hidden(totals, True, forced) is None:
            with_total = False
        shown = suppress(totals, with_total, forced)
        unsafe = frozenset(g for g, s in shown.items() if s.value is not None and _hidden(groups[g], True) is None)
        if not unsafe:
            break
        forced |= unsafe
    cells: dict[Any, Shown] = {}
    for g, values in groups.items():
        cells.update(suppress(values, shown[g].value is not None))
    return shown, cells, with_total


def share(numerator: int, denominator: int) -> float | None:
    """A share, or None when fewer than 11 people are on either side of it."""
    if numerator < SMALL or denominator - numerator < SMALL:
        return None
    return numerator / denominator
