"""Exports of awarded grants: the 360Giving package validates against the vendored official
schema and carries the right amounts, from the back-office and from the command; the .xlsx has
the grants and a summary per round; who may download them."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker
from openpyxl import load_workbook
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from peiyu.accounts.models import User
from peiyu.funding import exports
from peiyu.funding.models import Application, Contract, Round, Stage, TrancheStatus
from peiyu.funding.services import contracts
from peiyu.funding.tests.conftest import TODAY, apply
from peiyu.orgs.models import Organization
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, make_user

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
SCHEMA = Path(__file__).resolve().parents[1] / "schema"
REQUESTS = (100_000, 150_000, 120_000)


# RFC 3339, as JSON Schema's "date-time" means it. The schema's dates are "oneOf" a date-time
# and a YYYY-MM-DD pattern, so the format has to be checked (as the standard's own data quality
# tool does) or a plain date would match both and fail.
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not DATE_TIME.fullmatch(value):
        return False
    datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


def validator() -> Draft202012Validator:
    """The package schema with its ``$ref`` to the grant schema resolved from the vendored
    files: the package refers to the grant schema by its 1.4.2 address, the grant schema calls
    itself 1.4.3; both are registered, so nothing is fetched."""
    package = json.loads((SCHEMA / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMA / "360-giving-schema.json").read_text())
    # The files name their dialect with http://, which referencing does not detect (it knows the
    # https:// identifier): say which it is.
    resource = DRAFT202012.create_resource(grant)
    wanted = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(wanted, resource), (grant["$id"], resource)])
    Draft202012Validator.check_schema(package)
    return Draft202012Validator(package, registry=registry, format_checker=FORMATS)


def errors(package: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(package)]


@pytest.fixture
def awarded(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    experts: list[Any],
    advance: Callable[..., Round],
) -> Round:
    """The fixture round awarded to three projects; the first contract is signed, its first
    tranche paid and its mid-term evaluation passed."""
    apply(open_round, organizations[0], organization_account, amount=REQUESTS[0])
    for organization, amount in zip(organizations[1:], REQUESTS[1:], strict=True):
        apply(open_round, organization, county_officer, amount=amount)
    round = advance(open_round, "awarded")
    contract = Contract.objects.get(application__organization=organizations[0])
    contract = contracts.sign_contract(
        contract, signed_on=TODAY - datetime.timedelta(days=3), by=county_officer
    )
    first = contract.tranches.get(position=1)
    contracts.pay_tranche(first, paid_on=TODAY, voucher="凭-001", by=county_officer)
    contracts.record_evaluation(
        contract,
        stage=Stage.MID_TERM,
        purchaser_score=Decimal(80),
        third_party_score=Decimal(70),
        third_party="溧阳市社会组织评估中心",
        summary="按计划推进。",
        evaluated_on=TODAY,
        by=county_officer,
        beneficiary_score_override=Decimal(90),
    )
    return round


def by_recipient(package: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["recipientOrganization"][0]["name"]: g for g in package["grants"]}


def test_the_package_validates_and_carries_the_amounts(
    awarded: Round, organizations: list[Organization]
) -> None:
    package = exports.grants_360giving(Application.objects.filter(round=awarded), title=awarded.title)
    assert errors(package) == []
    assert package["version"] == "1.4" and package["title"] == awarded.title
    assert package["publisher"] == {"identifier": "360G-peiyu-320481-civil_affairs", "name": "溧阳市民政局"}
    grants = by_recipient(package)
    assert set(grants) == {o.name for o in organizations}

    paid = grants[organizations[0].name]
    contract = Contract.objects.get(application__organization=organizations[0])
    # 溧阳市购〔2026〕1号: the year and the running number, under the county's prefix.
    year, number = re.fullmatch(r".*〔(\d{4})〕(\d+)号", contract.number).groups()  # type: ignore[union-attr]
    assert paid["id"] == f"360G-peiyu-320481-{year}_{number}"
    assert (paid["currency"], paid["amountAwarded"], paid["amountDisbursed"]) == ("CNY", 100_000, 50_000)
    assert paid["awardDate"] == (TODAY - datetime.timedelta(days=3)).isoformat()
    assert paid["recipientOrganization"][0]["id"] == f"CN-USCC-{organizations[0].uscc}"
    assert paid["fundingOrganization"] == [{"id": "360G-peiyu-320481-civil_affairs", "name": "溧阳市民政局"}]
    assert paid["grantProgramme"] == [
        {"code": f"360G-peiyu-320481-round-{awarded.pk}", "title": awarded.title}
    ]
    assert paid["classifications"][0]["code"] == "legal_education"
    assert (
        paid["beneficiaryLocation"][0]["geoCode"]
        == Application.objects.get(organization=organizations[0]).area_id
    )
    [transaction] = paid["disbursementTransaction"]
    assert (transaction["value"], transaction["currency"], transaction["transactionDate"]) == (
        50_000,
        "CNY",
        TODAY.isoformat(),
    )
    assert transaction["recipient"] == paid["recipientOrganization"][0]["id"]
    assert paid["plannedDates"] == [
        {"startDate": contract.starts_on.isoformat(), "endDate": contract.ends_on.isoformat()}
    ]

    # Unsigned contracts: awarded on the last day of the notice, nothing paid, no transactions.
    unpaid = grants[organizations[1].name]
    assert (unpaid["amountAwarded"], unpaid["amountDisbursed"]) == (150_000, 0)
    assert unpaid["awardDate"] == awarded.notice_ends_on.isoformat()
    assert "disbursementTransaction" not in unpaid
    assert len({g["id"] for g in package["grants"]}) == 3


def test_the_schema_check_catches_a_broken_grant(awarded: Round) -> None:
    package = exports.grants_360giving(Application.objects.filter(round=awarded))
    del package["grants"][0]["currency"]
    package["grants"][1]["amountAwarded"] = "150000"
    package["grants"][2]["dateModified"] = TODAY.isoformat()  # a date, not a date-time
    assert len(errors(package)) == 3


def test_only_awarded_applications_are_exported(
    open_round: Round, organizations: list[Organization], organization_account: User
) -> None:
    apply(open_round, organizations[0], organization_account)
    package = exports.grants_360giving(Application.objects.filter(round=open_round))
    assert package["grants"] == []


def test_a_filed_organization_gets_an_internal_identifier(
    awarded: Round, organizations: list[Organization]
) -> None:
    Organization.objects.filter(pk=organizations[2].pk).update(
        uscc="", source="filed", filing_number="320481103-2025-0001"
    )
    package = exports.grants_360giving(Application.objects.filter(round=awarded))
    grant = by_recipient(package)[organizations[2].name]
    assert grant["recipientOrganization"][0]["id"] == f"360G-peiyu-320481-org-{organizations[2].pk}"
    assert errors(package) == []


# The downloads -----------------------------------------------------------------------------------


def test_the_back_office_download_is_json_that_validates(
    awarded: Round, county_officer: User, login: Login
) -> None:
    response = login(county_officer).get(f"/funding/rounds/{awarded.pk}/360giving.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="360giving-320481-{awarded.pk}.json"'
    package = json.loads(response.content)
    assert errors(package) == [] and len(package["grants"]) == 3
    everything = json.loads(login(county_officer).get("/funding/360giving.json").content)
    assert {g["id"] for g in everything["grants"]} == {g["id"] for g in package["grants"]}


def test_a_round_with_nothing_awarded_has_nothing_to_download(
    open_round: Round, county_officer: User, login: Login
) -> None:
    response = login(county_officer).get(f"/funding/rounds/{open_round.pk}/360giving.json")
    assert response.status_code == 302 and response["Location"] == f"/funding/rounds/{open_round.pk}/"


def test_who_may_download(
    awarded: Round,
    client: Client,
    village_worker: User,
    organization_account: User,
    daibu_officer: User,
    login: Login,
) -> None:
    other_county = make_user("jintan-county", "county_officer", CHANGZHOU_OTHER_COUNTY)
    for url in (f"/funding/rounds/{awarded.pk}/360giving.json", f"/funding/rounds/{awarded.pk}/grants.xlsx"):
        assert client.get(url)["Location"].startswith("/accounts/login/")
        assert login(village_worker).get(url).status_code == 403
        assert login(other_county).get(url).status_code == 404
        # Organizations may see their contracts, not a round's grants.
        assert login(organization_account).get(url).status_code == 404
        # A town officer sees the county's rounds (and their grants are public anyway).
        assert login(daibu_officer).get(url).status_code == 200
    assert login(other_county).get("/funding/grants.xlsx").status_code == 200
    assert login(other_county).get("/funding/360giving.json").status_code == 302


# The command -------------------------------------------------------------------------------------


def test_the_command_writes_a_file_or_stdout(awarded: Round, tmp_path: Path) -> None:
    out = tmp_path / "grants.json"
    call_command("export_360giving", "--round", str(awarded.pk), "--out", str(out), stderr=StringIO())
    package = json.loads(out.read_text(encoding="utf-8"))
    assert errors(package) == [] and len(package["grants"]) == 3
    assert package["title"] == awarded.title

    printed = StringIO()
    call_command("export_360giving", stdout=printed)
    assert sorted(g["amountAwarded"] for g in json.loads(printed.getvalue())["grants"]) == sorted(REQUESTS)

    with pytest.raises(CommandError):
        call_command("export_360giving", "--round", "999999")


def test_the_command_refuses_an_empty_package(open_round: Round, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("export_360giving", "--round", str(open_round.pk), "--out", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()


# .xlsx ------------------------------------------------------------------------------------------


def test_the_spreadsheet_has_a_row_per_grant_and_a_summary_per_round(
    awarded: Round, organizations: list[Organization], county_officer: User, login: Login
) -> None:
    response = login(county_officer).get(f"/funding/rounds/{awarded.pk}/grants.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    grants, summary = book.worksheets
    header = [c.value for c in grants[1]]
    rows = {
        row[2]: dict(zip(header, row, strict=True)) for row in grants.iter_rows(min_row=2, values_only=True)
    }
    assert set(rows) == {o.name for o in organizations}
    first = list(rows[organizations[0].name].values())
    contract = Contract.objects.get(application__organization=organizations[0])
    assert first[3] == organizations[0].uscc
    assert first[7:10] == [100_000, 50_000, 50_000]  # awarded, paid, to pay
    assert first[10] == contract.number
    mid_term = contract.evaluations.get(stage=Stage.MID_TERM).total
    assert Decimal(str(first[12])) == mid_term and first[13] is None
    second = list(rows[organizations[1].name].values())
    assert second[7:10] == [150_000, 0, 150_000]

    [line] = list(summary.iter_rows(min_row=2, values_only=True))
    assert line[1] == awarded.title
    assert line[3:] == (2_600_000, 3, 370_000, 50_000, 320_000, 2_230_000)
    assert contract.tranches.get(position=1).status == TrancheStatus.PAID


def test_the_spreadsheet_of_every_round_in_scope(awarded: Round, county_officer: User, login: Login) -> None:
    response = login(county_officer).get("/funding/grants.xlsx")
    grants, summary = load_workbook(BytesIO(response.content)).worksheets
    assert grants.max_row == 4
    assert [row[1] for row in summary.iter_rows(min_row=2, values_only=True)] == [awarded.title]
