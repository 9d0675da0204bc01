"""Placeholder: filled in by the views work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def catalog_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def catalog_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def catalog_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def catalog_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def catalog_status(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def project_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def project_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def project_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def project_decide(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
