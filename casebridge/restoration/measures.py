"""Counts of restoration, for measurement: aggregates only, never a row (decision 11). The
indicators app publishes them through its disclosure control (no cell under 11)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from casebridge.cases.measures import Row, Within, by_facts, moment
from casebridge.restoration.models import (
    Enrolment,
    EnrolmentStatus,
    Goal,
    GoalStatus,
    Livelihood,
    Outcome,
    Reintegration,
    ReintegrationStep,
    Stage,
)


def goals(before: datetime.date, within: Within = None) -> list[Row]:
    """Care-plan goals reviewed (met or not met), by the quarter of their target date and their
    domain, and those met."""
    records = Goal.objects.filter(
        status__in=[GoalStatus.MET, GoalStatus.NOT_MET], target_on__lt=before, created_at__lt=moment(before)
    )
    return by_facts(
        records,
        "target_on",
        group={"domain": F("domain")},
        entity=("case_id", within),
        n=Count("id"),
        met=Count("id", filter=Q(status=GoalStatus.MET)),
    )


def reintegrated(before: datetime.date, within: Within = None) -> list[Row]:
    """Survivors reintegrated (her reintegration reached the integration stage), by the quarter
    it did; those in school or training (enrolled or completed) or earning (a month with an
    income) since a year before it, up to the end of the month counted; and those trafficked
    again (an outcome scored so by then). Only records entered before ``before`` count."""
    start = moment(before)
    integrated_on = ReintegrationStep.objects.filter(
        reintegration=OuterRef("pk"), stage=Stage.INTEGRATION, at__lt=start
    )
    records = Reintegration.objects.annotate(integrated_on=Subquery(integrated_on.order_by("on").values("on")[:1]))
    since = OuterRef("integrated_on") - datetime.timedelta(days=365)
    enrolled = Enrolment.objects.filter(
        case=OuterRef("case"),
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED],
        started_on__lt=before,
        started_on__gte=since,
        recorded_at__lt=start,
    )
    earning = Livelihood.objects.filter(
        case=OuterRef("case"), income__gt=0, month__lt=before, month__gte=since, recorded_at__lt=start
    )
    again = Outcome.objects.filter(reintegration=OuterRef("pk"), retrafficked=True, scored_on__lt=before, at__lt=start)
    return by_facts(
        records.filter(integrated_on__lt=before),
        "integrated_on",
        entity=("case_id", within),
        n=Count("id"),
        occupied=Count("id", filter=Q(Exists(enrolled)) | Q(Exists(earning))),
        again=Count("id", filter=Q(Exists(again))),
    )
