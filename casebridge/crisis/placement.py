"""The first placement's suggestion: the placement rules she meets, and the partners that satisfy
them. From her case's age band, sex and nationality, her episode's language and her latest
needs assessment; a survivor whose age is unknown is taken to be a child."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from casebridge.cases.models import AgeBand

if TYPE_CHECKING:
    from casebridge.accounts.models import User
    from casebridge.agencies.models import Agency
    from casebridge.crisis.models import Episode, PlacementRule

FEMALE = frozenset({"Feminine", "TransgenderFeminine"})


def age_range(band: str) -> tuple[int, int] | None:
    """The ages an age band covers (None when unknown; the last band is open-ended)."""
    if band not in AgeBand.values or not band:
        return None
    low, _, high = band.replace("+", "-").partition("-")
    return int(low), int(high) if high else 200


def is_minor(band: str, under: int = 18) -> bool:
    """Whether she may be under ``under``: an unknown age, or a band that reaches below it."""
    ages = age_range(band)
    return ages is None or ages[0] < under


def is_girl(episode: Episode) -> bool:
    return episode.case.sex in FEMALE and is_minor(episode.case.age_band)


def meets(rule: PlacementRule, episode: Episode, urgent_medical: bool) -> bool:
    case = episode.case
    return (
        (rule.under_age is None or is_minor(case.age_band, rule.under_age))
        and (not rule.sex or case.sex == rule.sex)
        and (not rule.nationality or case.nationality == rule.nationality)
        and (not rule.language or episode.language == rule.language)
        and (not rule.urgent_medical or urgent_medical)
    )


def satisfies(agency: Agency, rule: PlacementRule) -> bool:
    return (
        (not rule.service or rule.service in (agency.services or []))
        and (not rule.staff_language or rule.staff_language in (agency.staff_languages or []))
        and (rule.agency_id is None or rule.agency_id == agency.pk)
    )


@dataclass
class Suggestion:
    fired: list[PlacementRule] = field(default_factory=list)  # every rule she meets, by priority
    met: list[PlacementRule] = field(default_factory=list)  # those the partners below satisfy
    partners: list[Agency] = field(default_factory=list)

    @property
    def unmet(self) -> list[PlacementRule]:
        return self.fired[len(self.met) :]

    def codes(self) -> list[str]:
        return [agency.code for agency in self.partners]

    def rules_json(self) -> list[dict[str, object]]:
        return [{"id": rule.pk, "name": rule.name} for rule in self.fired]


def suggest(episode: Episode, user: User) -> Suggestion:
    """The rules she meets, and the active partners that take survivors in satisfying the
    most of them in priority order: all of them if any partner does, else all but the last, and
    so on. The partners in her case's province come first. (Her needs assessment as ``user``
    reads it.)"""
    from casebridge.agencies.models import Agency
    from casebridge.crisis.models import Assessment, PlacementRule

    latest = (
        Assessment.objects.visible_to(user).filter(episode=episode).order_by("-version").only("urgent_medical").first()
    )
    urgent = bool(latest and latest.urgent_medical)
    fired = [rule for rule in PlacementRule.objects.filter(is_active=True) if meets(rule, episode, urgent)]
    if not fired:
        return Suggestion()
    from casebridge.crisis.actions import takes_in

    agencies = [a for a in Agency.objects.filter(is_active=True).order_by("name") if takes_in(a)]
    province = episode.case.province
    for count in range(len(fired), 0, -1):
        rules = fired[:count]
        partners = [a for a in agencies if all(satisfies(a, rule) for rule in rules)]
        if partners:
            partners.sort(key=lambda a: a.province != province)
            return Suggestion(fired, rules, partners)
    return Suggestion(fired)
