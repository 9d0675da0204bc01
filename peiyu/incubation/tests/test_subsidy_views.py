"""Subsidies through the back-office pages: the list with its totals per year and incubator and
its export, granting under the yearly cap, paying, cancelling, and who may see and do what."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.incubation.models import IncubationEvent, Incubator, Residency, Subsidy, SubsidyStatus
from peiyu.incubation.services import subsidies as services
from peiyu.testing import TIANMUHU

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
Admit = Callable[..., Residency]
YEAR = timezone.localdate().year
LAST_YEAR = YEAR - 1
# A residency from last October that runs into this year, so both years take subsidies.
SPANNING = datetime.date(LAST_YEAR, 10, 1)


def grant(residency: Residency, amount: int, year: int, by: User) -> Subsidy:
    return services.grant_residency_subsidy(residency, amount=Decimal(amount), year=year, by=by)


@pytest.fixture
def resident(incubator: Incubator, admit: Admit) -> Residency:
    return admit(incubator, started_on=SPANNING)


@pytest.fixture
def station_resident(other_incubator: Incubator, admit: Admit) -> Residency:
    return admit(other_incubator, "天目湖镇文艺队", started_on=SPANNING, town=TIANMUHU)


@pytest.fixture
def ledger(resident: Residency, station_resident: Residency, county_officer: User) -> dict[str, Subsidy]:
    """Two incubators, two years, one subsidy paid and one cancelled."""
    paid = grant(resident, 10_000, LAST_YEAR, county_officer)
    services.pay_subsidy(paid, paid_on=datetime.date(LAST_YEAR, 12, 20), voucher="2025-88", by=county_officer)
    cancelled = grant(station_resident, 2_000, YEAR, county_officer)
    services.cancel_subsidy(cancelled, reason="重复申报", by=county_officer)
    return {
        "paid": paid,
        "centre": grant(resident, 5_000, YEAR, county_officer),
        "station": grant(station_resident, 8_000, YEAR, county_officer),
        "cancelled": cancelled,
    }


def totals_of(response: object) -> dict[tuple[int, str], dict[str, Decimal]]:
    rows = response.context["totals"]  # type: ignore[attr-defined]
    keys = ("startup", "residency", "paid", "to_pay", "total")
    return {(row["year"], row["incubator__name"]): {key: row[key] for key in keys} for row in rows}


# The list and its totals ---------------------------------------------------------------------


def test_the_totals_add_up_per_year_and_incubator_without_cancelled_subsidies(
    ledger: dict[str, Subsidy],
    incubator: Incubator,
    other_incubator: Incubator,
    county_officer: User,
    login: Login,
) -> None:
    response = login(county_officer).get("/incubation/subsidies/")
    assert response.status_code == 200
    totals = totals_of(response)
    assert totals == {
        (YEAR, other_incubator.name): {
            "startup": 0,
            "residency": 8_000,
            "paid": 0,
            "to_pay": 8_000,
            "total": 8_000,
        },
        (YEAR, incubator.name): {
            "startup": 0,
            "residency": 5_000,
            "paid": 0,
            "to_pay": 5_000,
            "total": 5_000,
        },
        (LAST_YEAR, incubator.name): {
            "startup": 0,
            "residency": 10_000,
            "paid": 10_000,
            "to_pay": 0,
            "total": 10_000,
        },
    }
    grand = response.context["grand"]
    assert (grand["total"], grand["paid"], grand["to_pay"]) == (23_000, 10_000, 13_000)
    page = response.content.decode()
    assert 'data-testid="grand-total"' in page and "23000.00" in page  # zh-hans groups no digits
    # The cancelled subsidy is listed, but not counted.
    assert ledger["cancelled"] in response.context["page"].object_list


def test_filters_narrow_the_list_and_the_totals_but_the_status_only_the_list(
    ledger: dict[str, Subsidy], incubator: Incubator, county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    response = client.get(f"/incubation/subsidies/?year={YEAR}&incubator={incubator.pk}")
    assert list(response.context["page"].object_list) == [ledger["centre"]]
    assert list(totals_of(response)) == [(YEAR, incubator.name)]

    response = client.get("/incubation/subsidies/?status=paid")
    assert list(response.context["page"].object_list) == [ledger["paid"]]
    assert response.context["grand"]["total"] == 23_000

    response = client.get("/incubation/subsidies/?q=天目湖")
    assert set(response.context["page"].object_list) == {ledger["station"], ledger["cancelled"]}
    assert response.context["grand"]["total"] == 8_000

    response = client.get("/incubation/subsidies/?kind=startup")
    assert 'data-testid="empty"' in response.content.decode()


def test_the_export_has_the_records_and_a_sheet_of_totals(
    ledger: dict[str, Subsidy], incubator: Incubator, county_officer: User, login: Login
) -> None:
    response = login(county_officer).get(f"/incubation/subsidies/export/?incubator={incubator.pk}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    records, totals = book.worksheets
    rows = list(records.iter_rows(min_row=2, values_only=True))
    assert sorted(row[6] for row in rows) == [5_000, 10_000]
    assert {row[1] for row in rows} == {incubator.name}
    sums = list(totals.iter_rows(min_row=2, values_only=True))
    assert [row[:2] for row in sums[:-1]] == [(YEAR, incubator.name), (LAST_YEAR, incubator.name)]
    assert sums[-1][2:] == (0, 15_000, 10_000, 5_000, 15_000)


def test_the_list_costs_the_same_queries_for_more_rows(
    resident: Residency, station_resident: Residency, county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    grant(resident, 1_000, YEAR, county_officer)
    with CaptureQueriesContext(connection) as few:
        client.get("/incubation/subsidies/")
    for amount in (1_000, 2_000, 3_000):
        grant(resident, amount, LAST_YEAR, county_officer)
        grant(station_resident, amount, YEAR, county_officer)
    with CaptureQueriesContext(connection) as more:
        response = client.get("/incubation/subsidies/")
    assert len(response.context["page"]) == 7
    assert len(more) == len(few)


# Granting under the cap ------------------------------------------------------------------------


def test_a_resident_is_granted_up_to_the_cap_exactly_and_a_new_year_starts_again(
    resident: Residency, county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    url = f"/incubation/residents/{resident.pk}/subsidies/new/"
    form = client.get(url)
    assert form.context["room"] == 30_000 and form.context["year"] == YEAR
    assert "30000.00" in form.content.decode()

    response = client.post(url, {"amount": "20000", "year": LAST_YEAR, "period": f"{LAST_YEAR}年10–12月"})
    subsidy = Subsidy.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incubation/subsidies/{subsidy.pk}/"
    assert (subsidy.amount, subsidy.year, subsidy.status) == (
        Decimal(20_000),
        LAST_YEAR,
        SubsidyStatus.GRANTED,
    )
    assert client.post(url, {"amount": "10000.00", "year": LAST_YEAR}).status_code == 302

    refused = client.post(url, {"amount": "1", "year": LAST_YEAR}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    errors = refused.context["form"].non_field_errors()
    assert errors and "exceeds the yearly cap" in errors[0] and "0.00" in errors[0]
    assert refused.context["room"] == 0
    assert Subsidy.objects.count() == 2

    assert client.post(url, {"amount": "30000", "year": YEAR}).status_code == 302
    assert client.get(url).context["room"] == 0


def test_a_year_outside_the_residency_is_refused_on_the_form(
    resident: Residency, county_officer: User, login: Login
) -> None:
    response = login(county_officer).post(
        f"/incubation/residents/{resident.pk}/subsidies/new/", {"amount": "100", "year": YEAR + 3}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Subsidy.objects.exists()


# Paying and cancelling -----------------------------------------------------------------------


def test_a_payment_dated_in_the_future_is_refused(
    resident: Residency, county_officer: User, login: Login
) -> None:
    subsidy = grant(resident, 5_000, YEAR, county_officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = login(county_officer).post(
        f"/incubation/subsidies/{subsidy.pk}/pay/",
        {"pay-paid_on": tomorrow.isoformat(), "pay-voucher": "V-1", "pay-version": subsidy.version},
    )
    assert response.status_code == 200 and response.context["pay"].non_field_errors()
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.GRANTED and subsidy.paid_on is None


def test_a_subsidy_is_paid_with_its_voucher_and_its_history_shows_it(
    resident: Residency, county_officer: User, login: Login
) -> None:
    subsidy = grant(resident, 5_000, YEAR, county_officer)
    client = login(county_officer)
    page = client.get(f"/incubation/subsidies/{subsidy.pk}/").content.decode()
    assert 'data-testid="pay"' in page and 'data-testid="cancel"' in page and "data-confirm" in page
    today = timezone.localdate()
    response = client.post(
        f"/incubation/subsidies/{subsidy.pk}/pay/",
        {"pay-paid_on": today.isoformat(), "pay-voucher": "记账凭证-0012", "pay-version": subsidy.version},
    )
    assert response.status_code == 302
    subsidy.refresh_from_db()
    assert (subsidy.status, subsidy.paid_on, subsidy.voucher, subsidy.paid_by) == (
        SubsidyStatus.PAID,
        today,
        "记账凭证-0012",
        county_officer,
    )
    detail = client.get(f"/incubation/subsidies/{subsidy.pk}/")
    page = detail.content.decode()
    assert "记账凭证-0012" in page and 'data-testid="pay"' not in page and 'data-testid="cancel"' not in page
    assert [label for _event, label in detail.context["events"]][-1] == str(SubsidyStatus.PAID.label)
    # Paid is final: cancelling now is refused with a message.
    refused = client.post(
        f"/incubation/subsidies/{subsidy.pk}/cancel/",
        {"cancel-reason": "误发", "cancel-version": subsidy.version},
        follow=True,
    )
    assert list(refused.context["messages"])
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.PAID


def test_a_cancelled_subsidy_frees_its_room_under_the_cap(
    resident: Residency, county_officer: User, login: Login
) -> None:
    subsidy = grant(resident, 30_000, YEAR, county_officer)
    client = login(county_officer)
    missing_reason = client.post(
        f"/incubation/subsidies/{subsidy.pk}/cancel/",
        {"cancel-reason": "", "cancel-version": subsidy.version},
    )
    assert missing_reason.status_code == 200 and missing_reason.context["cancel"].errors
    response = client.post(
        f"/incubation/subsidies/{subsidy.pk}/cancel/",
        {"cancel-reason": "组织未按协议入驻", "cancel-version": subsidy.version},
    )
    assert response.status_code == 302
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.CANCELLED and "组织未按协议入驻" in subsidy.note
    assert services.residency_subsidy_room(resident, YEAR) == 30_000
    assert IncubationEvent.objects.filter(
        subject="subsidy", subject_id=subsidy.pk, action="cancelled"
    ).exists()


def test_a_stale_payment_form_is_refused(resident: Residency, county_officer: User, login: Login) -> None:
    subsidy = grant(resident, 5_000, YEAR, county_officer)
    response = login(county_officer).post(
        f"/incubation/subsidies/{subsidy.pk}/pay/",
        {
            "pay-paid_on": timezone.localdate().isoformat(),
            "pay-voucher": "V-2",
            "pay-version": subsidy.version - 1,
        },
    )
    assert response.status_code == 200 and response.context["pay"].non_field_errors()
    subsidy.refresh_from_db()
    assert subsidy.status == SubsidyStatus.GRANTED


# Who may see and do what ---------------------------------------------------------------------


def test_the_operator_sees_its_own_incubators_subsidies_only_and_acts_on_none(
    ledger: dict[str, Subsidy], resident: Residency, incubator_operator: User, login: Login
) -> None:
    client = login(incubator_operator)
    response = client.get("/incubation/subsidies/")
    assert set(response.context["page"].object_list) == {ledger["paid"], ledger["centre"]}
    assert response.context["grand"]["total"] == 15_000
    own = client.get(f"/incubation/subsidies/{ledger['centre'].pk}/")
    assert own.status_code == 200 and 'data-testid="pay"' not in own.content.decode()
    assert client.get(f"/incubation/subsidies/{ledger['station'].pk}/").status_code == 404
    assert client.get(f"/incubation/residents/{resident.pk}/subsidies/new/").status_code == 403
    paid_on = timezone.localdate().isoformat()
    pay = {"pay-paid_on": paid_on, "pay-voucher": "V", "pay-version": 1}
    assert client.post(f"/incubation/subsidies/{ledger['centre'].pk}/pay/", pay).status_code == 403
    cancel = {"cancel-reason": "x", "cancel-version": 1}
    assert client.post(f"/incubation/subsidies/{ledger['centre'].pk}/cancel/", cancel).status_code == 403
    export = load_workbook(BytesIO(client.get("/incubation/subsidies/export/").content)).worksheets[0]
    assert export.max_row == 3  # the header and its two records


def test_officers_out_of_the_region_do_not_see_the_subsidy(
    ledger: dict[str, Subsidy], daibu_officer: User, tianmuhu_officer: User, login: Login
) -> None:
    # The county centre lies in 溧阳市, above both towns; the station lies in 天目湖镇.
    assert login(daibu_officer).get(f"/incubation/subsidies/{ledger['centre'].pk}/").status_code == 404
    tianmuhu = login(tianmuhu_officer)
    assert tianmuhu.get(f"/incubation/subsidies/{ledger['centre'].pk}/").status_code == 404
    assert tianmuhu.get(f"/incubation/subsidies/{ledger['station'].pk}/").status_code == 200
    # A town officer may see but not grant.
    assert tianmuhu.post(f"/incubation/subsidies/{ledger['station'].pk}/pay/", {}).status_code == 403


def test_anonymous_visitors_and_personas_without_the_permission_are_turned_away(
    ledger: dict[str, Subsidy],
    resident: Residency,
    village_worker: User,
    organization_account: User,
    login: Login,
) -> None:
    anonymous = Client()
    for url in (
        "/incubation/subsidies/",
        "/incubation/subsidies/export/",
        f"/incubation/subsidies/{ledger['centre'].pk}/",
        f"/incubation/residents/{resident.pk}/subsidies/new/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    assert anonymous.post(f"/incubation/subsidies/{ledger['centre'].pk}/pay/").status_code == 302
    for persona in (village_worker, organization_account):
        client = login(persona)
        assert client.get("/incubation/subsidies/").status_code == 403
        assert client.get(f"/incubation/subsidies/{ledger['centre'].pk}/").status_code == 403


def test_pay_and_cancel_take_posts_only(resident: Residency, county_officer: User, login: Login) -> None:
    subsidy = grant(resident, 5_000, YEAR, county_officer)
    client = login(county_officer)
    assert client.get(f"/incubation/subsidies/{subsidy.pk}/pay/").status_code == 405
    assert client.get(f"/incubation/subsidies/{subsidy.pk}/cancel/").status_code == 405
