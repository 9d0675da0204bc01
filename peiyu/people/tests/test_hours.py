"""Service hours: the three sources, approval and decline, overlaps, star levels."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.core.models import AuditEntry, OptionValue
from peiyu.orgs.models import Organization
from peiyu.people.models import HoursSource, HoursStatus, ServiceRecord, Volunteer
from peiyu.people.options import star_level
from peiyu.people.services import hours
from peiyu.testing import LIYANG, region

Login = Callable[[User], Client]


def at(days_ago: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, minute), timezone.get_current_timezone())


def record(
    volunteer: Volunteer,
    organization: Organization,
    by: User,
    start: datetime.datetime,
    hours_: float,
    **extra: object,
) -> ServiceRecord:
    return hours.record_hours(
        volunteer=volunteer,
        organization=organization,
        title="敬老服务",
        started_at=start,
        ended_at=start + datetime.timedelta(hours=hours_),
        by=by,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def chen(make_volunteer: Callable[..., Volunteer]) -> Volunteer:
    return make_volunteer("陈小红")


def test_the_organizer_records_and_the_hours_count_at_once(
    chen: Volunteer, organization: Organization, organization_account: User
) -> None:
    made = record(chen, organization, organization_account, at(3, 9), 3)
    chen.refresh_from_db()
    assert made.status == HoursStatus.APPROVED and made.source == HoursSource.RECORDED
    assert made.minutes == 180 and chen.approved_minutes == 180
    assert AuditEntry.objects.filter(event="people.record_hours").exists()


def test_someone_else_cannot_record_for_an_organizer(
    chen: Volunteer, other_organization: Organization, organization_account: User
) -> None:
    with pytest.raises(PermissionRefused):
        record(chen, other_organization, organization_account, at(3, 9), 3)


def test_overlapping_hours_are_refused_with_the_clash_named(
    chen: Volunteer,
    organization: Organization,
    organization_account: User,
    county_officer: User,
    other_organization: Organization,
) -> None:
    record(chen, organization, organization_account, at(3, 9), 3)
    with pytest.raises(DomainError) as refused:
        record(chen, other_organization, county_officer, at(3, 11), 2)
    message = str(refused.value)
    assert "陈小红" in message and "戴埠镇志愿者协会" in message and "敬老服务" in message
    # Touching ends are not an overlap.
    record(chen, other_organization, county_officer, at(3, 12), 2)
    assert ServiceRecord.objects.filter(volunteer=chen).count() == 2


def test_a_declined_record_no_longer_blocks_its_time(
    chen: Volunteer, organization: Organization, organization_account: User
) -> None:
    first = record(chen, organization, organization_account, at(3, 9), 3)
    hours.decide_hours(first, decision=HoursStatus.DECLINED, reason="重复登记", by=organization_account)
    record(chen, organization, organization_account, at(3, 9), 3)
    chen.refresh_from_db()
    assert chen.approved_minutes == 180
    assert ServiceRecord.objects.filter(volunteer=chen).count() == 2  # nothing was deleted


def test_self_reported_hours_wait_and_the_organizer_decides(
    own_volunteer: Volunteer, organization: Organization, organization_account: User, volunteer: User
) -> None:
    reported = hours.report_hours(
        volunteer=own_volunteer,
        organization=organization,
        title="社区清扫",
        started_at=at(2, 14),
        ended_at=at(2, 16),
        by=volunteer,
    )
    own_volunteer.refresh_from_db()
    assert reported.status == HoursStatus.PENDING and reported.source == HoursSource.SELF_REPORTED
    assert own_volunteer.approved_minutes == 0
    hours.decide_hours(reported, decision=HoursStatus.APPROVED, by=organization_account)
    own_volunteer.refresh_from_db()
    assert own_volunteer.approved_minutes == 120
    with pytest.raises(TransitionError):
        hours.decide_hours(reported, decision=HoursStatus.APPROVED, by=organization_account)


def test_a_volunteer_reports_only_their_own_hours(
    chen: Volunteer, organization: Organization, volunteer: User
) -> None:
    with pytest.raises(PermissionRefused):
        hours.report_hours(
            volunteer=chen,
            organization=organization,
            title="x",
            started_at=at(2, 14),
            ended_at=at(2, 15),
            by=volunteer,
        )


def test_declining_needs_a_reason_and_an_approved_record_can_be_declined_later(
    chen: Volunteer, organization: Organization, organization_account: User
) -> None:
    made = record(chen, organization, organization_account, at(5, 8), 4)
    with pytest.raises(DomainError):
        hours.decide_hours(made, decision=HoursStatus.DECLINED, reason=" ", by=organization_account)
    hours.decide_hours(made, decision=HoursStatus.DECLINED, reason="活动未实际举办", by=organization_account)
    made.refresh_from_db()
    chen.refresh_from_db()
    assert made.status == HoursStatus.DECLINED and made.decline_reason == "活动未实际举办"
    assert chen.approved_minutes == 0
    entry = AuditEntry.objects.filter(event="people.decide_hours", object_pk=str(made.pk)).get()
    assert entry.changes_dict["status"] == ["approved", "declined"]


def test_future_and_overlong_records_are_refused(
    chen: Volunteer, organization: Organization, organization_account: User
) -> None:
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        record(chen, organization, organization_account, tomorrow, 2)
    with pytest.raises(DomainError, match="12"):
        record(chen, organization, organization_account, at(9, 6), 13)


def test_star_levels_follow_approvals_and_declines(
    chen: Volunteer, organization: Organization, organization_account: User
) -> None:
    made = [record(chen, organization, organization_account, at(day, 8), 10) for day in range(10, 20)]
    chen.refresh_from_db()
    assert chen.approved_minutes == 100 * 60 and chen.star_level == 1  # exactly 100 hours: one star
    hours.decide_hours(made[0], decision=HoursStatus.DECLINED, reason="核减", by=organization_account)
    chen.refresh_from_db()
    assert chen.star_level == 0


def test_star_thresholds_are_a_local_setting(
    chen: Volunteer,
    organization: Organization,
    organization_account: User,
    administrator: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    from peiyu.core.services import set_option
    from peiyu.people.services.hours import recompute_stars

    record(chen, organization, organization_account, at(3, 8), 10)
    chen.refresh_from_db()
    assert chen.star_level == 0
    set_option(key="people.star_thresholds", region=region(LIYANG), text="10, 20, 30", by=administrator)
    assert OptionValue.objects.get(key="people.star_thresholds").value == [10, 20, 30]
    assert recompute_stars(region(LIYANG)) == 1
    chen.refresh_from_db()
    assert chen.star_level == 1
    with pytest.raises(DomainError):
        set_option(key="people.star_thresholds", region=region(LIYANG), text="30, 20", by=administrator)


def test_star_level_counts_thresholds_reached() -> None:
    thresholds = [100, 300, 600, 1000, 1500]
    assert [star_level(h, thresholds) for h in (0, 99.9, 100, 299, 300, 1499, 1500, 9000)] == [
        0,
        0,
        1,
        1,
        2,
        4,
        5,
        5,
    ]


def test_batch_approval_decides_only_what_the_actor_may(
    make_volunteer: Callable[..., Volunteer],
    organization: Organization,
    other_organization: Organization,
    organization_account: User,
    volunteer: User,
    county_officer: User,
) -> None:
    people = [make_volunteer(f"志愿者{i}") for i in range(3)]
    mine = [
        hours.record_hours(
            volunteer=v,
            organization=organization,
            title="t",
            started_at=at(4, 9),
            ended_at=at(4, 11),
            source=HoursSource.ATTENDANCE,
            by=None,
        )
        for v in people
    ]
    theirs = hours.record_hours(
        volunteer=people[0],
        organization=other_organization,
        title="t",
        started_at=at(4, 12),
        ended_at=at(4, 13),
        source=HoursSource.ATTENDANCE,
        by=None,
    )
    decided = hours.decide_many(
        [r.pk for r in [*mine, theirs]], decision=HoursStatus.APPROVED, by=organization_account
    )
    assert decided == 3
    theirs.refresh_from_db()
    assert theirs.status == HoursStatus.PENDING
    assert [Volunteer.objects.get(pk=v.pk).approved_minutes for v in people] == [120, 120, 120]
    assert AuditEntry.objects.filter(event="people.decide_hours").count() == 3


# Accepted (not declined) hours never overlap for one person, whatever is attempted.
SPANS = st.lists(st.tuples(st.integers(0, 47), st.integers(1, 8), st.booleans()), min_size=1, max_size=12)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spans=SPANS)
def test_accepted_hours_never_overlap(
    spans: list[tuple[int, int, bool]],
    chen: Volunteer,
    organization: Organization,
    organization_account: User,
) -> None:
    # Examples share the database: start each from a clean slate.
    ServiceRecord.objects.filter(volunteer=chen).update(status=HoursStatus.DECLINED)
    Volunteer.objects.filter(pk=chen.pk).update(approved_minutes=0, star_level=0)
    base = at(5, 0)
    for start, length, decline in spans:
        begin = base + datetime.timedelta(hours=start / 2)
        try:
            made = record(chen, organization, organization_account, begin, length / 2)
        except DomainError:
            continue
        if decline:
            hours.decide_hours(made, decision=HoursStatus.DECLINED, reason="test", by=organization_account)
    kept = list(ServiceRecord.objects.filter(volunteer=chen).counting().order_by("started_at"))
    for earlier, later in itertools.pairwise(kept):
        assert earlier.ended_at <= later.started_at
    chen.refresh_from_db()
    assert chen.approved_minutes == sum(r.minutes for r in kept)


# Through the interface


def test_the_record_list_approves_ticked_records(
    chen: Volunteer, organization: Organization, organization_account: User, login: Login
) -> None:
    pending = hours.record_hours(
        volunteer=chen,
        organization=organization,
        title="巡河",
        started_at=at(1, 8),
        ended_at=at(1, 10),
        source=HoursSource.ATTENDANCE,
        by=None,
    )
    client = login(organization_account)
    page = client.get("/people/hours/?status=pending")
    assert "巡河" in page.content.decode()
    response = client.post(
        "/people/hours/decide/", {"ids": [pending.pk], "decision": "approved", "query": "status=pending"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == HoursStatus.APPROVED


def test_the_record_list_scopes_and_denies(
    chen: Volunteer,
    organization: Organization,
    organization_account: User,
    tianmuhu_officer: User,
    village_worker: User,
    client: Client,
    login: Login,
) -> None:
    made = record(chen, organization, organization_account, at(2, 9), 2)
    assert client.get("/people/hours/").status_code == 302
    assert login(tianmuhu_officer).get(f"/people/hours/{made.pk}/").status_code == 404
    # A village worker sees the record but may not decide it.
    worker = login(village_worker)
    assert worker.get(f"/people/hours/{made.pk}/").status_code == 200
    assert (
        worker.post(f"/people/hours/{made.pk}/", {"decision": "declined", "reason": "x"}).status_code == 403
    )
    assert (
        worker.post(
            "/people/hours/decide/", {"ids": [made.pk], "decision": "declined", "reason": "x"}
        ).status_code
        == 403
    )


def test_record_form_refuses_an_overlap_with_a_clear_message(
    chen: Volunteer, organization: Organization, organization_account: User, login: Login
) -> None:
    record(chen, organization, organization_account, at(2, 9), 3)
    fmt = "%Y-%m-%dT%H:%M"
    response = login(organization_account).post(
        "/people/hours/new/",
        {
            "volunteer_number": chen.number,
            "organization": organization.pk,
            "title": "再次登记",
            "started_at": timezone.localtime(at(2, 10)).strftime(fmt),
            "ended_at": timezone.localtime(at(2, 12)).strftime(fmt),
        },
    )
    assert response.status_code == 200
    assert (
        "不能重复计算" in response.content.decode() or "cannot be counted twice" in response.content.decode()
    )


def test_record_list_query_count_does_not_grow(
    make_volunteer: Callable[..., Volunteer],
    organization: Organization,
    organization_account: User,
    login: Login,
) -> None:
    client = login(organization_account)
    people = [make_volunteer(f"志愿者{i}") for i in range(3)]
    for v in people:
        record(v, organization, organization_account, at(2, 9), 2)
    with CaptureQueriesContext(connection) as few:
        client.get("/people/hours/")
    for v in people:
        record(v, organization, organization_account, at(3, 9), 2)
    with CaptureQueriesContext(connection) as more:
        client.get("/people/hours/")
    assert len(more) == len(few) <= 15


def test_entries_caused_by_organization_and_volunteer_accounts_are_in_the_administrators_scope(
    own_volunteer: Volunteer,
    organization: Organization,
    organization_account: User,
    volunteer: User,
    administrator: User,
    jintan_administrator: User,
) -> None:
    reported = hours.report_hours(
        volunteer=own_volunteer,
        organization=organization,
        title="社区清扫",
        started_at=at(2, 14),
        ended_at=at(2, 16),
        by=volunteer,
    )
    hours.decide_hours(reported, decision=HoursStatus.APPROVED, by=organization_account)
    ours = AuditEntry.objects.visible_to(administrator)
    by_volunteer = ours.filter(event="people.record_hours", actor=volunteer)
    by_organization = ours.filter(event="people.decide_hours", actor=organization_account)
    assert by_volunteer.exists() and by_organization.exists()
    assert by_volunteer.first().region_code == own_volunteer.region_id  # type: ignore[union-attr]
    assert (
        not AuditEntry.objects.visible_to(jintan_administrator)
        .filter(actor__in=[volunteer, organization_account])
        .exists()
    )
