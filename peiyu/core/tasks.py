"""Background tasks of the core app, run by ``manage.py db_worker`` (django-tasks, database
backend). Daily tasks re-enqueue themselves for the next night, so one ``schedule_tasks`` at
start-up keeps them going without a cron or a broker."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from peiyu.core.services import purge_audit_entries

NIGHTLY_AT = time(2, 30)


def next_night(now: datetime | None = None) -> datetime:
    """Return the next 02:30 local time after ``now``."""
    local = timezone.localtime(now)
    candidate = local.replace(hour=NIGHTLY_AT.hour, minute=NIGHTLY_AT.minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + timedelta(days=1)


@task()
def purge_audit_task(reschedule: bool = True) -> int:
    """Delete audit entries past the retention period; return how many went."""
    deleted = purge_audit_entries(keep_days=settings.AUDIT_RETENTION_DAYS)
    if reschedule:
        purge_audit_task.using(run_after=next_night()).enqueue()
    return deleted
