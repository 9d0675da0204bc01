from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.scoping import ScopedQuerySet
from peiyu.lib.masking import mask_phone


class AccountType(models.TextChoices):
    STAFF = "staff", _("Staff")
    ORGANIZATION = "organization", _("Organization")
    INCUBATOR_OPERATOR = "incubator_operator", _("Incubator operator")
    EXPERT = "expert", _("Expert")
    VOLUNTEER = "volunteer", _("Volunteer")


class UserQuerySet(ScopedQuerySet["User"]):
    region_lookup = "region"
    owner_lookup = "pk"

    def search(self, text: str) -> UserQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(username__icontains=text) | Q(display_name__icontains=text))

    def with_roles(self) -> UserQuerySet:
        return self.select_related("region").prefetch_related("groups")


class PeiyuUserManager(UserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, user: object) -> UserQuerySet:
        return self.get_queryset().visible_to(user)  # type: ignore[arg-type]

    def with_roles(self) -> UserQuerySet:
        return self.get_queryset().with_roles()


class User(AbstractUser):
    """A person who signs in. Staff accounts are bound to one region and see its subtree;
    the other account types are bound to their own records (organization, incubator, expert,
    volunteer), which later apps attach with a foreign key to this model."""

    display_name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    account_type = models.CharField(
        _("account type"), max_length=20, choices=AccountType.choices, default=AccountType.STAFF
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects: ClassVar[PeiyuUserManager] = PeiyuUserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["username"]
        permissions = [("manage_api_tokens", _("Can create and revoke API tokens"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(account_type="staff") | Q(region__isnull=False) | Q(is_superuser=True),
                name="user_staff_has_region",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_staff_account(self) -> bool:
        return self.account_type == AccountType.STAFF

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    def role_names(self) -> list[str]:
        from peiyu.accounts.roles import ROLES

        return [str(ROLES[g.name].label) for g in self.groups.all() if g.name in ROLES]


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(ScopedQuerySet["ApiToken"]):
    region_lookup = "owner__region"
    owner_lookup = "owner"

    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class ApiToken(models.Model):
    """A bearer token for a machine client. Only its hash is stored; it acts as its owner."""

    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return "py_" + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
