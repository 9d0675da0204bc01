from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.roles import ROLES
from peiyu.activities import demo as activities_demo
from peiyu.funding import demo as funding_demo
from peiyu.incubation import demo as incubation_demo
from peiyu.orgs import demo as orgs_demo
from peiyu.people import demo as people_demo
from peiyu.regions import demo as regions_demo
from peiyu.supervision import demo as supervision_demo


class Command(BaseCommand):
    help = (
        "Build the demo: 溧阳市 with its towns and villages, one account per role and about 300 "
        "organizations with their applications, and several thousand volunteers with two years of "
        "service hours, experts, social workers and legal advisers, two years of supervision, and the "
        "incubation centre with its town stations, residents and graduates (idempotent)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo accounts.")
        parser.add_argument(
            "--volunteers",
            type=int,
            default=people_demo.VOLUNTEERS,
            help="How many volunteers to make up (tests use fewer).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        regions_demo.build()
        accounts = accounts_demo.build()
        organizations = orgs_demo.build()
        volunteers = people_demo.build(volunteers=options["volunteers"])
        supervision = supervision_demo.build()
        incubation = incubation_demo.build()
        activities = activities_demo.build()
        funding = funding_demo.counts()  # after the mediations raised their subsidies
        if options["quiet"]:
            return
        self.stdout.write(f"\nDemo accounts (password for all: {accounts_demo.DEMO_PASSWORD})\n")
        for account, user in accounts:
            scope = user.region.path_name() if user.region else "own records"
            self.stdout.write(f"  {account.username:<10} {ROLES[account.role].label!s:<20} {scope}\n")
        self.stdout.write(f"\nRegistry: {organizations} organizations in 溧阳市\n")
        self.stdout.write(f"People: {volunteers} volunteers in 溧阳市\n")
        self.stdout.write(
            f"Supervision: {supervision['reports']} annual reports, {supervision['proposals']} proposals "
            f"({supervision['pending']} waiting), {supervision['listings']} credit listings, "
            f"{supervision['grades']} grades, {supervision['citizen_reports']} citizen reports in 溧阳市\n"
        )
        self.stdout.write(
            f"Incubation: {incubation['incubators']} incubators ({incubation['stations']} town stations), "
            f"{incubation['residents']} residents, {incubation['graduates']} graduates, "
            f"{incubation['waiting']} intake applications waiting, "
            f"{incubation['subsidies']:,} yuan in subsidies ({incubation['paid']:,} paid) in 溧阳市\n"
        )
        self.stdout.write(
            f"Funding: {funding['needs']} needs, {funding['rounds']} rounds, {funding['contracts']} contracts "
            f"({funding['awarded']:,} yuan, {funding['paid']:,} paid), {funding['reviews_waiting']} reviews "
            f"waiting, {funding['cases']} mediation subsidies in 溧阳市\n"
        )
        self.stdout.write(
            f"Activities: {activities['activities']} activities serving {activities['served']:,}, "
            f"{activities['cases']} mediation cases (handled {activities['handled_rate']}%, successful "
            f"{activities['success_rate']}%), {activities['halls']} deliberation halls in "
            f"{activities['villages']} villages, {activities['meetings']} meetings "
            f"({activities['published']} minutes published) in 溧阳市\n"
        )
