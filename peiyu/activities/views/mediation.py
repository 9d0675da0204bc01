"""Placeholder: being written."""

from django.http import Http404, HttpRequest, HttpResponse


def case_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_figures(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_export(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_start(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_session(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_agreement(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_fail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_follow_up(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_confirmation(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_file(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def case_qr(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def mediator_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def mediator_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def mediator_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404
