"""Satisfaction: the portal's rating form behind an activity's or a mediation case's QR code
(end to end, refused for an unknown code and for a mediation still under way, never showing
the parties), and the satisfaction report per organization and per funded project with its
filters, export and who may read it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.activities.models import Activity, MediationCase, Mediator, Rating
from peiyu.activities.services import activities, mediation
from peiyu.activities.services.ratings import submit_rating
from peiyu.activities.tests.test_activities import held
from peiyu.activities.tests.test_mediation import PARTIES, agreed, registered
from peiyu.funding.models import Contract, Round
from peiyu.funding.services import contracts
from peiyu.funding.tests.conftest import (  # noqa: F401 - the funding app's fixtures
    advance,
    apply,
    experts,
    make_round,
    open_round,
    organizations,
)
from peiyu.orgs.models import Organization
from peiyu.people.models import Expert
from peiyu.portal.ratings import ANSWERS
from peiyu.testing import DAIBU, TIANMUHU, first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = timezone.localdate()


def _rate(token: str) -> str:
    return reverse("portal:rate", args=[token])


def _thanks(token: str) -> str:
    return reverse("portal:rate-thanks", args=[token])


# The portal's form -------------------------------------------------------------------------


@pytest.fixture
def activity(organization: Organization, organization_account: User) -> Activity:
    return held(organization, organization_account)


def test_a_participant_rates_an_activity_on_the_phone(
    activity: Activity, organization_account: User, client: Client, login: Login
) -> None:
    form = client.get(_rate(activity.feedback_token))
    assert form.status_code == 200 and 'data-testid="rate-form"' in form.text
    assert "民法典进村入户宣讲" in form.text and "戴埠镇志愿者协会" in form.text
    sent = client.post(_rate(activity.feedback_token), {"rating": "4", "comment": " 讲得很清楚 "})
    assert sent.status_code == 302 and sent["Location"] == _thanks(activity.feedback_token)
    rating = Rating.objects.get()
    assert (rating.activity, rating.case, rating.rating, rating.comment) == (activity, None, 4, "讲得很清楚")
    thanks = client.get(sent["Location"])
    assert 'data-testid="thanks"' in thanks.text and 'data-testid="again"' in thanks.text
    detail = login(organization_account).get(reverse("activities:activity-detail", args=[activity.pk]))
    assert (
        'data-testid="rating-count">1<' in detail.text and 'data-testid="rating-average">4.0<' in detail.text
    )
    assert "讲得很清楚" in detail.text


def test_a_party_rates_a_concluded_mediation_without_seeing_anyone_named(
    village_worker: User, mediator: Mediator, client: Client
) -> None:
    case = agreed(registered(village_worker), village_worker, mediator)
    form = client.get(_rate(case.feedback_token))
    assert form.status_code == 200 and "集镇社区人民调解委员会" in form.text
    assert case.get_dispute_type_display() in form.text
    for party in PARTIES:
        assert party.name not in form.text and party.phone not in form.text
    assert case.number not in form.text and "排水沟" not in form.text
    sent = client.post(_rate(case.feedback_token), {"rating": "5"})
    assert sent.status_code == 302
    rating = Rating.objects.get()
    assert (rating.case, rating.activity, rating.rating) == (case, None, 5)
    thanks = client.get(sent["Location"])
    assert thanks.status_code == 200 and PARTIES[0].name not in thanks.text


def test_a_mediation_still_under_way_cannot_be_rated(village_worker: User, client: Client) -> None:
    case = registered(village_worker)
    sent = client.post(_rate(case.feedback_token), {"rating": "3"})
    assert sent.status_code == 200 and 'data-testid="errors"' in sent.text
    assert sent.context["form"].non_field_errors()
    assert not Rating.objects.exists()


def test_an_unknown_code_is_not_found(activity: Activity, client: Client) -> None:
    assert client.get(_rate("0" * 32)).status_code == 404
    assert client.post(_rate("0" * 32), {"rating": "5"}).status_code == 404
    assert client.get(_thanks("nope")).status_code == 404
    assert not Rating.objects.exists()


def test_bad_answers_robots_and_repeats(activity: Activity, client: Client) -> None:
    url = _rate(activity.feedback_token)
    out_of_scale = client.post(url, {"rating": "7"})
    assert out_of_scale.status_code == 200 and "invalid-feedback" in out_of_scale.text
    blank = client.post(url, {})
    assert blank.status_code == 200 and "rating" in blank.context["form"].errors
    robot = client.post(url, {"rating": "1", "website": "http://spam.example"})
    assert robot.status_code == 302 and robot["Location"] == _thanks(activity.feedback_token)
    assert not Rating.objects.exists()
    for _answer in range(ANSWERS.cap):
        assert client.post(url, {"rating": "5"}).status_code == 302
    assert Rating.objects.count() == ANSWERS.cap
    # The session has sent its share: the form gives way to the thank-you page.
    capped = client.get(url)
    assert capped.status_code == 302 and capped["Location"] == _thanks(activity.feedback_token)
    assert client.post(url, {"rating": "1"}).status_code == 302
    assert Rating.objects.count() == ANSWERS.cap
    assert 'data-testid="again"' not in client.get(_thanks(activity.feedback_token)).text
    # Another phone may still answer.
    assert Client().get(url).status_code == 200


# The satisfaction report -------------------------------------------------------------------


@pytest.fixture
def contract(
    open_round: Round,  # noqa: F811
    organizations: list[Organization],  # noqa: F811
    organization_account: User,
    experts: list[Expert],  # noqa: F811
    advance: Callable[..., Round],  # noqa: F811
    county_officer: User,
) -> Contract:
    """The signed contract of the organization persona's project."""
    application = apply(open_round, organizations[0], organization_account, title="阳光法治宣传进万家")
    advance(open_round, "awarded")
    return contracts.sign_contract(
        Contract.objects.get(application=application), signed_on=TODAY, by=county_officer
    )


