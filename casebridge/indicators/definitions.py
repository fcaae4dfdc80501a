"""Every indicator of the model in one place: its code, name, what it counts over what, where the
data come from, how it may be broken down, and the capability it needs. An indicator whose
capability is not built yet says so ("not available yet") and never shows a number."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PILLARS = {
    "rescue": _("Rescue"),
    "restore": _("Restore"),
    "justice": _("Bring to justice"),
    "system": _("Strengthen the system"),
}
DISAGGREGATIONS = {
    "province": _("province"),
    "agency": _("agency"),
    "age_band": _("age band"),
    "sex": _("sex"),
    "nationality": _("nationality"),
    "role": _("role"),  # of an official trained (a breakdown, not a filter)
}
CASE_FACETS = ("province", "agency", "age_band", "sex", "nationality")
# The sex filter, over both the survivors' recorded gender (HTCDS) and the officials trained:
# every value but feminine and masculine (transgender, non-conforming, unknown, not said) is
# "other", as the groups would otherwise be too small to publish.
SEXES = {"female": _("Female"), "male": _("Male"), "other": _("Other or not said")}


@dataclass(frozen=True)
class Indicator:
    code: str
    pillar: str
    name: Promise
    counts: Promise  # the numerator
    over: Promise | None  # the denominator, for a share
    source: Promise
    disaggregations: tuple[str, ...]
    needs: str  # the capability whose records it reads
    kind: str = "count"  # count, share or estimate


def _i(
    code: str,
    pillar: str,
    name: Promise,
    counts: Promise,
    over: Promise | None,
    source: Promise,
    by: tuple[str, ...],
    needs: str,
    kind: str = "count",
) -> Indicator:
    return Indicator(code, pillar, name, counts, over, source, by, needs, kind)


INDICATORS = [
    _i(
        "rescue.victims_identified",
        "rescue",
        _("Victims identified and removed to safety"),
        _("People screened in an operation and identified as victims: a survivor case opened for each"),
        None,
        _("Rescue: screenings"),
        CASE_FACETS,
        "rescue",
    ),
    _i(
        "rescue.minors_identified",
        "rescue",
        _("Minors among the victims identified"),
        _("Victims identified who were under 18 (or may be: a borderline age counts as a child's)"),
        _("Victims identified"),
        _("Rescue: screenings"),
        (),
        "rescue",
        "share",
    ),
    _i(
        "restore.crisis_windows_covered",
        "restore",
        _("Crisis-care windows fully covered"),
        _("Crisis-care episodes whose minimum window (48 hours) had someone on shift throughout"),
        _("Crisis-care episodes ended"),
        _("Crisis care: episodes and rosters"),
        CASE_FACETS,
        "crisis",
        "share",
    ),
    _i(
        "restore.safeguard_incidents",
        "restore",
        _("Safeguard incidents"),
        _("A survivor held in a cell, or in contact with a suspect, during crisis care"),
        None,
        _("Crisis care: safeguard checks"),
        CASE_FACETS,
        "crisis",
    ),
    _i(
        "restore.days_to_placement",
        "restore",
        _("Days to first placement"),
        _("Days from the start of crisis care to the first placement (median and 90th percentile)"),
        None,
        _("Crisis care: episodes"),
        CASE_FACETS,
        "crisis",
    ),
    _i(
        "restore.care_plan_goals_met",
        "restore",
        _("Care-plan goals met, by domain"),
        _("Care-plan goals met"),
        _("Care-plan goals reviewed"),
        _("Restoration: care plans"),
        CASE_FACETS,
        "aftercare",
        "share",
    ),
    _i(
        "restore.enrolment_income",
        "restore",
        _("School, vocational enrolment and income at reintegration"),
        _("Survivors reintegrated who are in school, in training or earning"),
        _("Survivors reintegrated"),
        _("Restoration: reintegration"),
        CASE_FACETS,
        "aftercare",
        "share",
    ),
    _i(
        "restore.re_trafficking",
        "restore",
        _("Re-trafficking"),
        _("Survivors trafficked again after reintegration"),
        _("Survivors reintegrated"),
        _("Restoration: follow-up visits"),
        CASE_FACETS,
        "aftercare",
        "share",
    ),
    _i(
        "justice.suspects",
        "justice",
        _("Suspects arrested, charged, tried and convicted"),
        _(
            "Suspects arrested (by the agency of the operation), charged, tried and convicted of any charge"
            " (by the agency leading the proceeding)"
        ),
        None,
        _("Justice: proceedings"),
        (),
        "legal",
    ),
    _i(
        "justice.conviction_rate",
        "justice",
        _("Conviction rate"),
        _("Defendants convicted of any charge, by the year of their first charge"),
        _("Defendants judged at first instance, by the year of their first charge"),
        _("Justice: verdicts"),
        (),
        "legal",
        "share",
    ),
    _i(
        "justice.days_to_charge_and_verdict",
        "justice",
        _("Days from operation to charge and to verdict"),
        _(
            "Days from the operation that found the proceeding's survivors to a defendant's first charge"
            " and to his first judgment (median and 90th percentile)"
        ),
        None,
        _("Justice: proceedings and operations"),
        ("agency",),
        "legal",
    ),
    _i(
        "justice.survivor_participation",
        "justice",
        _("Survivors taking part in the prosecution"),
        _("Survivors in a proceeding who took part: at a hearing that was held, or prepared to testify"),
        _("Survivors in a proceeding"),
        _("Justice: proceedings"),
        CASE_FACETS,
        "legal",
        "share",
    ),
    _i(
        "justice.compensation",
        "justice",
        _("Compensation ordered and paid"),
        _("Survivors awarded compensation, and those paid something of it"),
        None,
        _("Justice: verdicts"),
        CASE_FACETS,
        "legal",
    ),
    _i(
        "system.officials_trained",
        "system",
        _("Officials trained"),
        _("Participants who attended a training (one person at two trainings counts twice)"),
        None,
        _("Training records"),
        ("agency", "sex"),
        "training",
    ),
    _i(
        "system.government_led_cases",
        "system",
        _("Cases led by government agencies"),
        _("Cases whose lead agency is a government agency now"),
        _("Cases opened"),
        _("Cases: the lead agency's organisation type"),
        ("province", "age_band", "sex", "nationality"),
        "cases",
        "share",
    ),
    _i(
        "system.prevalence_of_minors",
        "system",
        _("Share of minors among people available for commercial sex"),
        _("The weighted share of minors in each prevalence study, with its confidence interval"),
        None,
        _("Prevalence studies"),
        (),
        "prevalence",
        "estimate",
    ),
]
BY_CODE = {i.code: i for i in INDICATORS}
