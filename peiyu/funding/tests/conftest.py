"""Fixtures of the funding app: three registered organizations of 溧阳市 (the first one's
account is the organization persona), a pool of eight experts with accounts (the expert persona
among them), and a round ready to open, plus ``advance`` to drive a round through the real
services to a later stage."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.funding.models import Application, Round, RoundStatus
from peiyu.funding.services import applications, review, rounds, selection
from peiyu.lib import uscc
from peiyu.orgs.models import Field, Organization
from peiyu.people.models import Expert
from peiyu.testing import DAIBU, LIYANG, TIANMUHU, first_village, make_user, region

TODAY = timezone.localdate()
_numbers: Iterator[int] = iter(range(1, 999_999))

ANCHORS = {"1": "很差", "2": "较差", "3": "一般", "4": "较好", "5": "优秀"}
RUBRIC = [
    ("需求分析", 20, ANCHORS),
    ("项目设计", 30, ANCHORS),
    ("执行能力", 20, ANCHORS),
    ("预算合理性", 15, ANCHORS),
    ("预期成效", 15, ANCHORS),
]


def registered(
    name: str, *, town: str = DAIBU, account: User | None = None, legal_form: str = "service_institution"
) -> Organization:
    organization = Organization.objects.create(
        name=name,
        source="registered",
        legal_form=legal_form,
        uscc=uscc.make(department_type="52", division=LIYANG, body8=f"MJ{next(_numbers):06d}"),
        region=first_village(town),
        authority_id=LIYANG.ljust(12, "0"),
        registered_on=datetime.date(2020, 3, 1),
        leader_name="李四",
    )
    if account is not None:
        organization.accounts.add(account)
    return organization


def field(code: str = "legal_education") -> Field:
    return Field.objects.get(code=code)


@pytest.fixture
def organizations(organization_account: User) -> list[Organization]:
    """Three organizations; the first is the organization persona's."""
    return [
        registered("溧阳市阳光法律服务中心", account=organization_account),
        registered("溧阳市邻里调解服务社", town=TIANMUHU),
        registered("溧阳市青少年法治教育中心"),
    ]


@pytest.fixture
def other_org_account(organizations: list[Organization]) -> User:
    """The account of the second organization."""
    account = make_user("org-b", "organization", None)
    organizations[1].accounts.add(account)
    return account


@pytest.fixture
def experts(expert: User, regions: None) -> list[Expert]:
    """Eight available experts of 溧阳市 with accounts, all of the legal-education field; the
    first is the expert persona."""
    pool = []
    for i in range(8):
        account = expert if i == 0 else make_user(f"expert-{i}", "expert", None)
        person = Expert.objects.create(name=f"专家{i}", region=region(LIYANG), account=account, title="律师")
        person.fields.add(field())
        pool.append(person)
    return pool


@pytest.fixture
def make_round(county_officer: User) -> Callable[..., Round]:
    def make(**terms: Any) -> Round:
        values: dict[str, Any] = {
            "title": "2026年度溧阳市公益创投",
            "call_text": "面向全市社会组织征集公益创投项目。",
            "opens_on": TODAY - datetime.timedelta(days=10),
            "closes_on": TODAY,
            "min_grade": 0,
        } | terms
        round = rounds.create_round(region=region(LIYANG), by=county_officer, **values)
        rounds.set_sources(
            round,
            sources=[
                ("special", "社会组织发展专项资金", Decimal(2_000_000)),
                ("lottery", "福彩公益金", Decimal(600_000)),
            ],
            by=county_officer,
        )
        rounds.set_rubric(round, lines=RUBRIC, by=county_officer)
        return round

    return make


@pytest.fixture
def open_round(make_round: Callable[..., Round], county_officer: User) -> Round:
    round = make_round()
    return rounds.open_round(round, by=county_officer)


def apply(
    round: Round,
    organization: Organization,
    by: User,
    *,
    amount: int = 100_000,
    title: str | None = None,
    submit: bool = True,
) -> Application:
    """A complete application with one budget line and one output, submitted."""
    application = applications.create_application(
        round,
        organization=organization,
        title=title or f"{organization.name}法治宣传项目",
        by=by,
        field=field(),
        summary="进村入户开展法治宣传。",
        beneficiaries=500,
    )
    application = applications.update_application(
        application,
        by=by,
        budget_lines=[{"category": "activities", "item": "宣传活动", "amount": Decimal(amount)}],
        outputs=[{"description": "开展法治讲座", "indicator": "场次", "target": Decimal(12), "unit": "场"}],
    )
    if submit:
        application = applications.submit_application(application, by=by)
    return application


def score_all(round: Round, points: dict[int, int] | None = None) -> None:
    """Every expert of every panel declares no conflict and scores: ``points`` maps an
    application id to the score given on every line (default 4)."""
    from peiyu.funding.models import Assignment, AssignmentStatus

    for assignment in Assignment.objects.filter(
        application__round=round, status=AssignmentStatus.DRAWN
    ).select_related("expert__account", "application"):
        account = assignment.expert.account
        review.declare(assignment, conflict=False, by=account)
        value = (points or {}).get(assignment.application_id, 4)
        review.submit_review(assignment, scores={c.pk: value for c in round.criteria.all()}, by=account)


def defend_all(round: Round, by: User, score: int = 80) -> None:
    for application in round.applications.filter(status="scored"):
        panel = application.assignments.active()
        review.record_defense(application, scores={a.expert_id: Decimal(score) for a in panel}, by=by)


@pytest.fixture
def advance(county_officer: User) -> Callable[..., Round]:
    """Drive ``round`` from open to ``stage`` (review, scored, selected, notice, awarded)."""

    def run(round: Round, stage: str, *, points: dict[int, int] | None = None) -> Round:
        round.refresh_from_db()
        if round.status == RoundStatus.OPEN:
            round = rounds.start_review(round, by=county_officer)
        if stage == "review":
            return round
        review.draw_panels(round, by=county_officer, seed="fixture")
        score_all(round, points)
        if round.defense_weight:
            defend_all(round, county_officer)
        if stage == "scored":
            return round
        selection.select_projects(round, by=county_officer)
        if stage == "selected":
            return round
        round = selection.start_notice(round, by=county_officer, starts_on=TODAY - datetime.timedelta(days=7))
        if stage == "notice":
            return round
        return rounds.conclude_notice(round, by=county_officer)

    return run
