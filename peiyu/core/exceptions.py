from __future__ import annotations


class DomainError(Exception):
    """A write was refused for a reason the user can act on; the message says which."""


class ConflictError(DomainError):
    """Someone else changed the object since it was read; nothing was overwritten."""


class TransitionError(DomainError):
    """A workflow move that the status map does not allow."""


class PermissionRefused(DomainError):
    """The actor lacks the capability the service requires."""
