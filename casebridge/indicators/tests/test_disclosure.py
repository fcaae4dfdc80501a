"""An attacker who reads every published number of an indicator tries to work out each hidden
one: by linear programming over all of them at once (the grand total; the years, each the sum
of its quarters; each facet's groups, each the sum of the group's years, and each year the sum
of its groups), the least and the most each hidden cell can be. If only one whole number is
possible for any cell, it was disclosed. The attacker here is written apart from the one
``disclosure.protect`` plays, and works out the relations from the cells' names alone."""

from __future__ import annotations

import datetime
import math
import random
from typing import Any

import pytest
from scipy.optimize import linprog

from casebridge.indicators.compute import publish_counts
from casebridge.indicators.disclosure import RANGE, Shown, protect, share


def _relations(cells: dict[Any, Shown]) -> list[tuple[Any, list[Any]]]:
    """What a reader knows sums to what, from the names of the published cells."""
    years = sorted(k[1] for k in cells if k[0] == "year")
    quarters = [k[1] for k in cells if k[0] == "quarter"]
    facets = sorted({k[0] for k in cells if len(k) == 2 and k[0] not in ("year", "quarter")})
    found: list[tuple[Any, list[Any]]] = [(("all",), [("year", y) for y in years])]
    found += [(("year", y), [("quarter", q) for q in quarters if q.year == y]) for y in years]
    for f in facets:
        groups = sorted({k[1] for k in cells if k[0] == f and len(k) == 2})
        found.append((("all",), [(f, g) for g in groups]))
        found += [((f, g), [(f, g, y) for y in years]) for g in groups]
        found += [(("year", y), [(f, g, y) for g in groups]) for y in years]
    return found


def _attack(cells: dict[Any, Shown], relations: list[tuple[Any, list[Any]]]) -> dict[Any, tuple[float, float]]:
    hidden = sorted((k for k, s in cells.items() if s.value is None), key=str)
    index = {k: i for i, k in enumerate(hidden)}
    rows, rhs = [], []
    for total, parts in relations:
        row, constant = [0.0] * len(hidden), 0.0
        for cell, sign in [(total, -1.0), *[(p, 1.0) for p in parts]]:
            if cell in index:
                row[index[cell]] += sign
            else:
                constant += sign * (cells[cell].value or 0)
        if any(row):
            rows.append(row)
            rhs.append(-constant)
    bounds = [(0, 10) if cells[k].hidden == "small" else (11, None) for k in hidden]
    found = {}
    for k in hidden:
        c = [0.0] * len(hidden)
        c[index[k]] = 1.0
        kwargs: dict[str, Any] = {"A_eq": rows, "b_eq": rhs} if rows else {}
        low = linprog(c, bounds=bounds, **kwargs)
        high = linprog([-x for x in c], bounds=bounds, **kwargs)
        assert low.success, (k, low.message)
        found[k] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return found


def _check(cells: dict[Any, Shown], true: dict[Any, int]) -> None:
    for k, s in cells.items():
        assert s.value is None or s.value == true[k], k
        if true[k] < 11:
            assert s.value is None and s.text == "<11", k
    for k, (low, high) in _attack(cells, _relations(cells)).items():
        if cells[k].hidden == "small":  # at least RANGE whole numbers left
            assert math.floor(high + 1e-6) - math.ceil(low - 1e-6) + 1 >= RANGE, (k, true[k], low, high)


def _cube(rng: random.Random) -> list[tuple[datetime.date, dict[str, str], int]]:
    small = rng.random() < 0.5
    rows = []
    for y in range(rng.randint(1, 3)):
        for q in range(rng.randint(1, 4)):
            day = datetime.date(2020 + y, 3 * q + 1, 1)
            for _ in range(rng.randint(1, 5)):
                n = rng.choice([0, 1, 3, 10, 11, 12, rng.randint(0, 10 if small else 60)])
                rows.append((day, {"sex": rng.choice("fmo"), "agency": rng.choice(["A", "B", "C"])}, n))
    return rows


def _true(cube: list[tuple[datetime.date, dict[str, str], int]]) -> dict[Any, int]:
    true: dict[Any, int] = {}
    for q, facts, n in cube:
        keys = [("all",), ("year", q.year), ("quarter", q)]
        keys += [(f, g) for f, g in facts.items()] + [(f, g, q.year) for f, g in facts.items()]
        for k in keys:
            true[k] = true.get(k, 0) + n
    return true


def _publish(cube, options, last):  # type: ignore[no-untyped-def]
    """A cube's publication: its sums by quarter and by each facet's groups and year, as the
    tallies keep them."""
    quarterly: dict[datetime.date, int] = {}
    groups: dict[str, dict[str, dict[int, int]]] = {}
    for q, facts, n in cube:
        quarterly[q] = quarterly.get(q, 0) + n
        for f, g in facts.items():
            mine = groups.setdefault(f, {}).setdefault(g, {})
            mine[q.year] = mine.get(q.year, 0) + n
    return publish_counts(quarterly, groups, options, last)


