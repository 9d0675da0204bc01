"""Placeholder: filled in by the views work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def review_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def review_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def review_declare(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def review_score(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
