"""The activities API: records by scope and the figures of a region in the caller's scope."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.activities.models import Mediator
from peiyu.activities.tests.test_activities import held
from peiyu.activities.tests.test_mediation import agreed, registered
from peiyu.orgs.models import Organization
from peiyu.testing import DAIBU

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = timezone.localdate()


def test_figures_follow_the_callers_scope(
    village_worker: User, daibu_officer: User, tianmuhu_officer: User, mediator: Mediator, login: Login
) -> None:
    agreed(registered(village_worker), village_worker, mediator)
    registered(village_worker)
    when = TODAY - datetime.timedelta(days=20)
    query = f"year={when.year}&month={when.month}"
    town = login(daibu_officer).get(f"/api/v1/activities/figures?{query}")
    assert town.status_code == 200
    body = town.json()
    assert body["region_code"] == DAIBU + "000"
    assert (body["registered"], body["succeeded"], body["amount"]) == (2, 1, float(Decimal(1600)))
    assert body["handled_rate"] == 50.0 and body["success_rate"] == 100.0
    other = login(tianmuhu_officer)
    assert other.get(f"/api/v1/activities/figures?region={DAIBU}&{query}").status_code == 404
    assert other.get(f"/api/v1/activities/figures?{query}").json()["registered"] == 0
    assert other.get("/api/v1/activities/figures?month=13").status_code == 422
    assert Client().get("/api/v1/activities/figures").status_code == 401


def test_activities_are_listed_by_scope(
    organization: Organization,
    organization_account: User,
    tianmuhu_officer: User,
    volunteer: User,
    login: Login,
) -> None:
    held(organization, organization_account)
    own = login(organization_account).get("/api/v1/activities").json()
    assert own["count"] == 1 and own["items"][0]["organization_id"] == organization.pk
    assert login(tianmuhu_officer).get("/api/v1/activities").json()["count"] == 0
    assert login(volunteer).get("/api/v1/activities").status_code == 404
