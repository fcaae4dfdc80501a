"""The indicators of rescue, restoration and justice: what each app's ``measures`` count about
survivors and suspects, grouped by quarter and by the groups of the dashboard's filter, published
as compute's are (one fixed publication per indicator, protected as one system, the years and
the group only choosing what is shown).

Counts go through :func:`compute.publish_counts` (no cell under 11, complementary suppression);
shares are shown by year, over at least 100 people with 11 or more on each side, to the whole
percentage point; days (median and 90th percentile) by year, the median over 20 people or more
and the 90th percentile over 50 or more."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from casebridge.indicators.compute import (
    SMALL,
    Parts,
    Point,
    Publication,
    Result,
    Shown,
    Years,
    _in,
    _no_breakdown,
    _percent,
    _point,
    _published,
    _rounded,
    count_result,
    days_digest,
    days_result,
    kept,
    latest,
    part_total,
    part_years,
    publication,
    share_digest,
    share_result,
    sums,
    through,
)
from casebridge.indicators.definitions import BY_CODE, Indicator
from casebridge.indicators.forms import Facet
from casebridge.indicators.tally import marginalise

if TYPE_CHECKING:
    from casebridge.accounts.models import User

Compute = Callable[[Indicator, Years, Facet, "User"], Result]


def officials_trained(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.training.measures import trained

    if found := _no_breakdown(indicator, facet):
        return found
    return count_result(
        indicator,
        years,
        facet,
        kept(
            "trained",
            ("training",),
            lambda: publication((marginalise(trained(through())), through()), ("role", "sex", "agency")),
        ),
        lambda n: _("%(count)s officials trained in the period.") % {"count": n},
    )


def government_led(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    if found := _no_breakdown(indicator, facet):
        return found
    # By year only: a year's share is made of its quarters', and shares by quarter beside it
    # could be taken apart by someone who learnt the number of cases elsewhere.
    by = indicator.disaggregations
    return share_result(
        indicator,
        years,
        facet,
        kept("led", ("cases",), lambda: share_digest(sums("led"), "government", by)),
        lambda y, s: (
            _("In %(year)s, %(share)s of the cases opened were led by a government agency by now.")
            % {"year": y, "share": s}
        ),
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


MINORS: Parts = {"minors": lambda c: c["minors"], "adults": lambda c: c["n"] - c["minors"]}


def _identified(indicator: Indicator) -> Any:
    return _published("identified", ("rescue",), BY_CODE["rescue.victims_identified"].disaggregations, MINORS)


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
        hidden = any(c.value is None for c in cells) or not whole
        value = None if hidden else round((shown[part][i][1].value or 0) / whole, 2)
        points.append((str(year), value, _percent(value, 0, "·")))
    return latest(Result(indicator, True, years=points), summary)


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


def safeguard_incidents(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    return count_result(
        indicator,
        years,
        facet,
        _published("incidents", ("crisis",), indicator.disaggregations),
        lambda n: _("%(count)s safeguard incidents in crisis care in the period.") % {"count": n},
    )


def days_to_placement(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    by = indicator.disaggregations
    digest = kept("days:placement", ("cases", "crisis"), lambda: days_digest(sums("placement"), by))
    return days_result(
        indicator,
        years,
        facet,
        [(_("To the first placement"), digest)],
        lambda t: _("From crisis care to the first placement: %(text)s.") % {"text": t},
    )


def goals_met(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    from casebridge.restoration.models import CareDomain

    by = indicator.disaggregations
    return share_result(
        indicator,
        years,
        facet,
        kept("share:goals", ("cases", "restore"), lambda: share_digest(sums("goals"), "met", by, "domain")),
        lambda y, s: _("In %(year)s, %(share)s of the care-plan goals reviewed were met.") % {"year": y, "share": s},
        by=(_("By domain, all years"), {k: str(v) for k, v in CareDomain.choices}),
    )


def _share(name: str, sources: tuple[str, ...], counted: str, summary: Callable[[int, str], str]) -> Compute:
    """An indicator that is a share of a measure's sums."""

    def compute(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
        digest = kept(
            f"share:{name}:{counted}",
            ("cases", *sources),
            lambda: share_digest(sums(name), counted, indicator.disaggregations),
        )
        return share_result(indicator, years, facet, digest, summary)

    return compute


JUSTICE = ("rescue", "justice")
VERDICTS: Parts = {
    "unjudged": lambda c: c["n"] - c["judged"],
    "acquitted": lambda c: c["judged"] - c["convicted"],
    "convicted": lambda c: c["convicted"],
}


def _charged() -> Publication | None:
    """Defendants by the quarter of their first charge and the lead agency, divided by where
    they are now: awaiting judgment, acquitted, convicted of any charge."""
    return kept("pub:charged", ("cases", *JUSTICE), lambda: publication(sums("charged"), ("agency",), VERDICTS))


def _verdicts() -> dict[str, str]:
    return {
        "unjudged": _("not judged (awaiting judgment, or every charge dropped)"),
        "acquitted": _("acquitted"),
        "convicted": _("convicted"),
    }


def suspects(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    if found := _no_breakdown(indicator, facet):
        return found
    arrests = kept("pub:arrested", ("cases", *JUSTICE), lambda: publication(sums("arrested"), ("agency",)))
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
        years=[_point(str(y), c) for y, c in part_years(published, years, "convicted")],
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
    by = indicator.disaggregations
    digests = kept(
        "days:justice",
        ("cases", *JUSTICE),
        lambda: {part: days_digest(sums(part), by) for part in ("to_charge", "to_verdict")},
    )
    return days_result(
        indicator,
        years,
        facet,
        [(_("To the charge"), digests["to_charge"]), (_("To the verdict"), digests["to_verdict"])],
        lambda t: _("From the operation to the charge: %(text)s.") % {"text": t},
    )


PAID: Parts = {"paid": lambda c: c["paid"], "unpaid": lambda c: c["n"] - c["paid"]}


def compensation(indicator: Indicator, years: Years, facet: Facet, user: User) -> Result:
    return count_result(
        indicator,
        years,
        facet,
        _published("compensation", ("justice",), indicator.disaggregations, PAID),
        lambda n: _("%(count)s survivors awarded compensation in the period.") % {"count": n},
        parts={"paid": _("paid something of it"), "unpaid": _("not paid yet")},
    )


COMPUTE: dict[str, Compute] = {
    "system.officials_trained": officials_trained,
    "system.government_led_cases": government_led,
    "system.prevalence_of_minors": prevalence,
    "rescue.victims_identified": victims_identified,
    "rescue.minors_identified": minors_identified,
    "restore.crisis_windows_covered": _share(
        "windows",
        ("crisis",),
        "covered",
        lambda y, s: (
            _("In %(year)s, %(share)s of crisis-care windows had someone with her throughout.")
            % {"year": y, "share": s}
        ),
    ),
    "restore.safeguard_incidents": safeguard_incidents,
    "restore.days_to_placement": days_to_placement,
    "restore.care_plan_goals_met": goals_met,
    "restore.enrolment_income": _share(
        "reintegrated",
        ("restore",),
        "occupied",
        lambda y, s: (
            _("In %(year)s, %(share)s of the survivors reintegrated were in school, in training or earning.")
            % {"year": y, "share": s}
        ),
    ),
    "restore.re_trafficking": _share(
        "reintegrated",
        ("restore",),
        "again",
        lambda y, s: (
            _("Of the survivors reintegrated in %(year)s, %(share)s were trafficked again.") % {"year": y, "share": s}
        ),
    ),
    "justice.suspects": suspects,
    "justice.conviction_rate": conviction_rate,
    "justice.days_to_charge_and_verdict": days_to_justice,
    "justice.survivor_participation": _share(
        "participation",
        ("justice",),
        "took_part",
        lambda y, s: (
            _("Of the survivors who joined a proceeding in %(year)s, %(share)s took part.") % {"year": y, "share": s}
        ),
    ),
    "justice.compensation": compensation,
}
