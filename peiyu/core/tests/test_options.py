"""Local settings: an administrator overrides a default for their region; regions below
inherit it; nobody else may change it; a bad value is refused with a clear message."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from peiyu.accounts.models import User
from peiyu.core import options
from peiyu.core.exceptions import PermissionRefused
from peiyu.core.models import AuditEntry, OptionValue
from peiyu.core.services import set_option
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, DAIBU, first_village, region

Login = Callable[[User], Client]
KEY = "people.star_thresholds"


def test_an_administrator_overrides_and_the_villages_inherit(administrator: User, login: Login) -> None:
    client = login(administrator)
    assert "100, 300, 600, 1000, 1500" in client.get("/settings/").content.decode()
    response = client.post("/settings/", {"key": KEY, "value": "50，150、400, 800, 1200"})
    assert response.status_code == 302
    assert options.value_of(KEY, first_village(DAIBU).code) == [50, 150, 400, 800, 1200]
    assert options.effective(KEY, first_village(DAIBU).code)[1] == administrator.region_id
    assert options.value_of(KEY, region(CHANGZHOU_OTHER_COUNTY).code) == [100, 300, 600, 1000, 1500]
    assert AuditEntry.objects.filter(event="core.set_option", actor=administrator).exists()
    client.post("/settings/", {"key": KEY, "value": ""})
    assert not OptionValue.objects.exists()


def test_a_bad_value_is_refused_with_its_reason(administrator: User, login: Login) -> None:
    response = login(administrator).post("/settings/", {"key": KEY, "value": "300, 100"}, follow=True)
    assert not OptionValue.objects.exists()
    assert response.status_code == 200 and len(list(response.context["messages"])) == 1


def test_only_administrators_in_scope_change_settings(
    county_officer: User, jintan_administrator: User, administrator: User, login: Login, client: Client
) -> None:
    assert client.get("/settings/").status_code == 302
    assert login(county_officer).get("/settings/").status_code == 403
    assert login(county_officer).post("/settings/", {"key": KEY, "value": "1, 2"}).status_code == 403
    with pytest.raises(PermissionRefused):
        set_option(key=KEY, region=region(DAIBU), text="1, 2", by=jintan_administrator)
    assert not OptionValue.objects.exists()
