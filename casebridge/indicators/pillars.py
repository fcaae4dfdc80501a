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
from casebridge.indicators.definitions import BY_CODE, DISAGGREGATIONS, SEXES, Indicator
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


Parts = dict[str, Callable[[dict[str, int]], int]]
PART = "part"


def publication(rows: list[Row], facets: tuple[str, ...], parts: Parts | None = None) -> Publication | None:
    """One count's whole publication from the measure's rows, by every facet the indicator is
    broken down by, protected as one system. ``parts``: how the people counted divide (minors
    and adults; paid and not yet): each part's count is a cell of the same system (the total is
    their sum), so that no part can be worked out from the total and the others; without them,
    the count is each row's ``n``."""
    split: Parts = parts or {"": lambda counts: counts["n"]}
    totals: dict[str, dict[str, int]] = {f: {} for f in facets}
    found: list[tuple[datetime.date, dict[str, str], dict[str, int]]] = []
    for q, facts, counts in rows:
        groups = {f: _grouped(f, facts[f]) for f in facets}
        numbers = {name: get(counts) for name, get in split.items()}
        if any(numbers.values()):
            found.append((q, groups, numbers))
        for f, g in groups.items():
            totals[f][g] = totals[f].get(g, 0) + sum(numbers.values())
    if not found:
        return None
    options = {f: _options(f, totals[f]) for f in facets} | ({PART: list(split)} if parts else {})
    cube = [
        (q, {f: g if g in options[f] else OTHERS for f, g in groups.items()} | ({PART: name} if parts else {}), n)
        for q, groups, numbers in found
        for name, n in numbers.items()
        if n
    ]
    cells, quarters = publish_counts(cube, options, _last())
    return cells, quarters, options


def part_years(found: Publication, years: Years, part: str) -> list[tuple[int, Shown]]:
    """One part's cells by year (the years asked for)."""
    cells, quarters, _options = found
    return [(y, cells[(PART, part, y)]) for y in sorted({q.year for q in quarters if _in(years, q.year)})]


def part_total(found: Publication, years: Years, part: str) -> tuple[float | None, str]:
    """One part's figure for the years asked for: its cell over all years, or the sum of its
    years when each is shown."""
    if years == (None, None):
        cell = found[0][(PART, part)]
        return (None if cell.value is None else float(cell.value)), cell.text
    return _sum_of([c for _y, c in part_years(found, years, part)])


