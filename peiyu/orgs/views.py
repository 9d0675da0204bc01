from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.lib import spreadsheet
from peiyu.lib.docx import docx_response
from peiyu.lib.masking import mask_phone
from peiyu.lib.xlsx import workbook_bytes, xlsx_response
from peiyu.orgs import importing, services
from peiyu.orgs.forms import (
    DecisionForm,
    DeregistrationForm,
    ImportForm,
    ListEntryForm,
    OrganizationFilterForm,
    OrganizationForm,
    RevocationForm,
    scope_regions,
)
from peiyu.orgs.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Document,
    Event,
    Field,
    ImportBatch,
    Organization,
    OrganizationQuerySet,
    TargetGroup,
    mask_name,
)
from peiyu.orgs.xlsx import EXPORT_LIMIT, export_rows, template_bytes
from peiyu.regions.models import Region

Request = HttpRequest
# Lists count at most this many matches (see ``CappedPaginator``).
COUNT_CAP = 10_000


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def filtered(queryset: OrganizationQuerySet, form: OrganizationFilterForm) -> OrganizationQuerySet:
    """Apply the list filters; an invalid filter form filters nothing."""
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    for name in ("source", "status", "legal_form", "category", "development_type", "party_organization"):
        if data.get(name):
            queryset = queryset.filter(**{name: data[name]})
    if data.get("field"):
        queryset = queryset.filter(activity_fields__code=data["field"])
    if data.get("target_group"):
        queryset = queryset.filter(target_groups__code=data["target_group"])
    if data.get("region"):
        queryset = queryset.in_region(data["region"])
    if data.get("q"):
        queryset = queryset.search(data["q"])
    return queryset.order_by(data["sort"], "-id") if data.get("sort") else queryset.order_by("-id")


@login_required
@permission_required("orgs.view_organization", raise_exception=True)
def organization_list(request: HttpRequest) -> HttpResponse:
    form = OrganizationFilterForm(request.GET)
    organizations = filtered(Organization.objects.visible_to(request.user), form).for_listing()
    if request.GET.get("format") == "xlsx":
        rows = list(organizations[: EXPORT_LIMIT + 1])
        if len(rows) > EXPORT_LIMIT:
            messages.error(
                request,
                _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT},
            )
            return redirect(f"{request.path}?{query_without_page(request).replace('format=xlsx', '')}")
        headers, values = export_rows(rows)
        return xlsx_response("社会组织.xlsx", workbook_bytes(_("Organizations"), headers, values))
    page = paginate(request, organizations, cap=COUNT_CAP)
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, "orgs/organization_list.html", context)


@login_required
@permission_required("orgs.view_organization", raise_exception=True)
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = Organization.objects.visible_to(request.user).for_detail().get_or_404(pk=pk)
    events = (
        Event.objects.filter(Q(organization=organization) | Q(application__organization=organization))
        .select_related("actor", "application")
        .distinct()
        .order_by("at", "id")
    )
    context = {
        "organization": organization,
        "events": events,
        "documents": organization.documents.only("id", "title", "number", "issued_at", "attachment_name"),
        "applications": organization.applications.select_related("region")[:20],
        "open_application": organization.applications.open().first(),
        "can_reveal": request.user.has_perm("orgs.reveal_contact"),
        "can_revoke": request.user.has_perm("orgs.revoke_organization") and organization.is_active,
    }
    return render(request, "orgs/organization_detail.html", context)


@login_required
@require_POST
def organization_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    organization = Organization.objects.visible_to(request.user).get_or_404(pk=pk)
    try:
        values = services.reveal_contact(
            organization, by=_user(request), remote_addr=request.META.get("REMOTE_ADDR")
        )
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    return render(request, "orgs/partials/contact.html", {"organization": organization, "revealed": values})


PHONES = ("leader_phone", "contact_phone")


def hide_phones(form: OrganizationForm, before: dict[str, Any]) -> None:
    """Edit forms never carry a phone in full: the field starts empty with the masked value as
    its placeholder, and an empty field keeps what is on record (see ``kept_phones``)."""
    form.initial = {**form.initial, **dict.fromkeys(PHONES, "")}
    for key in PHONES:
        form.fields[key].required = False
        form.fields[key].help_text = _("Leave empty to keep the number on record.")
        form.fields[key].widget.attrs["placeholder"] = mask_phone(before.get(key) or "")


