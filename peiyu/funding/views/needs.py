"""Placeholder: filled in by the views work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def need_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def need_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def need_coverage(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def need_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def need_decide(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def need_merge(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
