"""The back-office list, detail, reveal and export, as each persona sees them."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.core.models import AuditEntry
from peiyu.orgs import services
from peiyu.orgs.models import Organization
from peiyu.orgs.tests.conftest import open_filing

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def listed(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/orgs/?{query}")
    assert response.status_code == 200
    return [o.name for o in response.context["page"]]


def test_the_list_follows_each_officers_region(
    filed_org: Organization,
    tianmuhu_org: Organization,
    registered_org: Organization,
    county_officer: User,
    daibu_officer: User,
    village_worker: User,
    login: Login,
) -> None:
    assert set(listed(login(county_officer))) == {filed_org.name, tianmuhu_org.name, registered_org.name}
    assert listed(login(daibu_officer)) == [filed_org.name]
    assert listed(login(village_worker)) == [filed_org.name]  # it is in the first village of 戴埠镇
    assert login(daibu_officer).get(f"/orgs/{tianmuhu_org.pk}/").status_code == 404
    assert login(daibu_officer).get("/orgs/999999/").status_code == 404


def test_filters_search_and_sorting(
    filed_org: Organization,
    tianmuhu_org: Organization,
    registered_org: Organization,
    county_officer: User,
    login: Login,
) -> None:
    client = login(county_officer)
    assert listed(client, "source=registered") == [registered_org.name]
    assert set(listed(client, "source=filed")) == {filed_org.name, tianmuhu_org.name}
    assert listed(client, "region=320481103") == [filed_org.name]
    assert listed(client, "legal_form=association") == [registered_org.name]
    assert set(listed(client, "field=dispute")) == {filed_org.name, tianmuhu_org.name}
    assert listed(client, "q=议事") == [filed_org.name]
    assert listed(client, "q=bxyst") == [filed_org.name]
    assert listed(client, "q=tianmuhu") == [tianmuhu_org.name]
    assert listed(client, "q=" + registered_org.uscc[:10]) == [registered_org.name]
    assert listed(client, "sort=name") == sorted(listed(client, "sort=name"))
    assert listed(client, "status=revoked") == []
    # Nonsense filters filter nothing rather than fail.
    assert len(listed(client, "sort=password&region=abc&field=nope")) == 3


def test_export_is_exactly_what_is_shown(
    filed_org: Organization,
    tianmuhu_org: Organization,
    registered_org: Organization,
    county_officer: User,
    login: Login,
) -> None:
    client = login(county_officer)
    shown = listed(client, "source=filed&sort=name")
    response = client.get("/orgs/?source=filed&sort=name&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert [r[0] for r in rows[1:]] == shown
    assert rows[1][1] in (filed_org.filing_number, tianmuhu_org.filing_number)


def test_the_list_costs_the_same_queries_for_more_rows(
    filed_org: Organization, county_officer: User, daibu_officer: User, login: Login
) -> None:
    client = login(county_officer)
    with CaptureQueriesContext(connection) as few:
        client.get("/orgs/")
    for index in range(6):
        application = open_filing(daibu_officer, f"戴埠镇第{index}志愿队")
        services.decide_application(application, decision="approved", by=daibu_officer)
    with CaptureQueriesContext(connection) as more:
        response = client.get("/orgs/")
    assert len(response.context["page"]) == 7
    assert len(more) == len(few)


def test_contacts_are_masked_and_each_reveal_is_audited(
    filed_org: Organization, daibu_officer: User, village_worker: User, login: Login
) -> None:
    client = login(daibu_officer)
    page = client.get(f"/orgs/{filed_org.pk}/").content.decode()
    assert "13912345678" not in page
    assert "139****5678" in page
    assert "张*" in page
    reveal = client.post(f"/orgs/{filed_org.pk}/reveal/")
    assert "13912345678" in reveal.content.decode()
    entry = AuditEntry.objects.get(event="orgs.reveal_contact")
    assert entry.actor == daibu_officer
    assert entry.object_pk == str(filed_org.pk)
    assert login(village_worker).post(f"/orgs/{filed_org.pk}/reveal/").status_code == 403
    assert AuditEntry.objects.filter(event="orgs.reveal_contact").count() == 1


def test_the_audit_log_never_holds_the_contacts_in_clear(filed_org: Organization) -> None:
    texts = [str(e.changes) for e in AuditEntry.objects.filter(object_pk=str(filed_org.pk))]
    assert texts
    assert not any("13912345678" in t for t in texts)


def test_the_detail_shows_the_timeline(filed_org: Organization, daibu_officer: User, login: Login) -> None:
    response = login(daibu_officer).get(f"/orgs/{filed_org.pk}/")
    actions = [e.action for e in response.context["events"]]
    assert actions[0] == "submitted"
    assert "filed" in actions
    assert response.context["documents"]


def test_an_organization_account_sees_only_its_own_record(
    filed_org: Organization,
    tianmuhu_org: Organization,
    organization_account: User,
    daibu_officer: User,
    login: Login,
) -> None:
    client = login(organization_account)
    assert listed(client) == []
    services.link_account(filed_org, account=organization_account, by=daibu_officer)
    assert listed(client) == [filed_org.name]
    assert client.get(f"/orgs/{tianmuhu_org.pk}/").status_code == 404
    assert client.get(f"/orgs/{tianmuhu_org.pk}/change/").status_code == 404
    assert client.post(f"/orgs/{filed_org.pk}/reveal/").status_code == 403
    assert client.get(f"/orgs/{filed_org.pk}/revoke/").status_code == 403
    assert client.get("/orgs/import/").status_code == 403
    # Its page offers a change request, and its applications are its own.
    assert client.get(f"/orgs/{filed_org.pk}/change/").status_code == 200
    assert client.get("/orgs/applications/").status_code == 200


def test_other_applications_are_out_of_an_organizations_reach(
    daibu_officer: User, organization_account: User, login: Login
) -> None:
    application = open_filing(daibu_officer)
    client = login(organization_account)
    assert client.get(f"/orgs/applications/{application.pk}/").status_code == 404
    assert client.post(f"/orgs/applications/{application.pk}/withdraw/").status_code == 404


def test_expert_and_volunteer_accounts_have_no_registry(expert: User, volunteer: User, login: Login) -> None:
    for user in (expert, volunteer):
        assert login(user).get("/orgs/").status_code == 403
        assert login(user).get("/orgs/applications/").status_code == 403


def test_an_empty_registry_explains_how_to_start(county_officer: User, login: Login) -> None:
    response = login(county_officer).get("/orgs/")
    assert 'data-testid="empty"' in response.content.decode()


def test_the_to_do_panel_counts_waiting_applications(daibu_officer: User, login: Login) -> None:
    open_filing(None)
    todos = login(daibu_officer).get("/workbench/").context["todos"]
    assert any(t.count == 1 and t.url == "/orgs/applications/" for t in todos)


def test_an_application_page_masks_personal_data(daibu_officer: User, login: Login) -> None:
    application = open_filing(None)
    Application_ = type(application)
    Application_.objects.filter(pk=application.pk).update(applicant_phone="13700001234")
    html = login(daibu_officer).get(f"/orgs/applications/{application.pk}/").content.decode()
    assert "13912345678" not in html  # the leader's phone in the payload
    assert "139****5678" in html
    assert "13700001234" not in html
    assert "137****1234" in html


def test_an_administrator_edits_the_configurable_lists(
    administrator: User, county_officer: User, login: Login
) -> None:
    from peiyu.orgs.models import Field

    client = login(administrator)
    assert client.get("/orgs/lists/fields/").status_code == 200
    response = client.post(
        "/orgs/lists/fields/", {"code": "family", "name": "婚姻家庭", "position": 50, "is_active": "on"}
    )
    assert response.status_code == 302
    assert Field.objects.get(code="family").name == "婚姻家庭"
    client.post("/orgs/lists/fields/?edit=family", {"code": "ignored", "name": "婚姻家庭服务", "position": 5})
    entry = Field.objects.get(code="family")  # the code never changes
    assert (entry.name, entry.position, entry.is_active) == ("婚姻家庭服务", 5, False)
    clash = client.post("/orgs/lists/fields/", {"code": "other", "name": "心理健康", "position": 1})
    assert clash.status_code == 200 and not Field.objects.filter(code="other").exists()
    assert AuditEntry.objects.filter(event="orgs.save_list_entry").count() == 2
    assert login(county_officer).get("/orgs/lists/fields/").status_code == 403
    assert client.get("/orgs/lists/nonsense/").status_code == 404
    assert client.get("/orgs/lists/target-groups/").status_code == 200


def test_a_broad_list_counts_no_further_than_the_cap(
    filed_org: Organization,
    tianmuhu_org: Organization,
    registered_org: Organization,
    county_officer: User,
    login: Login,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from peiyu.orgs import views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    response = login(county_officer).get("/orgs/")
    paginator = response.context["page"].paginator
    assert paginator.count == 2
    assert paginator.capped
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    paginator = login(county_officer).get("/orgs/").context["page"].paginator
    assert (paginator.count, paginator.capped) == (3, False)
