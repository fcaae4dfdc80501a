"""Three years of the programme behind the demo's stories, for the indicators dashboard: each
older case not in a story gets the trail a survivor's case leaves — found in an operation,
crisis care with its roster, a placement, care-plan goals, reintegration and what followed, and
for some the prosecution of the men who sold her — written as the benchmark's generated
history is (``generated_history.write_records``), fictional, dated when it happened."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.cases.models import Case, Reach
from casebridge.crisis.models import Episode
from casebridge.demo.generated_history import Staff, write_records
from casebridge.indicators.tally import ALL, mark
from casebridge.investigations.models import CaseLink, Screening
from casebridge.legal.models import ProceedingCase
from casebridge.lib.measures import changed
from casebridge.restoration.models import CarePlan, Placement, Reintegration


def _in_a_story(cases: list[Case]) -> set[Any]:
    ids = [c.pk for c in cases]
    taken: set[Any] = set()
    for model in (Screening, CaseLink, Episode, CarePlan, Reintegration, ProceedingCase, Placement):
        taken |= set(model.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    return taken


def create_history(agencies: dict[str, Agency], users: dict[str, User], cases: list[Case], today: datetime.date) -> int:
    """The trail of each older case not in a story; returns how many cases were read."""
    taken = _in_a_story(cases)
    older = [c for c in cases if c.pk not in taken and c.opened_on <= today - datetime.timedelta(days=120)]
    # Written today, they are dated as entered when she came (the indicators count only what
    # was on record before the month counted), and her case's ways in keep their order.
    for case in older:
        entered = timezone.make_aware(datetime.datetime.combine(case.opened_on, datetime.time(9)))
        Case.objects.filter(pk=case.pk).update(created_at=entered)
        Reach.objects.filter(case_id=case.pk).update(case_created_at=entered)
    staff = Staff(
        police=agencies["AHTJP"].pk,
        office=agencies["DOSVY"].pk,
        ngo=agencies["JPC"].pk,
        shelter=agencies["SHS"].pk,
        officer=users["police.dara"].pk,
        worker=users["aftercare.sophea"].pk,
        lawyer=users["lawyer.vannak"].pk,
        name="Operation",
    )
    # (the demo's older cases came from operations, as the seeds' do, and most went to court)
    write_records([(c.pk, c.opened_on) for c in older], staff, random.Random(14), rescued=1.0, prosecuted=0.8)
    changed("cases", "rescue", "crisis", "restore", "justice")
    mark([ALL])  # (written past the signals: the indicators' tallies are counted again)
    return len(older)
