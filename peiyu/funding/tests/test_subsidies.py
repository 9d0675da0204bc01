"""Per-case mediation subsidies: raised at the local amount (and its override), once per case,
paid or cancelled; the list with its totals per year and payee, its export, the pages that
enter, pay and cancel, and who may do what."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.core.services import set_option
from peiyu.funding.models import CaseSubsidy, CaseSubsidyStatus, FundingEvent
from peiyu.funding.services import subsidies as services
from peiyu.funding.tests.conftest import TODAY, registered
from peiyu.orgs.models import Organization
from peiyu.regions.models import Region
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, DAIBU, TIANMUHU, first_village, make_user, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
YEAR = TODAY.year
LAST_YEAR = YEAR - 1
URL = "/funding/case-subsidies/"
COMMITTEE = "戴埠镇人民调解委员会"


def raise_case(
    reference: str,
    *,
    by: User | None,
    where: Region | None = None,
    payee_name: str = COMMITTEE,
    payee: Organization | None = None,
    amount: Decimal | None = None,
    raised_on: datetime.date | None = None,
) -> CaseSubsidy:
    return services.raise_case_subsidy(
        region=where or first_village(DAIBU),
        case_reference=reference,
        case_title="邻里宅基地纠纷",
        payee_name=payee_name,
        payee=payee,
        amount=amount,
        raised_on=raised_on,
        by=by,
    )


@pytest.fixture
def mediators(organization_account: User) -> Organization:
    """The organization persona's organization, a mediation service of 天目湖镇."""
    return registered("溧阳市天目湖调解服务社", town=TIANMUHU, account=organization_account)


@pytest.fixture
def ledger(county_officer: User, mediators: Organization) -> dict[str, CaseSubsidy]:
    """Two payees over two years: one paid last year, one cancelled, two granted."""
    old = raise_case("戴调〔2025〕1号", by=county_officer, raised_on=datetime.date(LAST_YEAR, 11, 3))
    services.pay_case_subsidy(
        old, paid_on=datetime.date(LAST_YEAR, 12, 20), voucher="2025-71", by=county_officer
    )
    cancelled = raise_case("戴调〔2026〕9号", by=county_officer)
    services.cancel_case_subsidy(cancelled, reason="重复录入", by=county_officer)
    return {
        "paid": old,
        "cancelled": cancelled,
        "daibu": raise_case("戴调〔2026〕1号", by=county_officer),
        "tianmuhu": raise_case(
            "天调〔2026〕1号",
            by=county_officer,
            where=first_village(TIANMUHU),
            payee=mediators,
            payee_name=mediators.name,
            amount=Decimal(350),
        ),
    }


@pytest.fixture
def other_county_officer(regions: None) -> User:
    return make_user("jintan-county", "county_officer", CHANGZHOU_OTHER_COUNTY)


# Services ---------------------------------------------------------------------------------------


def test_the_amount_defaults_to_the_local_setting_and_follows_an_override(
    county_officer: User, administrator: User
) -> None:
    assert raise_case("A-1", by=county_officer).amount == Decimal(200)
    set_option(key="funding.case_subsidy", region=region(DAIBU), text="300", by=administrator)
    assert raise_case("A-2", by=county_officer).amount == Decimal(300)
    # The override is 戴埠镇's: 天目湖镇 keeps the default, and a stated amount wins anywhere.
    assert raise_case("A-3", by=county_officer, where=first_village(TIANMUHU)).amount == Decimal(200)
    assert raise_case("A-4", by=county_officer, amount=Decimal("150.50")).amount == Decimal("150.50")


