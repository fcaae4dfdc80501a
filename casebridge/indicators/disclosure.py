"""Disclosure control for published counts: no cell under 11 people is shown, and no total,
margin or other cell lets one be worked out (complementary suppression).

An indicator publishes one fixed set of cells (its total; by year, each the sum of its
quarters; by group; by year within each group ...) tied by *relations*: a cell that is the sum
of others. :func:`protect` hides every cell under 11 ("<11"), then plays the attacker: by linear
programming over every relation at once it finds the least and the most each small cell can be,
given what is known of every hidden one (a small cell is 0 to 10, a withheld one 11 or more).
Wherever fewer than ``RANGE`` whole numbers are left for a small cell, a cell still shown beside
it is withheld too ("·"): in the sum that holds it most tightly, the finest one, chosen by its
place in the tables and never by its value (a rule that withheld the smallest would tell the
reader that what it withheld was small). Then the attacker plays again, until every small cell
keeps its range. The test ``test_disclosure`` plays attackers of its own: one by linear
programming over the published cells, and one that knows this rule and tries every world
(which still narrows a small cell to two values in some publications: docs/indicators.md).

Shares (a numerator over a denominator) are shown only when both the people counted and the
people not counted are at least 11; their counts are not shown.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

SMALL = 11
Relation = tuple[Any, Sequence[Any]]  # a cell and the cells it is the sum of


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


# The fewest whole numbers a small cell may still be, given everything published.
RANGE = 3
# Directions besides "all high" and "all low" in which possible points are sought at first.
DIRECTIONS = 8


def exposed(
    values: Mapping[Any, int],
    relations: Sequence[Relation],
    small: set[Any],
    withheld: set[Any],
    safe: frozenset[Any] = frozenset(),
) -> list[Any]:
    """The small cells that the published ones narrow to fewer than ``RANGE`` whole numbers
    (``safe``: small cells known to keep their range, not worked out again)."""
    hidden = small | withheld
    names = sorted(hidden, key=str)
    if not names:
        return []
    index = {k: i for i, k in enumerate(names)}
    rows: list[tuple[dict[int, float], float]] = []
    for total, parts in relations:
        cells = [(total, -1.0)] + [(p, 1.0) for p in parts]
        row: dict[int, float] = {}
        constant = 0.0
        for cell, sign in cells:
            if cell in hidden:
                row[index[cell]] = row.get(index[cell], 0.0) + sign
            else:
                constant += sign * values[cell]
        if row:
            rows.append((row, -constant))
    # What a reader knows of a hidden cell: a small one is 0 to 10, a withheld one 11 or more
    # (which cell is withheld is chosen by place, not value; that one must be is decided by
    # the values, which a reader who knows this rule can use: see docs/indicators.md).
    bounds = {k: (0.0, 10.0) if k in small else (float(SMALL), math.inf) for k in names}
    # Points known to be possible: the true values, and those with the small cells all as high,
    # then all as low, as they can be, and so on in a few more directions (over the whole
    # system). A small cell that takes values far enough apart among them keeps its range
    # whatever its least and most are: most do, and are spared the programmes of their own.
    everyone = list(range(len(names)))
    whole = _Programme(rows, everyone, [bounds[k] for k in names])
    points = [np.array([values[k] for k in names], dtype=float)]
    signs = np.random.default_rng(len(names)).choice([-1.0, 1.0], size=(DIRECTIONS, len(names)))
    for direction in [np.full(len(names), -1.0), np.full(len(names), 1.0), *signs]:
        if (extreme := whole.least(np.where([k in small for k in names], direction, 0.0))) is not None:
            points.append(extreme)
    doubtful = [i for i in everyone if names[i] in small and names[i] not in safe and not _wide(points, i)]
    if not doubtful:
        return []
    # Cells tied by no equation to each other are worked out apart: far smaller problems.
    parent = list(range(len(names)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row, _rhs in rows:
        first, *others = row
        for other in others:
            parent[root(other)] = root(first)
    members_of = {root(members[0]): members for members in _groups([root(i) for i in everyone])}
    programmes: dict[int, _Programme] = {}
    found = []
    for i in doubtful:
        if _wide(points, i):  # (by the points the programmes of cells before it found)
            continue
        members = members_of[root(i)]
        if (programme := programmes.get(root(i))) is None:
            mine = [(row, rhs) for row, rhs in rows if root(next(iter(row))) == root(i)]
            programme = programmes[root(i)] = _Programme(mine, members, [bounds[names[m]] for m in members])
        objective = np.zeros(len(members))
        objective[members.index(i)] = 1.0
        exposed_ = False
        for direction in (1.0, -1.0):  # its least, then (unless that was enough) its most
            solved = programme.least(direction * objective)
            if solved is None:  # (infeasible cannot happen with the true values; were it to, call it exposed)
                exposed_ = True
                break
            point = points[0].copy()  # a point possible for this part, the true values elsewhere
            point[members] = solved
            points.append(point)
            if _wide(points, i):
                break
        else:
            exposed_ = True  # (its least and its most found, fewer than RANGE apart)
        if exposed_:
            found.append(names[i])
    return found


def _wide(points: list[Any], i: int) -> bool:
    """Whether cell ``i`` takes values at least ``RANGE`` whole numbers apart among ``points``."""
    seen = [p[i] for p in points]
    return math.floor(max(seen) + 1e-7) - math.ceil(min(seen) - 1e-7) + 1 >= RANGE


class _Programme:
    """Sums over some hidden cells (``rows``, over the cells ``members`` in that order), with
    what a reader knows of each (``limits``), as one linear programme that HiGHS solves for one
    objective after another, each from the last one's basis."""

    def __init__(self, rows: list[tuple[dict[int, float], float]], members: list[int], limits: list[Any]) -> None:
        column = {i: c for c, i in enumerate(members)}
        starts, index, value = [0], [], []
        for row, _rhs in rows:
            for i, coefficient in row.items():
                index.append(column[i])
                value.append(coefficient)
            starts.append(len(index))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(members), len(rows)
        lp.col_cost_ = np.zeros(len(members))
        lp.col_lower_ = np.array([low for low, _high in limits], dtype=float)
        lp.col_upper_ = np.array([highspy.kHighsInf if math.isinf(high) else high for _low, high in limits])
        lp.row_lower_ = lp.row_upper_ = np.array([rhs for _row, rhs in rows], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=float)
        self.size = len(members)
        self.highs = _highs()
        self.highs.passModel(lp)

    def least(self, objective: Any) -> Any:
        """The point where ``objective`` is least (None: no point at all)."""
        self.highs.changeColsCost(self.size, np.arange(self.size, dtype=np.int32), np.asarray(objective, dtype=float))
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.array(self.highs.getSolution().col_value)


