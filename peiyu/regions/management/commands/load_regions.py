from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from peiyu.lib.divisions import CodeError, prefix_of
from peiyu.regions.services import load_regions


class Command(BaseCommand):
    help = (
        "Load the shipped national division codes (2023) for a subtree, idempotently: "
        "--under 320481 for 溧阳市, --under 32 for Jiangsu, nothing for the whole country."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--under", default="", help="A 2-, 4-, 6-, 9- or 12-digit code.")

    def handle(self, *args: Any, **options: Any) -> None:
        under = options["under"].strip()
        if under:
            try:
                prefix_of(under)
            except CodeError as error:
                raise CommandError(str(error)) from None
        result = load_regions(under=under)
        if result.total == 0:
            raise CommandError(f"No region in the shipped data has a code starting with {under}.")
        self.stdout.write(
            f"regions under {result.under or 'the whole country'}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged in {result.seconds:.1f} s"
        )
