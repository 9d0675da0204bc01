from collections.abc import Callable

import pytest
from django.test import Client

from peiyu.accounts.models import ApiToken, User
from peiyu.core.models import AuditEntry

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]

NEW_ACCOUNT = {
    "username": "shangxing",
    "display_name": "上兴镇 周干事",
    "role": "town_officer",
    "region_code": "320481109",
    "phone": "13912345678",
    "email": "",
    "password": "Strong-pass-2026",
}


def test_administrator_creates_a_town_officer(administrator: User, login: Login) -> None:
    response = login(administrator).post("/accounts/users/new/", NEW_ACCOUNT)
    assert response.status_code == 302
    created = User.objects.get(username="shangxing")
    assert created.region_id == "320481109000"
    assert created.groups.get().name == "town_officer"
    entry = AuditEntry.objects.get(
        event="accounts.create", action=AuditEntry.Action.CREATE, object_pk=str(created.pk)
    )
    assert entry.actor == administrator
    # Personal fields are masked in the audit trail.
    assert entry.changes_dict["phone"][1] == "139****5678"
    assert "13912345678" not in str(entry.changes)


def test_accounts_cannot_be_created_outside_the_administrators_region(
    jintan_administrator: User, login: Login
) -> None:
    response = login(jintan_administrator).post("/accounts/users/new/", NEW_ACCOUNT)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["您只能在本辖区内创建账号。"]
    assert not User.objects.filter(username="shangxing").exists()


def test_staff_accounts_need_a_region_and_a_valid_one(administrator: User, login: Login) -> None:
    client = login(administrator)
    response = client.post("/accounts/users/new/", {**NEW_ACCOUNT, "region_code": ""})
    assert response.context["form"].errors["region_code"]
    response = client.post("/accounts/users/new/", {**NEW_ACCOUNT, "region_code": "999999"})
    assert response.context["form"].errors["region_code"]
    response = client.post("/accounts/users/new/", {**NEW_ACCOUNT, "password": "weak"})
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="shangxing").exists()


def test_only_administrators_create_accounts(client: Client, county_officer: User, login: Login) -> None:
    assert client.post("/accounts/users/new/", NEW_ACCOUNT).status_code == 302  # anonymous → sign in
    assert login(county_officer).post("/accounts/users/new/", NEW_ACCOUNT).status_code == 403
    assert not User.objects.filter(username="shangxing").exists()


def test_user_list_is_scoped(
    administrator: User, daibu_officer: User, jintan_administrator: User, login: Login
) -> None:
    names = {u.username for u in login(administrator).get("/accounts/users/").context["page"].object_list}
    assert {"admin", "daibu"} <= names
    assert "jintan-admin" not in names
    assert login(jintan_administrator).get(f"/accounts/users/{daibu_officer.pk}/").status_code == 404
    town_view = {u.username for u in login(daibu_officer).get("/accounts/users/").context["page"].object_list}
    assert town_view == {"daibu"}


def test_deactivation_asks_for_post_and_respects_scope(
    administrator: User, daibu_officer: User, jintan_administrator: User, login: Login
) -> None:
    url = f"/accounts/users/{daibu_officer.pk}/active/"
    assert login(jintan_administrator).post(url, {"active": "0"}).status_code == 404
    assert login(administrator).get(url).status_code == 405
    assert login(administrator).post(url, {"active": "0"}).status_code == 302
    daibu_officer.refresh_from_db()
    assert not daibu_officer.is_active
    response = login(administrator).post(
        f"/accounts/users/{administrator.pk}/active/", {"active": "0"}, follow=True
    )
    administrator.refresh_from_db()
    assert administrator.is_active
    assert response.status_code == 200


def test_tokens_are_shown_once_and_stored_hashed(
    administrator: User, daibu_officer: User, login: Login
) -> None:
    response = login(administrator).post(
        "/accounts/tokens/", {"owner": daibu_officer.pk, "name": "12348 平台"}
    )
    secret = response.context["created_secret"]
    assert secret.startswith("py_")
    token = ApiToken.objects.get()
    assert token.owner == daibu_officer
    assert secret not in token.token_hash
    assert secret not in login(administrator).get("/accounts/tokens/").content.decode()
    assert AuditEntry.objects.filter(event="api.token_create").exists()


def test_token_pages_are_for_administrators_only(
    client: Client, county_officer: User, administrator: User, jintan_administrator: User, login: Login
) -> None:
    assert client.get("/accounts/tokens/").status_code == 302
    assert login(county_officer).get("/accounts/tokens/").status_code == 403
    response = login(jintan_administrator).post(
        "/accounts/tokens/", {"owner": county_officer.pk, "name": "x"}
    )
    assert response.context["form"].errors["owner"]  # not a choice outside the region
    login(administrator).post("/accounts/tokens/", {"owner": county_officer.pk, "name": "x"})
    token = ApiToken.objects.get()
    assert login(jintan_administrator).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
