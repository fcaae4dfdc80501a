"""Crisis care on the home page's due items: my shifts of the next day, and, for the crisis care
I supervise, the gaps under way or starting within the next day."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.notifications.due import DueItem, register

if TYPE_CHECKING:
    from casebridge.accounts.models import User

AHEAD = datetime.timedelta(hours=24)


@register
def crisis_care(user: User) -> list[DueItem]:
    """One query when there is nothing (every page counts these), two otherwise."""
    from django.db.models import Q

    from casebridge.crisis.board import with_shifts
    from casebridge.crisis.coverage import NO_LANGUAGE, gaps
    from casebridge.crisis.models import Episode

    now = timezone.now()
    mine = Q(
        shifts__staff=user,
        shifts__cancelled_at__isnull=True,
        shifts__ends_at__gt=now,
        shifts__starts_at__lt=now + AHEAD,
    )
    episodes = Episode.objects.visible_to(user).open().filter(Q(supervisor=user) | mine).distinct()
    items = []
    for episode in with_shifts(user, episodes.select_related("case")):
        shifts = episode.live_shifts  # type: ignore[attr-defined]
        link = reverse("crisis:episode", args=[episode.pk])
        for shift in shifts:
            if shift.staff_id == user.pk and shift.ends_at > now and shift.starts_at < now + AHEAD:
                when = timezone.localtime(shift.starts_at)
                title = _("Your shift from %(time)s") % {"time": when.strftime("%H:%M")}
                items.append(DueItem(title=title, link=link, due_on=when.date(), case_number=episode.case.number))
        if episode.supervisor_id != user.pk:
            continue
        for gap in gaps(episode, shifts):
            if gap.end > now and gap.start < now + AHEAD:
                what = _("Nobody speaks her language") if gap.reason == NO_LANGUAGE else _("No social worker")
                when = timezone.localtime(gap.start)
                title = _("%(what)s from %(time)s") % {"what": what, "time": when.strftime("%H:%M")}
                items.append(DueItem(title=title, link=link, due_on=when.date(), case_number=episode.case.number))
    return items
