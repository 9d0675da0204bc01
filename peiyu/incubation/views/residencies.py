"""Back-office pages of residents: the list with its overdue and ending-soon views, a resident's
page with its limits, services, growth, extensions, subsidies and history, the residency
agreement, and the actions: record a service, assess growth, extend, exit and graduate."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.options import value_of
from peiyu.core.paging import paginate, query_without_page
from peiyu.incubation import chart, docx, options
from peiyu.incubation.forms.residencies import (
    ALL,
    CURRENT,
    EXTENSION,
    OVERDUE,
    SOON,
    AssessmentForm,
    ExitForm,
    ExtensionDecisionForm,
    ExtensionForm,
    GraduationForm,
    ResidencyFilterForm,
    ServiceForm,
    WithdrawForm,
)
from peiyu.incubation.models import (
    Assessment,
    Dimension,
    Extension,
    ExtensionStatus,
    IncubationEvent,
    Residency,
    ResidencyQuerySet,
    ResidencyStatus,
    Service,
    ServiceKind,
    Stage,
    SubsidyStatus,
)
from peiyu.incubation.services import graduation, residencies
from peiyu.incubation.services.common import add_months
from peiyu.lib.divisions import level_of, prefix_of
from peiyu.lib.docx import docx_response
from peiyu.lib.xlsx import workbook_bytes, xlsx_response
from peiyu.orgs import services as registry
from peiyu.orgs.forms import OrganizationForm, region_choices
from peiyu.orgs.models import Application, ApplicationKind, EstablishedHow, Organization, Source
from peiyu.orgs.views import hide_phones, kept_phones
from peiyu.people.models import Expert
from peiyu.regions.models import Region

VIEW = "incubation.view_residency"
EXPORT_LIMIT = 5000
GRADUATE_NOW = "none"  # an organization already registered graduates without an application


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _residencies(user: User) -> ResidencyQuerySet:
    return Residency.objects.visible_to(user).for_listing()


def reminder_days(user: User) -> int:
    """The reminder window of the user's region, as the to-do panel counts it."""
    days: int = (
        value_of(options.REMINDER_DAYS.key, user.region_id)
        if user.region_id
        else options.REMINDER_DAYS.default
    )
    return days


def months_in_residence(residency: Residency, today: datetime.date) -> int:
    """Whole months from the start to the end (or today, while still in residence)."""
    end = residency.ended_on or today
    months = (end.year - residency.started_on.year) * 12 + end.month - residency.started_on.month
    return max(months - (add_months(residency.started_on, months) > end), 0)


def _mark(rows: Iterable[Residency], today: datetime.date, days: int) -> None:
    """Set what the list shows per row: months in residence, overdue (red), ending soon (amber)."""
    for row in rows:
        row.months = months_in_residence(row, today)  # type: ignore[attr-defined]
        row.overdue = row.is_current and row.planned_end_on < today  # type: ignore[attr-defined]
        row.soon = row.is_current and today <= row.planned_end_on <= today + datetime.timedelta(days=days)  # type: ignore[attr-defined]


# The list


def filtered(
    queryset: ResidencyQuerySet, form: ResidencyFilterForm, *, today: datetime.date, days: int
) -> ResidencyQuerySet:
    """Apply the list's filters; an invalid filter form shows the residents in the incubator."""
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or CURRENT
    if status == CURRENT:
        queryset = queryset.current()
    elif status != ALL:
        queryset = queryset.filter(status=status)
    due = data.get("due")
    if due == OVERDUE:
        queryset = queryset.overdue(today)
    elif due == SOON:
        queryset = queryset.ending_within(today, today + datetime.timedelta(days=days))
    elif due == EXTENSION:
        requested = Extension.objects.filter(status=ExtensionStatus.REQUESTED).values("residency_id")
        queryset = queryset.filter(pk__in=requested)
    if data.get("incubator"):
        queryset = queryset.filter(incubator_id=data["incubator"])
    if data.get("call"):
        queryset = queryset.filter(call_id=data["call"])
    if data.get("q"):
        queryset = queryset.filter(name__icontains=data["q"].strip())
    waiting = Extension.objects.filter(residency=OuterRef("pk"), status=ExtensionStatus.REQUESTED)
    # Correlated subqueries, not a join: a join would group every service of every matching
    # resident before the page is cut, and again inside the count (60× slower province-wide).
    services = Service.objects.filter(residency=OuterRef("pk")).order_by().values("residency")
    queryset = queryset.annotate(
        service_count=Coalesce(Subquery(services.annotate(n=Count("id")).values("n")), 0),
        service_hours=Subquery(services.annotate(h=Sum("hours")).values("h")),
        extension_waiting=Exists(waiting),
    )
    return queryset.order_by("planned_end_on", "id") if due else queryset.order_by("-started_on", "-id")


