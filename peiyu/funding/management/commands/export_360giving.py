"""``manage.py export_360giving [--round ID] [--out FILE]``: the awarded grants as a 360Giving
JSON package (the same builder as the back-office download), to a file or to stdout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from peiyu.funding.exports import grants_360giving
from peiyu.funding.models import Application, Round


class Command(BaseCommand):
    help = "Export awarded grants as 360Giving JSON (all rounds, or one with --round)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, dest="round_id", help="Only this round (its id).")
        parser.add_argument("--out", type=Path, help="Write to this file instead of stdout.")

    def handle(
        self, *args: Any, round_id: int | None = None, out: Path | None = None, **options: Any
    ) -> None:
        # The package's titles and tranche descriptions are in the interface's first language.
        translation.activate("zh-hans")
        applications = Application.objects.all()
        title = ""
        if round_id is not None:
            round = Round.objects.filter(pk=round_id).first()
            if round is None:
                raise CommandError(_("There is no round %(id)d.") % {"id": round_id})
            applications, title = applications.filter(round=round), round.title
        package = grants_360giving(applications, title=title)
        if not package["grants"]:
            raise CommandError(_("No awarded grant to export: a 360Giving package holds at least one grant."))
        text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
        if out is None:
            self.stdout.write(text, ending="")
            return
        out.write_text(text, encoding="utf-8")
        self.stderr.write(
            _("%(count)d grants written to %(file)s.") % {"count": len(package["grants"]), "file": out}
        )
