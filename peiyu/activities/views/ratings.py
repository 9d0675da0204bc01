"""Placeholder: being written."""

from django.http import Http404, HttpRequest, HttpResponse


def satisfaction_report(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404
