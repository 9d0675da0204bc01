"""Contracts (签约) and their tranches (拨付), gated by mid-term and final evaluations; progress
reports and the beneficiaries' satisfaction."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.funding.models import Application, Contract, Round, Tranche
from peiyu.funding.services.common import event
from peiyu.orgs.docx import next_number

CENT = Decimal("0.01")


def split(amount: Decimal, percents: list[int]) -> list[Decimal]:
    """Tranche amounts for the shares, to the cent; the last takes what rounding left over so
    they add up to the amount exactly."""
    parts = [(amount * p / 100).quantize(CENT, ROUND_DOWN) for p in percents[:-1]]
    return [*parts, amount - sum(parts, Decimal(0))]


def draft_contract(application: Application, *, round: Round, by: User) -> Contract:
    """The contract of an awarded application (called inside ``conclude_notice``): numbered in
    the authority's 购 series, three-party when the round has a supervising third party, with a
    tranche per milestone of the round."""
    amount = application.awarded or application.requested
    starts_on = application.starts_on or round.closes_on
    ends_on = application.ends_on or starts_on.replace(year=starts_on.year + 1)
    contract = Contract.objects.create(
        application=application,
        number=next_number(round.region, "funding"),
        amount=amount,
        three_party=round.supervisor_id is not None,
        supervisor_id=round.supervisor_id,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    percents = [int(row["percent"]) for row in round.tranches]
    Tranche.objects.bulk_create(
        [
            Tranche(
                contract=contract,
                position=i,
                milestone=row["milestone"],
                percent=row["percent"],
                amount=value,
            )
            for i, (row, value) in enumerate(
                zip(round.tranches, split(amount, percents), strict=True), start=1
            )
        ]
    )
    event(
        subject=contract, action="drafted", by=by, round=round, note=_("%(amount)s yuan") % {"amount": amount}
    )
    return contract
