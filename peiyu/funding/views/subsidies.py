"""Placeholder: filled in by the views work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def grants_xlsx(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def grants_360giving(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def case_subsidy_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def case_subsidy_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def case_subsidy_pay(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def case_subsidy_cancel(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
