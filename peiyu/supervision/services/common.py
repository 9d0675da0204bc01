"""What every supervision service shares: the event row per step and the status move."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import ConflictError, TransitionError
from peiyu.supervision.models import SupervisionEvent

M = TypeVar("M", bound=models.Model)


def event(
    *,
    subject: models.Model,
    action: str,
    by: User | None,
    organization_id: int | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> SupervisionEvent:
    return SupervisionEvent.objects.create(
        organization_id=organization_id
        if organization_id is not None
        else getattr(subject, "organization_id", None),
        subject=subject._meta.model_name or "",
        subject_id=subject.pk,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=by if by is not None and by.pk else None,
        note=note,
    )


def locked(instance: M, *, seen_version: int | None = None) -> M:
    """The row again, locked; refuse if someone changed it since ``seen_version``."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if seen_version is not None and getattr(current, "version", None) != seen_version:
        raise ConflictError(_("Someone else changed this after you opened it. Reload and try again."))
    return current


def move(
    instance: M,
    *,
    to: str,
    transitions: dict[str, set[str]],
    by: User | None,
    note: str = "",
    field: str = "status",
    fields: tuple[str, ...] = (),
) -> M:
    """Move a workflow object along its status map, bump its version, write the event row."""
    before = getattr(instance, field)
    if to not in transitions.get(before, set()):
        raise TransitionError(_("This cannot go from “%(from)s” to “%(to)s”.") % {"from": before, "to": to})
    setattr(instance, field, to)
    instance.version += 1  # type: ignore[attr-defined]
    instance.save(update_fields=[field, "version", *fields])
    event(subject=instance, action=to, by=by, from_status=before, to_status=to, note=note)
    return instance
