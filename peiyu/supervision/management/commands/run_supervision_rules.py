"""Run the supervision rules now: ``manage.py run_supervision_rules [--dry-run] [--date YYYY-MM-DD]``."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from peiyu.supervision.services.credit import run_rules


class Command(BaseCommand):
    help = "Turn the supervision history into proposals for staff to decide (the nightly task, on demand)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count the proposals; write nothing.")
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, default=None, help="Evaluate as of this day."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        result = run_rules(today=options["date"], dry_run=options["dry_run"])
        message = _("%(found)d proposals supported by the history, %(created)d of them new.") % {
            "found": result.found,
            "created": result.created,
        }
        if options["dry_run"]:
            message += " " + _("Nothing written (--dry-run).")
        self.stdout.write(message)
