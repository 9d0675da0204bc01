"""What every supervision service shares: the event row per step and the status move.
``locked`` comes from ``core.workflow``."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from peiyu.accounts.models import User
from peiyu.core.workflow import advance, event_row, locked
from peiyu.supervision.models import SupervisionEvent

__all__ = ["event", "locked", "move"]

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
    return event_row(
        SupervisionEvent,
        subject=subject,
        action=action,
        by=by,
        from_status=from_status,
        to_status=to_status,
        note=note,
        organization_id=organization_id
        if organization_id is not None
        else getattr(subject, "organization_id", None),
    )


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
    before = advance(instance, to=to, transitions=transitions, field=field, fields=fields)
    event(subject=instance, action=to, by=by, from_status=before, to_status=to, note=note)
    return instance