def _highs() -> Any:
    """A silent HiGHS (its banner, printed once per process as the first is made, kept off the
    server's output)."""
    global _BANNER_SHOWN
    if not _BANNER_SHOWN:
        _BANNER_SHOWN = True
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as quiet:
                os.dup2(quiet.fileno(), 1)
                found = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
    else:
        found = highspy.Highs()
    found.setOptionValue("output_flag", False)
    return found


_BANNER_SHOWN = False


def _groups(roots: list[int]) -> list[list[int]]:
    found: dict[int, list[int]] = {}
    for i, r in enumerate(roots):
        found.setdefault(r, []).append(i)
    return list(found.values())


def protect(values: Mapping[Any, int], relations: Sequence[Relation]) -> dict[Any, Shown]:
    """Every cell of one publication as shown: see the module's description. A cell that is
    the sum of one other (a year of one quarter, a facet of one group) is the same number: the
    two are protected as one, and shown or hidden together."""
    same: dict[Any, Any] = {k: k for k in values}

    def one(k: Any) -> Any:
        while same[k] != k:
            k = same[k]
        return k

    for total, parts in relations:
        if len(parts) == 1 and one(total) != one(parts[0]):
            same[one(parts[0])] = one(total)
    ones = {one(k): values[k] for k in values}
    shown = _protect(ones, [(one(t), [one(p) for p in parts]) for t, parts in relations if len(parts) > 1])
    return {k: shown[one(k)] for k in values}


def _protect(values: Mapping[Any, int], relations: Sequence[Relation]) -> dict[Any, Shown]:
    small = {k for k, v in values.items() if v < SMALL}
    withheld: set[Any] = set()
    holding: dict[Any, list[list[Any]]] = {k: [] for k in values}
    for total, parts in relations:
        cells = [total, *parts]
        for cell in set(cells):
            holding[cell].append(cells)

    def order(c: Any) -> tuple[int, str]:
        # the finest first (a total is the last to go), then by name: never by value, so that
        # the choice says nothing of the withheld cell's size
        return -len(c) if isinstance(c, tuple) else 0, str(c)

    # First by the pattern alone: in every sum with a small cell, one cell beside it is withheld,
    # whatever the values (so that a "·" there says nothing of them); the attacker then decides
    # only what the values leave too narrow.
    for cells in (cells for c in sorted(small, key=str) for cells in holding[c]):
        if not any(c in withheld for c in cells):
            shown = sorted((c for c in cells if c not in small), key=order)
            if shown:
                withheld.add(shown[0])

    def beside(k: Any) -> list[tuple[int, list[Any]]]:
        """The sums nearest ``k`` that still show a cell, each with how many of its cells are
        hidden and those shown (finest first): the sums holding it, or, where every cell of
        those is hidden already, the sums holding those hidden cells, and so on outwards."""
        seen, frontier = {k}, [k]
        while frontier:
            sums = [cells for c in frontier for cells in holding[c]]
            tight = [
                (sum(1 for c in cells if c in small or c in withheld), shown)
                for cells in sums
                if (shown := sorted((c for c in cells if c not in small and c not in withheld), key=order))
            ]
            if tight:
                return tight
            frontier = sorted({c for cells in sums for c in cells if c not in seen}, key=str)
            seen |= set(frontier)
        return []

    # A small cell that keeps its range keeps it once more cells are withheld (each withheld
    # cell only adds to what is unknown): only those exposed are worked out again.
    safe: frozenset[Any] = frozenset()
    while found := exposed(values, relations, small, withheld, safe):
        safe = frozenset(small - set(found))
        added: set[Any] = set()
        for k in found:
            # In the sum that holds it most tightly (the fewest cells hidden), the finest cell
            # still shown; where its sums show nothing more, in the nearest sums that do.
            tight = beside(k)
            if not tight or any(c in added for _n, shown in tight for c in shown):
                continue  # nothing to withhold here, or something beside it was: play again first
            added.add(min(tight, key=lambda t: (t[0], order(t[1][0])))[1][0])
        if not added:  # nothing left to withhold beside what is exposed: show nothing
            withheld = {k for k in values if k not in small}
            break
        withheld |= added
    return {
        k: Shown(None, "small") if k in small else Shown(None, "withheld") if k in withheld else Shown(v)
        for k, v in values.items()
    }


def share(numerator: int, denominator: int) -> float | None:
    """A share, or None when fewer than 11 people are on either side of it."""
    if numerator < SMALL or denominator - numerator < SMALL:
        return None
    return numerator / denominator
