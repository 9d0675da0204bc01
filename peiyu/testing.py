"""Test fixtures shared by every app: the demo county's regions and the personas of STYLE.md.

Personas (all in 溧阳市, 320481):
- ``county_officer``: bound to 溧阳市, sees the whole county;
- ``daibu_officer`` and ``tianmuhu_officer``: town officers of 戴埠镇 and 天目湖镇;
- ``village_worker``: bound to the first village of 戴埠镇;
- ``administrator``: administrator of 溧阳市 (accounts, tokens, audit log);
- ``incubator_operator``, ``organization_account``, ``expert``, ``volunteer``: accounts bound
  to their own records;
- the anonymous visitor is Django's plain test ``client``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from peiyu.accounts.models import User
from peiyu.accounts.services import create_account
from peiyu.regions.models import Region
from peiyu.regions.services import RegionRow, read_rows

PASSWORD = "Test-pass-2026"  # noqa: S105 - the personas' test password
LIYANG = "320481"
DAIBU = "320481103"
TIANMUHU = "320481106"
CHANGZHOU_OTHER_COUNTY = "320413"  # 金坛区: outside 溧阳市


@cache
def _rows(under: str) -> tuple[RegionRow, ...]:
    return tuple(read_rows(under=under))


def install_regions(under: str = LIYANG) -> None:
    """Insert the real rows of a subtree (parsed once per session) into the test database."""
    existing = set(Region.objects.values_list("code", flat=True))
    Region.objects.bulk_create(
        [
            Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent, is_urban=r.is_urban)
            for r in _rows(under)
            if r.code not in existing
        ]
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    # Argon2 is slow on purpose; tests that check hashing switch it back on.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def regions(db: None) -> None:
    install_regions(LIYANG)
    install_regions(CHANGZHOU_OTHER_COUNTY)
    # Transactional tests flush what the migrations seeded; put the configurable lists back.
    from peiyu.orgs.lists import seed_lists
    from peiyu.orgs.models import Field, TargetGroup

    seed_lists(Field, TargetGroup)
    from peiyu.people.lists import seed_skills
    from peiyu.people.models import Skill

    seed_skills(Skill)
    from peiyu.supervision import seeds
    from peiyu.supervision.models import ChecklistItem, Indicator, IndicatorSet

    seeds.seed_checklist(ChecklistItem)
    seeds.seed_indicator_sets(IndicatorSet, Indicator)


def region(short_code: str) -> Region:
    return Region.objects.get(code=short_code.ljust(12, "0"))


def first_village(town: str) -> Region:
    return Region.objects.filter(parent_id=town.ljust(12, "0")).order_by("code").first()  # type: ignore[return-value]


def make_user(username: str, role: str, region_code: str | None) -> User:
    return create_account(
        username=username,
        password=PASSWORD,
        role=role,
        region=region(region_code) if region_code else None,
        display_name=username,
        by=None,
    )


@pytest.fixture
def county_officer(regions: None) -> User:
    return make_user("county", "county_officer", LIYANG)


@pytest.fixture
def daibu_officer(regions: None) -> User:
    return make_user("daibu", "town_officer", DAIBU)


@pytest.fixture
def tianmuhu_officer(regions: None) -> User:
    return make_user("tianmuhu", "town_officer", TIANMUHU)


@pytest.fixture
def village_worker(regions: None) -> User:
    return make_user("village", "village_worker", first_village(DAIBU).code)


@pytest.fixture
def administrator(regions: None) -> User:
    return make_user("admin", "administrator", LIYANG)


@pytest.fixture
def jintan_administrator(regions: None) -> User:
    return make_user("jintan-admin", "administrator", CHANGZHOU_OTHER_COUNTY)


@pytest.fixture
def incubator_operator(regions: None) -> User:
    return make_user("incubator", "incubator_operator", None)


@pytest.fixture
def organization_account(regions: None) -> User:
    return make_user("org", "organization", None)


@pytest.fixture
def expert(regions: None) -> User:
    return make_user("expert", "expert", None)


@pytest.fixture
def volunteer(regions: None) -> User:
    return make_user("volunteer", "volunteer", None)


@pytest.fixture
def login() -> Callable[[User], Client]:
    """Return a client signed in as the given persona."""

    def sign_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in


CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Browser tests mark themselves with these: a real server thread needs committed data.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
    ),
]


@pytest.fixture
def server(transactional_db: None) -> Iterator[SimpleNamespace]:
    """A live server per test, stopped before the test database is torn down (pytest-django's
    own is session-scoped and can outlive the database, leaving a connection open)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield SimpleNamespace(url=f"http://127.0.0.1:{thread.port}")
    thread.terminate()


@pytest.fixture
def page(server: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield context.new_page()
        # Close the test's own connections while Playwright's loop still runs: the ORM keeps
        # them per context then, so Django's teardown would not see them and PostgreSQL would
        # refuse to drop the test database ("being accessed by other users").
        from django.db import connections

        connections.close_all()
        browser.close()
