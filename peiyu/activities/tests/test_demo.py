"""The activities demo: a year of activities, mediation cases and council meetings in 溧阳市, on
the other demos.

Building the demos takes a while, so one test builds them (with few volunteers) and checks the
whole story."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count, Model, Q
from django.utils import timezone

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import User
from peiyu.activities import demo, figures
from peiyu.activities.models import (
    Activity,
    ActivityEvent,
    ActivityPhoto,
    AgreementForm,
    Attendance,
    CaseStatus,
    Council,
    CouncilKind,
    CouncilMember,
    Decision,
    DecisionStatus,
    FollowUp,
    MediationCase,
    Mediator,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Office,
    Party,
    Performance,
    Rating,
    Session,
)
from peiyu.core.models import AuditEntry
from peiyu.funding import demo as funding_demo
from peiyu.funding.models import CaseSubsidy, CaseSubsidyStatus
from peiyu.incubation import demo as incubation_demo
from peiyu.lib import idcard
from peiyu.orgs import demo as orgs_demo
from peiyu.people import demo as people_demo
from peiyu.people.models import HoursSource, HoursStatus, ServiceRecord
from peiyu.regions import demo as regions_demo
from peiyu.regions.models import Region
from peiyu.supervision import demo as supervision_demo
from peiyu.testing import LIYANG

COUNTY = LIYANG.ljust(12, "0")


def _snapshot() -> dict[str, int]:
    models: list[type[Model]] = [
        Activity,
        ActivityPhoto,
        Attendance,
        Mediator,
        MediationCase,
        Party,
        Session,
        FollowUp,
        Council,
        CouncilMember,
        Meeting,
        Decision,
        Rating,
        ActivityEvent,
        CaseSubsidy,
        User,
        AuditEntry,
    ]
    return {model.__name__: model._default_manager.count() for model in models}


@pytest.mark.django_db
def test_activities_demo_of_liyang(regions: None) -> None:
    regions_demo.build()
    accounts_demo.build()
    orgs_demo.build()
    people_demo.build(volunteers=50)
    supervision_demo.build()
    incubation_demo.build()
    funding = funding_demo.build()
    counts = demo.build()
    today = timezone.localdate()
    first = today - datetime.timedelta(days=demo.DAYS)
    org_account = User.objects.get(username="org")
    village_worker = User.objects.get(username="village")

    # A year of activities by organizations (the org demo account's own among them) and village
    # committees, over every town, with fields, people served and groups served.
    year = Activity.objects.filter(region__code__startswith=LIYANG, held_on__range=(first, today))
    assert year.count() == Activity.objects.count() == counts["activities"]
    assert 150 <= counts["activities"] <= 260
    assert {a.region_id[:9] for a in year} >= {
        t.code[:9] for t in Region.objects.filter(parent_id=COUNTY)[:12]
    }
    assert year.filter(organization__isnull=True).count() >= 20
    assert year.filter(organization__accounts=org_account, recorded_by=org_account).count() >= 10
    assert len(set(year.values_list("kind", flat=True))) >= 5
    assert not year.filter(Q(beneficiaries=0) | Q(field__isnull=True)).exists()
    assert not year.annotate(groups=Count("target_groups")).filter(groups=0).exists()
    linked = year.filter(contract__isnull=False).select_related("contract__application")
    assert 3 <= linked.count() <= 30
    for activity in linked:
        assert activity.contract is not None
        assert activity.contract.application.organization_id == activity.organization_id
        assert activity.contract.starts_on <= activity.held_on <= activity.contract.ends_on
    # Volunteers who attended, each raising hours with the organizer: the older approved, the
    # last weeks' still pending.
    attendance = Attendance.objects.select_related("activity", "service_record")
    assert attendance.count() >= 10
    for row in attendance:
        record = row.service_record
        assert record is not None and record.source == HoursSource.ATTENDANCE
        assert record.organization_id == row.activity.organization_id
        assert (record.started_at, record.ended_at) == (row.activity.starts_at, row.activity.ends_at)
    pending = ServiceRecord.objects.filter(source=HoursSource.ATTENDANCE, status=HoursStatus.PENDING)
    assert pending.exists()
    assert ServiceRecord.objects.filter(source=HoursSource.ATTENDANCE, status=HoursStatus.APPROVED).exists()
    assert Rating.objects.filter(activity__isnull=False).count() >= 3
    photos = ActivityPhoto.objects.filter(activity__organization__accounts=org_account)
    assert photos.count() >= 5 and all(p.content_type == "image/jpeg" and p.width for p in photos)

    # Mediators of every town's committee, of some villages' and of the organizations.
    mediators = Mediator.objects.filter(region__code__startswith=LIYANG)
    towns = Region.objects.filter(parent_id=COUNTY, code__lt="320481400000")
    for town in towns:
        assert 2 <= mediators.filter(region=town, committee=f"{town.name}人民调解委员会").count() <= 4
    assert mediators.filter(region__level="village").count() >= 20
    assert mediators.filter(committee=orgs_demo.MARKER).count() == 3

    # Mediation cases over the year: two parties each with valid identity and mobile numbers,
    # mediators, records; nearly all agreed, a few ended without agreement, a few of the last
    # weeks still being mediated: the rates of seed 004.
    cases = MediationCase.objects.filter(region__code__startswith=LIYANG)
    assert 150 <= cases.count() == counts["cases"] <= 250
    assert len({c.region_id[:9] for c in cases}) >= 10
    assert len(set(cases.values_list("dispute_type", flat=True))) >= 8
    result = figures.period_figures(LIYANG, first, today)
    assert Decimal("96") <= result["handled_rate"] <= Decimal("99.5")
    assert Decimal("96") <= result["success_rate"] <= Decimal("99")
    open_cases = cases.filter(status__in=[CaseStatus.REGISTERED, CaseStatus.MEDIATING])
    assert 1 <= open_cases.count() <= 6
    assert all(c.registered_on >= today - datetime.timedelta(days=45) for c in open_cases)
    for case in cases.prefetch_related("parties", "mediators", "sessions"):
        parties = list(case.parties.all())
        assert len(parties) == 2 and {p.role for p in parties} == {"applicant", "respondent"}
        for party in parties:
            assert len(party.phone) == 11 and party.phone.startswith("1")
            if party.id_number:
                idcard.validate(party.id_number)
        mediated = case.mediators.exists()
        if case.status in (CaseStatus.MEDIATING, CaseStatus.SUCCEEDED):
            assert mediated
        if case.status == CaseStatus.SUCCEEDED or (case.status == CaseStatus.FAILED and mediated):
            assert case.sessions.exists()
    agreed = cases.filter(status=CaseStatus.SUCCEEDED)
    forms = set(agreed.values_list("agreement_form", flat=True))
    assert forms == {AgreementForm.WRITTEN, AgreementForm.ORAL}
    assert agreed.filter(amount__gt=0).count() >= agreed.count() // 2
    assert agreed.filter(performance=Performance.PERFORMED).count() >= agreed.count() * 3 // 4
    assert FollowUp.objects.filter(case__in=agreed).count() >= agreed.count() * 3 // 4
    confirmed = agreed.filter(confirmed_on__isnull=False)
    assert confirmed.exists()
    for case in agreed.filter(confirmation_applied_on__isnull=False):
        assert case.agreement_form == AgreementForm.WRITTEN and case.agreed_on is not None
        assert case.agreed_on <= case.confirmation_applied_on <= case.agreed_on + datetime.timedelta(days=30)  # type: ignore[operator]
    failed = cases.filter(status=CaseStatus.FAILED)
    assert 1 <= failed.count() <= 8 and all(c.failure_reason and c.routes_told for c in failed)
    assert Rating.objects.filter(case__in=cases).exists()
    assert cases.filter(organization__name=orgs_demo.MARKER).exists()

    # Each agreement raised its subsidy under the case's own number, which never clashes with the
    # towns' hand-entered ones of the funding demo; those stay as they were.
    subsidies = CaseSubsidy.objects.filter(region__code__startswith=LIYANG)
    by_case = subsidies.filter(case_reference__in=agreed.values("number"))
    assert by_case.count() == agreed.count()
    assert subsidies.count() == agreed.count() + funding["cases"] + 1  # + the funding demo's cancelled one
    assert not subsidies.filter(
        case_reference__in=cases.exclude(status=CaseStatus.SUCCEEDED).values("number")
    )
    assert by_case.filter(status=CaseSubsidyStatus.PAID).count() >= agreed.count() * 3 // 4
    assert by_case.filter(status=CaseSubsidyStatus.GRANTED).exists()

    # A 百姓议事堂 in most villages, some other councils, 7–15 members with their officers.
    villages = Region.objects.filter(parent__parent_id=COUNTY, code__lt="320481400000")
    halls = Council.objects.filter(region__in=villages, kind=CouncilKind.HALL)
    assert halls.count() >= villages.count() * 4 // 5 == counts["villages"] * 4 // 5
    assert halls.filter(region=village_worker.region).exists()
    assert {CouncilKind.WOMEN, CouncilKind.VILLAGE_GROUP} <= set(
        Council.objects.values_list("kind", flat=True)
    )
    for council in Council.objects.prefetch_related("members"):
        current = [m for m in council.members.all() if m.until is None]
        assert 7 <= len(current) <= 15, council.name
        offices = [m.office for m in current]
        assert all(offices.count(o) == 1 for o in (Office.CHAIR, Office.VICE_CHAIR, Office.SECRETARY))

    # Meetings over the year: one election, one short of its quorum (no decision), decisions
    # followed to done, in progress or dropped, most minutes published, a few planned.
    meetings = Meeting.objects.filter(council__region__in=villages)
    held = meetings.exclude(status=MeetingStatus.PLANNED)
    assert 80 <= held.count() <= 300
    assert held.filter(held_on__lt=first + datetime.timedelta(days=120)).exists()
    assert held.filter(held_on__gt=today - datetime.timedelta(days=120)).exists()
    election = held.get(kind=MeetingKind.ELECTION)
    assert election.quorum_met and election.present * 3 >= election.members_total * 2
    assert election.council.region == village_worker.region
    short = held.get(quorum_met=False)
    assert short.present * 2 <= short.members_total and not short.decisions.exists()
    assert held.filter(quorum_met=True).count() == held.count() - 1
    published = meetings.published()
    assert published.count() >= held.count() * 3 // 4
    assert all(m.published_on and m.published_on >= m.held_on for m in published)
    assert meetings.filter(status=MeetingStatus.PLANNED, held_on__gt=today).exists()
    decisions = Decision.objects.filter(meeting__in=held)
    statuses = set(decisions.values_list("status", flat=True))
    assert {DecisionStatus.DONE, DecisionStatus.IN_PROGRESS, DecisionStatus.DROPPED} <= statuses
    assert all(d.adopted and d.votes_for * 2 > d.meeting.present for d in decisions.select_related("meeting"))
    assert all(d.done_on and d.evidence for d in decisions.filter(status=DecisionStatus.DONE))

    # Everything happened in the past, in order.
    events = ActivityEvent.objects.order_by("pk")
    assert not events.filter(at__gt=timezone.now()).exists()
    moments = list(events.values_list("at", flat=True))
    assert moments == sorted(moments)

    before = _snapshot()
    assert demo.build() == counts
    assert _snapshot() == before
