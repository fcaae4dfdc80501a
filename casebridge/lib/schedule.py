"""A background check that runs every few minutes (django-tasks, database backend): each run
queues the next one, in the database, so a restart of the server or of the worker loses
nothing; whoever may need it queues one if none waits; a run that died with its worker (still
marked running long after) is replaced."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

# A run still marked running after this long died with its worker.
STALE = datetime.timedelta(minutes=15)


def schedule(task: Any, *, after: datetime.timedelta = datetime.timedelta(0), running: bool = False) -> bool:
    """Queue ``task`` unless a run is queued already (or running, unless the caller is that run,
    or it died with its worker). Returns whether it queued one."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    mine = DBTaskResult.objects.filter(task_path=task.module_path)
    if mine.filter(status=TaskResultStatus.READY).exists():
        return False
    if not running and mine.running().filter(started_at__gt=timezone.now() - STALE).exists():
        return False
    task.using(run_after=timezone.now() + after).enqueue()
    return True


def schedule_on_commit(task: Any) -> None:
    transaction.on_commit(lambda: schedule(task))
