"""Hearings on the home page: for a proceeding's lawyers, its hearings of the coming week; for a
survivor's case worker (her case's owner, who prepares her and arranges who goes with her), the
hearings she is to attend in the next two weeks (when and where, never the defendants)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.notifications.due import DueItem, register

if TYPE_CHECKING:
    from casebridge.accounts.models import User


@register
def hearings(user: User) -> list[DueItem]:
    """At most two queries (every page counts these), none for those who neither practise law
    nor lead a survivor's case."""
    from casebridge.cases.access import can_hold_content
    from casebridge.legal.access import practises
    from casebridge.legal.models import Attendance, Hearing

    now = timezone.now()
    items = []
    if practises(user):
        soon = Hearing.objects.visible_to(user).filter(
            cancelled_at__isnull=True, proceeding__closed_as="", at__gte=now, at__lt=now + datetime.timedelta(days=7)
        )
        for pk, at, court, reference in soon.values_list("proceeding_id", "at", "court", "proceeding__reference"):
            when = timezone.localtime(at)
            title = _("Hearing at %(time)s, %(court)s") % {"time": when.strftime("%H:%M"), "court": court}
            items.append(
                DueItem(title=title, link=reverse("legal:detail", args=[pk]), due_on=when.date(), case_number=reference)
            )
    if can_hold_content(user):
        mine = Attendance.objects.visible_to(user).filter(
            case__owner=user,
            cancelled_at__isnull=True,
            hearing__cancelled_at__isnull=True,
            proceeding__closed_as="",
            hearing__at__gte=now,
            hearing__at__lt=now + datetime.timedelta(days=14),
        )
        for case_id, number, at, court in mine.values_list("case_id", "case__number", "hearing__at", "hearing__court"):
            when = timezone.localtime(at)
            title = _("She attends a hearing at %(time)s, %(court)s") % {"time": when.strftime("%H:%M"), "court": court}
            items.append(
                DueItem(
                    title=title, link=reverse("cases:detail", args=[case_id]), due_on=when.date(), case_number=number
                )
            )
    return items
