"""The funding demo: needs, the catalog and the library, the finished venture-philanthropy round
with 19 projects under contract and paid in tranches, this year's round under review, and the
mediation subsidies, on the other demos.

Building the demos takes a while, so one test builds them (with few volunteers) and checks the
whole story."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import F, Model, Q, Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import User
from peiyu.core.models import AuditEntry
from peiyu.funding import demo
from peiyu.funding.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    CaseSubsidy,
    CaseSubsidyStatus,
    CatalogItem,
    CatalogStatus,
    Contract,
    ContractStatus,
    Draw,
    DrawPurpose,
    Evaluation,
    FundingEvent,
    Need,
    NeedSource,
    NeedStatus,
    Origin,
    ProgressReport,
    Project,
    ProjectStatus,
    Round,
    RoundStatus,
    SatisfactionResponse,
    Stage,
    Tranche,
    TrancheStatus,
)
from peiyu.funding.services.review import verify_draw
from peiyu.incubation import demo as incubation_demo
from peiyu.orgs import demo as orgs_demo
from peiyu.people import demo as people_demo
from peiyu.people.models import Expert
from peiyu.regions import demo as regions_demo
from peiyu.supervision import demo as supervision_demo
from peiyu.testing import LIYANG

COUNTY = LIYANG.ljust(12, "0")
BUDGET = Decimal(2_600_000)


def _snapshot() -> dict[str, int]:
    models: list[type[Model]] = [
        Need,
        CatalogItem,
        Project,
        Round,
        Application,
        Draw,
        Assignment,
        Contract,
        Tranche,
        Evaluation,
        ProgressReport,
        SatisfactionResponse,
        CaseSubsidy,
        FundingEvent,
        User,
        AuditEntry,
    ]
    return {model.__name__: model._default_manager.count() for model in models}


def _conflicted(round: Round, today: datetime.date) -> list[Assignment]:
    """Drawn experts with a current affiliation to the applicant, in one query."""
    return list(
        Assignment.objects.filter(application__round=round)
        .filter(expert__affiliations__organization=F("application__organization"))
        .filter(Q(expert__affiliations__until__isnull=True) | Q(expert__affiliations__until__gte=today))
    )


@pytest.mark.django_db
def test_funding_demo_of_liyang(regions: None) -> None:
    regions_demo.build()
    accounts_demo.build()
    orgs_demo.build()
    people_demo.build(volunteers=50)
    supervision_demo.build()
    incubation_demo.build()
    counts = demo.build()
    today = timezone.localdate()
    county = User.objects.get(username="county")
    expert = User.objects.get(username="expert")
    org_account = User.objects.get(username="org")
    year = demo.finished_year(today)

    # Needs from several towns, on the portal and from village workers; duplicates merged, some
    # answered, one declined, the newest waiting.
    needs = Need.objects.filter(region__code__startswith=LIYANG)
    assert needs.count() == counts["needs"] >= 20
    assert {n.region_id[:9] for n in needs} >= {"320481103", "320481106", "320481002", "320481109"}
    assert {NeedSource.PORTAL, NeedSource.VILLAGE} <= set(needs.values_list("source", flat=True))
    merged = needs.filter(status=NeedStatus.MERGED)
    assert merged.count() == 2 and all(n.merged_into is not None for n in merged)
    assert all(n.merged_into.supporters >= 2 for n in merged)  # type: ignore[union-attr]
    answered = needs.filter(status=NeedStatus.ANSWERED)
    assert answered.count() >= 5 and all(n.answer and n.answered_on for n in answered)
    assert needs.filter(status=NeedStatus.DECLINED).exclude(answer="").count() == 1
    assert needs.filter(status=NeedStatus.NEW).count() >= 3
    assert needs.filter(submitted_by=User.objects.get(username="village")).exists()

    # The catalog of each year from those needs, and the library from both sides.
    items = CatalogItem.objects.filter(region_id=COUNTY)
    first = items.filter(year=year)
    assert set(first.values_list("title", flat=True)) == {
        "矛盾纠纷调解服务",
        "社区矫正对象帮扶",
        "青少年法治教育",
        "老年人法律服务",
        "法治文化作品创作",
    }
    assert all(item.status == CatalogStatus.PUBLISHED and item.needs.exists() for item in first)
    assert items.filter(status=CatalogStatus.DRAFT).count() == 1
    projects = Project.objects.filter(region_id=COUNTY)
    assert {p.origin for p in projects} == {Origin.TOP_DOWN, Origin.BOTTOM_UP}
    declined = projects.get(status=ProjectStatus.DECLINED)
    assert declined.origin == Origin.BOTTOM_UP and declined.decision_note
    assert projects.filter(status=ProjectStatus.FUNDED).count() == 3

    # The finished round: 2,000,000 special fund and 600,000 lottery fund, 19 projects selected.
    finished = Round.objects.get(region_id=COUNTY, year=year)
    assert finished.status == RoundStatus.AWARDED and finished.budget == BUDGET
    assert {(s.kind, s.amount) for s in finished.sources.all()} == {
        ("special", Decimal(2_000_000)),
        ("lottery", Decimal(600_000)),
    }
    applications = finished.applications.all()
    awarded = applications.filter(status=ApplicationStatus.AWARDED)
    assert awarded.count() == demo.SELECTED == 19
    assert awarded.aggregate(total=Sum("awarded"))["total"] == BUDGET
    assert set(awarded.values_list("rank", flat=True)) == set(range(1, 20))
    not_selected = applications.filter(status=ApplicationStatus.NOT_SELECTED)
    assert not_selected.count() >= 2 and all(a.selection_note and a.rank > 19 for a in not_selected)
    ineligible = applications.filter(status=ApplicationStatus.INELIGIBLE)
    assert ineligible.count() == 3 and all(a.eligibility_reasons for a in ineligible)
    assert applications.filter(status=ApplicationStatus.WITHDRAWN).count() == 1
    assert applications.count() > 19 + 3
    objection = finished.objections.get()
    assert objection.answer and objection.upheld is False and objection.answered_by == county
    assert finished.notice_starts_on <= objection.received_on <= finished.notice_ends_on  # type: ignore[operator]
    draws = list(finished.draws.all())
    assert [d.purpose for d in draws] == [DrawPurpose.PANELS, DrawPurpose.REPLACEMENT]
    assert all(verify_draw(d) for d in draws)
    recused = Assignment.objects.get(application__round=finished, status=AssignmentStatus.RECUSED)
    assert recused.conflict_note and recused.application.title == demo.RECUSED_ON
    assert not _conflicted(finished, today)
    for application in awarded:
        panel = application.assignments.active()
        assert panel.count() == 3 and all(a.status == AssignmentStatus.SCORED for a in panel)
        assert application.final_score is not None and application.final_score >= finished.pass_mark

    # Three-party contracts with tranches of 50/30/20, the first paid on signing.
    contracts = Contract.objects.filter(application__round=finished).select_related("supervisor")
    assert contracts.count() == counts["contracts"] == 19
    for contract in contracts:
        assert contract.three_party and contract.supervisor is not None
        assert contract.supervisor.name == demo.SUPERVISOR and contract.signed_on is not None
        tranches = list(contract.tranches.all())
        assert [t.percent for t in tranches] == [50, 30, 20]
        assert sum(t.amount for t in tranches) == contract.amount
        assert tranches[0].status == TrancheStatus.PAID and tranches[0].voucher
        for tranche in tranches:
            if tranche.status == TrancheStatus.PAID:
                assert contract.signed_on <= tranche.paid_on < today  # type: ignore[operator]
    # The mid-term evaluation that failed: the contract stopped, its later tranches held.
    stopped = contracts.get(status=ContractStatus.STOPPED)
    assert stopped.application.title == demo.FAILS_MID_TERM
    failed = stopped.evaluations.get()
    assert failed.stage == Stage.MID_TERM and not failed.passed and failed.total < 60
    held = stopped.tranches.filter(position__gt=1)
    assert {t.status for t in held} == {TrancheStatus.HELD} and all(t.hold_reason for t in held)
    # The others passed their mid-term; the projects that ended passed their final evaluation,
    # most are paid in full with their results published, three still wait for the last payment.
    others = contracts.exclude(pk=stopped.pk)
    assert all(c.evaluations.filter(stage=Stage.MID_TERM, passed=True).exists() for c in others)
    completed = contracts.filter(status=ContractStatus.COMPLETED)
    assert completed.count() == 15
    assert all(c.evaluations.filter(stage=Stage.FINAL, passed=True).exists() for c in completed)
    assert Tranche.objects.filter(contract__in=completed, position=3, status=TrancheStatus.DUE).count() == 3
    assert completed.filter(results_published=True).count() == 12
    assert contracts.filter(status=ContractStatus.SIGNED).count() == 3
    paid = Tranche.objects.filter(contract__in=contracts, status=TrancheStatus.PAID)
    assert paid.aggregate(total=Sum("amount"))["total"] == counts["paid"]
    assert SatisfactionResponse.objects.filter(contract__in=contracts).count() >= 19 * 3
    persona_contract = contracts.get(application__organization__accounts=org_account)
    reports = persona_contract.reports.all()
    assert reports.count() == 4 and {r.submitted_by for r in reports} == {org_account}
    assert reports.exclude(comment="").count() == 1

    # This year's round under review: panels of five drawn with no conflicted expert, some
    # experts declared and scored, others not yet.
    current = Round.objects.get(region_id=COUNTY, year=today.year)
    assert current.status == RoundStatus.REVIEW and current.closes_on < today
    assert current.min_grade == 2 and current.experts_per_application == 5
    reasons = current.applications.filter(status=ApplicationStatus.INELIGIBLE)
    assert reasons.count() == 4 and all(a.eligibility_reasons for a in reasons)
    under_review = current.applications.filter(
        status__in=[ApplicationStatus.REVIEWING, ApplicationStatus.SCORED]
    )
    assert under_review.count() == 8
    for application in under_review:
        assert application.assignments.active().count() == 5
    assert all(verify_draw(d) for d in current.draws.all())
    assert not _conflicted(current, today)
    statuses = set(Assignment.objects.filter(application__round=current).values_list("status", flat=True))
    assert statuses == {AssignmentStatus.DRAWN, AssignmentStatus.OPEN, AssignmentStatus.SCORED}

    # The expert demo account has reviews waiting for its declaration, never its own ties.
    persona = Expert.objects.get(account=expert)
    mine = Assignment.objects.visible_to(expert).filter(application__round=current)
    assert mine.filter(status=AssignmentStatus.DRAWN).exists()
    assert not mine.filter(application__organization__in=persona.conflicting_organization_ids()).exists()
    browser = Client()
    browser.force_login(expert)
    page = browser.get(reverse("funding:review-list"))
    assert page.status_code == 200
    waiting = mine.filter(status=AssignmentStatus.DRAWN).select_related("application").first()
    assert waiting is not None and waiting.application.title in page.content.decode()

    # Per-case mediation subsidies: raised by the towns and the county, most paid, one cancelled.
    cases = CaseSubsidy.objects.filter(region__code__startswith=LIYANG)
    assert cases.filter(status=CaseSubsidyStatus.PAID).count() == counts["cases_paid"] >= 5
    assert all(c.voucher and c.paid_on for c in cases.filter(status=CaseSubsidyStatus.PAID))
    assert cases.get(status=CaseSubsidyStatus.CANCELLED).cancel_reason
    assert cases.filter(status=CaseSubsidyStatus.GRANTED).exists()
    assert cases.filter(amount=Decimal(500)).count() == 1

    # Everything happened in the past, in order.
    assert not FundingEvent.objects.filter(at__gt=timezone.now()).exists()
    moments = list(FundingEvent.objects.order_by("pk").values_list("at", flat=True))
    assert moments == sorted(moments)

    before = _snapshot()
    assert demo.build() == counts
    assert _snapshot() == before
