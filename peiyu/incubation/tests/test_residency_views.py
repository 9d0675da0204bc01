"""Residents through the back-office pages, as each persona sees them: the list with its overdue
view and export, a resident's page with its limits, services, growth chart, extensions, exit
and graduation into the registry, and who may see and do what."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.incubation.models import (
    Dimension,
    Extension,
    ExtensionStatus,
    Incubator,
    Residency,
    ResidencyStatus,
    Service,
)
from peiyu.incubation.services import residencies
from peiyu.incubation.services.common import add_months
from peiyu.lib import uscc
from peiyu.orgs import services as registry
from peiyu.orgs.models import Application, ApplicationKind, ApplicationStatus, Organization
from peiyu.people.tests.conftest import make_organization
from peiyu.testing import DAIBU, LIYANG, first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
Admit = Callable[..., Residency]
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def english(client: Client) -> Client:
    """Messages are asserted in English, whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(residency: Residency, page: str = "") -> str:
    return f"/incubation/residents/{residency.pk}/{page}"


def scores(incubator: Incubator, points: int) -> dict[str, Any]:
    return {f"score_{d.pk}": points for d in Dimension.objects.filter(incubator=incubator, is_active=True)}


# The list


def test_the_operator_and_the_county_officer_see_the_list_and_the_page(
    incubator: Incubator, admit: Admit, incubator_operator: User, county_officer: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    for user in (incubator_operator, county_officer):
        client = login(user)
        page = client.get("/incubation/residents/").content.decode()
        assert resident.name in page
        assert f'href="{url(resident)}"' in page
        response = client.get(url(resident))
        assert response.status_code == 200
        detail = response.content.decode()
        assert resident.agreement_number in detail
        assert f"/incubation/residents/{resident.pk}/growth.svg" in detail
        assert 'data-testid="limits"' in detail


def test_the_overdue_view_lists_a_resident_past_its_maximum_only(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    late = admit(incubator, "社区调解志愿队", months=7)
    fresh = admit(incubator, "邻里守望小组", months=2)
    client = login(incubator_operator)
    page = client.get("/incubation/residents/?due=overdue").content.decode()
    assert late.name in page
    assert fresh.name not in page
    assert 'data-due="overdue"' in page
    everyone = client.get("/incubation/residents/").content.decode()
    assert late.name in everyone and fresh.name in everyone


def test_the_ending_soon_view_uses_the_reminder_days(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    # Six months after a start 5 months and 20 days ago is 10 days away: within 30 days.
    soon = admit(incubator, "文明劝导队", started_on=add_months(TODAY(), -6) + 10 * DAY)
    later = admit(incubator, "法治宣传小组", months=1)
    page = login(incubator_operator).get("/incubation/residents/?due=soon").content.decode()
    assert soon.name in page and later.name not in page
    assert 'data-due="soon"' in page


def test_the_list_filters_by_status_and_name_and_shows_an_empty_state(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    gone = admit(incubator, "调解小组", months=2)
    residencies.exit_residency(gone, reason="成员解散", by=incubator_operator)
    staying = admit(incubator, "守望队", months=2)
    client = login(incubator_operator)
    assert gone.name not in client.get("/incubation/residents/").content.decode()  # current by default
    assert gone.name in client.get("/incubation/residents/?status=exited").content.decode()
    page = client.get("/incubation/residents/?q=守望").content.decode()
    assert staying.name in page
    page = client.get("/incubation/residents/?due=extension").content.decode()
    assert 'data-testid="empty"' in page


def test_the_list_exports_the_filtered_rows_to_excel(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    late = admit(incubator, "社区调解志愿队", months=7)
    admit(incubator, "邻里守望小组", months=2)
    response = login(incubator_operator).get("/incubation/residents/?due=overdue&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.values)
    assert len(rows) == 2
    assert rows[1][0] == late.name
    assert rows[1][4] == late.agreement_number


def test_the_list_costs_the_same_queries_for_one_or_many_residents(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    client = login(incubator_operator)
    first = admit(incubator, "第一小组", months=2)
    residencies.record_service(
        first,
        values=residencies.ServiceValues(
            kind="policy", delivered_on=TODAY(), provider="中心", hours=Decimal(1)
        ),
        by=incubator_operator,
    )
    client.get("/incubation/residents/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/incubation/residents/").status_code == 200
    for name in ("第二小组", "第三小组", "第四小组"):
        admit(incubator, name, months=2)
    with CaptureQueriesContext(connection) as more:
        page = client.get("/incubation/residents/").content.decode()
    assert "第四小组" in page
    assert len(more) == len(few)


# Who may see and do what


def test_denials(
    incubator: Incubator,
    admit: Admit,
    other_operator: User,
    tianmuhu_officer: User,
    volunteer: User,
    incubator_operator: User,
    login: Login,
    client: Client,
) -> None:
    resident = admit(incubator, months=4)
    assert client.get("/incubation/residents/")["Location"].startswith("/accounts/login/")
    assert client.get(url(resident))["Location"].startswith("/accounts/login/")
    assert login(volunteer).get("/incubation/residents/").status_code == 403
    for user in (other_operator, tianmuhu_officer):
        outsider = login(user)
        assert resident.name not in outsider.get("/incubation/residents/").content.decode()
        for page in ("", "growth.svg", "agreement.docx", "services/new/", "graduate/", "exit/"):
            assert outsider.get(url(resident, page)).status_code == 404, (user, page)
        assert outsider.post(url(resident, "exit/"), {"reason": "x"}).status_code == 404
    # The operator cannot decide extensions.
    extension = residencies.request_extension(resident, months=3, reason="尚需辅导", by=incubator_operator)
    response = login(incubator_operator).post(
        f"/incubation/extensions/{extension.pk}/decide/", {"decision": "approved", "seen_version": 1}
    )
    assert response.status_code == 403
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.REQUESTED


# Services and growth


def test_services_are_logged_and_a_day_before_the_start_is_refused(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    client = english(login(incubator_operator))
    form = {
        "kind": "registration_guidance",
        "provider": "中心社工王老师",
        "hours": "2",
        "attendees": "3",
        "description": "讲解备案材料",
    }
    assert client.get(url(resident, "services/new/")).status_code == 200
    day_before = (resident.started_on - DAY).isoformat()
    response = client.post(url(resident, "services/new/"), {**form, "delivered_on": day_before})
    assert response.status_code == 200
    assert f"{resident.name} was in residence from {resident.started_on}" in response.content.decode()
    assert not Service.objects.exists()

    response = client.post(url(resident, "services/new/"), {**form, "delivered_on": TODAY().isoformat()})
    assert response.status_code == 302
    assert response["Location"] == url(resident) + "#services"
    service = Service.objects.get()
    assert (service.hours, service.attendees, service.expert) == (Decimal(2), 3, None)
    page = client.get(url(resident)).content.decode()
    assert "中心社工王老师" in page
    assert 'data-testid="service-totals"' in page


def test_assessments_at_intake_and_midway_draw_a_bar_per_stage(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    client = login(incubator_operator)
    form = client.get(url(resident, "assessments/new/")).content.decode()
    dimensions = list(Dimension.objects.filter(incubator=incubator, is_active=True))
    for dimension in dimensions:
        assert dimension.name in form
        assert dimension.anchors.split("；")[0] in form  # the anchors are the help
    svg = client.get(url(resident, "growth.svg"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert "data-stage" not in svg.content.decode()

    for stage, points, day in (("intake", 5, resident.started_on), ("midway", 12, TODAY())):
        data = {"stage": stage, "assessed_on": day.isoformat(), "comment": "", **scores(incubator, points)}
        response = client.post(url(resident, "assessments/new/"), data)
        assert response.status_code == 302, response.content.decode()
    svg_text = client.get(url(resident, "growth.svg")).content.decode()
    bars = re.findall(r'<rect [^>]*data-stage="(\w+)"[^>]*data-value="([\d.]+)"', svg_text)
    assert sorted({stage for stage, _value in bars}) == ["intake", "midway"]
    assert len(bars) == 2 * (len(dimensions) + 1)  # each dimension and the total, per stage
    assert ("intake", "25.0") in bars and ("midway", "60.0") in bars
    page = client.get(url(resident)).content.decode()
    assert 'data-testid="growth"' in page


def test_an_assessment_out_of_range_is_refused_by_the_form(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    data = {"stage": "intake", "assessed_on": TODAY().isoformat(), **scores(incubator, 99)}
    response = login(incubator_operator).post(url(resident, "assessments/new/"), data)
    assert response.status_code == 200
    assert not resident.assessments.exists()


# Extensions and exit


def test_an_extension_requested_by_the_operator_and_approved_by_the_county_moves_the_end(
    incubator: Incubator, admit: Admit, incubator_operator: User, county_officer: User, login: Login
) -> None:
    resident = admit(incubator, months=5)
    end = resident.planned_end_on
    operator = login(incubator_operator)
    response = operator.post(url(resident, "extend/"), {"months": "3", "reason": "备案材料尚在准备"})
    assert response.status_code == 302
    extension = Extension.objects.get()
    page = operator.get(url(resident)).content.decode()
    assert "备案材料尚在准备" in page
    assert 'data-testid="decide-extension"' not in page  # not the operator's to decide

    county = login(county_officer)
    assert 'data-testid="decide-extension"' in county.get(url(resident)).content.decode()
    response = county.post(
        f"/incubation/extensions/{extension.pk}/decide/",
        {"decision": "approved", "note": "", "seen_version": extension.version},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.planned_end_on == add_months(end, 3)
    assert str(resident.planned_end_on) in county.get(url(resident)).content.decode()


def test_an_extension_beyond_the_longest_is_refused_by_the_form(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=5)
    response = login(incubator_operator).post(url(resident, "extend/"), {"months": "4", "reason": "再等等"})
    assert response.status_code == 200
    assert not Extension.objects.exists()


def test_declining_an_extension_needs_a_reason(
    incubator: Incubator, admit: Admit, incubator_operator: User, county_officer: User, login: Login
) -> None:
    resident = admit(incubator, months=5)
    extension = residencies.request_extension(resident, months=2, reason="尚需辅导", by=incubator_operator)
    client = english(login(county_officer))
    response = client.post(
        f"/incubation/extensions/{extension.pk}/decide/",
        {"decision": "declined", "note": "", "seen_version": extension.version},
        follow=True,
    )
    assert "Give the reason for declining." in response.content.decode()
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.REQUESTED


def test_a_resident_leaves_early_with_its_reason(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    client = login(incubator_operator)
    page = client.get(url(resident, "exit/")).content.decode()
    assert "data-confirm" in page
    response = client.post(
        url(resident, "exit/"),
        {"reason": "负责人外出务工，团队解散", "ended_on": TODAY().isoformat(), "version": 1},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.status == ResidencyStatus.EXITED
    assert resident.ended_on == TODAY()
    page = client.get(url(resident)).content.decode()
    assert "负责人外出务工，团队解散" in page
    # Leaving again is an illegal move, shown on the form.
    response = client.post(
        url(resident, "exit/"),
        {"reason": "再次", "ended_on": TODAY().isoformat(), "version": resident.version},
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


# Graduation


def test_the_graduate_page_before_the_shortest_residency_names_the_day(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    page = login(incubator_operator).get(url(resident, "graduate/")).content.decode()
    earliest = add_months(resident.started_on, 3)
    assert 'data-testid="refusal"' in page
    assert earliest.isoformat() in page
    assert 'data-testid="graduate-form"' not in page


def filing_form(resident: Residency, **changes: Any) -> dict[str, Any]:
    data = {
        "kind": "filing",
        "version": resident.version,
        "name": resident.name,
        "region": first_village(DAIBU).code,
        "established_how": "incubated",
        "active_people": "8",
        "contact_name": "李四",
        "contact_phone": "",  # kept from the intake application
        "party_organization": "none",
        "description": "组织村民开展邻里守望。",
        "note": "",
    }
    return {**data, **changes}


def test_graduating_files_with_the_town_and_follows_its_decision(
    incubator: Incubator,
    admit: Admit,
    incubator_operator: User,
    daibu_officer: User,
    county_officer: User,
    login: Login,
) -> None:
    resident = admit(incubator, months=4)
    operator = login(incubator_operator)
    page = operator.get(url(resident, "graduate/")).content.decode()
    assert 'data-testid="graduate-form"' in page
    assert resident.name in page
    assert "138****5678" in page  # the intake's phone, masked, kept unless replaced

    response = operator.post(url(resident, "graduate/"), filing_form(resident))
    assert response.status_code == 302, response.content.decode()
    application = Application.objects.get()
    assert application.kind == ApplicationKind.FILING
    assert application.payload["established_how"] == "incubated"
    assert application.payload["contact_phone"] == "13812345678"
    resident.refresh_from_db()
    assert resident.status == ResidencyStatus.GRADUATING
    page = operator.get(url(resident)).content.decode()
    assert application.reference in page
    assert f"/orgs/applications/{application.pk}/" not in page  # the operator cannot open it
    assert 'data-testid="withdraw"' in page

    registry.decide_application(application, decision=ApplicationStatus.APPROVED, by=daibu_officer)
    resident.refresh_from_db()
    assert resident.status == ResidencyStatus.GRADUATED
    assert resident.organization is not None
    page = login(county_officer).get(url(resident)).content.decode()
    assert f'href="/orgs/{resident.organization.pk}/"' in page
    assert f'href="/orgs/applications/{application.pk}/"' in page


def test_graduation_can_be_withdrawn_by_its_applicant(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=4)
    client = login(incubator_operator)
    client.post(url(resident, "graduate/"), filing_form(resident))
    response = client.post(url(resident, "graduate/withdraw/"), {"note": "材料需补充"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.status == ResidencyStatus.ACTIVE
    assert Application.objects.get().status == ApplicationStatus.WITHDRAWN


def test_a_filing_with_a_county_region_is_refused_by_the_registry_form(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=4)
    response = login(incubator_operator).post(
        url(resident, "graduate/"), filing_form(resident, region="320481000000")
    )
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_a_filed_resident_graduates_by_registering_from_its_own_record(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    organization = make_organization("戴埠镇邻里互助会", DAIBU)
    resident = admit(incubator, months=4, organization=organization)
    client = login(incubator_operator)
    page = client.get(url(resident, "graduate/")).content.decode()
    assert organization.name in page
    assert 'data-testid="kinds"' not in page  # registering is the only way on
    data = {
        "kind": "registration",
        "version": resident.version,
        "name": organization.name,
        "region": organization.region_id,
        "legal_form": "association",
        "party_organization": "none",
        "leader_name": "王五",
        "leader_phone": "",  # kept from the record
        "contact_phone": "",
        "note": "",
    }
    response = client.post(url(resident, "graduate/"), data)
    assert response.status_code == 302, response.content.decode()
    application = Application.objects.get()
    assert (application.kind, application.organization) == (ApplicationKind.REGISTRATION, organization)
    assert application.payload["leader_phone"] == "13912345678"
    resident.refresh_from_db()
    assert resident.status == ResidencyStatus.GRADUATING


def test_a_registered_resident_graduates_at_once(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    organization = Organization.objects.create(
        name="溧阳市法治宣传教育协会",
        source="registered",
        legal_form="association",
        uscc=uscc.make(department_type="51", division=LIYANG, body8="MJ000778"),
        region=first_village(DAIBU),
        authority_id=LIYANG.ljust(12, "0"),
        registered_on=datetime.date(2020, 5, 1),
    )
    resident = admit(incubator, months=4, organization=organization)
    client = login(incubator_operator)
    page = client.get(url(resident, "graduate/")).content.decode()
    assert 'name="name"' not in page  # no registry form: nothing to apply for
    response = client.post(url(resident, "graduate/"), {"kind": "none", "version": resident.version})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.status == ResidencyStatus.GRADUATED
    assert not Application.objects.exists()
