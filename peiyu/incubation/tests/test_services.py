"""The incubation services at their boundaries: the residency's length, extensions, graduation
into the registry's workflow, subsidy caps, and who sees what."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from peiyu.accounts.models import User
from peiyu.core.exceptions import ConflictError, DomainError, PermissionRefused, TransitionError
from peiyu.core.services import set_option
from peiyu.incubation.models import (
    ExtensionStatus,
    Incubator,
    Residency,
    ResidencyStatus,
    Subsidy,
    SubsidyKind,
    SubsidyStatus,
)
from peiyu.incubation.services import graduation, intake, residencies, subsidies
from peiyu.incubation.services.common import add_months
from peiyu.incubation.tests.conftest import make_incubator
from peiyu.lib import uscc
from peiyu.orgs import services as registry
from peiyu.orgs.models import Application, ApplicationStatus, Event, Organization, Source
from peiyu.testing import DAIBU, LIYANG, first_village, region

pytestmark = pytest.mark.django_db
Admit = Callable[..., Residency]


@contextlib.contextmanager
def on(day: datetime.date) -> Iterator[None]:
    """Run as if it were ``day`` at ten in the morning, Beijing time."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def filing_payload(residency: Residency) -> dict[str, object]:
    return {
        "name": residency.name,
        "source": Source.FILED,
        "region": residency.region_id,
        "activity_fields": [],
        "target_groups": [],
        "party_organization": "none",
        "description": "邻里守望",
    }


# Month arithmetic ------------------------------------------------------------------------


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)
    assert add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 1, 1)), st.integers(0, 60))