def _rated(activity: Activity, *ratings: int) -> None:
    for value in ratings:
        submit_rating(activity=activity, rating=value)


@pytest.fixture
def answers(
    contract: Contract,
    organizations: list[Organization],  # noqa: F811
    organization_account: User,
    village_worker: User,
    tianmuhu_officer: User,
    mediator: Mediator,
    login: Login,
) -> dict[str, Any]:
    """Answers about three organizations:

    - the persona's (戴埠镇): an activity of its funded project rated 4 and 5, another activity
      rated 3, a mediation rated 2, and the project's own answers 5/4 and 3/2;
    - 溧阳市青少年法治教育中心 (戴埠镇): an activity rated 1 this year and 5 last year;
    - 溧阳市邻里调解服务社 (天目湖镇): an activity rated 5.
    """
    own, tianmuhu, youth = organizations
    # The persona records its project's activity through the page, choosing the project.
    sent = login(organization_account).post(
        reverse("activities:activity-create"),
        {
            "region": first_village(DAIBU).code,
            "organization": own.pk,
            "kind": "legal_education",
            "title": "项目宣讲第一场",
            "held_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
            "place": "集镇广场",
            "beneficiaries": "60",
            "contract": contract.pk,
        },
    )
    assert sent.status_code == 302
    of_project = Activity.objects.get(title="项目宣讲第一场")
    assert of_project.contract == contract
    _rated(of_project, 4, 5)
    _rated(held(own, organization_account), 3)
    case = mediation.register_case(
        region=first_village(DAIBU),
        committee="阳光法律服务中心调解委员会",
        dispute_type="neighbour",
        source="application",
        summary="邻里纠纷。",
        registered_on=TODAY - datetime.timedelta(days=20),
        parties=PARTIES,
        organization=own,
        by=village_worker,
    )
    submit_rating(case=agreed(case, village_worker, mediator), rating=2)
    contracts.record_satisfaction(contract, rating=5, helpful=4)
    contracts.record_satisfaction(contract, rating=3, helpful=2)
    youth_activity = held(youth, village_worker)
    _rated(youth_activity, 1, 5)
    last_year = timezone.now() - datetime.timedelta(days=400)
    Rating.objects.filter(activity=youth_activity, rating=5).update(submitted_at=last_year)
    tianmuhu_activity = activities.record_activity(
        region=first_village(TIANMUHU),
        kind="service",
        title="邻里互助服务",
        held_on=TODAY,
        place="社区活动室",
        organization=tianmuhu,
        by=tianmuhu_officer,
    )
    _rated(tianmuhu_activity, 5)
    return {"own": own, "tianmuhu": tianmuhu, "youth": youth, "contract": contract}


def _rows(page: Any) -> dict[str, Any]:
    return {row.name: row for row in page.context["page"]}


def test_the_report_per_organization(answers: dict[str, Any], county_officer: User, login: Login) -> None:
    page = login(county_officer).get(reverse("activities:satisfaction"))
    assert page.status_code == 200
    rows = _rows(page)
    assert set(rows) == {o.name for o in (answers["own"], answers["tianmuhu"], answers["youth"])}
    own = rows[answers["own"].name]
    assert (own.activity_ratings, own.activity_average) == (3, pytest.approx(4.0))
    assert (own.case_ratings, own.case_average) == (1, pytest.approx(2.0))
    assert (own.answers, own.answer_average, own.helpful_average) == (
        2,
        pytest.approx(4.0),
        pytest.approx(3.0),
    )
    youth = rows[answers["youth"].name]
    assert (youth.activity_ratings, youth.activity_average, youth.answers) == (2, pytest.approx(3.0), 0)
    assert youth.answer_average is None and youth.case_ratings == 0
    totals = page.context["totals"]
    assert (totals["activity_ratings"], totals["case_ratings"], totals["answers"]) == (6, 1, 2)
    assert totals["activity_average"] == pytest.approx((4 + 5 + 3 + 1 + 5 + 5) / 6)
    assert 'data-total="activity_ratings">6<' in page.text
    this_year = login(county_officer).get(reverse("activities:satisfaction"), {"year": TODAY.year})
    youth_now = _rows(this_year)[answers["youth"].name]
    assert (youth_now.activity_ratings, youth_now.activity_average) == (1, pytest.approx(1.0))
    town = login(county_officer).get(reverse("activities:satisfaction"), {"town": TIANMUHU.ljust(12, "0")})
    assert set(_rows(town)) == {answers["tianmuhu"].name}


