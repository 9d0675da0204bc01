"""Every page of the activities app, taken from the URL configuration so that a new one cannot
escape: an anonymous visitor is sent to sign in and an account without the app's permissions (a
volunteer) is refused, for GET and POST alike; nothing answers 200 to either."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from peiyu.accounts.models import User

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def activities_urls() -> list[str]:
    patterns = get_resolver().url_patterns
    app = next(p for p in patterns if getattr(p, "namespace", None) == "activities")
    urls = []
    for pattern in app.url_patterns:
        assert isinstance(pattern, URLPattern)
        args = [1] if "<int:pk>" in str(pattern.pattern) else []
        urls.append(reverse(f"activities:{pattern.name}", args=args))
    return urls


def test_every_activities_page_needs_an_account_and_a_permission(volunteer: User, login: Login) -> None:
    urls = activities_urls()
    assert len(urls) >= 37
    anonymous, unprivileged = Client(), login(volunteer)
    for url in urls:
        for method in (anonymous.get, anonymous.post):
            response = method(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        codes = {unprivileged.get(url).status_code, unprivileged.post(url).status_code}
        assert codes <= {403, 405} and 403 in codes, (url, codes)
