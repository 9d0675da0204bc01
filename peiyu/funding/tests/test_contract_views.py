"""Contracts through the back office: the county signs, pays the first tranche, a mid-term
evaluation fails for one project (its next tranche is held, the Pay button is gone and paying
is refused with the reason) and passes for the other (released, then paid); beneficiaries'
portal answers feed the evaluation; organizations see and report on only their own contracts;
denials for every write view."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.funding.models import (
    Contract,
    ContractStatus,
    Evaluation,
    FundingEvent,
    ProgressReport,
    Round,
    TrancheStatus,
)
from peiyu.funding.services import contracts
from peiyu.funding.tests.conftest import TODAY, apply
from peiyu.orgs.models import Organization
from peiyu.people.models import Expert
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, make_user

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
Contracts = dict[str, Contract]


@pytest.fixture
def awarded(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    experts: list[Expert],
    advance: Callable[..., Round],
) -> Contracts:
    """Two awarded projects with their draft contracts: the organization persona's and the
    second organization's."""
    mine = apply(open_round, organizations[0], organization_account, title="阳光法治宣传进万家")
    theirs = apply(open_round, organizations[1], other_org_account, title="邻里调解进社区", amount=80_000)
    advance(open_round, "awarded")
    return {
        "mine": Contract.objects.get(application=mine),
        "theirs": Contract.objects.get(application=theirs),
    }


@pytest.fixture
def signed(awarded: Contracts, county_officer: User) -> Contracts:
    return {key: contracts.sign_contract(c, signed_on=TODAY, by=county_officer) for key, c in awarded.items()}


@pytest.fixture
def jintan_officer(regions: None) -> User:
    """A county officer of another county (金坛区)."""
    return make_user("jintan-county", "county_officer", CHANGZHOU_OTHER_COUNTY)


def _detail(contract: Contract) -> str:
    return reverse("funding:contract-detail", args=[contract.pk])


def _evaluate(client: Client, contract: Contract, **values: object) -> object:
    data = {
        "stage": "mid_term",
        "purchaser_score": "85",
        "third_party_score": "80",
        "third_party": "常州市社会组织评估中心",
        "summary": "活动按计划开展，台账规范。",
        "evaluated_on": TODAY.isoformat(),
    } | values
    return client.post(reverse("funding:contract-evaluate", args=[contract.pk]), data)


def _pay(client: Client, contract: Contract, position: int, voucher: str) -> object:
    tranche = contract.tranches.get(position=position)
    return client.post(
        reverse("funding:tranche-pay", args=[tranche.pk]), {"paid_on": TODAY.isoformat(), "voucher": voucher}
    )


# The new user's story -----------------------------------------------------------------------