def _export(rows: Sequence[Residency], today: datetime.date) -> HttpResponse:
    headers = [
        _("Resident"),
        _("Incubator"),
        _("Cohort"),
        _("Where it works"),
        _("Agreement number"),
        _("Started on"),
        _("Must leave by"),
        _("Ended on"),
        _("Months in residence"),
        _("Status"),
        pgettext("count", "Services"),
        pgettext("incubation", "Service hours"),
    ]
    values = (
        (
            r.name,
            r.incubator.name,
            r.call.title if r.call else "",
            r.region.name,
            r.agreement_number,
            r.started_on,
            r.planned_end_on,
            r.ended_on,
            months_in_residence(r, today),
            r.get_status_display(),
            r.service_count,  # type: ignore[attr-defined]
            r.service_hours or Decimal(0),  # type: ignore[attr-defined]
        )
        for r in rows
    )
    return xlsx_response("入驻组织.xlsx", workbook_bytes(_("Residents"), headers, values))


@login_required
@permission_required(VIEW, raise_exception=True)
def residency_list(request: HttpRequest) -> HttpResponse:
    user, today = _user(request), timezone.localdate()
    days = reminder_days(user)
    form = ResidencyFilterForm(request.GET, user=user)
    rows = filtered(_residencies(user), form, today=today, days=days)
    if request.GET.get("format") == "xlsx":
        listed = list(rows[: EXPORT_LIMIT + 1])
        if len(listed) > EXPORT_LIMIT:
            messages.error(
                request,
                _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT},
            )
            return redirect("incubation:residency-list")
        return _export(listed, today)
    page = paginate(request, rows)
    page.object_list = list(page.object_list)
    _mark(page.object_list, today, days)
    query = query_without_page(request)
    context = {"form": form, "page": page, "query": query, "days": days, "filtering": bool(query)}
    return render(request, "incubation/residency_list.html", context)


# A resident's page

EVENT_LABELS = {
    "admitted": gettext_lazy("Admitted"),
    "service": gettext_lazy("Service recorded"),
    "assessed": gettext_lazy("Growth assessed"),
    "requested": gettext_lazy("Extension requested"),
    "approved": gettext_lazy("Extension approved"),
    "declined": gettext_lazy("Extension declined"),
    "extended": gettext_lazy("Must-leave-by date moved"),
    "returned": gettext_lazy("Returned by the registry"),
    "granted": gettext_lazy("Subsidy granted"),
    "paid": gettext_lazy("Subsidy paid"),
    "cancelled": gettext_lazy("Subsidy cancelled"),
}


def _label(event: IncubationEvent) -> str:
    """A residency's own moves are named by its statuses; the rest (extensions, services,
    assessments, subsidies) by what happened."""
    if event.subject == "residency" and event.action in ResidencyStatus.values:
        return str(ResidencyStatus(event.action).label)
    return str(EVENT_LABELS.get(event.action, event.action))


def _history(residency: Residency) -> list[tuple[IncubationEvent, str]]:
    events = IncubationEvent.objects.filter(residency=residency).select_related("actor")
    return [(e, _label(e)) for e in events]


def _assessments(residency: Residency) -> tuple[list[Dimension], list[Assessment]]:
    """The stages assessed, in stage order, and the dimensions they scored (those in use and
    any retired one that a stage still holds a score for)."""
    order = Stage.values
    assessments = sorted(residency.assessments.select_related("assessor"), key=lambda a: order.index(a.stage))
    scored = {key for a in assessments for key in a.scores}
    dimensions = [
        d
        for d in Dimension.objects.filter(incubator_id=residency.incubator_id)
        if d.is_active or str(d.pk) in scored
    ]
    return dimensions, assessments


def _growth_rows(
    dimensions: Sequence[Dimension], assessments: Sequence[Assessment]
) -> list[tuple[Dimension, list[str | None]]]:
    return [(d, [a.scores.get(str(d.pk)) for a in assessments]) for d in dimensions]


