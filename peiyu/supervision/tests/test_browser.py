"""The annual inspection as a new user meets it, in Chromium: the county officer opens the
2026 inspection, an organization files its report from its own account, the officer fails it
with a reason; a year later the missed 2027 inspection makes a revocation proposal that shows
both years, and its decision document prints."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management import call_command

from peiyu.accounts.models import User
from peiyu.lib import uscc
from peiyu.lib.docx import text_of
from peiyu.orgs.models import Organization, Status
from peiyu.supervision.models import AnnualReport, Campaign, CampaignStatus, Proposal
from peiyu.testing import ARTIFACTS, BROWSER_MARKS, DAIBU, LIYANG, PASSWORD, first_village, region

pytestmark = BROWSER_MARKS


def sign_in(page: Any, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button.btn-primary").click()
    page.wait_for_url("**/workbench/")


def test_a_failed_year_and_a_missed_one_make_a_revocation_with_its_document(
    page: Any, server: Any, county_officer: User, organization_account: User
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    ARTIFACTS.mkdir(exist_ok=True)
    org = Organization.objects.create(
        name="溧阳市示范调解协会",
        source="registered",
        legal_form="association",
        uscc=uscc.make(department_type="51", division=LIYANG, body8="MJ000777"),
        region=first_village(DAIBU),
        authority_id=LIYANG.ljust(12, "0"),
        registered_on=datetime.date(2019, 5, 1),
    )
    org.accounts.add(organization_account)

    sign_in(page, server.url, county_officer.username)
    # With every app's pages, the menu still fits one row at 1280 px: groups are dropdowns.
    assert page.locator("nav.navbar").bounding_box()["height"] < 80
    page.locator("[data-testid=nav-supervision] > a").click()
    assert page.locator("[data-testid=nav-supervision] .dropdown-menu a").count() >= 5
    page.screenshot(path=str(ARTIFACTS / "workbench-menu.png"))
    page.goto(f"{server.url}/supervision/campaigns/new/")
    page.locator("#id_year").fill("2026")
    page.locator("form button.btn-primary").click()
    page.wait_for_selector("[data-testid=reports]")
    campaign = Campaign.objects.get(year=2026)

    sign_in(page, server.url, organization_account.username)
    page.goto(f"{server.url}/supervision/campaigns/")
    page.locator("[data-testid=campaigns] a").first.click()
    page.locator("#id_activities").fill("全年开展人民调解培训12场，调解纠纷86件。")
    page.locator("#id_income").fill("180000")
    page.locator("#id_expenditure").fill("165000")
    page.locator("#id_net_assets").fill("60000")
    page.locator("[data-testid=submit-report]").click()
    page.wait_for_url("**/supervision/reports/**")
    report = AnnualReport.objects.get(campaign=campaign, organization=org)

    sign_in(page, server.url, county_officer.username)
    page.goto(f"{server.url}/supervision/reports/{report.pk}/")
    page.locator("input[name=action][value=fail]").check()
    page.locator("#id_reasons").fill("年度财务报告未经审计，账实不符。")
    page.locator("[data-testid=decide] button").click()
    page.wait_for_selector("[data-testid=reasons]")
    page.screenshot(path=str(ARTIFACTS / "inspection-failed.png"), full_page=True)

    # A year later: the 2027 inspection came and went without a report from it.
    Campaign.objects.create(
        year=2027,
        authority=region(LIYANG),
        guidance_deadline=datetime.date(2028, 3, 31),
        authority_deadline=datetime.date(2028, 5, 31),
        status=CampaignStatus.CLOSED,
    )
    call_command("run_supervision_rules", "--date", "2028-06-01")
    proposal = Proposal.objects.get(organization=org, rule="two_bad_years")
    page.goto(f"{server.url}/supervision/proposals/")
    page.locator("[data-testid=proposals] a").first.click()
    facts = page.locator("[data-testid=facts]").inner_text()
    assert "2026" in facts and "2027" in facts
    page.locator("input[name=accept][value='1']").check()
    page.locator("[data-testid=decide] button").click()
    page.wait_for_selector("[data-testid=document]")
    page.screenshot(path=str(ARTIFACTS / "revocation-decided.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("[data-testid=document]").click()
    text = text_of(download.value.path().read_bytes())
    assert "溧阳市示范调解协会" in text and "2026" in text and "2027" in text
    org.refresh_from_db()
    proposal.refresh_from_db()
    assert org.status == Status.REVOKED and proposal.document is not None
