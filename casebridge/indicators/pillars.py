"""The indicators of rescue, restoration and justice: what each app's ``measures`` count about
survivors and suspects, grouped by quarter and by the groups of the dashboard's filter, published
as compute's are (one fixed publication per indicator, protected as one system, the years and
the group only choosing what is shown).

Counts go through :func:`compute.publish_counts` (no cell under 11, complementary suppression);
shares are shown by year, over at least 100 people with 11 or more on each side, to the whole
percentage point; days (median and 90th percentile) by year, only over 11 people or more."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from casebridge.cases.measures import Row
from casebridge.indicators.compute import (
    Cell,
    Point,
    Result,
    Years,
    _in,
    _no_breakdown,
    _percent,
    _sex,
    _sum_of,
    _whole,
    kept,
    publish_counts,
    through,
)
from casebridge.indicators.definitions import DISAGGREGATIONS, SEXES, Indicator
from casebridge.indicators.disclosure import SMALL, Shown
from casebridge.indicators.forms import Facet

if TYPE_CHECKING:
    from casebridge.accounts.models import User

OTHERS = "*"  # the groups too small to list, together


def _last() -> datetime.date:
    return through() - datetime.timedelta(days=1)


def _grouped(name: str, value: Any) -> str:
    """A recorded fact as the filter's group."""
    if name == "sex":
        return _sex(value)
    if name == "age_band":
        return value or "unknown"
    return str(value)


def _options(name: str, totals: dict[str, int]) -> list[str]:
    """A facet's groups: every province, age band and sex (a group with nobody is a cell of 0);
    of agencies and nationalities, those with 11 or more people over all years, the rest
    counted together as others (so that none is named by a count under 11)."""
    from casebridge.cases.models import AgeBand
    from casebridge.lib.places import PROVINCE_CODES

    fixed = {"province": list(PROVINCE_CODES), "age_band": ["unknown", *[v for v in AgeBand.values if v]]}
    fixed["sex"] = list(SEXES)
    if name in fixed:
        return fixed[name] + ([OTHERS] if set(totals) - set(fixed[name]) else [])
    return [*sorted(g for g, n in totals.items() if n >= SMALL), OTHERS]


def _labels(name: str, groups: list[str]) -> dict[str, str]:
    from casebridge.agencies.models import Agency
    from casebridge.lib.codes import country_name
    from casebridge.lib.places import province_name

    found: dict[str, str]
    if name == "province":
        found = {g: province_name(g) for g in groups}
    elif name == "agency":
        found = dict(Agency.objects.filter(code__in=groups).values_list("code", "name"))
    elif name == "sex":
        found = {k: str(v) for k, v in SEXES.items()}
    elif name == "age_band":
        found = {g: g for g in groups} | {"unknown": _("age unknown")}
    elif name == "nationality":
        found = {g: country_name(g) for g in groups if g != OTHERS}
    else:
        found = {g: g for g in groups}
    return found | {OTHERS: _("Others together")}


Publication = tuple[dict[Cell, Shown], list[datetime.date], dict[str, list[str]]]


def publication(rows: list[Row], key: str, facets: tuple[str, ...]) -> Publication | None:
    """One count's whole publication from the measure's rows (``key``: which of its counts),
    by every facet the indicator is broken down by, protected as one system."""
    rows = [(q, facts, counts) for q, facts, counts in rows if counts[key]]
    if not rows:
        return None
    totals: dict[str, dict[str, int]] = {f: {} for f in facets}
    for _q, facts, counts in rows:
        for f in facets:
            g = _grouped(f, facts[f])
            totals[f][g] = totals[f].get(g, 0) + counts[key]
    options = {f: _options(f, totals[f]) for f in facets}
    cube = [
        (q, {f: g if (g := _grouped(f, facts[f])) in options[f] else OTHERS for f in facets}, counts[key])
        for q, facts, counts in rows
    ]
    cells, quarters = publish_counts(cube, options, _last())
    return cells, quarters, options


