"""Back-office pages of volunteers: the list, registration, the record, reveal, certificates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.accounts.models import AccountType, User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.lib import spreadsheet
from peiyu.lib.xlsx import workbook_bytes, xlsx_response
from peiyu.orgs.forms import region_choices, scope_regions
from peiyu.orgs.models import ImportBatch, Organization
from peiyu.orgs.services import discard_import
from peiyu.people import importing, xlsx
from peiyu.people.forms.volunteers import (
    CertificateRequestForm,
    ImportUploadForm,
    VolunteerEditForm,
    VolunteerFilterForm,
    VolunteerForm,
)
from peiyu.people.models import RegisteredVia, Volunteer, VolunteerQuerySet
from peiyu.people.services import certificates, volunteers
from peiyu.people.services import imports as services
from peiyu.regions.models import Region

EXPORT_LIMIT = 50_000


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def regions_for(user: User) -> dict[str, str]:
    """Where a user may place a volunteer: staff their scope, organizations their counties."""
    if user.is_staff_account or user.is_superuser:
        return scope_regions(user)
    counties = {
        code[:6] for code in Organization.objects.visible_to(user).values_list("region_id", flat=True)
    }
    regions = Region.objects.none()
    for county in counties:
        regions |= Region.objects.filter(code__startswith=county)
    return region_choices(regions)


def organizations_for(user: User) -> Any:
    """The organizers a user acts for: an organization account its own, staff those in scope."""
    return Organization.objects.visible_to(user).filter(status="active").order_by("name")


def filtered(queryset: VolunteerQuerySet, form: VolunteerFilterForm) -> VolunteerQuerySet:
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data.get("q"):
        queryset = queryset.search(data["q"])
    if data.get("region"):
        queryset = queryset.in_region(data["region"])
    if data.get("star_level") is not None:
        queryset = queryset.filter(star_level=data["star_level"])
    if data.get("skill"):
        queryset = queryset.filter(skills=data["skill"])
    if data.get("registered_via"):
        queryset = queryset.filter(registered_via=data["registered_via"])
    return queryset


@login_required
@permission_required("people.view_volunteer", raise_exception=True)
def volunteer_list(request: HttpRequest) -> HttpResponse:
    form = VolunteerFilterForm(request.GET)
    found = filtered(Volunteer.objects.visible_to(request.user), form).for_listing().order_by("-id")
    if request.GET.get("format") == "xlsx":
        rows = list(found.prefetch_related("skills")[: EXPORT_LIMIT + 1])
        if len(rows) > EXPORT_LIMIT:
            messages.error(
                request,
                _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT},
            )
            return redirect("people:volunteer-list")
        headers, values = xlsx.volunteer_rows(rows)
        return xlsx_response("志愿者.xlsx", workbook_bytes(_("Volunteers"), headers, values))
    context = {
        "form": form,
        "page": paginate(request, found, cap=10_000),
        "query": query_without_page(request),
    }
    return render(request, "people/volunteer_list.html", context)


@login_required
@permission_required("people.add_volunteer", raise_exception=True)
def volunteer_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = VolunteerForm(request.POST or None, regions=regions_for(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_organization = user.account_type == AccountType.ORGANIZATION
        try:
            volunteer = volunteers.register_volunteer(
                name=data["name"],
                id_type=data["id_type"],
                id_number=data["id_number"],
                phone=data["phone"],
                region=Region.objects.get(code=data["region"]),
                skills=list(data["skills"]),
                availability=data["availability"],
                via=RegisteredVia.ORGANIZATION if by_organization else RegisteredVia.STAFF,
                organization=organizations_for(user).first() if by_organization else None,
                by=user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is registered as volunteer %(number)s.")
                % {"name": volunteer.name, "number": volunteer.number},
            )
            return redirect("people:volunteer-detail", pk=volunteer.pk)
    return render(request, "people/volunteer_form.html", {"form": form, "title": _("Register a volunteer")})


@login_required
@permission_required("people.view_volunteer", raise_exception=True)
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = Volunteer.objects.visible_to(request.user).for_listing().get_or_404(pk=pk)
    user = user_of(request)
    records = volunteer.service_records.select_related("organization").order_by("-started_at")
    if user.account_type == AccountType.ORGANIZATION:
        records = records.filter(organization__accounts=user)
    context = {
        "volunteer": volunteer,
        "records": records[:20],
        "certificates": volunteer.certificates.select_related("organization")[:20],
        "enrollments": volunteer.enrollments.select_related("organization"),
        "skills": volunteer.skills.all(),
        "teams": volunteer.teams.all(),
        "can_reveal": user.has_perm("people.reveal_identity"),
        "can_certify": user.has_perm("people.issue_certificate"),
        "can_edit": user.has_perm("people.change_volunteer") and user.is_staff_account,
    }
    return render(request, "people/volunteer_detail.html", context)


@login_required
@permission_required("people.change_volunteer", raise_exception=True)
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = Volunteer.objects.visible_to(request.user).get_or_404(pk=pk)
    user = user_of(request)
    regions = regions_for(user)
    regions.setdefault(volunteer.region_id, volunteer.region.name)
    initial = {
        "name": volunteer.name,
        "region": volunteer.region_id,
        "availability": volunteer.availability,
        "skills": list(volunteer.skills.all()),
        "version": volunteer.version,
    }
    form = VolunteerEditForm(
        request.POST or None, initial=initial, regions=regions, masked_phone=volunteer.masked_phone
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            "name": data["name"],
            "phone": data["phone"] or volunteer.phone,
            "region": Region.objects.get(code=data["region"]),
            "availability": sorted(data["availability"]),
        }
        try:
            volunteers.update_volunteer(
                volunteer, changes=changes, skills=list(data["skills"]), seen_version=data["version"], by=user
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The record was saved."))
            return redirect("people:volunteer-detail", pk=volunteer.pk)
    context = {"form": form, "volunteer": volunteer, "title": _("Edit %(name)s") % {"name": volunteer.name}}
    return render(request, "people/volunteer_form.html", context)


@login_required
@require_POST
def volunteer_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = Volunteer.objects.visible_to(request.user).get_or_404(pk=pk)
    try:
        values = volunteers.reveal_identity(
            volunteer, by=user_of(request), remote_addr=request.META.get("REMOTE_ADDR")
        )
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    return render(
        request,
        "people/partials/identity.html",
        {"person": volunteer, "revealed": values, "reveal_url": request.path},
    )


@login_required
@permission_required("people.issue_certificate", raise_exception=True)
def certificate_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The organizer makes out a certificate for a volunteer and issues it at once."""
    volunteer = Volunteer.objects.visible_to(request.user).get_or_404(pk=pk)
    user = user_of(request)
    form = CertificateRequestForm(request.POST or None, organizations=organizations_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            certificate = certificates.certify(
                volunteer=volunteer,
                organization=form.cleaned_data["organization"],
                purpose=form.cleaned_data["purpose"],
                by=user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Certificate %(number)s was issued.") % {"number": certificate.number}
            )
            return redirect("people:certificate-detail", pk=certificate.pk)
    context = {"form": form, "volunteer": volunteer, "title": _("Issue a service certificate")}
    return render(request, "people/simple_form.html", context)


@login_required
@permission_required("people.import_volunteers", raise_exception=True)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = ImportBatch.objects.create(
            kind=form.cleaned_data["kind"],
            filename=upload.name[:200],
            content=upload.read(spreadsheet.MAX_BYTES + 1),
            uploaded_by=user_of(request),
        )
        return redirect("people:import-preview", pk=batch.pk)
    batches = (
        ImportBatch.objects.visible_to(request.user).filter(kind__in=importing.KINDS).defer("content")[:10]
    )
    return render(request, "people/import_start.html", {"form": form, "batches": batches})


@login_required
@permission_required("people.import_volunteers", raise_exception=True)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in importing.KINDS:
        raise Http404
    name = "志愿者导入模板.xlsx" if kind == "volunteers" else "志愿服务时长导入模板.xlsx"
    return xlsx_response(name, importing.template_bytes(kind, regions_for(user_of(request))))


@login_required
@permission_required("people.import_volunteers", raise_exception=True)
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = ImportBatch.objects.visible_to(request.user).filter(kind__in=importing.KINDS).get_or_404(pk=pk)
    user = user_of(request)
    checked = importing.check(batch.kind, bytes(batch.content), batch.filename, user)
    if request.method == "POST" and batch.state == ImportBatch.State.CHECKED:
        if request.POST.get("action") == "discard":
            discard_import(batch, by=user)
            messages.info(request, _("The upload was discarded; nothing was imported."))
            return redirect("people:import-start")
        if checked.ok:
            try:
                created = services.confirm_import(batch, checked.records, by=user)
            except DomainError as error:
                messages.error(request, str(error))
                return redirect("people:import-preview", pk=batch.pk)
            messages.success(request, _("%(count)d rows were imported.") % {"count": created})
            return redirect("people:volunteer-list" if batch.kind == "volunteers" else "people:record-list")
    context = {
        "batch": batch,
        "checked": checked,
        "errors": checked.errors[:500],
        "preview": list(zip(checked.rows, checked.records, strict=True))[:50],
        "kind_label": importing.KINDS[batch.kind],
    }
    return render(request, "people/import_preview.html", context)
