"""The funding entries of the workbench's to-do panel: what each persona is asked to do, the
counts, the lists they lead to (which show exactly those rows), and the queries they cost."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peiyu.accounts.models import User
from peiyu.core.todos import Todo
from peiyu.funding.models import CaseSubsidy, Contract, Need, Round, RoundStatus
from peiyu.funding.services import contracts, review, rounds, selection
from peiyu.funding.tests.conftest import TODAY, apply, field
from peiyu.orgs.models import Organization
from peiyu.people.models import Expert
from peiyu.testing import DAIBU, first_village, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
CONTRACTS = reverse("funding:contract-list")


def todos(client: Client) -> dict[str, int]:
    """The panel's entries as link → count."""
    listed: list[Todo] = client.get(reverse("core:workbench")).context["todos"]
    return {todo.url: todo.count for todo in listed}


@pytest.fixture
def awarded(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    experts: list[Expert],
    advance: Callable[..., Round],
    county_officer: User,
) -> list[Contract]:
    """Three awarded projects: the organization persona applied itself, the office entered the
    other two."""
    for i, organization in enumerate(organizations):
        apply(open_round, organization, organization_account if i == 0 else county_officer)
    advance(open_round, "awarded")
    return list(Contract.objects.order_by("id"))


def test_contracts_to_sign_pay_and_evaluate(
    awarded: list[Contract], county_officer: User, login: Login
) -> None:
    county = login(county_officer)
    assert todos(county)[f"{CONTRACTS}?status=draft"] == 3
    first, second, third = (contracts.sign_contract(c, signed_on=TODAY, by=county_officer) for c in awarded)
    panel = todos(county)
    assert f"{CONTRACTS}?status=draft" not in panel
    assert panel[f"{CONTRACTS}?attention=to_pay"] == 3
    contracts.pay_tranche(first.tranches.get(position=1), paid_on=TODAY, voucher="V1", by=county_officer)
    assert todos(county)[f"{CONTRACTS}?attention=to_pay"] == 2
    listed = county.get(f"{CONTRACTS}?attention=to_pay").text
    assert first.number not in listed and second.number in listed and third.number in listed

    # The second contract's service period has ended without a final evaluation.
    Contract.objects.filter(pk=second.pk).update(
        starts_on=TODAY - datetime.timedelta(days=400), ends_on=TODAY - datetime.timedelta(days=1)
    )
    assert todos(county)[f"{CONTRACTS}?attention=final_due"] == 1
    listed = county.get(f"{CONTRACTS}?attention=final_due").text
    assert second.number in listed and first.number not in listed and third.number not in listed


def test_an_organization_and_a_town_are_not_asked_to_pay(
    awarded: list[Contract],
    county_officer: User,
    organization_account: User,
    daibu_officer: User,
    login: Login,
) -> None:
    for contract in awarded:
        contracts.sign_contract(contract, signed_on=TODAY, by=county_officer)
    for persona in (organization_account, daibu_officer):
        panel = todos(login(persona))
        assert not [url for url in panel if url.startswith(CONTRACTS)]


def test_needs_waiting_for_the_village_and_the_county(
    regions: None, county_officer: User, village_worker: User, daibu_officer: User, login: Login
) -> None:
    village = first_village(DAIBU)
    for title in ("老年人法律咨询", "青少年普法"):
        Need.objects.create(title=title, field=field(), region=village, source="village")
    Need.objects.create(title="已答复", field=field(), region=village, source="village", status="answered")
    url = reverse("funding:need-list") + "?status=new"
    for persona in (county_officer, village_worker, daibu_officer):
        assert todos(login(persona))[url] == 2


def test_outlines_and_ineligible_applications_for_the_round_manager(
    make_round: Callable[..., Round], organizations: list[Organization], county_officer: User, login: Login
) -> None:
    outlines = rounds.open_round(
        make_round(title="两阶段", two_stage=True, outline_closes_on=TODAY), by=county_officer
    )
    apply(outlines, organizations[0], county_officer)
    graded = rounds.open_round(make_round(title="三A以上", min_grade=3), by=county_officer)
    apply(graded, organizations[1], county_officer)  # no grade: not eligible
    panel = todos(login(county_officer))
    applications = reverse("funding:application-list")
    assert panel[f"{applications}?status=outline"] == 1
    assert panel[f"{applications}?status=ineligible"] == 1


def test_objections_then_a_notice_to_conclude(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    experts: list[Expert],
    advance: Callable[..., Round],
    county_officer: User,
    login: Login,
) -> None:
    apply(open_round, organizations[0], organization_account)
    round = advance(open_round, "notice")
    assert round.notice_ends_on is not None and round.notice_ends_on < TODAY
    county = login(county_officer)
    concluding = reverse("funding:round-list") + f"?status={RoundStatus.NOTICE}"
    assert concluding in todos(county)  # ended, nothing waiting
    objection = selection.record_objection(
        round, text="评分不公", by=None, received_on=round.notice_ends_on, name="王五"
    )
    panel = todos(county)
    assert panel[reverse("funding:objection-list", args=[round.pk])] == 1
    assert concluding not in panel  # an objection waits for its answer first
    selection.answer_objection(objection, answer="经复核，评分无误。", upheld=False, by=county_officer)
    panel = todos(county)
    assert reverse("funding:objection-list", args=[round.pk]) not in panel
    assert panel[concluding] == 1


def test_case_subsidies_to_pay(
    regions: None, county_officer: User, daibu_officer: User, login: Login
) -> None:
    CaseSubsidy.objects.create(
        region=region(DAIBU),
        case_reference="溧调〔2026〕1号",
        case_title="邻里纠纷",
        payee_name="戴埠镇人民调解委员会",
        amount=Decimal(200),
        raised_on=TODAY,
    )
    url = reverse("funding:case-subsidy-list") + "?status=granted"
    assert todos(login(county_officer))[url] == 1
    assert url not in todos(login(daibu_officer))  # a town raises them, the county pays


def test_an_expert_is_asked_to_declare_then_to_score(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    experts: list[Expert],
    advance: Callable[..., Round],
    county_officer: User,
    expert: User,
    login: Login,
) -> None:
    for organization in organizations[:2]:
        apply(open_round, organization, county_officer)
    round = advance(open_round, "review")
    review.draw_panels(round, by=county_officer, seed="todos")
    mine = list(experts[0].funding_assignments.all())
    assert mine, "the draw gave the expert persona no file"
    url = reverse("funding:review-list")
    panel: list[Todo] = login(expert).get(reverse("core:workbench")).context["todos"]
    assert [t.count for t in panel if t.url == url] == [len(mine)]
    review.declare(mine[0], conflict=False, by=expert)
    panel = login(expert).get(reverse("core:workbench")).context["todos"]
    expected = [len(mine) - 1, 1] if len(mine) > 1 else [1]  # declarations due, then scores due
    assert [t.count for t in panel if t.url == url] == expected
    assert url not in todos(login(county_officer))


def test_the_panel_costs_the_same_whatever_the_rows(
    awarded: list[Contract], county_officer: User, login: Login
) -> None:
    county = login(county_officer)
    contracts.sign_contract(awarded[0], signed_on=TODAY, by=county_officer)
    with CaptureQueriesContext(connection) as few:
        county.get(reverse("core:workbench"))
    for contract in awarded[1:]:
        contracts.sign_contract(contract, signed_on=TODAY, by=county_officer)
    with CaptureQueriesContext(connection) as more:
        county.get(reverse("core:workbench"))
    assert len(more) == len(few)
