"""Placeholder: being written."""

from django.http import Http404, HttpRequest, HttpResponse


def minutes_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def minutes_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404
