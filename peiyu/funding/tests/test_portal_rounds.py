"""Funding rounds on the portal, without an account: the list, a round's call, budget, rules,
rubric and selection rule; during the notice the selected projects and objections (refused
outside the notice with a clear message); after the award the published results."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peiyu.accounts.models import User
from peiyu.funding.models import Application, Contract, NeedSource, Objection, Round, RoundStatus, Stage
from peiyu.funding.services import contracts, selection
from peiyu.funding.tests.conftest import TODAY, apply
from peiyu.orgs.models import Organization

pytestmark = pytest.mark.django_db
Advance = Callable[..., Round]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def applied(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    experts: list[Any],
) -> Round:
    """The fixture round with three applications of 100,000, 150,000 and 120,000 yuan."""
    apply(open_round, organizations[0], organization_account, amount=100_000)
    apply(open_round, organizations[1], county_officer, amount=150_000)
    apply(open_round, organizations[2], county_officer, amount=120_000)
    return open_round


@pytest.fixture
def on_notice(applied: Round, advance: Advance, county_officer: User) -> Round:
    """The selection on public notice from today."""
    round = advance(applied, "selected")
    return selection.start_notice(round, by=county_officer)


def url(round: Round) -> str:
    return f"/rounds/{round.pk}/"


def test_the_list_shows_opened_rounds_only(
    open_round: Round, make_round: Callable[..., Round], client: Client
) -> None:
    draft = make_round(title="2027年度公益创投（筹备中）")
    response = client.get("/rounds/")
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [open_round]
    page = response.content.decode()
    assert open_round.title in page and draft.title not in page
    assert "2600000.00" in page  # the budget: both fund sources


def test_the_list_costs_the_same_queries_for_more_rounds(
    make_round: Callable[..., Round], county_officer: User, client: Client
) -> None:
    from peiyu.funding.services import rounds

    rounds.open_round(make_round(title="第一轮"), by=county_officer)
    with CaptureQueriesContext(connection) as few:
        client.get("/rounds/")
    for i in range(4):
        rounds.open_round(make_round(title=f"第{i + 2}轮"), by=county_officer)
    with CaptureQueriesContext(connection) as more:
        response = client.get("/rounds/")
    assert len(response.context["page"]) == 5
    assert len(more) == len(few)


def test_a_draft_round_is_not_found(make_round: Callable[..., Round], client: Client) -> None:
    draft = make_round()
    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft), {"text": "异议"}).status_code == 404
    assert client.get("/rounds/999999/").status_code == 404


def test_an_open_round_shows_its_terms_without_the_selection(open_round: Round, client: Client) -> None:
    response = client.get(url(open_round), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "面向全市社会组织征集公益创投项目。",
        "社会组织发展专项资金",
        "福彩公益金",
        "需求分析",
        "优秀",
    ):
        assert text in page
    assert "2,000,000.00" in page and "600,000.00" in page  # English groups digits
    assert response.context["selection_rule"] == selection.rule_text(open_round)
    rules = response.context["rules"]
    assert any("any legal form" in rule for rule in rules)
    assert any("good standing" in rule for rule in rules)
    assert not any("grade" in rule and "A or above" in rule for rule in rules)  # min_grade is 0
    assert 'data-testid="selected"' not in page and 'data-testid="objection"' not in page


def test_the_rules_name_the_legal_forms_the_grade_and_the_most_one_may_ask(
    make_round: Callable[..., Round], county_officer: User, client: Client
) -> None:
    from peiyu.funding.services import rounds

    round = make_round(legal_forms=["association"], min_grade=3, max_request=Decimal(200_000))
    rounds.open_round(round, by=county_officer)
    rules = client.get(url(round), **EN).context["rules"]
    assert "Open to: Social association." in rules
    assert any("3A or above" in rule for rule in rules)
    assert any("200000" in rule for rule in rules)


def test_during_the_notice_the_selection_is_public_and_objections_are_received(
    on_notice: Round, organizations: list[Organization], client: Client
) -> None:
    response = client.get(url(on_notice))
    page = response.content.decode()
    assert [a.organization for a in response.context["selected"]] == organizations
    assert response.context["notice_running"] is True
    assert 'data-testid="objection"' in page and "150000.00" in page
    concerned = Application.objects.get(organization=organizations[1])
    sent = client.post(
        url(on_notice),
        {
            "application": concerned.pk,
            "text": "该项目预算明显偏高。",
            "name": "王五",
            "contact": "13912345678",
        },
    )
    assert sent.status_code == 302 and sent["Location"] == f"{url(on_notice)}#objection"
    objection = Objection.objects.get()
    assert (objection.round, objection.application, objection.channel, objection.received_on) == (
        on_notice,
        concerned,
        NeedSource.PORTAL,
        TODAY,
    )
    assert (objection.name, objection.contact) == ("王五", "13912345678")
    after = client.get(url(on_notice))
    assert after.context["objections"] == 1 and after.context["answered"] == 0
    assert "13912345678" not in after.content.decode()


def test_an_objection_needs_its_text_and_a_real_phone(on_notice: Round, client: Client) -> None:
    response = client.post(url(on_notice), {"text": " ", "contact": "123"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"text", "contact"}
    assert not Objection.objects.exists()


def test_after_the_notice_objections_are_refused_with_a_clear_message(
    applied: Round, advance: Advance, client: Client
) -> None:
    round = advance(applied, "notice")  # it ran for seven days until yesterday
    assert round.status == RoundStatus.NOTICE and round.notice_ends_on < TODAY
    page = client.get(url(round), **EN)
    assert 'data-testid="selected"' in page.content.decode()
    assert 'data-testid="objection"' not in page.content.decode()
    refused = client.post(url(round), {"text": "迟到的异议"}, **EN)
    assert refused.status_code == 200
    [error] = refused.context["form"].non_field_errors()
    assert "only during the public notice" in error
    assert str(round.notice_starts_on) in error and str(round.notice_ends_on) in error
    assert not Objection.objects.exists()


def test_before_the_notice_objections_are_refused(applied: Round, advance: Advance, client: Client) -> None:
    round = advance(applied, "selected")
    refused = client.post(url(round), {"text": "提前的异议"}, **EN)
    [error] = refused.context["form"].non_field_errors()
    assert "not been put on public notice" in error
    assert refused.context["selected"] == []  # the selection is not public before the notice
    assert not Objection.objects.exists()


def _complete(contract: Contract, by: User, *, publish: bool) -> None:
    contract = contracts.sign_contract(contract, signed_on=TODAY - datetime.timedelta(days=5), by=by)
    for stage in (Stage.MID_TERM, Stage.FINAL):
        contracts.record_evaluation(
            contract,
            stage=stage,
            purchaser_score=Decimal(80),
            third_party_score=Decimal(70),
            third_party="溧阳市社会组织评估中心",
            summary="完成目标。",
            evaluated_on=TODAY,
            by=by,
            beneficiary_score_override=Decimal(90),
        )
    if publish:
        contracts.publish_results(contract, by=by)


def test_after_the_award_published_results_are_shown(
    applied: Round,
    advance: Advance,
    organizations: list[Organization],
    county_officer: User,
    client: Client,
) -> None:
    round = advance(applied, "awarded")
    published = Contract.objects.get(application__organization=organizations[0])
    _complete(published, county_officer, publish=True)
    _complete(Contract.objects.get(application__organization=organizations[1]), county_officer, publish=False)
    response = client.get(url(round))
    results = response.context["results"]
    assert [(c, r["mid_term"], r["final"], r["passed"]) for c, r in results] == [
        (published, Decimal("80.00"), Decimal("80.00"), True)
    ]
    page = response.content.decode()
    assert 'data-testid="results"' in page
    assert len(response.context["selected"]) == 3  # the funded projects stay listed
    refused = client.post(url(round), {"text": "异议"}, **EN)
    assert "only during the public notice" in refused.context["form"].non_field_errors()[0]
    assert not Objection.objects.exists()
