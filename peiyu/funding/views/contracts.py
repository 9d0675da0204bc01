"""Back-office pages of contracts (签约) and their delivery: the list with its amounts and export,
a contract's page (parties, tranches, evaluations, progress reports, the beneficiaries' QR code
and history), the Word contract, and the actions: sign, pay a tranche, record an evaluation,
report progress (the organization) or comment on a report (the office), publish the results.

County staff see the contracts of their region's rounds and act on them; an organization sees
its own contracts and reports on them. Anything out of reach answers 404."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.actions import with_message
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.options import value_of
from peiyu.core.paging import paginate, query_without_page
from peiyu.funding import docx, options
from peiyu.funding.forms.contracts import (
    CommentForm,
    ContractFilterForm,
    EvaluationForm,
    PayForm,
    ReportForm,
    SignForm,
    next_stage,
)
from peiyu.funding.models import (
    Contract,
    ContractQuerySet,
    ContractStatus,
    FundingEvent,
    ProgressReport,
    Tranche,
    TrancheStatus,
)
from peiyu.funding.services import contracts as services
from peiyu.lib.docx import docx_response
from peiyu.lib.qr import svg_response
from peiyu.lib.xlsx import sheets_bytes, xlsx_response
from peiyu.orgs.docx import office_name

VIEW = "funding.view_contract"
CHANGE = "funding.change_contract"
PAY = "funding.pay_tranche"
EVALUATE = "funding.add_evaluation"
REPORT = "funding.add_progressreport"
COMMENT = "funding.change_progressreport"
EXPORT_LIMIT = 5000
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)
AMOUNTS = ("amount", "paid", "to_pay", "held")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _contracts(user: User) -> ContractQuerySet:
    return Contract.objects.visible_to(user).for_listing()


def _contract(request: HttpRequest, pk: int) -> Contract:
    found: Contract = (
        _contracts(_user(request))
        .select_related("application__round__region", "application__area", "supervisor")
        .get_or_404(pk=pk)
    )
    return found


def _tranche_sum(status: str) -> Coalesce:
    return Coalesce(Sum("tranches__amount", filter=Q(tranches__status=status)), ZERO, output_field=MONEY)


def _to_contract(contract: Contract) -> HttpResponse:
    return redirect("funding:contract-detail", pk=contract.pk)


# The list


def _totals(contracts: ContractQuerySet) -> dict[str, Decimal]:
    """What the filtered contracts are worth and where their money stands, in two queries."""
    amount = contracts.order_by().aggregate(total=Coalesce(Sum("amount"), ZERO, output_field=MONEY))
    tranches = Tranche.objects.filter(contract__in=contracts.order_by().values("pk"))
    sums = tranches.aggregate(
        **{
            key: Coalesce(Sum("amount", filter=Q(status=status)), ZERO, output_field=MONEY)
            for key, status in (
                ("paid", TrancheStatus.PAID),
                ("to_pay", TrancheStatus.DUE),
                ("held", TrancheStatus.HELD),
            )
        }
    )
    return {"amount": amount["total"], **sums}


def _export(rows: Sequence[Contract], totals: dict[str, Decimal]) -> HttpResponse:
    headers = [
        _("Contract number"),
        pgettext("funding round", "Round"),
        _("Project"),
        _("Organization"),
        _("Credit code or filing number"),
        _("Three-party"),
        _("Service from"),
        _("Service until"),
        _("Signed on"),
        _("Status"),
        _("Amount (yuan)"),
        _("Paid (yuan)"),
        _("To pay (yuan)"),
        _("Held (yuan)"),
    ]
    values: list[Sequence[Any]] = [
        (
            c.number,
            c.application.round.title,
            c.application.title,
            c.application.organization.name,
            c.application.organization.code,
            _("Yes") if c.three_party else _("No"),
            c.starts_on,
            c.ends_on,
            c.signed_on,
            c.get_status_display(),
            c.amount,
            c.paid,  # type: ignore[attr-defined]
            c.to_pay,  # type: ignore[attr-defined]
            c.held,  # type: ignore[attr-defined]
        )
        for c in rows
    ]
    values.append((_("Total"), *[""] * 9, *(totals[key] for key in AMOUNTS)))
    return xlsx_response("购买服务合同.xlsx", sheets_bytes([(_("Contracts"), headers, values)]))


@login_required
@permission_required(VIEW, raise_exception=True)
def contract_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    user = _user(request)
    rounds = (
        Contract.objects.visible_to(user)
        .values_list("application__round_id", "application__round__title")
        .order_by("-application__round__year", "-application__round_id")
        .distinct()
    )
    form = ContractFilterForm(request.GET or None, rounds=list(rounds[:200]))
    matching = form.filter(_contracts(user))
    rows = matching.annotate(
        paid=_tranche_sum(TrancheStatus.PAID),
        to_pay=_tranche_sum(TrancheStatus.DUE),
        held=_tranche_sum(TrancheStatus.HELD),
    ).order_by("-application__round__year", "application__round_id", "number", "id")
    totals = _totals(matching)
    if request.GET.get("format") == "xlsx":
        listed = list(rows[: EXPORT_LIMIT + 1])
        if len(listed) > EXPORT_LIMIT:
            messages.error(
                request,
                _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT},
            )
            return redirect("funding:contract-list")
        return _export(listed, totals)
    query = query_without_page(request)
    context = {
        "form": form,
        "filtering": form.filtering,
        "page": paginate(request, rows),
        "query": query,
        "totals": totals,
    }
    return render(request, "funding/contract_list.html", context)


# A contract's page


def _history(contract: Contract, tranches: Iterable[Tranche], reports: Iterable[ProgressReport]) -> list[Any]:
    """The contract's own steps with those of its tranches and reports, oldest first; a
    tranche's steps say which tranche."""
    positions = {t.pk: t.position for t in tranches}
    events = list(
        FundingEvent.objects.filter(
            Q(subject="contract", subject_id=contract.pk)
            | Q(subject="tranche", subject_id__in=list(positions))
            | Q(subject="progressreport", subject_id__in=[r.pk for r in reports])
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    for event in events:
        if event.subject == "tranche":
            which = _("Tranche %(position)s") % {"position": positions.get(event.subject_id, "?")}
            event.note = f"{which}: {event.note}" if event.note else which
    return events


def _detail_context(request: HttpRequest, contract: Contract) -> dict[str, Any]:
    user, round = _user(request), contract.application.round
    tranches = list(contract.tranches.all())
    reports = list(contract.reports.select_related("submitted_by"))
    evaluations = list(contract.evaluations.select_related("recorded_by"))
    score, responses = services.beneficiary_score(contract)
    link = request.build_absolute_uri(reverse("portal:feedback", args=[contract.feedback_token]))
    money = {
        "paid": sum((t.amount for t in tranches if t.status == TrancheStatus.PAID), Decimal(0)),
        "to_pay": sum((t.amount for t in tranches if t.status == TrancheStatus.DUE), Decimal(0)),
        "held": sum((t.amount for t in tranches if t.status == TrancheStatus.HELD), Decimal(0)),
    }
    delivering = contract.status in {ContractStatus.SIGNED, ContractStatus.STOPPED}
    return {
        "contract": contract,
        "application": contract.application,
        "round": round,
        "purchaser": office_name(round.region),
        "tranches": tranches,
        "money": money,
        "evaluations": evaluations,
        "reports": reports,
        "outputs": list(contract.application.outputs.all()),
        "score": score,
        "responses": responses,
        "link": link,
        "weights": value_of(options.EVALUATION_WEIGHTS.key, round.region_id),
        "pass_mark": value_of(options.EVALUATION_PASS_MARK.key, round.region_id),
        "events": _history(contract, tranches, reports),
        "sign": SignForm() if contract.status == ContractStatus.DRAFT and user.has_perm(CHANGE) else None,
        "may_pay": user.has_perm(PAY),
        "may_evaluate": delivering and user.has_perm(EVALUATE),
        "may_report": contract.status != ContractStatus.DRAFT and user.has_perm(REPORT),
        "may_comment": user.has_perm(COMMENT),
        "may_publish": bool(evaluations) and not contract.results_published and user.has_perm(CHANGE),
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def contract_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The contract's page; ``?print=card`` gives the A4 card with the satisfaction QR code."""
    contract = _contract(request, pk)
    if request.GET.get("print") == "card":
        link = request.build_absolute_uri(reverse("portal:feedback", args=[contract.feedback_token]))
        context = {
            "contract": contract,
            "link": link,
            "purchaser": office_name(contract.application.round.region),
        }
        return render(request, "funding/contract_card.html", context)
    return render(request, "funding/contract_detail.html", _detail_context(request, contract))


@login_required
@permission_required(VIEW, raise_exception=True)
def contract_document(request: HttpRequest, pk: int = 0) -> HttpResponse:
    contract = _contract(request, pk)
    return docx_response(f"{contract.number}.docx", docx.contract_document(contract))


@login_required
@permission_required(VIEW, raise_exception=True)
def contract_qr(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The QR code of the contract's satisfaction form on the portal, as SVG."""
    contract = Contract.objects.visible_to(request.user).get_or_404(pk=pk)
    link = request.build_absolute_uri(reverse("portal:feedback", args=[contract.feedback_token]))
    return svg_response(link)


# Actions


@login_required
@permission_required(CHANGE, raise_exception=True)
def contract_sign(request: HttpRequest, pk: int = 0) -> HttpResponse:
    contract = _contract(request, pk)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signed_on = form.cleaned_data["signed_on"]
        call = partial(services.sign_contract, contract, signed_on=signed_on, by=_user(request))
        if with_message(
            request, call, _("The contract was signed; its first tranche is released for payment.")
        ):
            return _to_contract(contract)
    return render(request, "funding/contract_sign.html", {"contract": contract, "form": form})


@login_required
@permission_required(PAY, raise_exception=True)
def tranche_pay(request: HttpRequest, pk: int = 0) -> HttpResponse:
    tranche: Tranche = (
        Tranche.objects.visible_to(request.user)
        .select_related("contract__application__round", "contract__application__organization")
        .get_or_404(pk=pk)
    )
    contract = tranche.contract
    form = PayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pay_tranche(tranche, paid_on=data["paid_on"], voucher=data["voucher"], by=_user(request))
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The payment was recorded."))
            return _to_contract(contract)
    return render(
        request, "funding/tranche_pay.html", {"tranche": tranche, "contract": contract, "form": form}
    )


@login_required
@permission_required(EVALUATE, raise_exception=True)
def contract_evaluate(request: HttpRequest, pk: int = 0) -> HttpResponse:
    contract = _contract(request, pk)
    round = contract.application.round
    evaluations = list(contract.evaluations.all())
    score, responses = services.beneficiary_score(contract)
    form = EvaluationForm(
        request.POST or None,
        responses=responses,
        stage=next_stage(evaluations),
        third_party=contract.supervisor.name if contract.supervisor else "",
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.record_evaluation(
                contract,
                stage=data["stage"],
                purchaser_score=data["purchaser_score"],
                third_party_score=data["third_party_score"],
                third_party=data["third_party"],
                summary=data["summary"],
                evaluated_on=data["evaluated_on"],
                beneficiary_score_override=data.get("beneficiary_score"),
                by=_user(request),
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if evaluation.passed:
                messages.success(
                    request, _("The evaluation passed with %(total)s.") % {"total": evaluation.total}
                )
            else:
                messages.warning(
                    request,
                    _("The evaluation failed with %(total)s: payment of the unpaid tranches is stopped.")
                    % {"total": evaluation.total},
                )
            return _to_contract(contract)
    context = {
        "contract": contract,
        "form": form,
        "score": score,
        "responses": responses,
        "evaluations": evaluations,
        "weights": value_of(options.EVALUATION_WEIGHTS.key, round.region_id),
        "pass_mark": value_of(options.EVALUATION_PASS_MARK.key, round.region_id),
    }
    return render(request, "funding/evaluation_form.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def contract_report(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The organization's progress report; with ``?report=<id>``, the office's comment on one."""
    contract = _contract(request, pk)
    if "report" in request.GET:
        return _report_comment(request, contract)
    if not _user(request).has_perm(REPORT):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_progress_report(
                contract,
                period=data["period"],
                text=data["text"],
                activities=data["activities"],
                people_served=data["people_served"],
                spent=data["spent"],
                problems=data["problems"],
                by=_user(request),
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The progress report was submitted."))
            return _to_contract(contract)
    return render(request, "funding/report_form.html", {"contract": contract, "form": form})


def _report_comment(request: HttpRequest, contract: Contract) -> HttpResponse:
    if not _user(request).has_perm(COMMENT):
        raise PermissionDenied
    try:
        report_id = int(request.GET["report"])
    except ValueError:
        report_id = 0
    report: ProgressReport = (
        ProgressReport.objects.visible_to(request.user)
        .filter(contract=contract)
        .select_related("submitted_by")
        .get_or_404(pk=report_id)
    )
    form = CommentForm(request.POST or None, initial={"comment": report.comment})
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        call = partial(services.comment_report, report, comment=comment, by=_user(request))
        if with_message(request, call, _("The comment was saved; the organization sees it with its report.")):
            return _to_contract(contract)
    return render(
        request, "funding/report_comment.html", {"contract": contract, "report": report, "form": form}
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def contract_publish(request: HttpRequest, pk: int = 0) -> HttpResponse:
    contract = _contract(request, pk)
    call = partial(services.publish_results, contract, by=_user(request))
    with_message(request, call, _("The evaluation results are published on the portal."))
    return _to_contract(contract)
