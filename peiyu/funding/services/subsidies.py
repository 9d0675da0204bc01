"""Per-case mediation subsidies (调解个案补贴, seed 000 五(二)): one subsidy per successful
mediation case, raised at the local amount, then paid with a date and voucher or cancelled."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.options import value_of
from peiyu.funding import options
from peiyu.funding.models import CASE_SUBSIDY_TRANSITIONS, CaseSubsidy, CaseSubsidyStatus
from peiyu.funding.services.common import event, locked, move, require, require_region
from peiyu.orgs.models import Organization
from peiyu.regions.models import Region

ADD = "funding.add_casesubsidy"
PAY = "funding.pay_case_subsidy"


def default_amount(region: Region | str) -> Decimal:
    """The local per-case amount (setting ``funding.case_subsidy``) in effect for the region."""
    code = region if isinstance(region, str) else region.code
    return Decimal(value_of(options.CASE_SUBSIDY.key, code))


def _taken(case_reference: str) -> DomainError:
    existing = CaseSubsidy.objects.filter(case_reference=case_reference).first()
    if existing is None:
        return DomainError(_("Case %(case)s already has a subsidy.") % {"case": case_reference})
    return DomainError(
        _(
            "Case %(case)s already has a subsidy (%(status)s, raised on %(date)s for %(payee)s); "
            "a case is subsidised once."
        )
        % {
            "case": case_reference,
            "status": existing.get_status_display(),
            "date": existing.raised_on,
            "payee": existing.payee_name,
        }
    )


@audit.service("funding.raise_case_subsidy")
def raise_case_subsidy(
    *,
    region: Region,
    case_reference: str,
    case_title: str,
    payee_name: str,
    by: User | None,
    payee: Organization | None = None,
    amount: Decimal | None = None,
    raised_on: datetime.date | None = None,
) -> CaseSubsidy:
    """Grant the subsidy for one successful mediation case, once per case.

    Staff entering a case by hand need ``funding.add_casesubsidy`` and the case's region in
    their scope. The mediation cases of the activities app call this when a case is closed as
    successfully mediated, with ``by=None`` (an automatic feed; no permission is checked, so
    the caller answers for the case being real and successful), ``case_reference`` set to the
    case's own stable reference, ``region`` the village or town where it was mediated, and
    ``payee``/``payee_name`` the mediation committee or organization that handled it. Leave
    ``amount`` out to pay the local setting ``funding.case_subsidy`` in effect for the region.
    A second call for the same case raises ``DomainError`` and changes nothing, so the feed
    may retry safely; call it inside the case's own transaction so that both stand or fall
    together."""
    if by is not None:
        require(by, ADD)
        require_region(by, region.code)
    reference, title = case_reference.strip(), case_title.strip()
    name = payee_name.strip() or (payee.name if payee is not None else "")
    if not reference or not title:
        raise DomainError(_("Name the case by its reference and say what the dispute was."))
    if not name:
        raise DomainError(_("Name the mediation committee or organization to be paid."))
    today = timezone.localdate()
    raised_on = raised_on or today
    if raised_on > today:
        raise DomainError(_("The date raised cannot be in the future."))
    amount = default_amount(region) if amount is None else amount
    if amount <= 0:
        raise DomainError(_("The amount is more than zero."))
    if CaseSubsidy.objects.filter(case_reference=reference).exists():
        raise _taken(reference)
    try:
        # A savepoint: two raises of one case at once leave one row and a clear refusal.
        with transaction.atomic():
            subsidy = CaseSubsidy.objects.create(
                region=region,
                case_reference=reference,
                case_title=title,
                payee=payee,
                payee_name=name,
                amount=amount,
                raised_on=raised_on,
            )
    except IntegrityError:
        raise _taken(reference) from None
    event(subject=subsidy, action="granted", by=by, to_status=subsidy.status, note=f"{amount}")
    return subsidy


@audit.service("funding.pay_case_subsidy")
def pay_case_subsidy(
    subsidy: CaseSubsidy,
    *,
    paid_on: datetime.date,
    voucher: str,
    by: User,
    seen_version: int | None = None,
) -> CaseSubsidy:
    """Record the payment of a granted subsidy, with its date and voucher number."""
    require(by, PAY)
    require_region(by, subsidy.region_id)
    subsidy = locked(subsidy, seen_version=seen_version)
    if paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."))
    if paid_on < subsidy.raised_on:
        raise DomainError(
            _("The subsidy was raised on %(date)s; it cannot be paid before.") % {"date": subsidy.raised_on}
        )
    if not voucher.strip():
        raise DomainError(_("Enter the payment voucher number."))
    subsidy.paid_on = paid_on
    subsidy.voucher = voucher.strip()
    return move(
        subsidy,
        to=CaseSubsidyStatus.PAID,
        transitions=CASE_SUBSIDY_TRANSITIONS,
        by=by,
        note=subsidy.voucher,
        fields=("paid_on", "voucher"),
    )


@audit.service("funding.cancel_case_subsidy")
def cancel_case_subsidy(
    subsidy: CaseSubsidy, *, reason: str, by: User, seen_version: int | None = None
) -> CaseSubsidy:
    """Cancel a granted subsidy (a case entered twice under two references, a mediation
    later found void); it stays on record with the reason and counts no more."""
    require(by, PAY)
    require_region(by, subsidy.region_id)
    subsidy = locked(subsidy, seen_version=seen_version)
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."))
    subsidy.cancel_reason = reason.strip()
    return move(
        subsidy,
        to=CaseSubsidyStatus.CANCELLED,
        transitions=CASE_SUBSIDY_TRANSITIONS,
        by=by,
        note=subsidy.cancel_reason,
        fields=("cancel_reason",),
    )
