"""Referrals sent and not answered in time expire, their grants ended at once: checked by the
background worker every few minutes (lib.schedule)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django_tasks import task

from casebridge.lib import schedule


@task()
def expire_referrals() -> int:
    from casebridge.restoration.actions import expire_due

    try:
        return expire_due()
    finally:
        schedule.schedule(
            expire_referrals, after=datetime.timedelta(seconds=settings.REFERRAL_CHECK_SECONDS), running=True
        )


def schedule_on_commit() -> None:
    schedule.schedule_on_commit(expire_referrals)