def count_result(
    indicator: Indicator,
    years: Years,
    facet: Facet,
    found: Publication | None,
    summary: Callable[[str], str],
    labels: dict[str, dict[str, str]] | None = None,
) -> Result:
    """A count indicator as shown: the period's figure, by quarter (or, within a group, by year),
    and by each group over all years."""
    if found is None:
        return Result(indicator, True, _("No data yet."))
    cells, quarters, options = found
    chosen = sorted({q.year for q in quarters if _in(years, q.year)})
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    labels = labels or {f: _labels(f, groups) for f, groups in options.items()}
    breakdowns = {
        _("By %(facet)s, all years") % {"facet": DISAGGREGATIONS.get(f, f)}: [
            (labels[f].get(g, g), None if (c := cells[(f, g)]).value is None else float(c.value), c.text)
            for g in groups
        ]
        for f, groups in options.items()
    }
    if facet is not None:
        shown = [cells.get((facet[0], facet[1], y), Shown(None, "small")) for y in chosen]
        whole = cells.get((facet[0], facet[1]), Shown(None, "small")) if years == (None, None) else None
        value, text = (whole.value, whole.text) if whole else _sum_of(shown)
        group = labels.get(facet[0], {}).get(facet[1], facet[1])
        return Result(
            indicator,
            True,
            value=None if value is None else float(value),
            text=text,
            years=[
                (str(y), None if s.value is None else float(s.value), s.text)
                for y, s in zip(chosen, shown, strict=True)
            ],
            breakdowns=breakdowns,
            summary=summary(text)
            + " "
            + _("%(facet)s: %(group)s.")
            % {
                "facet": str(DISAGGREGATIONS[facet[0]]).capitalize(),
                "group": group,
            },
        )
    whole = cells[("all",)] if years == (None, None) else None
    value, text = (whole.value, whole.text) if whole else _sum_of([cells[("year", y)] for y in chosen])
    return Result(
        indicator,
        True,
        value=None if value is None else float(value),
        text=text,
        quarters=[_shown(_quarter(q), cells[("quarter", q)]) for q in quarters if _in(years, q.year)],
        years=[_shown(str(y), cells[("year", y)]) for y in chosen],
        breakdowns=breakdowns,
        summary=summary(text),
    )


