"""Activities endpoints: the activity records a caller may see (an organization's account its
own, staff their region's) and the mediation and activity figures of a region in the caller's
scope for a year or a month."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from peiyu.accounts.models import User
from peiyu.activities.figures import month_span, period_figures
from peiyu.activities.models import Activity
from peiyu.api.people import Paging
from peiyu.api.schemas import ErrorOut, PageOut
from peiyu.regions.models import Region

router = Router(tags=["activities"])
ERRORS = {401: ErrorOut, 404: ErrorOut}


class ActivityOut(Schema):
    id: int
    kind: str = Field(description="legal_education, consultation, service, training, culture or other")
    title: str
    held_on: datetime.date
    region_code: str
    organization_id: int | None
    organization: str | None
    place: str
    field: str | None
    beneficiaries: int
    contract_id: int | None = Field(description="The funded project it belongs to")


class ActivityPage(PageOut[ActivityOut]):
    pass


class ActivityFilters(Paging):
    kind: str | None = None
    year: int | None = Field(None, ge=2000, le=2100)


class FigureFilters(Schema):
    region: str | None = Field(None, pattern=r"^\d{6,12}$", description="Default: the caller's region")
    year: int | None = Field(None, ge=2000, le=2100, description="Default: this year")
    month: int | None = Field(None, ge=1, le=12, description="Omit for the whole year")


class FiguresOut(Schema):
    region_code: str
    start: datetime.date
    end: datetime.date
    registered: int = Field(description="Mediation cases registered in the period")
    handled: int = Field(description="... of which concluded, with or without agreement")
    succeeded: int
    performed: int = Field(description="Agreements found performed at a follow-up visit")
    confirmed: int = Field(description="Agreements confirmed by a court")
    amount: float = Field(description="Yuan involved in the agreements")
    handled_rate: float | None = Field(description="Percent; the seeds ask for at least 98")
    success_rate: float | None = Field(description="Percent; the seeds ask for at least 96")
    activities: int
    served: int = Field(description="People served by those activities")
    legal_education: int
    consultations: int = Field(description="People who received a legal consultation")


@router.get("/activities", response={200: ActivityPage, **ERRORS}, summary="Activity records in scope")
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]) -> ActivityPage:
    """Newest first."""
    if not request.user.has_perm("activities.view_activity"):
        raise Http404
    rows = Activity.objects.visible_to(request.user).select_related("organization", "field")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.year:
        rows = rows.filter(held_on__year=filters.year)
    start = (filters.page - 1) * filters.page_size
    items = [
        ActivityOut(
            id=a.pk,
            kind=a.kind,
            title=a.title,
            held_on=a.held_on,
            region_code=a.region_id,
            organization_id=a.organization_id,
            organization=a.organization.name if a.organization else None,
            place=a.place,
            field=a.field.code if a.field else None,
            beneficiaries=a.beneficiaries,
            contract_id=a.contract_id,
        )
        for a in rows[start : start + filters.page_size]
    ]
    return ActivityPage(count=rows.count(), page=filters.page, page_size=filters.page_size, items=items)


@router.get(
    "/activities/figures", response={200: FiguresOut, **ERRORS}, summary="Mediation and activity figures"
)
def figures(request: HttpRequest, filters: Query[FigureFilters]) -> dict[str, Any]:
    """The figures of a region in the caller's scope (staff with access to mediation cases) for
    cases registered and activities held in a year or a month."""
    user = request.user
    if not isinstance(user, User) or not user.has_perm("activities.view_mediationcase"):
        raise Http404
    code = (filters.region or user.region_id or "").ljust(12, "0")
    region = Region.objects.visible_to(user).filter(code=code).first()
    if region is None:
        raise Http404
    year = filters.year or timezone.localdate().year
    if filters.month:
        start, end = month_span(year, filters.month)
    else:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    row = period_figures(region.code, start, end)
    return {"region_code": region.code, "start": start, "end": end, **row}
