from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from peiyu.core.navigation import navigation_for


def workbench(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": navigation_for(user)}  # type: ignore[arg-type]
