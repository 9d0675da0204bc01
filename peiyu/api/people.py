"""People endpoints: a volunteer's own record (/me/…), volunteers within a staff caller's
scope, and public certificate verification. Identity numbers and phones leave masked."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from peiyu.api.auth import SessionAuth, TokenAuth, public
from peiyu.api.schemas import ErrorOut, PageOut
from peiyu.people.forms.volunteers import VolunteerFilterForm
from peiyu.people.models import Certificate, CertificateStatus, Volunteer
from peiyu.people.views.volunteers import filtered

router = Router(tags=["people"])
ERRORS = {401: ErrorOut, 404: ErrorOut}


class VolunteerOut(Schema):
    id: int
    number: str
    name: str
    sex: str
    birth_year: int | None
    id_number: str = Field(description="Masked: first 6 and last 4 characters")
    phone: str = Field(description="Masked: first 3 and last 4 digits")
    region: str
    skills: list[str]
    approved_hours: float
    star_level: int


class VolunteerPage(PageOut[VolunteerOut]):
    pass


class RecordOut(Schema):
    id: int
    title: str
    organization: str
    started_at: datetime.datetime
    ended_at: datetime.datetime
    hours: float
    source: str
    status: str
    decline_reason: str


class RecordPage(PageOut[RecordOut]):
    pass


class CertificateOut(Schema):
    id: int
    number: str | None
    organization: str
    status: str
    hours: float
    issued_at: datetime.datetime | None


class VerifiedCertificate(Schema):
    number: str
    name: str
    id_number: str = Field(description="Masked as printed")
    hours: float
    first: str
    last: str
    issuer: str
    issued_on: str


class VolunteerFilters(Schema):
    q: str = Field("", max_length=50)
    region: str = Field("", max_length=12)
    star_level: int | None = Field(None, ge=0, le=10)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=100)


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=100)


def volunteer_out(v: Volunteer) -> VolunteerOut:
    return VolunteerOut(
        id=v.pk,
        number=v.number,
        name=v.name,
        sex=v.sex,
        birth_year=v.birth_date.year if v.birth_date else None,
        id_number=v.masked_id_number,
        phone=v.masked_phone,
        region=v.region_id,
        skills=[s.code for s in v.skills.all()],
        approved_hours=v.hours,
        star_level=v.star_level,
    )


def _own(request: HttpRequest) -> Volunteer:
    volunteer = Volunteer.objects.visible_to(request.user).filter(account_id=request.user.pk).first()
    if volunteer is None:
        raise Http404
    return volunteer


@router.get("/me/volunteer", response={200: VolunteerOut, **ERRORS}, summary="My volunteer record")
def my_volunteer(request: HttpRequest) -> VolunteerOut:
    """The caller's own volunteer record; 404 for an account that is not a volunteer."""
    return volunteer_out(_own(request))


@router.get("/me/hours", response={200: RecordPage, **ERRORS}, summary="My service hours")
def my_hours(request: HttpRequest, paging: Query[Paging]) -> RecordPage:
    records = _own(request).service_records.select_related("organization").order_by("-started_at", "-id")
    start = (paging.page - 1) * paging.page_size
    items = [
        RecordOut(
            id=r.pk,
            title=r.title,
            organization=r.organization.name,
            started_at=r.started_at,
            ended_at=r.ended_at,
            hours=r.hours,
            source=r.source,
            status=r.status,
            decline_reason=r.decline_reason,
        )
        for r in records[start : start + paging.page_size]
    ]
    return RecordPage(count=records.count(), page=paging.page, page_size=paging.page_size, items=items)


@router.get(
    "/me/certificates", response={200: list[CertificateOut], **ERRORS}, summary="My service certificates"
)
def my_certificates(request: HttpRequest) -> list[CertificateOut]:
    return [
        CertificateOut(
            id=c.pk,
            number=c.number,
            organization=c.organization.name,
            status=c.status,
            hours=c.hours,
            issued_at=c.issued_at,
        )
        for c in _own(request).certificates.select_related("organization")
    ]


@router.get("/volunteers", response={200: VolunteerPage, **ERRORS}, summary="Volunteers in scope")
def volunteer_list(request: HttpRequest, filters: Query[VolunteerFilters]) -> VolunteerPage:
    """Volunteers the caller may see (a staff token: its region's subtree; an organization: the
    volunteers who serve with it), newest first."""
    if not request.user.has_perm("people.view_volunteer"):
        raise Http404
    form = VolunteerFilterForm(filters.dict(exclude={"page", "page_size"}, exclude_none=True))
    volunteers = (
        filtered(Volunteer.objects.visible_to(request.user), form).prefetch_related("skills").order_by("-id")
    )
    start = (filters.page - 1) * filters.page_size
    items = [volunteer_out(v) for v in volunteers[start : start + filters.page_size]]
    return VolunteerPage(
        count=volunteers.count(), page=filters.page, page_size=filters.page_size, items=items
    )


@router.get(
    "/certificates/{number}",
    response={200: VerifiedCertificate, 404: ErrorOut},
    auth=[TokenAuth(), SessionAuth(), public],
    summary="Verify a certificate",
)
def verify_certificate(request: HttpRequest, number: str) -> VerifiedCertificate:
    """Anyone may confirm an issued certificate by its number."""
    certificate = Certificate.objects.filter(number=number[:30], status=CertificateStatus.ISSUED).first()
    if certificate is None:
        raise Http404
    c = certificate.content
    return VerifiedCertificate(
        number=certificate.number or "",
        name=c["name"],
        id_number=certificate.volunteer.masked_id_number,
        hours=c["hours"],
        first=c["first"],
        last=c["last"],
        issuer=c["issuer"],
        issued_on=c["issued_on"],
    )
