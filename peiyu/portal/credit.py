"""The public credit lists (民政部令第60号: both lists are published)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peiyu.core.paging import paginate, query_without_page
from peiyu.supervision.models import CreditList, Listing


def credit_lists(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("list", CreditList.ABNORMAL)
    if kind not in CreditList.values:
        kind = CreditList.ABNORMAL
    listings = Listing.objects.public().filter(list=kind).order_by("-listed_on", "-id")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        listings = listings.filter(organization__name__contains=q)
    context = {
        "page": paginate(request, listings),
        "query": query_without_page(request),
        "kind": kind,
        "lists": CreditList.choices,
        "q": q,
    }
    return render(request, "portal/credit_lists.html", context)
