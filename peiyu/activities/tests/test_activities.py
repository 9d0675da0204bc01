"""Activity records through their services: who may record one, and attendance that raises the
volunteers' hours pending the organizer's approval (never twice, never overlapping)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.activities.models import Activity, Attendance
from peiyu.activities.services import activities
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.orgs.models import Organization
from peiyu.people.models import HoursStatus, ServiceRecord, Volunteer
from peiyu.people.services.volunteers import enroll
from peiyu.testing import DAIBU, TIANMUHU, first_village

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def held(organization: Organization, by: User, hours_ago: int = 30) -> Activity:
    end = timezone.now() - datetime.timedelta(hours=hours_ago)
    return activities.record_activity(
        region=first_village(DAIBU),
        kind="legal_education",
        title="民法典进村入户宣讲",
        held_on=timezone.localtime(end).date(),
        organization=organization,
        place="集镇社区文化广场",
        beneficiaries=120,
        starts_at=end - datetime.timedelta(hours=2),
        ends_at=end,
        by=by,
    )


def test_attendance_raises_pending_hours_once(
    organization: Organization,
    organization_account: User,
    make_volunteer: Callable[..., Volunteer],
) -> None:
    activity = held(organization, organization_account)
    first, second, outsider = make_volunteer("陈小红"), make_volunteer("刘大伟"), make_volunteer("王外人")
    for person in (first, second):
        enroll(person, organization=organization, by=None)
    with pytest.raises(DomainError, match="王外人"):  # only those who serve with the organization
        activities.record_attendance(activity, volunteers=[first, outsider], by=organization_account)
    assert not Attendance.objects.exists()
    rows = activities.record_attendance(activity, volunteers=[first, second], by=organization_account)
    assert len(rows) == 2
    records = ServiceRecord.objects.filter(pk__in=[r.service_record_id for r in rows])
    assert {r.status for r in records} == {HoursStatus.PENDING}
    assert {r.source for r in records} == {"attendance"}
    assert all(r.ended_at - r.started_at == datetime.timedelta(hours=2) for r in records)
    with pytest.raises(DomainError, match="陈小红"):
        activities.record_attendance(activity, volunteers=[first], by=organization_account)
    # The same two hours at another activity overlap and are refused; nothing is written.
    clash = held(organization, organization_account)
    with pytest.raises(DomainError):
        activities.record_attendance(clash, volunteers=[second], by=organization_account)
    assert Attendance.objects.filter(activity=clash).count() == 0


def test_who_may_record_an_activity(
    organization: Organization,
    organization_account: User,
    village_worker: User,
    tianmuhu_officer: User,
    volunteer: User,
) -> None:
    assert held(organization, village_worker).recorded_by == village_worker
    with pytest.raises(PermissionRefused):
        held(organization, tianmuhu_officer)
    with pytest.raises(PermissionRefused):
        held(organization, volunteer)
    with pytest.raises(DomainError):
        activities.record_activity(
            region=first_village(TIANMUHU),
            kind="service",
            title="未来活动",
            by=organization_account,
            organization=organization,
            held_on=TODAY + datetime.timedelta(days=1),
            place="广场",
        )


def test_an_organization_takes_attendance_only_at_its_own_activities(
    organization: Organization,
    organization_account: User,
    village_worker: User,
    make_volunteer: Callable[..., Volunteer],
) -> None:
    from peiyu.people.tests.conftest import make_organization

    other = make_organization("戴埠镇红十字志愿服务队", DAIBU)
    theirs = held(other, village_worker)
    with pytest.raises(PermissionRefused):
        activities.record_attendance(theirs, volunteers=[make_volunteer()], by=organization_account)
    assert not Attendance.objects.exists()
