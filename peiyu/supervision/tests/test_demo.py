"""The supervision demo: two years of annual inspection, the rules' proposals and the office's
decisions, the credit lists, on-site inspection, grade evaluation and citizen reports of 溧阳市,
on the people demo.

Building the demos takes a few seconds, so one test builds them (with 200 volunteers) and
checks everything."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import User
from peiyu.core.models import AuditEntry
from peiyu.orgs import demo as orgs_demo
from peiyu.orgs.models import Document, DocumentCounter, Organization, Status
from peiyu.people import demo as people_demo
from peiyu.people.models import Engagement
from peiyu.regions import demo as regions_demo
from peiyu.supervision import demo, standing
from peiyu.supervision.models import (
    AnnualReport,
    Campaign,
    CampaignStatus,
    ChecklistItem,
    CitizenReport,
    CreditList,
    EntryStatus,
    Finding,
    Grade,
    GradeEntry,
    GradeRound,
    InspectionPlan,
    Listing,
    ListingStatus,
    NoticeStatus,
    Objection,
    Photo,
    Proposal,
    ProposalAction,
    ProposalStatus,
    RectificationNotice,
    ReportState,
    ReportStatus,
    RoundStatus,
    Sanction,
    SanctionKind,
    Score,
    SupervisionEvent,
    Visit,
    VisitStatus,
)
from peiyu.supervision.services import credit, grades
from peiyu.supervision.services.inspection import exemption
from peiyu.testing import LIYANG

COUNT = 200
COUNTY = LIYANG.ljust(12, "0")


def _snapshot() -> dict[str, Any]:
    models = [
        Campaign,
        AnnualReport,
        Proposal,
        Sanction,
        Listing,
        InspectionPlan,
        Visit,
        Finding,
        RectificationNotice,
        GradeRound,
        GradeEntry,
        Score,
        Objection,
        Grade,
        CitizenReport,
        Photo,
        SupervisionEvent,
        Document,
        Engagement,
        User,
        AuditEntry,
    ]
    return {
        **{model.__name__: model.objects.count() for model in models},
        "counters": sorted(DocumentCounter.objects.values_list("office_id", "series", "year", "last")),
    }


@pytest.mark.django_db
def test_supervision_demo_of_liyang(regions: None) -> None:
    regions_demo.build()
    accounts_demo.build()
    orgs_demo.build()
    people_demo.build(volunteers=COUNT)
    counts = demo.build()
    today = timezone.localdate()
    year = demo.inspected_year(today)
    officer = User.objects.get(username="county")

    # Two closed campaigns, their deadlines the next spring; the current year is not inspected yet.
    campaigns = list(Campaign.objects.filter(authority_id=COUNTY).order_by("year"))
    assert [c.year for c in campaigns] == [year - 1, year]
    for campaign in campaigns:
        assert campaign.status == CampaignStatus.CLOSED and campaign.closed_at is not None
        assert campaign.guidance_deadline.year == campaign.authority_deadline.year == campaign.year + 1
        assert campaign.authority_deadline < today

    # Every registered organization due has its report, exempt ones as the service says.
    reports = AnnualReport.objects.filter(campaign__authority_id=COUNTY).select_related(
        "campaign", "organization"
    )
    assert reports.count() == counts["reports"] >= 50
    for report in reports:
        assert report.exemption == exemption(report.organization, report.campaign.year, LIYANG)
        assert (report.status == ReportStatus.EXEMPT) == bool(report.exemption)
    outcomes = Counter(r.conclusion or r.status for r in reports)
    total = sum(outcomes.values())
    assert 0.7 <= outcomes["pass"] / total <= 0.9
    assert 0.07 <= outcomes["basic_pass"] / total <= 0.15
    assert outcomes["fail"] >= 1 and outcomes["fail"] / total <= 0.06
    assert 0.03 <= outcomes[ReportStatus.DRAFT] / total <= 0.1  # missed: never submitted
    late = [r for r in reports if r.submitted_at and r.submitted_at.date() > r.campaign.authority_deadline]
    assert 2 <= len(late) <= 5
    decided = reports.filter(status=ReportStatus.DECIDED)
    for report in decided:
        assert report.submitted_at and report.decided_at and report.decided_by == officer
        assert report.submitted_at < report.decided_at <= report.campaign.closed_at  # type: ignore[operator]
        assert report.version >= 4
        assert report.income and report.expenditure and report.net_assets and report.activities
        assert bool(report.reasons) == (report.conclusion != "pass")
    assert not reports.filter(status=ReportStatus.DRAFT).exclude(submitted_at=None).exists()
    events = SupervisionEvent.objects.filter(subject="annualreport")
    assert events.filter(action="decided").count() == decided.count()
    assert events.filter(action="returned").count() == 1
    assert not events.filter(at__gt=timezone.now()).exists()

    # The demo organization account's association passed both years, filing itself.
    org = User.objects.get(username="org")
    own = AnnualReport.objects.visible_to(org).get(campaign__year=year)
    assert own.status == ReportStatus.DECIDED and own.conclusion == "pass"
    assert events.filter(subject_id=own.pk, action="submitted", actor=org).exists()

    # The rules' proposals: some decided by the county officer, several still waiting.
    proposals = Proposal.objects.all()
    assert proposals.count() == counts["proposals"]
    assert proposals.filter(status=ProposalStatus.PENDING).count() >= 3
    assert proposals.filter(status=ProposalStatus.ACCEPTED, action=ProposalAction.REVOCATION).count() <= 1
    assert proposals.filter(status=ProposalStatus.PENDING, action=ProposalAction.REVOCATION).exists()
    for proposal in proposals.exclude(status=ProposalStatus.PENDING):
        assert proposal.decided_by == officer and proposal.document is not None
    assert proposals.filter(status=ProposalStatus.REJECTED).exclude(note="").exists()
    assert credit.run_rules(dry_run=True).created == 0  # as of today, nothing new to propose
    assert Organization.objects.filter(status=Status.REVOKED).count() <= 1

    # Warnings and a small fine; organizations on the credit lists, one rectified.
    sanctions = Sanction.objects.all()
    assert sanctions.filter(kind=SanctionKind.WARNING).count() >= 3
    assert sanctions.filter(kind=SanctionKind.FINE, amount__lt=Decimal(50_000)).exists()
    listed = Listing.objects.filter(status=ListingStatus.LISTED).select_related("organization")
    abnormal = listed.filter(list=CreditList.ABNORMAL)
    assert 2 <= abnormal.values("organization").distinct().count() <= 4
    rectified = abnormal.exclude(rectified_on=None).get()
    due = credit.removal_due(rectified)
    assert due is not None and due >= today
    assert listed.filter(list=CreditList.SERIOUS).count() == 1
    for listing in listed:
        result = standing.good_standing(listing.organization)
        assert not result.ok and result.reasons

    # This year's on-site inspections: findings, notices in each state, one not found.
    plan = InspectionPlan.objects.get(region_id=COUNTY, starts_on__year=year + 1)
    assert 5 <= plan.visits.count() <= 8
    items = ChecklistItem.objects.filter(is_active=True).count()
    for visit in plan.visits.filter(status=VisitStatus.DONE):
        assert visit.findings.count() == (0 if visit.unreachable else items)
        assert visit.inspected_on is not None and visit.inspected_on <= today
    assert plan.visits.filter(unreachable=True).count() == 1
    assert plan.visits.filter(status=VisitStatus.PLANNED, planned_on__gt=today).exists()
    notices = RectificationNotice.objects.all()
    assert notices.filter(status=NoticeStatus.CLOSED).exclude(rechecked_on=None).count() == 1
    assert notices.overdue(today).count() == 1
    assert notices.filter(status=NoticeStatus.OPEN, deadline__gte=today).count() == 1
    assert all(n.number and n.document_id for n in notices)

    # Last year's grade evaluation: concluded, mostly 1A and 2A, scored by unconflicted experts.
    last = GradeRound.objects.get(region_id=COUNTY, year=year)
    assert last.status == RoundStatus.DONE
    refused = last.entries.filter(status=EntryStatus.REFUSED)
    assert refused.count() >= 2 and all(e.refusal_reasons for e in refused)
    graded = last.entries.filter(status=EntryStatus.GRADED).select_related("organization", "grade")
    levels = Counter(e.proposed_level for e in graded)
    assert levels[1] + levels[2] >= 0.6 * len(graded)
    assert levels[3] + levels[4] >= 3 and levels[5] <= 1
    thresholds = grades.thresholds_for(COUNTY)
    for entry in graded:
        sums: dict[int, Decimal] = defaultdict(Decimal)
        for score in entry.scores.select_related("indicator"):
            assert 0 <= score.points <= score.indicator.points
            sums[score.evaluator_id] += score.points
        evaluators = list(entry.evaluators.all())
        assert len(evaluators) >= 2 and set(sums) == {e.pk for e in evaluators}
        assert entry.total == (sum(sums.values()) / len(sums)).quantize(Decimal("0.01"))
        assert entry.proposed_level == grades.level_for(entry.total, thresholds) == entry.grade.level
        assert (entry.grade.certificate_id is not None) == (entry.grade.level >= 3)
        for expert in evaluators:
            assert entry.organization_id not in expert.conflicting_organization_ids()
    assert Objection.objects.filter(entry__round=last, upheld=False).exclude(answered_on=None).exists()
    # This year's round takes applications; the listed and the new are refused with reasons.
    current = GradeRound.objects.get(region_id=COUNTY, year=year + 1)
    assert current.status == RoundStatus.OPEN
    statuses = Counter(current.entries.values_list("status", flat=True))
    assert statuses[EntryStatus.APPLIED] >= 2 and statuses[EntryStatus.REFUSED] >= 2

    # Citizen reports: most waiting, one dismissed with a reply, one that opened an inspection.
    citizen = CitizenReport.objects.annotate(photos_count=Count("photos"))
    assert 6 <= citizen.count() <= 10
    states = Counter(citizen.values_list("state", flat=True))
    assert states[ReportState.NEW] > citizen.count() / 2
    assert citizen.filter(state=ReportState.DISMISSED).exclude(reply="").count() == 1
    inspected = citizen.get(state=ReportState.INSPECTION)
    assert inspected.visits.filter(status=VisitStatus.PLANNED).exists()
    assert citizen.filter(photos_count__gt=0).exists()
    assert all(bytes(photo.content).startswith(b"\xff\xd8") for photo in Photo.objects.all())
    assert not citizen.filter(received_at__gt=timezone.now()).exists()

    # One audit entry for the bulk load.
    assert AuditEntry.objects.filter(event="supervision.demo_load").count() == 1

    before = _snapshot()
    assert demo.build() == counts
    assert _snapshot() == before
