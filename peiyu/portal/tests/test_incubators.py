"""Incubators on the portal, as an anonymous visitor sees them: the list, an incubator's page
with its open call, staff and graduates (never a staff phone), and the public application."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.incubation.models import (
    Call,
    CallStatus,
    Channel,
    Incubator,
    IncubatorStatus,
    IntakeApplication,
    IntakeStatus,
    Level,
    Residency,
)
from peiyu.incubation.services import graduation, incubators, intake
from peiyu.incubation.services.common import add_months
from peiyu.incubation.tests.conftest import make_incubator
from peiyu.orgs import services as registry
from peiyu.orgs.tests.conftest import filing_payload
from peiyu.people.tests.conftest import make_organization
from peiyu.testing import DAIBU, LIYANG, TIANMUHU, first_village

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
STAFF_PHONE = "13955554444"
# Applications from the portal (the fixture's graduate came in through the office).
PORTAL = IntakeApplication.objects.filter(channel=Channel.PORTAL)


def call_of(incubator: Incubator, by: User, title: str, opens: int, closes: int, status: str) -> Call:
    call = incubators.create_call(
        incubator,
        values=incubators.CallValues(
            title=title,
            text=f"{title}：面向筹备中的社区社会组织。",
            places=4,
            opens_on=TODAY + opens * DAY,
            closes_on=TODAY + closes * DAY,
        ),
        by=by,
    )
    if status != CallStatus.DRAFT:
        call = incubators.move_call(call, to=CallStatus.OPEN, by=by)
    if status == CallStatus.CLOSED:
        call = incubators.move_call(call, to=CallStatus.CLOSED, by=by)
    return call


def graduated(incubator: Incubator, name: str, officer: User, town_officer: User) -> Residency:
    """A group admitted four months ago that files with 戴埠镇 and graduates."""
    application = intake.submit_intake(
        incubator=incubator,
        applicant=intake.Applicant(
            name=name,
            region=first_village(DAIBU),
            contact_name="王五",
            contact_phone="13812340000",
            plan="邻里互助。",
        ),
        by=officer,
    )
    intake.decide_intake(
        application, decision=IntakeStatus.ADMITTED, by=officer, started_on=add_months(TODAY, -4)
    )
    residency = Residency.objects.get(intake=application)
    residency = graduation.start_graduation(
        residency, by=officer, kind="filing", payload=filing_payload(name)
    )
    assert residency.application is not None
    registry.decide_application(residency.application, decision="approved", by=town_officer)
    residency.refresh_from_db()
    return residency


@pytest.fixture
def centre(county_officer: User, daibu_officer: User) -> dict[str, Any]:
    """溧阳市's centre with its staff, an open call, an old call and a graduate."""
    centre = make_incubator("溧阳市社会组织孵化中心", LIYANG, Level.COUNTY, capacity=8)
    incubators.save_staff(
        centre, rows=[{"name": "周敏", "duty": "项目主管", "phone": STAFF_PHONE}], by=county_officer
    )
    old = call_of(centre, county_officer, "2025年第二期入驻招募", -200, -170, CallStatus.CLOSED)
    draft = call_of(centre, county_officer, "草稿招募", 5, 30, CallStatus.DRAFT)
    graduate = graduated(centre, "戴埠镇邻里守望队", county_officer, daibu_officer)
    current = call_of(centre, county_officer, "2026年第三期入驻招募", -5, 20, CallStatus.OPEN)
    return {"incubator": centre, "current": current, "old": old, "draft": draft, "graduate": graduate}


@pytest.fixture
def station(regions: None) -> Incubator:
    """天目湖镇's station, operating, with no call open."""
    return make_incubator("天目湖镇社会组织孵化站", TIANMUHU, Level.TOWN)


def form_data(**changes: Any) -> dict[str, Any]:
    return {
        "applicant_kind": "group",
        "name": "戴埠镇银龄互助队",
        "code": "",
        "region": first_village(DAIBU).code,
        "activity_fields": ["dispute"],
        "members": "7",
        "contact_name": "张三",
        "contact_phone": "13912345678",
        "plan": "组织低龄老人结对帮扶高龄独居老人。",
        "support_needed": "场地和登记辅导",
        **changes,
    }


def test_the_list_shows_operating_incubators_with_occupancy_and_open_calls(
    centre: dict[str, Any], station: Incubator, county_officer: User
) -> None:
    closed = make_incubator("戴埠镇旧孵化站", DAIBU, Level.TOWN)
    Incubator.objects.filter(pk=closed.pk).update(status=IncubatorStatus.CLOSED)
    response = Client().get("/incubators/")
    assert response.status_code == 200
    shown = {i.pk: i for i in response.context["page"].object_list}
    assert set(shown) == {centre["incubator"].pk, station.pk}
    assert shown[centre["incubator"].pk].call_open and not shown[station.pk].call_open
    assert shown[centre["incubator"].pk].residents == 0  # its one resident graduated
    page = response.content.decode()
    assert page.count('data-testid="call-open"') == 1
    assert "戴埠镇旧孵化站" not in page


