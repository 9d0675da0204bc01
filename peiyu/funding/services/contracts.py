"""Contracts (签约) and their tranches (拨付), gated by mid-term and final evaluations; progress
reports and the beneficiaries' satisfaction."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.options import value_of
from peiyu.funding import options
from peiyu.funding.models import (
    CONTRACT_TRANSITIONS,
    TRANCHE_TRANSITIONS,
    Application,
    Contract,
    ContractStatus,
    Evaluation,
    Milestone,
    ProgressReport,
    Round,
    SatisfactionResponse,
    Stage,
    Tranche,
    TrancheStatus,
)
from peiyu.funding.services.common import event, locked, move, require, require_region
from peiyu.lib.dates import add_months
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
    ends_on = application.ends_on or add_months(starts_on, 12) - datetime.timedelta(days=1)
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


def _require_staff(by: User, contract: Contract, permission: str) -> None:
    require(by, permission)
    require_region(by, contract.application.round.region_id)


@audit.service("funding.sign_contract")
def sign_contract(contract: Contract, *, signed_on: datetime.date, by: User) -> Contract:
    """Record the signing; the first tranche (on signing) is released for payment."""
    _require_staff(by, contract, "funding.change_contract")
    contract = locked(contract)
    if signed_on > timezone.localdate():
        raise DomainError(_("The signing date cannot be in the future."))
    contract.signed_on = signed_on
    move(
        contract,
        to=ContractStatus.SIGNED,
        transitions=CONTRACT_TRANSITIONS,
        by=by,
        round=contract.application.round,
        note=str(signed_on),
        fields=("signed_on",),
    )
    _release(contract, Milestone.SIGNING, by=by)
    return contract


def _release(contract: Contract, milestone: str, *, by: User) -> None:
    for tranche in contract.tranches.filter(
        milestone=milestone, status__in=[TrancheStatus.WAITING, TrancheStatus.HELD]
    ):
        tranche.hold_reason = ""
        move(
            tranche,
            to=TrancheStatus.DUE,
            transitions=TRANCHE_TRANSITIONS,
            by=by,
            round=contract.application.round,
            fields=("hold_reason",),
        )


def _hold(contract: Contract, *, reason: str, by: User) -> None:
    for tranche in contract.tranches.filter(status__in=[TrancheStatus.WAITING, TrancheStatus.DUE]):
        tranche.hold_reason = reason
        move(
            tranche,
            to=TrancheStatus.HELD,
            transitions=TRANCHE_TRANSITIONS,
            by=by,
            round=contract.application.round,
            note=reason,
            fields=("hold_reason",),
        )


@audit.service("funding.pay_tranche")
def pay_tranche(tranche: Tranche, *, paid_on: datetime.date, voucher: str, by: User) -> Tranche:
    """Pay a released tranche (date not in the future, voucher required). A tranche waiting for
    its evaluation, or held after a failed one, cannot be paid."""
    _require_staff(by, tranche.contract, "funding.pay_tranche")
    # The contract's lock first, as evaluations take it: a payment and an evaluation that
    # holds the tranches cannot cross.
    contract = locked(tranche.contract)
    tranche = locked(tranche)
    if tranche.status == TrancheStatus.WAITING:
        raise DomainError(
            _("This tranche is released only by its milestone (%(milestone)s).")
            % {"milestone": tranche.get_milestone_display()}
        )
    if tranche.status == TrancheStatus.HELD:
        raise DomainError(_("Payment is stopped: %(reason)s") % {"reason": tranche.hold_reason})
    if not voucher.strip():
        raise DomainError(_("Enter the payment voucher number."))
    if paid_on > timezone.localdate() or (contract.signed_on and paid_on < contract.signed_on):
        raise DomainError(_("The payment date must lie between the signing and today."))
    tranche.paid_on, tranche.voucher = paid_on, voucher.strip()
    return move(
        tranche,
        to=TrancheStatus.PAID,
        transitions=TRANCHE_TRANSITIONS,
        by=by,
        round=contract.application.round,
        note=f"{tranche.amount} · {voucher.strip()}",
        fields=("paid_on", "voucher"),
    )


# The milestones a passed evaluation of each stage has reached: passing again after a failure
# also frees the earlier tranches the failure held.
REACHED = {
    Stage.MID_TERM: (Milestone.SIGNING, Milestone.MID_TERM),
    Stage.FINAL: (Milestone.SIGNING, Milestone.MID_TERM, Milestone.FINAL),
}


def beneficiary_score(contract: Contract) -> tuple[Decimal | None, int]:
    """The beneficiaries' score out of 100 from the satisfaction responses (the mean of both
    questions, 5 = 100), and how many responded."""
    rows = list(contract.responses.values_list("rating", "helpful"))
    if not rows:
        return None, 0
    mean = Decimal(sum(r + h for r, h in rows)) / (2 * len(rows))
    return (mean * 20).quantize(CENT, ROUND_HALF_UP), len(rows)


@audit.service("funding.record_evaluation")
def record_evaluation(
    contract: Contract,
    *,
    stage: str,
    purchaser_score: Decimal,
    third_party_score: Decimal,
    third_party: str,
    summary: str,
    evaluated_on: datetime.date,
    by: User,
    beneficiary_score_override: Decimal | None = None,
) -> Evaluation:
    """Record a mid-term or final evaluation: the purchaser's, the beneficiaries' (from the
    satisfaction responses unless entered from a paper survey) and the third party's scores,
    weighted by the local setting. Passing releases the stage's tranche (the final one also
    completes the contract); failing holds every unpaid tranche and stops the contract."""
    _require_staff(by, contract, "funding.add_evaluation")
    contract = locked(contract)
    round = contract.application.round
    if contract.status not in {ContractStatus.SIGNED, ContractStatus.STOPPED}:
        raise DomainError(_("Evaluations follow the signing."))
    if stage not in Stage.values:
        raise DomainError(_("Unknown evaluation stage."))
    if (
        stage == Stage.FINAL
        and not contract.evaluations.filter(stage=Stage.MID_TERM, passed=True).exists()
        and (any(row["milestone"] == Milestone.MID_TERM for row in round.tranches))
    ):
        raise DomainError(_("The final evaluation comes after a passed mid-term evaluation."))
    if contract.evaluations.filter(stage=stage, passed=True).exists():
        raise DomainError(_("This stage has been evaluated and passed already."))
    if not third_party.strip() or not summary.strip():
        raise DomainError(_("Name the third-party evaluator and write the findings."))
    if evaluated_on > timezone.localdate():
        raise DomainError(_("The evaluation date cannot be in the future."))
    beneficiaries, responses = beneficiary_score(contract)
    if beneficiary_score_override is not None:
        beneficiaries = beneficiary_score_override
    if beneficiaries is None:
        raise DomainError(
            _("No beneficiary has answered the satisfaction form yet; enter the survey's score.")
        )
    scores = (purchaser_score, beneficiaries, third_party_score)
    if any(not 0 <= s <= 100 for s in scores):
        raise DomainError(_("Scores run from 0 to 100."))
    weights = [int(w) for w in value_of(options.EVALUATION_WEIGHTS.key, round.region_id)]
    total = (sum((Decimal(w) * s for w, s in zip(weights, scores, strict=True)), Decimal(0)) / 100).quantize(
        CENT, ROUND_HALF_UP
    )
    passed = total >= Decimal(value_of(options.EVALUATION_PASS_MARK.key, round.region_id))
    evaluation = Evaluation.objects.create(
        contract=contract,
        stage=stage,
        purchaser_score=purchaser_score,
        beneficiary_score=beneficiaries,
        beneficiary_responses=responses,
        third_party_score=third_party_score,
        third_party=third_party.strip(),
        weights={"purchaser": weights[0], "beneficiaries": weights[1], "third_party": weights[2]},
        total=total,
        passed=passed,
        summary=summary.strip(),
        evaluated_on=evaluated_on,
        recorded_by=by,
    )
    label = Stage(stage).label
    event(
        subject=contract,
        action=f"{stage}_{'passed' if passed else 'failed'}",
        by=by,
        round=round,
        note=f"{label} {total}",
    )
    if passed:
        if contract.status == ContractStatus.STOPPED:
            move(
                contract,
                to=ContractStatus.SIGNED,
                transitions=CONTRACT_TRANSITIONS,
                by=by,
                round=round,
                note=_("Passed on re-evaluation"),
            )
        for milestone in REACHED[Stage(stage)]:
            _release(contract, milestone, by=by)
        # A later tranche held by the failure, now made good, waits for its own milestone again.
        for tranche in contract.tranches.filter(status=TrancheStatus.HELD):
            tranche.hold_reason = ""
            move(
                tranche,
                to=TrancheStatus.WAITING,
                transitions=TRANCHE_TRANSITIONS,
                by=by,
                round=round,
                fields=("hold_reason",),
            )
        if stage == Stage.FINAL:
            move(contract, to=ContractStatus.COMPLETED, transitions=CONTRACT_TRANSITIONS, by=by, round=round)
    else:
        reason = _("The %(stage)s scored %(total)s, below the pass mark.") % {"stage": label, "total": total}
        _hold(contract, reason=reason, by=by)
        if contract.status == ContractStatus.SIGNED:
            move(
                contract,
                to=ContractStatus.STOPPED,
                transitions=CONTRACT_TRANSITIONS,
                by=by,
                round=round,
                note=reason,
            )
    return evaluation


@audit.service("funding.submit_progress_report")
def submit_progress_report(
    contract: Contract,
    *,
    period: str,
    text: str,
    by: User,
    activities: int = 0,
    people_served: int = 0,
    spent: Decimal = Decimal(0),
    problems: str = "",
) -> ProgressReport:
    """The organization reports on its funded project (monthly or quarterly)."""
    require(by, "funding.add_progressreport")
    if not Contract.objects.visible_to(by).filter(pk=contract.pk).exists():
        raise PermissionRefused(_("You may not report on this project."))
    if contract.status == ContractStatus.DRAFT:
        raise DomainError(_("Reports start once the contract is signed."))
    if not period.strip() or not text.strip():
        raise DomainError(_("Name the period and describe the progress."))
    if spent < 0 or spent > contract.amount:
        raise DomainError(_("Spending to date runs from 0 to the contract amount."))
    report = ProgressReport.objects.create(
        contract=contract,
        period=period.strip(),
        text=text.strip(),
        problems=problems.strip(),
        activities=activities,
        people_served=people_served,
        spent=spent,
        submitted_by=by,
    )
    event(subject=report, action="submitted", by=by, round=contract.application.round, note=period.strip())
    return report


@audit.service("funding.comment_progress_report")
def comment_report(report: ProgressReport, *, comment: str, by: User) -> ProgressReport:
    _require_staff(by, report.contract, "funding.change_progressreport")
    if not comment.strip():
        raise DomainError(_("Write the comment."))
    report.comment = comment.strip()
    report.save(update_fields=["comment"])
    event(
        subject=report,
        action="commented",
        by=by,
        round=report.contract.application.round,
        note=comment.strip()[:200],
    )
    return report


@audit.service("funding.record_satisfaction")
def record_satisfaction(
    contract: Contract, *, rating: int, helpful: int, comment: str = ""
) -> SatisfactionResponse:
    """A beneficiary's answer on the portal (anonymous, reached by the contract's QR code)."""
    contract = Contract.objects.get(pk=contract.pk)
    if contract.status not in {ContractStatus.SIGNED, ContractStatus.STOPPED, ContractStatus.COMPLETED}:
        raise DomainError(_("This project is not delivering services yet."))
    if not (1 <= rating <= 5 and 1 <= helpful <= 5):
        raise DomainError(_("Choose from 1 to 5."))
    return SatisfactionResponse.objects.create(
        contract=contract, rating=rating, helpful=helpful, comment=comment.strip()[:300]
    )


@audit.service("funding.publish_results")
def publish_results(contract: Contract, *, by: User) -> Contract:
    """Publish the project's evaluation results on the portal (seed 001: 将评价结果向社会公布)."""
    _require_staff(by, contract, "funding.change_contract")
    contract = locked(contract)
    if not contract.evaluations.exists():
        raise DomainError(_("There is no evaluation to publish yet."))
    contract.results_published = True
    contract.version += 1
    contract.save(update_fields=["results_published", "version"])
    event(subject=contract, action="published", by=by, round=contract.application.round)
    return contract