def _limits(residency: Residency, today: datetime.date) -> dict[str, Any]:
    left = (residency.planned_end_on - today).days
    earliest = residencies.earliest_graduation(residency)
    return {
        "earliest": earliest,
        "may_graduate": today >= earliest,
        "days_left": max(left, 0),
        "days_overdue": -left if left < 0 and residency.is_current else 0,
    }


def _may_view(
    user: User, model: type[Application] | type[Organization], pk: int | None, permission: str
) -> bool:
    return (
        pk is not None and user.has_perm(permission) and model.objects.visible_to(user).filter(pk=pk).exists()
    )


def _service_totals(residency: Residency) -> list[dict[str, Any]]:
    labels = dict(ServiceKind.choices)
    totals = (
        residency.services.order_by()
        .values("kind")
        .annotate(count=Count("id"), hours=Sum("hours"), attendees=Sum("attendees"))
        .order_by("kind")
    )
    return [{**row, "label": labels.get(row["kind"], row["kind"])} for row in totals]


@login_required
@permission_required(VIEW, raise_exception=True)
def residency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, today = _user(request), timezone.localdate()
    residency = (
        _residencies(user).select_related("intake", "application", "incubator__operator").get_or_404(pk=pk)
    )
    dimensions, assessments = _assessments(residency)
    extensions = list(residency.extensions.select_related("requested_by", "decided_by"))
    waiting = next((e for e in extensions if e.status == ExtensionStatus.REQUESTED), None)
    context = {
        "residency": residency,
        "today": today,
        **_limits(residency, today),
        "services": residency.services.select_related("expert", "event"),
        "service_totals": _service_totals(residency),
        "assessments": assessments,
        "growth_rows": _growth_rows(dimensions, assessments),
        "extensions": extensions,
        "waiting": waiting,
        "decide_form": ExtensionDecisionForm(initial={"seen_version": waiting.version}) if waiting else None,
        "subsidies": residency.subsidies.all(),
        "subsidy_total": residency.subsidies.exclude(status=SubsidyStatus.CANCELLED).aggregate(
            total=Sum("amount")
        )["total"],
        "can_view_application": _may_view(
            user, Application, residency.application_id, "orgs.view_application"
        ),
        "can_view_organization": _may_view(
            user, Organization, residency.organization_id, "orgs.view_organization"
        ),
        "events": _history(residency),
    }
    return render(request, "incubation/residency_detail.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def residency_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    residency = _residencies(_user(request)).select_related("intake", "incubator__operator").get_or_404(pk=pk)
    content = docx.residency_agreement(residency)
    return docx_response(f"入驻协议{residency.agreement_number}.docx", content)


def _small_form(
    request: HttpRequest, residency: Residency, form: Any, title: str, **extra: Any
) -> HttpResponse:
    context = {"residency": residency, "form": form, "title": title, **extra}
    return render(request, "incubation/residency_form.html", context)


def _done(request: HttpRequest, residency: Residency, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(f"{residency_url(residency)}{anchor}")


def residency_url(residency: Residency) -> str:
    return reverse("incubation:residency-detail", args=[residency.pk])


# Services and growth


@login_required
@permission_required("incubation.add_service", raise_exception=True)
def service_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    residency = _residencies(user).get_or_404(pk=pk)
    experts = Expert.objects.visible_to(user).order_by("name")
    initial = {"delivered_on": timezone.localdate(), "attendees": 1}
    form = ServiceForm(request.POST or None, experts=experts, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service = residencies.record_service(residency, values=form.values(), by=user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            message = _("%(kind)s was recorded for %(name)s.") % {
                "kind": service.get_kind_display(),
                "name": residency.name,
            }
            return _done(request, residency, message, "#services")
    return _small_form(request, residency, form, _("Record a service"), submit=_("Record the service"))


@login_required
@permission_required("incubation.add_assessment", raise_exception=True)
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    residency = _residencies(user).get_or_404(pk=pk)
    dimensions = list(Dimension.objects.filter(incubator_id=residency.incubator_id, is_active=True))
    done = {a.stage: a for a in residency.assessments.all()}
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = next((s for s in Stage.values if s not in done), Stage.EXIT)
    initial: dict[str, Any] = {"stage": stage, "assessed_on": timezone.localdate()}
    if stage in done:  # scoring a stage again replaces it: start from its scores
        initial.update({f"score_{key}": value for key, value in done[stage].scores.items()})
        initial["comment"] = done[stage].comment
    form = AssessmentForm(request.POST or None, dimensions=dimensions, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = residencies.assess_growth(
                residency,
                stage=data["stage"],
                scores=form.scores(),
                assessed_on=data["assessed_on"],
                comment=data["comment"],
                by=user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            message = _("The growth assessment (%(stage)s) was saved: %(percent)s%% of the maximum.") % {
                "stage": assessment.get_stage_display(),
                "percent": assessment.percent,
            }
            return _done(request, residency, message, "#growth")
    return _small_form(
        request,
        residency,
        form,
        _("Assess growth"),
        stages_done=[(s, Stage(s).label) for s in Stage.values if s in done],
    )


def chart_data(residency: Residency) -> str:
    dimensions, assessments = _assessments(residency)
    stages = [
        chart.Stage(
            key=a.stage,
            label=a.get_stage_display(),
            shares=[
                Decimal(a.scores[str(d.pk)]) / d.max_points if str(d.pk) in a.scores else None
                for d in dimensions
            ],
            total=a.percent / 100,
        )
        for a in assessments
    ]
    labels = chart.Labels(
        title=_("Growth of %(name)s") % {"name": residency.name},
        axis=_("Share of the maximum (%)"),
        total=_("Total"),
        empty=_("Not assessed yet"),
    )
    return chart.growth_svg(dimensions=[d.name for d in dimensions], stages=stages, labels=labels)


@never_cache
@login_required
@permission_required(VIEW, raise_exception=True)
def growth_chart(request: HttpRequest, pk: int) -> HttpResponse:
    residency = _residencies(_user(request)).get_or_404(pk=pk)
    return HttpResponse(chart_data(residency), content_type="image/svg+xml")


# Extensions and exit


@login_required
@permission_required("incubation.add_extension", raise_exception=True)
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    residency = _residencies(user).get_or_404(pk=pk)
    longest = value_of(options.MAX_EXTENSION_MONTHS.key, residency.incubator.region_id)
    form = ExtensionForm(request.POST or None, longest=longest)
    if request.method == "POST" and form.is_valid():
        try:
            residencies.request_extension(residency, **form.cleaned_data, by=user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return _done(
                request, residency, _("The extension was requested; the office decides it."), "#extensions"
            )
    return _small_form(request, residency, form, _("Request an extension"), submit=_("Request"))


@login_required
@require_POST
@permission_required("incubation.decide_extension", raise_exception=True)
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    extension = Extension.objects.visible_to(user).select_related("residency").get_or_404(pk=pk)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or decline the extension."))
        return redirect(f"{residency_url(extension.residency)}#extensions")
    data = form.cleaned_data
    try:
        decided = residencies.decide_extension(
            extension,
            decision=data["decision"],
            note=data["note"],
            seen_version=data["seen_version"],
            by=user,
        )
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(f"{residency_url(extension.residency)}#extensions")
    residency = Residency.objects.get(pk=decided.residency_id)
    message = (
        _("The extension was approved; %(name)s must now leave by %(day)s.")
        % {"name": residency.name, "day": residency.planned_end_on}
        if decided.status == ExtensionStatus.APPROVED
        else _("The extension was declined.")
    )
    return _done(request, residency, message, "#extensions")


@login_required
@permission_required("incubation.change_residency", raise_exception=True)
def residency_exit(request: HttpRequest, pk: int) -> HttpResponse:
    """End a residency early, with the reason (the form is shown on its own page too)."""
    user = _user(request)
    residency = _residencies(user).get_or_404(pk=pk)
    initial = {"ended_on": timezone.localdate(), "version": residency.version}
    form = ExitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            residencies.exit_residency(
                residency,
                reason=data["reason"],
                ended_on=data["ended_on"],
                seen_version=data["version"],
                by=user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, residency, _("%(name)s left the incubator.") % {"name": residency.name})
    confirm = _("End the residency of %(name)s? This cannot be undone.") % {"name": residency.name}
    return _small_form(
        request,
        residency,
        form,
        _("Leave early"),
        confirm=confirm,
        danger=True,
        submit=_("End the residency"),
    )


# Graduation


def _kinds(residency: Residency) -> list[str]:
    """The ways this resident can graduate, the usual one first: a group files (or registers
    directly), a filed organization registers, a registered one graduates at once."""
    kind = graduation.graduation_kind(residency)
    if kind == ApplicationKind.FILING:
        return [ApplicationKind.FILING, ApplicationKind.REGISTRATION]
    return [kind] if kind else [GRADUATE_NOW]


def _town_regions(region: Region) -> dict[str, str]:
    """The resident's town and its villages (the whole county when it works county-wide)."""
    code = region.code[:9] if level_of(region.code) == "village" else region.code
    return region_choices(Region.objects.filter(code__startswith=prefix_of(code)))


def _initial_record(residency: Residency, kind: str) -> dict[str, Any]:
    """The registry record to start from: the organization's own for an upgrade, else what the
    intake application said about the group."""
    source = Source.FILED if kind == ApplicationKind.FILING else Source.REGISTERED
    if residency.organization is not None:
        return {**registry.payload_of(residency.organization), "source": source}
    intake = residency.intake
    return {
        "name": residency.name,
        "source": source,
        "region": residency.region_id,
        "activity_fields": [f.code for f in intake.fields.all()] if intake else [],
        "description": intake.plan if intake else "",
        "contact_name": intake.contact_name if intake else "",
        "contact_phone": intake.contact_phone if intake else "",
        "active_people": intake.members if intake else None,
        "established_how": EstablishedHow.INCUBATED,
    }


def _record_form(
    request: HttpRequest, residency: Residency, kind: str
) -> tuple[OrganizationForm, dict[str, Any]]:
    initial = _initial_record(residency, kind)
    organization = residency.organization
    regions = (
        {organization.region_id: organization.region.name}
        if organization
        else _town_regions(residency.region)
    )
    form = OrganizationForm(request.POST or None, initial=initial, regions=regions, purpose="application")
    form.fields["source"].disabled = True
    hide_phones(form, initial)
    return form, initial


def _start(
    request: HttpRequest,
    residency: Residency,
    extra: GraduationForm,
    record: OrganizationForm | None,
    before: dict[str, Any],
) -> str | None:
    """Start graduating; return the message to show, or None when it was refused."""
    kind = extra.cleaned_data["kind"]
    payload = registry.payload_from(kept_phones(record.cleaned_data, before)) if record is not None else None
    try:
        graduation.start_graduation(
            residency,
            kind=None if kind == GRADUATE_NOW else kind,
            payload=payload,
            note=extra.cleaned_data["note"],
            seen_version=extra.cleaned_data["version"],
            by=_user(request),
        )
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    except DomainError as error:
        (record or extra).add_error(None, str(error))
        return None
    residency.refresh_from_db()
    if residency.status == ResidencyStatus.GRADUATED:
        return _("%(name)s graduated.") % {"name": residency.name}
    return _("Application %(reference)s went to the registry; %(name)s graduates when it is approved.") % {
        "reference": residency.application.reference if residency.application else "",
        "name": residency.name,
    }


@login_required
@permission_required("incubation.graduate_residency", raise_exception=True)
def residency_graduate(request: HttpRequest, pk: int) -> HttpResponse:
    """What graduating takes for this resident, and the registry's own form to start it."""
    user, today = _user(request), timezone.localdate()
    residency = (
        _residencies(user).select_related("intake", "application", "organization__region").get_or_404(pk=pk)
    )
    kinds = _kinds(residency)
    wanted = request.POST.get("kind") or request.GET.get("kind") or kinds[0]
    kind = wanted if wanted in kinds else kinds[0]
    extra = GraduationForm(
        request.POST or None, kinds=kinds, initial={"kind": kind, "version": residency.version}
    )
    record, before = _record_form(request, residency, kind) if kind != GRADUATE_NOW else (None, {})
    valid = request.method == "POST" and extra.is_valid() and (record is None or record.is_valid())
    if valid and (message := _start(request, residency, extra, record, before)):
        return _done(request, residency, message)
    limits = _limits(residency, today)
    refusal = graduation.too_early(residency, today)
    context = {
        "residency": residency,
        "kind": kind,
        "kinds": kinds,
        "form": record,
        "extra": extra,
        "refusal": refusal,
        **limits,
    }
    return render(request, "incubation/residency_graduate.html", context)


@login_required
@require_POST
@permission_required("incubation.graduate_residency", raise_exception=True)
def graduation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    residency = _residencies(_user(request)).select_related("application").get_or_404(pk=pk)
    form = WithdrawForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        graduation.withdraw_graduation(residency, note=note, by=_user(request))
    except DomainError as error:
        # Among others, "only the applicant can withdraw": the message says whom to ask.
        messages.error(request, str(error))
        return redirect(residency_url(residency))
    return _done(
        request,
        residency,
        _("The graduation was withdrawn; %(name)s stays in residence.") % {"name": residency.name},
    )