def test_a_case_is_subsidised_once(county_officer: User) -> None:
    first = raise_case(" 戴调〔2026〕5号 ", by=county_officer)
    assert first.case_reference == "戴调〔2026〕5号"
    with translation.override("en"), pytest.raises(DomainError) as refused:
        raise_case("戴调〔2026〕5号", by=county_officer, payee_name="别的调委会")
    assert "戴调〔2026〕5号" in str(refused.value) and "subsidised once" in str(refused.value)
    assert COMMITTEE in str(refused.value)  # who already holds it
    services.cancel_case_subsidy(first, reason="录错", by=county_officer)
    with pytest.raises(DomainError):
        raise_case("戴调〔2026〕5号", by=None)
    assert CaseSubsidy.objects.count() == 1


def test_the_mediation_feed_raises_without_an_actor(regions: None) -> None:
    subsidy = raise_case("调解-000123", by=None)
    assert (subsidy.status, subsidy.amount) == (CaseSubsidyStatus.GRANTED, Decimal(200))
    event = FundingEvent.objects.get(subject="casesubsidy", subject_id=subsidy.pk)
    assert (event.action, event.actor, event.to_status) == ("granted", None, "granted")


def test_raising_checks_the_case_the_date_and_the_scope(
    county_officer: User, daibu_officer: User, village_worker: User
) -> None:
    with pytest.raises(DomainError):
        raise_case("B-1", by=county_officer, raised_on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(DomainError):
        raise_case("B-2", by=county_officer, payee_name=" ")
    with pytest.raises(DomainError):
        raise_case("B-3", by=county_officer, amount=Decimal(0))
    with pytest.raises(PermissionRefused):
        raise_case("B-4", by=daibu_officer, where=first_village(TIANMUHU))
    with pytest.raises(PermissionRefused):
        raise_case("B-5", by=village_worker)
    assert raise_case("B-6", by=daibu_officer).region_id == first_village(DAIBU).code
    assert CaseSubsidy.objects.count() == 1


def test_paying_needs_a_past_date_a_voucher_and_the_permission(
    county_officer: User, daibu_officer: User
) -> None:
    subsidy = raise_case("C-1", by=county_officer)
    with pytest.raises(DomainError):
        services.pay_case_subsidy(
            subsidy, paid_on=TODAY + datetime.timedelta(days=1), voucher="V1", by=county_officer
        )
    with pytest.raises(DomainError):
        services.pay_case_subsidy(subsidy, paid_on=TODAY, voucher="  ", by=county_officer)
    with pytest.raises(DomainError, match=str(subsidy.raised_on)):
        services.pay_case_subsidy(
            subsidy, paid_on=subsidy.raised_on - datetime.timedelta(days=1), voucher="V1", by=county_officer
        )
    with pytest.raises(PermissionRefused):
        services.pay_case_subsidy(subsidy, paid_on=TODAY, voucher="V1", by=daibu_officer)
    paid = services.pay_case_subsidy(subsidy, paid_on=TODAY, voucher=" V1 ", by=county_officer)
    assert (paid.status, paid.paid_on, paid.voucher, paid.version) == (CaseSubsidyStatus.PAID, TODAY, "V1", 2)
    steps = FundingEvent.objects.filter(subject="casesubsidy", subject_id=subsidy.pk)
    assert [(e.action, e.from_status, e.to_status) for e in steps] == [
        ("granted", "", "granted"),
        ("paid", "granted", "paid"),
    ]
    # A paid subsidy is neither paid again nor cancelled.
    with pytest.raises(TransitionError):
        services.pay_case_subsidy(paid, paid_on=TODAY, voucher="V2", by=county_officer)
    with pytest.raises(TransitionError):
        services.cancel_case_subsidy(paid, reason="错付", by=county_officer)


def test_cancelling_needs_a_reason_and_keeps_the_record(county_officer: User) -> None:
    subsidy = raise_case("D-1", by=county_officer)
    with pytest.raises(DomainError):
        services.cancel_case_subsidy(subsidy, reason=" ", by=county_officer)
    cancelled = services.cancel_case_subsidy(subsidy, reason="调解协议被撤销", by=county_officer)
    assert (cancelled.status, cancelled.cancel_reason) == (CaseSubsidyStatus.CANCELLED, "调解协议被撤销")
    with pytest.raises(TransitionError):
        services.pay_case_subsidy(cancelled, paid_on=TODAY, voucher="V", by=county_officer)


def test_totals_per_year_and_payee_leave_cancelled_subsidies_out(ledger: dict[str, CaseSubsidy]) -> None:
    totals = {(t["year"], t["payee_name"]): t for t in CaseSubsidy.objects.totals()}
    assert {key: (t["cases"], t["total"], t["paid"]) for key, t in totals.items()} == {
        (YEAR, COMMITTEE): (1, 200, 0),
        (YEAR, "溧阳市天目湖调解服务社"): (1, 350, 0),
        (LAST_YEAR, COMMITTEE): (1, 200, 200),
    }


# The list and its export ------------------------------------------------------------------------


def test_the_list_shows_the_totals_and_the_cases(
    ledger: dict[str, CaseSubsidy], county_officer: User, login: Login
) -> None:
    response = login(county_officer).get(URL)
    assert response.status_code == 200
    rows = {
        (t["year"], t["payee_name"]): (t["cases"], t["total"], t["paid"], t["to_pay"])
        for t in response.context["totals"]
    }
    assert rows == {
        (YEAR, COMMITTEE): (1, 200, 0, 200),
        (YEAR, "溧阳市天目湖调解服务社"): (1, 350, 0, 350),
        (LAST_YEAR, COMMITTEE): (1, 200, 200, 0),
    }
    grand = response.context["grand"]
    assert (grand["cases"], grand["total"], grand["paid"], grand["to_pay"]) == (3, 750, 200, 550)
    assert set(response.context["page"].object_list) == set(ledger.values())
    page = response.content.decode()
    assert 'data-testid="grand-total"' in page and "750.00" in page
    assert f'href="/funding/case-subsidies/{ledger["daibu"].pk}/pay/"' in page
    assert f'href="/funding/case-subsidies/{ledger["paid"].pk}/pay/"' not in page
    assert "重复录入" in page  # the reason a subsidy was cancelled, and its history
    assert 'data-testid="timeline"' in page


def test_filters_narrow_the_list_and_the_totals(
    ledger: dict[str, CaseSubsidy], county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    response = client.get(f"{URL}?year={YEAR}&town={TIANMUHU.ljust(12, '0')}")
    assert list(response.context["page"].object_list) == [ledger["tianmuhu"]]
    assert response.context["grand"]["total"] == 350

    response = client.get(f"{URL}?status=paid")
    assert list(response.context["page"].object_list) == [ledger["paid"]]
    assert response.context["grand"]["total"] == 750  # the status narrows the list only

    response = client.get(f"{URL}?q=天目湖")
    assert list(response.context["page"].object_list) == [ledger["tianmuhu"]]
    response = client.get(f"{URL}?q=不存在的调委会")
    assert 'data-testid="empty"' in response.content.decode()


def test_a_town_officer_and_an_organization_see_their_own(
    ledger: dict[str, CaseSubsidy], daibu_officer: User, organization_account: User, login: Login
) -> None:
    town = login(daibu_officer).get(URL)
    assert set(town.context["page"].object_list) == {ledger["paid"], ledger["cancelled"], ledger["daibu"]}
    own = login(organization_account).get(URL)
    assert list(own.context["page"].object_list) == [ledger["tianmuhu"]]
    assert 'data-testid="create"' not in own.content.decode()


def test_the_export_has_the_cases_and_a_sheet_of_totals(
    ledger: dict[str, CaseSubsidy], county_officer: User, login: Login
) -> None:
    response = login(county_officer).get(f"{URL}?format=xlsx&year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    records, totals = load_workbook(BytesIO(response.content)).worksheets
    rows = {row[0]: row for row in records.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"戴调〔2026〕1号", "戴调〔2026〕9号", "天调〔2026〕1号"}
    assert rows["天调〔2026〕1号"][3:6] == ("溧阳市天目湖调解服务社", ledger["tianmuhu"].payee.code, 350)
    assert rows["戴调〔2026〕9号"][10] == "重复录入"
    sums = list(totals.iter_rows(min_row=2, values_only=True))
    assert sums[-1][2:] == (2, 550, 0, 550)
    assert sorted(row[1] for row in sums[:-1]) == sorted([COMMITTEE, "溧阳市天目湖调解服务社"])


def test_the_list_costs_the_same_queries_for_more_rows(
    county_officer: User, mediators: Organization, login: Login
) -> None:
    client = login(county_officer)
    raise_case("Q-0", by=county_officer)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(1, 7):
        subsidy = raise_case(f"Q-{i}", by=county_officer, payee=mediators, payee_name=mediators.name)
        if i % 2:
            services.pay_case_subsidy(subsidy, paid_on=TODAY, voucher=f"V{i}", by=county_officer)
    with CaptureQueriesContext(connection) as more:
        response = client.get(URL)
    assert len(response.context["page"]) == 7
    assert len(more) == len(few)


# Entering, paying and cancelling on the pages ---------------------------------------------------


def test_a_case_entered_by_hand_gets_the_local_amount(
    county_officer: User, mediators: Organization, login: Login
) -> None:
    client = login(county_officer)
    form = client.get(f"{URL}new/")
    assert form.status_code == 200 and form.context["default_amount"] == 200
    village = first_village(TIANMUHU).code
    data = {
        "case_reference": "天调〔2026〕3号",
        "case_title": "山林承包纠纷",
        "region": village,
        "payee": str(mediators.pk),
        "raised_on": TODAY.isoformat(),
    }
    response = client.post(f"{URL}new/", data)
    assert response.status_code == 302
    subsidy = CaseSubsidy.objects.get()
    assert (subsidy.amount, subsidy.payee, subsidy.payee_name, subsidy.region_id) == (
        Decimal(200),
        mediators,
        mediators.name,
        village,
    )
    again = client.post(f"{URL}new/", data | {"amount": "500"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200
    [error] = again.context["form"].non_field_errors()
    assert "天调〔2026〕3号" in error and "subsidised once" in error
    assert CaseSubsidy.objects.count() == 1


def test_the_form_wants_a_payee_and_a_region_in_scope(daibu_officer: User, login: Login) -> None:
    response = login(daibu_officer).post(
        f"{URL}new/",
        {
            "case_reference": "X-1",
            "case_title": "纠纷",
            "region": first_village(TIANMUHU).code,
            "raised_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"region", "payee_name"}
    assert not CaseSubsidy.objects.exists()


def test_paying_on_the_page_after_confirming(
    ledger: dict[str, CaseSubsidy], county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    subsidy = ledger["daibu"]
    url = f"{URL}{subsidy.pk}/pay/"
    page = client.get(url)
    assert page.status_code == 200 and "data-confirm" in page.content.decode()
    future = {"paid_on": (TODAY + datetime.timedelta(days=2)).isoformat(), "voucher": "V9", "version": 1}
    refused = client.post(url, future)
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    response = client.post(url, {"paid_on": TODAY.isoformat(), "voucher": "V9", "version": 1})
    assert response.status_code == 302
    subsidy.refresh_from_db()
    assert (subsidy.status, subsidy.voucher) == (CaseSubsidyStatus.PAID, "V9")
    # Paying again is refused with a message, not an error page.
    again = client.post(url, {"paid_on": TODAY.isoformat(), "voucher": "V10", "version": 2}, follow=True)
    assert again.status_code == 200 and list(again.context["messages"])
    subsidy.refresh_from_db()
    assert subsidy.voucher == "V9"
    assert 'data-testid="settled"' in client.get(url).content.decode()


def test_a_stale_payment_form_is_refused(
    ledger: dict[str, CaseSubsidy], county_officer: User, login: Login
) -> None:
    response = login(county_officer).post(
        f"{URL}{ledger['daibu'].pk}/pay/", {"paid_on": TODAY.isoformat(), "voucher": "V9", "version": 7}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert CaseSubsidy.objects.get(pk=ledger["daibu"].pk).status == CaseSubsidyStatus.GRANTED


def test_cancelling_on_the_page(ledger: dict[str, CaseSubsidy], county_officer: User, login: Login) -> None:
    client = login(county_officer)
    url = f"{URL}{ledger['daibu'].pk}/cancel/"
    assert client.post(url, {"reason": "", "version": 1}).context["form"].errors["reason"]
    response = client.post(url, {"reason": "当事人反悔，协议无效", "version": 1})
    assert response.status_code == 302
    assert CaseSubsidy.objects.get(pk=ledger["daibu"].pk).cancel_reason == "当事人反悔，协议无效"


# Who may do what --------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(ledger: dict[str, CaseSubsidy], client: Client) -> None:
    pk = ledger["daibu"].pk
    for url in (URL, f"{URL}new/", f"{URL}{pk}/pay/", f"{URL}{pk}/cancel/"):
        assert client.get(url)["Location"].startswith("/accounts/login/"), url
        assert client.post(url, {})["Location"].startswith("/accounts/login/"), url
    assert CaseSubsidy.objects.get(pk=pk).status == CaseSubsidyStatus.GRANTED


def test_a_town_officer_may_enter_cases_but_not_pay_them(
    ledger: dict[str, CaseSubsidy], daibu_officer: User, login: Login
) -> None:
    client = login(daibu_officer)
    data = {
        "case_reference": "戴调〔2026〕2号",
        "case_title": "相邻通行纠纷",
        "region": first_village(DAIBU).code,
        "payee_name": COMMITTEE,
        "raised_on": TODAY.isoformat(),
    }
    assert client.post(f"{URL}new/", data).status_code == 302
    pk = ledger["daibu"].pk
    assert client.get(f"{URL}{pk}/pay/").status_code == 403
    assert (
        client.post(
            f"{URL}{pk}/pay/", {"paid_on": TODAY.isoformat(), "voucher": "V", "version": 1}
        ).status_code
        == 403
    )
    assert client.post(f"{URL}{pk}/cancel/", {"reason": "x", "version": 1}).status_code == 403
    assert CaseSubsidy.objects.get(pk=pk).status == CaseSubsidyStatus.GRANTED


def test_a_village_worker_and_an_organization_may_not_enter_cases(
    village_worker: User, organization_account: User, mediators: Organization, login: Login
) -> None:
    # Village workers record needs, not payments: the role has no mediation-subsidy permission.
    assert login(village_worker).get(URL).status_code == 403
    for persona in (village_worker, organization_account):
        assert login(persona).get(f"{URL}new/").status_code == 403
        response = login(persona).post(
            f"{URL}new/",
            {
                "case_reference": "Z-1",
                "case_title": "纠纷",
                "region": first_village(DAIBU).code,
                "payee_name": "某",
            },
        )
        assert response.status_code == 403
    assert not CaseSubsidy.objects.exists()


def test_another_county_gets_not_found(
    ledger: dict[str, CaseSubsidy], other_county_officer: User, login: Login
) -> None:
    client = login(other_county_officer)
    pk = ledger["daibu"].pk
    assert client.get(f"{URL}{pk}/pay/").status_code == 404
    assert (
        client.post(
            f"{URL}{pk}/pay/", {"paid_on": TODAY.isoformat(), "voucher": "V", "version": 1}
        ).status_code
        == 404
    )
    assert client.post(f"{URL}{pk}/cancel/", {"reason": "x", "version": 1}).status_code == 404
    assert list(client.get(URL).context["page"].object_list) == []
    assert CaseSubsidy.objects.get(pk=pk).status == CaseSubsidyStatus.GRANTED
