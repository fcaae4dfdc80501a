"""The demo shows her care and the prosecutions: plans with goals, services and reviews (one overdue, one closed),
medical care, counselling, schooling, every reintegration stage, a move between placements, and
a case handed to the provincial social-affairs office."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.utils import timezone

from casebridge.cases.models import Case
from casebridge.restoration.models import (
    CarePlan,
    CounsellingSession,
    Enrolment,
    MedicalRecord,
    Placement,
    Referral,
    Reintegration,
    Review,
    ServiceDelivery,
    Transfer,
)


def test_the_demo_shows_every_part_of_her_care(settings, db):
    settings.DEMO = True
    # The size and seed `make demo` uses: what a user first sees must load.
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    today = timezone.localdate()
    assert CarePlan.objects.count() >= 4 and ServiceDelivery.objects.exists() and Review.objects.exists()
    assert CarePlan.objects.filter(closed_at__isnull=True, next_review_on__lt=today).exists()  # overdue
    assert CarePlan.objects.filter(closed_at__isnull=False).exists()
    assert MedicalRecord.objects.filter(test="hiv").exists() and CounsellingSession.objects.filter(score__isnull=False)
    assert Enrolment.objects.exists()
    assert set(Reintegration.objects.values_list("stage", flat=True)) == {
        "pre_integration",
        "integration",
        "monitoring",
        "closure",
    }
    accepted = Transfer.objects.get(state="accepted")
    assert Case.objects.get(pk=accepted.case_id).lead_agency.code == "DOSVY"
    assert Transfer.objects.filter(state="proposed").exists()
    assert Placement.objects.filter(ended_at__isnull=False, reason__isnull=False).exists()
    from casebridge.legal.models import Proceeding

    stages = set(Proceeding.objects.values_list("stage", flat=True))
    assert {"complaint", "police", "prosecutor", "trial", "verdict"} <= stages
    assert {"convicted", "acquitted", "settled"} <= set(Proceeding.objects.values_list("closed_as", flat=True))
    from casebridge.legal.models import Attendance

    assert {True, False} == set(Attendance.objects.values_list("confrontation", flat=True))
    from casebridge.legal.models import (
        Compensation,
        Counsel,
        CustodyStep,
        Defendant,
        Evidence,
        Handoff,
        HandoffReceipt,
        Judgment,
        Payment,
        TestimonySession,
    )

    assert {"convicted", "acquitted"} == set(Judgment.objects.values_list("verdict", flat=True))
    assert Judgment.objects.filter(appeal_result="upheld").exists()
    assert Judgment.objects.filter(appealed_on__isnull=False, appeal_result="").exists()
    assert Compensation.objects.exists() and Payment.objects.exists()
    assert {"police", "detention", "bail", "at_large"} <= set(CustodyStep.objects.values_list("status", flat=True))
    assert any(step.overdue() for step in CustodyStep.objects.filter(status="police"))
    assert Evidence.objects.filter(kind="digital").exists() and Evidence.objects.filter(seized__isnull=False).exists()
    assert Handoff.objects.count() == HandoffReceipt.objects.count() + 1  # one awaits its receiver
    assert Defendant.objects.filter(subject__isnull=False).exists() and Counsel.objects.exists()
    assert TestimonySession.objects.filter(kind="preparation").exists()
    assert {"draft", "sent", "accepted", "declined", "completed", "revoked", "expired"} <= set(
        Referral.objects.values_list("state", flat=True)
    )
