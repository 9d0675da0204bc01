"""What every workflow service shares: lock the row and refuse a stale edit, and move a status
along its transitions map."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from peiyu.core.exceptions import ConflictError, TransitionError

M = TypeVar("M", bound=models.Model)
E = TypeVar("E", bound=models.Model)


def locked(instance: M, *, seen_version: int | None = None) -> M:
    """The row again, locked; refuse if someone changed it since ``seen_version``."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if seen_version is not None and getattr(current, "version", None) != seen_version:
        raise ConflictError(_("Someone else changed this after you opened it. Reload and try again."))
    return current


def advance(
    instance: M,
    *,
    to: str,
    transitions: dict[str, set[str]],
    field: str = "status",
    fields: tuple[str, ...] = (),
) -> str:
    """Set the status if the map allows the move, bump the version and save the listed fields;
    return the status it came from."""
    before: str = getattr(instance, field)
    if to not in transitions.get(before, set()):
        raise TransitionError(_("This cannot go from “%(from)s” to “%(to)s”.") % {"from": before, "to": to})
    setattr(instance, field, to)
    instance.version += 1  # type: ignore[attr-defined]
    instance.save(update_fields=[field, "version", *fields])
    return before


def event_row(
    model: type[E],
    *,
    subject: models.Model,
    action: str,
    by: Any,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    **filed_under: Any,
) -> E:
    """One row of an app's history table (who, when, what, from, to, note), filed under what
    the app files it by (a residency, a round, an organization)."""
    return model._default_manager.create(
        subject=subject._meta.model_name or "",
        subject_id=subject.pk,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=by if by is not None and by.pk else None,
        note=note,
        **filed_under,
    )
