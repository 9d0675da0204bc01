"""The to-do panel of the workbench. Each provider returns what a user should attend to;
later apps append providers to ``PROVIDERS``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from peiyu.accounts.models import User
from peiyu.regions.models import Level, Region


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    level: str = "warning"


def villages_without_population(user: User) -> list[Todo]:
    if not user.has_perm("regions.change_region") or not user.region_id:
        return []
    count = Region.objects.visible_to(user).filter(level=Level.VILLAGE, population__isnull=True).count()
    if not count:
        return []
    url = reverse("regions:region-list") + "?missing=population"
    return [Todo(_("Villages without a resident population"), count, url)]


def second_factor(user: User) -> list[Todo]:
    if not user.is_staff_account or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return []
    return [Todo(_("Protect your account with a second factor"), 1, reverse("accounts:otp-setup"), "info")]


PROVIDERS: list[Callable[[User], list[Todo]]] = [villages_without_population, second_factor]


def todos_for(user: User) -> list[Todo]:
    return [todo for provider in PROVIDERS for todo in provider(user)]
