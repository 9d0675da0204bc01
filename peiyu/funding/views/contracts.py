"""Placeholder: filled in by the views work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def contract_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_sign(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_document(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_qr(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_evaluate(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_report(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_publish(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def tranche_pay(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
