"""A volunteer as a new user meets the system, on a phone-sized Chromium: registers on the
portal, checks in and out at an activity by its QR link, sees the hours once the organization
approves them, and downloads a certificate that the public verification page confirms."""

from __future__ import annotations

import datetime
from typing import Any

import pypdfium2 as pdfium
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.orgs.models import Organization
from peiyu.people.models import Certificate, CheckIn, HoursStatus, ServiceActivity, ServiceRecord
from peiyu.people.services import certificates, hours
from peiyu.people.tests.conftest import id_number
from peiyu.testing import ARTIFACTS, BROWSER_MARKS, DAIBU, first_village

pytestmark = BROWSER_MARKS
PHONE = {"width": 390, "height": 844}


def test_a_volunteer_from_registration_to_a_verified_certificate(
    page: Any, server: Any, organization: Organization, organization_account: User
) -> None:
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())
    now = timezone.now()
    activity = ServiceActivity.objects.create(
        organization=organization,
        title="重阳节敬老志愿服务",
        place="戴埠镇敬老院",
        region=first_village(DAIBU),
        starts_at=now - datetime.timedelta(hours=2),
        ends_at=now + datetime.timedelta(hours=2),
        created_by=organization_account,
    )
    ARTIFACTS.mkdir(exist_ok=True)

    # Registers on the portal from the home page.
    page.goto(f"{server.url}/")
    page.locator("a[href='/volunteer/register/']").first.click()
    number = id_number(datetime.date(1998, 4, 12))
    page.locator("#id_name").fill("苏晓雨")
    page.locator("#id_id_number").fill(number)
    page.locator("#id_phone").fill("13961234567")
    page.locator("#id_region").select_option(first_village(DAIBU).code)
    page.locator("input[name=availability][value=weekend]").check()
    page.locator("#id_username").fill("suxiaoyu")
    page.locator("#id_password").fill("Volunteer-2026!")
    page.locator("#id_password2").fill("Volunteer-2026!")
    page.locator("#id_consent").check()
    page.screenshot(path=str(ARTIFACTS / "volunteer-register-phone.png"), full_page=True)
    page.locator("[data-testid=register] button").click()
    page.wait_for_url("**/people/me/")
    assert number not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    # Scans the activity's QR code: checks in, and (two hours later) out.
    page.goto(f"{server.url}/people/check/{activity.token}/")
    page.locator("[data-testid=check-in]").click()
    page.wait_for_selector("[data-testid=check-out]")
    CheckIn.objects.update(checked_in_at=timezone.now() - datetime.timedelta(hours=2))
    page.locator("[data-testid=check-out]").click()
    page.wait_for_selector("[data-testid=check-in]")
    page.screenshot(path=str(ARTIFACTS / "volunteer-checked-out-phone.png"), full_page=True)
    made = ServiceRecord.objects.get()
    assert made.status == HoursStatus.PENDING

    # The organization approves; the volunteer sees the hours.
    hours.decide_hours(made, decision=HoursStatus.APPROVED, by=organization_account)
    page.goto(f"{server.url}/people/me/")
    assert page.locator("[data-testid=my-hours]").inner_text().strip() == "2.0"

    # Asks for a certificate; the organization issues it; the volunteer downloads it.
    page.locator("#id_organization").last.select_option(str(organization.pk))
    page.locator("form[action='/people/me/certificates/request/'] button").click()
    page.wait_for_url("**/people/me/")
    certificates.issue_certificate(Certificate.objects.get(), by=organization_account)
    page.reload()
    pdf = page.request.get(server.url + page.locator("[data-testid=certificate-pdf]").get_attribute("href"))
    text = pdfium.PdfDocument(pdf.body())[0].get_textpage().get_text_range()
    issued = Certificate.objects.get()
    assert "苏晓雨" in text and issued.number in text and "2.0" in text

    # Anyone can verify it by number.
    page.goto(f"{server.url}/certificates/")
    page.locator("input[name=number]").fill(issued.number or "")
    page.locator("form button").first.click()
    page.wait_for_selector("[data-testid=verified]")
    assert "苏晓雨" in page.content() and number not in page.content()
    page.screenshot(path=str(ARTIFACTS / "certificate-verified-phone.png"), full_page=True)
