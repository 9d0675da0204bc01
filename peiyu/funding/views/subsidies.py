"""Back-office pages of per-case mediation subsidies (the list with totals per year and payee,
its export, a case entered by hand, paying and cancelling), and the exports of awarded grants
as .xlsx and as 360Giving JSON."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.core.paging import paginate, query_without_page
from peiyu.funding import exports
from peiyu.funding.forms.subsidies import CancelForm, CaseSubsidyFilterForm, CaseSubsidyForm, PayForm
from peiyu.funding.models import (
    Application,
    CaseSubsidy,
    CaseSubsidyQuerySet,
    CaseSubsidyStatus,
    FundingEvent,
    FundingRoundQuerySet,
    Round,
    RoundStatus,
)
from peiyu.funding.services import subsidies as services
from peiyu.lib.xlsx import Sheet, sheets_bytes, xlsx_response
from peiyu.orgs.forms import region_choices
from peiyu.orgs.models import Organization
from peiyu.regions.models import Level, Region

VIEW = "funding.view_casesubsidy"
ADD = services.ADD
PAY = services.PAY
VIEW_GRANTS = "funding.view_contract"
EXPORT_LIMIT = 20_000
AMOUNTS = ("total", "paid", "to_pay")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# The list, its totals and its export ------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[CaseSubsidyFilterForm, dict[str, Any]]:
    user = _user(request)
    years = [d.year for d in CaseSubsidy.objects.visible_to(user).dates("raised_on", "year", order="DESC")]
    towns = (
        Region.objects.visible_to(user).filter(level=Level.TOWN).order_by("code").values_list("code", "name")
    )
    form = CaseSubsidyFilterForm(request.GET or None, years=years, towns=list(towns))
    return form, form.cleaned() if form.is_bound else {}


def _matching(user: User, data: dict[str, Any], *, status: bool = True) -> CaseSubsidyQuerySet:
    subsidies: CaseSubsidyQuerySet = CaseSubsidy.objects.visible_to(user)
    if data.get("year"):
        subsidies = subsidies.filter(raised_on__year=data["year"])
    if data.get("town"):
        subsidies = subsidies.in_region(data["town"])
    if status and data.get("status"):
        subsidies = subsidies.filter(status=data["status"])
    if text := (data.get("q") or "").strip():
        subsidies = subsidies.filter(
            Q(payee_name__icontains=text) | Q(case_reference__icontains=text) | Q(case_title__icontains=text)
        )
    return subsidies


def _totals(subsidies: CaseSubsidyQuerySet) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows = [{**row, "to_pay": row["total"] - row["paid"]} for row in subsidies.totals()]
    grand: dict[str, Any] = {key: sum((row[key] for row in rows), Decimal(0)) for key in AMOUNTS}
    grand["cases"] = sum(row["cases"] for row in rows)
    return rows, grand


def _listing(subsidies: CaseSubsidyQuerySet) -> CaseSubsidyQuerySet:
    return subsidies.select_related("region__parent", "payee").order_by("-raised_on", "-id")  # type: ignore[return-value]


def _place(region: Region) -> str:
    """A village with its town in front, as the region choices show it."""
    if region.level == Level.VILLAGE and region.parent is not None:
        return f"{region.parent.name}·{region.name}"
    return region.name


def _histories(subsidies: list[CaseSubsidy]) -> dict[int, list[tuple[FundingEvent, str]]]:
    """Each subsidy's steps, for the rows of one page, in one query."""
    labels = {**dict(CaseSubsidyStatus.choices), "granted": _("Granted")}
    events = FundingEvent.objects.filter(
        subject=CaseSubsidy._meta.model_name, subject_id__in=[s.pk for s in subsidies]
    ).select_related("actor")
    found: dict[int, list[tuple[FundingEvent, str]]] = defaultdict(list)
    for event in events:
        found[event.subject_id].append((event, str(labels.get(event.action, event.action))))
    return found


