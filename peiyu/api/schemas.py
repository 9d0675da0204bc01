from __future__ import annotations

from datetime import date
from typing import Generic, TypeVar

from ninja import Field, Schema

T = TypeVar("T")


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in the request's language.")


class ValidationErrorOut(Schema):
    detail: list[dict[str, object]] = Field(description="One entry per invalid input.")


class PageOut(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    items: list[T]


class RegionOut(Schema):
    code: str = Field(description="12-digit statistical division code")
    short_code: str = Field(description="Significant prefix: 6 digits for a county, 9 for a town")
    name: str
    level: str
    parent_code: str | None
    population: int | None
    is_urban: bool | None


class RegionPage(PageOut[RegionOut]):
    pass


class OrganizationRestrictedOut(Schema):
    """What only signed-in callers in scope receive; personal data stays masked."""

    leader_name: str = Field(description="Masked")
    leader_phone: str = Field(description="Masked")
    contact_name: str = Field(description="Masked")
    contact_phone: str = Field(description="Masked")
    address: str
    active_people: int | None
    party_organization: str
    has_charter: bool
    has_member_congress: bool
    has_board: bool
    has_supervisors: bool
    is_decoupled: bool
    version: int


class OrganizationOut(Schema):
    id: int
    name: str
    source: str = Field(description="registered, filed or external")
    legal_form: str = Field(
        description="association, service_institution, foundation, or empty for filed ones"
    )
    uscc: str = Field(description="Unified social credit code (registered ones)")
    filing_number: str
    category: str
    development_type: str
    fields: list[str] = Field(description="Fields of activity (codes)")
    target_groups: list[str]
    region_code: str
    region_name: str
    authority_code: str | None
    guidance_unit: str
    established_on: date | None
    filed_on: date | None
    registered_on: date | None
    ended_on: date | None
    pledge_signed_on: date | None
    status: str = Field(description="active, deregistered or revoked")
    hubs: list[int] = Field(description="Hub organizations it is a member of")
    description: str
    restricted: OrganizationRestrictedOut | None = Field(description="Present for authenticated callers only")


class OrganizationPage(PageOut[OrganizationOut]):
    pass


class HsdsIdentifier(Schema):
    id: str
    organization_id: str
    identifier_scope: str
    identifier_type: str
    identifier: str


class HsdsOrganization(Schema):
    """An Open Referral HSDS 3.0 ``organization`` record."""

    id: str
    name: str
    alternate_name: str | None
    description: str
    email: str | None
    website: str | None
    tax_status: str | None
    tax_id: str | None
    year_incorporated: int | None
    legal_status: str | None
    logo: str | None
    uri: str | None
    parent_organization_id: str | None
    organization_identifiers: list[HsdsIdentifier]


class HsdsPage(Schema):
    """HSDS 3.0 paginated response envelope."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[HsdsOrganization]
