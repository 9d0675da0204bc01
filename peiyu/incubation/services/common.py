"""What every incubation service shares: the event row per step, the status move, the month
arithmetic of residencies and the permission check."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import PermissionRefused
from peiyu.core.workflow import advance, event_row, locked
from peiyu.incubation.models import IncubationEvent, Residency
from peiyu.lib.dates import add_months

__all__ = ["add_months", "event", "locked", "move", "require"]

M = TypeVar("M", bound=models.Model)


def require(user: User | None, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionRefused(_("You may not do this."))


def event(
    *,
    subject: models.Model,
    action: str,
    by: User | None,
    residency: Residency | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> IncubationEvent:
    if residency is None and isinstance(subject, Residency):
        residency = subject
    return event_row(
        IncubationEvent,
        subject=subject,
        action=action,
        by=by,
        from_status=from_status,
        to_status=to_status,
        note=note,
        residency=residency,
    )


def move(
    instance: M,
    *,
    to: str,
    transitions: dict[str, set[str]],
    by: User | None,
    residency: Residency | None = None,
    note: str = "",
    fields: tuple[str, ...] = (),
) -> M:
    """Move a workflow object along its status map, bump its version, write the event row."""
    before = advance(instance, to=to, transitions=transitions, fields=fields)
    event(
        subject=instance, action=to, by=by, residency=residency, from_status=before, to_status=to, note=note
    )
    return instance
