"""The procurement catalog (购买服务目录) and the project library (项目库).

A county drafts catalog items (what it buys, the scope, the service requirements, who may apply,
the budget range) from the needs it received; linking a new need to an item accepts it. A draft
is edited freely, then published; a published item is never edited again, only retired.

The project library fills from two sides: the office writes a project from a published catalog
item (top-down, in the library at once), and an organization proposes one from its own account
(bottom-up), which the office accepts or declines with a reason."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.funding.models import (
    CATALOG_TRANSITIONS,
    PROJECT_TRANSITIONS,
    CatalogItem,
    CatalogStatus,
    Need,
    NeedStatus,
    Origin,
    Project,
    ProjectStatus,
)
from peiyu.funding.services.common import event, locked, move, require, require_region
from peiyu.funding.services.needs import accept_linked
from peiyu.orgs.models import Field, Organization, TargetGroup
from peiyu.regions.models import Level, Region

ADD_ITEM = "funding.add_catalogitem"
CHANGE_ITEM = "funding.change_catalogitem"
ADD_PROJECT = "funding.add_project"
CHANGE_PROJECT = "funding.change_project"
# What a draft item's form sets; anything else is refused.
ITEM_FIELDS = {
    "year",
    "code",
    "title",
    "field",
    "scope",
    "requirements",
    "eligible_applicants",
    "budget_min",
    "budget_max",
}
TEXTS = ("code", "title", "scope", "requirements", "eligible_applicants")


def _check_item(region: Region, values: dict[str, Any], *, pk: int | None = None) -> None:
    for name in TEXTS:
        if name in values and not str(values[name]).strip():
            raise DomainError(
                _("Fill in the item's number, service, scope, requirements and eligible applicants.")
            )
    low, high = Decimal(values["budget_min"]), Decimal(values["budget_max"])
    if low < 0 or high < low:
        raise DomainError(_("The budget range runs from zero or more up to at least its lower end."))
    taken = CatalogItem.objects.filter(region=region, year=values["year"], code=values["code"])
    if pk is not None:
        taken = taken.exclude(pk=pk)
    if taken.exists():
        raise DomainError(
            _("Item number %(code)s is already in the %(year)s catalog.")
            % {"code": values["code"], "year": values["year"]}
        )


def _check_needs(region: Region, needs: Iterable[Need]) -> list[Need]:
    needs = list(needs)
    for need in needs:
        if not region.contains(need.region_id):
            raise DomainError(_("Need %(reference)s is outside the county.") % {"reference": need.reference})
        if need.status in (NeedStatus.MERGED, NeedStatus.DECLINED):
            raise DomainError(
                _("Need %(reference)s was %(status)s; link the need that stands instead.")
                % {"reference": need.reference, "status": need.get_status_display()}
            )
    return needs


def _link(item: CatalogItem, needs: list[Need], *, by: User) -> None:
    """Link the needs; the new ones among them are accepted."""
    already = set(item.needs.values_list("pk", flat=True))
    item.needs.set(needs)
    note = _("Taken up in catalog item %(item)s.") % {"item": str(item)}
    for need in needs:
        if need.pk not in already:
            accept_linked(locked(need), by=by, note=note)


@audit.service("funding.create_catalog_item")
def create_catalog_item(
    *,
    region: Region,
    year: int,
    code: str,
    title: str,
    field: Field,
    scope: str,
    requirements: str,
    eligible_applicants: str,
    budget_min: Decimal,
    budget_max: Decimal,
    needs: Iterable[Need],
    by: User,
) -> CatalogItem:
    """Draft an item of a county's procurement catalog, linked to the needs it answers."""
    require(by, ADD_ITEM)
    require_region(by, region.code)
    if region.level != Level.COUNTY:
        raise DomainError(_("The procurement catalog is kept by a county (or district) authority."))
    values: dict[str, Any] = {
        "year": year,
        "code": code.strip(),
        "title": title.strip(),
        "field": field,
        "scope": scope.strip(),
        "requirements": requirements.strip(),
        "eligible_applicants": eligible_applicants.strip(),
        "budget_min": budget_min,
        "budget_max": budget_max,
    }
    _check_item(region, values)
    linked = _check_needs(region, needs)
    item = CatalogItem.objects.create(region=region, **values)
    event(subject=item, action="created", by=by, to_status=item.status)
    _link(item, linked, by=by)
    return item


