"""Organization endpoints: the public directory for anyone, more for callers in scope."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from peiyu.api.auth import SessionAuth, TokenAuth, public
from peiyu.api.schemas import (
    HsdsIdentifier,
    HsdsOrganization,
    HsdsPage,
    OrganizationOut,
    OrganizationPage,
    OrganizationRestrictedOut,
)
from peiyu.orgs.forms import OrganizationFilterForm
from peiyu.orgs.models import LegalForm, Organization, OrganizationQuerySet
from peiyu.orgs.views import filtered

router = Router(tags=["organizations"])
# Anyone may read the directory; credentials, when sent, widen what is returned.
OPTIONAL = [TokenAuth(), SessionAuth(), public]


class OrganizationFilters(Schema):
    q: str = Field(
        "", max_length=100, description="Any two characters of the name, pinyin, initials or a code prefix"
    )
    source: str = ""
    status: str = ""
    legal_form: str = ""
    category: str = ""
    development_type: str = ""
    field: str = Field("", description="Field-of-activity code")
    target_group: str = ""
    party_organization: str = ""
    region: str = Field("", max_length=12, description="Region code; its whole subtree")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=100)


def _scope(request: HttpRequest) -> tuple[OrganizationQuerySet, bool]:
    user = request.user
    if user.is_authenticated:
        return Organization.objects.visible_to(user), True
    return Organization.objects.public(), False


def _restricted(o: Organization) -> OrganizationRestrictedOut:
    return OrganizationRestrictedOut(
        leader_name=o.masked_leader_name,
        leader_phone=o.masked_leader_phone,
        contact_name=o.masked_contact_name,
        contact_phone=o.masked_contact_phone,
        address=o.address,
        active_people=o.active_people,
        party_organization=o.party_organization,
        has_charter=o.has_charter,
        has_member_congress=o.has_member_congress,
        has_board=o.has_board,
        has_supervisors=o.has_supervisors,
        is_decoupled=o.is_decoupled,
        version=o.version,
    )


def organization_out(o: Organization, *, restricted: bool) -> OrganizationOut:
    return OrganizationOut(
        id=o.pk,
        name=o.name,
        source=o.source,
        legal_form=o.legal_form,
        uscc=o.uscc,
        filing_number=o.filing_number,
        category=o.category,
        development_type=o.development_type,
        fields=[f.code for f in o.activity_fields.all()],
        target_groups=[g.code for g in o.target_groups.all()],
        region_code=o.region_id,
        region_name=o.region.name,
        authority_code=o.authority_id,
        guidance_unit=o.guidance_unit,
        established_on=o.established_on,
        filed_on=o.filed_on,
        registered_on=o.registered_on,
        ended_on=o.ended_on,
        pledge_signed_on=o.pledge_signed_on,
        status=o.status,
        hubs=[h.pk for h in o.hubs.all()],
        description=o.description,
        restricted=_restricted(o) if restricted else None,
    )


def _filtered(request: HttpRequest, filters: OrganizationFilters) -> tuple[OrganizationQuerySet, bool]:
    queryset, restricted = _scope(request)
    data: dict[str, Any] = filters.dict(exclude={"page", "page_size"})
    form = OrganizationFilterForm(data)
    if not form.is_valid():
        from ninja.errors import ValidationError

        raise ValidationError([{"loc": ["query", k], "msg": str(v[0])} for k, v in form.errors.items()])
    queryset = (
        filtered(queryset, form)
        .select_related("region")
        .prefetch_related("activity_fields", "target_groups", "hubs")
    )
    return queryset, restricted


@router.get("/organizations", response=OrganizationPage, auth=OPTIONAL, summary="Search organizations")
def organization_list(request: HttpRequest, filters: Query[OrganizationFilters]) -> OrganizationPage:
    """Search and filter organizations. Anonymous callers get the public directory; a token
    gets what its owner may see, with personal data masked."""
    queryset, restricted = _filtered(request, filters)
    start = (filters.page - 1) * filters.page_size
    items = [organization_out(o, restricted=restricted) for o in queryset[start : start + filters.page_size]]
    return OrganizationPage(
        count=queryset.count(), page=filters.page, page_size=filters.page_size, items=items
    )


@router.get("/organizations/{pk}", response=OrganizationOut, auth=OPTIONAL, summary="One organization")
def organization_detail(request: HttpRequest, pk: int) -> OrganizationOut:
    queryset, restricted = _scope(request)
    organization = (
        queryset.select_related("region")
        .prefetch_related("activity_fields", "target_groups", "hubs")
        .get_or_404(pk=pk)
    )
    return organization_out(organization, restricted=restricted)


LEGAL_STATUS = {
    LegalForm.ASSOCIATION: "社会团体 (social association)",
    LegalForm.SERVICE_INSTITUTION: "社会服务机构 (social service institution)",
    LegalForm.FOUNDATION: "基金会 (foundation)",
}


def hsds_organization(o: Organization, base: str) -> HsdsOrganization:
    identifier_id = str(o.public_id)
    identifiers = []
    if o.uscc:
        identifiers.append(
            HsdsIdentifier(
                id=f"{identifier_id}-uscc",
                organization_id=identifier_id,
                identifier_scope="national",
                identifier_type="CN-USCC (统一社会信用代码)",
                identifier=o.uscc,
            )
        )
    if o.filing_number:
        identifiers.append(
            HsdsIdentifier(
                id=f"{identifier_id}-filing",
                organization_id=identifier_id,
                identifier_scope="local",
                identifier_type="备案编号 (community organization filing number)",
                identifier=o.filing_number,
            )
        )
    founded = o.registered_on or o.filed_on or o.established_on
    return HsdsOrganization(
        id=identifier_id,
        name=o.name,
        alternate_name=None,
        description=o.description or o.name,
        email=None,
        website=None,
        tax_status=None,
        tax_id=o.uscc or None,
        year_incorporated=founded.year if founded else None,
        legal_status=LEGAL_STATUS.get(o.legal_form, "备案的社区社会组织 (filed, no legal-person status)"),  # type: ignore[call-overload]
        logo=None,
        uri=base + reverse("portal:disclosure", args=[o.pk]),
        parent_organization_id=None,
        organization_identifiers=identifiers,
    )


class HsdsQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=100)


@router.get("/hsds/organizations", response=HsdsPage, auth=OPTIONAL, summary="Public directory as HSDS")
def hsds_organizations(request: HttpRequest, paging: Query[HsdsQuery]) -> HsdsPage:
    """The public directory of active organizations as Open Referral HSDS 3.0 ``organization``
    records, in HSDS's page envelope."""
    queryset = Organization.objects.public().filter(status="active").order_by("id")
    total = queryset.count()
    start = (paging.page - 1) * paging.per_page
    base = request.build_absolute_uri("/").rstrip("/")
    contents = [hsds_organization(o, base) for o in queryset[start : start + paging.per_page]]
    pages = max(1, math.ceil(total / paging.per_page))
    return HsdsPage(
        total_items=total,
        total_pages=pages,
        page_number=paging.page,
        size=len(contents),
        first_page=paging.page == 1,
        last_page=paging.page >= pages,
        empty=not contents,
        contents=contents,
    )
