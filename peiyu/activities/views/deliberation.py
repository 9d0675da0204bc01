"""Placeholder: being written."""

from django.http import Http404, HttpRequest, HttpResponse


def council_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def council_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def council_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def member_add(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def member_end(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def meeting_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def meeting_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def meeting_record(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def decision_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def meeting_publish(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def decision_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def decision_follow(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404
