"""One access path per object type: ``Model.objects.visible_to(user)``.

Staff accounts see the subtree of the region they are bound to; organization, incubator, expert
and volunteer accounts see the records bound to them. Everything else is out of scope, and views
answer out-of-scope exactly like missing: 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.db import models
from django.http import Http404

from peiyu.lib.divisions import prefix_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from peiyu.accounts.models import User

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    """Subclasses name how a row reaches a region and how it reaches its own accounts.

    ``region_lookup`` is a lookup path ending at a ``Region`` foreign key (whose key is the
    12-digit code; the empty string for ``Region`` itself); ``owner_lookup`` is a lookup path ending at the bound accounts. ``None``
    means that kind of account never sees these rows.
    """

    region_lookup: ClassVar[str | None] = "region"
    owner_lookup: ClassVar[str | None] = None

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.is_staff_account:
            return self.in_region(user.region_id) if user.region_id else self.none()
        if self.owner_lookup is None:
            return self.none()
        return self.filter(**{self.owner_lookup: user})

    def get_or_404(self, **lookup: Any) -> M:
        """Fetch one object of an already scoped queryset; missing answers 404."""
        try:
            return self.get(**lookup)
        except self.model.DoesNotExist:  # type: ignore[attr-defined]
            raise Http404 from None

    def in_region(self, code: str) -> Self:
        """Rows whose region lies in the subtree of ``code``, as a range of codes: SQLite cannot
        use an index for ``LIKE 'prefix%'`` (its LIKE ignores case), but it can for a range."""
        if self.region_lookup is None:
            return self.none()
        path = f"{self.region_lookup}__code" if self.region_lookup else "code"
        low, high = code_range(prefix_of(code))
        return self.filter(**{f"{path}__gte": low, f"{path}__lt": high})


def code_range(prefix: str) -> tuple[str, str]:
    """The codes starting with ``prefix`` are exactly those in [low, high): 321322 gives
    ("321322", "321323")."""
    high = str(int(prefix) + 1).zfill(len(prefix)) if prefix else "~"
    return prefix, high if len(high) == len(prefix) else "~"


def require_in_region(user: User, region_code: str) -> None:
    """Services check again what the views scoped: staff act only within their region."""
    from django.utils.translation import gettext as _

    from peiyu.core.exceptions import PermissionRefused

    if user.is_superuser:
        return
    if not user.region_id or not region_code.startswith(prefix_of(user.region_id)):
        raise PermissionRefused(_("This is outside your region."))


def in_subtree(code: str, lookup: str = "region_id") -> models.Q:
    """A condition: the row's region (``lookup``) lies under ``code`` (a prefix), as a range."""
    low, high = code_range(code)
    return models.Q(**{f"{lookup}__gte": low, f"{lookup}__lt": high})