@login_required
@permission_required(VIEW, raise_exception=True)
def case_subsidy_list(request: HttpRequest) -> HttpResponse:
    """The subsidies, and above them what was granted and paid per year and payee (the filters
    apply to both, except the status: the totals always show paid and to pay).
    ``?format=xlsx`` exports the filtered records with the totals on a second sheet."""
    form, data = _filters(request)
    user = _user(request)
    totals, grand = _totals(_matching(user, data, status=False))
    rows = _listing(_matching(user, data))
    if request.GET.get("format") == "xlsx":
        return _export(request, rows, totals, grand)
    page = paginate(request, rows)
    histories = _histories(list(page.object_list))
    context = {
        "form": form,
        "filtered": any(data.values()),
        "totals": totals,
        "grand": grand,
        "page": page,
        "rows": [(s, histories.get(s.pk, [])) for s in page.object_list],
        "query": query_without_page(request),
        "default_amount": services.default_amount(user.region_id) if user.region_id else None,
    }
    return render(request, "funding/case_subsidy_list.html", context)


def _export(
    request: HttpRequest, rows: CaseSubsidyQuerySet, totals: list[dict[str, Any]], grand: dict[str, Any]
) -> HttpResponse:
    records = list(rows[: EXPORT_LIMIT + 1])
    if len(records) > EXPORT_LIMIT:
        messages.error(
            request, _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT}
        )
        params = request.GET.copy()
        params.pop("format", None)
        return redirect(f"{reverse('funding:case-subsidy-list')}?{params.urlencode()}")
    headers = [
        _("Case number"),
        _("Dispute"),
        _("Region"),
        _("Payee"),
        _("Credit code or filing number"),
        _("Amount (yuan)"),
        _("Raised on"),
        _("Status"),
        _("Paid on"),
        _("Payment voucher"),
        _("Why it was cancelled"),
    ]
    lines = [
        (
            s.case_reference,
            s.case_title,
            _place(s.region),
            s.payee_name,
            s.payee.code if s.payee else "",
            s.amount,
            s.raised_on,
            s.get_status_display(),
            s.paid_on,
            s.voucher,
            s.cancel_reason,
        )
        for s in records
    ]
    sums: list[tuple[Any, ...]] = [
        *((t["year"], t["payee_name"], t["cases"], *(t[key] for key in AMOUNTS)) for t in totals),
        (_("Total"), "", grand["cases"], *(grand[key] for key in AMOUNTS)),
    ]
    sheets: list[Sheet] = [
        (_("Mediation subsidies"), headers, lines),
        (_("Totals"), [_("Year"), _("Payee"), _("Cases"), _("Granted"), _("Paid"), _("To pay")], sums),
    ]
    return xlsx_response(_("mediation-subsidies") + ".xlsx", sheets_bytes(sheets))


# Entering a case by hand ------------------------------------------------------------------------


@login_required
@permission_required(ADD, raise_exception=True)
def case_subsidy_create(request: HttpRequest) -> HttpResponse:
    """A successful mediation case entered by hand, until the mediation records feed them."""
    user = _user(request)
    regions = region_choices(Region.objects.visible_to(user).filter(level__in=[Level.TOWN, Level.VILLAGE]))
    default = services.default_amount(user.region_id) if user.region_id else Decimal(0)
    form = CaseSubsidyForm(
        request.POST or None,
        regions=regions,
        organizations=Organization.objects.visible_to(user),
        default_amount=default,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subsidy = services.raise_case_subsidy(
                region=Region.objects.get(code=data["region"]),
                case_reference=data["case_reference"],
                case_title=data["case_title"],
                payee=data["payee"],
                payee_name=data["payee_name"],
                amount=data["amount"],
                raised_on=data["raised_on"],
                by=user,
            )
        except PermissionRefused as error:
            raise PermissionDenied from error
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "The subsidy of %(amount)s yuan for case %(case)s was granted; record its payment once paid."
                )
                % {"amount": subsidy.amount, "case": subsidy.case_reference},
            )
            return redirect(f"{reverse('funding:case-subsidy-list')}?q={subsidy.case_reference}")
    return render(request, "funding/case_subsidy_form.html", {"form": form, "default_amount": default})


# Paying and cancelling --------------------------------------------------------------------------


def _subsidy(request: HttpRequest, pk: int) -> CaseSubsidy:
    return _listing(CaseSubsidy.objects.visible_to(request.user)).get_or_404(pk=pk)


