"""Crisis care on the home page's due items: my shifts of the next day, and, for the crisis care
I supervise, the gaps under way or starting within the next day."""

from __future__ import annotations

import datetime
from collections import namedtuple
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.notifications.due import DueItem, register

if TYPE_CHECKING:
    from casebridge.accounts.models import User

AHEAD = datetime.timedelta(hours=24)


# What the coverage needs of a shift, read as plain rows (every page counts these items).
_Shift = namedtuple("_Shift", "episode_id staff_id role starts_at ends_at languages cancelled_at")


@register
def crisis_care(user: User) -> list[DueItem]:
    """One query when there is nothing (every page counts these), two otherwise; plain rows, not
    model instances, so that a supervisor of many girls pays little on every page."""
    from django.db.models import Q

    from casebridge.crisis.coverage import NO_LANGUAGE, gaps
    from casebridge.crisis.models import Episode, Shift

    now = timezone.now()
    mine = Q(
        shifts__staff=user,
        shifts__cancelled_at__isnull=True,
        shifts__ends_at__gt=now,
        shifts__starts_at__lt=now + AHEAD,
    )
    fields = ["id", "case__number", "supervisor_id", "starts_at", "window_hours", "ended_at", "interpreter", "language"]
    found = list(Episode.objects.visible_to(user).open().filter(Q(supervisor=user) | mine).distinct().values(*fields))
    if not found:
        return []
    by_episode: dict[object, list[_Shift]] = {}
    live = Shift.objects.visible_to(user).filter(episode_id__in=[row["id"] for row in found], cancelled_at__isnull=True)
    for shift in live.order_by("starts_at").values_list(*_Shift._fields):
        by_episode.setdefault(shift[0], []).append(_Shift(*shift))
    items = []
    for row in found:
        number = row.pop("case__number")
        episode = Episode(**row)
        shifts = by_episode.get(episode.pk, [])
        link = reverse("crisis:episode", args=[episode.pk])
        for shift in shifts:
            if shift.staff_id == user.pk and shift.ends_at > now and shift.starts_at < now + AHEAD:
                when = timezone.localtime(shift.starts_at)
                title = _("Your shift from %(time)s") % {"time": when.strftime("%H:%M")}
                items.append(DueItem(title=title, link=link, due_on=when.date(), case_number=number))
        if episode.supervisor_id != user.pk:
            continue
        for gap in gaps(episode, shifts):
            if gap.end > now and gap.start < now + AHEAD:
                what = _("Nobody speaks her language") if gap.reason == NO_LANGUAGE else _("No social worker")
                when = timezone.localtime(gap.start)
                title = _("%(what)s from %(time)s") % {"what": what, "time": when.strftime("%H:%M")}
                items.append(DueItem(title=title, link=link, due_on=when.date(), case_number=number))
    return items
