from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from peiyu.accounts.models import ApiToken, User, hash_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the request then acts as the token's owner."""

    openapi_description = "An API token created by an administrator (Peiyu → API tokens)."

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > 100:
            return None
        found = (
            ApiToken.objects.active()
            .select_related("owner")
            .filter(token_hash=hash_token(token), owner__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        # Write at most once a minute: a busy client should not turn every read into a write.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.owner
        return found.owner


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"
    openapi_description = "The signed-in browser session (for Peiyu's own pages)."

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def public(request: HttpRequest) -> bool | None:
    """Let a request that sent no credentials through as the public. A request that did send
    a bearer token which failed stays refused: a broken client should hear about it."""
    if request.headers.get("Authorization"):
        return None
    return True
