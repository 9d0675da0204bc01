"""Write logins, logouts and failed logins to the audit trail.

These are receivers of Django's authentication signals, the only place those events surface;
they hold no domain logic.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from peiyu.core import audit


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in, dispatch_uid="peiyu-audit-login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(
        event="auth.login",
        target=user,
        actor=user,
        remote_addr=client_ip(request),
        region_code=user.region_id or "",
    )


@receiver(user_logged_out, dispatch_uid="peiyu-audit-logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        audit.record(
            event="auth.logout",
            target=user,
            actor=user,
            remote_addr=client_ip(request),
            region_code=user.region_id or "",
        )


@receiver(user_login_failed, dispatch_uid="peiyu-audit-login-failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    user_model = get_user_model()
    username = str(credentials.get("username", ""))[:150]
    user = user_model.objects.filter(username=username).first()
    audit.record(
        event="auth.login_failed",
        target=user,
        target_model=user_model,
        target_repr=username,
        remote_addr=client_ip(request),
        data={"username": username},
        region_code=getattr(user, "region_id", None) or "",
    )
