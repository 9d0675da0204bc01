"""Funding endpoints: the public rounds with their terms (and the selected projects once the
notice has started), a round's awarded grants in the 360Giving shape, and the applications a
caller may see (an organization: its own; staff: their region's; an expert: those assigned)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from peiyu.api.auth import SessionAuth, TokenAuth, public
from peiyu.api.people import Paging
from peiyu.api.schemas import ErrorOut, PageOut
from peiyu.funding.exports import grants_360giving
from peiyu.funding.models import RESULTS_PUBLIC, Application, ApplicationStatus, Round
from peiyu.funding.services.selection import rule_text

router = Router(tags=["funding"])
ERRORS = {401: ErrorOut, 404: ErrorOut}
PUBLIC = [TokenAuth(), SessionAuth(), public]


class RoundOut(Schema):
    id: int
    title: str
    year: int
    kind: str = Field(description="venture (公益创投) or purchase (政府购买服务)")
    status: str = Field(description="open, review, notice, awarded or closed")
    region_code: str = Field(description="The purchasing authority's county")
    region: str
    budget: float = Field(description="Yuan: the sum of the fund sources")
    opens_on: datetime.date
    closes_on: datetime.date
    notice_starts_on: datetime.date | None
    notice_ends_on: datetime.date | None


class RoundPage(PageOut[RoundOut]):
    pass


class SourceOut(Schema):
    kind: str
    name: str
    amount: float


class CriterionOut(Schema):
    name: str
    weight: int
    anchors: dict[str, str] = Field(description="What each score from 1 to 5 means")


class TrancheTermOut(Schema):
    milestone: str = Field(description="signing, mid_term or final")
    percent: int


class SelectedOut(Schema):
    application_id: int
    organization: str
    title: str
    rank: int | None
    final_score: float | None
    awarded: float | None


class RoundDetailOut(RoundOut):
    call_text: str
    two_stage: bool
    outline_closes_on: datetime.date | None
    sources: list[SourceOut]
    catalog_items: list[str] = Field(description="Code and title of each catalog item it buys")
    fields: list[str] = Field(description="Field codes it funds; empty: any")
    legal_forms: list[str] = Field(description="Legal forms that may apply; empty: any")
    min_grade: int = Field(description="Lowest grade (3 means 3A); 0: none required")
    max_request: float | None
    experts_per_application: int
    aggregation: str
    defense_weight: int = Field(description="Share of the defense in the final score (%)")
    pass_mark: float
    last_project_rule: str
    partial_share: int
    selection_rule: str
    tranches: list[TrancheTermOut]
    rubric: list[CriterionOut]
    selected: list[SelectedOut] | None = Field(description="From the start of the public notice on")


class ApplicationOut(Schema):
    id: int
    round_id: int
    round: str
    organization_id: int
    organization: str
    title: str
    field: str
    status: str
    requested: float
    awarded: float | None
    review_score: float | None
    final_score: float | None
    rank: int | None
    submitted_at: datetime.datetime | None
    eligibility_reasons: list[str]


class ApplicationPage(PageOut[ApplicationOut]):
    pass


class ApplicationFilters(Paging):
    round: int | None = None
    status: ApplicationStatus | None = None


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def round_out(round: Round) -> dict[str, Any]:
    return {
        "id": round.pk,
        "title": round.title,
        "year": round.year,
        "kind": round.kind,
        "status": round.status,
        "region_code": round.region_id,
        "region": round.region.name,
        "budget": float(round.budget),
        "opens_on": round.opens_on,
        "closes_on": round.closes_on,
        "notice_starts_on": round.notice_starts_on,
        "notice_ends_on": round.notice_ends_on,
    }


def _public_round(pk: int) -> Round:
    round: Round | None = Round.objects.public().select_related("region").with_budget().filter(pk=pk).first()
    if round is None:
        raise Http404
    return round


@router.get("/rounds", response={200: RoundPage, 401: ErrorOut}, auth=PUBLIC, summary="Funding rounds")
def round_list(request: HttpRequest, paging: Query[Paging]) -> RoundPage:
    """Every round once it has opened, newest first; public information only."""
    rounds = Round.objects.public().select_related("region").with_budget().order_by("-year", "-id")
    start = (paging.page - 1) * paging.page_size
    items = [RoundOut(**round_out(r)) for r in rounds[start : start + paging.page_size]]
    return RoundPage(count=rounds.count(), page=paging.page, page_size=paging.page_size, items=items)


def _selected(round: Round) -> list[SelectedOut]:
    applications = (
        round.applications.filter(status__in=[ApplicationStatus.SELECTED, ApplicationStatus.AWARDED])
        .select_related("organization")
        .order_by("rank", "id")
    )
    return [
        SelectedOut(
            application_id=a.pk,
            organization=a.organization.name,
            title=a.title,
            rank=a.rank,
            final_score=_float(a.final_score),
            awarded=_float(a.awarded),
        )
        for a in applications
    ]


@router.get("/rounds/{pk}", response={200: RoundDetailOut, **ERRORS}, auth=PUBLIC, summary="One round")
def round_detail(request: HttpRequest, pk: int) -> RoundDetailOut:
    """A round's terms and budget; the selected projects once the public notice has started."""
    round = _public_round(pk)
    return RoundDetailOut(
        **round_out(round),
        call_text=round.call_text,
        two_stage=round.two_stage,
        outline_closes_on=round.outline_closes_on,
        sources=[SourceOut(kind=s.kind, name=s.name, amount=float(s.amount)) for s in round.sources.all()],
        catalog_items=[f"{i.code} {i.title}" for i in round.catalog_items.order_by("code")],
        fields=[f.code for f in round.fields.all()],
        legal_forms=list(round.legal_forms),
        min_grade=round.min_grade,
        max_request=_float(round.max_request),
        experts_per_application=round.experts_per_application,
        aggregation=round.aggregation,
        defense_weight=round.defense_weight,
        pass_mark=float(round.pass_mark),
        last_project_rule=round.last_project_rule,
        partial_share=round.partial_share,
        selection_rule=rule_text(round),
        tranches=[
            TrancheTermOut(milestone=t["milestone"], percent=int(t["percent"])) for t in round.tranches
        ],
        rubric=[
            CriterionOut(name=c.name, weight=c.weight, anchors={k: str(v) for k, v in c.anchors.items()})
            for c in round.criteria.all()
        ],
        selected=_selected(round) if round.status in RESULTS_PUBLIC else None,
    )


