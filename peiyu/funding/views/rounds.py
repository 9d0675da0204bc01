"""Placeholder: filled in by the views work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def round_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_scope(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_sources(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_rubric(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_open(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_start_review(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_draw(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def draw_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_ranking(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_select(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_notice(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def objection_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def objection_answer(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_conclude(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def round_close(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
