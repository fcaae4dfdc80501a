"""Each available indicator, computed by the database (``cases.measures``, ``training.measures``,
the prevalence estimates) and published through :mod:`.disclosure`.

Every number an indicator publishes belongs to one fixed set of tables over all years (by
quarter, nested in years; by group), suppressed as one system; the years a user chooses only
select which of those numbers to show, and a period's figure is the sum of the years shown in
it. No request computes a number over another population, so none can be subtracted from
another to work out a small one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from casebridge.indicators.definitions import INDICATORS, Indicator
from casebridge.indicators.disclosure import SMALL, Shown, can_show_total, nested, share, suppress

if TYPE_CHECKING:
    from casebridge.accounts.models import User

Years = tuple[int | None, int | None]
Point = tuple[str, float | None, str]


@dataclass
class Result:
    """An indicator as published: nothing in it is a cell under 11."""

    indicator: Indicator
    available: bool
    message: str = ""
    value: float | None = None
    text: str = ""
    quarters: list[Point] = field(default_factory=list)
    years: list[Point] = field(default_factory=list)
    breakdowns: dict[str, list[Point]] = field(default_factory=dict)
    summary: str = ""


def quarter(day: datetime.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _percent(value: float | None) -> str:
    return "<11" if value is None else f"{number_format(round(value * 100, 1), decimal_pos=1)}%"


def _rounded(value: float | None) -> float | None:
    """A share as published: to a tenth of a percentage point, so that no exact fraction (and
    with it the counts) can be read back from it."""
    return None if value is None else round(value, 3)


def _quarters_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    found, day = [], first
    while day <= last:
        found.append(day)
        day = datetime.date(day.year + (day.month + 3 > 12), (day.month + 2) % 12 + 1, 1)
    return found


def _in(years: Years, year: int) -> bool:
    low, high = years
    return (low is None or year >= low) and (high is None or year <= high)


def _point(label: str, shown: Shown) -> Point:
    return (label, None if shown.value is None else float(shown.value), shown.text)


def officials_trained(indicator: Indicator, years: Years, user: User) -> Result:
    from casebridge.training.measures import trained
    from casebridge.training.models import OfficialRole, Sex

    counted = dict(trained("quarter"))
    if not counted:
        return Result(indicator, True, _("No data yet."))
    quarters = {q: counted.get(q, 0) for q in _quarters_between(min(counted), max(counted))}
    groups: dict[int, dict[datetime.date, int]] = {}
    for q, n in quarters.items():
        groups.setdefault(q.year, {})[q] = n
    roles = {r: 0 for r in OfficialRole.values} | dict(trained("role"))
    sexes = {s: 0 for s in Sex.values} | dict(trained("sex"))
    total = sum(quarters.values())
    year_totals = {y: sum(g.values()) for y, g in groups.items()}
    with_total = can_show_total(total, [year_totals, roles, sexes])
    shown_years, shown_quarters, with_total = nested(groups, with_total)
    shown_roles, shown_sexes = suppress(roles, with_total), suppress(sexes, with_total)
    chosen = [y for y in groups if _in(years, y)]
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    if years == (None, None):
        value = float(total) if with_total else None
        text = f"{total:,}" if with_total else "<11" if total < SMALL else "·"
    elif all(shown_years[y].value is not None for y in chosen):
        value = float(sum(year_totals[y] for y in chosen))
        text = f"{int(value):,}"
    else:  # a year of the period is hidden: their sum would give it away
        value, text = None, "<11" if sum(year_totals[y] for y in chosen) < SMALL else "·"
    role_labels, sex_labels = dict(OfficialRole.choices), dict(Sex.choices)
    return Result(
        indicator,
        True,
        value=value,
        text=text,
        quarters=[_point(quarter(q), shown_quarters[q]) for q in quarters if _in(years, q.year)],
        years=[_point(str(y), shown_years[y]) for y in chosen],
        breakdowns={
            str(_("By role, all years")): [_point(str(role_labels[r]), s) for r, s in shown_roles.items()],
            str(_("By sex, all years")): [_point(str(sex_labels[k]), s) for k, s in shown_sexes.items()],
        },
        summary=_("%(count)s officials trained in the period.") % {"count": text},
    )


def government_led(indicator: Indicator, years: Years, user: User) -> Result:
    from casebridge.cases.measures import government_led as counts

    rows = {q: (t, g) for q, t, g in counts()}
    if not rows:
        return Result(indicator, True, _("No data yet."))
    by_year: dict[int, list[int]] = {}
    for q, (t, g) in rows.items():
        by_year.setdefault(q.year, [0, 0])
        by_year[q.year][0] += t
        by_year[q.year][1] += g
    chosen = [y for y in sorted(by_year) if _in(years, y)]
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    year_shares = {y: _rounded(share(g, t)) for y, (t, g) in by_year.items()}
    latest = chosen[-1]
    return Result(
        indicator,
        True,
        value=year_shares[latest],
        text=_percent(year_shares[latest]),
        # By year only: a year's share is made of its quarters', and shares by quarter beside
        # it could be taken apart by someone who learnt the number of cases elsewhere.
        years=[(str(y), year_shares[y], _percent(year_shares[y])) for y in chosen],
        summary=_("In %(year)s, %(share)s of the cases opened were led by a government agency by now.")
        % {"year": latest, "share": _percent(year_shares[latest])},
    )


def prevalence(indicator: Indicator, years: Years, user: User) -> Result:
    from casebridge.prevalence.actions import read_estimate
    from casebridge.prevalence.models import Study

    points: list[Point] = []
    for study in Study.objects.visible_to(user).order_by("starts_on"):
        if not _in(years, study.ends_on.year):
            continue
        found = read_estimate(study, actor=user)
        minors = found["minors"]
        enough = found["minors_observed"] >= SMALL and found["persons"] - found["minors_observed"] >= SMALL
        if minors is not None and not enough:
            points.append((study.title, None, _("<11 minors observed: no estimate published")))
        elif minors is not None:
            text = _("%(share)s (95%% interval %(low)s to %(high)s)") % {
                "share": _percent(minors["estimate"]),
                "low": _percent(minors["ci_low"]),
                "high": _percent(minors["ci_high"]),
            }
            points.append((study.title, _rounded(minors["estimate"]), text))
    if not points:
        return Result(indicator, True, _("No prevalence study with an estimate that you can see in these years."))
    return Result(
        indicator,
        True,
        value=points[-1][1],
        text=points[-1][2],
        years=points,
        summary=_("The latest study, %(title)s, found %(text)s.") % {"title": points[-1][0], "text": points[-1][2]},
    )


COMPUTE: dict[str, Callable[..., Result]] = {
    "system.officials_trained": officials_trained,
    "system.government_led_cases": government_led,
    "system.prevalence_of_minors": prevalence,
}
APP_OF = {"cases": "casebridge.cases", "training": "casebridge.training", "prevalence": "casebridge.prevalence"}


def result(indicator: Indicator, years: Years, user: User) -> Result:
    compute = COMPUTE.get(indicator.code)
    if compute is None or not apps.is_installed(APP_OF.get(indicator.needs, "-")):
        return Result(
            indicator, False, _("Not available yet: its records are kept by a part of casebridge still to come.")
        )
    return compute(indicator, years, user)


def dashboard(years: Years, user: User) -> list[Result]:
    return [result(i, years, user) for i in INDICATORS]
