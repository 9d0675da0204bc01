"""The nightly run of the supervision rules (django-tasks, database backend)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from peiyu.core.tasks import next_night


@task()
def run_rules_task(reschedule: bool = True) -> int:
    """Run the rules and end the grades whose validity is over; return how many new proposals
    the rules made."""
    from peiyu.supervision.services.credit import run_rules
    from peiyu.supervision.services.grades import expire_grades

    with translation.override(settings.LANGUAGE_CODE):
        created = run_rules().created
        expire_grades()
    if reschedule:
        run_rules_task.using(run_after=next_night()).enqueue()
    return created
