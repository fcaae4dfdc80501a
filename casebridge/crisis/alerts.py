"""Alerts to a crisis-care supervisor, sent by the background worker (django-tasks, database
backend): a gap in the roster starting within the agency's warning time, a gap now, and the
minimum window ending without a placement decision. Each is sent once: the alert's row and its
notification are written in one transaction, under a unique key. The check runs every few
minutes as a task that queues its next run; the queue is in the database, so a restart of the
server or of the worker loses nothing, and a run that died with its worker is replaced."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from casebridge.cases.access import case_access
from casebridge.cases.sections import Section
from casebridge.crisis.coverage import gaps
from casebridge.crisis.models import Alert, AlertKind, Episode, Shift
from casebridge.lib import schedule as lib_schedule
from casebridge.lib.schedule import schedule

logger = logging.getLogger(__name__)


def _send(episode: Episode, kind: str, key: str, data: dict[str, object]) -> bool:
    """Record the alert and notify the supervisor, once: False when it was sent already."""
    from casebridge.notifications.actions import notify
    from casebridge.notifications.models import Kind

    notification = Kind.CRISIS_WINDOW if kind == AlertKind.WINDOW else Kind.CRISIS_GAP
    try:
        with transaction.atomic():
            Alert.objects.create(episode=episode, kind=kind, key=key)
            notify(
                [episode.supervisor],
                notification,
                data={"number": episode.case.number, **data},
                case=episode.case,
                link=reverse("crisis:episode", args=[episode.pk]),
            )
    except IntegrityError:
        return False
    return True


def check(now: datetime.datetime | None = None) -> int:
    """Send the alerts due now for every open episode; returns how many were sent."""
    now = now or timezone.now()
    episodes = list(Episode.objects.open().select_related("case", "agency", "supervisor"))
    shifts: dict[object, list[Shift]] = {}
    for shift in Shift.objects.filter(episode__in=episodes, cancelled_at__isnull=True):
        shifts.setdefault(shift.episode_id, []).append(shift)
    sent = 0
    for episode in episodes:
        if not case_access(episode.supervisor, episode.case).can(Section.CRISIS_CARE):
            continue  # a supervisor who lost access to her case learns nothing more of it
        ahead = datetime.timedelta(hours=episode.agency.crisis_alert_hours)
        for gap in gaps(episode, shifts.get(episode.pk, [])):
            if gap.end <= now or gap.start > now + ahead:
                continue
            kind = AlertKind.GAP_NOW if gap.start <= now else AlertKind.GAP_SOON
            data = {"now": kind == AlertKind.GAP_NOW, **gap.as_json()}
            sent += _send(episode, kind, f"{gap.reason}:{gap.start.isoformat()}", data)
        if episode.window_ends_at - ahead <= now:
            sent += _send(episode, AlertKind.WINDOW, "window", {"end": episode.window_ends_at.isoformat()})
    return sent


@task()
def check_alerts() -> int:
    try:
        return check()
    finally:
        schedule(check_alerts, after=datetime.timedelta(seconds=settings.CRISIS_ALERT_SECONDS), running=True)


def schedule_on_commit() -> None:
    lib_schedule.schedule_on_commit(check_alerts)
