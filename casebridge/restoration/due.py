"""Care-plan reviews on the home page: for her case worker, each plan whose review falls within
the next two weeks, or is overdue."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.notifications.due import DueItem, register

if TYPE_CHECKING:
    from casebridge.accounts.models import User

AHEAD = datetime.timedelta(days=14)


@register
def care_plan_reviews(user: User) -> list[DueItem]:
    """One query (every page counts these): plain rows of the open plans of her cases."""
    from casebridge.restoration.models import CarePlan

    today = timezone.localdate()
    due = (
        CarePlan.objects.visible_to(user)
        .filter(case__owner=user, closed_at__isnull=True, next_review_on__lte=today + AHEAD)
        .values_list("case_id", "case__number", "next_review_on")
    )
    items = []
    for case_id, number, on in due:
        title = _("Care-plan review overdue") if on < today else _("Care-plan review")
        link = reverse("restoration:care", args=[case_id, "care-plan"])
        items.append(DueItem(title=title, link=link, due_on=on, case_number=number))
    return items
