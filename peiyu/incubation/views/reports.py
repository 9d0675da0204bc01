"""Placeholder: being written."""

from django.http import HttpRequest, HttpResponse


def cohort_report(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def cohort_report_docx(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def cohort_report_xlsx(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
