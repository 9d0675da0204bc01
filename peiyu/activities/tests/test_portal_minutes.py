"""Published minutes on the portal, without an account: only published meetings, newest first,
filtered by town, village and kind of council; a meeting's page with its agenda, attendance
against the quorum, minutes and decisions with their votes and follow-up; never a member's
phone; a meeting not published answers 404."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peiyu.accounts.models import User
from peiyu.activities.models import Meeting
from peiyu.activities.services import deliberation
from peiyu.activities.tests.test_deliberation_views import EN, SINCE, TODAY, adopted, held_meeting
from peiyu.testing import DAIBU, TIANMUHU, first_village

pytestmark = pytest.mark.django_db
LIST = "/minutes/"


def published(by: User, **kwargs: Any) -> Meeting:
    meeting = held_meeting(by, **kwargs)
    adopted(meeting, by, responsible="村委会", due_on=TODAY + datetime.timedelta(days=30))
    return deliberation.publish_minutes(meeting, by=by)


def test_only_published_minutes_are_listed_newest_first(
    village_worker: User, county_officer: User, client: Client
) -> None:
    first = published(village_worker)
    held = held_meeting(village_worker, name="妇女议事会")
    planned = deliberation.plan_meeting(
        first.council,
        kind="ordinary",
        held_on=TODAY + datetime.timedelta(days=3),
        agenda="下月议题",
        by=village_worker,
    )
    newer = deliberation.plan_meeting(
        first.council, kind="ordinary", held_on=TODAY, agenda="第二次", by=village_worker
    )
    newer = deliberation.record_meeting(
        newer, attendees=list(first.council.members.all()[:7]), minutes="第二次纪要", by=village_worker
    )
    newer = deliberation.publish_minutes(newer, by=village_worker)
    older = deliberation.plan_meeting(
        first.council,
        kind="ordinary",
        held_on=TODAY - datetime.timedelta(days=40),
        agenda="旧议题",
        by=village_worker,
    )
    older = deliberation.record_meeting(
        older, attendees=list(first.council.members.all()[:6]), minutes="旧纪要", by=village_worker
    )
    older = deliberation.publish_minutes(older, by=village_worker)
    response = client.get(LIST, **EN)
    assert response.status_code == 200
    assert [m.pk for m in response.context["page"]] == [newer.pk, first.pk, older.pk]
    for hidden in (held, planned):
        assert client.get(reverse("portal:minutes-detail", args=[hidden.pk])).status_code == 404
    assert client.get("/minutes/999999/").status_code == 404
    content = response.content.decode()
    assert "7 of 10 members present" in content and "1 decision" in content


def test_a_published_meeting_shows_everything_but_phones(village_worker: User, client: Client) -> None:
    meeting = published(village_worker)
    response = client.get(reverse("portal:minutes-detail", args=[meeting.pk]), **EN)
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("百姓议事堂", "路灯", "纪要", "修复路灯", "For 5, against 1, abstaining 0", "村委会"):
        assert text in content, text
    assert "6 / 10 present — quorum (more than half) met" in content
    assert "To be carried out" in content  # the follow-up as it stands
    assert "1380000" not in content and "138****" not in content
    decision = meeting.decisions.get()
    deliberation.follow_decision(decision, to="done", note="路灯已修好", by=village_worker)
    content = client.get(reverse("portal:minutes-detail", args=[meeting.pk]), **EN).content.decode()
    assert "路灯已修好" in content and "Done on" in content


def test_a_meeting_without_its_quorum_says_so(village_worker: User, client: Client) -> None:
    meeting = held_meeting(village_worker, present=5)
    deliberation.publish_minutes(meeting, by=village_worker)
    content = client.get(reverse("portal:minutes-detail", args=[meeting.pk]), **EN).content.decode()
    assert "5 / 10 present — quorum (more than half) not met" in content
    assert 'data-testid="no-decisions"' in content


def test_the_filters(village_worker: User, county_officer: User, client: Client) -> None:
    daibu = published(village_worker)
    council = deliberation.create_council(
        region=first_village(TIANMUHU), kind="women", name="妇女议事会", by=county_officer
    )
    for i in range(3):
        deliberation.add_member(council, name=f"委员{i}", office="member", since=SINCE, by=county_officer)
    meeting = deliberation.plan_meeting(
        council, kind="ordinary", held_on=TODAY, agenda="议题", by=county_officer
    )
    meeting = deliberation.record_meeting(
        meeting, attendees=list(council.members.all()), minutes="纪要", by=county_officer
    )
    tianmuhu = deliberation.publish_minutes(meeting, by=county_officer)

    def listed(**query: str) -> list[int]:
        return [m.pk for m in client.get(LIST, query).context["page"]]

    assert set(listed()) == {daibu.pk, tianmuhu.pk}
    assert listed(town=DAIBU.ljust(12, "0")) == [daibu.pk]
    assert listed(village=first_village(TIANMUHU).code) == [tianmuhu.pk]
    assert listed(kind="women") == [tianmuhu.pk]
    assert listed(town=DAIBU.ljust(12, "0"), kind="women") == []
    # Values not offered filter nothing rather than failing.
    for junk in ({"town": "x"}, {"village": "123"}, {"kind": "club"}, {"page": "nine"}):
        response = client.get(LIST, junk)
        assert response.status_code == 200 and len(response.context["page"]) == 2
    empty = client.get(LIST, {"town": DAIBU.ljust(12, "0"), "kind": "women"}, **EN).content.decode()
    assert 'data-testid="empty"' in empty


def test_the_list_costs_the_same_queries_for_more_meetings(village_worker: User, client: Client) -> None:
    published(village_worker)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(3):
        published(village_worker, name=f"议事会{i}")
    with CaptureQueriesContext(connection) as more:
        response = client.get(LIST)
    assert len(response.context["page"]) == 4
    assert len(more) == len(few)


def test_the_home_page_links_to_the_minutes(regions: None, client: Client) -> None:
    content = client.get("/").content.decode()
    assert f'href="{LIST}" data-testid="minutes-link"' in content
    assert 'data-testid="empty"' in client.get(LIST).content.decode()
