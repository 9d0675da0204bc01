"""The incubators' back-office pages as each persona sees them: the list, an incubator with its
staff, scoring form, growth rubric and calls, their edit pages, and the calls for intake with
their status moves."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.incubation.models import Call, CallStatus, Criterion, Incubator, Level, Residency, StaffMember
from peiyu.incubation.services import incubators as services
from peiyu.incubation.tests.conftest import make_incubator
from peiyu.people.tests.conftest import make_organization
from peiyu.testing import DAIBU, LIYANG, TIANMUHU

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


@pytest.fixture
def login() -> Login:
    """Signed-in clients that read the interface in English, the language of the msgids."""

    def sign_in(user: User) -> Client:
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    return sign_in


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def formset_data(response: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """POST data for the page's formset: ``rows`` in order, the existing lines first."""
    formset = response.context["formset"]
    prefix = formset.prefix
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": formset.initial_form_count(),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                data[f"{prefix}-{index}-{key}"] = "on"
            elif value not in (False, None):
                data[f"{prefix}-{index}-{key}"] = value
    return data


def existing_rows(response: Any) -> list[dict[str, Any]]:
    formset = response.context["formset"]
    return [dict(form.initial) for form in formset.forms[: formset.initial_form_count()]]


def call_values(**changes: Any) -> dict[str, Any]:
    values = {
        "title": "2026年第一期入驻招募",
        "text": "面向戴埠镇、天目湖镇正在筹建的社区社会组织。",
        "need": "",
        "places": 5,
        "opens_on": "2026-01-05",
        "closes_on": "2026-02-05",
        "sought_fields": ["dispute"],
    }
    return {**values, **changes}


def a_call(incubator: Incubator, by: User) -> Call:
    today = timezone.localdate()
    return services.create_call(
        incubator,
        values=services.CallValues(
            title="第一期招募",
            text="招募正在筹建的社区社会组织。",
            places=3,
            opens_on=today,
            closes_on=today + datetime.timedelta(days=30),
        ),
        by=by,
    )


# Who sees what -----------------------------------------------------------------------------


