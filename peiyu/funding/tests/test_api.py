"""The funding API: public rounds with their terms and (from the notice on) the selection, a
round's grants in the 360Giving shape, and applications by scope: an organization sees only its
own, staff their region's, another county none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peiyu.accounts.models import User
from peiyu.accounts.services import create_api_token
from peiyu.funding.models import Application, Round
from peiyu.funding.services import selection
from peiyu.funding.tests.conftest import apply
from peiyu.funding.tests.test_exports import errors
from peiyu.orgs.models import Organization
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, make_user

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
Advance = Callable[..., Round]


@pytest.fixture
def applied(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    county_officer: User,
    experts: list[Any],
) -> Round:
    """Three applications: the first by the organization persona, the second by the second
    organization's own account, the third entered by staff."""
    apply(open_round, organizations[0], organization_account, amount=100_000)
    apply(open_round, organizations[1], other_org_account, amount=150_000)
    apply(open_round, organizations[2], county_officer, amount=120_000)
    return open_round


def test_the_public_sees_opened_rounds_a_page_at_a_time(
    open_round: Round, make_round: Callable[..., Round], county_officer: User, client: Client
) -> None:
    from peiyu.funding.services import rounds

    make_round(title="草稿")
    second = rounds.open_round(make_round(title="2026年度政府购买服务"), by=county_officer)
    page = client.get("/api/v1/rounds?page_size=1").json()
    assert (page["count"], len(page["items"])) == (2, 1)
    assert page["items"][0]["id"] == second.pk
    rest = client.get("/api/v1/rounds?page_size=1&page=2").json()
    found = rest["items"][0]
    assert (found["id"], found["status"], found["budget"], found["region_code"]) == (
        open_round.pk,
        "open",
        2_600_000,
        "320481000000",
    )
    assert client.get("/api/v1/rounds?page_size=101").status_code == 422


def test_a_round_has_its_terms_and_no_selection_before_the_notice(
    open_round: Round, make_round: Callable[..., Round], client: Client
) -> None:
    body = client.get(f"/api/v1/rounds/{open_round.pk}").json()
    assert [(s["name"], s["amount"]) for s in body["sources"]] == [
        ("社会组织发展专项资金", 2_000_000),
        ("福彩公益金", 600_000),
    ]
    assert (body["rubric"][0]["name"], body["rubric"][0]["weight"]) == ("需求分析", 20)
    assert body["rubric"][0]["anchors"]["5"] == "优秀"
    assert [t["percent"] for t in body["tranches"]] == [50, 30, 20]
    assert body["selection_rule"] == selection.rule_text(open_round)
    assert body["selected"] is None
    draft = make_round()
    assert client.get(f"/api/v1/rounds/{draft.pk}").status_code == 404
    assert client.get(f"/api/v1/rounds/{draft.pk}/grants").status_code == 404


def test_from_the_notice_on_the_selection_is_public(
    applied: Round, advance: Advance, organizations: list[Organization], client: Client
) -> None:
    round = advance(applied, "notice")
    selected = client.get(f"/api/v1/rounds/{round.pk}").json()["selected"]
    assert [(s["organization"], s["awarded"]) for s in selected] == [
        (organizations[0].name, 100_000),
        (organizations[1].name, 150_000),
        (organizations[2].name, 120_000),
    ]
    assert all(s["final_score"] is not None for s in selected)


def test_a_rounds_grants_come_in_the_360giving_shape(
    applied: Round, advance: Advance, client: Client
) -> None:
    assert client.get(f"/api/v1/rounds/{applied.pk}/grants").json()["grants"] == []
    round = advance(applied, "awarded")
    package = client.get(f"/api/v1/rounds/{round.pk}/grants").json()
    assert errors(package) == []
    assert sorted(g["amountAwarded"] for g in package["grants"]) == [100_000, 120_000, 150_000]


def test_an_organization_sees_only_its_own_applications(
    applied: Round,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    client: Client,
    login: Login,
) -> None:
    # Accounts bound to their own records have no region: a superuser issues their tokens.
    root = User.objects.create_superuser("root", password="x-Root-2026")
    _token, secret = create_api_token(owner=organization_account, name="小程序", by=root)
    own = client.get("/api/v1/funding/applications", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert own["count"] == 1
    [item] = own["items"]
    assert (item["organization_id"], item["status"], item["requested"]) == (
        organizations[0].pk,
        "eligible",
        100_000,
    )
    theirs = Application.objects.get(organization=organizations[1])
    other = login(other_org_account).get("/api/v1/funding/applications").json()
    assert [(i["id"], i["organization_id"]) for i in other["items"]] == [(theirs.pk, organizations[1].pk)]
    # The staff-entered third application is nobody's account's but the staff's.
    assert Application.objects.get(organization=organizations[2]).pk not in {i["id"] for i in own["items"]}


def test_staff_see_their_scope(
    applied: Round, county_officer: User, daibu_officer: User, village_worker: User, login: Login
) -> None:
    everything = login(county_officer).get("/api/v1/funding/applications?page_size=2").json()
    assert (everything["count"], len(everything["items"])) == (3, 2)
    mine = (
        login(county_officer).get(f"/api/v1/funding/applications?round={applied.pk}&status=eligible").json()
    )
    assert mine["count"] == 3
    # Rounds belong to the county: a town officer's scope holds none of them.
    assert login(daibu_officer).get("/api/v1/funding/applications").json()["count"] == 0
    other = make_user("jintan-county", "county_officer", CHANGZHOU_OTHER_COUNTY)
    assert login(other).get("/api/v1/funding/applications").json()["count"] == 0
    # A village worker has no funding view at all.
    assert login(village_worker).get("/api/v1/funding/applications").status_code == 404


def test_anonymous_callers_get_no_applications(applied: Round, client: Client) -> None:
    assert client.get("/api/v1/funding/applications").status_code == 401
    assert client.get("/api/v1/rounds", HTTP_AUTHORIZATION="Bearer py_made-up").status_code == 401


def test_the_endpoints_are_documented(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/rounds",
        "/api/v1/rounds/{pk}",
        "/api/v1/rounds/{pk}/grants",
        "/api/v1/funding/applications",
    } <= set(paths)
    assert {"200", "401", "404"} <= set(paths["/api/v1/funding/applications"]["get"]["responses"])


def test_the_lists_cost_the_same_queries_for_more_rows(
    make_round: Callable[..., Round],
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    client: Client,
    login: Login,
) -> None:
    from peiyu.funding.services import rounds

    first = rounds.open_round(make_round(title="第一轮"), by=county_officer)
    apply(first, organizations[0], organization_account)
    staff = login(county_officer)
    with CaptureQueriesContext(connection) as few_rounds:
        client.get("/api/v1/rounds")
    with CaptureQueriesContext(connection) as few_applications:
        staff.get("/api/v1/funding/applications")
    for i in range(3):
        round = rounds.open_round(make_round(title=f"第{i + 2}轮"), by=county_officer)
        apply(round, organizations[i], county_officer)
    with CaptureQueriesContext(connection) as more_rounds:
        assert client.get("/api/v1/rounds").json()["count"] == 4
    with CaptureQueriesContext(connection) as more_applications:
        assert staff.get("/api/v1/funding/applications").json()["count"] == 4
    assert len(more_rounds) == len(few_rounds)
    assert len(more_applications) == len(few_applications)
