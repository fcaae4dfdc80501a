"""The indicators' tallies kept up in the background (``tally``): the records marked since they
were last taken in are folded into the sums, and at the start of each month everything is
counted again as of the new month. Readers ask for a run when they find either to do; each run
queues the next month's."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from casebridge.lib import schedule


@task()
def refresh() -> int:
    """Returns how many cases, proceedings and suspects were counted or folded."""
    from casebridge.indicators import compute, tally

    try:
        before = compute.through()
        done = tally.rebuild(before) if tally.month() != before else 0
        for _round in range(10):  # (marked while folding: taken the next round, or the next run)
            folded = tally.fold()
            done += folded
            if not folded:
                break
        return done
    finally:
        following = (compute.through() + datetime.timedelta(days=31)).replace(day=1)
        start = timezone.make_aware(datetime.datetime.combine(following, datetime.time(0, 5)))
        schedule.schedule(refresh, after=max(start - timezone.now(), datetime.timedelta(0)), running=True)