@router.get(
    "/rounds/{pk}/grants",
    response={200: dict[str, Any], **ERRORS},
    auth=PUBLIC,
    summary="A round's awarded grants (360Giving)",
)
def round_grants(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The round's awarded grants as a 360Giving Data Standard package (schema 1.4); ``grants``
    is empty until the round is awarded."""
    round = _public_round(pk)
    return grants_360giving(Application.objects.filter(round=round), title=round.title)


@router.get(
    "/funding/applications",
    response={200: ApplicationPage, **ERRORS},
    summary="Funding applications in scope",
)
def application_list(request: HttpRequest, filters: Query[ApplicationFilters]) -> ApplicationPage:
    """The applications the caller may see: an organization's account its own, staff their
    region's rounds', an expert those assigned to them; newest first."""
    if not request.user.has_perm("funding.view_application"):
        raise Http404
    applications = Application.objects.visible_to(request.user).for_listing()
    if filters.round:
        applications = applications.filter(round_id=filters.round)
    if filters.status:
        applications = applications.filter(status=filters.status)
    applications = applications.order_by("-created_at", "-id")
    start = (filters.page - 1) * filters.page_size
    items = [
        ApplicationOut(
            id=a.pk,
            round_id=a.round_id,
            round=a.round.title,
            organization_id=a.organization_id,
            organization=a.organization.name,
            title=a.title,
            field=a.field.code,
            status=a.status_for(request.user),
            requested=float(a.requested),
            awarded=_float(a.awarded) if a.scores_shown_to(request.user) else None,
            review_score=_float(a.review_score) if a.scores_shown_to(request.user) else None,
            final_score=_float(a.final_score) if a.scores_shown_to(request.user) else None,
            rank=a.rank if a.scores_shown_to(request.user) else None,
            submitted_at=a.submitted_at,
            eligibility_reasons=list(a.eligibility_reasons),
        )
        for a in applications[start : start + filters.page_size]
    ]
    return ApplicationPage(
        count=applications.count(), page=filters.page, page_size=filters.page_size, items=items
    )
