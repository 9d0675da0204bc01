"""Issue 7's story as a new user meets it, in Chromium: a resident raises a need on the portal;
the county officer drafts and publishes a catalog item from it, sets up a round (fund sources,
rubric, scope) and opens it; the organization applies, watching the eligibility preview; the
officer closes applications and draws the panels; the expert declares and scores on the rubric;
defense, selection and public notice follow; the notice is concluded, the contract signed,
printed and its first tranche paid; a failed mid-term evaluation holds the next tranche."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import docx
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.funding.models import Application, CatalogItem, Contract, Need, Round, TrancheStatus
from peiyu.funding.services import applications, review
from peiyu.funding.tests.conftest import apply, field, score_all
from peiyu.orgs.models import Organization
from peiyu.people.models import Expert
from peiyu.supervision.tests.test_browser import sign_in
from peiyu.testing import ARTIFACTS, BROWSER_MARKS, DAIBU, LIYANG, first_village

pytestmark = BROWSER_MARKS


ANCHORS = ["未涉及要点", "思路不清", "基本可行", "设计合理、可操作", "设计精良、可推广"]


def _rubric_line(form: Any, i: int, name: str, weight: int) -> None:
    form.locator(f"[name=lines-{i}-name]").fill(name)
    form.locator(f"[name=lines-{i}-weight]").fill(str(weight))
    for score, text in enumerate(ANCHORS, 1):
        form.locator(f"[name=lines-{i}-anchor_{score}]").fill(text)


def test_a_need_becomes_a_funded_project_whose_failed_mid_term_holds_the_next_payment(
    page: Any,
    server: Any,
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Expert],
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    # Three of the eight experts are away this season: the five left sit on every panel, the
    # expert persona among them.
    Expert.objects.filter(pk__in=[e.pk for e in experts[5:]]).update(is_available=False)

    # 1. A resident raises a need from the portal, without an account, and gets a reference.
    page.goto(f"{server.url}/needs/new/?county={LIYANG}")
    need_form = page.locator("[data-testid=need-form]")
    need_form.locator("[name=title]").fill("老年人法律咨询")
    need_form.locator("[name=description]").fill("村里老人多，遇到赡养、土地纠纷不知道找谁咨询。")
    need_form.locator("[name=field]").select_option(str(field().pk))
    need_form.locator("[name=region]").select_option(first_village(DAIBU).code)
    need_form.locator("[name=contact]").fill("13912345678")
    need_form.locator("button.btn-primary").click()
    page.wait_for_url("**/needs/new/done/")
    reference = page.locator("[data-testid=reference]").inner_text().strip()
    page.screenshot(path=str(ARTIFACTS / "funding-need-received.png"), full_page=True)

    # 2. The county officer finds it, drafts a catalog item from it and publishes the item.
    sign_in(page, server.url, county_officer.username)
    page.goto(f"{server.url}/funding/needs/")
    page.locator("[data-testid=needs] tr", has_text=reference).locator("a").first.click()
    page.locator("[data-testid=to-catalog]").click()
    catalog_form = page.locator("[data-testid=catalog-form]")
    assert catalog_form.locator("[name=title]").input_value() == "老年人法律咨询"
    catalog_form.locator("[name=code]").fill(f"{today.year}-05")
    catalog_form.locator("[name=scope]").fill("面向农村老年人的法律咨询与普法宣传。")
    catalog_form.locator("[name=requirements]").fill("每村每月不少于一次驻点咨询。")
    catalog_form.locator("[name=eligible_applicants]").fill("在本市登记的社会组织。")
    catalog_form.locator("[name=budget_min]").fill("50000")
    catalog_form.locator("[name=budget_max]").fill("200000")
    catalog_form.locator("button.btn-primary").click()
    page.locator("[data-testid=status-published] button").click()
    page.wait_for_selector("[data-testid=add-project]")
    item = CatalogItem.objects.get(needs__reference=reference)
    assert item.status == "published"
    assert Need.objects.get(reference=reference).status == "accepted"

    # The round: terms (closing today, so the review can start in this test), fund sources,
    # rubric and scope, then it opens.
    page.goto(f"{server.url}/funding/rounds/new/")
    round_form = page.locator("[data-testid=round-form]")
    round_form.locator("[name=title]").fill(f"{today.year}年度溧阳市公益创投")
    round_form.locator("[name=call_text]").fill("面向全市社会组织征集公益创投项目。")
    round_form.locator("[name=opens_on]").fill((today - datetime.timedelta(days=10)).isoformat())
    round_form.locator("[name=closes_on]").fill(today.isoformat())
    round_form.locator("[name=min_grade]").fill("0")  # the fixture's organizations hold no grade
    round_form.locator("button.btn-primary").click()
    page.wait_for_url("**/sources/")
    sources = page.locator("[data-testid=sources-form]")
    for i, (kind, name, amount) in enumerate(
        [("special", "社会组织发展专项资金", "2000000"), ("lottery", "福彩公益金", "600000")]
    ):
        sources.locator(f"[name=sources-{i}-kind]").select_option(kind)
        sources.locator(f"[name=sources-{i}-name]").fill(name)
        sources.locator(f"[name=sources-{i}-amount]").fill(amount)
    sources.locator("button.btn-primary").click()
    page.wait_for_url("**/rubric/")
    round = Round.objects.get()
    rubric = page.locator("[data-testid=rubric-form]")
    _rubric_line(rubric, 0, "项目设计", 60)
    _rubric_line(rubric, 1, "执行能力", 40)
    rubric.locator("button.btn-primary").click()
    page.wait_for_url(f"**/funding/rounds/{round.pk}/")
    page.goto(f"{server.url}/funding/rounds/{round.pk}/scope/")
    page.locator(f"input[name=catalog_items][value='{item.pk}']").check()
    page.locator("form button.btn-primary").click()
    page.wait_for_url(f"**/funding/rounds/{round.pk}/")
    assert page.locator("[data-testid=budget]").inner_text().replace(",", "") == "2600000.00"
    page.locator("[data-testid=open]").click()
    page.wait_for_selector("[data-testid=enter-paper]")
    round.refresh_from_db()
    assert round.status == "open" and round.criteria.count() == 2

    # 3. The organization applies: the project, then the budget and an output; the preview
    # says why it is not yet eligible, then that it is.
    sign_in(page, server.url, organization_account.username)
    page.goto(f"{server.url}/funding/rounds/{round.pk}/")
    page.locator("[data-testid=apply]").click()
    apply_form = page.locator("[data-testid=application-form]")
    title = "银龄法律服务进村居"
    apply_form.locator("[name=title]").fill(title)
    apply_form.locator("[name=catalog_item]").select_option(str(item.pk))
    apply_form.locator("[name=field]").select_option(str(field().pk))
    apply_form.locator("[name=summary]").fill("律师志愿者每月驻村，为老年人提供法律咨询。")
    apply_form.locator("[name=beneficiaries]").fill("800")
    apply_form.locator("button.btn-primary").click()
    page.wait_for_url("**/edit/")
    assert page.locator("[data-testid=reasons] li").count() >= 1
    edit = page.locator("[data-testid=edit-form]")
    edit.locator("[name=lines-0-category]").select_option("activities")
    edit.locator("[name=lines-0-item]").fill("驻村法律咨询")
    edit.locator("[name=lines-0-amount]").fill("150000")
    for name, value in (("description", "开展驻村法律咨询"), ("indicator", "场次"), ("target", "48")):
        edit.locator(f"[name=outputs-0-{name}]").fill(value)
    edit.locator("[name=outputs-0-unit]").fill("场")
    edit.locator("button.btn-primary").click()
    page.wait_for_selector("[data-testid=eligibility].border-success")
    assert page.locator("[data-testid=reasons]").count() == 0
    page.locator("[data-testid=submit-form] button").click()
    page.wait_for_url("**/funding/applications/*/")
    mine = Application.objects.get(title=title)
    assert mine.status == "eligible" and mine.requested == Decimal(150000)
    # Two more applications, entered from paper by the office through the services, to keep
    # the test short.
    for organization in organizations[1:]:
        draft = apply(round, organization, county_officer, submit=False)
        draft = applications.update_application(draft, by=county_officer, catalog_item=item)
        applications.submit_application(draft, by=county_officer)

    # 4. The officer closes applications and draws the panels.
    sign_in(page, server.url, county_officer.username)
    page.goto(f"{server.url}/funding/rounds/{round.pk}/")
    page.locator("[data-testid=start-review]").click()
    page.locator("[data-testid=draw-form] button").click()
    page.wait_for_url("**/funding/draws/**")
    assert Application.objects.filter(round=round, status="reviewing").count() == 3

    # The expert declares no conflict, then scores on the rubric's anchors.
    sign_in(page, server.url, experts[0].account.username)
    page.goto(f"{server.url}/funding/reviews/")
    page.locator("[data-testid=declare] li", has_text=title).locator("a").first.click()
    page.locator("input[name=declaration][value=none]").check()
    page.locator("[data-testid=declaration-form] button").click()
    page.wait_for_selector("[data-testid=score-form]")
    assert ANCHORS[3] in page.locator("[data-testid=score-form]").inner_text()
    for fieldset in page.locator("[data-testid=score-form] fieldset[data-criterion]").all():
        fieldset.locator("input[type=radio][value='4']").check()
    page.locator("[data-testid=score-form] button.btn-primary").click()
    page.wait_for_selector("[data-testid=total]")
    assert "80" in page.locator("[data-testid=total]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "funding-review.png"), full_page=True)
    score_all(round)  # the rest of every panel scores through the services

    # 5. Defense scores: ours on the defense page, the others through the service.
    sign_in(page, server.url, county_officer.username)
    page.goto(f"{server.url}/funding/applications/{mine.pk}/defense/")
    for box in page.locator("[data-testid=defense-form] input[name^=e]").all():
        box.fill("85")
    page.locator("[data-testid=defense-form] button.btn-primary").click()
    page.wait_for_url(f"**/funding/applications/{mine.pk}/")
    for other in Application.objects.filter(round=round).exclude(pk=mine.pk):
        panel = other.assignments.active()
        review.record_defense(other, scores={a.expert_id: Decimal(80) for a in panel}, by=county_officer)
    page.goto(f"{server.url}/funding/rounds/{round.pk}/ranking/")
    page.locator("[data-testid=select]").click()
    page.wait_for_selector(f"[data-testid=rank-{mine.pk}].table-success")
    page.goto(f"{server.url}/funding/rounds/{round.pk}/")
    notice = page.locator("[data-testid=notice-form]")
    notice.locator("[name=starts_on]").fill((today - datetime.timedelta(days=7)).isoformat())
    notice.locator("button").click()
    page.wait_for_selector("[data-testid=conclude]")

    # The public round page shows the selection on notice, to anyone.
    page.context.clear_cookies()
    page.goto(f"{server.url}/rounds/{round.pk}/")
    assert title in page.locator("[data-testid=selected]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "funding-notice.png"), full_page=True)

    # The notice has ended: the officer concludes it and the contracts are drafted.
    sign_in(page, server.url, county_officer.username)
    page.goto(f"{server.url}/funding/rounds/{round.pk}/")
    page.locator("[data-testid=conclude]").click()
    page.wait_for_selector("[data-testid=close]")
    assert Contract.objects.filter(application__round=round).count() == 3

    # 6. The contract: signed, printed as Word, first tranche paid.
    page.locator(f"a[href$='/funding/contracts/?round={round.pk}']").click()
    page.locator("[data-testid=contracts] a", has_text=title).click()
    page.locator("[data-testid=sign] button").click()
    page.wait_for_selector("[data-testid=pay-1]")
    with page.expect_download() as download:
        page.locator("[data-testid=document]").click()
    assert download.value.suggested_filename.endswith(".docx")
    saved = ARTIFACTS / "funding-contract.docx"
    download.value.save_as(saved)
    document = docx.Document(str(saved))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert organizations[0].name in text
    page.locator("[data-testid=pay-1]").click()
    page.locator("[data-testid=pay-form] [name=voucher]").fill("溧财拨〔2026〕101号")
    page.locator("[data-testid=pay-form] button.btn-primary").click()
    page.wait_for_selector("[data-testid=evaluate]")

    # A failed mid-term evaluation stops payment: the next tranche is held, with no Pay button.
    page.locator("[data-testid=evaluate]").click()
    evaluation = page.locator("[data-testid=evaluation-form]")
    evaluation.locator("[name=stage]").select_option("mid_term")
    for name, value in (("purchaser_score", "50"), ("beneficiary_score", "55"), ("third_party_score", "45")):
        evaluation.locator(f"[name={name}]").fill(value)
    evaluation.locator("[name=third_party]").fill("常州市社会组织评估中心")
    evaluation.locator("[name=summary]").fill("活动场次不足计划的三分之一，台账不全。")
    evaluation.locator("button.btn-primary").click()
    page.wait_for_selector("[data-testid=evaluations]")
    second = page.locator("[data-testid=tranches] tr[data-tranche='2']")
    assert second.locator("[data-testid=hold-reason]").count() == 1
    assert page.locator("[data-testid=pay-2]").count() == 0
    page.screenshot(path=str(ARTIFACTS / "funding-contract-held.png"), full_page=True)
    contract = Contract.objects.get(application=mine)
    statuses = list(contract.tranches.order_by("position").values_list("status", flat=True))
    assert statuses[:2] == [TrancheStatus.PAID, TrancheStatus.HELD]
