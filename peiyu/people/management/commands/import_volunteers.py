"""Import volunteers (or, with --hours, service hours) from a spreadsheet, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError
from peiyu.people import importing


class Command(BaseCommand):
    help = "Import volunteers or service hours from .xlsx/.xls/.csv; any error means nothing is written."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--hours", action="store_true", help="The file holds service hours, not volunteers."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row and write nothing.")
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="Act as this account (its scope applies); default: a superuser.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        kind = "hours" if options["hours"] else "volunteers"
        user = self._actor(options["username"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        checked = importing.check(kind, path.read_bytes(), path.name, user)
        for error in checked.errors:
            self.stderr.write(str(error))
        if checked.errors:
            raise CommandError(_("%(count)d errors; nothing was imported.") % {"count": len(checked.errors)})
        if options["dry_run"]:
            self.stdout.write(
                _("All %(count)d rows passed; nothing written (--dry-run).") % {"count": len(checked.records)}
            )
            return
        try:
            created = importing.confirm(kind, checked.records, by=user, source_name=path.name)
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(_("%(count)d rows were imported.") % {"count": created}))

    def _actor(self, username: str) -> User:
        accounts = User.objects.filter(is_active=True)
        user = (
            accounts.filter(username=username).first()
            if username
            else accounts.filter(is_superuser=True).first()
        )
        if user is None:
            raise CommandError(_("Name an active account with --as; its scope and organizations apply."))
        return user
