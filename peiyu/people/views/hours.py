"""Service hours, volunteer activities with their QR check-in, and certificates."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.accounts.models import AccountType
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.lib.qr import svg_response
from peiyu.lib.xlsx import workbook_bytes, xlsx_response
from peiyu.people import xlsx
from peiyu.people.forms.volunteers import (
    ActivityForm,
    BatchDecisionForm,
    CertificateDecisionForm,
    DecisionForm,
    RecordFilterForm,
    RecordForm,
)
from peiyu.people.models import (
    Certificate,
    CertificateStatus,
    CheckIn,
    HoursStatus,
    ServiceActivity,
    ServiceRecord,
    ServiceRecordQuerySet,
    Volunteer,
)
from peiyu.people.services import certificates, hours
from peiyu.people.views.volunteers import EXPORT_LIMIT, organizations_for, regions_for, user_of
from peiyu.regions.models import Region


def _filtered(records: ServiceRecordQuerySet, form: RecordFilterForm) -> ServiceRecordQuerySet:
    if not form.is_valid():
        return records
    data = form.cleaned_data
    if data["status"]:
        records = records.filter(status=data["status"])
    if data["source"]:
        records = records.filter(source=data["source"])
    if data["q"]:
        records = records.filter(volunteer__in=Volunteer.objects.search(data["q"]).values("pk"))
    zone = timezone.get_current_timezone()
    if data["since"]:
        records = records.filter(started_at__gte=datetime.combine(data["since"], time.min, zone))
    if data["until"]:
        records = records.filter(started_at__lte=datetime.combine(data["until"], time.max, zone))
    return records


@login_required
@permission_required("people.view_servicerecord", raise_exception=True)
def record_list(request: HttpRequest) -> HttpResponse:
    if user_of(request).account_type == AccountType.VOLUNTEER:
        return redirect("people:me")
    form = RecordFilterForm(request.GET)
    records = (
        _filtered(ServiceRecord.objects.visible_to(request.user), form)
        .for_listing()
        .order_by("-started_at", "-id")
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "志愿服务时长.xlsx", workbook_bytes(_("Service hours"), *xlsx.record_rows(records[:EXPORT_LIMIT]))
        )
    context = {
        "form": form,
        "page": paginate(request, records, cap=10_000),
        "query": query_without_page(request),
        "can_decide": request.user.has_perm("people.decide_hours"),
    }
    return render(request, "people/record_list.html", context)


@login_required
@permission_required("people.add_servicerecord", raise_exception=True)
def record_create(request: HttpRequest) -> HttpResponse:
    """The organizer records hours served (谁组织谁记录); they count at once."""
    user = user_of(request)
    form = RecordForm(request.POST or None, organizations=organizations_for(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        volunteer = Volunteer.objects.filter(number=data["volunteer_number"].strip()).first()
        if volunteer is None:
            form.add_error("volunteer_number", _("No volunteer has this number."))
        else:
            try:
                record = hours.record_hours(
                    volunteer=volunteer,
                    organization=data["organization"],
                    title=data["title"],
                    started_at=data["started_at"],
                    ended_at=data["ended_at"],
                    place=data["place"],
                    content=data["content"],
                    by=user,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(hours)s hours were recorded for %(name)s.")
                    % {"hours": record.hours, "name": volunteer.name},
                )
                return redirect("people:record-list")
    return render(request, "people/simple_form.html", {"form": form, "title": _("Record service hours")})


@login_required
@permission_required("people.decide_hours", raise_exception=True)
@require_POST
def record_decide_many(request: HttpRequest) -> HttpResponse:
    form = BatchDecisionForm(request.POST)
    back = reverse("people:record-list") + "?" + request.POST.get("query", "")
    if not form.is_valid():
        messages.error(request, _("Tick the records to decide first."))
        return redirect(back)
    visible = ServiceRecord.objects.visible_to(request.user).filter(pk__in=form.cleaned_data["ids"])
    try:
        count = hours.decide_many(
            list(visible.values_list("pk", flat=True)),
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            by=user_of(request),
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)d records were decided.") % {"count": count})
    return redirect(back)


@login_required
@permission_required("people.view_servicerecord", raise_exception=True)
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = ServiceRecord.objects.visible_to(request.user).for_listing().get_or_404(pk=pk)
    form = DecisionForm(request.POST or None, initial={"version": record.version})
    if request.method == "POST":
        if not request.user.has_perm("people.decide_hours"):
            raise PermissionDenied
        if form.is_valid():
            try:
                hours.decide_hours(
                    record,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    seen_version=form.cleaned_data["version"],
                    by=user_of(request),
                )
            except PermissionRefused as error:
                raise PermissionDenied(str(error)) from None
            except DomainError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("The record is now %(status)s.")
                    % {"status": HoursStatus(form.cleaned_data["decision"]).label},
                )
            return redirect("people:record-detail", pk=record.pk)
    context = {
        "record": record,
        "form": form,
        "can_decide": request.user.has_perm("people.decide_hours") and record.status != HoursStatus.DECLINED,
    }
    return render(request, "people/record_detail.html", context)


@login_required
@permission_required("people.view_serviceactivity", raise_exception=True)
def activity_list(request: HttpRequest) -> HttpResponse:
    activities = ServiceActivity.objects.visible_to(request.user).select_related("organization", "region")
    return render(
        request,
        "people/activity_list.html",
        {"page": paginate(request, activities), "query": query_without_page(request)},
    )


@login_required
@permission_required("people.add_serviceactivity", raise_exception=True)
def activity_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = ActivityForm(
        request.POST or None, organizations=organizations_for(user), regions=regions_for(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = hours.create_activity(
                organization=data["organization"],
                title=data["title"],
                place=data["place"],
                region=Region.objects.get(code=data["region"]),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                content=data["content"],
                by=user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect("people:activity-detail", pk=activity.pk)
    return render(request, "people/simple_form.html", {"form": form, "title": _("New volunteer activity")})


@login_required
@permission_required("people.view_serviceactivity", raise_exception=True)
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = (
        ServiceActivity.objects.visible_to(request.user)
        .select_related("organization", "region")
        .get_or_404(pk=pk)
    )
    if request.method == "POST":
        if not request.user.has_perm("people.add_serviceactivity"):
            raise PermissionDenied
        hours.set_check_in_open(activity, is_open=request.POST.get("open") == "1", by=user_of(request))
        return redirect("people:activity-detail", pk=activity.pk)
    context = {
        "activity": activity,
        "link": request.build_absolute_uri(reverse("people:check", args=[activity.token])),
        "check_ins": activity.check_ins.select_related("volunteer", "record"),
    }
    return render(request, "people/activity_detail.html", context)


@login_required
@permission_required("people.view_serviceactivity", raise_exception=True)
def activity_qr(request: HttpRequest, pk: int) -> HttpResponse:
    activity = ServiceActivity.objects.visible_to(request.user).get_or_404(pk=pk)
    link = request.build_absolute_uri(reverse("people:check", args=[activity.token]))
    return svg_response(link)


@login_required
def check(request: HttpRequest, token: str) -> HttpResponse:
    """The page a volunteer's phone opens from the activity's QR code: check in, then out."""
    activity = ServiceActivity.objects.select_related("organization").filter(token=token).first()
    volunteer = Volunteer.objects.filter(account=user_of(request)).first()
    if activity is None or volunteer is None:
        return render(
            request, "people/check.html", {"activity": activity, "volunteer": volunteer}, status=404
        )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "out":
                record = hours.check_out(activity, volunteer=volunteer, by=user_of(request))
                messages.success(
                    request,
                    _("Checked out: %(hours)s hours wait for the organizer's approval.")
                    % {"hours": record.hours},
                )
            else:
                hours.check_in(activity, volunteer=volunteer, by=user_of(request))
                messages.success(request, _("Checked in. Check out here when you leave."))
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("people:check", token=token)
    open_here = CheckIn.objects.filter(
        activity=activity, volunteer=volunteer, checked_out_at__isnull=True
    ).first()
    done = CheckIn.objects.filter(
        activity=activity, volunteer=volunteer, checked_out_at__isnull=False
    ).select_related("record")
    context = {"activity": activity, "volunteer": volunteer, "open_here": open_here, "done": done}
    return render(request, "people/check.html", context)


@login_required
@permission_required("people.view_certificate", raise_exception=True)
def certificate_list(request: HttpRequest) -> HttpResponse:
    if user_of(request).account_type == AccountType.VOLUNTEER:
        return redirect("people:me")
    items = Certificate.objects.visible_to(request.user).select_related("volunteer", "organization")
    status = request.GET.get("status", "")
    if status in CertificateStatus.values:
        items = items.filter(status=status)
    context = {
        "page": paginate(request, items),
        "query": query_without_page(request),
        "status": status,
        "statuses": CertificateStatus.choices,
    }
    return render(request, "people/certificate_list.html", context)


@login_required
@permission_required("people.view_certificate", raise_exception=True)
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = (
        Certificate.objects.visible_to(request.user)
        .select_related("volunteer", "organization")
        .get_or_404(pk=pk)
    )
    user = user_of(request)
    form = CertificateDecisionForm(request.POST or None, initial={"version": certificate.version})
    if request.method == "POST":
        if not certificates.may_issue(certificate, user):
            raise PermissionDenied
        if form.is_valid():
            try:
                if form.cleaned_data["action"] == "issue":
                    certificates.issue_certificate(
                        certificate, by=user, seen_version=form.cleaned_data["version"]
                    )
                else:
                    certificates.decline_certificate(
                        certificate,
                        reason=form.cleaned_data["reason"],
                        by=user,
                        seen_version=form.cleaned_data["version"],
                    )
            except DomainError as error:
                messages.error(request, str(error))
        return redirect("people:certificate-detail", pk=certificate.pk)
    context = {
        "certificate": certificate,
        "form": form,
        "can_issue": certificate.status == CertificateStatus.REQUESTED
        and certificates.may_issue(certificate, user),
    }
    return render(request, "people/certificate_detail.html", context)


@login_required
@permission_required("people.view_certificate", raise_exception=True)
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = Certificate.objects.visible_to(request.user).get_or_404(
        pk=pk, status=CertificateStatus.ISSUED
    )
    data = certificates.certificate_pdf(certificate, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response
