"""The public directory, the disclosure page, the portal application, and the API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from peiyu.accounts.models import ApiToken, User
from peiyu.accounts.services import create_api_token
from peiyu.orgs import services
from peiyu.orgs.models import Application, Organization
from peiyu.testing import DAIBU, first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def test_the_public_directory_searches_and_filters(
    client: Client, filed_org: Organization, tianmuhu_org: Organization, registered_org: Organization
) -> None:
    response = client.get("/directory/?q=bxyst")
    assert [o.name for o in response.context["page"]] == [filed_org.name]
    response = client.get("/directory/?source=registered")
    assert [o.name for o in response.context["page"]] == [registered_org.name]
    assert client.get("/directory/?q=nothing-like-this").context["page"].paginator.count == 0


def test_the_disclosure_page_shows_public_fields_only(client: Client, filed_org: Organization) -> None:
    html = client.get(f"/directory/{filed_org.pk}/").content.decode()
    assert filed_org.name in html
    assert filed_org.filing_number in html
    assert "13912345678" not in html
    assert "139****5678" not in html
    assert "张三" not in html
    assert client.get("/directory/999999/").status_code == 404


def test_a_resident_applies_on_the_portal_and_follows_it_to_the_certificate(
    client: Client, daibu_officer: User, login: Login
) -> None:
    village = first_village(DAIBU)
    response = client.post(
        "/apply/filing/",
        {
            "name": "集镇社区睦邻互助会",
            "region": village.code,
            "leader_name": "周九",
            "leader_phone": "13700001234",
            "activity_fields": ["mutual_aid"],
            "applicant_name": "周九",
            "applicant_phone": "13700001234",
        },
    )
    application = Application.objects.get()
    assert response["Location"] == f"/apply/status/?reference={application.reference}"
    assert application.applicant is None
    status = client.get(f"/apply/status/?reference={application.reference}&phone=13700001234")
    assert status.context["application"] == application
    wrong = client.get(f"/apply/status/?reference={application.reference}&phone=13700000000")
    assert wrong.context["application"] is None
    # The town decides; the certificate is issued; the resident sees the filing number.
    officer = login(daibu_officer)
    assert officer.get(f"/orgs/applications/{application.pk}/").status_code == 200
    officer.post(
        f"/orgs/applications/{application.pk}/", {"decision": "approved", "version": application.version}
    )
    html = client.get(f"/apply/status/?reference={application.reference}&phone=13700001234").content.decode()
    organization = Organization.objects.get()
    assert organization.filing_number in html
    assert officer.get(f"/orgs/{organization.pk}/").status_code == 200
    assert application.documents.count() == 1


def test_the_portal_refuses_an_application_outside_the_platform(client: Client, regions: None) -> None:
    response = client.post(
        "/apply/filing/",
        {
            "name": "某某队",
            "region": "110101001001",
            "leader_name": "甲",
            "leader_phone": "13700001234",
            "applicant_name": "甲",
            "applicant_phone": "13700001234",
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Application.objects.exists()


def test_anonymous_api_callers_get_public_fields(client: Client, filed_org: Organization) -> None:
    body = client.get("/api/v1/organizations?q=bxyst").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == filed_org.name
    assert item["restricted"] is None
    assert "13912345678" not in str(body)
    assert client.get(f"/api/v1/organizations/{filed_org.pk}").json()["restricted"] is None


def test_a_token_sees_what_its_owner_sees(
    client: Client,
    filed_org: Organization,
    tianmuhu_org: Organization,
    daibu_officer: User,
    administrator: User,
) -> None:
    raw = create_api_token(owner=daibu_officer, name="12348", by=administrator)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = client.get("/api/v1/organizations", **headers).json()
    assert [i["name"] for i in body["items"]] == [filed_org.name]
    assert body["items"][0]["restricted"]["leader_phone"] == "139****5678"
    assert client.get(f"/api/v1/organizations/{tianmuhu_org.pk}", **headers).status_code == 404
    bad = client.get("/api/v1/organizations", HTTP_AUTHORIZATION="Bearer wrong")
    assert bad.status_code == 401
    assert ApiToken.objects.count() == 1


def test_api_filters_are_validated(client: Client, filed_org: Organization) -> None:
    assert client.get("/api/v1/organizations?page_size=1000").status_code == 422
    assert client.get("/api/v1/organizations?region=abc").status_code == 422
    assert client.get("/api/v1/organizations?source=filed&region=320481103").json()["count"] == 1


def test_the_hsds_export(client: Client, filed_org: Organization, registered_org: Organization) -> None:
    body = client.get("/api/v1/hsds/organizations?per_page=1").json()
    assert body["total_items"] == 2
    assert body["total_pages"] == 2
    assert body["first_page"] is True and body["last_page"] is False
    record = body["contents"][0]
    assert set(record) >= {"id", "name", "description", "legal_status", "organization_identifiers", "uri"}
    assert record["organization_identifiers"][0]["identifier"] == filed_org.filing_number
    second = client.get("/api/v1/hsds/organizations?per_page=1&page=2").json()["contents"][0]
    assert second["tax_id"] == registered_org.uscc
    assert second["organization_identifiers"][0]["identifier_type"].startswith("CN-USCC")


def test_deregistered_organizations_stay_in_the_directory_with_their_status(
    client: Client, registered_org: Organization, county_officer: User
) -> None:
    application = services.submit_application(
        kind="deregistration",
        payload={},
        region=registered_org.region,
        organization=registered_org,
        by=county_officer,
    )
    services.decide_application(application, decision="approved", by=county_officer)
    response = client.get("/directory/?status=deregistered")
    assert [o.name for o in response.context["page"]] == [registered_org.name]
    assert client.get("/api/v1/hsds/organizations").json()["total_items"] == 0
