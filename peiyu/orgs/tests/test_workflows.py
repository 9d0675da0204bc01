"""Every workflow transition of the registry, and the illegal ones, through the services and the
back-office pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from peiyu.accounts.models import User
from peiyu.core.exceptions import ConflictError, DomainError, PermissionRefused, TransitionError
from peiyu.core.models import AuditEntry
from peiyu.lib.docx import text_of
from peiyu.orgs import services
from peiyu.orgs.models import Application, Document, Event, Organization
from peiyu.orgs.tests.conftest import credit_code, filing_payload, open_filing, registration_payload
from peiyu.testing import DAIBU, LIYANG, first_village, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def actions(organization: Organization) -> list[str]:
    return list(
        Event.objects.filter(organization=organization).order_by("at", "id").values_list("action", flat=True)
    )


def test_a_town_officer_files_an_organization_and_issues_the_certificate(
    daibu_officer: User, login: Login
) -> None:
    client = login(daibu_officer)
    village = first_village(DAIBU)
    response = client.post(
        "/orgs/applications/new/filing/",
        {
            "name": "幸福家园志愿服务队",
            "region": village.code,
            "leader_name": "张三",
            "party_organization": "none",
        },
    )
    application = Application.objects.get()
    assert response["Location"] == f"/orgs/applications/{application.pk}/"
    assert application.payload["source"] == "filed"
    response = client.post(
        f"/orgs/applications/{application.pk}/", {"decision": "approved", "version": application.version}
    )
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.source == "filed"
    assert organization.filing_number.startswith("320481103-")
    assert organization.filing_number.endswith("-0001")
    assert organization.authority_id == DAIBU.ljust(12, "0")
    document = Document.objects.get(application=application)
    text = text_of(bytes(document.content))
    assert "戴埠镇人民政府" in text
    assert "幸福家园志愿服务队" in text
    assert organization.filing_number in text
    assert "不具有法人资格" in text
    download = client.get(f"/orgs/documents/{document.pk}/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filed" in actions(organization)
    history = list(application.events.values_list("from_status", "to_status"))
    assert history == [("", "submitted"), ("submitted", "approved")]


def test_filing_numbers_run_per_town_and_year(daibu_officer: User) -> None:
    numbers = []
    for name in ("甲队", "乙队"):
        application = open_filing(daibu_officer, name)
        services.decide_application(application, decision="approved", by=daibu_officer)
        application.refresh_from_db()
        numbers.append(application.organization.filing_number)  # type: ignore[union-attr]
    assert numbers[0][-4:] == "0001"
    assert numbers[1][-4:] == "0002"
    assert numbers[0][:10] == "320481103-"
    documents = list(Document.objects.order_by("id").values_list("number", flat=True))
    assert [d[-3:] for d in documents] == ["〕1号", "〕2号"]


def test_the_county_registers_an_organization_with_its_assigned_code(county_officer: User) -> None:
    application = services.submit_application(
        kind="registration",
        payload=registration_payload("溧阳市心理咨询服务中心", "service_institution"),
        region=region(LIYANG),
        by=county_officer,
    )
    with pytest.raises(DomainError, match="统一社会信用代码"):
        services.decide_application(application, decision="approved", by=county_officer)
    with pytest.raises(DomainError):
        # An association's code (51) for a service institution (52) is refused.
        services.decide_application(
            application, decision="approved", assigned_uscc=credit_code("000009"), by=county_officer
        )
    code = credit_code("000002", "52")
    services.decide_application(application, decision="approved", assigned_uscc=code, by=county_officer)
    organization = Organization.objects.get(uscc=code)
    assert organization.source == "registered"
    assert organization.authority_id == LIYANG.ljust(12, "0")
    assert organization.registered_on is not None
    document = Document.objects.get(application=application)
    text = text_of(bytes(document.content))
    assert "溧阳市民政局" in text
    assert code in text


def test_a_town_officer_may_not_decide_a_registration(daibu_officer: User, county_officer: User) -> None:
    application = services.submit_application(
        kind="registration",
        payload=registration_payload("溧阳市某协会"),
        region=region(LIYANG),
        by=county_officer,
    )
    with pytest.raises(PermissionRefused):
        services.decide_application(application, decision="approved", by=daibu_officer)


def test_the_county_may_not_decide_a_filing(county_officer: User, daibu_officer: User) -> None:
    application = open_filing(daibu_officer)
    with pytest.raises(PermissionRefused):
        services.decide_application(application, decision="approved", by=county_officer)


def test_another_towns_officer_cannot_see_or_decide_a_filing(
    daibu_officer: User, tianmuhu_officer: User, login: Login
) -> None:
    application = open_filing(daibu_officer)
    client = login(tianmuhu_officer)
    assert client.get(f"/orgs/applications/{application.pk}/").status_code == 404
    post = client.post(f"/orgs/applications/{application.pk}/", {"decision": "approved", "version": 1})
    assert post.status_code == 404
    with pytest.raises(PermissionRefused):
        services.decide_application(application, decision="approved", by=tianmuhu_officer)


def test_a_filed_organization_upgrades_to_registered_keeping_its_history(
    filed_org: Organization, county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    response = client.post(
        f"/orgs/{filed_org.pk}/upgrade/",
        {
            **registration_payload(filed_org.name),
            "region": filed_org.region_id,
            "activity_fields": ["dispute"],
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    application = Application.objects.get(kind="registration")
    assert application.is_upgrade
    code = credit_code("000003")
    client.post(
        f"/orgs/applications/{application.pk}/",
        {"decision": "approved", "uscc": code, "version": application.version},
    )
    filed_org.refresh_from_db()
    assert filed_org.source == "registered"
    assert filed_org.uscc == code
    assert filed_org.filing_number  # kept
    assert filed_org.authority_id == LIYANG.ljust(12, "0")
    assert Organization.objects.count() == 1
    history = actions(filed_org)
    assert history.index("filed") < history.index("upgraded")
    detail = client.get(f"/orgs/{filed_org.pk}/").content.decode()
    assert filed_org.filing_number in detail


def test_a_change_request_is_applied_only_when_approved(
    registered_org: Organization, organization_account: User, county_officer: User, login: Login
) -> None:
    services.link_account(registered_org, account=organization_account, by=county_officer)
    client = login(organization_account)
    page = client.get(f"/orgs/{registered_org.pk}/change/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(address="溧阳市燕山中路1号", active_people=42)
    response = client.post(f"/orgs/{registered_org.pk}/change/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    application = Application.objects.get(kind="change")
    assert set(application.payload) == {"address", "active_people"}
    registered_org.refresh_from_db()
    assert registered_org.address == ""  # not yet
    services.decide_application(
        application, decision="approved", by=county_officer, seen_version=application.version
    )
    registered_org.refresh_from_db()
    assert registered_org.address == "溧阳市燕山中路1号"
    assert registered_org.active_people == 42
    assert registered_org.version == 2
    event = Event.objects.get(organization=registered_org, action="changed")
    assert "活动场所" in event.note or "place of activity" in event.note
    assert AuditEntry.objects.filter(
        event="orgs.decide_application", object_pk=str(registered_org.pk)
    ).exists()


def test_one_open_application_at_a_time(registered_org: Organization, county_officer: User) -> None:
    services.submit_application(
        kind="change",
        payload={"address": "一号"},
        region=registered_org.region,
        organization=registered_org,
        by=county_officer,
    )
    with pytest.raises(ConflictError):
        services.submit_application(
            kind="deregistration",
            payload={},
            region=registered_org.region,
            organization=registered_org,
            by=county_officer,
        )


def test_return_resubmit_then_reject(daibu_officer: User, organization_account: User) -> None:
    application = open_filing(organization_account)
    services.decide_application(application, decision="returned", note="请补充负责人电话", by=daibu_officer)
    application.refresh_from_db()
    assert application.status == "returned"
    with pytest.raises(TransitionError):
        services.decide_application(application, decision="approved", by=daibu_officer)
    services.resubmit_application(
        application, payload=filing_payload("戴埠镇老年协会"), by=organization_account
    )
    application.refresh_from_db()
    assert application.status == "submitted"
    services.decide_application(application, decision="rejected", note="名称与职能不符", by=daibu_officer)
    application.refresh_from_db()
    assert application.status == "rejected"
    document = application.documents.get()
    text = text_of(bytes(document.content))
    assert "名称与职能不符" in text
    assert "行政复议" in text
    with pytest.raises(TransitionError):
        services.decide_application(application, decision="approved", by=daibu_officer)
    with pytest.raises(TransitionError):
        services.withdraw_application(application, by=organization_account)
    steps = list(application.events.values_list("to_status", flat=True))
    assert steps == ["submitted", "returned", "submitted", "rejected"]


def test_only_the_applicant_withdraws(daibu_officer: User, organization_account: User) -> None:
    application = open_filing(organization_account)
    with pytest.raises(PermissionRefused):
        services.withdraw_application(application, by=daibu_officer)
    services.withdraw_application(application, by=organization_account)
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_a_stale_decision_is_refused_and_overwrites_nothing(daibu_officer: User) -> None:
    application = open_filing(daibu_officer)
    seen = application.version
    services.decide_application(
        application, decision="returned", note="补充材料", by=daibu_officer, seen_version=seen
    )
    with pytest.raises(ConflictError):
        services.decide_application(application, decision="approved", by=daibu_officer, seen_version=seen)
    application.refresh_from_db()
    assert application.status == "returned"
    assert application.decision_note == "补充材料"


def test_a_stale_decision_through_the_page_says_so(daibu_officer: User, login: Login) -> None:
    application = open_filing(daibu_officer)
    services.decide_application(application, decision="returned", note="补充材料", by=daibu_officer)
    response = login(daibu_officer).post(
        f"/orgs/applications/{application.pk}/", {"decision": "approved", "version": 1}, follow=True
    )
    assert response.redirect_chain == [(f"/orgs/applications/{application.pk}/", 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    application.refresh_from_db()
    assert application.status == "returned"


def test_deregistration(registered_org: Organization, county_officer: User, login: Login) -> None:
    client = login(county_officer)
    client.post(f"/orgs/{registered_org.pk}/deregister/", {"note": "理事会决议解散"})
    application = Application.objects.get(kind="deregistration")
    services.decide_application(application, decision="approved", by=county_officer)
    registered_org.refresh_from_db()
    assert registered_org.status == "deregistered"
    assert registered_org.ended_on is not None
    with pytest.raises(DomainError):
        services.submit_application(
            kind="change",
            payload={},
            region=registered_org.region,
            organization=registered_org,
            by=county_officer,
        )


def test_revocation_needs_reasons_and_the_signed_decision(
    registered_org: Organization, county_officer: User, daibu_officer: User, login: Login
) -> None:
    client = login(county_officer)
    page = client.post(f"/orgs/{registered_org.pk}/revoke/", {"reason": "连续两年未参加年检", "version": 1})
    assert page.status_code == 200
    assert "decision_file" in page.context["form"].errors
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("决定书.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(
        f"/orgs/{registered_org.pk}/revoke/",
        {
            "reason": "连续两年未参加年检",
            "basis": "《社会团体登记管理条例》第三十条",
            "decision_file": upload,
            "version": 1,
        },
    )
    assert response.status_code == 302
    registered_org.refresh_from_db()
    assert registered_org.status == "revoked"
    document = Document.objects.get(
        organization=registered_org, title__in=["撤销登记决定书", "Revocation decision"]
    )
    assert bytes(document.attachment) == b"%PDF-1.4 signed"
    assert "连续两年未参加年检" in text_of(bytes(document.content))
    assert client.get(f"/orgs/documents/{document.pk}/attachment/").content == b"%PDF-1.4 signed"
    with pytest.raises(TransitionError):
        services.revoke_organization(
            registered_org,
            reason="再次",
            basis="x",
            attachment=b"x",
            attachment_name="x.pdf",
            by=county_officer,
        )
    assert login(daibu_officer).get(f"/orgs/{registered_org.pk}/revoke/").status_code == 403


def test_two_active_registered_organizations_may_not_share_a_name(
    registered_org: Organization, county_officer: User
) -> None:
    with pytest.raises(DomainError, match="已有名为"):
        services.submit_application(
            kind="registration",
            payload=registration_payload(registered_org.name),
            region=region(LIYANG),
            by=county_officer,
        )
    # "One industry, many associations": another name in the same industry is fine.
    services.submit_application(
        kind="registration",
        payload=registration_payload("溧阳市第二人民调解协会"),
        region=region(LIYANG),
        by=county_officer,
    )


def test_the_database_refuses_a_duplicate_active_name_too(registered_org: Organization) -> None:
    from django.db import IntegrityError, transaction

    clone = Organization(
        name=registered_org.name,
        source="registered",
        legal_form="association",
        uscc=credit_code("000077"),
        region_id=registered_org.region_id,
        authority_id=registered_org.authority_id,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_an_unknown_decision_is_refused(daibu_officer: User) -> None:
    application = open_filing(daibu_officer)
    with pytest.raises(TransitionError):
        services.decide_application(application, decision="withdrawn", by=daibu_officer)


def test_a_change_request_joins_a_hub(
    filed_org: Organization, county_officer: User, daibu_officer: User, login: Login
) -> None:
    hub = services.submit_application(
        kind="registration",
        payload=registration_payload("溧阳市社会组织孵化中心", "service_institution", development_type="hub"),
        region=region(LIYANG),
        by=county_officer,
    )
    services.decide_application(
        hub, decision="approved", assigned_uscc=credit_code("000005", "52"), by=county_officer
    )
    hub.refresh_from_db()
    client = login(daibu_officer)
    page = client.get(f"/orgs/{filed_org.pk}/change/")
    form = page.context["form"]
    assert [pk for pk, _name in form.fields["hubs"].choices] == [hub.organization_id]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["hubs"] = [hub.organization_id]
    client.post(f"/orgs/{filed_org.pk}/change/", data)
    change = Application.objects.get(kind="change")
    assert change.payload == {"hubs": [hub.organization_id]}
    review = client.get(f"/orgs/applications/{change.pk}/").content.decode()
    assert "溧阳市社会组织孵化中心" in review
    services.decide_application(change, decision="approved", by=daibu_officer)
    assert list(filed_org.hubs.values_list("name", flat=True)) == ["溧阳市社会组织孵化中心"]
    assert list(hub.organization.members.values_list("name", flat=True)) == [filed_org.name]  # type: ignore[union-attr]
