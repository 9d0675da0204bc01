"""Incubation endpoints: the public list of operating incubators, and the residents a caller
may see (an operator: its own incubators'; staff: their region's), with the limits of each."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from peiyu.api.auth import SessionAuth, TokenAuth, public
from peiyu.api.people import Paging
from peiyu.api.schemas import ErrorOut, PageOut
from peiyu.incubation.models import Incubator, Residency, ResidencyStatus
from peiyu.incubation.services.residencies import earliest_graduation

router = Router(tags=["incubation"])
ERRORS = {401: ErrorOut, 404: ErrorOut}


class IncubatorOut(Schema):
    id: int
    name: str
    level: str = Field(description="county (incubation centre) or town (station)")
    region_code: str
    region: str
    operator: str | None = Field(description="The organization that runs it")
    address: str
    capacity: int
    residents: int = Field(description="Residents now in residence or graduating")
    graduates: int
    fields: list[str]


class ResidencyOut(Schema):
    id: int
    name: str
    incubator_id: int
    incubator: str
    status: str
    started_on: datetime.date
    earliest_graduation: datetime.date = Field(description="The start plus the shortest residency")
    must_leave_by: datetime.date = Field(description="The start plus the longest residency and extensions")
    ended_on: datetime.date | None
    overdue: bool
    organization_id: int | None
    registry_application: str | None = Field(description="Reference of the graduation application")


class ResidencyPage(PageOut[ResidencyOut]):
    pass


class ResidencyFilters(Paging):
    status: ResidencyStatus | None = None
    overdue: bool = False
    incubator: int | None = None


def incubator_out(incubator: Incubator) -> IncubatorOut:
    return IncubatorOut(
        id=incubator.pk,
        name=incubator.name,
        level=incubator.level,
        region_code=incubator.region_id,
        region=incubator.region.name,
        operator=incubator.operator.name if incubator.operator else None,
        address=incubator.address,
        capacity=incubator.capacity,
        residents=incubator.residents,  # type: ignore[attr-defined]
        graduates=incubator.graduates,  # type: ignore[attr-defined]
        fields=[f.name for f in incubator.fields.all()],
    )


@router.get(
    "/incubators",
    response={200: list[IncubatorOut], 401: ErrorOut},
    auth=[TokenAuth(), SessionAuth(), public],
    summary="Operating incubators",
)
def incubator_list(request: HttpRequest) -> list[IncubatorOut]:
    """Every operating incubator, public information only."""
    incubators = (
        Incubator.objects.operating().for_listing().prefetch_related("fields").order_by("region_id", "name")
    )
    return [incubator_out(i) for i in incubators]


def residency_out(r: Residency, today: datetime.date) -> ResidencyOut:
    return ResidencyOut(
        id=r.pk,
        name=r.name,
        incubator_id=r.incubator_id,
        incubator=r.incubator.name,
        status=r.status,
        started_on=r.started_on,
        earliest_graduation=earliest_graduation(r),
        must_leave_by=r.planned_end_on,
        ended_on=r.ended_on,
        overdue=r.is_current and r.planned_end_on < today,
        organization_id=r.organization_id,
        registry_application=r.application.reference if r.application else None,
    )


@router.get("/residencies", response={200: ResidencyPage, **ERRORS}, summary="Residents in scope")
def residency_list(request: HttpRequest, filters: Query[ResidencyFilters]) -> ResidencyPage:
    """Residents the caller may see, longest-waiting end first."""
    if not request.user.has_perm("incubation.view_residency"):
        raise Http404
    today = timezone.localdate()
    residencies = Residency.objects.visible_to(request.user).for_listing().select_related("application")
    if filters.status:
        residencies = residencies.filter(status=filters.status)
    if filters.overdue:
        residencies = residencies.overdue(today)
    if filters.incubator:
        residencies = residencies.filter(incubator_id=filters.incubator)
    residencies = residencies.order_by("planned_end_on", "pk")
    start = (filters.page - 1) * filters.page_size
    items = [residency_out(r, today) for r in residencies[start : start + filters.page_size]]
    return ResidencyPage(
        count=residencies.count(), page=filters.page, page_size=filters.page_size, items=items
    )


@router.get("/residencies/{pk}", response={200: ResidencyOut, **ERRORS}, summary="One resident")
def residency_detail(request: HttpRequest, pk: int) -> ResidencyOut:
    if not request.user.has_perm("incubation.view_residency"):
        raise Http404
    residency = (
        Residency.objects.visible_to(request.user)
        .for_listing()
        .select_related("application")
        .get_or_404(pk=pk)
    )
    return residency_out(residency, timezone.localdate())
