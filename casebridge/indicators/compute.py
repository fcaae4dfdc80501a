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
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from casebridge.indicators.definitions import DISAGGREGATIONS, INDICATORS, SEXES, Indicator
from casebridge.indicators.disclosure import SMALL, Relation, Shown, protect, share
from casebridge.indicators.forms import Facet
from casebridge.indicators.tally import Marg, NotCounted, marginals
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
    quarterly: dict[datetime.date, int],
    groups: dict[str, dict[str, dict[int, int]]],
    options: dict[str, list[str]],
    last: datetime.date,
) -> tuple[dict[Cell, Shown], list[datetime.date]]:
    """One count indicator's whole publication, protected as one system: the total; by year,
    each the sum of its quarters (``quarterly``: people by quarter); by each facet's groups, all
    years; and by year within each group (``groups``: facet → group → year → people; each
    group's years sum to the total). ``options``: each facet's groups (those with nobody are
    cells of 0); ``last``: the last day counted. The quarters run from the first of the first
    year to the one of ``last`` (where the data start and end is no clue). Returns the cells
    and the quarters."""
    first = datetime.date(min(q for q, n in quarterly.items() if n).year, 1, 1)
    quarters = _quarters_between(first, datetime.date(last.year, (last.month - 1) // 3 * 3 + 1, 1))
    years = sorted({q.year for q in quarters})
    values: dict[Cell, int] = {("all",): 0}
    values |= {("year", y): 0 for y in years} | {("quarter", q): 0 for q in quarters}
    for q, n in quarterly.items():
        for cell in [("all",), ("year", q.year), ("quarter", q)] if n else []:
            values[cell] += n
    for facet, named in options.items():
        for g in named:
            by_year = groups.get(facet, {}).get(g, {})
            values[(facet, g)] = sum(by_year.values())
            values |= {(facet, g, y): by_year.get(y, 0) for y in years}
    relations: list[Relation] = [(("all",), [("year", y) for y in years])]
    relations += [(("year", y), [("quarter", q) for q in quarters if q.year == y]) for y in years]
    for facet, named in options.items():
        relations.append((("all",), [(facet, g) for g in named]))
        relations += [((facet, g), [(facet, g, y) for y in years]) for g in named]
        relations += [(("year", y), [(facet, g, y) for g in named]) for y in years]
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


APP_OF = {
    "cases": "casebridge.cases",
    "training": "casebridge.training",
    "prevalence": "casebridge.prevalence",
    "rescue": "casebridge.investigations",
    "crisis": "casebridge.crisis",
    "aftercare": "casebridge.restoration",
    "legal": "casebridge.legal",
}


CACHE_VERSION = 6  # raise when what is published changes shape or rules
CACHE_SECONDS = 24 * 3600


def through() -> datetime.date:
    """The first day not counted: the indicators count what happened, and was recorded, before
    this month, so that one record added today cannot be read as the difference between two
    days' figures. In the platform's time zone (``TIME_ZONE``), whoever reads."""
    return timezone.localdate(timezone=ZoneInfo(settings.TIME_ZONE)).replace(day=1)


def kept(name: str, sources: tuple[str, ...], build: Callable[[], Any]) -> Any:
    """What ``build`` makes (a publication or its sums), from the cache while its sources'
    stamps (``lib.measures``) and the month counted are unchanged: every choice of years,
    language and group is then read from it, not computed again. Built from the tallies
    (``tally``), it takes a fraction of a second over a million cases."""
    month = f"indicators:{CACHE_VERSION}:" + hashlib.sha256(f"{name}|{through()}".encode()).hexdigest()
    key = month + ":" + hashlib.sha256(".".join(stamp(s) for s in sources).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        stale: list[bool] = []
        token = _STALE.set(stale)
        try:
            found = build()
        finally:
            _STALE.reset(token)
        if not stale:
            cache.set(key, found, CACHE_SECONDS)
        elif (outer := _STALE.get()) is not None:
            outer.append(True)
    return found


# Set while ``kept`` builds: whether what it read was not the records as they stand (the month
# before's sums while the worker counts the new month, or without the marked): not kept then.
_STALE: ContextVar[list[bool] | None] = ContextVar("indicators_stale", default=None)


def _refresh_soon() -> None:
    """Ask the background worker to fold the marked into the tallies, or to count the new
    month, once a minute at most."""
    from casebridge.indicators.tasks import refresh

    if cache.add("indicators:refresh-asked", True, 60):
        refresh.enqueue()  # the database queue: with the reading's transaction


def sums(name: str) -> tuple[Marg, datetime.date]:
    """A measure's sums (``tally.marginals``) and the first day they do not count."""
    found = marginals(name, through())
    if found.ask:
        _refresh_soon()
    if not found.current and (stale := _STALE.get()) is not None:
        stale.append(True)
    return found.marg, found.before


OTHERS = "*"  # the groups too small to list, together


def _options(name: str, totals: dict[str, int]) -> list[str]:
    """A facet's groups: every province, age band, sex and official's role (a group with nobody
    is a cell of 0); of agencies and nationalities, those with 11 or more people over all years,
    the rest counted together as others (so that none is named by a count under 11)."""
    from casebridge.cases.models import AgeBand
    from casebridge.lib.places import PROVINCE_CODES
    from casebridge.training.models import OfficialRole

    fixed = {
        "province": list(PROVINCE_CODES),
        "age_band": ["unknown", *[v for v in AgeBand.values if v]],
        "sex": list(SEXES),
        "role": list(OfficialRole.values),
    }
    if name == "province":  # always: were it listed only when someone is in it, that would say so
        return [*fixed[name], OTHERS]
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
        found[""] = _("Other organisations")  # (officials trained from outside the platform)
    elif name == "sex":
        found = {k: str(v) for k, v in SEXES.items()}
    elif name == "role":
        from casebridge.training.models import OfficialRole

        found = {k: str(v) for k, v in OfficialRole.choices}
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


def publication(
    found: tuple[Marg, datetime.date], facets: tuple[str, ...], parts: Parts | None = None
) -> Publication | None:
    """One count's whole publication from the measure's sums (``sums``), by every facet the
    indicator is broken down by, protected as one system. ``parts``: how the people counted
    divide (minors and adults; paid and not yet): each part's count is a cell of the same system
    (the total is their sum), so that no part can be worked out from the total and the others;
    without them, the count is ``n``."""
    marg, before = found
    split: Parts = parts or {"": lambda counts: counts["n"]}
    quarterly: dict[datetime.date, int] = {}
    groups: dict[str, dict[str, dict[int, int]]] = {PART: {}} if parts else {}
    for q, counts in marg.get(("", "", ""), {}).items():
        for name, get in split.items():
            n = get(counts)
            quarterly[q] = quarterly.get(q, 0) + n
            if parts:
                mine = groups[PART].setdefault(name, {})
                mine[q.year] = mine.get(q.year, 0) + n
    if not any(quarterly.values()):
        return None
    totals: dict[str, dict[str, int]] = {f: {} for f in facets}
    people: dict[str, dict[str, dict[int, int]]] = {f: {} for f in facets}
    for (f, g, extra), periods in marg.items():
        if f in totals and not extra:
            for period, counts in periods.items():
                n = sum(get(counts) for get in split.values())
                totals[f][g] = totals[f].get(g, 0) + n
                people[f].setdefault(g, {})[period.year] = n
    options = {f: _options(f, totals[f]) for f in facets} | ({PART: list(split)} if parts else {})
    for f, counted in people.items():
        facet = groups.setdefault(f, {})
        for g, years_of in counted.items():
            into = facet.setdefault(g if g in options[f] else OTHERS, {})
            for year, n in years_of.items():
                into[year] = into.get(year, 0) + n
    cells, quarters = publish_counts(quarterly, groups, options, before - datetime.timedelta(days=1))
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


def hidden_summary() -> str:
    return _("The period's figure is not shown: it is under 11, or would let a number under 11 be worked out.")


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
            summary=(summary(text) if value is not None else hidden_summary()) + _group(facet),
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
        summary=summary(text) if value is not None else hidden_summary(),
    )


def _by_group(marg: Marg, facets: tuple[str, ...]) -> Iterable[tuple[tuple[str, str] | None, str, int, Any]]:
    """The sums as (None for all, or a facet's group; days or ""; year; counts)."""
    for (f, g, extra), periods in marg.items():
        if not f or f in facets:
            for period, counts in periods.items():
                yield ((f, g) if f else None), extra, period.year, counts


def share_digest(
    found: tuple[Marg, datetime.date], counted: str, facets: tuple[str, ...], by: str | None = None
) -> dict[str, Any]:
    """A share indicator's sums by year for the whole and for each group of each facet, ``n``
    and ``counted``; and, ``by`` a group of the measure, over all years."""
    marg, before = found
    years: dict[Any, dict[int, list[int]]] = {}
    for key, _extra, year, counts in _by_group(marg, facets):
        mine = years.setdefault(key, {}).setdefault(year, [0, 0])
        mine[0] += counts["n"]
        mine[1] += counts[counted]
    groups: dict[str, list[int]] = {}
    for key, _extra, _year, counts in _by_group(marg, (by,) if by else ()):
        if key is not None:
            mine = groups.setdefault(key[1], [0, 0])
            mine[0] += counts["n"]
            mine[1] += counts[counted]
    first = min((y for y, (n, _k) in years.get(None, {}).items() if n), default=None)
    return {"first": first, "last": (before - datetime.timedelta(days=1)).year, "years": years, "by": groups}


def share_result(
    indicator: Indicator,
    years: Years,
    facet: Facet,
    digest: dict[str, Any],
    summary: Callable[[int, str], str],
    by: tuple[str, dict[str, str]] | None = None,
) -> Result:
    """A share indicator as shown: by year, of the filter's group (from ``share_digest``); and
    by a group of the measure (the table's title and its groups' labels: the care-plan
    domains), over all years."""
    if digest["first"] is None:
        return Result(indicator, True, _("No data yet."))
    mine = digest["years"].get(facet, {})
    chosen = [y for y in range(digest["first"], digest["last"] + 1) if _in(years, y)]
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    shares = {y: _whole(*reversed(mine.get(y, [0, 0]))) for y in chosen}
    breakdowns = {}
    if by and facet is None:
        breakdowns[by[0]] = [
            (by[1].get(g, g), s := _whole(k, n), _percent(s, 0, "·")) for g, (n, k) in sorted(digest["by"].items())
        ]
    found = Result(
        indicator,
        True,
        years=[(str(y), shares[y], _percent(shares[y], 0, "·")) for y in chosen],
        breakdowns=breakdowns,
    )
    return latest(found, summary, facet)


def latest(found: Result, summary: Callable[[int, str], str], facet: Facet = None) -> Result:
    """A share's figure and summary: its latest year shown (a share hidden in a year says so)."""
    shown = [p for p in found.years if p[1] is not None]
    if not shown:
        found.text = "·"
        found.summary = _("No year in the period has enough people to show this share safely.") + _group(facet)
        return found
    year, found.value, found.text = shown[-1]
    found.summary = summary(int(year), found.text) + _group(facet)
    return found


def _group(facet: Facet) -> str:
    """The filter's group, said after a summary (" Province: Kandal.")."""
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


# The fewest people a median of days, and a 90th percentile, is shown over: each is one person's
# days (the nearest rank), and over a few people it would be hers.
MEDIAN_OVER, P90_OVER = 20, 50


def _days(histogram: dict[int, int]) -> tuple[float | None, str]:
    people = sum(histogram.values())
    if people < MEDIAN_OVER:
        return None, _("fewer than 20: not shown")
    median = _quantile(histogram, 0.5)
    if people < P90_OVER:
        return float(median), _("median %(median)s days") % {"median": median}
    p90 = _quantile(histogram, 0.9)
    return float(median), _("median %(median)s days, 90th percentile %(p90)s") % {"median": median, "p90": p90}


def days_digest(found: tuple[Marg, datetime.date], facets: tuple[str, ...]) -> dict[str, Any]:
    """Days' sums: people by number of days, by year, for the whole and for each group of each
    facet."""
    marg, before = found
    histograms: dict[Any, dict[int, dict[int, int]]] = {}
    for key, extra, year, counts in _by_group(marg, facets):
        if extra and counts["n"]:
            histogram = histograms.setdefault(key, {}).setdefault(year, {})
            histogram[int(extra)] = histogram.get(int(extra), 0) + counts["n"]
    return {"last": (before - datetime.timedelta(days=1)).year, "years": histograms}


def days_result(
    indicator: Indicator,
    years: Years,
    facet: Facet,
    parts: list[tuple[str, dict[str, Any]]],
    summary: Callable[[str], str],
) -> Result:
    """Days (median and 90th percentile) by year, of the filter's group, for each part (such as
    to the charge and to the verdict; from ``days_digest``): the first part is the indicator's
    figure, the others are shown beside it. Over too few people, nothing is shown."""
    first = min((y for _t, d in parts for y in d["years"].get(None, {})), default=None)
    if first is None:
        return Result(indicator, True, _("No data yet."))
    chosen = [y for y in range(first, parts[0][1]["last"] + 1) if _in(years, y)]
    if not chosen:
        return Result(indicator, True, _("No data in these years."))
    tables: list[tuple[str, list[Point], Point]] = []
    for title, digest in parts:
        by_year = {y: digest["years"].get(facet, {}).get(y, {}) for y in chosen}
        period: dict[int, int] = {}
        for histogram in by_year.values():
            for d, n in histogram.items():
                period[d] = period.get(d, 0) + n
        points = [(str(y), *_days(by_year[y])) for y in chosen]
        # the period over its years only when each of them is shown: a hidden year's few
        # people would otherwise be read back from the period beside the years shown
        whole = _days(period) if all(p[1] is not None for p in points) else (None, "·")
        tables.append((title, points, (title, *whole)))
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


def _published(name: str, sources: tuple[str, ...], facets: tuple[str, ...], parts: Parts | None = None) -> Any:
    """A count's publication from a measure's sums, kept while its sources are unchanged."""
    return kept(f"pub:{name}", ("cases", *sources), lambda: publication(sums(name), facets, parts))


def result(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.indicators.pillars import COMPUTE

    compute = COMPUTE.get(indicator.code)
    if compute is None or not apps.is_installed(APP_OF.get(indicator.needs, "-")):
        return Result(
            indicator, False, _("Not available yet: its records are kept by a part of casebridge still to come.")
        )
    # Quarters, days and the month counted are the platform's, never the reader's own time
    # zone: figures computed in two zones would differ by the records near a boundary.
    with timezone.override(settings.TIME_ZONE):
        try:
            return compute(indicator, years, facet, user)
        except NotCounted:
            _refresh_soon()
            return Result(
                indicator, True, _("Being counted for the first time: this takes a few minutes. Come back soon.")
            )


def dashboard(years: Years, facet: Facet, user: User) -> list[Result]:
    return [result(i, years, facet, user) for i in INDICATORS]
