"""An attacker who reads every published cell and total tries to work out each hidden one: by
linear programming, the least and the most each hidden cell can be, given what is shown. If
the two are equal for any cell, the cell was disclosed and the test fails."""

from __future__ import annotations

import random

import pytest
from scipy.optimize import linprog

from casebridge.indicators.disclosure import can_show_total, share, suppress


def _range(values, shown, total):  # type: ignore[no-untyped-def]
    keys = [k for k in values if shown[k].value is None]
    bounds = [(0, 10) if shown[k].hidden == "small" else (11, None) for k in keys]
    rest = total - sum(shown[k].value for k in values if shown[k].value is not None)
    ranges = {}
    for i, k in enumerate(keys):
        c = [0.0] * len(keys)
        c[i] = 1.0
        low = linprog(c, A_eq=[[1.0] * len(keys)], b_eq=[rest], bounds=bounds)
        high = linprog([-x for x in c], A_eq=[[1.0] * len(keys)], b_eq=[rest], bounds=bounds)
        assert low.success and high.success
        ranges[k] = (round(low.fun), round(-high.fun))
    return ranges


def _tables(rng: random.Random) -> list[dict[str, int]]:
    """Breakdowns of one set of people: a total split several ways."""
    total = rng.choice([rng.randint(0, 30), rng.randint(11, 400)])
    tables = []
    for cells in (rng.randint(1, 8), rng.randint(2, 4)):
        cuts = sorted(rng.randint(0, total) for _ in range(cells - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        if rng.random() < 0.3:  # the awkward cases: cells of exactly 0, 10 and 11
            parts = [rng.choice([0, 10, 11, p]) for p in parts]
        tables.append({f"c{i}": p for i, p in enumerate(parts)})
    return [t for t in tables if sum(t.values()) == sum(tables[0].values())] or tables[:1]


@pytest.mark.parametrize("seed", range(300))
def test_no_hidden_cell_can_be_worked_out(seed):
    rng = random.Random(seed)
    tables = _tables(rng)
    total = sum(tables[0].values())
    with_total = can_show_total(total, tables)
    for values in tables:
        shown = suppress(values, with_total)
        for k, v in values.items():
            if v < 11:
                assert shown[k].value is None and shown[k].text == "<11"
            elif shown[k].value is not None:
                assert shown[k].value == v
        if with_total and any(s.value is None for s in shown.values()):
            for k, (low, high) in _range(values, shown, total).items():
                assert low < high, (values, shown, k)
        if not with_total:  # no total, and no table shown whole to add up to it
            assert all(s.value is None for s in shown.values())


def test_the_known_awkward_tables():
    assert suppress({"a": 5, "b": 50}, True) == suppress({"a": 7, "b": 48}, True)  # both hidden
    assert {s.text for s in suppress({"a": 5, "b": 50}, True).values()} == {"<11", "·"}
    assert not can_show_total(20, [{"a": 10, "b": 10}])  # 10 and 10 under a total of 20: pinned
    assert can_show_total(19, [{"a": 10, "b": 9}])
    assert not can_show_total(11, [{"a": 0, "b": 11}])  # 0 and 11: the hidden 0 would be known
    assert not can_show_total(10, [{"a": 10}])


def test_a_share_needs_11_on_each_side():
    assert share(10, 100) is None and share(90, 100) is None and share(0, 0) is None
    assert share(11, 22) == 0.5