def _quarter(day: datetime.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _shown(label: str, cell: Shown) -> Point:
    return (label, None if cell.value is None else float(cell.value), cell.text)


def _mine(facts: dict[str, Any], facet: Facet) -> bool:
    return facet is None or _grouped(facet[0], facts[facet[0]]) == facet[1]


def _first_year(rows: list[Row]) -> int | None:
    return min((q.year for q, _f, _c in rows), default=None)


def share_result(
    indicator: Indicator,
    years: Years,
    facet: Facet,
    rows: list[Row],
    counted: str,
    summary: Callable[[int, str], str],
    by: tuple[str, str, dict[str, str]] | None = None,
) -> Result:
    """A share indicator as shown: by year (the numerator ``counted`` over ``n``), of the
    filter's group; and ``by`` a group of the measure (its name, the table's title and its
    groups' labels: the care-plan domains), over all years."""
    first = _first_year(rows)
    if first is None:
        return Result(indicator, True, _("No data yet."))
    by_year = {y: [0, 0] for y in range(first, _last().year + 1)}
    groups: dict[str, list[int]] = {}
    for q, facts, counts in rows:
        if _mine(facts, facet):
            by_year[q.year][0] += counts["n"]
            by_year[q.year][1] += counts[counted]
        if by and facet is None:
            mine = groups.setdefault(facts[by[0]], [0, 0])
            mine[0] += counts["n"]
            mine[1] += counts[counted]
    chosen = [y for y in by_year if _in(years, y)]
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    shares = {y: _whole(k, n) for y, (n, k) in by_year.items()}
    latest = chosen[-1]
    breakdowns = {}
    if by:
        breakdowns[by[1]] = [
            (by[2].get(g, g), s := _whole(k, n), _percent(s, 0, "·")) for g, (n, k) in sorted(groups.items())
        ]
    return Result(
        indicator,
        True,
        value=shares[latest],
        text=_percent(shares[latest], 0, "·"),
        years=[(str(y), shares[y], _percent(shares[y], 0, "·")) for y in chosen],
        breakdowns=breakdowns,
        summary=summary(latest, _percent(shares[latest], 0, "·")) + _group(facet),
    )


def _group(facet: Facet) -> str:
    if facet is None:
        return ""
    name = _labels(facet[0], [facet[1]]).get(facet[1], facet[1])
    return " " + _("%(facet)s: %(group)s.") % {"facet": str(DISAGGREGATIONS[facet[0]]).capitalize(), "group": name}


def _quantile(histogram: dict[int, int], share: float) -> int:
    """The value below which ``share`` of the people fall (the nearest rank), from counts by value."""
    rank = max(1, -(-share * sum(histogram.values()) // 1))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise ValueError("empty")


def _days(histogram: dict[int, int]) -> tuple[float | None, str]:
    if sum(histogram.values()) < SMALL:
        return None, _("fewer than 11: not shown")
    median, p90 = _quantile(histogram, 0.5), _quantile(histogram, 0.9)
    return float(median), _("median %(median)s days, 90th percentile %(p90)s") % {"median": median, "p90": p90}


def days_result(
    indicator: Indicator, years: Years, facet: Facet, parts: list[tuple[str, list[Row]]], summary: Callable[[str], str]
) -> Result:
    """Days (median and 90th percentile) by year, of the filter's group, for each part (such as
    to the charge and to the verdict): the first part is the indicator's figure, the others are
    shown beside it. Over fewer than 11 people, nothing is shown."""
    first = min((y for _t, rows in parts if (y := _first_year(rows)) is not None), default=None)
    if first is None:
        return Result(indicator, True, _("No data yet."))
    chosen = [y for y in range(first, _last().year + 1) if _in(years, y)]
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    tables: list[tuple[str, list[Point], Point]] = []
    for title, rows in parts:
        by_year: dict[int, dict[int, int]] = {y: {} for y in chosen}
        for q, facts, counts in rows:
            if q.year in by_year and _mine(facts, facet):
                by_year[q.year][facts["days"]] = by_year[q.year].get(facts["days"], 0) + counts["n"]
        period: dict[int, int] = {}
        for histogram in by_year.values():
            for d, n in histogram.items():
                period[d] = period.get(d, 0) + n
        tables.append((title, [(str(y), *_days(by_year[y])) for y in chosen], (title, *_days(period))))
    (_title, points, (_t, value, text)), *others = tables
    return Result(
        indicator,
        True,
        value=value,
        text=text,
        years=points,
        breakdowns={title: [whole, *points] for title, points, whole in others},
        summary=summary(text) + _group(facet),
    )


Measure = Callable[[datetime.date], Any]


def _rows(name: str, sources: tuple[str, ...], measure: Measure) -> Any:
    """A measure's rows, from the cache while its sources (and the cases' intake facts) are
    unchanged."""
    return kept(f"rows:{name}", ("cases", *sources), lambda: measure(through()))


def _published(name: str, sources: tuple[str, ...], measure: Measure, key: str, facets: tuple[str, ...]) -> Any:
    """A count's publication from a measure's rows, kept as they are."""
    return kept(
        f"pub:{name}:{key}", ("cases", *sources), lambda: publication(_rows(name, sources, measure), key, facets)
    )


def victims_identified(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.investigations.measures import identified

    return count_result(
        indicator,
        years,
        facet,
        _published("identified", ("rescue",), identified, "n", indicator.disaggregations),
        lambda n: _("%(count)s victims identified in operations and removed to safety in the period.") % {"count": n},
    )


def minors_identified(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.investigations.measures import identified

    rows = _rows("identified", ("rescue",), identified)
    return share_result(
        indicator,
        years,
        facet,
        rows,
        "minors",
        lambda y, s: _("In %(year)s, %(share)s of the victims identified were minors.") % {"year": y, "share": s},
    )


def crisis_windows(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.crisis.measures import windows

    return share_result(
        indicator,
        years,
        facet,
        _rows("windows", ("crisis",), windows),
        "covered",
        lambda y, s: (
            _("In %(year)s, %(share)s of crisis-care windows had someone with her throughout.")
            % {"year": y, "share": s}
        ),
    )


def safeguard_incidents(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.crisis.measures import incidents

    return count_result(
        indicator,
        years,
        facet,
        _published("incidents", ("crisis",), incidents, "n", indicator.disaggregations),
        lambda n: _("%(count)s safeguard incidents in crisis care in the period.") % {"count": n},
    )


def days_to_placement(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.crisis.measures import days_to_placement as measure

    rows = _rows("placement", ("crisis",), measure)
    return days_result(
        indicator,
        years,
        facet,
        [(_("To the first placement"), rows)],
        lambda t: _("From crisis care to the first placement: %(text)s.") % {"text": t},
    )


def goals_met(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.restoration.measures import goals
    from casebridge.restoration.models import CareDomain

    return share_result(
        indicator,
        years,
        facet,
        _rows("goals", ("restore",), goals),
        "met",
        lambda y, s: _("In %(year)s, %(share)s of the care-plan goals reviewed were met.") % {"year": y, "share": s},
        by=("domain", _("By domain, all years"), {k: str(v) for k, v in CareDomain.choices}),
    )


def enrolment_income(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.restoration.measures import reintegrated

    return share_result(
        indicator,
        years,
        facet,
        _rows("reintegrated", ("restore",), reintegrated),
        "occupied",
        lambda y, s: (
            _("In %(year)s, %(share)s of the survivors reintegrated were in school, in training or earning.")
            % {"year": y, "share": s}
        ),
    )


def re_trafficking(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.restoration.measures import reintegrated

    return share_result(
        indicator,
        years,
        facet,
        _rows("reintegrated", ("restore",), reintegrated),
        "again",
        lambda y, s: (
            _("Of the survivors reintegrated in %(year)s, %(share)s were trafficked again.") % {"year": y, "share": s}
        ),
    )


JUSTICE = ("rescue", "justice")


def _defendants(before: datetime.date) -> dict[str, list[Row]]:
    from casebridge.investigations.measures import arrested
    from casebridge.legal.measures import defendants

    return defendants(before) | {"arrested": arrested(before)}


def _justice() -> dict[str, list[Row]]:
    return _rows("defendants", JUSTICE, _defendants)


def suspects(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    if found := _no_breakdown(indicator, facet):
        return found
    stages = [
        ("arrested", "n", _("arrested")),
        ("charged", "n", _("charged")),
        ("tried", "n", _("tried")),
        ("tried", "convicted", _("convicted")),
    ]
    shown = []
    for part, key, label in stages:
        found = kept(
            f"pub:suspects:{part}:{key}",
            ("cases", *JUSTICE),
            partial(lambda p, k: publication(_justice()[p], k, ("agency",)), part, key),
        )
        shown.append((label, count_result(indicator, years, facet, found, lambda n: n)))
    convicted = shown[-1][1]
    if convicted.message:
        return convicted
    convicted.breakdowns = {_("By stage, in the period"): [(label, r.value, r.text or "0") for label, r in shown]}
    convicted.summary = _("Suspects in the period: %(stages)s.") % {
        "stages": ", ".join(f"{label} {r.text or '0'}" for label, r in shown)
    } + _group(facet)
    return convicted


def conviction_rate(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    if found := _no_breakdown(indicator, facet):
        return found
    return share_result(
        indicator,
        years,
        facet,
        _justice()["tried"],
        "convicted",
        lambda y, s: (
            _("In %(year)s, %(share)s of the defendants whose trial ended were convicted.") % {"year": y, "share": s}
        ),
    )


def days_to_justice(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    if found := _no_breakdown(indicator, facet):
        return found
    rows = _justice()
    return days_result(
        indicator,
        years,
        facet,
        [(_("To the charge"), rows["to_charge"]), (_("To the verdict"), rows["to_verdict"])],
        lambda t: _("From the operation to the charge: %(text)s.") % {"text": t},
    )


def participation(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.legal.measures import participation as measure

    return share_result(
        indicator,
        years,
        facet,
        _rows("participation", ("justice",), measure),
        "took_part",
        lambda y, s: (
            _("Of the survivors who joined a proceeding in %(year)s, %(share)s took part.") % {"year": y, "share": s}
        ),
    )


def compensation(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.legal.measures import compensation as measure

    by = indicator.disaggregations
    awarded = count_result(
        indicator,
        years,
        facet,
        _published("compensation", ("justice",), measure, "n", by),
        lambda n: _("%(count)s survivors awarded compensation in the period.") % {"count": n},
    )
    paid = count_result(
        indicator,
        years,
        facet,
        _published("compensation", ("justice",), measure, "paid", by),
        lambda n: n,
    )
    if awarded.available and not awarded.message:
        awarded.breakdowns = {_("Paid something of it, by year"): paid.years} | awarded.breakdowns
    return awarded


COMPUTE: dict[str, Callable[..., Result]] = {
    "rescue.victims_identified": victims_identified,
    "rescue.minors_identified": minors_identified,
    "restore.crisis_windows_covered": crisis_windows,
    "restore.safeguard_incidents": safeguard_incidents,
    "restore.days_to_placement": days_to_placement,
    "restore.care_plan_goals_met": goals_met,
    "restore.enrolment_income": enrolment_income,
    "restore.re_trafficking": re_trafficking,
    "justice.suspects": suspects,
    "justice.conviction_rate": conviction_rate,
    "justice.days_to_charge_and_verdict": days_to_justice,
    "justice.survivor_participation": participation,
    "justice.compensation": compensation,
}
