"""Incubation as a new user meets it, in Chromium: the operator scores and admits a forming
group, logs services over four months, scores its growth at intake and midway, and starts its
graduation; the town files it in the registry; the county officer grants and pays the residency
subsidy and sees it paid in the totals."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.incubation.models import Incubator, IntakeApplication, Residency, ResidencyStatus, Subsidy
from peiyu.incubation.services import intake
from peiyu.incubation.services.common import add_months
from peiyu.incubation.tests.test_services import on
from peiyu.orgs.models import Application, Organization
from peiyu.supervision.tests.test_browser import sign_in
from peiyu.testing import ARTIFACTS, BROWSER_MARKS, DAIBU, first_village

pytestmark = BROWSER_MARKS


def test_an_operator_admits_serves_scores_and_graduates_a_group_and_the_county_pays(
    page: Any,
    server: Any,
    incubator: Incubator,
    incubator_operator: User,
    daibu_officer: User,
    county_officer: User,
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    start = add_months(today, -4)
    with on(start - datetime.timedelta(days=7)):
        application = intake.submit_intake(
            incubator=incubator,
            applicant=intake.Applicant(
                name="戴埠镇银龄调解队",
                region=first_village(DAIBU),
                contact_name="周",
                contact_phone="13912345678",
                plan="由退休教师和老党员组成，调解邻里纠纷，开展法治宣传。",
                members=9,
            ),
            by=None,
        )

    # The operator scores the application on the incubator's form and admits the group.
    sign_in(page, server.url, incubator_operator.username)
    page.goto(f"{server.url}/incubation/intake/{application.pk}/")
    for box in page.locator("[data-testid=review-form] input[type=number]").all():
        box.fill(box.get_attribute("max") or "10")
    page.locator("[data-testid=review-form] button").click()
    page.wait_for_selector("[data-testid=average]")
    page.locator("[data-testid=decision-form] input[name=decision][value=admitted]").check()
    page.locator("[data-testid=decision-form] input[name=started_on]").fill(start.isoformat())
    page.locator("[data-testid=decision-form] input[name=workspace]").fill("二楼3号工位")
    page.locator("[data-testid=decision-form] button").click()
    page.wait_for_url("**/incubation/residents/**")
    residency = Residency.objects.get(intake=application)
    assert residency.started_on == start
    assert IntakeApplication.objects.get(pk=application.pk).status == "admitted"

    # Four months of services, one a month, and growth scored at intake and midway.
    for month, (kind, provider) in enumerate(
        [
            ("registration_guidance", "孵化中心"),
            ("policy", "市司法局"),
            ("project_design", "刘教授"),
            ("training", "孵化中心"),
        ]
    ):
        page.goto(f"{server.url}/incubation/residents/{residency.pk}/services/new/")
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_delivered_on").fill(
            (add_months(start, month) + datetime.timedelta(days=3)).isoformat()
        )
        page.locator("#id_provider").fill(provider)
        page.locator("#id_hours").fill("2")
        page.locator("#id_attendees").fill("5")
        page.locator("[data-testid=small-form] button.btn-primary").click()
        page.wait_for_url(f"**/incubation/residents/{residency.pk}/*")
    assert residency.services.count() == 4
    for stage, points, day in (("intake", "6", start), ("midway", "14", add_months(start, 2))):
        page.goto(f"{server.url}/incubation/residents/{residency.pk}/assessments/new/?stage={stage}")
        page.locator("#id_stage").select_option(stage)
        page.locator("#id_assessed_on").fill(day.isoformat())
        for box in page.locator("[data-testid=small-form] input[name^=score_]").all():
            box.fill(points)
        page.locator("[data-testid=small-form] button.btn-primary").click()
        page.wait_for_url(f"**/incubation/residents/{residency.pk}/*")
    chart = page.request.get(f"{server.url}/incubation/residents/{residency.pk}/growth.svg")
    assert chart.ok and chart.headers["content-type"].startswith("image/svg+xml")
    page.screenshot(path=str(ARTIFACTS / "incubation-resident.png"), full_page=True)

    # Graduation starts the registry's filing, prefilled from the intake application.
    page.locator("[data-testid=graduate]").click()
    assert page.locator("#id_name").input_value() == "戴埠镇银龄调解队"
    page.locator("[data-testid=graduate-form] button.btn-success").click()
    page.wait_for_url(f"**/incubation/residents/{residency.pk}/*")
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.GRADUATING
    filing = Application.objects.get(pk=residency.application_id)

    # The town files it; the resident graduates and both histories link.
    sign_in(page, server.url, daibu_officer.username)
    page.goto(f"{server.url}/orgs/applications/{filing.pk}/")
    page.locator("input[name=decision][value=approved]").check()
    page.locator("form:has(input[name=decision]) button.btn-primary").click()
    page.wait_for_selector("[data-testid=timeline]")
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.GRADUATED
    organization = Organization.objects.get(pk=residency.organization_id)
    assert organization.filing_number

    sign_in(page, server.url, incubator_operator.username)
    page.goto(f"{server.url}/incubation/residents/{residency.pk}/")
    assert organization.name in page.locator("body").inner_text()

    # The county officer grants the residency subsidy, pays it and sees it in the totals.
    sign_in(page, server.url, county_officer.username)
    page.goto(f"{server.url}/incubation/residents/{residency.pk}/subsidies/new/")
    page.locator("#id_amount").fill("10000")
    page.locator("#id_year").fill(str(start.year))
    page.locator("#id_period").fill("入驻前四个月")
    page.locator("[data-testid=grant] button.btn-primary").click()
    page.wait_for_url("**/incubation/subsidies/**")
    subsidy = Subsidy.objects.get(residency=residency)
    page.goto(f"{server.url}/incubation/subsidies/{subsidy.pk}/")
    page.locator("[data-testid=pay] input[name=pay-paid_on]").fill(today.isoformat())
    page.locator("[data-testid=pay] input[name=pay-voucher]").fill("溧财拨〔2026〕88号")
    page.locator("[data-testid=pay] button").click()
    page.wait_for_selector("[data-testid=paid]")
    page.goto(f"{server.url}/incubation/subsidies/")
    totals = page.locator("[data-testid=grand-total]").inner_text()
    assert "10000.00" in totals.replace(",", "")
    page.screenshot(path=str(ARTIFACTS / "incubation-subsidies.png"), full_page=True)
    subsidy.refresh_from_db()
    assert (subsidy.status, subsidy.voucher) == ("paid", "溧财拨〔2026〕88号")