def test_every_page_renders_for_the_operator_and_the_county_officer(
    incubator: Incubator, incubator_operator: User, county_officer: User, login: Login
) -> None:
    call = a_call(incubator, county_officer)
    pages = [
        "/incubation/",
        f"/incubation/{incubator.pk}/",
        f"/incubation/{incubator.pk}/edit/",
        f"/incubation/{incubator.pk}/staff/",
        f"/incubation/{incubator.pk}/criteria/",
        f"/incubation/{incubator.pk}/dimensions/",
        f"/incubation/{incubator.pk}/calls/new/",
        f"/incubation/calls/{call.pk}/",
        f"/incubation/calls/{call.pk}/edit/",
    ]
    for user in (incubator_operator, county_officer):
        client = login(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (user, url)
    assert login(county_officer).get("/incubation/new/").status_code == 200


def test_the_list_shows_each_persona_its_own_incubators(
    incubator: Incubator,
    other_incubator: Incubator,
    incubator_operator: User,
    other_operator: User,
    county_officer: User,
    tianmuhu_officer: User,
    daibu_officer: User,
    login: Login,
) -> None:
    def listed(user: User, query: str = "") -> list[str]:
        return [i.name for i in login(user).get(f"/incubation/?{query}").context["page"]]

    assert set(listed(county_officer)) == {incubator.name, other_incubator.name}
    assert listed(county_officer, "level=town") == [other_incubator.name]
    assert listed(incubator_operator) == [incubator.name]
    assert listed(other_operator) == [other_incubator.name]
    assert listed(tianmuhu_officer) == [other_incubator.name]
    page = login(daibu_officer).get("/incubation/").content.decode()
    assert 'data-testid="empty"' in page
    assert 'data-testid="create"' in login(county_officer).get("/incubation/").content.decode()
    assert 'data-testid="create"' not in login(incubator_operator).get("/incubation/").content.decode()


def test_out_of_scope_answers_404(
    incubator: Incubator,
    other_incubator: Incubator,
    other_operator: User,
    tianmuhu_officer: User,
    county_officer: User,
    login: Login,
) -> None:
    call = a_call(incubator, county_officer)
    for user in (other_operator, tianmuhu_officer):
        client = login(user)
        for url in (
            f"/incubation/{incubator.pk}/",
            f"/incubation/{incubator.pk}/edit/",
            f"/incubation/{incubator.pk}/staff/",
            f"/incubation/{incubator.pk}/criteria/",
            f"/incubation/{incubator.pk}/calls/new/",
            f"/incubation/calls/{call.pk}/",
            f"/incubation/calls/{call.pk}/edit/",
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/incubation/calls/{call.pk}/status/", {"to": "open"}).status_code == 404
    assert login(tianmuhu_officer).get(f"/incubation/{other_incubator.pk}/edit/").status_code == 200


def test_a_town_officer_may_not_edit_another_towns_station(
    other_incubator: Incubator, daibu_officer: User, login: Login
) -> None:
    client = login(daibu_officer)
    assert client.get(f"/incubation/{other_incubator.pk}/edit/").status_code == 404
    response = client.post(
        f"/incubation/{other_incubator.pk}/edit/",
        {"name": "改名", "level": "town", "region": TIANMUHU.ljust(12, "0"), "capacity": 3, "address": "x"},
    )
    assert response.status_code == 404
    other_incubator.refresh_from_db()
    assert other_incubator.name == "天目湖镇社会组织孵化站"


def test_anonymous_visitors_are_sent_to_sign_in(incubator: Incubator, client: Client) -> None:
    for url in (
        "/incubation/",
        "/incubation/new/",
        f"/incubation/{incubator.pk}/",
        f"/incubation/{incubator.pk}/staff/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"]


def test_the_village_worker_sees_but_changes_nothing(
    incubator: Incubator, village_worker: User, login: Login
) -> None:
    client = login(village_worker)
    assert client.get("/incubation/").status_code == 200
    assert client.get("/incubation/new/").status_code == 403
    # The county centre lies outside the village: the permission check answers first.
    assert client.get(f"/incubation/{incubator.pk}/edit/").status_code == 403
    assert client.get(f"/incubation/{incubator.pk}/calls/new/").status_code == 403


def test_the_list_costs_the_same_queries_for_more_incubators(
    incubator: Incubator, county_officer: User, admit: Callable[..., Residency], login: Login
) -> None:
    client = login(county_officer)
    admit(incubator, "戴埠镇邻里守望队")
    with CaptureQueriesContext(connection) as few:
        client.get("/incubation/")
    for index, town in enumerate((DAIBU, TIANMUHU)):
        station = make_incubator(f"第{index}孵化站", town, Level.TOWN)
        admit(station, f"第{index}互助队")
    with CaptureQueriesContext(connection) as more:
        response = client.get("/incubation/")
    assert len(response.context["page"]) == 3
    assert len(more) == len(few)


# Creating and editing incubators -----------------------------------------------------------


def test_the_county_officer_creates_an_incubator_and_links_its_operator(
    county_officer: User, incubator_operator: User, login: Login
) -> None:
    operator = make_organization("溧阳市汇智社会工作服务中心", DAIBU)
    client = login(county_officer)
    response = client.post(
        "/incubation/new/",
        {
            "name": "戴埠镇社会组织孵化站",
            "level": "town",
            "region": DAIBU.ljust(12, "0"),
            "operator": operator.pk,
            "capacity": 6,
            "address": "戴埠镇人民路8号",
            "phone": "0519-87654321",
            "served_fields": ["dispute", "safety"],
        },
    )
    station = Incubator.objects.get(name="戴埠镇社会组织孵化站")
    assert response.status_code == 302
    assert response["Location"] == f"/incubation/{station.pk}/"
    assert station.operator == operator
    assert sorted(station.fields.values_list("code", flat=True)) == ["dispute", "safety"]
    assert station.criteria.count() == 5
    page = client.get(f"/incubation/{station.pk}/").content.decode()
    assert 'data-testid="criteria-total">100<' in page
    assert 'data-testid="link-account"' in page

    linked = client.post(f"/incubation/{station.pk}/", {"username": incubator_operator.username})
    assert linked.status_code == 302
    assert list(station.accounts.all()) == [incubator_operator]
    refused = client.post(f"/incubation/{station.pk}/", {"username": county_officer.username})
    assert refused.status_code == 200
    assert "incubator-operator account" in refused.content.decode()
    unknown = client.post(f"/incubation/{station.pk}/", {"username": "nobody"})
    assert "No account has the username" in unknown.content.decode()


def test_a_county_centre_must_sit_in_a_county(county_officer: User, login: Login) -> None:
    response = login(county_officer).post(
        "/incubation/new/",
        {
            "name": "错位中心",
            "level": "county",
            "region": DAIBU.ljust(12, "0"),
            "capacity": 5,
            "address": "某路1号",
        },
    )
    assert response.status_code == 200
    assert "A county incubation centre belongs to a county" in response.content.decode()
    assert not Incubator.objects.filter(name="错位中心").exists()


def test_the_operator_may_not_create_an_incubator_nor_link_accounts(
    incubator: Incubator, incubator_operator: User, other_operator: User, login: Login
) -> None:
    client = login(incubator_operator)
    assert client.get("/incubation/new/").status_code == 403
    assert client.post("/incubation/new/", {"name": "x"}).status_code == 403
    page = client.get(f"/incubation/{incubator.pk}/").content.decode()
    assert 'data-testid="link-account"' not in page
    assert (
        client.post(f"/incubation/{incubator.pk}/", {"username": other_operator.username}).status_code == 403
    )
    assert not incubator.accounts.filter(pk=other_operator.pk).exists()


def test_the_operator_edits_its_incubator_but_not_its_level_or_region(
    incubator: Incubator, incubator_operator: User, login: Login
) -> None:
    client = login(incubator_operator)
    form = client.get(f"/incubation/{incubator.pk}/edit/").context["form"]
    assert form.fields["level"].disabled and form.fields["region"].disabled
    response = client.post(
        f"/incubation/{incubator.pk}/edit/",
        {
            "name": incubator.name,
            "level": "town",  # ignored: the field is disabled
            "region": DAIBU.ljust(12, "0"),
            "capacity": 12,
            "address": incubator.address,
            "floor_area": 800,
            "seen_version": incubator.version,
        },
    )
    assert response.status_code == 302
    incubator.refresh_from_db()
    assert (incubator.capacity, incubator.floor_area, incubator.level) == (12, 800, "county")
    assert incubator.region_id == LIYANG.ljust(12, "0")
    assert incubator.version == 2


def test_a_stale_edit_is_refused(incubator: Incubator, county_officer: User, login: Login) -> None:
    client = login(county_officer)
    data = {
        "name": incubator.name,
        "level": "county",
        "region": LIYANG.ljust(12, "0"),
        "capacity": 20,
        "address": incubator.address,
        "seen_version": incubator.version,
    }
    assert client.post(f"/incubation/{incubator.pk}/edit/", data).status_code == 302
    stale = client.post(f"/incubation/{incubator.pk}/edit/", {**data, "capacity": 30})
    assert stale.status_code == 200
    assert "Someone else changed this" in stale.content.decode()
    incubator.refresh_from_db()
    assert incubator.capacity == 20


# Staff, scoring form and growth rubric -----------------------------------------------------


def test_staff_edit_keeps_a_phone_left_empty_and_shows_phones_masked(
    incubator: Incubator, incubator_operator: User, login: Login
) -> None:
    services.save_staff(
        incubator,
        rows=[{"name": "王芳", "duty": "主任", "phone": "13812345678", "is_social_worker": True}],
        by=incubator_operator,
    )
    client = login(incubator_operator)
    page = client.get(f"/incubation/{incubator.pk}/")
    assert "138****5678" in page.content.decode()
    assert "13812345678" not in page.content.decode()
    form_page = client.get(f"/incubation/{incubator.pk}/staff/")
    assert "13812345678" not in form_page.content.decode()
    assert 'placeholder="138****5678"' in form_page.content.decode()
    rows = [
        {**existing_rows(form_page)[0], "phone": ""},
        {"name": "李明", "duty": "项目专员", "phone": "13900001111"},
    ]
    response = client.post(f"/incubation/{incubator.pk}/staff/", formset_data(form_page, rows))
    assert response.status_code == 302
    staff = list(StaffMember.objects.filter(incubator=incubator).order_by("id"))
    assert [(s.name, s.phone, s.is_social_worker) for s in staff] == [
        ("王芳", "13812345678", True),
        ("李明", "13900001111", False),
    ]
    # Removing someone takes them off the list.
    form_page = client.get(f"/incubation/{incubator.pk}/staff/")
    rows = [{**row, "DELETE": row["name"] == "李明"} for row in existing_rows(form_page)]
    client.post(f"/incubation/{incubator.pk}/staff/", formset_data(form_page, rows))
    assert list(StaffMember.objects.filter(incubator=incubator).values_list("name", flat=True)) == ["王芳"]


def test_a_wrong_staff_phone_is_refused(incubator: Incubator, incubator_operator: User, login: Login) -> None:
    client = login(incubator_operator)
    form_page = client.get(f"/incubation/{incubator.pk}/staff/")
    rows = [{"name": "李明", "duty": "项目专员", "phone": "12345"}]
    response = client.post(f"/incubation/{incubator.pk}/staff/", formset_data(form_page, rows))
    assert response.status_code == 200
    assert not StaffMember.objects.filter(incubator=incubator).exists()


def test_criteria_edit_retires_a_line_and_adds_one(
    incubator: Incubator, incubator_operator: User, login: Login
) -> None:
    client = login(incubator_operator)
    form_page = client.get(f"/incubation/{incubator.pk}/criteria/")
    assert "Total of the lines in use now: <strong>100</strong>" in form_page.content.decode()
    rows = existing_rows(form_page)
    first = rows[0]["id"]
    rows[0] = {**rows[0], "is_active": False}
    rows.append({"name": "党建引领", "max_points": 10, "guidance": "有党员骨干", "is_active": True})
    response = client.post(f"/incubation/{incubator.pk}/criteria/", formset_data(form_page, rows))
    assert response.status_code == 302
    assert Criterion.objects.filter(incubator=incubator).count() == 6
    assert not Criterion.objects.get(pk=first).is_active
    added = Criterion.objects.get(incubator=incubator, name="党建引领")
    assert (added.max_points, added.guidance, added.is_active, added.order) == (10, "有党员骨干", True, 6)
    page = client.get(f"/incubation/{incubator.pk}/").content.decode()
    assert 'data-testid="criteria-total">85<' in page


def test_retiring_every_line_is_refused(incubator: Incubator, incubator_operator: User, login: Login) -> None:
    client = login(incubator_operator)
    form_page = client.get(f"/incubation/{incubator.pk}/dimensions/")
    rows = [{**row, "is_active": False} for row in existing_rows(form_page)]
    response = client.post(f"/incubation/{incubator.pk}/dimensions/", formset_data(form_page, rows))
    assert response.status_code == 200
    assert "Keep at least one line in use." in messages_of(response)
    assert incubator.dimensions.filter(is_active=True).count() == 5


# Calls for intake --------------------------------------------------------------------------


def test_a_call_is_created_opened_and_closed(
    incubator: Incubator, incubator_operator: User, login: Login
) -> None:
    client = login(incubator_operator)
    response = client.post(f"/incubation/{incubator.pk}/calls/new/", call_values())
    call = Call.objects.get(incubator=incubator)
    assert response["Location"] == f"/incubation/calls/{call.pk}/"
    assert call.status == CallStatus.DRAFT
    assert list(call.fields.values_list("code", flat=True)) == ["dispute"]
    page = client.get(f"/incubation/calls/{call.pk}/").content.decode()
    assert 'data-testid="open"' in page and "data-confirm=" in page

    opened = client.post(
        f"/incubation/calls/{call.pk}/status/", {"to": "open", "seen_version": 1}, follow=True
    )
    assert "The call is open for applications." in messages_of(opened)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    closed = client.post(f"/incubation/calls/{call.pk}/status/", {"to": "closed"}, follow=True)
    assert "The call is closed." in messages_of(closed)
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    detail = client.get(f"/incubation/{incubator.pk}/").content.decode()
    assert f"/incubation/calls/{call.pk}/report/" in detail


def test_closing_a_draft_call_is_refused(incubator: Incubator, county_officer: User, login: Login) -> None:
    call = a_call(incubator, county_officer)
    response = login(county_officer).post(
        f"/incubation/calls/{call.pk}/status/", {"to": "closed"}, follow=True
    )
    assert any("cannot go from" in m for m in messages_of(response))
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_a_stale_call_move_and_a_wrong_date_order_are_refused(
    incubator: Incubator, county_officer: User, login: Login
) -> None:
    call = a_call(incubator, county_officer)
    client = login(county_officer)
    response = client.post(
        f"/incubation/calls/{call.pk}/status/", {"to": "open", "seen_version": 9}, follow=True
    )
    assert any("Someone else changed this" in m for m in messages_of(response))
    backwards = client.post(
        f"/incubation/calls/{call.pk}/edit/",
        call_values(opens_on="2026-03-01", closes_on="2026-02-01", seen_version=call.version),
    )
    assert backwards.status_code == 200
    assert "A call closes on or after the day it opens." in backwards.content.decode()
    edited = client.post(
        f"/incubation/calls/{call.pk}/edit/", call_values(places=8, seen_version=call.version)
    )
    assert edited.status_code == 302
    call.refresh_from_db()
    assert (call.places, call.title) == (8, "2026年第一期入驻招募")


def test_the_call_page_lists_its_applications_and_residents(
    incubator: Incubator, county_officer: User, admit: Callable[..., Residency], login: Login
) -> None:
    call = services.move_call(a_call(incubator, county_officer), to="open", by=county_officer)
    resident = admit(incubator, "戴埠镇邻里守望队")
    Residency.objects.filter(pk=resident.pk).update(call=call)
    page = login(county_officer).get(f"/incubation/calls/{call.pk}/").content.decode()
    assert f"/incubation/residents/{resident.pk}/" in page
    assert 'data-testid="close"' in page
