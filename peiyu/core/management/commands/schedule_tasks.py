from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from peiyu.core.tasks import next_night, purge_audit_task
from peiyu.supervision.tasks import run_rules_task

PERIODIC = [purge_audit_task, run_rules_task]


class Command(BaseCommand):
    help = "Enqueue each nightly task once, unless it is already waiting to run."

    def handle(self, *args: Any, **options: Any) -> None:
        for periodic in PERIODIC:
            waiting = DBTaskResult.objects.filter(
                task_path=periodic.module_path, status__in=["READY", "RUNNING"]
            ).exists()
            if waiting:
                continue
            periodic.using(run_after=next_night()).enqueue()
            self.stdout.write(f"scheduled {periodic.module_path}")