def test_the_report_per_funded_project(answers: dict[str, Any], county_officer: User, login: Login) -> None:
    page = login(county_officer).get(reverse("activities:satisfaction"), {"view": "projects"})
    assert page.status_code == 200 and 'data-testid="projects"' in page.text
    (row,) = list(page.context["page"])
    assert row == answers["contract"]
    assert (row.answers, row.answer_average, row.helpful_average) == (
        2,
        pytest.approx(4.0),
        pytest.approx(3.0),
    )
    assert (row.activity_ratings, row.activity_average) == (2, pytest.approx(4.5))


def test_the_report_exports_both_views(answers: dict[str, Any], county_officer: User, login: Login) -> None:
    response = login(county_officer).get(reverse("activities:satisfaction"), {"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    by_org, by_project = book.worksheets
    rows = {r[0]: r for r in by_org.iter_rows(min_row=2, values_only=True)}
    assert rows[answers["own"].name][2:9] == (3, 4.0, 1, 2.0, 2, 4.0, 3.0)
    assert rows[answers["youth"].name][2:9] == (2, 3.0, 0, None, 0, None, None)  # empty cells
    (project,) = list(by_project.iter_rows(min_row=2, values_only=True))
    assert project[0] == answers["contract"].number and project[4:9] == (2, 4.0, 3.0, 2, 4.5)


def test_a_town_reads_only_its_organizations(
    answers: dict[str, Any], daibu_officer: User, login: Login
) -> None:
    page = login(daibu_officer).get(reverse("activities:satisfaction"))
    assert set(_rows(page)) == {answers["own"].name, answers["youth"].name}
    assert page.context["totals"]["activity_ratings"] == 5
    # A town outside its region filters nothing away but itself shows nothing more.
    other = login(daibu_officer).get(reverse("activities:satisfaction"), {"town": TIANMUHU.ljust(12, "0")})
    assert other.status_code == 200 and answers["tianmuhu"].name not in _rows(other)


def test_the_report_costs_the_same_queries_for_more_organizations(
    answers: dict[str, Any], county_officer: User, village_worker: User, login: Login
) -> None:
    from peiyu.people.tests.conftest import make_organization

    client = login(county_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("activities:satisfaction")).status_code == 200
        return len(queries)

    few = count()
    for i in range(4):
        _rated(held(make_organization(f"戴埠镇服务队{i}", DAIBU), village_worker), 4)
    assert count() == few


def test_an_empty_report_says_where_answers_come_from(county_officer: User, login: Login) -> None:
    page = login(county_officer).get(reverse("activities:satisfaction"), {"year": "bad", "town": "x"})
    assert page.status_code == 200 and 'data-testid="empty"' in page.text


def test_only_staff_read_the_report(
    organization: Organization, organization_account: User, volunteer: User, client: Client, login: Login
) -> None:
    url = reverse("activities:satisfaction")
    assert client.get(url).status_code == 302 and "/accounts/login/" in client.get(url)["Location"]
    assert login(volunteer).get(url).status_code == 403
    assert login(organization_account).get(url).status_code == 403


def test_a_case_rated_only_once_concluded_appears_with_its_organization(
    village_worker: User, organization: Organization, mediator: Mediator, county_officer: User, login: Login
) -> None:
    case: MediationCase = mediation.register_case(
        region=first_village(DAIBU),
        committee="协会调解委员会",
        dispute_type="labour",
        source="application",
        summary="工资纠纷。",
        registered_on=TODAY - datetime.timedelta(days=5),
        parties=PARTIES,
        organization=organization,
        by=village_worker,
    )
    Client().post(_rate(case.feedback_token), {"rating": "1"})
    agreed(case, village_worker, mediator, days_ago=1)
    Client().post(_rate(case.feedback_token), {"rating": "4"})
    (row,) = list(login(county_officer).get(reverse("activities:satisfaction")).context["page"])
    assert (row.name, row.case_ratings, row.case_average) == (organization.name, 1, pytest.approx(4.0))
