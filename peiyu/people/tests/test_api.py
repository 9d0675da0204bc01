"""The people API: a volunteer's own record, staff lists in scope, public verification."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.accounts.services import create_api_token
from peiyu.orgs.models import Organization
from peiyu.people.models import Volunteer
from peiyu.people.services import certificates, hours
from peiyu.testing import TIANMUHU

Login = Callable[[User], Client]


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_volunteer_sees_their_own_record_hours_and_certificates(
    own_volunteer: Volunteer,
    organization: Organization,
    organization_account: User,
    volunteer: User,
    login: Login,
) -> None:
    start = timezone.now() - datetime.timedelta(days=3)
    hours.record_hours(
        volunteer=own_volunteer,
        organization=organization,
        title="助老",
        started_at=start,
        ended_at=start + datetime.timedelta(hours=2),
        by=organization_account,
    )
    issued = certificates.certify(volunteer=own_volunteer, organization=organization, by=organization_account)
    client = login(volunteer)
    me = client.get("/api/v1/me/volunteer").json()
    assert me["number"] == own_volunteer.number and me["approved_hours"] == 2.0
    assert me["id_number"] != own_volunteer.id_number and me["id_number"].startswith(
        own_volunteer.id_number[:6]
    )
    assert me["phone"] == "136****5678"
    assert client.get("/api/v1/me/hours").json()["items"][0]["title"] == "助老"
    assert client.get("/api/v1/me/certificates").json()[0]["number"] == issued.number


def test_me_is_404_for_accounts_without_a_volunteer_record(
    county_officer: User, login: Login, client: Client
) -> None:
    assert login(county_officer).get("/api/v1/me/volunteer").status_code == 404
    assert client.get("/api/v1/me/volunteer").status_code == 401


def test_staff_tokens_list_volunteers_within_scope(
    make_volunteer: Callable[..., Volunteer],
    administrator: User,
    daibu_officer: User,
    tianmuhu_officer: User,
    client: Client,
) -> None:
    daibu = make_volunteer("戴埠人")
    make_volunteer("天目湖人", town=TIANMUHU)
    _token, secret = create_api_token(owner=daibu_officer, name="test", by=administrator)
    page = client.get("/api/v1/volunteers", **bearer(secret)).json()
    assert [item["number"] for item in page["items"]] == [daibu.number]
    assert daibu.id_number not in str(page) and daibu.phone not in str(page)
    assert client.get("/api/v1/volunteers?page_size=500", **bearer(secret)).status_code == 422


def test_volunteer_accounts_cannot_list_volunteers(
    own_volunteer: Volunteer, volunteer: User, login: Login
) -> None:
    assert login(volunteer).get("/api/v1/volunteers").status_code == 404


def test_certificate_verification_is_public(
    own_volunteer: Volunteer, organization: Organization, organization_account: User, client: Client
) -> None:
    start = timezone.now() - datetime.timedelta(days=3)
    hours.record_hours(
        volunteer=own_volunteer,
        organization=organization,
        title="助老",
        started_at=start,
        ended_at=start + datetime.timedelta(hours=3),
        by=organization_account,
    )
    issued = certificates.certify(volunteer=own_volunteer, organization=organization, by=organization_account)
    body = client.get(f"/api/v1/certificates/{issued.number}").json()
    assert body["hours"] == 3.0 and body["issuer"] == organization.name
    assert own_volunteer.id_number not in str(body)
    assert client.get("/api/v1/certificates/ZM-000000-2000-000000").status_code == 404
