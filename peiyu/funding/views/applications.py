"""Placeholder: filled in by the views work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def application_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def application_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def application_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def application_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def application_submit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def application_withdraw(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def application_outline(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def application_recheck(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def application_defense(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def application_override(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
