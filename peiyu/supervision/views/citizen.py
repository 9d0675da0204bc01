"""Back-office pages of citizen reports: the list, a report with its photos and its triage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.orgs.models import Organization
from peiyu.people.forms.workforce import towns_in_scope
from peiyu.supervision.forms.citizen import TRIAGE_FORMS, ReportFilterForm, TriageForm
from peiyu.supervision.models import CitizenReport, Photo, ReportState, SupervisionEvent
from peiyu.supervision.services import citizen as services


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@permission_required("supervision.view_citizenreport", raise_exception=True)
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET, towns=towns_in_scope(request.user))
    reports = (
        CitizenReport.objects.visible_to(request.user)
        .select_related("region", "region__parent", "organization")
        .annotate(photo_count=Count("photos"))
        .order_by("-received_at", "-id")
    )
    if form.is_valid() and form.cleaned_data["state"]:
        reports = reports.filter(state=form.cleaned_data["state"])
    if form.is_valid() and form.cleaned_data["town"]:
        reports = reports.in_region(form.cleaned_data["town"])
    context = {"form": form, "page": paginate(request, reports), "query": query_without_page(request)}
    return render(request, "supervision/citizenreport_list.html", context)


@login_required
@permission_required("supervision.view_citizenreport", raise_exception=True)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report, its photos and history; a POST is one of the triage steps."""
    report = (
        CitizenReport.objects.visible_to(request.user)
        .select_related("region", "region__parent", "organization", "handled_by")
        .get_or_404(pk=pk)
    )
    forms = _triage_forms(request, report)
    action = request.POST.get("action", "")
    if request.method == "POST":
        if action not in forms:
            raise PermissionDenied
        if forms[action].is_valid():
            try:
                _triage(report, forms[action], by=_user(request))
            except PermissionRefused as error:
                raise PermissionDenied(str(error)) from None
            except DomainError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The report was handled; the reporter can now read the reply."))
            return redirect("supervision:citizenreport-detail", pk=report.pk)
    context = {
        "report": report,
        "photos": report.photos.defer("content").order_by("pk"),
        "events": _history(report),
        "visits": report.visits.order_by("pk"),
        "forms": forms if report.state == ReportState.NEW else {},
        "active": action if action in forms else "dismiss",
    }
    return render(request, "supervision/citizenreport_detail.html", context)


def _history(report: CitizenReport) -> list[tuple[SupervisionEvent, str]]:
    labels = {"received": _("Received"), **dict(ReportState.choices)}
    events = SupervisionEvent.objects.filter(subject="citizenreport", subject_id=report.pk)
    return [
        (e, str(labels.get(e.action, e.action))) for e in events.select_related("actor").order_by("at", "pk")
    ]


def _triage_forms(request: HttpRequest, report: CitizenReport) -> dict[str, TriageForm]:
    """The triage forms the user may use, the posted one bound."""
    user = request.user
    if not user.has_perm("supervision.triage_report"):
        return {}
    posted = request.POST.get("action") if request.method == "POST" else None
    organizations = Organization.objects.visible_to(user)
    return {
        action: form_class(
            request.POST if action == posted else None,
            initial={"version": report.version},
            organizations=organizations,
            named=report.organization_name,
        )
        for action, form_class in TRIAGE_FORMS.items()
        if action != "inspect" or user.has_perm("supervision.inspect")
    }


def _triage(report: CitizenReport, form: TriageForm, *, by: User) -> None:
    data = form.cleaned_data
    if form.action == "dismiss":
        services.dismiss_citizen_report(report, reply=data["reply"], by=by, seen_version=data["version"])
    elif form.action == "warn":
        services.warn_on_citizen_report(
            report,
            organization=data["organization"],
            reminder=data["reminder"],
            reply=data["reply"],
            by=by,
            seen_version=data["version"],
        )
    else:
        services.open_inspection_on_citizen_report(
            report,
            organization=data["organization"],
            planned_on=data["planned_on"],
            reply=data["reply"],
            by=by,
            seen_version=data["version"],
        )


@login_required
@permission_required("supervision.view_citizenreport", raise_exception=True)
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A report's photo, to staff who may see the report; served as stored, never sniffed."""
    image = get_object_or_404(Photo, pk=pk, report__in=CitizenReport.objects.visible_to(request.user))
    response = HttpResponse(bytes(image.content), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
