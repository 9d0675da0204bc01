"""The workbench navigation. Each entry names the permission that shows it; later apps add
their entries here, so the menu always follows the user's permissions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


# The menu groups items into dropdowns: by the app they come from, with the administrators'
# pages under "System". Personal items (an account's own record) stay at the top level.
GROUPS: dict[str, tuple[str | Promise, str]] = {
    "registry": (_("Registry"), "buildings"),
    "incubation": (_("Incubation"), "house-heart"),
    "funding": (_("Funding"), "cash-coin"),
    "activities": (_("Activities and mediation"), "calendar-event"),
    "people": (_("People"), "people"),
    "supervision": (_("Supervision"), "shield-check"),
    "system": (_("System"), "gear"),
}
APP_GROUPS: dict[str, str] = {
    "orgs": "registry",
    "incubation": "incubation",
    "funding": "funding",
    "activities": "activities",
    "people": "people",
    "supervision": "supervision",
}
SYSTEM_PAGES = {
    "regions:region-list",
    "accounts:user-list",
    "accounts:token-list",
    "core:audit-list",
    "core:option-list",
    "orgs:list-fields",
    "supervision:checklist",
    "supervision:indicator-sets",
}


def group_of(item: NavItem) -> str:
    if item.account_type:
        return ""
    if item.url_name in SYSTEM_PAGES:
        return "system"
    return APP_GROUPS.get(item.url_name.split(":")[0], "")


def grouped(items: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The menu as entries: a single link, or a group (a dropdown) of two or more links."""
    entries: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for item in items:
        key = item["group"]
        if not key:
            entries.append({"items": [item]})
            continue
        if key not in by_key:
            label, icon = GROUPS[key]
            by_key[key] = {"key": key, "label": str(label), "icon": icon, "items": []}
        by_key[key]["items"].append(item)
    # Single links (the workbench, an account's own record) first, then the groups in order.
    return entries + [by_key[key] for key in GROUPS if key in by_key]


def navigation_for(user: User) -> list[dict[str, str]]:
    items = []
    for item in NAVIGATION:
        if item.staff_only and not (user.is_staff_account or user.is_superuser):
            continue
        if item.account_type and user.account_type != item.account_type:
            continue
        if item.permission and not user.has_perm(item.permission):
            continue
        items.append(
            {
                "label": str(item.label),
                "url": reverse(item.url_name),
                "icon": item.icon,
                "group": group_of(item),
            }
        )
    return items