def _action(
    request: HttpRequest, subsidy: CaseSubsidy, form: PayForm | CancelForm, action: str
) -> HttpResponse:
    context = {
        "subsidy": subsidy,
        "form": form if subsidy.status == CaseSubsidyStatus.GRANTED else None,
        "action": action,
        "events": _histories([subsidy]).get(subsidy.pk, []),
    }
    return render(request, "funding/case_subsidy_action.html", context)


def _refused(request: HttpRequest, subsidy: CaseSubsidy, error: DomainError) -> HttpResponse | None:
    """Answer a refusal no form can show: a permission, or a subsidy no longer granted."""
    if isinstance(error, PermissionRefused):
        raise PermissionDenied from error
    if isinstance(error, TransitionError):
        messages.error(
            request, _("This subsidy is %(status)s already.") % {"status": subsidy.get_status_display()}
        )
        return redirect(f"{reverse('funding:case-subsidy-list')}?q={subsidy.case_reference}")
    return None


@login_required
@permission_required(PAY, raise_exception=True)
def case_subsidy_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the payment (date and voucher) after confirming it."""
    subsidy = _subsidy(request, pk)
    initial = {"paid_on": timezone.localdate(), "version": subsidy.version}
    form = PayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pay_case_subsidy(
                subsidy,
                paid_on=data["paid_on"],
                voucher=data["voucher"],
                seen_version=data["version"],
                by=_user(request),
            )
        except DomainError as error:
            if (answer := _refused(request, subsidy, error)) is not None:
                return answer
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The payment of case %(case)s was recorded.") % {"case": subsidy.case_reference}
            )
            return redirect(f"{reverse('funding:case-subsidy-list')}?q={subsidy.case_reference}")
    return _action(request, subsidy, form, "pay")


@login_required
@permission_required(PAY, raise_exception=True)
def case_subsidy_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel the subsidy with a reason after confirming it; the record stays."""
    subsidy = _subsidy(request, pk)
    form = CancelForm(request.POST or None, initial={"version": subsidy.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cancel_case_subsidy(
                subsidy, reason=data["reason"], seen_version=data["version"], by=_user(request)
            )
        except DomainError as error:
            if (answer := _refused(request, subsidy, error)) is not None:
                return answer
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The subsidy of case %(case)s was cancelled.") % {"case": subsidy.case_reference}
            )
            return redirect(f"{reverse('funding:case-subsidy-list')}?q={subsidy.case_reference}")
    return _action(request, subsidy, form, "cancel")


# Exports of awarded grants ----------------------------------------------------------------------


def _grant_scope(request: HttpRequest, pk: int) -> tuple[Round | None, FundingRoundQuerySet]:
    """The round asked for (404 out of scope), or every awarded or closed round in scope."""
    rounds = Round.objects.visible_to(request.user)
    if pk:
        round = rounds.select_related("region").get_or_404(pk=pk)
        return round, rounds.filter(pk=pk)
    return None, rounds.filter(status__in=[RoundStatus.AWARDED, RoundStatus.CLOSED])


@login_required
@permission_required(VIEW_GRANTS, raise_exception=True)
def grants_xlsx(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The awarded grants of a round (or of every round in scope) with a summary per round."""
    round, rounds = _grant_scope(request, pk)
    applications = Application.objects.filter(round__in=rounds.values("pk"))
    sheets = exports.grants_sheets(applications, rounds.with_budget().order_by("-year", "-id"))
    name = f"{round.year}-{round.pk}" if round else timezone.localdate().isoformat()
    # Outside the f-string, where xgettext does not look.
    prefix = _("awarded-grants")
    return xlsx_response(f"{prefix}-{name}.xlsx", sheets_bytes(sheets))


@login_required
@permission_required(VIEW_GRANTS, raise_exception=True)
def grants_360giving(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The awarded grants as a 360Giving JSON package, to download."""
    round, rounds = _grant_scope(request, pk)
    applications = Application.objects.filter(round__in=rounds.values("pk"))
    package = exports.grants_360giving(applications, title=round.title if round else "")
    if not package["grants"]:
        messages.info(request, _("No grant has been awarded here yet; there is nothing to export."))
        return redirect("funding:round-detail", pk=pk) if round else redirect("funding:round-list")
    name = f"{round.region_id[:6]}-{round.pk}" if round else timezone.localdate().isoformat()
    response = HttpResponse(
        json.dumps(package, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="360giving-{name}.json"'
    return response
