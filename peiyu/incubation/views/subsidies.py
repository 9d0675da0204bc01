"""Back-office pages of subsidies: the payment records with their totals per year and
incubator, the export, granting a residency subsidy under the yearly cap, paying and
cancelling. Incubator operators see their own incubators' subsidies and act on none."""

from __future__ import annotations

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
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.core.options import value_of
from peiyu.core.paging import paginate, query_without_page
from peiyu.incubation import options
from peiyu.incubation.forms.subsidies import CancelForm, GrantForm, PayForm, SubsidyFilterForm
from peiyu.incubation.models import (
    IncubationEvent,
    Incubator,
    Residency,
    Subsidy,
    SubsidyQuerySet,
    SubsidyStatus,
)
from peiyu.incubation.services import subsidies as services
from peiyu.lib.xlsx import Sheet, sheets_bytes, xlsx_response

VIEW = "incubation.view_subsidy"
PAY = "incubation.pay_subsidy"
EXPORT_LIMIT = 20_000
AMOUNTS = ("startup", "residency", "paid", "to_pay", "total")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _filters(request: HttpRequest) -> tuple[SubsidyFilterForm, dict[str, Any]]:
    user = _user(request)
    years = Subsidy.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct()
    incubators = Incubator.objects.visible_to(user).order_by("name").values_list("pk", "name")
    form = SubsidyFilterForm(request.GET or None, years=list(years), incubators=list(incubators))
    return form, form.cleaned() if form.is_bound else {}


def _matching(user: User, data: dict[str, Any], *, status: bool = True) -> SubsidyQuerySet:
    subsidies: SubsidyQuerySet = Subsidy.objects.visible_to(user)
    for name, lookup in (("year", "year"), ("incubator", "incubator_id"), ("kind", "kind")):
        if data.get(name):
            subsidies = subsidies.filter(**{lookup: data[name]})
    if status and data.get("status"):
        subsidies = subsidies.filter(status=data["status"])
    if text := (data.get("q") or "").strip():
        subsidies = subsidies.filter(
            Q(residency__name__icontains=text) | Q(organization__name__icontains=text)
        )
    return subsidies


def _grand_total(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    return {key: sum((row[key] for row in rows), Decimal(0)) for key in AMOUNTS}


@login_required
@permission_required(VIEW, raise_exception=True)
def subsidy_list(request: HttpRequest) -> HttpResponse:
    """The records, and above them what was granted and paid per year and incubator (the
    filters apply to both, except the status: the totals always show paid and to pay)."""
    form, data = _filters(request)
    totals = _matching(_user(request), data, status=False).totals()
    rows = _matching(_user(request), data).for_listing().order_by("-year", "-id")
    context = {
        "form": form,
        "filtered": any(data.values()),
        "totals": totals,
        "grand": _grand_total(totals),
        "page": paginate(request, rows),
        "query": query_without_page(request),
    }
    return render(request, "incubation/subsidy_list.html", context)


def _export_sheets(rows: list[Subsidy], totals: list[dict[str, Any]]) -> list[Sheet]:
    """The records, and the totals per year and incubator with their grand total."""
    headers = [
        _("Year"),
        _("Incubator"),
        _("Kind"),
        _("Resident"),
        _("Organization"),
        _("Credit code or filing number"),
        _("Amount (yuan)"),
        _("Period"),
        _("Status"),
        _("Paid on"),
        _("Payment voucher"),
        _("Note"),
    ]
    records = [
        (
            s.year,
            s.incubator.name,
            s.get_kind_display(),
            s.residency.name,
            s.organization.name if s.organization else "",
            s.organization.code if s.organization else "",
            s.amount,
            s.period,
            s.get_status_display(),
            s.paid_on,
            s.voucher,
            s.note,
        )
        for s in rows
    ]
    grand = _grand_total(totals)
    sums: list[tuple[Any, ...]] = [
        *((t["year"], t["incubator__name"], *(t[key] for key in AMOUNTS)) for t in totals),
        (_("Total"), "", *(grand[key] for key in AMOUNTS)),
    ]
    amounts = [_("Start-up"), pgettext("subsidy amount", "Residency"), _("Paid"), _("To pay"), _("Total")]
    return [(_("Subsidies"), headers, records), (_("Totals"), [_("Year"), _("Incubator"), *amounts], sums)]


@login_required
@permission_required(VIEW, raise_exception=True)
def subsidy_export(request: HttpRequest) -> HttpResponse:
    """The filtered records as .xlsx, with the totals on a second sheet."""
    _form, data = _filters(request)
    rows = list(_matching(_user(request), data).for_listing().order_by("-year", "-id")[: EXPORT_LIMIT + 1])
    if len(rows) > EXPORT_LIMIT:
        messages.error(
            request, _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT}
        )
        return redirect(f"{reverse('incubation:subsidy-list')}?{request.GET.urlencode()}")
    totals = _matching(_user(request), data, status=False).totals()
    return xlsx_response("孵化补贴.xlsx", sheets_bytes(_export_sheets(rows, totals)))


