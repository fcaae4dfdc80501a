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


def _attack(total_shown, total, equations, hidden):  # type: ignore[no-untyped-def]
    """``equations``: (cells, known total or a hidden cell's name); ``hidden``: name -> Shown."""
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
    bounds = [(0, 10) if hidden[n].hidden == "small" else (11, None) for n in names]
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
    rng = random.Random(seed)
    years, roles, sexes = _world(rng)
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
    for name, (low, high) in _attack(with_total, total, equations, hidden).items():
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


def test_a_share_needs_11_on_each_side():
    assert share(10, 100) is None and share(90, 100) is None and share(0, 0) is None
    assert share(11, 22) == 0.5
