"""An attacker who reads every published number of an indicator tries to work out each hidden
one: by linear programming over all of them at once (the grand total; the years, each the sum
of its quarters; the groups by role and by sex, each summing to the total), the least and the
most each hidden cell can be. If the two are equal for any cell, it was disclosed."""

from __future__ import annotations

import random
from typing import Any

import pytest
from scipy.optimize import linprog

from casebridge.indicators.disclosure import Shown, can_show_total, nested, share, suppress


def _attack(total_shown, total, equations, hidden, caps=None):  # type: ignore[no-untyped-def]
    """``equations``: (cells, known total or a hidden cell's name); ``hidden``: name -> Shown;
    ``caps``: name -> the most a withheld cell can be (the smallest cell of 11 or more its table
    shows: the smallest are the ones withheld)."""
    caps = caps or {}
    names = sorted(hidden)
    index = {n: i for i, n in enumerate(names)}
    rows, rhs = [], []
    for cells, whole in equations:
        row = [0.0] * len(names)
        constant = 0.0
        for cell in cells:
            if isinstance(cell, str):
                row[index[cell]] += 1
            else:
                constant += cell
        if isinstance(whole, str):
            row[index[whole]] -= 1
            rows.append(row)
            rhs.append(-constant)
        elif whole is not None:
            rows.append(row)
            rhs.append(whole - constant)
    if not names:
        return {}
    bounds = [(0, 10) if hidden[n].hidden == "small" else (11, caps.get(n)) for n in names]
    found = {}
    for n in names:
        c = [0.0] * len(names)
        c[index[n]] = 1.0
        kwargs = {"A_eq": rows, "b_eq": rhs} if rows else {}
        low = linprog(c, bounds=bounds, **kwargs)
        high = linprog([-x for x in c], bounds=bounds, **kwargs)
        assert low.success, (n, low.message)
        found[n] = (round(low.fun), None if not high.success else round(-high.fun))
    return found


def _world(rng: random.Random) -> tuple[dict[int, dict[str, int]], dict[str, int], dict[str, int]]:
    small = rng.random() < 0.5
    quarters_per_year = rng.randint(1, 4)
    years = {
        2020 + y: {
            f"{2020 + y}Q{q}": rng.choice([0, 3, 10, 11, 12, rng.randint(0, 10 if small else 60)])
            for q in range(quarters_per_year)
        }
        for y in range(rng.randint(1, 4))
    }
    total = sum(sum(g.values()) for g in years.values())

    def split(parts: int) -> dict[str, int]:
        cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
        return {f"g{i}": b - a for i, (a, b) in enumerate(zip([0, *cuts], [*cuts, total], strict=True))}

    return years, split(rng.randint(2, 5)), split(3)


@pytest.mark.parametrize("seed", range(400))
def test_no_hidden_cell_can_be_worked_out(seed):
    _check(*_world(random.Random(seed)))


@pytest.mark.parametrize(
    "world",
    [
        # the second review's cases: four quarters of 11 under a withheld year beside a year of
        # nobody; two cells of 11 beside a small one
        ({2020: {"a": 11, "b": 11, "c": 11, "d": 11}, 2021: {"e": 0}, 2022: {"f": 50}}, {"j": 94}, {"f": 94}),
        ({2025: {"q": 25}}, {"p": 25}, {"f": 11, "m": 11, "u": 3}),
        ({2024: {"a": 5, "b": 20}, 2025: {"c": 12, "d": 30}}, {"p": 67}, {"f": 60, "m": 7}),
    ],
)
def test_the_cases_reviewers_found(world):
    _check(*world)


def _check(years, roles, sexes):  # type: ignore[no-untyped-def]
    total = sum(sum(g.values()) for g in years.values())
    year_totals = {y: sum(g.values()) for y, g in years.items()}
    with_total = can_show_total(total, [year_totals, roles, sexes])
    shown_years, shown_quarters, with_total = nested(years, with_total)
    shown_roles, shown_sexes = suppress(roles, with_total), suppress(sexes, with_total)
    published: dict[str, Shown] = {
        **{f"y{y}": s for y, s in shown_years.items()},
        **shown_quarters,
        **{f"r{k}": s for k, s in shown_roles.items()},
        **{f"s{k}": s for k, s in shown_sexes.items()},
    }
    true = {**{f"y{y}": v for y, v in year_totals.items()}, **{q: v for g in years.values() for q, v in g.items()}}
    true |= {f"r{k}": v for k, v in roles.items()} | {f"s{k}": v for k, v in sexes.items()}
    for name, shown in published.items():
        assert shown.value is None or shown.value == true[name]
        if true[name] < 11:
            assert shown.value is None and shown.text == "<11", name
    hidden = {n: s for n, s in published.items() if s.value is None}
    value: dict[str, Any] = {n: s.value if s.value is not None else n for n, s in published.items()}
    grand = total if with_total else None
    equations: list[tuple[list[Any], Any]] = [
        ([value[f"y{y}"] for y in years], grand),
        ([value[f"r{k}"] for k in roles], grand),
        ([value[f"s{k}"] for k in sexes], grand),
    ]
    equations += [([value[q] for q in g], value[f"y{y}"]) for y, g in years.items()]
    tables = [{f"y{y}": year_totals[y] for y in years}, {f"r{k}": v for k, v in roles.items()}]
    tables += [{f"s{k}": v for k, v in sexes.items()}, *years.values()]
    caps = {}
    for table in tables:
        shown_values = [published[n].value for n in table]
        large = [v for v in shown_values if v is not None and v >= 11]
        for n in table:
            if published[n].hidden == "withheld" and large:
                caps[n] = min(large)
    for name, (low, high) in _attack(with_total, total, equations, hidden, caps).items():
        assert high is None or low < high, (name, true[name], years, roles, sexes, published)


def test_the_known_awkward_tables():
    assert suppress({"a": 5, "b": 50}, True) == suppress({"a": 7, "b": 48}, True)  # both hidden
    assert {s.text for s in suppress({"a": 5, "b": 50}, True).values()} == {"<11", "·"}
    assert not can_show_total(20, [{"a": 10, "b": 10}])  # 10 and 10 under a total of 20: pinned
    assert can_show_total(19, [{"a": 10, "b": 9}])
    assert not can_show_total(11, [{"a": 0, "b": 11}])  # 0 and 11: the hidden 0 would be known
    assert not can_show_total(10, [{"a": 10}])
    _years, quarters, _shown = nested({2024: {"24q1": 5, "24q2": 20}, 2025: {"25q1": 12, "25q2": 30}}, True)
    assert quarters["24q1"].text == "<11" and quarters["24q2"].value is None  # 25 - 20 would give the 5 away


def test_the_smallest_shown_cell_caps_a_withheld_one():
    """11, 11 and 3 under 25: withholding one 11 would leave it known (at most the other 11)."""
    shown = suppress({"f": 11, "m": 11, "u": 3}, True)
    assert shown["u"].text == "<11" and shown["f"].value is None and shown["m"].value is None


def test_a_share_needs_11_on_each_side():
    assert share(10, 100) is None and share(90, 100) is None and share(0, 0) is None
    assert share(11, 22) == 0.5
