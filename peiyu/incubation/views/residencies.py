"""Placeholder: being written."""

from django.http import HttpRequest, HttpResponse


def residency_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def residency_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def residency_agreement(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def service_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def assessment_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def growth_chart(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def extension_request(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def extension_decide(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def residency_exit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def residency_graduate(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def graduation_withdraw(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