@login_required
@permission_required(PAY, raise_exception=True)
def subsidy_grant(request: HttpRequest, pk: int) -> HttpResponse:
    residency = Residency.objects.visible_to(request.user).select_related("incubator").get_or_404(pk=pk)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subsidy = services.grant_residency_subsidy(
                residency,
                amount=data["amount"],
                year=data["year"],
                period=data["period"],
                note=data["note"],
                by=_user(request),
            )
        except PermissionRefused as error:
            raise PermissionDenied from error
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The subsidy was granted; record its payment once it is paid."))
            return redirect("incubation:subsidy-detail", pk=subsidy.pk)
    year = (
        form.cleaned_data["year"] if form.is_bound and "year" in form.cleaned_data else form.initial["year"]
    )
    context = {
        "form": form,
        "residency": residency,
        "year": year,
        "room": services.residency_subsidy_room(residency, year),
        "cap": value_of(options.RESIDENCY_SUBSIDY_CAP.key, residency.incubator.region_id),
    }
    return render(request, "incubation/subsidy_form.html", context)


def _subsidy(request: HttpRequest, pk: int) -> Subsidy:
    subsidies = Subsidy.objects.visible_to(request.user).for_listing()
    return subsidies.select_related("granted_by", "paid_by").get_or_404(pk=pk)  # type: ignore[no-any-return]


def _detail(
    request: HttpRequest, subsidy: Subsidy, pay: PayForm | None = None, cancel: CancelForm | None = None
) -> HttpResponse:
    if _user(request).has_perm(PAY) and subsidy.status == SubsidyStatus.GRANTED:
        version = {"version": subsidy.version}
        pay = pay or PayForm(initial={"paid_on": timezone.localdate(), **version})
        cancel = cancel or CancelForm(initial=version)
    labels = {**dict(SubsidyStatus.choices), "granted": _("Granted")}
    events = IncubationEvent.objects.filter(subject="subsidy", subject_id=subsidy.pk).select_related("actor")
    context = {
        "subsidy": subsidy,
        "pay": pay,
        "cancel": cancel,
        "events": [(e, str(labels.get(e.action, e.action))) for e in events],
    }
    return render(request, "incubation/subsidy_detail.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def subsidy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _subsidy(request, pk))


def _refused(request: HttpRequest, subsidy: Subsidy, error: DomainError) -> HttpResponse | None:
    """Answer a refusal that no form can show: a permission, or a subsidy no longer granted."""
    if isinstance(error, PermissionRefused):
        raise PermissionDenied from error
    if isinstance(error, TransitionError):
        messages.error(request, str(error))
        return redirect("incubation:subsidy-detail", pk=subsidy.pk)
    return None


@login_required
@permission_required(PAY, raise_exception=True)
@require_POST
def subsidy_pay(request: HttpRequest, pk: int) -> HttpResponse:
    subsidy = _subsidy(request, pk)
    form = PayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.pay_subsidy(
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
            messages.success(request, _("The payment was recorded."))
            return redirect("incubation:subsidy-detail", pk=subsidy.pk)
    return _detail(request, subsidy, pay=form)


@login_required
@permission_required(PAY, raise_exception=True)
@require_POST
def subsidy_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    subsidy = _subsidy(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.cancel_subsidy(
                subsidy, reason=data["reason"], seen_version=data["version"], by=_user(request)
            )
        except DomainError as error:
            if (answer := _refused(request, subsidy, error)) is not None:
                return answer
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The subsidy was cancelled; it no longer counts against the cap."))
            return redirect("incubation:subsidy-detail", pk=subsidy.pk)
    return _detail(request, subsidy, cancel=form)
