from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Count at most ``cap`` rows: a broad search over a province's registry matches hundreds of
    thousands, and counting them all costs more than showing the first page. Beyond the cap the
    list says "10,000+" and asks for a narrower search."""

    def __init__(self, items: Any, per_page: int, cap: int) -> None:
        super().__init__(items, per_page)
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        return int(self.object_list[: self.cap + 1].count())  # type: ignore[index,attr-defined]

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap


def paginate(
    request: HttpRequest, items: Any, per_page: int = PAGE_SIZE, cap: int | None = None
) -> Page[Any]:
    """Return the requested page; a page number out of range or malformed gives the nearest page.
    With ``cap``, count no further than that many rows."""
    paginator = CappedPaginator(items, per_page, cap) if cap else Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
