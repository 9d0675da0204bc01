"""Fixtures of the incubation app: 溧阳市's county incubation centre run by the incubator
persona, 天目湖镇's town station run by another operator, and a factory of residents admitted
through the real intake services ``months`` ago."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.incubation.models import Incubator, IntakeStatus, Level, Residency
from peiyu.incubation.services import incubators, intake
from peiyu.incubation.services.common import add_months
from peiyu.orgs.models import Field, Organization
from peiyu.testing import DAIBU, LIYANG, TIANMUHU, first_village, make_user, region


def make_incubator(name: str, code: str, level: str, capacity: int = 10) -> Incubator:
    return incubators.create_incubator(
        values=incubators.IncubatorValues(
            name=name,
            level=level,
            region=region(code),
            address=f"{region(code).name}燕山中路1号",
            capacity=capacity,
            fields=list(Field.objects.filter(is_active=True)[:3]),
            description="为初创社会组织提供场地、培训和登记辅导。",
        ),
        by=None,
    )


@pytest.fixture
def incubator(incubator_operator: User) -> Incubator:
    """溧阳市's county centre, run by the incubator persona."""
    centre = make_incubator("溧阳市社会组织孵化中心", LIYANG, Level.COUNTY)
    centre.accounts.add(incubator_operator)
    return centre


@pytest.fixture
def other_operator(regions: None) -> User:
    return make_user("tianmuhu-station", "incubator_operator", None)


@pytest.fixture
def other_incubator(other_operator: User) -> Incubator:
    """天目湖镇's town station, run by another operator."""
    station = make_incubator("天目湖镇社会组织孵化站", TIANMUHU, Level.TOWN)
    station.accounts.add(other_operator)
    return station


@pytest.fixture
def admit(county_officer: User) -> Callable[..., Residency]:
    """Admit a group (or ``organization``) into ``incubator``, starting ``months`` ago (or on
    ``started_on``), through submit_intake and decide_intake."""

    def make(
        incubator: Incubator,
        name: str = "戴埠镇邻里守望队",
        *,
        months: int = 0,
        started_on: datetime.date | None = None,
        organization: Organization | None = None,
        town: str = DAIBU,
    ) -> Residency:
        application = intake.submit_intake(
            incubator=incubator,
            applicant=intake.Applicant(
                name=organization.name if organization else name,
                region=organization.region if organization else first_village(town),
                contact_name="李四",
                contact_phone="13812345678",
                plan="组织村民开展邻里守望和矛盾纠纷排查。",
                applicant_kind="organization" if organization else "group",
                organization=organization,
                members=8,
            ),
            by=county_officer,
        )
        start = started_on or add_months(timezone.localdate(), -months)
        intake.decide_intake(application, decision=IntakeStatus.ADMITTED, by=county_officer, started_on=start)
        return Residency.objects.get(intake=application)

    return make
