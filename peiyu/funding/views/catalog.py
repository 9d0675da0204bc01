"""Back-office pages of the procurement catalog (购买服务目录) and the project library (项目库):
the lists with their filters and export, a catalog item drafted, edited, published and retired
with the needs it answers, a project written by the office from a catalog item or proposed by an
organization, and the office's decision on a proposal. Organizations see and propose their own
projects only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.core.scoping import in_subtree
from peiyu.funding.forms.catalog import (
    CatalogFilterForm,
    CatalogItemForm,
    CatalogStatusForm,
    ProjectDecideForm,
    ProjectFilterForm,
    ProjectForm,
)
from peiyu.funding.models import (
    CATALOG_TRANSITIONS,
    CatalogItem,
    CatalogStatus,
    FundingEvent,
    Need,
    Project,
    ProjectStatus,
    Round,
)
from peiyu.funding.services import catalog as services
from peiyu.lib.xlsx import sheets_bytes, xlsx_response
from peiyu.orgs.models import Organization
from peiyu.orgs.models import Status as OrganizationStatus
from peiyu.regions.models import Level, Region

VIEW_ITEM = "funding.view_catalogitem"
VIEW_PROJECT = "funding.view_project"
EXPORT_LIMIT = 20_000
ITEM_LABELS = {
    "created": gettext_lazy("Drafted"),
    "changed": gettext_lazy("Changed"),
    **dict(CatalogStatus.choices),
}
PROJECT_LABELS = {"created": gettext_lazy("Entered"), **dict(ProjectStatus.choices)}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _history(subject: str, pk: int, labels: dict[str, Any]) -> list[tuple[FundingEvent, str]]:
    events = FundingEvent.objects.filter(subject=subject, subject_id=pk).select_related("actor")
    return [(e, str(labels.get(e.action, e.action))) for e in events]


def _refused(request: HttpRequest, error: DomainError) -> None:
    if isinstance(error, PermissionRefused):
        raise PermissionDenied(str(error)) from None
    messages.error(request, str(error))


def _too_many(request: HttpRequest, rows: list[Any], url: str) -> HttpResponse | None:
    if len(rows) <= EXPORT_LIMIT:
        return None
    messages.error(
        request, _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT}
    )
    return redirect(url)


# The procurement catalog


def _items(user: User) -> Any:
    return CatalogItem.objects.visible_to(user).select_related("region", "field")


def _item(request: HttpRequest, pk: int) -> CatalogItem:
    item: CatalogItem = _items(_user(request)).get_or_404(pk=pk)
    return item


def _item_years(user: User) -> list[int]:
    return list(
        CatalogItem.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct()
    )


def _export_items(rows: list[CatalogItem]) -> HttpResponse:
    headers = [
        _("Year"),
        _("Item number"),
        _("Service"),
        _("Field"),
        _("Purchasing authority"),
        _("Scope"),
        _("Service requirements"),
        _("Eligible applicants"),
        _("Budget from (yuan)"),
        _("Budget up to (yuan)"),
        _("Needs it answers"),
        _("Residents raising them"),
        _("Projects"),
        _("Status"),
    ]
    values = (
        (
            i.year,
            i.code,
            i.title,
            i.field.name,
            i.region.name,
            i.scope,
            i.requirements,
            i.eligible_applicants,
            i.budget_min,
            i.budget_max,
            i.need_count,  # type: ignore[attr-defined]
            i.supporter_count or 0,  # type: ignore[attr-defined]
            i.project_count,  # type: ignore[attr-defined]
            i.get_status_display(),
        )
        for i in rows
    )
    return xlsx_response("购买服务目录.xlsx", sheets_bytes([(_("Procurement catalog"), headers, values)]))


@login_required
@permission_required(VIEW_ITEM, raise_exception=True)
def catalog_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CatalogFilterForm(request.GET, years=_item_years(user))
    # The residents behind an item's needs, summed apart from the counts (a join over both
    # needs and projects would count each need once per project).
    residents = Need.objects.filter(items=OuterRef("pk")).order_by().values("items")
    rows = (
        form.filter(_items(user))
        .annotate(
            need_count=Count("needs", distinct=True),
            project_count=Count("projects", distinct=True),
            supporter_count=Subquery(residents.annotate(total=Sum("supporters")).values("total")),
        )
        .order_by("-year", "code")
    )
    if request.GET.get("format") == "xlsx":
        listed = list(rows[: EXPORT_LIMIT + 1])
        return _too_many(request, listed, "funding:catalog-list") or _export_items(listed)
    context = {
        "form": form,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "filtering": form.filtering,
    }
    return render(request, "funding/catalog_list.html", context)


def _item_form(request: HttpRequest, item: CatalogItem | None = None, **kwargs: Any) -> CatalogItemForm:
    user = _user(request)
    counties = Region.objects.visible_to(user).filter(level=Level.COUNTY)
    needs = Need.objects.visible_to(user)
    if item is not None:
        needs = needs.filter(in_subtree(item.region_id[:6]))
    return CatalogItemForm(request.POST or None, needs=needs, counties=counties, item=item, **kwargs)


def _initial_from_need(request: HttpRequest) -> dict[str, Any]:
    """A draft started from a need's page carries the need, its field and its title."""
    pk = request.GET.get("need", "")
    need = Need.objects.visible_to(request.user).filter(pk=pk).first() if pk.isdigit() else None
    if need is None:
        return {}
    return {"needs": [need], "field": need.field_id, "title": need.title}


