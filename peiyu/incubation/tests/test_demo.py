"""The incubation demo: 溧阳市's county incubation centre and the ten town stations, last year's
cohort graduated into the registry, this year's residents at every stage, the open call,
training and subsidies, on the supervision demo.

Building the demos takes a few seconds, so one test builds them (with few volunteers) and
checks everything."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Model
from django.utils import timezone

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import User
from peiyu.core.models import AuditEntry
from peiyu.incubation import demo
from peiyu.incubation.models import (
    Assessment,
    Call,
    CallStatus,
    Extension,
    ExtensionStatus,
    IncubationEvent,
    Incubator,
    IntakeApplication,
    IntakeStatus,
    Level,
    Residency,
    ResidencyStatus,
    Review,
    Service,
    StaffMember,
    Subsidy,
    SubsidyKind,
    SubsidyStatus,
    TrainingEvent,
)
from peiyu.incubation.services.common import add_months
from peiyu.incubation.services.residencies import earliest_graduation
from peiyu.lib import uscc
from peiyu.orgs import demo as orgs_demo
from peiyu.orgs.models import Application, ApplicationKind, ApplicationStatus, Event, Organization, Source
from peiyu.people import demo as people_demo
from peiyu.regions import demo as regions_demo
from peiyu.supervision import demo as supervision_demo
from peiyu.testing import LIYANG

COUNT = 50
COUNTY = LIYANG.ljust(12, "0")
CAP = Decimal(30_000)


def _snapshot() -> dict[str, int]:
    models: list[type[Model]] = [
        Incubator,
        StaffMember,
        Call,
        IntakeApplication,
        Review,
        Residency,
        Extension,
        TrainingEvent,
        Service,
        Assessment,
        Subsidy,
        IncubationEvent,
        Application,
        Organization,
        Event,
        User,
        AuditEntry,
    ]
    return {model.__name__: model._default_manager.count() for model in models}


def _resident(stage: str) -> Residency:
    group, _months, _days = demo.CURRENT[stage]
    return Residency.objects.get(name=group.name)


def _percents(residency: Residency) -> list[Decimal]:
    order = {"intake": 0, "midway": 1, "exit": 2}
    return [a.percent for a in sorted(residency.assessments.all(), key=lambda a: order[a.stage])]


@pytest.mark.django_db
def test_incubation_demo_of_liyang(regions: None) -> None:
    regions_demo.build()
    accounts_demo.build()
    orgs_demo.build()
    people_demo.build(volunteers=COUNT)
    supervision_demo.build()
    counts = demo.build()
    today = timezone.localdate()
    county = User.objects.get(username="county")
    operator = User.objects.get(username="incubator")
    daibu = User.objects.get(username="daibu")

    # The county centre: civil affairs' centre run by the justice-administration centre (seed 000).
    centre = Incubator.objects.select_related("operator").get(name=demo.CENTRE, region_id=COUNTY)
    assert centre.level == Level.COUNTY and centre.capacity == 12 and "燕山中路" in centre.address
    assert centre.operator is not None and centre.operator.name == demo.CENTRE_OPERATOR
    assert list(centre.accounts.all()) == [operator]
    assert {f.code for f in centre.fields.all()} == {"legal_aid", "dispute", "legal_education"}
    staff = list(centre.staff.all())
    assert 4 <= len(staff) <= 5 and 1 <= sum(s.is_social_worker for s in staff) <= 2
    assert all(s.phone for s in staff) and centre.description
    assert centre.criteria.filter(is_active=True).exists() and centre.dimensions.count() == 5

    # Ten town stations, each run by its town's 法律服务团, a member of the justice hub.
    stations = Incubator.objects.filter(level=Level.TOWN).select_related("operator", "region")
    assert stations.count() == counts["stations"] == 10 and counts["incubators"] == 11
    hub_members = set(centre.operator.members.all())
    for station in stations:
        assert station.name == f"{station.region.name}社会组织孵化站"
        assert station.operator is not None and station.operator.name == f"{station.region.name}法律服务团"
        assert station.operator in hub_members and 3 <= station.capacity <= 5
    served = list(Residency.objects.filter(incubator__level=Level.TOWN).current().select_related("incubator"))
    assert 1 <= len(served) <= 2
    for residency in served:
        providers = set(residency.services.values_list("provider", flat=True))
        assert providers == {residency.incubator.operator.name}  # type: ignore[union-attr]

    # Last year's cohort: one call, reviewed twice, seven admitted, one declined with a reason.
    calls = list(Call.objects.filter(incubator=centre).order_by("opens_on"))
    cohort_call, rolling, open_call = calls
    year = cohort_call.opens_on.year
    assert cohort_call.title == f"{year}年第一期入驻招募" and cohort_call.status == CallStatus.CLOSED
    assert all(a.reviews.count() == 2 for a in cohort_call.applications.all())
    declined = cohort_call.applications.get(status=IntakeStatus.DECLINED)
    assert declined.decision_note and not hasattr(declined, "residency")
    cohort = cohort_call.residencies.all()
    assert cohort.count() == 7

    # Six graduated through the registry: the towns filed five, the county registered one.
    graduated = cohort.filter(status=ResidencyStatus.GRADUATED).select_related("application", "organization")
    assert graduated.count() == counts["graduates"] == 6
    kinds = []
    for residency in graduated:
        application = residency.application
        assert application is not None and application.status == ApplicationStatus.APPROVED
        assert residency.organization == application.organization is not None
        assert residency.organization.established_how == "incubated"
        kinds.append(application.kind)
        decider = application.decided_by
        assert decider is not None
        if application.kind == ApplicationKind.FILING:
            assert decider.region_id == application.region_id[:9].ljust(12, "0")
            assert decider.groups.filter(name="town_officer").exists()
        else:
            assert decider == county
        assert Event.objects.filter(organization=residency.organization, action="graduated").exists()
        assert residency.ended_on is not None and residency.ended_on >= earliest_graduation(residency)
        assert residency.ended_on <= residency.planned_end_on
        assert _percents(residency) == sorted(_percents(residency)) and len(_percents(residency)) == 3
        assert residency.services.values("kind").distinct().count() >= 3
        assert residency.services.values("provider").distinct().count() >= 2
        assert not residency.subsidies.exclude(status=SubsidyStatus.PAID).exists()
    assert sorted(kinds) == [ApplicationKind.FILING] * 5 + [ApplicationKind.REGISTRATION]
    registered = graduated.get(application__kind=ApplicationKind.REGISTRATION).organization
    assert registered is not None and registered.source == Source.REGISTERED
    assert uscc.validate_civil_affairs(registered.uscc, registered.legal_form) == registered.uscc
    startup = Subsidy.objects.get(kind=SubsidyKind.STARTUP)
    assert startup.organization == registered and startup.amount == CAP
    assert startup.status == SubsidyStatus.PAID and startup.paid_by == county and startup.voucher
    left = cohort.get(status=ResidencyStatus.EXITED)
    assert left.exit_reason and left.ended_on is not None and left.ended_on < left.planned_end_on
    assert left.subsidies.filter(status=SubsidyStatus.PAID).exists()

    # This year's residents at every stage, from a rolling call now closed.
    assert rolling.status == CallStatus.CLOSED and rolling.closes_on < today
    current = Residency.objects.filter(incubator=centre).current()
    assert current.count() == 8 and set(current.values_list("call", flat=True)) == {rolling.pk}
    month = _resident(demo.MONTH)
    assert month.started_on == add_months(today, -1)
    assert list(month.assessments.values_list("stage", flat=True)) == ["intake"]
    assert list(_resident(demo.TWO_MONTHS).assessments.values_list("stage", flat=True)) == ["intake"]
    ready = _resident(demo.READY)  # the story: four months of services, scored, may graduate
    assert ready.status == ResidencyStatus.ACTIVE and earliest_graduation(ready) <= today
    assert set(ready.assessments.values_list("stage", flat=True)) == {"intake", "midway"}
    assert _percents(ready)[1] > _percents(ready)[0]
    days = sorted(ready.services.values_list("delivered_on", flat=True))
    assert (days[-1] - days[0]).days >= 100 and len(days) >= 6
    ending = _resident(demo.ENDING)
    window = today + datetime.timedelta(days=30)
    assert list(Residency.objects.filter(incubator=centre).ending_within(today, window)) == [ending]
    overdue = _resident(demo.OVERDUE)
    assert list(Residency.objects.filter(incubator=centre).overdue(today)) == [overdue]
    assert not overdue.extensions.exists()
    extended = _resident(demo.EXTENDED).extensions.get()
    assert extended.status == ExtensionStatus.APPROVED and extended.decided_by == county
    assert extended.residency.planned_end_on == add_months(add_months(extended.residency.started_on, 6), 3)
    assert _resident(demo.EXTENSION_ASKED).extensions.get().status == ExtensionStatus.REQUESTED
    graduating = _resident(demo.GRADUATING)
    assert graduating.status == ResidencyStatus.GRADUATING and graduating.region.code.startswith("320481103")
    filing = graduating.application
    assert filing is not None and filing.kind == ApplicationKind.FILING
    assert Application.objects.visible_to(daibu).open().filter(pk=filing.pk).exists()

    # The open call on the portal: two applications waiting, one of them scored.
    assert open_call.status == CallStatus.OPEN and open_call.accepts_on(today)
    waiting = open_call.applications.filter(status=IntakeStatus.SUBMITTED)
    assert waiting.count() == counts["waiting"] == 2 and {a.channel for a in waiting} == {"portal"}
    assert sorted(a.reviews.count() for a in waiting) == [0, 1]

    # Training events with their attendance sheets in each attendee's service log.
    events = TrainingEvent.objects.filter(incubator=centre)
    assert 3 <= events.count() <= 4
    for event in events:
        attendance = event.services.all()
        assert attendance.count() >= 3
        assert all(s.residency.started_on <= event.held_on for s in attendance)

    # Subsidies: totals for two years or more, some paid, some waiting; no resident over the cap.
    totals = Subsidy.objects.totals()
    assert len({row["year"] for row in totals}) >= 2
    assert sum(row["paid"] for row in totals) == counts["paid"]
    assert sum(row["total"] for row in totals) == counts["subsidies"]
    assert Subsidy.objects.filter(status=SubsidyStatus.GRANTED).exists()
    yearly: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for subsidy in Subsidy.objects.counted().filter(kind=SubsidyKind.RESIDENCY):
        yearly[subsidy.residency_id, subsidy.year] += subsidy.amount
        assert subsidy.status != SubsidyStatus.PAID or subsidy.paid_on <= today  # type: ignore[operator]
    assert yearly and max(yearly.values()) <= CAP

    # The operator's account sees the centre's residents, not a town station's.
    visible = Residency.objects.visible_to(operator)
    assert set(visible) == set(Residency.objects.filter(incubator=centre))
    assert not visible.filter(incubator__level=Level.TOWN).exists()

    # Everything happened in the past, in order.
    assert not IncubationEvent.objects.filter(at__gt=timezone.now()).exists()
    assert not Service.objects.filter(delivered_on__gte=today).exists()

    before = _snapshot()
    assert demo.build() == counts
    assert _snapshot() == before
