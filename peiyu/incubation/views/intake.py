"""Placeholder: being written."""

from django.http import HttpRequest, HttpResponse


def intake_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def intake_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def intake_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def intake_review(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def intake_decide(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
