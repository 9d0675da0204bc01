"""Placeholder: being written."""

from django.http import HttpRequest, HttpResponse


def subsidy_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def subsidy_export(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def subsidy_grant(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def subsidy_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def subsidy_pay(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def subsidy_cancel(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