@pytest.mark.parametrize("seed", range(150))
def test_no_hidden_cell_of_a_whole_publication_can_be_worked_out(seed):
    cube = _cube(random.Random(seed))
    cells, _quarters = _publish(cube, {"sex": ["f", "m", "o"], "agency": ["A", "B", "C"]}, max(q for q, _f, _n in cube))
    true = _true(cube)
    _check(cells, {k: true.get(k, 0) for k in cells})


@pytest.mark.parametrize(
    "values",
    [
        {"t": 20, "a": 10, "b": 10},  # 10 and 10 under 20: the total itself would pin them
        {"t": 25, "a": 11, "b": 11, "c": 3},  # withholding one 11 would leave it known
        {"t": 11, "a": 0, "b": 11},  # 0 and 11: the hidden 0 would be known
        {"t": 55, "a": 5, "b": 50},
        {"t": 500, "a": 1, "b": 200, "c": 299},
    ],
)
def test_one_table_under_its_total(values):
    cells = protect(values, [("t", [k for k in values if k != "t"])])
    for k, s in cells.items():
        assert s.value is None or s.value == values[k]
        if values[k] < 11:
            assert s.text == "<11"
    hidden = [k for k, s in cells.items() if s.value is None]
    assert not hidden or len(hidden) >= 2


def test_the_known_awkward_tables():
    shown = protect({"t": 25, "a": 11, "b": 11, "c": 3}, [("t", ["a", "b", "c"])])
    assert shown["c"].text == "<11" and [shown[k].value for k in "tab"].count(None) >= 1
    shown = protect({"t": 20, "a": 10, "b": 10}, [("t", ["a", "b"])])
    assert shown["t"].value is None  # 20 shown would say both are 10
    assert all(s.value is None for s in protect({"t": 10, "a": 10}, [("t", ["a"])]).values())


@pytest.mark.parametrize("parts", [2, 3])
def test_an_attacker_who_knows_the_rule_still_cannot_pin_a_small_cell(parts):
    """Every world of one sum (each part up to ``most``): the reader sees a publication and knows
    the rule, so knows every world that would have given it; in those, each small cell must
    still have two values at least (the review's cases: "<11" + "<11" under a hidden total, and a
    withheld cell beside a small one). A shown total above ``most`` has worlds not tried here."""
    import itertools

    names, most = "abc"[:parts], 50 if parts == 2 else 14
    seen: dict[tuple[Any, ...], list[dict[str, int]]] = {}
    for split in itertools.product(range(most + 1), repeat=parts):
        values = dict(zip(names, split, strict=True)) | {"t": sum(split)}
        cells = protect(values, [("t", list(names))])
        seen.setdefault(tuple(sorted((k, s.value, s.hidden) for k, s in cells.items())), []).append(values)
    for publication, worlds in seen.items():
        if (total := dict((k, v) for k, v, _h in publication)["t"]) is not None and total > most:
            continue
        for name, _value, hidden in publication:
            if hidden == "small":
                assert len({w[name] for w in worlds}) >= 2, (publication, worlds)


def test_which_cells_are_withheld_does_not_depend_on_their_values():
    """Two worlds with the same small cells and the same sums' pattern withhold the same cells."""
    first = protect({"t": 60, "a": 5, "b": 15, "c": 40}, [("t", ["a", "b", "c"])])
    second = protect({"t": 130, "a": 5, "b": 85, "c": 40}, [("t", ["a", "b", "c"])])
    assert [k for k, s in first.items() if s.hidden] == [k for k, s in second.items() if s.hidden]


def test_a_big_publication_is_protected_quickly_enough():
    """Ten years of quarters, four facets of up to ten groups: the engine must finish (the
    dashboard's benchmark times it with the rest)."""
    rng = random.Random(7)
    cube = [
        (datetime.date(2015 + y, 3 * q + 1, 1), {"a": str(rng.randint(0, 9)), "b": str(rng.randint(0, 4))}, n)
        for y in range(10)
        for q in range(4)
        for n in [rng.choice([0, 2, 9, 15, 40, 120])]
    ]
    options = {"a": [str(i) for i in range(10)], "b": [str(i) for i in range(5)]}
    cells, _quarters = _publish(cube, options, datetime.date(2024, 12, 31))
    true = _true(cube)
    _check(cells, {k: true.get(k, 0) for k in cells})


def test_a_share_needs_11_on_each_side():
    assert share(10, 100) is None and share(90, 100) is None and share(0, 0) is None
    assert share(11, 22) == 0.5
