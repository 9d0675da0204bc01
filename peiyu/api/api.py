"""HTTP API v1 at /api/v1/: OpenAPI 3.1, interactive docs served from local files."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, ValidationError
from pydantic import Field

from peiyu.api.auth import SessionAuth, TokenAuth
from peiyu.api.schemas import ErrorOut, RegionOut, RegionPage, ValidationErrorOut
from peiyu.lib.divisions import CodeError, full_code
from peiyu.regions.models import Region

api = NinjaAPI(
    title="Peiyu API",
    version="1",
    description=(
        "The Peiyu HTTP API for other government systems (the 12348 platform, WeChat front "
        "ends). Authenticate with `Authorization: Bearer <token>`; a token sees what its owner "
        "sees, and anything outside that scope answers 404 like a missing object."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
)

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1")
    page_size: int = Field(50, ge=1, le=100, description="Items per page, 1 to 100")


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Authentication required.")}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.errors}, status=422)


def _region_out(region: Region) -> RegionOut:
    return RegionOut(
        code=region.code,
        short_code=region.short_code,
        name=region.name,
        level=region.level,
        parent_code=region.parent_id,
        population=region.population,
        is_urban=region.is_urban,
    )


def _visible_region(request: HttpRequest, code: str) -> Region:
    try:
        full = full_code(code)
    except CodeError:
        raise Http404 from None
    return Region.objects.visible_to(request.user).get_or_404(code=full)


@api.get("/regions/{code}", response={200: RegionOut, **ERRORS}, tags=["regions"])
def region_detail(request: HttpRequest, code: str) -> RegionOut:
    """One region by its code (2, 4, 6, 9 or 12 digits)."""
    return _region_out(_visible_region(request, code))


@api.get("/regions/{code}/children", response={200: RegionPage, **ERRORS}, tags=["regions"])
def region_children(request: HttpRequest, code: str, paging: Query[PageQuery]) -> RegionPage:
    """The regions directly under a region, by code, a page at a time."""
    region = _visible_region(request, code)
    children = Region.objects.visible_to(request.user).children_of(region)
    count = children.count()
    start = (paging.page - 1) * paging.page_size
    items = [_region_out(r) for r in children[start : start + paging.page_size]]
    return RegionPage(count=count, page=paging.page, page_size=paging.page_size, items=items)


api.add_router("/", "peiyu.api.organizations.router")
api.add_router("/", "peiyu.api.people.router")
api.add_router("/", "peiyu.api.incubation.router")
api.add_router("/", "peiyu.api.funding.router")
api.add_router("/", "peiyu.api.activities.router")
