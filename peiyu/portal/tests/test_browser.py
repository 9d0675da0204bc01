"""Drive Debian's Chromium through Playwright against the live server.

Skips, saying why, where /usr/bin/chromium is absent; `.ci/run` installs it, so CI runs these.
"""

from pathlib import Path
from types import SimpleNamespace

import pytest

from peiyu.accounts.models import User
from peiyu.testing import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
    ),
]


@pytest.fixture
def server(transactional_db: None):  # type: ignore[no-untyped-def]
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
def page(server, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield context.new_page()
        browser.close()


def test_a_town_officer_signs_in_and_sees_only_its_own_villages(page, server, daibu_officer: User) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/")
    page.get_by_role("link", name="登录工作台").click()
    page.get_by_label("用户名").fill("daibu")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")
    assert "戴埠镇" in page.get_by_test_id("scope").inner_text()

    page.get_by_role("link", name="行政区划").first.click()
    page.wait_for_url("**/regions/320481103/")
    codes = page.locator("[data-testid=children] tbody td code").all_inner_texts()
    assert len(codes) > 10
    assert all(code.startswith("320481103") for code in codes)
    body = page.locator("body").inner_text()
    assert "天目湖镇" not in body
    assert "None" not in body

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "town-officer-villages.png"), full_page=True)

    response = page.goto(f"{server.url}/regions/320481106/")
    assert response is not None
    assert response.status == 404


def test_the_portal_fits_a_phone(page, server) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{server.url}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-phone.png"), full_page=True)
