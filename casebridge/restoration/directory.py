"""The partner directory: the agencies that serve survivors, what they offer and whom they take,
their places and how many are taken now (counted from current placements, never typed), and,
for one survivor, the partners that fit her best first, with the reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils.translation import gettext as _

from casebridge.crisis.placement import age_range
from casebridge.lib.codes import language_code, language_name

if TYPE_CHECKING:
    from casebridge.agencies.models import Agency
    from casebridge.cases.models import Case


def partners(*, service: str = "", language: str = "", province: str = "") -> list[Agency]:
    """Active agencies that offer survivors something (not the platform's operator), by name."""
    from casebridge.agencies.models import Agency

    found = [
        agency
        for agency in Agency.objects.filter(is_active=True, is_platform=False).order_by("name")
        if agency.services
    ]
    if service:
        found = [a for a in found if service in a.services]
    if language:
        found = [a for a in found if language in (a.staff_languages or [])]
    if province:
        found = [a for a in found if a.province == province]
    return found


def occupancy(agencies: list[Agency]) -> dict[int, int]:
    """How many survivors each agency houses now: a count of current placements per agency,
    never who (one query)."""
    from casebridge.restoration.models import Placement

    rows = (
        Placement.objects.current()
        .filter(agency__in=agencies)
        .values("agency_id")
        .annotate(count=Count("id"))
        .values_list("agency_id", "count")
    )
    return dict(rows)


@dataclass
class Fit:
    agency: Agency
    occupancy: int
    fits: list[str] = field(default_factory=list)  # what makes it right for her
    misfits: list[str] = field(default_factory=list)  # what rules it out, or should be checked

    @property
    def free(self) -> int | None:
        return None if self.agency.capacity is None else max(0, self.agency.capacity - self.occupancy)

    @property
    def score(self) -> int:
        return len(self.fits) - 10 * len(self.misfits)


def match(case: Case, languages: list[str], found: list[Agency], *, service: str = "") -> list[Fit]:
    """``found`` ranked for the survivor of ``case`` (her age band, sex and nationality at
    intake, and ``languages``, the languages she speaks): those that take her first, most
    reasons first, then those that do not, with why."""
    taken = occupancy(found)
    spoken = {language_code(code) or code for code in languages}
    ages = age_range(case.age_band)
    out = []
    for agency in found:
        fit = Fit(agency, taken.get(agency.pk, 0))
        if service and service in agency.services:
            fit.fits.append(_("offers what she needs"))
        if agency.min_age is not None or agency.max_age is not None:
            low, high = agency.min_age or 0, agency.max_age if agency.max_age is not None else 200
            if ages is None:
                fit.misfits.append(_("her age is unknown: check it takes her"))
            elif ages[1] < low or ages[0] > high:
                fit.misfits.append(_age_limits(agency))
            else:
                fit.fits.append(_("takes her age"))
        if agency.sexes:
            if case.sex in agency.sexes:
                fit.fits.append(_("takes her sex"))
            else:
                fit.misfits.append(_("does not take her sex"))
        if agency.nationalities:
            if case.nationality in agency.nationalities:
                fit.fits.append(_("takes her nationality"))
            else:
                fit.misfits.append(_("does not take her nationality"))
        shared = sorted(spoken & set(agency.staff_languages or []))
        if shared:
            names = ", ".join(language_name(code) for code in shared)
            fit.fits.append(_("staff speak %(languages)s") % {"languages": names})
        if fit.free is not None:
            if fit.free:
                fit.fits.append(_("%(count)s places free") % {"count": fit.free})
            else:
                fit.misfits.append(_("full"))
        if agency.province and agency.province == case.province:
            fit.fits.append(_("in her province"))
        out.append(fit)
    return sorted(out, key=lambda f: (-f.score, f.agency.name))


def _age_limits(agency: Agency) -> str:
    if agency.max_age is None:
        return _("takes ages from %(low)s") % {"low": agency.min_age}
    if agency.min_age is None:
        return _("takes ages up to %(high)s") % {"high": agency.max_age}
    return _("takes ages %(low)s to %(high)s") % {"low": agency.min_age, "high": agency.max_age}
