"""Issue 8's story as a new user meets it, in Chromium: a village worker records a neighbour
dispute, the mediators reach a written agreement, the follow-up visit finds it performed, the
case file prints, and the town's success rate moves; a party then rates the mediation from the
QR code's link on the portal."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any

import docx
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.activities.models import CaseStatus, MediationCase, Mediator, Performance
from peiyu.activities.services import mediation
from peiyu.activities.tests.test_mediation import registered
from peiyu.funding.models import CaseSubsidy
from peiyu.lib import idcard
from peiyu.lib.docx import text_of
from peiyu.lib.masking import mask_id_card, mask_phone
from peiyu.supervision.tests.test_browser import sign_in
from peiyu.testing import ARTIFACTS, BROWSER_MARKS, DAIBU, first_village

pytestmark = BROWSER_MARKS

APPLICANT_PHONE = "13951234567"
RESPONDENT_PHONE = "13861234568"
APPLICANT_ID = idcard.make(region="320481", birth=datetime.date(1968, 5, 12), sequence=31)
RESPONDENT_ID = idcard.make(region="320481", birth=datetime.date(1975, 9, 3), sequence=42)
UNMASKED = (APPLICANT_PHONE, RESPONDENT_PHONE, APPLICANT_ID, RESPONDENT_ID)


def _rate(succeeded: int, handled: int) -> str:
    """A success rate as the figures page writes it: percent, one decimal, half up."""
    return f"{(Decimal(succeeded * 100) / handled).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _row(page: Any, code: str) -> dict[str, str]:
    """A region's row of the figures table: its counts and its success rate."""
    cells = page.locator(f"[data-testid=by-region] tr[data-region='{code}'] td")
    return {
        "registered": cells.nth(1).inner_text().strip(),
        "handled": cells.nth(2).inner_text().strip(),
        "succeeded": cells.nth(3).inner_text().strip(),
        "success": page.locator(f"[data-testid=success-{code}]").inner_text().strip(),
    }


def _never_unmasked(page: Any) -> None:
    html = page.content()
    for value in UNMASKED:
        assert value not in html


