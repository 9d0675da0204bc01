"""What every service of this app shares: the permission and region checks, the history row
per step and the status move."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.activities.models import ActivityEvent
from peiyu.core.exceptions import PermissionRefused
from peiyu.core.scoping import require_in_region as require_region
from peiyu.core.workflow import advance, event_row, locked

__all__ = ["event", "locked", "move", "require", "require_region"]

M = TypeVar("M", bound=models.Model)


def require(user: User | None, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionRefused(_("You may not do this."))


def event(
    *,
    subject: models.Model,
    action: str,
    by: User | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> ActivityEvent:
    return event_row(
        ActivityEvent,
        subject=subject,
        action=action,
        by=by,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def move(
    instance: M,
    *,
    to: str,
    transitions: dict[str, set[str]],
    by: User | None,
    note: str = "",
    fields: tuple[str, ...] = (),
) -> M:
    """Move a workflow object along its status map, bump its version, write the event row."""
    before = advance(instance, to=to, transitions=transitions, fields=fields)
    event(subject=instance, action=to, by=by, from_status=before, to_status=to, note=note)
    return instance