@audit.service("funding.update_catalog_item")
def update_catalog_item(
    item: CatalogItem,
    *,
    by: User,
    seen_version: int | None,
    needs: Iterable[Need] | None = None,
    **values: Any,
) -> CatalogItem:
    """Change a draft item; a published one is only retired."""
    require(by, CHANGE_ITEM)
    item = locked(item, seen_version=seen_version)
    require_region(by, item.region_id)
    if item.status != CatalogStatus.DRAFT:
        raise DomainError(_("A published catalog item is not changed; retire it and draft a new one."))
    unknown = set(values) - ITEM_FIELDS
    if unknown:
        raise DomainError(_("Unknown catalog fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    values = {k: v.strip() if k in TEXTS else v for k, v in values.items()}
    current = {name: getattr(item, name) for name in ITEM_FIELDS} | values
    _check_item(item.region, current, pk=item.pk)
    for name, value in values.items():
        setattr(item, name, value)
    item.version += 1
    item.save(update_fields=[*values, "version"])
    event(subject=item, action="changed", by=by)
    if needs is not None:
        _link(item, _check_needs(item.region, needs), by=by)
    return item


@audit.service("funding.set_catalog_status")
def set_catalog_status(item: CatalogItem, *, to: str, by: User, note: str = "") -> CatalogItem:
    """Publish a draft item or retire a published one."""
    require(by, CHANGE_ITEM)
    item = locked(item)
    require_region(by, item.region_id)
    return move(item, to=to, transitions=CATALOG_TRANSITIONS, by=by, note=note.strip())


# The project library -------------------------------------------------------------------------


def _project_region(region: Region, county: str) -> None:
    if region.level not in (Level.COUNTY, Level.TOWN, Level.VILLAGE) or not region.code.startswith(county):
        raise DomainError(_("The project must serve a place in the county."))


@audit.service("funding.create_project")
def create_project(
    *,
    region: Region,
    title: str,
    field: Field,
    summary: str,
    budget: Decimal,
    by: User,
    origin: str,
    catalog_item: CatalogItem | None = None,
    organization: Organization | None = None,
    target_groups: Iterable[TargetGroup] = (),
) -> Project:
    """Put a project into the library: the office writes one from a published catalog item
    (top-down, in the library at once); an organization proposes its own (bottom-up, waiting for
    the office's decision)."""
    require(by, ADD_PROJECT)
    if not title.strip() or not summary.strip():
        raise DomainError(_("Give the project a title and a summary."))
    if budget < 0:
        raise DomainError(_("The budget cannot be negative."))
    if catalog_item is not None:
        if catalog_item.status != CatalogStatus.PUBLISHED:
            raise DomainError(_("Projects are written from a published catalog item."))
        if not catalog_item.budget_min <= budget <= catalog_item.budget_max:
            raise DomainError(
                _("The item's budget runs from %(low)s to %(high)s yuan.")
                % {"low": catalog_item.budget_min, "high": catalog_item.budget_max}
            )
    if origin == Origin.TOP_DOWN:
        if not (by.is_staff_account or by.is_superuser) or catalog_item is None:
            raise PermissionRefused(_("The office writes top-down projects from its catalog."))
        require_region(by, catalog_item.region_id)
        county, organization, status = catalog_item.region_id[:6], None, ProjectStatus.ACCEPTED
    elif origin == Origin.BOTTOM_UP:
        if organization is None or not organization.accounts.filter(pk=by.pk).exists():
            raise PermissionRefused(_("An organization proposes projects from its own account."))
        if not organization.is_active:
            raise DomainError(_("Only an active organization may propose a project."))
        county, status = organization.region_id[:6], ProjectStatus.PROPOSED
        if catalog_item is not None and catalog_item.region_id[:6] != county:
            raise DomainError(_("The catalog item belongs to another county."))
    else:
        raise DomainError(_("A project comes from the catalog or from an organization."))
    _project_region(region, county)
    project = Project.objects.create(
        region=region,
        title=title.strip(),
        field=field,
        summary=summary.strip(),
        budget=budget,
        origin=origin,
        catalog_item=catalog_item,
        organization=organization,
        status=status,
    )
    project.target_groups.set(list(target_groups))
    event(subject=project, action="created", by=by, to_status=status)
    return project


@audit.service("funding.decide_project")
def decide_project(
    project: Project, *, accept: bool, note: str, by: User, seen_version: int | None = None
) -> Project:
    """Take a proposed project into the library, or decline it with the reason."""
    require(by, CHANGE_PROJECT)
    if not (by.is_staff_account or by.is_superuser):
        raise PermissionRefused(_("The office decides on proposed projects."))
    project = locked(project, seen_version=seen_version)
    require_region(by, project.region_id)
    note = note.strip()
    if not accept and not note:
        raise DomainError(pgettext("funding decision", "Give the reason for declining."))
    project.decision_note = note[:300]
    to = ProjectStatus.ACCEPTED if accept else ProjectStatus.DECLINED
    return move(project, to=to, transitions=PROJECT_TRANSITIONS, by=by, note=note, fields=("decision_note",))
