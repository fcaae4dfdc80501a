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
    from casebridge.crisis.board import with_shifts
    from casebridge.crisis.coverage import NO_LANGUAGE, gaps
    from casebridge.crisis.models import Episode, Shift

    now = timezone.now()
    items = []
    mine = (
        Shift.objects.visible_to(user)
        .filter(staff=user, cancelled_at__isnull=True, ends_at__gt=now, starts_at__lt=now + AHEAD)
        .select_related("episode__case")
    )
    for shift in mine:
        when = timezone.localtime(shift.starts_at)
        items.append(
            DueItem(
                title=_("Your shift from %(time)s") % {"time": when.strftime("%H:%M")},
                link=reverse("crisis:episode", args=[shift.episode_id]),
                due_on=when.date(),
                case_number=shift.episode.case.number,
            )
        )
    supervised = with_shifts(user, Episode.objects.visible_to(user).open().filter(supervisor=user))
    for episode in supervised.select_related("case"):
        for gap in gaps(episode, episode.live_shifts):  # type: ignore[attr-defined]
            if gap.end > now and gap.start < now + AHEAD:
                what = _("Nobody speaks her language") if gap.reason == NO_LANGUAGE else _("No social worker")
                items.append(
                    DueItem(
                        title=_("%(what)s from %(time)s")
                        % {"what": what, "time": timezone.localtime(gap.start).strftime("%H:%M")},
                        link=reverse("crisis:episode", args=[episode.pk]),
                        due_on=timezone.localtime(gap.start).date(),
                        case_number=episode.case.number,
                    )
                )
    return items
