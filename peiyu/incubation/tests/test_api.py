"""The incubation API: public incubators, residents in scope with their limits."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from peiyu.accounts.models import User
from peiyu.accounts.services import create_api_token
from peiyu.incubation.models import Incubator, Residency
from peiyu.incubation.services.common import add_months

pytestmark = pytest.mark.django_db
Admit = Callable[..., Residency]
Login = Callable[[User], Client]


def test_the_public_sees_operating_incubators(client: Client, incubator: Incubator, admit: Admit) -> None:
    admit(incubator, months=1)
    [found] = client.get("/api/v1/incubators").json()
    assert (found["name"], found["level"], found["residents"], found["capacity"]) == (
        "溧阳市社会组织孵化中心",
        "county",
        1,
        10,
    )
    assert "staff" not in found and "phone" not in found


def test_an_operator_token_lists_its_own_residents_with_their_limits(
    client: Client,
    incubator: Incubator,
    other_incubator: Incubator,
    admit: Admit,
    incubator_operator: User,
) -> None:
    late = admit(incubator, "逾期队", months=7)
    admit(incubator, "新队", months=1)
    theirs = admit(other_incubator, "他队", months=1)
    root = User.objects.create_superuser("root", password="x-Root-2026")
    _token, secret = create_api_token(owner=incubator_operator, name="对接", by=root)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    page = client.get("/api/v1/residencies", **headers).json()
    assert [r["name"] for r in page["items"]] == ["逾期队", "新队"]
    overdue = client.get("/api/v1/residencies?overdue=true", **headers).json()
    assert [(r["name"], r["overdue"]) for r in overdue["items"]] == [("逾期队", True)]
    one = client.get(f"/api/v1/residencies/{late.pk}", **headers).json()
    assert one["must_leave_by"] == add_months(late.started_on, 6).isoformat()
    assert one["earliest_graduation"] == add_months(late.started_on, 3).isoformat()
    # Another incubator's resident is not found; without credentials nothing is listed.
    assert client.get(f"/api/v1/residencies/{theirs.pk}", **headers).status_code == 404
    assert client.get("/api/v1/residencies").status_code == 401


def test_a_persona_without_incubation_sees_no_residents(
    incubator: Incubator, admit: Admit, organization_account: User, login: Login
) -> None:
    residency = admit(incubator, months=1)
    client = login(organization_account)
    assert client.get("/api/v1/residencies").status_code == 404
    assert client.get(f"/api/v1/residencies/{residency.pk}").status_code == 404
