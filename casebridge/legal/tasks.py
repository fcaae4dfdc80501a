"""Hearings coming within a day are reminded to those who attend: checked by the background
worker every few minutes (lib.schedule)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django_tasks import task

from casebridge.lib import schedule


@task()
def remind_hearings() -> int:
    from casebridge.legal.actions import remind_due

    try:
        return remind_due()
    finally:
        schedule.schedule(
            remind_hearings, after=datetime.timedelta(seconds=settings.REFERRAL_CHECK_SECONDS), running=True
        )


def schedule_on_commit() -> None:
    schedule.schedule_on_commit(remind_hearings)
