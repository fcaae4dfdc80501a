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
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from casebridge.indicators.definitions import DISAGGREGATIONS, INDICATORS, SEXES, Indicator
from casebridge.indicators.disclosure import SMALL, Relation, Shown, protect, share
from casebridge.indicators.forms import Facet
from casebridge.lib.measures import stamp

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


def _percent(value: float | None, places: int = 1, hidden: str = "<11") -> str:
    return hidden if value is None else f"{number_format(round(value * 100, places), decimal_pos=places)}%"


SHARE_OVER = 100  # the fewest cases a share of cases is published over


def _whole(numerator: int, denominator: int) -> float | None:
    """A share of cases as published: over at least ``SHARE_OVER`` cases with 11 or more on
    each side, to the whole percentage point, so that someone who knows the number of cases
    (often a public figure) reads the count back only to within about one case in a hundred;
    hidden ("·"), it says nothing of why."""
    found = share(numerator, denominator)
    return None if found is None or denominator < SHARE_OVER else round(found, 2)


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


Cell = tuple[Any, ...]


def publish_counts(
    cube: list[tuple[datetime.date, dict[str, str], int]], options: dict[str, list[str]], last: datetime.date
) -> tuple[dict[Cell, Shown], list[datetime.date]]:
    """One count indicator's whole publication from its rows (quarter, the group it falls in
    for each facet, people), protected as one system: the total; by year, each the sum of its
    quarters; by each facet's groups, all years; and by year within each group. ``options``:
    each facet's groups (those with nobody are cells of 0); ``last``: the last day counted. The
    quarters run from the first of the first year to the one of ``last`` (where the data start
    and end is no clue). Returns the cells and the quarters."""
    first = datetime.date(min(q for q, _f, _n in cube).year, 1, 1)
    quarters = _quarters_between(first, datetime.date(last.year, (last.month - 1) // 3 * 3 + 1, 1))
    years = sorted({q.year for q in quarters})
    values: dict[Cell, int] = {("all",): 0}
    values |= {("year", y): 0 for y in years} | {("quarter", q): 0 for q in quarters}
    for facet, groups in options.items():
        values |= {(facet, g): 0 for g in groups} | {(facet, g, y): 0 for g in groups for y in years}
    for q, facts, n in cube:
        for cell in [("all",), ("year", q.year), ("quarter", q)]:
            values[cell] += n
        for facet, g in facts.items():
            values[(facet, g)] += n
            values[(facet, g, q.year)] += n
    relations: list[Relation] = [(("all",), [("year", y) for y in years])]
    relations += [(("year", y), [("quarter", q) for q in quarters if q.year == y]) for y in years]
    for facet, groups in options.items():
        relations.append((("all",), [(facet, g) for g in groups]))
        relations += [((facet, g), [(facet, g, y) for y in years]) for g in groups]
        relations += [(("year", y), [(facet, g, y) for g in groups]) for y in years]
    return protect(values, relations), quarters


def _sum_of(cells: list[Shown]) -> tuple[float | None, str]:
    """A period's figure: the sum of its years, if every one of them is shown (their sum would
    give a hidden one away)."""
    if all(c.value is not None for c in cells):
        total = sum(c.value or 0 for c in cells)
        return float(total), f"{total:,}"
    return None, cells[0].text if len(cells) == 1 else "·"


def _no_breakdown(indicator: Indicator, facet: Facet) -> Result | None:
    if facet is None or facet[0] in indicator.disaggregations:
        return None
    return Result(
        indicator,
        True,
        _("Not counted by %(facet)s: clear that filter to see it.") % {"facet": DISAGGREGATIONS[facet[0]]},
    )


def officials_trained(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.agencies.models import Agency
    from casebridge.training.measures import trained
    from casebridge.training.models import OfficialRole

    if found := _no_breakdown(indicator, facet):
        return found

    def build() -> tuple[dict[Cell, Shown], list[datetime.date], dict[str, list[str]]] | None:
        rows = trained(through())
        if not rows:
            return None
        cube = [(q, {"role": role, "sex": _sex(sex), "agency": agency}, n) for q, role, sex, agency, n in rows]
        # The agencies with someone trained: listing every agency would add a cell of 0 for
        # each year of each, and protecting them all would hide nearly everything. That an
        # agency trained nobody is published; which officials were trained is not.
        agencies = sorted({a for _q, _r, _s, a, _n in rows})
        options = {"role": list(OfficialRole.values), "sex": list(SEXES), "agency": agencies}
        cells, quarters = publish_counts(cube, options, through() - datetime.timedelta(days=1))
        return cells, quarters, options

    publication = kept("trained", ("training",), build)
    if publication is None:
        return Result(indicator, True, _("No data yet."))
    cells, quarters, options = publication
    chosen = sorted({q.year for q in quarters if _in(years, q.year)})
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    names = dict(Agency.objects.filter(code__in=options["agency"]).values_list("code", "name")) | {
        "": _("Other organisations")
    }
    labels: dict[str, dict[str, Any]] = {"role": dict(OfficialRole.choices), "sex": SEXES, "agency": names}
    breakdowns = {
        str(title): [_point(str(labels[f][g]), cells[(f, g)]) for g in options[f]]
        for f, title in [
            ("role", _("By role, all years")),
            ("sex", _("By sex, all years")),
            ("agency", _("By agency, all years")),
        ]
    }
    if facet is not None:
        group = facet[1]
        # (an agency made since the publication was has nobody in it: each of its cells is 0)
        shown = [cells.get((facet[0], group, y), Shown(None, "small")) for y in chosen]
        whole = cells.get((facet[0], group), Shown(None, "small")) if years == (None, None) else None
        value, text = (whole.value, whole.text) if whole else _sum_of(shown)
        points = [_point(str(y), s) for y, s in zip(chosen, shown, strict=True)]
        return Result(
            indicator,
            True,
            value=None if value is None else float(value),
            text=text,
            years=points,
            breakdowns=breakdowns,
            summary=_("%(count)s officials trained in the period (%(facet)s: %(group)s).")
            % {"count": text, "facet": DISAGGREGATIONS[facet[0]], "group": labels[facet[0]].get(group, group)},
        )
    whole = cells[("all",)] if years == (None, None) else None
    value, text = (whole.value, whole.text) if whole else _sum_of([cells[("year", y)] for y in chosen])
    return Result(
        indicator,
        True,
        value=None if value is None else float(value),
        text=text,
        quarters=[_point(quarter(q), cells[("quarter", q)]) for q in quarters if _in(years, q.year)],
        years=[_point(str(y), cells[("year", y)]) for y in chosen],
        breakdowns=breakdowns,
        summary=_("%(count)s officials trained in the period.") % {"count": text},
    )


def _sex(value: str) -> str:
    """A recorded sex or gender as the filter's group (definitions.SEXES)."""
    return {"female": "female", "Feminine": "female", "male": "male", "Masculine": "male"}.get(value, "other")


def _group_text(facet: Facet) -> str:
    """The filter's group, said after a summary (" Province: Kandal.")."""
    if facet is None:
        return ""
    from casebridge.lib.places import province_name

    name, group = facet
    label = province_name(group) if name == "province" else SEXES.get(group, group) if name == "sex" else group
    return " " + _("%(facet)s: %(group)s.") % {"facet": str(DISAGGREGATIONS[name]).capitalize(), "group": label}


def _among(facet: Facet) -> Q | None:
    """The cases of the filter's group, by their intake facts."""
    if facet is None:
        return None
    name, group = facet
    if name == "sex":
        known = Q(sex="Feminine") | Q(sex="Masculine")
        return Q(sex="Feminine") if group == "female" else Q(sex="Masculine") if group == "male" else ~known
    if name == "age_band":
        return Q(age_band="" if group == "unknown" else group)
    return Q(**{name: group})


def government_led(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.cases.measures import government_led as counts

    if found := _no_breakdown(indicator, facet):
        return found
    every = kept("led", ("cases",), lambda: counts(through()))
    if not every:
        return Result(indicator, True, _("No data yet."))
    rows = (
        every
        if facet is None
        else kept(f"led:{facet[0]}:{facet[1]}", ("cases",), lambda: counts(through(), _among(facet)))
    )
    # Every year of the whole publication, in a group too: a group's years with nobody in them
    # are "<11" like any small one, not left out (which would say there was nobody).
    by_year = {
        y: [0, 0] for y in range(min(q.year for q, _t, _g in every), (through() - datetime.timedelta(days=1)).year + 1)
    }
    for q, t, g in rows:
        by_year[q.year][0] += t
        by_year[q.year][1] += g
    chosen = [y for y in by_year if _in(years, y)]
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    year_shares = {y: _whole(g, t) for y, (t, g) in by_year.items()}
    latest = chosen[-1]
    return Result(
        indicator,
        True,
        value=year_shares[latest],
        text=_percent(year_shares[latest], 0, "·"),
        # By year only: a year's share is made of its quarters', and shares by quarter beside
        # it could be taken apart by someone who learnt the number of cases elsewhere.
        years=[(str(y), year_shares[y], _percent(year_shares[y], 0, "·")) for y in chosen],
        summary=_("In %(year)s, %(share)s of the cases opened were led by a government agency by now.")
        % {"year": latest, "share": _percent(year_shares[latest], 0, "·")}
        + _group_text(facet),
    )


def prevalence(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.prevalence.actions import read_estimate
    from casebridge.prevalence.models import Study

    if nothing := _no_breakdown(indicator, facet):
        return nothing
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
APP_OF = {
    "cases": "casebridge.cases",
    "training": "casebridge.training",
    "prevalence": "casebridge.prevalence",
    "rescue": "casebridge.investigations",
    "crisis": "casebridge.crisis",
    "aftercare": "casebridge.restoration",
    "legal": "casebridge.legal",
}


CACHE_VERSION = 3  # raise when what is published changes shape or rules
CACHE_SECONDS = 24 * 3600


def through() -> datetime.date:
    """The first day not counted: the indicators count what happened before this month, so that
    one record added today cannot be read as the difference between two days' figures."""
    return timezone.localdate().replace(day=1)


def kept(name: str, sources: tuple[str, ...], build: Callable[[], Any]) -> Any:
    """What ``build`` makes (a publication or its counts), from the cache while its sources'
    stamps (``lib.measures``) and the month counted are unchanged: every choice of years,
    language and group is then read from it, not computed again."""
    stamps = ".".join(stamp(s) for s in sources)
    key = f"indicators:{CACHE_VERSION}:" + hashlib.sha256(f"{name}|{through()}|{stamps}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, CACHE_SECONDS)
    return found


def result(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.indicators.pillars import COMPUTE as PILLARS

    compute = COMPUTE.get(indicator.code) or PILLARS.get(indicator.code)
    if compute is None or not apps.is_installed(APP_OF.get(indicator.needs, "-")):
        return Result(
            indicator, False, _("Not available yet: its records are kept by a part of casebridge still to come.")
        )
    return compute(indicator, years, facet, user)


def dashboard(years: Years, facet: Facet, user: User) -> list[Result]:
    return [result(i, years, facet, user) for i in INDICATORS]
