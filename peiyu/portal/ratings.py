"""Placeholder: being written."""

from django.http import Http404, HttpRequest, HttpResponse


def rate(request: HttpRequest, token: str = "") -> HttpResponse:
    raise Http404


def rate_thanks(request: HttpRequest, token: str = "") -> HttpResponse:
    raise Http404
