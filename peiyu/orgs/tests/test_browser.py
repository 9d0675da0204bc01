"""The registry as a new user meets it, in Chromium: a community organization filed from the
portal to its certificate, and a spreadsheet with three bad rows imported on the second try."""

from __future__ import annotations

from typing import Any

from peiyu.accounts.models import User
from peiyu.lib.docx import text_of
from peiyu.orgs.models import Organization
from peiyu.orgs.tests.test_import import good_rows, xlsx
from peiyu.testing import ARTIFACTS, BROWSER_MARKS, DAIBU, PASSWORD, first_village

pytestmark = BROWSER_MARKS


def sign_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")


def test_a_community_organization_from_the_portal_to_its_certificate(
    page: Any, server: Any, daibu_officer: User
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    village = first_village(DAIBU)
    page.goto(f"{server.url}/")
    page.get_by_role("link", name="社区社会组织备案申请").click()
    page.get_by_label("名称").fill("集镇社区睦邻互助会")
    page.get_by_label("所在地区").select_option(village.code)
    page.locator("#id_leader_name").fill("周九")
    page.get_by_label("负责人电话").fill("13700001234")
    page.get_by_label("申请人姓名").fill("周九")
    page.get_by_label("申请人电话").fill("13700001234")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/apply/status/**")
    assert "受理编号" in page.content()

    sign_in(page, server.url, "daibu")
    page.get_by_role("link", name="待审批的申请").click()
    page.locator("[data-testid=applications] a").first.click()
    page.get_by_role("radio", name="批准", exact=True).check()
    page.get_by_role("button", name="作出决定").click()
    page.wait_for_selector("text=决定已记录")
    with page.expect_download() as download:
        page.get_by_role("link", name="社区社会组织备案证明").click()
    content = download.value.path().read_bytes()
    organization = Organization.objects.get()
    assert organization.filing_number in text_of(content)
    assert "戴埠镇人民政府" in text_of(content)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "filing-decided.png"), full_page=True)


def test_a_county_officer_fixes_three_bad_rows_and_imports(
    page: Any, server: Any, county_officer: User, tmp_path: Any
) -> None:
    rows = good_rows()
    bad = [list(r) for r in rows]
    bad[0][1] = bad[0][1][:-1] + ("0" if bad[0][1][-1] != "0" else "1")
    bad[1][3] = "登记中"
    bad[2][7] = "320413001001"
    (tmp_path / "bad.xlsx").write_bytes(xlsx(bad))
    (tmp_path / "good.xlsx").write_bytes(xlsx(rows))

    sign_in(page, server.url, "county")
    page.get_by_role("link", name="社会组织").first.click()
    page.get_by_role("link", name="导入").click()
    page.get_by_label("表格文件").set_input_files(str(tmp_path / "bad.xlsx"))
    page.get_by_role("button", name="上传并检查").click()
    errors = page.get_by_test_id("import-errors")
    assert "3 处错误" in errors.inner_text()
    cells = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert cells == ["2", "3", "4"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-errors.png"), full_page=True)
    assert Organization.objects.count() == 0

    page.get_by_role("link", name="上传改正后的文件").click()
    page.get_by_label("表格文件").set_input_files(str(tmp_path / "good.xlsx"))
    page.get_by_role("button", name="上传并检查").click()
    page.get_by_role("button", name="导入全部行").click()
    page.wait_for_url("**/orgs/")
    assert page.locator("[data-testid=organizations] tbody tr").count() == 4
    assert Organization.objects.count() == 4
