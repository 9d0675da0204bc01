from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from peiyu.core.navigation import grouped, navigation_for


def workbench(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = navigation_for(user)  # type: ignore[arg-type]
    return {"nav_items": items, "nav_entries": grouped(items)}