def count_result(
    indicator: Indicator,
    years: Years,
    facet: Facet,
    found: Publication | None,
    summary: Callable[[str], str],
    parts: dict[str, str] | None = None,
) -> Result:
    """A count indicator as shown: the period's figure, by quarter (or, within a group, by year),
    and by each group over all years (``parts``: the labels of its parts, if it has them)."""
    if found is None:
        return Result(indicator, True, _("No data yet."))
    cells, quarters, options = found
    chosen = sorted({q.year for q in quarters if _in(years, q.year)})
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    labels = {f: _labels(f, groups) for f, groups in options.items()} | {PART: parts or {}}
    breakdowns = {
        _("By %(facet)s, all years") % {"facet": DISAGGREGATIONS[f]} if f != PART else _("Of whom, all years"): [
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


def _published(
    name: str, sources: tuple[str, ...], measure: Measure, facets: tuple[str, ...], parts: Parts | None = None
) -> Any:
    """A count's publication from a measure's rows, kept as they are."""
    return kept(f"pub:{name}", ("cases", *sources), lambda: publication(_rows(name, sources, measure), facets, parts))


MINORS: Parts = {"minors": lambda c: c["minors"], "adults": lambda c: c["n"] - c["minors"]}


def _identified(indicator: Indicator) -> Any:
    from casebridge.investigations.measures import identified

    return _published(
        "identified", ("rescue",), identified, BY_CODE["rescue.victims_identified"].disaggregations, MINORS
    )


def victims_identified(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    return count_result(
        indicator,
        years,
        facet,
        _identified(indicator),
        lambda n: _("%(count)s victims identified in operations and removed to safety in the period.") % {"count": n},
        parts={"minors": _("minors"), "adults": _("adults")},
    )


def part_share(
    indicator: Indicator,
    years: Years,
    found: Publication | None,
    part: str,
    of: list[str],
    summary: Callable[[int, str], str],
) -> Result:
    """A share of a count publication's parts, by year: ``part`` over the sum of ``of``, shown
    when each of them is (they are cells of the one publication: nothing new is given away)."""
    if found is None:
        return Result(indicator, True, _("No data yet."))
    shown: dict[str, list[tuple[int, Shown]]] = {p: part_years(found, years, p) for p in of}
    if not shown[part]:
        return Result(indicator, True, _("No data in these years."))
    points: list[Point] = []
    for i, (year, _cell) in enumerate(shown[part]):
        cells = [shown[p][i][1] for p in of]
        whole = sum(c.value or 0 for c in cells)
        value = (
            None
            if any(c.value is None for c in cells) or not whole
            else round((shown[part][i][1].value or 0) / whole, 2)
        )
        points.append((str(year), value, _percent(value, 0, "·")))
    latest = points[-1]
    return Result(
        indicator,
        True,
        value=latest[1],
        text=latest[2],
        years=points,
        summary=summary(int(latest[0]), latest[2]),
    )


def minors_identified(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    if found := _no_breakdown(indicator, facet):
        return found
    return part_share(
        indicator,
        years,
        _identified(indicator),
        "minors",
        ["minors", "adults"],
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
        _published("incidents", ("crisis",), incidents, indicator.disaggregations),
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
VERDICTS: Parts = {
    "awaiting": lambda c: c["n"] - c["judged"],
    "acquitted": lambda c: c["judged"] - c["convicted"],
    "convicted": lambda c: c["convicted"],
}


def _defendants(before: datetime.date) -> dict[str, list[Row]]:
    from casebridge.investigations.measures import arrested
    from casebridge.legal.measures import defendants

    return defendants(before) | {"arrested": arrested(before)}


def _justice() -> dict[str, list[Row]]:
    return _rows("defendants", JUSTICE, _defendants)


def _charged() -> Publication | None:
    """Defendants by the quarter of their first charge and the lead agency, divided by where
    they are now: awaiting judgment, acquitted, convicted of any charge."""
    return kept("pub:charged", ("cases", *JUSTICE), lambda: publication(_justice()["charged"], ("agency",), VERDICTS))


def _verdicts() -> dict[str, str]:
    return {"awaiting": _("awaiting judgment"), "acquitted": _("acquitted"), "convicted": _("convicted")}


def suspects(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    if found := _no_breakdown(indicator, facet):
        return found
    arrests = kept("pub:arrested", ("cases", *JUSTICE), lambda: publication(_justice()["arrested"], ("agency",)))
    arrested = count_result(indicator, years, None, arrests, lambda n: n)
    published = _charged()
    charged = count_result(indicator, years, None, published, lambda n: n, parts=_verdicts())
    if published is None or charged.message:
        return charged
    part = {p: part_total(published, years, p) for p in VERDICTS}
    (acquitted, _a), (convicted, convicted_text) = part["acquitted"], part["convicted"]
    tried = (
        (None, "·")
        if acquitted is None or convicted is None
        else (acquitted + convicted, f"{acquitted + convicted:,.0f}")
    )
    stages: list[Point] = [
        (_("arrested"), arrested.value, arrested.text or "—"),
        (_("charged"), charged.value, charged.text),
        (_("tried"), *tried),
        (_("convicted"), convicted, convicted_text),
    ]
    return Result(
        indicator,
        True,
        value=convicted,
        text=convicted_text,
        years=[_shown(str(y), c) for y, c in part_years(published, years, "convicted")],
        breakdowns={_("By stage, in the period"): stages} | charged.breakdowns,
        summary=_("Suspects in the period: %(stages)s.")
        % {"stages": ", ".join(f"{label} {text}" for label, _v, text in stages)},
    )


def conviction_rate(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    if found := _no_breakdown(indicator, facet):
        return found
    return part_share(
        indicator,
        years,
        _charged(),
        "convicted",
        ["acquitted", "convicted"],
        lambda y, s: (
            _("Of the defendants charged in %(year)s and judged, %(share)s were convicted.") % {"year": y, "share": s}
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


PAID: Parts = {"paid": lambda c: c["paid"], "unpaid": lambda c: c["n"] - c["paid"]}


def compensation(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.legal.measures import compensation as measure

    return count_result(
        indicator,
        years,
        facet,
        _published("compensation", ("justice",), measure, indicator.disaggregations, PAID),
        lambda n: _("%(count)s survivors awarded compensation in the period.") % {"count": n},
        parts={"paid": _("paid something of it"), "unpaid": _("not paid yet")},
    )


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
