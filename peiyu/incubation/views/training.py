"""Placeholder: being written."""

from django.http import HttpRequest, HttpResponse


def event_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_attendance(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_sheet(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