@login_required
@permission_required("funding.add_catalogitem", raise_exception=True)
def catalog_create(request: HttpRequest) -> HttpResponse:
    form = _item_form(request, initial=_initial_from_need(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_catalog_item(
                region=Region.objects.get(code=form.cleaned_data["region"]),
                needs=form.cleaned_data["needs"],
                by=_user(request),
                **form.values(),
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The catalog item was drafted. Publish it once it is final."))
            return redirect("funding:catalog-detail", pk=item.pk)
    return render(request, "funding/catalog_form.html", {"form": form})


@login_required
@permission_required(VIEW_ITEM, raise_exception=True)
def catalog_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(request, pk)
    moves = sorted(CATALOG_TRANSITIONS.get(item.status, set()))
    # What hangs off the item is shown only as far as the user's scope reaches.
    context = {
        "item": item,
        "needs": Need.objects.visible_to(user)
        .filter(items=item)
        .select_related("region", "region__parent", "field")
        .order_by("-supporters", "pk"),
        "projects": Project.objects.visible_to(user)
        .filter(catalog_item=item)
        .select_related("region", "organization")
        .order_by("-created_at"),
        "rounds": Round.objects.visible_to(user).filter(catalog_items=item).order_by("-year"),
        "moves": [(to, CatalogStatus(to).label) for to in moves],
        "status_form": CatalogStatusForm(),
        "events": _history("catalogitem", item.pk, ITEM_LABELS),
    }
    return render(request, "funding/catalog_detail.html", context)


@login_required
@permission_required("funding.change_catalogitem", raise_exception=True)
def catalog_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if item.status != CatalogStatus.DRAFT:
        messages.error(request, _("A published catalog item is not changed; retire it and draft a new one."))
        return redirect("funding:catalog-detail", pk=item.pk)
    form = _item_form(request, item)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_catalog_item(
                item,
                seen_version=form.cleaned_data["version"],
                needs=form.cleaned_data["needs"],
                by=_user(request),
                **form.values(),
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The catalog item was saved."))
            return redirect("funding:catalog-detail", pk=item.pk)
    return render(request, "funding/catalog_form.html", {"form": form, "item": item})


@login_required
@require_POST
@permission_required("funding.change_catalogitem", raise_exception=True)
def catalog_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = CatalogStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to publish or to retire the item."))
        return redirect("funding:catalog-detail", pk=item.pk)
    try:
        services.set_catalog_status(
            item, to=form.cleaned_data["to"], note=form.cleaned_data["note"], by=_user(request)
        )
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The item is now “%(status)s”.") % {"status": CatalogStatus(form.cleaned_data["to"]).label},
        )
    return redirect("funding:catalog-detail", pk=item.pk)


# The project library


def _projects(user: User) -> Any:
    return Project.objects.visible_to(user).select_related(
        "region", "region__parent", "field", "catalog_item", "organization"
    )


def _project(request: HttpRequest, pk: int) -> Project:
    project: Project = _projects(_user(request)).get_or_404(pk=pk)
    return project


def _export_projects(rows: list[Project]) -> HttpResponse:
    headers = [
        _("Project"),
        _("Origin"),
        _("Catalog item"),
        _("Proposed by"),
        _("Field"),
        _("Where it serves"),
        _("Estimated budget (yuan)"),
        _("Status"),
        _("Decision note"),
        _("Entered on"),
    ]
    values = (
        (
            p.title,
            p.get_origin_display(),
            str(p.catalog_item) if p.catalog_item else "",
            p.organization.name if p.organization else "",
            p.field.name,
            p.region.name,
            p.budget,
            p.get_status_display(),
            p.decision_note,
            p.created_at,
        )
        for p in rows
    )
    return xlsx_response("项目库.xlsx", sheets_bytes([(_("Project library"), headers, values)]))


@login_required
@permission_required(VIEW_PROJECT, raise_exception=True)
def project_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visible = Project.objects.visible_to(user)
    years = [d.year for d in visible.dates("created_at", "year", order="DESC")]
    towns = list(Region.objects.visible_to(user).filter(level=Level.TOWN).values_list("code", "name"))
    form = ProjectFilterForm(request.GET, years=years, towns=towns)
    rows = form.filter(_projects(user))
    if request.GET.get("format") == "xlsx":
        listed = list(rows[: EXPORT_LIMIT + 1])
        return _too_many(request, listed, "funding:project-list") or _export_projects(listed)
    context = {
        "form": form,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "filtering": form.filtering,
    }
    return render(request, "funding/project_list.html", context)


def _project_form(request: HttpRequest) -> ProjectForm:
    """The office writes from its published items in its region; an organization proposes for
    its own active organizations, in their counties."""
    user = _user(request)
    published = CatalogItem.objects.published()
    initial = {}
    if user.is_staff_account or user.is_superuser:
        items = published.filter(pk__in=CatalogItem.objects.visible_to(user).values("pk"))
        pk = request.GET.get("item", "")
        item = items.filter(pk=pk).first() if pk.isdigit() else None
        if item is not None:
            initial = {
                "catalog_item": item,
                "field": item.field_id,
                "title": item.title,
                "budget": item.budget_max,
            }
        counties = {code[:6] for code in items.values_list("region_id", flat=True)}
        organizations = None
    else:
        organizations = Organization.objects.visible_to(user).filter(status=OrganizationStatus.ACTIVE)
        counties = {code[:6] for code in organizations.values_list("region_id", flat=True)}
        items = published.filter(_any_county(counties, "region_id"))
    places = Region.objects.filter(_any_county(counties, "code"))
    return ProjectForm(
        request.POST or None, items=items, places=places, organizations=organizations, initial=initial
    )


def _any_county(counties: set[str], lookup: str) -> Q:
    condition = Q(pk__in=[])
    for county in sorted(counties):
        condition |= in_subtree(county, lookup)
    return condition


@login_required
@permission_required("funding.add_project", raise_exception=True)
def project_create(request: HttpRequest) -> HttpResponse:
    form = _project_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                region=Region.objects.get(code=data["region"]),
                title=data["title"],
                field=data["field"],
                summary=data["summary"],
                budget=data["budget"],
                origin=form.origin,
                catalog_item=data["catalog_item"],
                organization=data.get("organization"),
                target_groups=data["target_groups"],
                by=_user(request),
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if project.status == ProjectStatus.PROPOSED:
                messages.success(request, _("The project was proposed; the office will decide on it."))
            else:
                messages.success(request, _("The project is in the library."))
            return redirect("funding:project-detail", pk=project.pk)
    return render(request, "funding/project_form.html", {"form": form})


def _project_detail(
    request: HttpRequest, project: Project, form: ProjectDecideForm | None = None
) -> HttpResponse:
    user = _user(request)
    may_decide = (
        project.status == ProjectStatus.PROPOSED
        and user.has_perm("funding.change_project")
        and (user.is_staff_account or user.is_superuser)
    )
    if may_decide and form is None:
        form = ProjectDecideForm(initial={"version": project.version})
    context = {
        "project": project,
        "target_groups": project.target_groups.all(),
        "decide": form if may_decide else None,
        "events": _history("project", project.pk, PROJECT_LABELS),
    }
    return render(request, "funding/project_detail.html", context)


@login_required
@permission_required(VIEW_PROJECT, raise_exception=True)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_detail(request, _project(request, pk))


@login_required
@require_POST
@permission_required("funding.change_project", raise_exception=True)
def project_decide(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = ProjectDecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_project(
                project,
                accept=data["decision"] == "accept",
                note=data["note"],
                seen_version=data["version"],
                by=_user(request),
            )
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The decision was recorded."))
        return redirect("funding:project-detail", pk=project.pk)
    return _project_detail(request, project, form)
