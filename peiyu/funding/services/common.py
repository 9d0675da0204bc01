"""What every funding service shares: the permission and region checks, the event row per step
and the status move."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import PermissionRefused
from peiyu.core.workflow import advance, locked
from peiyu.funding.models import FundingEvent, Round
from peiyu.lib.divisions import prefix_of

__all__ = ["event", "locked", "move", "require", "require_region"]

M = TypeVar("M", bound=models.Model)


def require(user: User | None, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionRefused(_("You may not do this."))


def require_region(user: User, region_code: str) -> None:
    """Staff act only within their region (services check again what the views scoped)."""
    if user.is_superuser:
        return
    if not user.region_id or not region_code.startswith(prefix_of(user.region_id)):
        raise PermissionRefused(_("This is outside your region."))


def event(
    *,
    subject: models.Model,
    action: str,
    by: User | None,
    round: Round | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> FundingEvent:
    if round is None and isinstance(subject, Round):
        round = subject
    return FundingEvent.objects.create(
        round=round,
        subject=subject._meta.model_name or "",
        subject_id=subject.pk,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=by if by is not None and by.pk else None,
        note=note,
    )


def move(
    instance: M,
    *,
    to: str,
    transitions: dict[str, set[str]],
    by: User | None,
    round: Round | None = None,
    note: str = "",
    fields: tuple[str, ...] = (),
) -> M:
    """Move a workflow object along its status map, bump its version, write the event row."""
    before = advance(instance, to=to, transitions=transitions, fields=fields)
    event(subject=instance, action=to, by=by, round=round, from_status=before, to_status=to, note=note)
    return instance