def test_a_neighbour_dispute_is_agreed_performed_printed_and_moves_the_towns_success_rate(
    page: Any, server: Any, village_worker: User, daibu_officer: User, mediator: Mediator
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    village = first_village(DAIBU)
    town = DAIBU.ljust(12, "0")

    # What a new user finds: the village committee's mediator, and an earlier case of the same
    # village, this year, that ended without agreement.
    earlier = registered(village_worker, days_ago=min(20, today.timetuple().tm_yday - 1))
    earlier = mediation.start_mediation(earlier, mediators=[mediator], by=village_worker)
    mediation.end_without_agreement(
        earlier,
        reason="被申请人拒绝继续调解。",
        routes_told="告知双方可向溧阳市人民法院提起诉讼。",
        by=village_worker,
    )

    # 1. The town officer reads the town's figures: one case handled, none successful.
    sign_in(page, server.url, daibu_officer.username)
    page.goto(f"{server.url}/activities/cases/figures/")
    assert "戴埠镇" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=registered]").inner_text().strip() == "1"
    assert page.locator("[data-testid=success-rate]").inner_text().strip() == _rate(0, 1) == "0.0%"
    before = _row(page, village.code)
    assert before == {"registered": "1", "handled": "1", "succeeded": "0", "success": "0.0%"}
    page.screenshot(path=str(ARTIFACTS / "activities-figures-before.png"), full_page=True)

    # 2. The village worker goes from the workbench menu to the mediation cases and registers
    # the dispute with its two parties.
    sign_in(page, server.url, village_worker.username)
    page.locator("[data-testid=nav-activities] > a").click()
    page.locator("[data-testid=nav-activities] .dropdown-menu a[href$='/activities/cases/']").click()
    page.wait_for_url("**/activities/cases/")
    page.locator("[data-testid=create]").click()
    page.wait_for_url("**/activities/cases/new/")
    form = page.locator("[data-testid=case-form]")
    assert form.locator("[name=region]").input_value() == village.code
    assert form.locator("[name=registered_on]").input_value() == today.isoformat()
    form.locator("[name=dispute_type]").select_option("neighbour")
    form.locator("[name=source]").select_option("application")
    form.locator("[name=summary]").fill("两家相邻，因院墙外排水沟堵塞、雨水倒灌引发争执。")
    form.locator("[name=claims]").fill("请求对方疏通排水沟并分担维修费用。")
    parties = [
        ("applicant", "张建国", "男", "58", APPLICANT_PHONE, APPLICANT_ID, "戴埠镇某村12号"),
        ("respondent", "陈桂英", "女", "51", RESPONDENT_PHONE, RESPONDENT_ID, "戴埠镇某村14号"),
    ]
    for i, (role, name, sex, age, phone, id_number, address) in enumerate(parties):
        party = form.locator(f"fieldset[data-party='{i}']")
        assert party.locator(f"[name=parties-{i}-role]").input_value() == role
        party.locator(f"[name=parties-{i}-name]").fill(name)
        party.locator(f"[name=parties-{i}-sex]").select_option(sex)
        party.locator(f"[name=parties-{i}-age]").fill(age)
        party.locator(f"[name=parties-{i}-phone]").fill(phone)
        party.locator(f"[name=parties-{i}-id_number]").fill(id_number)
        party.locator(f"[name=parties-{i}-address]").fill(address)
    page.screenshot(path=str(ARTIFACTS / "activities-case-form.png"), full_page=True)
    form.locator("button.btn-primary").click()
    page.wait_for_url(re.compile(r".*/activities/cases/\d+/$"))
    case = MediationCase.objects.exclude(pk=earlier.pk).get()
    assert page.url.endswith(f"/activities/cases/{case.pk}/")
    assert case.number in page.locator("h1").inner_text()
    assert case.status == CaseStatus.REGISTERED and case.parties.count() == 2

    # The parties' phones and identity numbers are masked on the case page, never in full.
    shown = page.locator("[data-testid=parties]").inner_text()
    for value in (mask_phone(APPLICANT_PHONE), mask_phone(RESPONDENT_PHONE)):
        assert value in shown
    for value in (mask_id_card(APPLICANT_ID), mask_id_card(RESPONDENT_ID)):
        assert value in shown
    _never_unmasked(page)

    # 3. Mediation starts with the committee's mediator.
    start = page.locator("[data-testid=step-start]")
    start.locator(f"input[name=mediators][value='{mediator.pk}']").check()
    start.locator("button").click()
    page.wait_for_selector("[data-testid=step-session]")
    assert mediator.name in page.locator("[data-testid=mediators]").inner_text()

    # The mediation record: when, where and who (filled in from the case), what was said.
    session = page.locator("[data-testid=step-session]")
    assert "张建国" in session.locator("[name=participants]").input_value()
    session.locator("[name=place]").fill("村委会人民调解室")
    session.locator("[name=record]").fill(
        "告知双方权利义务。张建国称雨水倒灌院内；陈桂英称排水沟系两家共用。调解员现场查看，释法说理。"
    )
    session.locator("[name=result]").fill("双方同意共同疏通排水沟并分担费用。")
    session.locator("button").click()
    page.wait_for_selector("[data-testid=sessions]")
    assert page.locator("[data-testid=sessions] li").count() == 1

    # The written agreement: terms, how performed, by when, the amount (asked to confirm).
    due = today + datetime.timedelta(days=15)
    agreement = page.locator("[data-testid=step-agreement]")
    agreement.locator("input[name=form][value=written]").check()
    agreement.locator("[name=terms]").fill(
        "陈桂英于协议签订后十五日内疏通排水沟，费用1200元由双方各承担一半。"
    )
    assert agreement.locator("[name=agreed_on]").input_value() == today.isoformat()
    agreement.locator("[name=performance_method]").fill("现金支付，现场验收")
    agreement.locator("[name=performance_due]").fill(due.isoformat())
    agreement.locator("[name=amount]").fill("1200")
    agreement.locator("button").click()
    page.wait_for_selector("[data-testid=agreement]")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUCCEEDED and case.agreed_on == today
    assert case.performance_due == due and case.amount == Decimal(1200)
    assert due.isoformat() in page.locator("[data-testid=agreement]").inner_text()

    # The follow-up visit finds it performed.
    follow_up = page.locator("[data-testid=step-follow_up]")
    assert follow_up.locator("[name=visitor]").input_value() == mediator.name
    follow_up.locator("[name=performance]").select_option("performed")
    follow_up.locator("[name=satisfied]").select_option("yes")
    follow_up.locator("[name=note]").fill("排水沟已疏通，费用已结清。")
    follow_up.locator("button").click()
    page.wait_for_selector("[data-testid=follow-ups]")

    # 4. The case page: performed, the judicial confirmation deadline, no unmasked data.
    performance = page.locator("[data-testid=performance]")
    assert performance.locator(".badge.text-bg-success").count() == 1
    assert re.search("已履行|Performed", performance.inner_text())
    assert today.isoformat() in performance.inner_text()
    deadline = today + datetime.timedelta(days=30)
    assert deadline.isoformat() in page.locator("[data-testid=confirmation-deadline]").inner_text()
    assert "30" in page.locator("[data-testid=confirmation-deadline]").inner_text()
    _never_unmasked(page)
    page.screenshot(path=str(ARTIFACTS / "activities-case-performed.png"), full_page=True)
    case.refresh_from_db()
    assert case.performance == Performance.PERFORMED and case.performed_on == today
    # The village worker does not see the funding records; the subsidy is raised all the same.
    assert page.locator("[data-testid=subsidy]").count() == 0
    subsidy = CaseSubsidy.objects.get(case_reference=case.number)
    assert subsidy.amount == Decimal(200) and subsidy.payee_name == case.committee

    # 5. The case file prints: a Word document with its parts in order and the case number.
    with page.expect_download() as download:
        page.locator("[data-testid=case-file]").click()
    assert download.value.suggested_filename.endswith(".docx")
    saved = ARTIFACTS / "activities-case-file.docx"
    download.value.save_as(saved)
    content = saved.read_bytes()
    titles = [
        p.text
        for p in docx.Document(BytesIO(content)).paragraphs
        if p.style is not None and p.style.name == "公文标题"
    ]
    parts = ["受理登记", "调解记录", "协议书", "回访记录"]
    positions = [next(i for i, title in enumerate(titles) if part in title) for part in parts]
    assert positions == sorted(positions), titles
    text = text_of(content)
    assert case.number in text and "张建国" in text and "陈桂英" in text
    assert "陈桂英于协议签订后十五日内疏通排水沟" in text and "已履行" in text
    for value in UNMASKED:
        assert value not in text

    # 6. The town officer sees the subsidy on the case, then the success rate has moved.
    sign_in(page, server.url, daibu_officer.username)
    page.goto(f"{server.url}/activities/cases/{case.pk}/")
    assert "200.00" in page.locator("[data-testid=subsidy]").inner_text()
    _never_unmasked(page)
    page.goto(f"{server.url}/activities/cases/figures/")
    assert page.locator("[data-testid=registered]").inner_text().strip() == "2"
    assert page.locator("[data-testid=performed]").inner_text().strip() == "1"
    assert page.locator("[data-testid=success-rate]").inner_text().strip() == _rate(1, 2) == "50.0%"
    after = _row(page, village.code)
    assert after == {"registered": "2", "handled": "2", "succeeded": "1", "success": "50.0%"}
    assert page.locator(f"tr[data-region='{town}']").count() == 0  # no case of the town's own
    page.screenshot(path=str(ARTIFACTS / "activities-figures-after.png"), full_page=True)

    # 7. A party scans the QR code: the portal's rating form, no account; a 5 is counted.
    link = f"{server.url}/activities/cases/{case.pk}/"
    sign_in(page, server.url, village_worker.username)
    page.goto(link)
    assert page.locator("[data-testid=rating-count]").inner_text().strip() == "0"
    rate_link = page.locator("[data-testid=rate-link]").get_attribute("href")
    assert rate_link is not None and rate_link.endswith(f"/rate/{case.feedback_token}/")
    qr = page.request.get(f"{server.url}/activities/cases/{case.pk}/feedback-qr.svg")
    assert qr.ok and qr.headers["content-type"].startswith("image/svg+xml")
    page.context.clear_cookies()
    page.goto(rate_link)
    for name in ("张建国", "陈桂英"):
        assert name not in page.content()  # the portal never names the parties
    page.locator("[data-testid=rate-form] input[name=rating][value='5']").check()
    page.locator("[data-testid=rate-form] button.btn-primary").click()
    page.wait_for_url("**/thanks/")
    page.screenshot(path=str(ARTIFACTS / "activities-rated.png"), full_page=True)
    sign_in(page, server.url, village_worker.username)
    page.goto(link)
    assert page.locator("[data-testid=rating-count]").inner_text().strip() == "1"
    assert page.locator("[data-testid=rating-average]").inner_text().strip() == "5.0"