def test_the_county_signs_pays_and_the_mid_term_gates_the_next_tranche(
    awarded: Contracts, county_officer: User, login: Login
) -> None:
    county, mine, theirs = login(county_officer), awarded["mine"], awarded["theirs"]
    listing = county.get(reverse("funding:contract-list"))
    assert listing.status_code == 200
    assert mine.number in listing.text and theirs.number in listing.text

    for contract in (mine, theirs):
        page = county.get(_detail(contract))
        assert 'data-testid="sign"' in page.text and 'data-testid="pay-1"' not in page.text
        answer = county.post(
            reverse("funding:contract-sign", args=[contract.pk]), {"signed_on": TODAY.isoformat()}
        )
        assert answer.status_code == 302
        contract.refresh_from_db()
        assert contract.status == ContractStatus.SIGNED and contract.signed_on == TODAY

    # The first tranche is released on signing and paid.
    assert 'data-testid="pay-1"' in county.get(_detail(mine)).text
    assert _pay(county, mine, 1, "财付2026-001").status_code == 302
    first = mine.tranches.get(position=1)
    assert (first.status, first.voucher, first.paid_on) == (TrancheStatus.PAID, "财付2026-001", TODAY)

    # Beneficiaries of the first project answer on the portal; their score feeds its evaluation.
    for rating, helpful in ((5, 5), (4, 5), (5, 4)):
        Client().post(
            reverse("portal:feedback", args=[mine.feedback_token]), {"rating": rating, "helpful": helpful}
        )
    form = county.get(reverse("funding:contract-evaluate", args=[mine.pk]))
    assert "beneficiary_score" not in form.text and "93.33" in form.text
    assert _evaluate(county, mine).status_code == 302
    passed = Evaluation.objects.get(contract=mine)
    # (5+5+4+5+5+4) / 6 × 20 = 93.33; 85 × 40 % + 93.33 × 30 % + 80 × 30 % = 86.00
    assert (passed.beneficiary_score, passed.beneficiary_responses) == (Decimal("93.33"), 3)
    assert passed.total == Decimal("86.00") and passed.passed
    assert mine.tranches.get(position=2).status == TrancheStatus.DUE
    assert _pay(county, mine, 2, "财付2026-002").status_code == 302
    assert mine.tranches.get(position=2).status == TrancheStatus.PAID

    # Nobody answered for the second project: a paper survey's score, and low scores fail it.
    _pay(county, theirs, 1, "财付2026-003")
    assert (
        'name="beneficiary_score"' in county.get(reverse("funding:contract-evaluate", args=[theirs.pk])).text
    )
    _evaluate(county, theirs, purchaser_score="40", third_party_score="50", beneficiary_score="45")
    failed = Evaluation.objects.get(contract=theirs)
    assert failed.total == Decimal("44.50") and not failed.passed
    theirs.refresh_from_db()
    held = theirs.tranches.get(position=2)
    assert theirs.status == ContractStatus.STOPPED and held.status == TrancheStatus.HELD
    page = county.get(_detail(theirs))
    assert 'data-testid="pay-2"' not in page.text and "44.50" in page.text
    assert 'data-testid="hold-reason"' in page.text
    refused = _pay(county, theirs, 2, "财付2026-004")
    assert refused.status_code == 200 and "44.50" in refused.text
    assert theirs.tranches.get(position=2).status == TrancheStatus.HELD


def test_a_passing_re_evaluation_releases_what_the_failure_held(
    signed: Contracts, county_officer: User, login: Login
) -> None:
    county, contract = login(county_officer), signed["mine"]
    # The first tranche is still unpaid when the mid-term fails: it is held too.
    _evaluate(county, contract, purchaser_score="30", third_party_score="30", beneficiary_score="30")
    assert contract.tranches.get(position=1).status == TrancheStatus.HELD
    _evaluate(county, contract, purchaser_score="80", third_party_score="80", beneficiary_score="80")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED
    statuses = [t.status for t in contract.tranches.all()]
    # The last tranche, held by the failure now made good, waits for its own milestone again.
    assert statuses == [TrancheStatus.DUE, TrancheStatus.DUE, TrancheStatus.WAITING]
    last = contract.tranches.get(position=3)
    assert last.hold_reason == ""  # no longer blames the failure made good


def test_the_final_evaluation_completes_the_contract_and_results_are_published(
    signed: Contracts, county_officer: User, login: Login
) -> None:
    county, contract = login(county_officer), signed["mine"]
    publish = reverse("funding:contract-publish", args=[contract.pk])
    county.post(publish)  # nothing to publish yet
    contract.refresh_from_db()
    assert not contract.results_published
    _evaluate(county, contract, beneficiary_score="90")
    _evaluate(county, contract, stage="final", beneficiary_score="90")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    assert [t.status for t in contract.tranches.all()] == [TrancheStatus.DUE] * 3
    assert 'data-testid="publish"' in county.get(_detail(contract)).text
    assert county.post(publish).status_code == 302
    contract.refresh_from_db()
    assert contract.results_published
    page = county.get(_detail(contract)).text
    assert 'data-testid="publish"' not in page and 'data-testid="published"' in page
    assert FundingEvent.objects.filter(
        subject="contract", subject_id=contract.pk, action="published"
    ).exists()


