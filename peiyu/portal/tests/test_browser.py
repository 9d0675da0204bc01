"""Drive Debian's Chromium through Playwright against the live server.

Skips, saying why, where /usr/bin/chromium is absent; `.ci/run` installs it, so CI runs these.
The ``server`` and ``page`` fixtures live in ``peiyu.testing``.
"""

from peiyu.accounts.models import User
from peiyu.testing import ARTIFACTS, BROWSER_MARKS, PASSWORD

pytestmark = BROWSER_MARKS


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