def kept_phones(after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    return {**after, **{key: before.get(key, "") for key in PHONES if not after.get(key)}}


def _organization_form(
    request: HttpRequest, *, initial: dict[str, Any], purpose: str, user: User
) -> OrganizationForm:
    return OrganizationForm(
        request.POST or None, initial=initial, regions=scope_regions(user), purpose=purpose
    )


@login_required
@permission_required("orgs.add_application", raise_exception=True)
def organization_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a record: the edit becomes a change request, decided by the office."""
    organization = Organization.objects.visible_to(request.user).for_detail().get_or_404(pk=pk)
    before = services.payload_of(organization)
    regions = scope_regions(request.user) or {organization.region_id: organization.region.name}
    regions.setdefault(organization.region_id, organization.region.name)
    hubs = [(pk, name) for pk, name in services.hub_choices(organization.region_id) if pk != organization.pk]
    form = OrganizationForm(
        request.POST or None, initial=before, regions=regions, hubs=hubs, purpose="record"
    )
    for locked in ("source", "uscc", "filing_number", "filed_on", "registered_on"):
        form.fields[locked].disabled = True
    hide_phones(form, before)
    if request.method == "POST" and form.is_valid():
        after = kept_phones(services.payload_from(form.cleaned_data), before)
        changes = {key: after[key] for key in services.changed_keys(before, after)}
        if not changes:
            form.add_error(None, _("Nothing was changed."))
        else:
            try:
                application = services.submit_application(
                    kind=ApplicationKind.CHANGE,
                    payload=changes,
                    region=organization.region,
                    organization=organization,
                    note=request.POST.get("note", ""),
                    by=_user(request),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The change request was submitted for decision."))
                return redirect("orgs:application-detail", pk=application.pk)
    context = {"organization": organization, "form": form, "title": _("Request a change")}
    return render(request, "orgs/organization_form.html", context)


@login_required
@permission_required("orgs.add_application", raise_exception=True)
def organization_upgrade(request: HttpRequest, pk: int) -> HttpResponse:
    """A filed organization applies to register, keeping its record and history."""
    organization = Organization.objects.visible_to(request.user).for_detail().get_or_404(pk=pk)
    initial = {**services.payload_of(organization), "source": "registered"}
    form = _organization_form(request, initial=initial, purpose="application", user=_user(request))
    form.fields["region"].widget.choices = [(organization.region_id, organization.region.name)]  # type: ignore[attr-defined]
    hide_phones(form, initial)
    if request.method == "POST" and form.is_valid():
        form.cleaned_data.update(kept_phones(form.cleaned_data, initial))
        return _submit(request, form, kind=ApplicationKind.REGISTRATION, organization=organization)
    context = {"organization": organization, "form": form, "title": _("Apply to register")}
    return render(request, "orgs/organization_form.html", context)


@login_required
@permission_required("orgs.add_application", raise_exception=True)
def organization_deregister(request: HttpRequest, pk: int) -> HttpResponse:
    organization = Organization.objects.visible_to(request.user).get_or_404(pk=pk)
    form = DeregistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit_application(
                kind=ApplicationKind.DEREGISTRATION,
                payload={},
                region=organization.region,
                organization=organization,
                note=form.cleaned_data["note"],
                by=_user(request),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The deregistration application was submitted."))
            return redirect("orgs:application-detail", pk=application.pk)
    return render(
        request,
        "orgs/simple_form.html",
        {"organization": organization, "form": form, "title": _("Apply to deregister")},
    )


@login_required
@permission_required("orgs.revoke_organization", raise_exception=True)
def organization_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    organization = Organization.objects.visible_to(request.user).get_or_404(pk=pk)
    form = RevocationForm(
        request.POST or None, request.FILES or None, initial={"version": organization.version}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["decision_file"]
        try:
            services.revoke_organization(
                organization,
                reason=form.cleaned_data["reason"],
                basis=form.cleaned_data["basis"],
                attachment=upload.read(),
                attachment_name=upload.name,
                seen_version=form.cleaned_data["version"],
                by=_user(request),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was revoked.") % {"name": organization.name})
            return redirect("orgs:organization-detail", pk=organization.pk)
    context = {
        "organization": organization,
        "form": form,
        "title": _("Revoke the registration"),
        "danger": True,
    }
    return render(request, "orgs/simple_form.html", context)


def _submit(
    request: HttpRequest, form: OrganizationForm, *, kind: str, organization: Organization | None = None
) -> HttpResponse:
    payload = services.payload_from(form.cleaned_data)
    try:
        application = services.submit_application(
            kind=kind,
            payload=payload,
            region=Region.objects.get(code=payload["region"]),
            organization=organization,
            note=request.POST.get("note", ""),
            by=_user(request),
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return render(
            request, "orgs/organization_form.html", {"form": form, "organization": organization, "title": ""}
        )
    messages.success(
        request, _("Application %(reference)s was submitted.") % {"reference": application.reference}
    )
    return redirect("orgs:application-detail", pk=application.pk)


@login_required
@permission_required("orgs.add_application", raise_exception=True)
def application_create(request: HttpRequest, kind: str) -> HttpResponse:
    """A new filing or registration entered in the back-office (by the office on an
    organization's behalf, or by an organization account)."""
    if kind not in (ApplicationKind.FILING, ApplicationKind.REGISTRATION):
        return redirect("orgs:application-list")
    source = "filed" if kind == ApplicationKind.FILING else "registered"
    form = _organization_form(request, initial={"source": source}, purpose="application", user=_user(request))
    form.fields["source"].disabled = True
    if request.method == "POST" and form.is_valid():
        return _submit(request, form, kind=kind)
    title = (
        _("New filing application") if kind == ApplicationKind.FILING else _("New registration application")
    )
    return render(
        request, "orgs/organization_form.html", {"form": form, "title": title, "organization": None}
    )


@login_required
@permission_required("orgs.view_application", raise_exception=True)
def application_list(request: HttpRequest) -> HttpResponse:
    applications = Application.objects.visible_to(request.user).for_listing()
    status = request.GET.get("status", "open")
    if status == "open":
        applications = applications.open()
    elif status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in ApplicationKind.values:
        applications = applications.filter(kind=kind)
    context = {
        "page": paginate(request, applications),
        "query": query_without_page(request),
        "status": status,
        "kind": kind,
        "statuses": ApplicationStatus.choices,
        "kinds": ApplicationKind.choices,
    }
    return render(request, "orgs/application_list.html", context)


@login_required
@permission_required("orgs.view_application", raise_exception=True)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = Application.objects.visible_to(request.user).for_listing().get_or_404(pk=pk)
    user = _user(request)
    allowed = services.can_decide(application, user)
    may_decide = allowed and application.status == ApplicationStatus.SUBMITTED
    form = DecisionForm(request.POST or None, initial={"version": application.version})
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if not may_decide:
            messages.error(
                request, _("This application is no longer waiting for a decision; nothing was changed.")
            )
            return redirect("orgs:application-detail", pk=application.pk)
        if form.is_valid():
            try:
                services.decide_application(
                    application,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    assigned_uscc=form.cleaned_data["uscc"],
                    seen_version=form.cleaned_data["version"],
                    by=user,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("orgs:application-detail", pk=application.pk)
    context = {
        "application": application,
        "form": form if may_decide else None,
        "events": application.events.select_related("actor"),
        "documents": application.documents.only("id", "title", "number", "issued_at"),
        "rows": _payload_rows(application),
        "is_applicant": application.applicant_id == user.pk,
    }
    return render(request, "orgs/application_detail.html", context)


def _payload_rows(application: Application) -> list[tuple[str, Any, Any]]:
    """The proposed values beside the current ones, labelled, for the reviewer."""
    organization = application.organization
    is_change = application.kind == ApplicationKind.CHANGE and organization is not None
    current = services.payload_of(organization) if is_change else {}  # type: ignore[arg-type]
    form = OrganizationForm(regions={}, hubs=services.hub_choices(application.region_id), purpose="record")
    rows = []
    for key, value in application.payload.items():
        if key not in form.fields:
            continue
        label = str(form.fields[key].label)
        rows.append((label, _display(form, key, current.get(key)), _display(form, key, value)))
    return rows


# Personal data stays masked on application pages too; the full values are revealed, with an
# audit entry, only on the organization's page.
PERSONAL = {
    "leader_name": mask_name,
    "contact_name": mask_name,
    "leader_phone": mask_phone,
    "contact_phone": mask_phone,
}


def _display(form: OrganizationForm, key: str, value: Any) -> Any:
    if key in PERSONAL and value:
        return PERSONAL[key](str(value))
    choices = dict(getattr(form.fields[key], "choices", []) or [])
    if isinstance(value, list):
        return "、".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "region" and value:
        region = Region.objects.filter(code=value).first()
        return region.path_name() if region else value
    return choices.get(value, value) if value not in (None, "") else "—"


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = Application.objects.visible_to(request.user).get_or_404(pk=pk)
    try:
        services.withdraw_application(application, by=_user(request), note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect("orgs:application-detail", pk=application.pk)


@login_required
def application_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    application = Application.objects.visible_to(request.user).get_or_404(pk=pk)
    user = _user(request)
    purpose = "record" if application.kind == ApplicationKind.CHANGE else "application"
    regions = scope_regions(user) or {application.region_id: application.region.name}
    regions.setdefault(application.region_id, application.region.name)
    initial = {
        **(services.payload_of(application.organization) if application.organization else {}),
        **application.payload,
    }
    form = OrganizationForm(request.POST or None, initial=initial, regions=regions, purpose=purpose)
    if application.kind == ApplicationKind.DEREGISTRATION:
        form = None  # type: ignore[assignment]
    if request.method == "POST" and (form is None or form.is_valid()):
        payload = None
        if form is not None:
            payload = services.payload_from(form.cleaned_data)
            if application.kind == ApplicationKind.CHANGE:
                before = services.payload_of(application.organization)  # type: ignore[arg-type]
                payload = {key: payload[key] for key in services.changed_keys(before, payload)}
        try:
            services.resubmit_application(
                application, payload=payload, note=request.POST.get("note", ""), by=user
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The application was resubmitted."))
        return redirect("orgs:application-detail", pk=application.pk)
    context = {"form": form, "organization": application.organization, "title": _("Correct and resubmit")}
    return render(request, "orgs/organization_form.html", context)


@login_required
def document_download(request: HttpRequest, pk: int, part: str = "document") -> HttpResponse:
    visible = Organization.objects.visible_to(request.user)
    applications = Application.objects.visible_to(request.user)
    document = (
        Document.objects.filter(Q(organization__in=visible) | Q(application__in=applications))
        .distinct()
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    if part == "attachment" and document.attachment:
        from django.http import HttpResponse as Response

        response = Response(bytes(document.attachment), content_type="application/octet-stream")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''" + _quote(document.attachment_name)
        return response
    return docx_response(f"{document.title}{document.number}.docx", bytes(document.content))


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
@permission_required("orgs.import_organizations", raise_exception=True)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(spreadsheet.MAX_BYTES + 1)
        batch = ImportBatch.objects.create(
            filename=upload.name[:200], content=data, uploaded_by=_user(request)
        )
        return redirect("orgs:import-preview", pk=batch.pk)
    batches = ImportBatch.objects.visible_to(request.user).of_kind("organizations").defer("content")[:10]
    return render(request, "orgs/import_start.html", {"form": form, "batches": batches})


@login_required
@permission_required("orgs.import_organizations", raise_exception=True)
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response("社会组织导入模板.xlsx", template_bytes(scope_regions(_user(request))))


@login_required
@permission_required("orgs.import_organizations", raise_exception=True)
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = ImportBatch.objects.visible_to(request.user).of_kind("organizations").get_or_404(pk=pk)
    checked = importing.read_and_check(
        bytes(batch.content), batch.filename, importing.regions_for(_user(request))
    )
    if request.method == "POST" and batch.state == ImportBatch.State.CHECKED:
        if request.POST.get("action") == "discard":
            services.discard_import(batch, by=_user(request))
            messages.info(request, _("The upload was discarded; nothing was imported."))
            return redirect("orgs:import-start")
        if checked.ok:
            try:
                created = services.confirm_import(batch, checked.records, by=_user(request))
            except DomainError as error:
                messages.error(request, str(error))
                return redirect("orgs:import-preview", pk=batch.pk)
            messages.success(request, _("%(count)d organizations were imported.") % {"count": created})
            return redirect("orgs:organization-list")
    context = {
        "batch": batch,
        "checked": checked,
        "errors": checked.errors[:500],
        "preview": list(zip(checked.rows, checked.records, strict=True))[:50],
    }
    return render(request, "orgs/import_preview.html", context)


LISTS: dict[str, type[Field] | type[TargetGroup]] = {"fields": Field, "target-groups": TargetGroup}


@login_required
def list_entries(request: HttpRequest, kind: str) -> HttpResponse:
    """A configurable list (fields of activity, target groups): see it, add to it, edit it."""
    model = LISTS.get(kind)
    if model is None:
        raise Http404
    permission = f"orgs.change_{model._meta.model_name}"
    if not request.user.has_perm(permission):
        raise PermissionDenied
    entry = model.objects.filter(code=request.GET.get("edit", "")).first()
    initial = (
        {"code": entry.code, "name": entry.name, "position": entry.position, "is_active": entry.is_active}
        if entry
        else None
    )
    form = ListEntryForm(request.POST or None, initial=initial)
    if entry is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.save_list_entry(model=model, by=_user(request), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The list was saved."))
            return redirect("orgs:list-entries", kind=kind)
    context = {
        "kind": kind,
        "title": model._meta.verbose_name_plural,
        "entries": model.objects.all(),
        "form": form,
        "entry": entry,
    }
    return render(request, "orgs/list_entries.html", context)
