"""Disclosure control for published counts: no cell under 11 people is shown, and no total,
margin or other cell lets one be worked out (complementary suppression).

Every table here is one breakdown of an indicator's people (by year, by sex, ...), all of an
indicator's tables share one grand total, and a year's quarters sum to the year. A cell under
11 shows "<11". Where a table's total is shown, the hidden cells' sum is known, so more is
hidden: the smallest cells of 11 or more ("withheld", "·") until no hidden cell is pinned by
that sum, given all an attacker knows of each: a small cell is 0 to 10; a withheld one 11 or
more but no more than the smallest cell left shown (the rule picks the smallest); a hidden
year's own hidden quarters bound it. If that cannot be done, the grand total is not shown, nor
any cell of the indicator's tables (a table shown whole would sum to it). The test
``test_disclosure`` plays the attacker by linear programming over every published number at
once and fails if it can fix any hidden cell.

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


INF = float("inf")


def _bounds(
    values: Mapping[Any, int], small: set[Any], withheld: set[Any], known: Mapping[Any, tuple[float, float]]
) -> dict[Any, tuple[float, float]]:
    """What an attacker knows of each hidden cell: a small one is 0 to 10; a withheld one is 11
    or more, and no more than the smallest cell of 11 or more left shown (the smallest are
    the ones withheld); ``known`` narrows either (what a hidden year's quarters tell)."""
    shown_large = [v for k, v in values.items() if k not in small and k not in withheld]
    cap = float(min(shown_large)) if shown_large else INF
    found = {}
    for k in small | withheld:
        low, high = (0.0, 10.0) if k in small else (float(SMALL), cap)
        more = known.get(k, (0.0, INF))
        found[k] = (max(low, more[0]), min(high, more[1]))
    return found


def _pinned(
    values: Mapping[Any, int], small: set[Any], withheld: set[Any], known: Mapping[Any, tuple[float, float]]
) -> bool:
    """Whether the known sum of the hidden cells fixes any of them, given what is known of each
    (:func:`_bounds`): with one equation, each cell's least and most are exact."""
    bounds = _bounds(values, small, withheld, known)
    if not bounds:
        return False
    hidden_sum = sum(values[k] for k in bounds)
    lows = sum(low for low, _high in bounds.values())
    finite = [high for _low, high in bounds.values() if high != INF]
    unbounded = len(bounds) - len(finite)
    for low, high in bounds.values():
        others_high = INF if unbounded - (high == INF) > 0 else sum(finite) - (0 if high == INF else high)
        least = max(low, hidden_sum - others_high)
        most = min(high, hidden_sum - (lows - low))
        if least >= most:
            return True
    return False


def _hidden(
    values: Mapping[Any, int],
    with_total: bool,
    forced: frozenset[Any] = frozenset(),
    known: Mapping[Any, tuple[float, float]] | None = None,
) -> tuple[set[Any], set[Any]] | None:
    small = {k for k, v in values.items() if v < SMALL}
    withheld: set[Any] = {k for k in forced if k not in small}
    if not with_total:
        # A table shown in full would give the total away: nothing is shown.
        return small, {k for k in values if k not in small}
    if not small and not withheld:
        return small, withheld
    candidates = sorted((v, str(k), k) for k, v in values.items() if k not in small and k not in withheld)
    while _pinned(values, small, withheld, known or {}):
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
    # A hidden group's cells are hidden too, and say something of it: each withheld one is 11 or
    # more, and if all are small the group is at most 10 each.
    known: dict[Any, tuple[float, float]] = {}
    for g, values in groups.items():
        large = sum(1 for v in values.values() if v >= SMALL)
        known[g] = (float(SMALL * large), INF if large else float(10 * len(values)))
    forced: frozenset[Any] = frozenset()
    while True:
        if with_total and _hidden(totals, True, forced, known) is None:
            with_total = False
        found = _hidden(totals, with_total, forced, known)
        assert found is not None
        small, withheld = found
        shown = {
            g: Shown(None, "small") if g in small else Shown(None, "withheld") if g in withheld else Shown(v)
            for g, v in totals.items()
        }
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
