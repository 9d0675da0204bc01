"""The workbench navigation. Each entry names the permission that shows it; later apps add
their entries here, so the menu always follows the user's permissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    permission: str | None = None
    staff_only: bool = False
    account_type: str | None = None


NAVIGATION: list[NavItem] = [
    NavItem(_("Workbench"), "core:workbench", "speedometer2"),
    NavItem(_("Regions"), "regions:region-list", "diagram-3", "regions.view_region", True),
    NavItem(_("Accounts"), "accounts:user-list", "people", "accounts.view_user", True),
    NavItem(_("API tokens"), "accounts:token-list", "key", "accounts.manage_api_tokens", True),
    NavItem(_("Audit log"), "core:audit-list", "journal-text", "core.view_auditentry", True),
]


def navigation_for(user: User) -> list[dict[str, str]]:
    items = []
    for item in NAVIGATION:
        if item.staff_only and not (user.is_staff_account or user.is_superuser):
            continue
        if item.account_type and user.account_type != item.account_type:
            continue
        if item.permission and not user.has_perm(item.permission):
            continue
        items.append({"label": str(item.label), "url": reverse(item.url_name), "icon": item.icon})
    return items
