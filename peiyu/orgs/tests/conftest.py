from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from peiyu.accounts.models import User
from peiyu.lib import uscc
from peiyu.orgs import services
from peiyu.orgs.models import Application, Organization
from peiyu.testing import DAIBU, LIYANG, TIANMUHU, first_village, region

Codes = Callable[[str], str]


def credit_code(body: str, department_type: str = "51") -> str:
    """A valid civil-affairs credit code of 溧阳市 from six body characters."""
    return uscc.make(department_type=department_type, division=LIYANG, body8=f"MJ{body}")


def filing_payload(name: str, town: str = DAIBU, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "source": "filed",
        "region": first_village(town).code,
        "leader_name": "张三",
        "leader_phone": "13912345678",
        "activity_fields": ["dispute"],
        "party_organization": "none",
        **extra,
    }


def registration_payload(name: str, legal_form: str = "association", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "source": "registered",
        "legal_form": legal_form,
        "category": "charity",
        "development_type": "professional",
        "region": region(LIYANG).code,
        "leader_name": "李四",
        "leader_phone": "13800001111",
        "party_organization": "none",
        **extra,
    }


@pytest.fixture
def filed_org(daibu_officer: User) -> Organization:
    """A filed community organization of 戴埠镇, through the real workflow."""
    application = services.submit_application(
        kind="filing",
        payload=filing_payload("戴埠镇百姓议事堂"),
        region=first_village(DAIBU),
        by=daibu_officer,
    )
    services.decide_application(application, decision="approved", by=daibu_officer)
    application.refresh_from_db()
    assert application.organization is not None
    return application.organization


@pytest.fixture
def registered_org(county_officer: User) -> Organization:
    application = services.submit_application(
        kind="registration",
        payload=registration_payload("溧阳市人民调解协会"),
        region=region(LIYANG),
        by=county_officer,
    )
    services.decide_application(
        application, decision="approved", assigned_uscc=credit_code("000001"), by=county_officer
    )
    application.refresh_from_db()
    assert application.organization is not None
    return application.organization


@pytest.fixture
def tianmuhu_org(tianmuhu_officer: User) -> Organization:
    application = services.submit_application(
        kind="filing",
        payload=filing_payload("天目湖广场舞队", TIANMUHU),
        region=first_village(TIANMUHU),
        by=tianmuhu_officer,
    )
    services.decide_application(application, decision="approved", by=tianmuhu_officer)
    application.refresh_from_db()
    assert application.organization is not None
    return application.organization


def open_filing(by: User | None, name: str = "戴埠镇老年协会") -> Application:
    return services.submit_application(
        kind="filing", payload=filing_payload(name), region=first_village(DAIBU), by=by
    )
