from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peiyu.accounts.models import User
from peiyu.core.models import AuditEntry
from peiyu.regions.models import Region
from peiyu.testing import first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def test_anonymous_is_sent_to_sign_in(client: Client, regions: None) -> None:
    response = client.get("/regions/320481/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_county_officer_sees_the_county_and_its_towns(county_officer: User, login: Login) -> None:
    response = login(county_officer).get("/regions/320481/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "戴埠镇" in content
    assert "天目湖镇" in content
    assert len(response.context["page"].object_list) == 14


def test_region_list_opens_the_users_own_region(daibu_officer: User, login: Login) -> None:
    response = login(daibu_officer).get("/regions/")
    assert response["Location"] == "/regions/320481103/"


def test_town_officer_sees_only_its_own_villages(daibu_officer: User, login: Login) -> None:
    client = login(daibu_officer)
    response = client.get("/regions/320481103/")
    assert response.status_code == 200
    codes = {r.code for r in response.context["page"].object_list}
    assert codes and all(code.startswith("320481103") for code in codes)
    # A sibling town and the county above are out of scope: 404, like a missing region.
    assert client.get("/regions/320481106/").status_code == 404
    assert client.get("/regions/320481/").status_code == 404
    assert client.get("/regions/320413/").status_code == 404
    assert client.get("/regions/999999/").status_code == 404
    assert client.get("/regions/not-a-code/").status_code == 404


def test_search_stays_inside_the_scope(tianmuhu_officer: User, login: Login) -> None:
    response = login(tianmuhu_officer).get("/regions/", {"q": "戴埠"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    response = login(tianmuhu_officer).get("/regions/", {"q": "320481106"})
    assert len(response.context["page"].object_list) > 1


def test_accounts_without_the_permission_are_refused(organization_account: User, login: Login) -> None:
    assert login(organization_account).get("/regions/320481/").status_code == 403


def test_town_officer_sets_a_village_population_and_it_is_audited(daibu_officer: User, login: Login) -> None:
    village = first_village("320481103")
    url = f"/regions/{village.code}/edit/"
    client = login(daibu_officer)
    form = client.get(url).context["form"]
    response = client.post(url, {"population": 3210, "is_urban": "true", "version": form.initial["version"]})
    assert response.status_code == 302
    village.refresh_from_db()
    assert (village.population, village.is_urban) == (3210, True)
    entry = AuditEntry.objects.get(event="regions.update", object_pk=village.code)
    assert entry.actor == daibu_officer
    assert entry.region_code == "320481103000"
    assert entry.changes_dict["population"] == [None, 3210]


def test_a_stale_edit_is_refused_and_overwrites_nothing(daibu_officer: User, login: Login) -> None:
    village = first_village("320481103")
    url = f"/regions/{village.code}/edit/"
    client = login(daibu_officer)
    seen = client.get(url).context["form"].initial["version"]
    client.post(url, {"population": 1000, "is_urban": "", "version": seen})
    response = client.post(url, {"population": 9999, "is_urban": "", "version": seen})
    assert response.status_code == 200
    assert (
        "changed by someone else" in response.content.decode() or "已被他人修改" in response.content.decode()
    )
    village.refresh_from_db()
    assert village.population == 1000


def test_editing_outside_the_scope_or_without_permission_is_refused(
    tianmuhu_officer: User, village_worker: User, login: Login
) -> None:
    village = first_village("320481103")
    url = f"/regions/{village.code}/edit/"
    assert login(tianmuhu_officer).post(url, {"population": 5}).status_code == 404
    assert login(village_worker).post(url, {"population": 5}).status_code == 403
    village.refresh_from_db()
    assert village.population is None


def test_invalid_population_is_explained(daibu_officer: User, login: Login) -> None:
    village = first_village("320481103")
    response = login(daibu_officer).post(f"/regions/{village.code}/edit/", {"population": "-4"})
    assert response.status_code == 200
    assert response.context["form"].errors["population"]


def test_detail_query_count_does_not_grow_with_children(county_officer: User, login: Login) -> None:
    client = login(county_officer)
    client.get("/regions/320481/")  # warm the session and permission caches alike
    with CaptureQueriesContext(connection) as county:
        client.get("/regions/320481/")  # 14 towns
    with CaptureQueriesContext(connection) as town:
        client.get("/regions/320481103/")  # its villages
    assert Region.objects.filter(parent_id="320481103000").count() > 14
    assert len(county) == len(town) <= 15
