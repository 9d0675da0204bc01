"""Import organizations from a spreadsheet, through the same checks as the back-office."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError
from peiyu.orgs import importing, services


class Command(BaseCommand):
    help = "Import organizations from .xlsx, .xls or .csv; all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every row; write nothing.")
        parser.add_argument(
            "--as",
            dest="username",
            default=None,
            help="Import as this account: its area limits the region codes and it is the actor in the audit trail.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        user = None
        if options["username"]:
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(_("%(name)s: no such active account") % {"name": options["username"]})
        data = path.read_bytes()
        checked = importing.read_and_check(data, path.name, importing.regions_for(user))
        if checked.errors:
            for error in checked.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(count)d errors; nothing was imported.") % {"count": len(checked.errors)})
        if options["dry_run"]:
            self.stdout.write(
                _("All %(count)d rows passed; nothing written (--dry-run).") % {"count": len(checked.records)}
            )
            return
        try:
            created = services.import_records(checked.records, by=user, source_name=path.name)
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(_("%(count)d organizations were imported.") % {"count": created})
        )
