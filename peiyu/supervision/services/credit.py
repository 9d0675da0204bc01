"""Proposals, their decisions, sanctions and the credit lists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit, options
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.orgs import services as registry
from peiyu.orgs.models import Organization
from peiyu.supervision import rules
from peiyu.supervision.docx import issue_decision
from peiyu.supervision.models import (
    LISTING_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    CreditList,
    Grade,
    GradeStatus,
    Listing,
    ListingGround,
    ListingStatus,
    Proposal,
    ProposalAction,
    ProposalStatus,
    Sanction,
    SanctionKind,
)
from peiyu.supervision.options import ABNORMAL_AUTO_REMOVAL_MONTHS, REMOVAL_WORKING_DAYS
from peiyu.supervision.services.common import event, locked, move

# Grounds whose listing ends by itself after six months (nothing to rectify).
NOTHING_TO_RECTIFY = {ListingGround.WARNING_OR_SMALL_FINE, ListingGround.UNREACHABLE}


@dataclass
class RunResult:
    found: int
    created: int


@audit.service("supervision.run_rules")
def run_rules(
    *, today: datetime.date | None = None, dry_run: bool = False, by: User | None = None
) -> RunResult:
    """Turn the history into proposals; a rerun adds only what is new (each proposal has a key).
    Also ends abnormal-activity listings whose six months have passed."""
    today = today or timezone.localdate()
    drafts = list(rules.run(today))
    if dry_run:
        existing = set(Proposal.objects.values_list("key", flat=True))
        new = len({d.key for d in drafts} - existing)
        return RunResult(found=len(drafts), created=new)
    bases = {rule: rules.basis(rule) for rule in rules.RULES}  # once per run, not per proposal
    before = Proposal.objects.count()
    rows = [
        Proposal(
            organization_id=d.organization_id,
            rule=d.rule,
            action=d.action,
            key=d.key,
            facts=d.facts,
            basis=bases[d.rule],
        )
        for d in drafts
    ]
    Proposal.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    created = Proposal.objects.count() - before
    expire_listings(today=today, by=by)
    audit.record(
        event="supervision.run_rules",
        target_model=Proposal,
        target_repr=str(today),
        data={"found": len(drafts), "created": created},
    )
    return RunResult(found=len(drafts), created=created)


TITLES = {
    ProposalAction.WARNING: "警告决定书",
    ProposalAction.REVOCATION: "撤销登记决定书",
    ProposalAction.DOWNGRADE: "评估等级降级决定书",
    ProposalAction.ABNORMAL_LIST: "列入活动异常名录决定书",
    ProposalAction.SERIOUS_LIST: "列入严重违法失信名单决定书",
    ProposalAction.REMOVAL: "移出名单决定书",
}


def _may_decide(proposal: Proposal, by: User) -> None:
    if not by.has_perm("supervision.decide_proposal"):
        raise PermissionRefused(_("You may not decide supervision proposals."))
    if not Proposal.objects.visible_to(by).filter(pk=proposal.pk).exists():
        raise PermissionRefused(_("This proposal is outside your scope."))


@audit.service("supervision.decide_proposal")
def decide_proposal(
    proposal: Proposal, *, accept: bool, note: str, by: User, seen_version: int | None = None
) -> Proposal:
    """Accept (carry out what the rule proposes) or reject (with the reason); either way the
    decision is issued as a Word document."""
    _may_decide(proposal, by)
    current = locked(proposal, seen_version=seen_version)
    if not accept and not note.strip():
        raise DomainError(_("Give the reason for not following the proposal."))
    if current.status != ProposalStatus.PENDING:
        raise DomainError(_("This proposal was already decided."))
    title = TITLES[ProposalAction(current.action)] if accept else "监管建议不予采纳决定书"
    if accept and current.action == ProposalAction.REVOCATION:
        # The decision comes first: the registry's revocation keeps it as the signed decision.
        decision = f"撤销{current.organization.name}的登记。"
        document = issue_decision(current, title=title, decision=decision, note=note, by=by)
        _revoke(current, decision_document=bytes(document.content), by=by)
    else:
        decision = (
            _carry_out(current, note=note, by=by)
            if accept
            else _("not to follow the proposal: %(note)s") % {"note": note}
        )
        document = issue_decision(current, title=title, decision=decision, note=note, by=by)
    if accept and current.action == ProposalAction.WARNING:
        # The warning's decision number is the document's.
        _number_warning(current, document.number, by)
    current.document = document
    current.decided_by = by
    current.decided_at = timezone.now()
    current.note = note
    current.save(update_fields=["document", "decided_by", "decided_at", "note"])
    return move(
        current,
        to=ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED,
        transitions=PROPOSAL_TRANSITIONS,
        by=by,
        note=note,
    )


def _number_warning(proposal: Proposal, number: str, by: User) -> None:
    latest = (
        Sanction.objects.filter(
            organization=proposal.organization, kind=SanctionKind.WARNING, reference="", recorded_by=by
        )
        .order_by("-pk")
        .first()
    )
    if latest is not None:
        latest.reference = number
        latest.save(update_fields=["reference"])


def _revoke(proposal: Proposal, *, decision_document: bytes, by: User) -> None:
    if not by.has_perm("orgs.revoke_organization"):
        raise PermissionRefused(_("You may not revoke registrations."))
    registry.revoke_organization(
        proposal.organization,
        reason="；".join(proposal.facts),
        basis=proposal.basis,
        attachment=decision_document,
        attachment_name="监管处理决定书.docx",
        by=by,
    )


def _carry_out(proposal: Proposal, *, note: str, by: User) -> str:
    organization = proposal.organization
    today = timezone.localdate()
    action = proposal.action
    if action == ProposalAction.WARNING:
        sanction = Sanction.objects.create(
            organization=organization,
            kind=SanctionKind.WARNING,
            decided_on=today,
            reason="\n".join(proposal.facts),
            recorded_by=by,
        )
        event(subject=sanction, action="sanction", by=by, note=sanction.get_kind_display())
        return f"给予{organization.name}警告。"
    if action == ProposalAction.DOWNGRADE:
        grade = Grade.objects.valid(today).filter(organization=organization).first()
        if grade is None:
            raise DomainError(_("The organization holds no valid grade to lower."))
        grade.status = GradeStatus.DOWNGRADED if grade.level > 1 else GradeStatus.REVOKED
        grade.ended_on, grade.end_reason = today, "；".join(proposal.facts)[:200]
        grade.save(update_fields=["status", "ended_on", "end_reason"])
        if grade.level > 1:
            Grade.objects.create(
                organization=organization,
                level=grade.level - 1,
                awarded_on=today,
                valid_until=grade.valid_until,
            )
        return (
            f"将{organization.name}的评估等级由{grade.level}A降为{grade.level - 1}A。"
            if grade.level > 1
            else f"撤销{organization.name}的评估等级。"
        )
    if action in (ProposalAction.ABNORMAL_LIST, ProposalAction.SERIOUS_LIST):
        kind = CreditList.ABNORMAL if action == ProposalAction.ABNORMAL_LIST else CreditList.SERIOUS
        ground = rules.RULES[proposal.rule][1]
        listing = Listing.objects.create(
            organization=organization,
            list=kind,
            ground=ground,
            details="\n".join(proposal.facts),
            needs_rectification=ground not in NOTHING_TO_RECTIFY,
            notified_on=today,
            proposal=proposal,
            created_by=by,
        )
        event(subject=listing, action="notified", by=by, to_status=ListingStatus.NOTIFIED, note=note)
        return f"将{organization.name}列入{CreditList(kind).label}（已书面告知，告知期满后列入）。"
    if action == ProposalAction.REMOVAL:
        for listing in Listing.objects.filter(
            organization=organization, list=CreditList.SERIOUS, status=ListingStatus.LISTED
        ):
            remove_listing(listing, reason=_("Two clean years."), by=by)
        return f"将{organization.name}移出严重违法失信名单。"
    raise DomainError(_("Unknown action."))


def _may_list(listing: Listing, by: User) -> None:
    if not by.has_perm("supervision.manage_listing"):
        raise PermissionRefused(_("You may not manage credit listings."))
    if not Listing.objects.visible_to(by).filter(pk=listing.pk).exists():
        raise PermissionRefused(_("This listing is outside your scope."))


@audit.service("supervision.confirm_listing")
def confirm_listing(listing: Listing, *, by: User, seen_version: int | None = None) -> Listing:
    """After the written notice: the organization is on the list from today."""
    _may_list(listing, by)
    current = locked(listing, seen_version=seen_version)
    current.listed_on = timezone.localdate()
    current.save(update_fields=["listed_on"])
    return move(current, to=ListingStatus.LISTED, transitions=LISTING_TRANSITIONS, by=by)


@audit.service("supervision.record_rectification")
def record_rectification(listing: Listing, *, on: datetime.date, by: User) -> Listing:
    _may_list(listing, by)
    current = locked(listing)
    if current.status != ListingStatus.LISTED:
        raise DomainError(_("Only a current listing can be rectified."))
    current.rectified_on = on
    current.version += 1
    current.save(update_fields=["rectified_on", "version"])
    event(subject=current, action="rectified", by=by, note=str(on))
    return current


@audit.service("supervision.remove_listing")
def remove_listing(
    listing: Listing, *, reason: str, by: User | None, on: datetime.date | None = None
) -> Listing:
    if by is not None:
        _may_list(listing, by)
    if not reason.strip():
        raise DomainError(_("Give the reason for the removal."))
    current = locked(listing)
    current.removed_on = on or timezone.localdate()
    current.removal_reason = reason.strip()[:200]
    current.save(update_fields=["removed_on", "removal_reason"])
    return move(current, to=ListingStatus.REMOVED, transitions=LISTING_TRANSITIONS, by=by, note=reason)


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """Working days are Monday to Friday (public holidays are not modelled)."""
    while days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def removal_due(listing: Listing) -> datetime.date | None:
    """When a rectified listing must be removed by (5 working days, a setting)."""
    if listing.rectified_on is None or listing.status != ListingStatus.LISTED:
        return None
    days = options.value_of(REMOVAL_WORKING_DAYS.key, listing.organization.region_id)
    return add_working_days(listing.rectified_on, days)


def expiry_of(listing: Listing) -> datetime.date | None:
    """When an abnormal-activity listing that needs no rectification ends by itself."""
    if listing.list != CreditList.ABNORMAL or listing.needs_rectification or listing.listed_on is None:
        return None
    months = options.value_of(ABNORMAL_AUTO_REMOVAL_MONTHS.key, listing.organization.region_id)
    month = listing.listed_on.month - 1 + months
    year, month = listing.listed_on.year + month // 12, month % 12 + 1
    for day in (listing.listed_on.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(listing.listed_on)


def expire_listings(*, today: datetime.date, by: User | None) -> int:
    """End the abnormal-activity listings whose six months are over (on the day itself)."""
    ended = 0
    candidates = Listing.objects.filter(
        list=CreditList.ABNORMAL, status=ListingStatus.LISTED, needs_rectification=False
    ).select_related("organization")
    for listing in candidates:
        expiry = expiry_of(listing)
        if expiry is not None and expiry <= today:
            remove_listing(
                listing, reason=_("Six months after listing, nothing to rectify."), by=None, on=today
            )
            ended += 1
    return ended


@audit.service("supervision.record_sanction")
def record_sanction(
    *,
    organization: Organization,
    kind: str,
    decided_on: datetime.date,
    by: User,
    amount: Decimal | None = None,
    reference: str = "",
    reason: str = "",
) -> Sanction:
    if (
        not by.has_perm("supervision.record_sanction")
        or not Organization.objects.visible_to(by).filter(pk=organization.pk).exists()
    ):
        raise PermissionRefused(_("You may not record sanctions for this organization."))
    if kind == SanctionKind.FINE and not amount:
        raise DomainError(_("A fine states its amount."))
    if decided_on > timezone.localdate():
        raise DomainError(_("A sanction is recorded once decided."))
    sanction = Sanction.objects.create(
        organization=organization,
        kind=kind,
        amount=amount,
        decided_on=decided_on,
        reference=reference,
        reason=reason,
        recorded_by=by,
    )
    event(subject=sanction, action="sanction", by=by, note=f"{sanction.get_kind_display()} {reference}")
    return sanction