def test_the_page_shows_parties_history_outputs_and_the_qr_code(
    signed: Contracts, county_officer: User, login: Login
) -> None:
    county, contract = login(county_officer), signed["mine"]
    page = county.get(_detail(contract)).text
    assert "溧阳市民政局" in page and "溧阳市阳光法律服务中心" in page
    assert 'data-testid="supervisor"' not in page  # two-party
    assert "开展法治讲座" in page and "12 场" in page
    assert f"http://testserver/feedback/{contract.feedback_token}/" in page
    assert 'data-testid="history"' in page and TODAY.isoformat() in page  # the signing, noted
    qr = county.get(reverse("funding:contract-qr", args=[contract.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    card = county.get(_detail(contract) + "?print=card")
    assert 'data-testid="feedback-card"' in card.text
    assert reverse("funding:contract-qr", args=[contract.pk]) in card.text


def test_the_list_filters_totals_and_exports(signed: Contracts, county_officer: User, login: Login) -> None:
    county = login(county_officer)
    _pay(county, signed["mine"], 1, "V-1")
    listing = county.get(reverse("funding:contract-list"), {"attention": "to_pay"})
    # Only the second contract still has a released tranche to pay.
    assert signed["theirs"].number in listing.text and signed["mine"].number not in listing.text
    listing = county.get(reverse("funding:contract-list"))
    assert 'data-total="amount">180000.00' in listing.text
    assert 'data-total="paid">50000.00' in listing.text
    assert 'data-total="to_pay">40000.00' in listing.text
    found = county.get(reverse("funding:contract-list"), {"q": "邻里"})
    assert signed["theirs"].number in found.text and signed["mine"].number not in found.text
    export = county.get(reverse("funding:contract-list"), {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4  # header, two contracts, total
    assert rows[-1][-4:] == (180_000, 50_000, 40_000, 0)


def test_the_list_does_not_query_per_row(
    signed: Contracts, county_officer: User, organizations: list[Organization], login: Login
) -> None:
    county = login(county_officer)
    url = reverse("funding:contract-list")
    with CaptureQueriesContext(connection) as one:
        assert signed["mine"].number in county.get(url, {"q": "阳光"}).text
    with CaptureQueriesContext(connection) as both:
        county.get(url)
    assert len(both) == len(one)


# Organizations: their own contracts, progress reports ----------------------------------------


def test_an_organization_sees_only_its_own_contracts(
    awarded: Contracts, organization_account: User, other_org_account: User, login: Login
) -> None:
    mine, theirs = awarded["mine"], awarded["theirs"]
    organization = login(organization_account)
    listing = organization.get(reverse("funding:contract-list"))
    assert mine.number in listing.text and theirs.number not in listing.text
    assert organization.get(_detail(mine)).status_code == 200
    for name in ("funding:contract-detail", "funding:contract-document", "funding:contract-qr"):
        assert organization.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert login(other_org_account).get(_detail(mine)).status_code == 404


def test_the_organization_reports_progress_and_the_office_comments(
    awarded: Contracts,
    county_officer: User,
    organization_account: User,
    other_org_account: User,
    login: Login,
) -> None:
    mine = awarded["mine"]
    organization, county = login(organization_account), login(county_officer)
    url = reverse("funding:contract-report", args=[mine.pk])
    report = {
        "period": "2026年第一季度",
        "activities": "3",
        "people_served": "120",
        "spent": "20000",
        "text": "开展法治讲座3场。",
        "problems": "",
    }
    early = organization.post(url, report)  # not signed yet
    assert early.status_code == 200 and not ProgressReport.objects.exists()
    contracts.sign_contract(mine, signed_on=TODAY, by=county_officer)
    assert organization.post(url, report).status_code == 302
    saved = ProgressReport.objects.get(contract=mine)
    assert (saved.activities, saved.people_served, saved.spent) == (3, 120, Decimal(20000))
    assert 'data-testid="report"' in organization.get(_detail(mine)).text

    assert county.get(url).status_code == 403  # the office comments, it does not report
    assert organization.get(f"{url}?report={saved.pk}").status_code == 403
    assert login(other_org_account).post(url, report).status_code == 404
    assert county.get(f"{url}?report=999999").status_code == 404
    assert county.post(f"{url}?report={saved.pk}", {"comment": "请补充活动照片。"}).status_code == 302
    saved.refresh_from_db()
    assert saved.comment == "请补充活动照片。"
    assert "请补充活动照片。" in organization.get(_detail(mine)).text


# Denials and illegal moves -----------------------------------------------------------------


def _writes(contract: Contract) -> list[tuple[str, str]]:
    tranche = contract.tranches.get(position=1)
    return [
        ("post", reverse("funding:contract-sign", args=[contract.pk])),
        ("post", reverse("funding:contract-evaluate", args=[contract.pk])),
        ("post", reverse("funding:contract-publish", args=[contract.pk])),
        ("post", reverse("funding:tranche-pay", args=[tranche.pk])),
        ("post", reverse("funding:contract-report", args=[contract.pk])),
        ("get", reverse("funding:contract-list")),
        ("get", _detail(contract)),
        ("get", reverse("funding:contract-document", args=[contract.pk])),
        ("get", reverse("funding:contract-qr", args=[contract.pk])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(signed: Contracts, client: Client) -> None:
    for method, url in _writes(signed["mine"]):
        answer = getattr(client, method)(url)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"], url


def test_a_town_officer_may_not_sign_pay_or_evaluate(
    signed: Contracts, daibu_officer: User, login: Login
) -> None:
    town = login(daibu_officer)
    contract = signed["mine"]
    tranche = contract.tranches.get(position=1)
    data = {"paid_on": TODAY.isoformat(), "voucher": "X"}
    assert town.post(reverse("funding:tranche-pay", args=[tranche.pk]), data).status_code == 403
    assert town.post(reverse("funding:contract-sign", args=[contract.pk])).status_code == 403
    assert town.post(reverse("funding:contract-evaluate", args=[contract.pk])).status_code == 403
    assert town.post(reverse("funding:contract-publish", args=[contract.pk])).status_code == 403
    assert contract.tranches.get(position=1).status == TrancheStatus.DUE


def test_another_county_finds_nothing(signed: Contracts, jintan_officer: User, login: Login) -> None:
    other = login(jintan_officer)
    contract = signed["mine"]
    for method, url in _writes(contract):
        if url == reverse("funding:contract-list"):
            assert contract.number not in other.get(url).text
            continue
        assert getattr(other, method)(url).status_code == 404, url
    assert contract.tranches.get(position=1).status == TrancheStatus.DUE


def test_an_expert_has_no_contract_pages(signed: Contracts, expert: User, login: Login) -> None:
    assert login(expert).get(reverse("funding:contract-list")).status_code == 403


def test_illegal_moves_are_refused_with_a_message(
    signed: Contracts, county_officer: User, login: Login
) -> None:
    county, contract = login(county_officer), signed["mine"]
    again = county.post(
        reverse("funding:contract-sign", args=[contract.pk]), {"signed_on": TODAY.isoformat()}, follow=True
    )
    assert again.status_code == 200 and "alert-danger" in again.text
    waiting = contract.tranches.get(position=3)
    refused = county.post(
        reverse("funding:tranche-pay", args=[waiting.pk]), {"paid_on": TODAY.isoformat(), "voucher": "V"}
    )
    assert refused.status_code == 200 and waiting.get_milestone_display() in refused.text
    future = county.post(
        reverse("funding:tranche-pay", args=[contract.tranches.get(position=1).pk]),
        {"paid_on": (TODAY + datetime.timedelta(days=1)).isoformat(), "voucher": "V"},
    )
    assert future.status_code == 200 and "alert-danger" in future.text
    _pay(county, contract, 1, "V-1")
    twice = _pay(county, contract, 1, "V-2")
    assert twice.status_code == 200 and "alert-danger" in twice.text
    assert contract.tranches.get(position=1).voucher == "V-1"
    final_first = _evaluate(county, contract, stage="final", beneficiary_score="90")
    assert final_first.status_code == 200 and not Evaluation.objects.exists()


def test_a_draft_contract_cannot_be_evaluated(awarded: Contracts, county_officer: User, login: Login) -> None:
    county = login(county_officer)
    page = county.get(_detail(awarded["mine"]))
    assert 'data-testid="evaluate"' not in page.text
    answer = _evaluate(county, awarded["mine"], beneficiary_score="90")
    assert answer.status_code == 200 and not Evaluation.objects.exists()