def test_the_incubator_page_shows_the_open_call_staff_and_graduates_but_no_phones(
    centre: dict[str, Any],
) -> None:
    incubator, graduate = centre["incubator"], centre["graduate"]
    response = Client().get(f"/incubators/{incubator.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["current"] == centre["current"]
    assert "2026年第三期入驻招募" in page and f"/incubators/{incubator.pk}/apply/" in page
    assert "周敏" in page and "项目主管" in page
    assert STAFF_PHONE not in page and "139****4444" not in page and "4444" not in page
    assert graduate.organization is not None
    assert graduate.organization.name in page and f"/directory/{graduate.organization_id}/" in page
    assert "2025年第二期入驻招募" in page and "草稿招募" not in page


def test_an_incubator_without_an_open_call_says_so_and_refuses_applications(station: Incubator) -> None:
    client = Client()
    page = client.get(f"/incubators/{station.pk}/").content.decode()
    assert 'data-testid="no-call"' in page and f"/incubators/{station.pk}/apply/" not in page
    apply_page = client.get(f"/incubators/{station.pk}/apply/")
    assert apply_page.status_code == 200 and 'data-testid="no-call"' in apply_page.content.decode()
    response = client.post(f"/incubators/{station.pk}/apply/", form_data(region=first_village(TIANMUHU).code))
    assert response.status_code == 200 and 'data-testid="no-call"' in response.content.decode()
    assert not IntakeApplication.objects.exists()


def test_a_group_applies_to_the_open_call_and_gets_its_reference(centre: dict[str, Any]) -> None:
    incubator = centre["incubator"]
    client = Client()
    form = client.get(f"/incubators/{incubator.pk}/apply/")
    regions = form.context["form"].fields["region"].regions
    assert first_village(DAIBU).code in regions and first_village(TIANMUHU).code in regions
    assert LIYANG.ljust(12, "0") not in regions  # towns and villages only
    response = client.post(f"/incubators/{incubator.pk}/apply/", form_data())
    assert response.status_code == 302 and response["Location"] == f"/incubators/{incubator.pk}/apply/done/"
    application = IntakeApplication.objects.get(name="戴埠镇银龄互助队")
    assert (application.status, application.channel, application.call) == (
        IntakeStatus.SUBMITTED,
        Channel.PORTAL,
        centre["current"],
    )
    assert application.submitted_by is None and application.members == 7
    assert [f.code for f in application.fields.all()] == ["dispute"]
    done = client.get(response["Location"])
    assert done.status_code == 200 and application.reference in done.content.decode()


def test_an_organization_applies_by_its_filing_number(centre: dict[str, Any]) -> None:
    organization = make_organization("戴埠镇老年协会", DAIBU)
    data = form_data(applicant_kind="organization", name="", code=organization.filing_number)
    response = Client().post(f"/incubators/{centre['incubator'].pk}/apply/", data)
    assert response.status_code == 302
    application = IntakeApplication.objects.get(organization=organization)
    assert application.name == "戴埠镇老年协会" and application.applicant_kind == "organization"


def test_the_form_checks_the_phone_the_code_the_region_and_the_name(centre: dict[str, Any]) -> None:
    url = f"/incubators/{centre['incubator'].pk}/apply/"
    client = Client()
    for changes, field in (
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"applicant_kind": "organization", "code": "NO-SUCH-CODE"}, "code"),
        ({"region": "320413000000"}, "region"),  # 金坛区: outside the incubator's county
        ({"name": " "}, "name"),
    ):
        response = client.post(url, form_data(**changes))
        assert response.status_code == 200 and field in response.context["form"].errors, changes
    assert not PORTAL.exists()


def test_a_second_application_of_the_same_group_is_refused_on_the_form(centre: dict[str, Any]) -> None:
    url = f"/incubators/{centre['incubator'].pk}/apply/"
    assert Client().post(url, form_data()).status_code == 302
    response = Client().post(url, form_data())
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert PORTAL.count() == 1


def test_a_closed_incubator_is_not_found(centre: dict[str, Any]) -> None:
    incubator = centre["incubator"]
    Incubator.objects.filter(pk=incubator.pk).update(status=IncubatorStatus.CLOSED)
    client = Client()
    for url in (f"/incubators/{incubator.pk}/", f"/incubators/{incubator.pk}/apply/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/incubators/{incubator.pk}/apply/", form_data()).status_code == 404
    assert client.get("/incubators/999999/").status_code == 404


def test_the_done_page_without_an_application_goes_back_to_the_incubator(station: Incubator) -> None:
    response = Client().get(f"/incubators/{station.pk}/apply/done/")
    assert response.status_code == 302 and response["Location"] == f"/incubators/{station.pk}/"


def test_the_home_page_links_to_the_incubators(regions: None) -> None:
    assert 'href="/incubators/"' in Client().get("/").content.decode()


def test_signed_in_staff_apply_like_anyone(
    centre: dict[str, Any], organization_account: User, login: Any
) -> None:
    # The portal always submits as the public (by=None), whoever is signed in.
    response = login(organization_account).post(f"/incubators/{centre['incubator'].pk}/apply/", form_data())
    assert response.status_code == 302
    assert PORTAL.get().submitted_by is None


def test_the_list_costs_the_same_queries_for_more_incubators(
    station: Incubator, county_officer: User
) -> None:
    client = Client()
    with CaptureQueriesContext(connection) as few:
        client.get("/incubators/")
    for index, town in enumerate((DAIBU, TIANMUHU, DAIBU)):
        more_station = make_incubator(f"第{index}孵化站", town, Level.TOWN)
        call_of(more_station, county_officer, f"第{index}期招募", -1, 9, CallStatus.OPEN)
    with CaptureQueriesContext(connection) as more:
        response = client.get("/incubators/")
    assert len(response.context["page"]) == 4
    assert len(more) == len(few)
