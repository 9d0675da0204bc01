"""Fixtures of the people app: two organizations in two towns (one bound to the organization
persona), and the volunteer persona's own volunteer record in 戴埠镇."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from peiyu.accounts.models import User
from peiyu.lib import idcard
from peiyu.orgs.models import Organization
from peiyu.people.models import RegisteredVia, Volunteer
from peiyu.people.services.volunteers import register_volunteer
from peiyu.testing import DAIBU, TIANMUHU, first_village

_sequence = iter(range(100, 999))


def id_number(birth: datetime.date = datetime.date(1990, 5, 17)) -> str:
    """A fresh valid identity number of 溧阳市."""
    return idcard.make(region="320481", birth=birth, sequence=next(_sequence))


def make_organization(name: str, town: str) -> Organization:
    return Organization.objects.create(
        name=name,
        source="filed",
        filing_number=f"{town}-2026-{Organization.objects.count() + 1:04d}",
        region=first_village(town),
        authority_id=town.ljust(12, "0"),
        leader_name="王五",
        leader_phone="13912345678",
        contact_phone="13987654321",
    )


@pytest.fixture
def organization(organization_account: User) -> Organization:
    """戴埠镇's volunteer association, run by the organization persona."""
    org = make_organization("戴埠镇志愿者协会", DAIBU)
    org.accounts.add(organization_account)
    return org


@pytest.fixture
def other_organization(regions: None) -> Organization:
    return make_organization("天目湖镇邻里互助会", TIANMUHU)


@pytest.fixture
def make_volunteer(regions: None) -> Callable[..., Volunteer]:
    def make(
        name: str = "陈小红", town: str = DAIBU, account: User | None = None, **extra: object
    ) -> Volunteer:
        return register_volunteer(
            name=name,
            id_type="resident",
            id_number=id_number(),
            phone="13612345678",
            region=first_village(town),
            via=RegisteredVia.STAFF,
            by=None,
            account=account,
            **extra,  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
def own_volunteer(volunteer: User, make_volunteer: Callable[..., Volunteer]) -> Volunteer:
    """The volunteer persona's record."""
    return make_volunteer("林志愿", account=volunteer)
