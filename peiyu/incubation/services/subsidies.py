"""Subsidies as payment records: the start-up subsidy granted once on registration, residency
subsidies capped per resident and year, then paid with a date and voucher or cancelled."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.options import value_of
from peiyu.incubation import options
from peiyu.incubation.models import (
    SUBSIDY_TRANSITIONS,
    Residency,
    Subsidy,
    SubsidyKind,
    SubsidyStatus,
)
from peiyu.incubation.services.common import event, locked, move, require
from peiyu.orgs.models import Organization


def residency_subsidy_room(residency: Residency, year: int) -> Decimal:
    """What a resident can still be granted in residency subsidies for ``year``: the cap less
    what is granted or paid (to the organization across incubators, else to this residency)."""
    cap = Decimal(value_of(options.RESIDENCY_SUBSIDY_CAP.key, residency.incubator.region_id))
    same = (
        Q(organization_id=residency.organization_id) if residency.organization_id else Q(residency=residency)
    )
    used = Subsidy.objects.counted().filter(same, kind=SubsidyKind.RESIDENCY, year=year).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    return max(cap - used, Decimal(0))


@audit.service("incubation.grant_residency_subsidy")
def grant_residency_subsidy(
    residency: Residency, *, amount: Decimal, year: int, by: User, period: str = "", note: str = ""
) -> Subsidy:
    require(by, "incubation.pay_subsidy")
    # The residency row's lock serializes two officers granting at once, so the cap holds.
    residency = locked(residency)
    if amount <= 0:
        raise DomainError(_("The amount is more than zero."))
    last = residency.ended_on or residency.planned_end_on
    if not residency.started_on.year <= year <= last.year:
        raise DomainError(
            _("%(name)s was not in residence in %(year)s.") % {"name": residency.name, "year": year}
        )
    room = residency_subsidy_room(residency, year)
    if amount > room:
        raise DomainError(
            _("This exceeds the yearly cap: %(name)s can receive %(room)s yuan more in %(year)s.")
            % {"name": residency.name, "room": f"{room:,.2f}", "year": year}
        )
    subsidy = Subsidy.objects.create(
        kind=SubsidyKind.RESIDENCY,
        incubator_id=residency.incubator_id,
        residency=residency,
        organization_id=residency.organization_id,
        year=year,
        amount=amount,
        period=period,
        note=note,
        granted_by=by,
    )
    event(
        subject=subsidy,
        action="granted",
        by=by,
        residency=residency,
        to_status=subsidy.status,
        note=f"{amount}",
    )
    return subsidy


def grant_startup_subsidy(
    residency: Residency, *, organization: Organization, by: User | None
) -> Subsidy | None:
    """Grant the start-up subsidy once per organization, when a graduate registers (called by
    graduation inside its transaction)."""
    if Subsidy.objects.counted().filter(kind=SubsidyKind.STARTUP, organization=organization).exists():
        return None
    amount = Decimal(value_of(options.STARTUP_SUBSIDY.key, residency.incubator.region_id))
    subsidy = Subsidy.objects.create(
        kind=SubsidyKind.STARTUP,
        incubator_id=residency.incubator_id,
        residency=residency,
        organization=organization,
        year=timezone.localdate().year,
        amount=amount,
        granted_by=by if by is not None and by.pk else None,
    )
    event(
        subject=subsidy,
        action="granted",
        by=by,
        residency=residency,
        to_status=subsidy.status,
        note=f"{amount}",
    )
    return subsidy


@audit.service("incubation.pay_subsidy")
def pay_subsidy(
    subsidy: Subsidy, *, paid_on: datetime.date, voucher: str, by: User, seen_version: int | None = None
) -> Subsidy:
    require(by, "incubation.pay_subsidy")
    subsidy = locked(subsidy, seen_version=seen_version)
    if paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."))
    if not voucher.strip():
        raise DomainError(_("Enter the payment voucher number."))
    subsidy.paid_on = paid_on
    subsidy.voucher = voucher.strip()
    subsidy.paid_by = by
    return move(
        subsidy,
        to=SubsidyStatus.PAID,
        transitions=SUBSIDY_TRANSITIONS,
        by=by,
        residency=subsidy.residency,
        note=subsidy.voucher,
        fields=("paid_on", "voucher", "paid_by"),
    )


@audit.service("incubation.cancel_subsidy")
def cancel_subsidy(subsidy: Subsidy, *, reason: str, by: User, seen_version: int | None = None) -> Subsidy:
    require(by, "incubation.pay_subsidy")
    subsidy = locked(subsidy, seen_version=seen_version)
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."))
    subsidy.note = "\n".join(filter(None, [subsidy.note, reason]))
    return move(
        subsidy,
        to=SubsidyStatus.CANCELLED,
        transitions=SUBSIDY_TRANSITIONS,
        by=by,
        residency=subsidy.residency,
        note=reason,
        fields=("note",),
    )
