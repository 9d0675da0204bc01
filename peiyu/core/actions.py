"""Running one service call from a view: a refusal the user can act on (``DomainError``) is
shown, on the form or as a message, and a missing capability (``PermissionRefused``) answers
403. Every back-office view that calls a write service goes through one of these two."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from peiyu.core.exceptions import DomainError, PermissionRefused

T = TypeVar("T")


def in_form(form: forms.BaseForm, action: Callable[[], T]) -> T | None:
    """The service's result, or None with the refusal added to the form's errors."""
    try:
        return action()
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    except DomainError as error:
        form.add_error(None, str(error))
        return None


def with_message(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run the service; say ``success`` or the refusal as a message; True when it ran."""
    try:
        action()
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    except DomainError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True
