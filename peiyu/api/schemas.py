from __future__ import annotations

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
