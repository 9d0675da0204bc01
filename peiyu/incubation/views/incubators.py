"""Placeholder: being written."""

from django.http import HttpRequest, HttpResponse


def incubator_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def incubator_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def incubator_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def incubator_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def staff_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def criteria_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def dimensions_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def call_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def call_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def call_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def call_status(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
