"""Each available indicator, computed by the database (``cases.measures``, ``training.measures``,
the prevalence estimates) and published through :mod:`.disclosure`."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from casebridge.indicators.definitions import DISAGGREGATIONS, INDICATORS, Indicator
from casebridge.indicators.disclosure import Shown, can_show_total, share, suppress

if TYPE_CHECKING:
    from casebridge.accounts.models import User


@dataclass
class Result:
    """An indicator as published: nothing in it is a cell under 11."""

    indicator: Indicator
    available: bool
    message: str = ""
    value: float | None = None
    text: str = ""
    quarters: list[tuple[str, float | None, str]] = field(default_factory=list)
    years: list[tuple[str, float | None, str]] = field(default_factory=list)
    breakdowns: dict[str, list[tuple[str, float | None, str]]] = field(default_factory=dict)
    summary: str = ""


def quarter(day: datetime.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _percent(value: float | None) -> str:
    return "<11" if value is None else f"{number_format(round(value * 100, 1), decimal_pos=1)}%"


def _counts(tables: Mapping[str, Mapping[Any, int]], total: int) -> tuple[bool, dict[str, dict[Any, Shown]]]:
    with_total = can_show_total(total, list(tables.values()))
    return with_total, {name: suppress(cells, with_total) for name, cells in tables.items()}


def _points(shown: Mapping[Any, Shown], label: Callable[[Any], str] = str) -> list[tuple[str, float | None, str]]:
    return [(label(k), None if s.value is None else float(s.value), s.text) for k, s in shown.items()]


def officials_trained(indicator: Indicator, starts: Any, ends: Any, facets: Mapping[str, Any], user: User) -> Result:
    from casebridge.training.measures import trained

    sexes = {"Feminine": "female", "Masculine": "male"}
    if "sex" in facets:
        if facets["sex"] not in sexes:
            return Result(indicator, True, _("Not broken down by this sex / gender."))
        facets = {**facets, "sex": sexes[facets["sex"]]}
    quarters = dict(trained(starts, ends, facets, "quarter"))
    total = sum(quarters.values())
    if not total:
        return Result(indicator, True, _("No data in this period."))
    years: dict[int, int] = {}
    for q, n in quarters.items():
        years[q.year] = years.get(q.year, 0) + n
    from casebridge.training.models import OfficialRole, Sex

    roles, labels = dict(trained(starts, ends, facets, "role")), dict(OfficialRole.choices)
    by_sex, sex_labels = dict(trained(starts, ends, facets, "sex")), dict(Sex.choices)
    with_total, shown = _counts({"quarters": quarters, "years": years, "role": roles, "sex": by_sex}, total)
    text = f"{total:,}" if with_total else "<11" if total < 11 else "·"
    return Result(
        indicator,
        True,
        value=float(total) if with_total else None,
        text=text,
        quarters=_points(shown["quarters"], quarter),
        years=_points(shown["years"]),
        breakdowns={
            str(_("By role")): _points(shown["role"], lambda r: str(labels.get(r, r))),
            str(_("By sex")): _points(shown["sex"], lambda s: str(sex_labels.get(s, s))),
        },
        summary=_("%(count)s officials trained in the period.") % {"count": text},
    )


def government_led(indicator: Indicator, starts: Any, ends: Any, facets: Mapping[str, Any], user: User) -> Result:
    from casebridge.cases.measures import government_led as counts

    rows = counts(starts, ends, facets)
    if not rows:
        return Result(indicator, True, _("No data in this period."))
    years: dict[int, list[int]] = {}
    for q, total, government in rows:
        years.setdefault(q.year, [0, 0])
        years[q.year][0] += total
        years[q.year][1] += government
    overall = share(sum(g for _q, _t, g in rows), sum(t for _q, t, _g in rows))
    return Result(
        indicator,
        True,
        value=overall,
        text=_percent(overall),
        quarters=[(quarter(q), share(g, t), _percent(share(g, t))) for q, t, g in rows],
        years=[(str(y), share(g, t), _percent(share(g, t))) for y, (t, g) in sorted(years.items())],
        summary=_("%(share)s of the cases opened in the period are led by a government agency now.")
        % {"share": _percent(overall)},
    )


def prevalence(indicator: Indicator, starts: Any, ends: Any, facets: Mapping[str, Any], user: User) -> Result:
    from casebridge.prevalence.actions import read_estimate
    from casebridge.prevalence.models import Study

    studies = Study.objects.visible_to(user).order_by("starts_on")
    if starts:
        studies = studies.filter(ends_on__gte=starts)
    if ends:
        studies = studies.filter(starts_on__lte=ends)
    points = []
    for study in studies:
        minors = read_estimate(study, actor=user)["minors"]
        if minors is not None:
            text = _("%(share)s (95%% interval %(low)s to %(high)s)") % {
                "share": _percent(minors["estimate"]),
                "low": _percent(minors["ci_low"]),
                "high": _percent(minors["ci_high"]),
            }
            points.append((study.title, minors["estimate"], text))
    if not points:
        return Result(indicator, True, _("No prevalence study with an estimate that you can see in this period."))
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


def result(indicator: Indicator, starts: Any, ends: Any, facets: Mapping[str, Any], user: User) -> Result:
    compute = COMPUTE.get(indicator.code)
    if compute is None or not apps.is_installed(APP_OF.get(indicator.needs, "-")):
        return Result(
            indicator, False, _("Not available yet: its records are kept by a part of casebridge still to come.")
        )
    missing = [DISAGGREGATIONS[k] for k in facets if k not in indicator.disaggregations]
    if missing:
        return Result(indicator, True, _("Not broken down by %(what)s.") % {"what": ", ".join(str(m) for m in missing)})
    return compute(indicator, starts, ends, facets, user)


def dashboard(starts: Any, ends: Any, facets: Mapping[str, Any], user: User) -> list[Result]:
    return [result(i, starts, ends, facets, user) for i in INDICATORS]
