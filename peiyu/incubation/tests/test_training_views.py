"""Training events through the back-office pages: the list, a new event, its attendance sheet
that puts the event in each attending resident's service log, and who may see and do what."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.incubation.models import Incubator, Residency, Service, ServiceKind, TrainingEvent
from peiyu.incubation.services import residencies

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
Admit = Callable[..., Residency]
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def training(incubator: Incubator, by: User, *, held_on: datetime.date | None = None) -> TrainingEvent:
    return residencies.create_training_event(
        incubator,
        values=residencies.EventValues(
            title="社会组织财务管理培训",
            held_on=held_on or TODAY(),
            hours=Decimal("2.5"),
            provider="溧阳市社会工作协会",
            place="孵化中心二楼会议室",
        ),
        by=by,
    )


def test_an_operator_creates_an_event_for_its_incubator(
    incubator: Incubator, other_incubator: Incubator, incubator_operator: User, login: Login
) -> None:
    client = login(incubator_operator)
    form = client.get("/incubation/events/new/").content.decode()
    assert incubator.name in form
    assert other_incubator.name not in form  # only the incubators it runs
    response = client.post(
        "/incubation/events/new/",
        {
            "incubator": incubator.pk,
            "title": "政策解读会",
            "kind": ServiceKind.POLICY,
            "held_on": TODAY().isoformat(),
            "hours": "1.5",
            "place": "",
            "provider": "市民政局",
            "description": "",
        },
    )
    event = TrainingEvent.objects.get()
    assert response["Location"] == f"/incubation/events/{event.pk}/"
    assert (event.incubator, event.kind, event.created_by) == (
        incubator,
        ServiceKind.POLICY,
        incubator_operator,
    )
    # Another operator's incubator is not a choice.
    response = client.post(
        "/incubation/events/new/",
        {"incubator": other_incubator.pk, "title": "x", "kind": "training", "held_on": TODAY().isoformat()}
        | {"hours": "1", "provider": "x"},
    )
    assert response.status_code == 200
    assert TrainingEvent.objects.count() == 1


def test_the_attendance_sheet_adds_and_removes_service_rows(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    first = admit(incubator, "邻里守望队", months=2)
    second = admit(incubator, "调解志愿队", months=1)
    later = admit(incubator, "文体队", started_on=TODAY() + 10 * DAY)  # not yet in residence
    event = training(incubator, incubator_operator)
    client = login(incubator_operator)
    page = client.get(f"/incubation/events/{event.pk}/").content.decode()
    assert first.name in page and second.name in page
    assert later.name not in page

    sheet = {f"came_{first.pk}": "on", f"people_{first.pk}": "3", f"came_{second.pk}": "on"}
    response = client.post(f"/incubation/events/{event.pk}/attendance/", sheet | {f"people_{second.pk}": "2"})
    assert response.status_code == 302
    rows = {s.residency_id: s for s in Service.objects.filter(event=event)}
    assert set(rows) == {first.pk, second.pk}
    assert rows[first.pk].attendees == 3
    assert (rows[first.pk].hours, rows[first.pk].kind) == (Decimal("2.5"), ServiceKind.TRAINING)
    assert event.title in client.get(f"/incubation/residents/{first.pk}/").content.decode()

    # Untick the second resident: its row goes, the first one's stays.
    response = client.post(
        f"/incubation/events/{event.pk}/attendance/", {f"came_{first.pk}": "on", f"people_{first.pk}": "4"}
    )
    assert response.status_code == 302
    assert list(Service.objects.filter(event=event).values_list("residency_id", "attendees")) == [
        (first.pk, 4)
    ]
    listed = client.get("/incubation/events/").content.decode()
    assert event.title in listed


def test_a_ticked_resident_needs_a_number_of_people(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    event = training(incubator, incubator_operator)
    response = login(incubator_operator).post(
        f"/incubation/events/{event.pk}/attendance/",
        {f"came_{resident.pk}": "on", f"people_{resident.pk}": ""},
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not Service.objects.exists()


def test_attendance_waits_for_the_event_to_take_place(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    event = training(incubator, incubator_operator, held_on=TODAY() + 3 * DAY)
    client = login(incubator_operator)
    page = client.get(f"/incubation/events/{event.pk}/").content.decode()
    assert 'data-testid="not-held"' in page
    response = client.post(
        f"/incubation/events/{event.pk}/attendance/",
        {f"came_{resident.pk}": "on", f"people_{resident.pk}": "1"},
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert not Service.objects.exists()


def test_the_list_filters_by_incubator_at_a_constant_query_count(
    incubator: Incubator,
    other_incubator: Incubator,
    incubator_operator: User,
    county_officer: User,
    login: Login,
) -> None:
    training(incubator, incubator_operator)
    client = login(county_officer)
    client.get("/incubation/events/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/incubation/events/").status_code == 200
    for _ in range(3):
        training(incubator, incubator_operator)
    with CaptureQueriesContext(connection) as more:
        page = client.get("/incubation/events/").content.decode()
    assert page.count("社会组织财务管理培训") == 4
    assert len(more) == len(few)
    assert (
        'data-testid="empty"'
        in client.get(f"/incubation/events/?incubator={other_incubator.pk}").content.decode()
    )


def test_denials(
    incubator: Incubator,
    admit: Admit,
    incubator_operator: User,
    other_operator: User,
    tianmuhu_officer: User,
    volunteer: User,
    login: Login,
    client: Client,
) -> None:
    resident = admit(incubator, months=2)
    event = training(incubator, incubator_operator)
    assert client.get("/incubation/events/")["Location"].startswith("/accounts/login/")
    assert login(volunteer).get("/incubation/events/").status_code == 403
    assert login(volunteer).get("/incubation/events/new/").status_code == 403
    for user in (other_operator, tianmuhu_officer):
        outsider = login(user)
        assert event.title not in outsider.get("/incubation/events/").content.decode()
        for page in ("", "sheet.docx"):
            assert outsider.get(f"/incubation/events/{event.pk}/{page}").status_code == 404
        sheet = {f"came_{resident.pk}": "on", f"people_{resident.pk}": "1"}
        assert outsider.post(f"/incubation/events/{event.pk}/attendance/", sheet).status_code == 404
    assert not Service.objects.exists()
    assert login(incubator_operator).get(f"/incubation/events/{event.pk}/attendance/").status_code == 405
