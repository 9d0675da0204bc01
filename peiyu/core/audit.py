"""The audit trail: the context services run in, and explicit audit events.

Model changes are logged by django-auditlog into ``core.AuditEntry``; the ``service`` decorator
makes every write atomic and labels the entries it causes with the service's event name and actor.
Events that change no tracked model (logins, imports, purges) are written with ``record``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.db import models, transaction

if TYPE_CHECKING:
    from peiyu.accounts.models import User
    from peiyu.core.models import AuditEntry

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class AuditContext:
    event: str
    actor: User | None


_context: ContextVar[AuditContext | None] = ContextVar("peiyu_audit_context", default=None)

# Accounts bound to their own records (organizations, volunteers, experts) have no region of
# their own; apps register how to find the region of what such an account is bound to, so that
# the entries those accounts cause are in their administrators' scope.
ACCOUNT_REGIONS: list[Callable[[Any], str | None]] = []


def region_of_account(actor: Any) -> str:
    """The region an entry caused by ``actor`` belongs to: a staff account's own, else the
    region of the record the account is bound to."""
    own = getattr(actor, "region_id", None)
    if own:
        return str(own)
    cached = getattr(actor, "_audit_region", None)
    if cached is not None:
        return str(cached)
    found = next((code for lookup in ACCOUNT_REGIONS if (code := lookup(actor))), "")
    actor._audit_region = found  # one lookup per account object, not per entry
    return found


def current_context() -> AuditContext | None:
    return _context.get()


@contextmanager
def audit_context(*, event: str, actor: User | None) -> Iterator[None]:
    outer = _context.get()
    if actor is None and outer is not None:
        actor = outer.actor
    token = _context.set(AuditContext(event=event, actor=actor))
    try:
        yield
    finally:
        _context.reset(token)


def service(event: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a write service atomically, labelling its audit entries with ``event`` and the
    ``by`` keyword argument as actor."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            actor: Any = kwargs.get("by")
            with transaction.atomic(), audit_context(event=event, actor=actor):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def record(
    *,
    event: str,
    target: models.Model | None = None,
    target_model: type[models.Model] | None = None,
    target_pk: str = "",
    target_repr: str = "",
    actor: User | None = None,
    action: int | None = None,
    data: dict[str, Any] | None = None,
    region_code: str = "",
    remote_addr: str | None = None,
) -> AuditEntry:
    """Write one explicit audit event about ``target`` (or about a model and key when there is
    no instance, as for a failed login with an unknown username)."""
    from django.contrib.contenttypes.models import ContentType

    from peiyu.core.models import AuditEntry

    if target is not None:
        target_model = target._meta.model  # not type(): request.user is a lazy proxy
        target_pk = str(target.pk)
        target_repr = target_repr or str(target)
    if target_model is None:
        raise ValueError("record() needs a target or a target_model")
    context = current_context()
    if actor is None and context is not None:
        actor = context.actor
    entry = AuditEntry(
        content_type=ContentType.objects.get_for_model(target_model),
        object_pk=target_pk,
        object_id=int(target_pk) if target_pk.isdigit() and len(target_pk) < 18 else None,
        object_repr=target_repr[:500],
        action=AuditEntry.Action.ACCESS if action is None else action,
        actor=actor if actor is not None and actor.pk else None,
        event=event,
        additional_data=data or {},
        region_code=region_code,
        remote_addr=remote_addr,
    )
    entry.save()
    return entry


def record_updates(
    model: type[models.Model],
    rows: list[tuple[int, str, dict[str, Any]]],
    *,
    actor: User,
    default_event: str,
) -> None:
    """One UPDATE audit entry per row, written in bulk, as django-auditlog would have written
    them one save at a time: ``rows`` are (pk, repr, changes) of rows a service changed with a
    bulk ``update()``."""
    from django.contrib.contenttypes.models import ContentType

    from peiyu.core.models import AuditEntry

    content_type = ContentType.objects.get_for_model(model)
    context = current_context()
    event = context.event if context else default_event
    region = region_of_account(actor)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                content_type=content_type,
                object_pk=str(pk),
                object_id=pk,
                object_repr=title[:500],
                action=AuditEntry.Action.UPDATE,
                changes=changes,
                actor=actor,
                actor_email=actor.email or None,
                event=event,
                region_code=region,
            )
            for pk, title, changes in rows
        ],
        batch_size=1000,
    )
