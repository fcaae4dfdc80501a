"""The coded answers of a screening, with their labels: HTCDS's victim context (``vic_``) where
it has one, and what it lacks (forced criminality, the signs looked for, how an age was judged)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

INDICATORS = [
    ("no_documents", _("No identity documents")),
    ("documents_held_by_others", _("Documents held by someone else")),
    ("says_under_18", _("Says she is under 18")),
    ("looks_under_18", _("Looks under 18")),
    ("controlled_by_others", _("Controlled or watched by others")),
    ("debt", _("Owes a debt to the establishment or a recruiter")),
    ("cannot_leave", _("Not free to leave")),
    ("injuries", _("Injuries or signs of abuse")),
    ("scripted_answers", _("Answers seem rehearsed")),
    ("fearful", _("Fearful or anxious")),
    ("recently_arrived", _("Recently arrived from elsewhere")),
    ("other", _("Other")),
]
AGE_METHODS = [
    ("documents", _("Documents")),
    ("medical", _("Medical assessment")),
    ("interview", _("Interview")),
    ("appearance", _("Appearance (estimate)")),
]
# HTCDS vic_TypeOfExploitation, and forced criminality (scam compounds), which HTCDS lacks.
EXPLOITATION = [
    ("SexualExploitation", _("Sexual exploitation")),
    ("ForcedLabour", _("Forced labour")),
    ("ChildLabour", _("Child labour")),
    ("ForcedMarriage", _("Forced marriage")),
    ("Servitude", _("Servitude")),
    ("ForcedMilitaryByNonStateActors", _("Forced military (by non-state actors)")),
    ("OrganRemoval", _("Organ removal")),
    ("ForcedBegging", _("Forced begging")),
    ("ForcedAdoption", _("Forced adoption")),
    ("Surrogacy", _("Surrogacy")),
    ("ForcedCriminality", _("Forced criminality")),
    ("Other", _("Other")),
]
SEXUAL_EXPLOITATION = [
    ("Prostitution", _("Prostitution")),
    ("Pornography", _("Pornography")),
    ("RemoteInteractiveServices", _("Remote interactive services")),
    ("PrivateSexualServices", _("Private sexual services")),
]
CONTROL = [
    ("PhysicalThreats", _("Physical threats")),
    ("ThreatsLawEnforcement", _("Threats of law enforcement")),
    ("ThreatensChildrenFamily", _("Threatens children or family")),
    ("DebtBondage", _("Debt bondage")),
    ("FalsePromises", _("False promises")),
    ("PhysicalAbuse", _("Physical abuse")),
    ("SexualAbuse", _("Sexual abuse")),
    ("TakesEarnings", _("Takes earnings")),
    ("RestrictsFinancialAccess", _("Restricts financial access")),
    ("RestrictsMedicalCare", _("Restricts medical care")),
    ("WithholdsNecessities", _("Withholds necessities")),
    ("PsychologicalAbuse", _("Psychological abuse")),
    ("PsychoactiveSubstance", _("Psychoactive substances")),
    ("ExcessiveWorkingHours", _("Excessive working hours")),
    ("WithholdsDocuments", _("Withholds documents")),
    ("Other", _("Other")),
]
RECRUITMENT = [
    ("AtAPlaceOfBusiness", _("At a place of business")),
    ("AtAnEducationalInstitution", _("At an educational institution")),
    ("AtWork", _("At work")),
    ("ThroughOnlineSocialNetworks", _("Through online social networks")),
    ("ThroughAnOnlineAdvertisement", _("Through an online advertisement")),
    ("ThroughATelevisionAdvert", _("Through a television advert")),
    ("ThroughANewspaperAdvert", _("Through a newspaper advert")),
    ("ThroughFamilyOrFamilyEvents", _("Through family or family events")),
    ("ThroughFriendsOrSocialEvents", _("Through friends or social events")),
    ("Other", _("Other")),
]
RELATIONSHIP = [
    ("Familial", _("Family")),
    ("Acquainted", _("Known to her")),
    ("Unaquainted", _("A stranger")),
]
FORCED_CRIMINALITY = [
    ("online_scam", _("Online scams (scam compound)")),
    ("drug_trafficking", _("Drug trafficking")),
    ("theft", _("Theft")),
    ("begging", _("Organised begging")),
    ("other", _("Other")),
]
HISTORY_TYPES = [
    ("Recruitment", _("Recruitment")),
    ("Transit", _("Transit")),
    ("Exploitation", _("Exploitation")),
]


def codes(choices: Sequence[tuple[str, object]]) -> list[str]:
    return [code for code, _label in choices]


def labels(choices: Sequence[tuple[str, object]], values: list[str]) -> list[str]:
    named = dict(choices)
    return [str(named.get(value, value)) for value in values]
