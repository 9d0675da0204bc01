"""Placeholder: being written."""

from django.http import Http404, HttpRequest, HttpResponse


def activity_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def activity_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def activity_export(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def activity_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def activity_photo_add(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def activity_photo(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def activity_attendance(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404


def activity_qr(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise Http404