def test_add_months_moves_by_whole_months(day: datetime.date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day == day.day or (later.day < day.day and (later + datetime.timedelta(days=1)).day == 1)


# Admission and the residency's length ----------------------------------------------------


def test_admission_sets_the_maximum_and_numbers_the_agreement(incubator: Incubator, admit: Admit) -> None:
    with on(datetime.date(2026, 1, 31)):
        residency = admit(incubator, started_on=datetime.date(2026, 1, 31))
    assert residency.planned_end_on == datetime.date(2026, 7, 31)
    assert residency.agreement_number.endswith("孵〔2026〕1号")
    assert residency.status == ResidencyStatus.ACTIVE


def test_a_full_incubator_admits_nobody(county_officer: User, admit: Admit) -> None:
    small = make_incubator("戴埠镇社会组织孵化站", DAIBU, "town", capacity=1)
    admit(small, "第一队")
    with pytest.raises(DomainError, match="1"):
        admit(small, "第二队")


def test_graduation_starts_on_the_day_the_minimum_is_reached(
    incubator: Incubator, admit: Admit, incubator_operator: User
) -> None:
    with on(datetime.date(2026, 1, 31)):
        residency = admit(incubator, started_on=datetime.date(2026, 1, 31))
    # 31 January + 3 months is 30 April (April has no 31st).
    with on(datetime.date(2026, 4, 29)), pytest.raises(DomainError, match="2026-04-30"):
        graduation.start_graduation(
            residency, by=incubator_operator, kind="filing", payload=filing_payload(residency)
        )
    with on(datetime.date(2026, 4, 30)):
        residency = graduation.start_graduation(
            residency, by=incubator_operator, kind="filing", payload=filing_payload(residency)
        )
    assert residency.status == ResidencyStatus.GRADUATING


def test_the_minimum_is_a_local_setting(
    incubator: Incubator, admit: Admit, administrator: User, incubator_operator: User
) -> None:
    with on(datetime.date(2026, 1, 10)):
        residency = admit(incubator, started_on=datetime.date(2026, 1, 10))
    assert residencies.earliest_graduation(residency) == datetime.date(2026, 4, 10)
    set_option(key="incubation.min_months", region=region(LIYANG), text="4", by=administrator)
    assert residencies.earliest_graduation(residency) == datetime.date(2026, 5, 10)


def test_overdue_from_the_day_after_the_end(incubator: Incubator, admit: Admit) -> None:
    with on(datetime.date(2026, 1, 31)):
        residency = admit(incubator, started_on=datetime.date(2026, 1, 31))
    current = Residency.objects.filter(pk=residency.pk)
    assert not current.overdue(datetime.date(2026, 7, 31)).exists()
    assert current.overdue(datetime.date(2026, 8, 1)).exists()
    # The reminder window: 30 days before the end, inclusive.
    assert current.ending_within(datetime.date(2026, 7, 1), datetime.date(2026, 7, 31)).exists()
    assert not current.ending_within(datetime.date(2026, 6, 30), datetime.date(2026, 7, 30)).exists()


def test_services_only_inside_the_residency(
    incubator: Incubator, admit: Admit, incubator_operator: User
) -> None:
    residency = admit(incubator, months=2)
    values = residencies.ServiceValues(
        kind="policy", delivered_on=residency.started_on, provider="孵化中心", hours=Decimal("1.5")
    )
    assert residencies.record_service(residency, values=values, by=incubator_operator).hours == Decimal("1.5")
    before = residencies.ServiceValues(
        kind="policy",
        delivered_on=residency.started_on - datetime.timedelta(days=1),
        provider="孵化中心",
        hours=Decimal(1),
    )
    with pytest.raises(DomainError):
        residencies.record_service(residency, values=before, by=incubator_operator)
    with pytest.raises(PermissionRefused):
        residencies.record_service(
            residency, values=values, by=User.objects.create(username="nobody", account_type="volunteer")
        )


def test_attendance_takes_only_the_incubators_residents(
    incubator: Incubator, other_incubator: Incubator, admit: Admit, incubator_operator: User
) -> None:
    ours = admit(incubator, "甲队", months=2)
    theirs = admit(other_incubator, "乙队", months=2)
    training = residencies.create_training_event(
        incubator,
        values=residencies.EventValues(
            title="登记辅导", held_on=timezone.localdate(), hours=Decimal(2), provider="民政局"
        ),
        by=incubator_operator,
    )
    with pytest.raises(DomainError):
        residencies.record_attendance(training, attendance={ours.pk: 2, theirs.pk: 1}, by=incubator_operator)
    assert residencies.record_attendance(training, attendance={ours.pk: 2}, by=incubator_operator) == 1
    assert ours.services.get().attendees == 2


# Extensions and early exit ---------------------------------------------------------------


def test_extension_up_to_the_longest_and_approved_by_the_office(
    incubator: Incubator, admit: Admit, incubator_operator: User, county_officer: User
) -> None:
    with on(datetime.date(2026, 1, 31)):
        residency = admit(incubator, started_on=datetime.date(2026, 1, 31))
    with on(datetime.date(2026, 7, 1)):
        with pytest.raises(DomainError, match="3"):
            residencies.request_extension(residency, months=4, reason="等待备案", by=incubator_operator)
        with pytest.raises(DomainError):
            residencies.request_extension(residency, months=2, reason=" ", by=incubator_operator)
        extension = residencies.request_extension(
            residency, months=3, reason="等待备案", by=incubator_operator
        )
        with pytest.raises(ConflictError):
            residencies.request_extension(residency, months=1, reason="再次", by=incubator_operator)
        with pytest.raises(PermissionRefused):
            residencies.decide_extension(extension, decision="approved", by=incubator_operator)
        with pytest.raises(ConflictError):
            residencies.decide_extension(extension, decision="approved", by=county_officer, seen_version=9)
        residencies.decide_extension(extension, decision="approved", by=county_officer, seen_version=1)
    residency.refresh_from_db()
    # 31 July + 3 months is 31 October.
    assert residency.planned_end_on == datetime.date(2026, 10, 31)
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    with pytest.raises(TransitionError):
        residencies.decide_extension(extension, decision="declined", note="迟了", by=county_officer)


def test_declining_an_extension_needs_a_reason(
    incubator: Incubator, admit: Admit, incubator_operator: User, county_officer: User
) -> None:
    residency = admit(incubator, months=5)
    extension = residencies.request_extension(residency, months=1, reason="项目未完成", by=incubator_operator)
    with pytest.raises(DomainError):
        residencies.decide_extension(extension, decision="declined", by=county_officer)
    residencies.decide_extension(extension, decision="declined", note="已满六个月", by=county_officer)
    residency.refresh_from_db()
    assert residency.planned_end_on == add_months(residency.started_on, 6)


def test_early_exit_needs_a_reason_and_ends_the_residency(
    incubator: Incubator, admit: Admit, incubator_operator: User
) -> None:
    residency = admit(incubator, months=1)
    with pytest.raises(DomainError):
        residencies.exit_residency(residency, reason="", by=incubator_operator)
    residency = residencies.exit_residency(residency, reason="骨干外出务工，团队解散", by=incubator_operator)
    assert residency.status == ResidencyStatus.EXITED
    assert residency.ended_on == timezone.localdate()
    with pytest.raises(TransitionError):
        residencies.exit_residency(residency, reason="再次", by=incubator_operator)
    assert residency.events.filter(action="exited", note__contains="务工").exists()


# Graduation into the registry ------------------------------------------------------------


def test_graduation_follows_the_towns_filing(
    incubator: Incubator, admit: Admit, incubator_operator: User, daibu_officer: User
) -> None:
    residency = admit(incubator, months=4)
    residency = graduation.start_graduation(
        residency, by=incubator_operator, kind="filing", payload=filing_payload(residency)
    )
    application = Application.objects.get(pk=residency.application_id)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.payload["established_how"] == "incubated"
    registry.decide_application(application, decision="approved", by=daibu_officer)
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.GRADUATED
    assert residency.ended_on == timezone.localdate()
    organization = Organization.objects.get(pk=residency.organization_id)
    assert organization.source == Source.FILED
    # Both histories link: the residency holds the application, the organization says where.
    assert Event.objects.filter(
        organization=organization, action="graduated", note__contains=incubator.name
    ).exists()
    assert residency.events.filter(action="graduated").exists()
    # A filing is not a registration: no start-up subsidy.
    assert not Subsidy.objects.filter(kind=SubsidyKind.STARTUP).exists()


def test_a_refused_or_withdrawn_filing_sends_the_resident_back(
    incubator: Incubator, admit: Admit, incubator_operator: User, daibu_officer: User
) -> None:
    residency = admit(incubator, months=4)
    residency = graduation.start_graduation(
        residency, by=incubator_operator, kind="filing", payload=filing_payload(residency)
    )
    registry.decide_application(
        Application.objects.get(pk=residency.application_id),
        decision="returned",
        note="补充章程",
        by=daibu_officer,
    )
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.GRADUATING
    residency = graduation.withdraw_graduation(residency, by=incubator_operator)
    assert residency.status == ResidencyStatus.ACTIVE
    residency = graduation.start_graduation(
        residency, by=incubator_operator, kind="filing", payload=filing_payload(residency)
    )
    registry.decide_application(
        Application.objects.get(pk=residency.application_id),
        decision="rejected",
        note="名称不规范",
        by=daibu_officer,
    )
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.ACTIVE
    assert list(residency.events.values_list("action", flat=True)) == [
        "admitted",
        "graduating",
        "returned",
        "active",
        "graduating",
        "active",
    ]


def test_registration_graduates_a_filed_resident_and_grants_the_start_up_subsidy(
    incubator: Incubator, admit: Admit, organization_account: User, county_officer: User
) -> None:
    filed = Organization.objects.create(
        name="戴埠镇银龄调解队",
        source=Source.FILED,
        filing_number="320481103-2025-0009",
        region=first_village(DAIBU),
        authority_id=DAIBU.ljust(12, "0"),
    )
    filed.accounts.add(organization_account)
    residency = admit(incubator, organization=filed, months=5)
    # The organization applies to register on its own; its residency follows the decision.
    application = registry.submit_application(
        kind="registration",
        payload={**registry.payload_of(filed), "legal_form": "service_institution"},
        region=filed.region,
        organization=filed,
        by=organization_account,
    )
    code = uscc.make(department_type="52", division="320481", body8="MJ123456")
    registry.decide_application(application, decision="approved", by=county_officer, assigned_uscc=code)
    residency.refresh_from_db()
    assert residency.status == ResidencyStatus.GRADUATED
    startup = Subsidy.objects.get(kind=SubsidyKind.STARTUP)
    assert (startup.amount, startup.organization_id, startup.status) == (
        Decimal(30000),
        filed.pk,
        SubsidyStatus.GRANTED,
    )
    # Once per organization.
    assert subsidies.grant_startup_subsidy(residency, organization=filed, by=county_officer) is None


def test_graduating_before_admission_is_refused_for_a_registered_resident(
    incubator: Incubator, admit: Admit, incubator_operator: User
) -> None:
    residency = admit(incubator, months=4)
    with pytest.raises(DomainError):
        graduation.start_graduation(residency, by=incubator_operator, kind=None)
    with pytest.raises(PermissionRefused):
        graduation.start_graduation(
            residency,
            by=User.objects.create(username="x", account_type="volunteer"),
            kind="filing",
            payload=filing_payload(residency),
        )


# Subsidies -------------------------------------------------------------------------------


def test_residency_subsidy_cap_per_year(
    incubator: Incubator, admit: Admit, county_officer: User, incubator_operator: User
) -> None:
    with on(datetime.date(2026, 9, 1)):
        residency = admit(incubator, started_on=datetime.date(2026, 9, 1))
    grant = subsidies.grant_residency_subsidy
    grant(residency, amount=Decimal("20000"), year=2026, by=county_officer)
    with pytest.raises(DomainError, match=r"10,000\.00"):
        grant(residency, amount=Decimal("10000.01"), year=2026, by=county_officer)
    last = grant(residency, amount=Decimal("10000"), year=2026, by=county_officer)
    assert subsidies.residency_subsidy_room(residency, 2026) == 0
    # A cancelled grant frees its room; the next year starts again.
    subsidies.cancel_subsidy(last, reason="重复申报", by=county_officer)
    assert subsidies.residency_subsidy_room(residency, 2026) == Decimal(10000)
    assert grant(residency, amount=Decimal("30000"), year=2027, by=county_officer).year == 2027
    with pytest.raises(DomainError):
        grant(residency, amount=Decimal("1"), year=2025, by=county_officer)
    with pytest.raises(PermissionRefused):
        grant(residency, amount=Decimal("1"), year=2026, by=incubator_operator)


def test_the_cap_follows_the_organization_across_incubators(
    incubator: Incubator, other_incubator: Incubator, admit: Admit, county_officer: User
) -> None:
    filed = Organization.objects.create(
        name="天目湖镇法治宣讲团",
        source=Source.FILED,
        filing_number="320481106-2025-0003",
        region=first_village("320481106"),
    )
    first = admit(incubator, organization=filed, started_on=datetime.date(2026, 1, 5))
    subsidies.grant_residency_subsidy(first, amount=Decimal(25000), year=2026, by=county_officer)
    Residency.objects.filter(pk=first.pk).update(
        status=ResidencyStatus.EXITED, ended_on=datetime.date(2026, 3, 1)
    )
    second = admit(other_incubator, organization=filed, started_on=datetime.date(2026, 3, 2))
    assert subsidies.residency_subsidy_room(second, 2026) == Decimal(5000)


def test_paying_needs_a_past_date_and_a_voucher(
    incubator: Incubator, admit: Admit, county_officer: User
) -> None:
    residency = admit(incubator, months=1)
    subsidy = subsidies.grant_residency_subsidy(
        residency, amount=Decimal(5000), year=timezone.localdate().year, by=county_officer
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        subsidies.pay_subsidy(subsidy, paid_on=tomorrow, voucher="记-001", by=county_officer)
    with pytest.raises(DomainError):
        subsidies.pay_subsidy(subsidy, paid_on=timezone.localdate(), voucher=" ", by=county_officer)
    paid = subsidies.pay_subsidy(subsidy, paid_on=timezone.localdate(), voucher="记-001", by=county_officer)
    assert paid.status == SubsidyStatus.PAID
    with pytest.raises(TransitionError):
        subsidies.cancel_subsidy(paid, reason="错", by=county_officer)
    totals = Subsidy.objects.totals()
    assert [(t["incubator__name"], t["paid"], t["to_pay"]) for t in totals] == [
        (incubator.name, Decimal(5000), Decimal(0))
    ]


# Intake ----------------------------------------------------------------------------------


def test_review_scores_every_line_within_its_maximum(
    incubator: Incubator, incubator_operator: User, county_officer: User
) -> None:
    application = intake.submit_intake(
        incubator=incubator,
        applicant=intake.Applicant(
            name="上黄镇邻里守望队",
            region=first_village("320481101"),
            contact_name="王",
            contact_phone="13812345678",
            plan="巡逻",
        ),
        by=incubator_operator,
    )
    lines = {c.pk: c.max_points for c in incubator.criteria.filter(is_active=True)}
    with pytest.raises(DomainError):
        intake.review_intake(application, scores=dict.fromkeys(list(lines)[1:], 1), by=incubator_operator)
    too_many = {pk: top + 1 for pk, top in lines.items()}
    with pytest.raises(DomainError):
        intake.review_intake(application, scores=too_many, by=incubator_operator)
    intake.review_intake(application, scores=lines, by=incubator_operator)
    intake.review_intake(application, scores=dict.fromkeys(lines, 0), by=county_officer)
    application.refresh_from_db()
    assert intake.average_score(application) == Decimal(50)
    with pytest.raises(ConflictError):
        intake.submit_intake(
            incubator=incubator,
            applicant=intake.Applicant(
                name="上黄镇邻里守望队",
                region=application.region,
                contact_name="王",
                contact_phone="1",
                plan="x",
            ),
            by=incubator_operator,
        )


# Who sees what ---------------------------------------------------------------------------


def test_an_operator_sees_only_its_own_incubators_residents(
    incubator: Incubator,
    other_incubator: Incubator,
    admit: Admit,
    incubator_operator: User,
    other_operator: User,
    county_officer: User,
    tianmuhu_officer: User,
    daibu_officer: User,
) -> None:
    ours = admit(incubator, "甲队", months=1)
    theirs = admit(other_incubator, "乙队", months=1)
    assert list(Residency.objects.visible_to(incubator_operator)) == [ours]
    assert list(Residency.objects.visible_to(other_operator)) == [theirs]
    assert set(Residency.objects.visible_to(county_officer)) == {ours, theirs}
    # A town sees its own station, not the county's centre nor another town's.
    assert list(Residency.objects.visible_to(tianmuhu_officer)) == [theirs]
    assert not Residency.objects.visible_to(daibu_officer).exists()
    assert list(Incubator.objects.visible_to(incubator_operator)) == [incubator]
