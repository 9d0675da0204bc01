"""Deliberation's back-office pages, through the interface: a village sets up its deliberation
hall, adds its members and officers (phones masked), ends a term, plans a meeting and records
its attendance against the quorum at its boundary (exactly half of ten has none and cannot
decide; six of ten can; an election needs two thirds), records decisions with their votes,
follows one to done and publishes the minutes. Denials: anonymous, a volunteer and an
organization's account on every page, another town's officer on a 戴埠 council."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.activities.models import (
    ActivityEvent,
    Council,
    CouncilMember,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingStatus,
)
from peiyu.activities.services import deliberation
from peiyu.core.exceptions import DomainError
from peiyu.regions.models import Region
from peiyu.testing import DAIBU, LIYANG, TIANMUHU, first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate()
SINCE = TODAY - datetime.timedelta(days=100)


# Set-up through the pages ---------------------------------------------------------------------


def set_up(client: Client, name: str = "南渡村百姓议事堂", kind: str = "hall", town: str = DAIBU) -> Council:
    data = {"region": first_village(town).code, "kind": kind, "name": name, "place": "村委会二楼会议室"}
    response = client.post(reverse("activities:council-create"), data)
    assert response.status_code == 302, response.content.decode()
    council = Council.objects.get(name=name)
    assert response["Location"] == reverse("activities:council-detail", args=[council.pk])
    return council


def add_member(client: Client, council: Council, name: str, office: str = "member", phone: str = "") -> Any:
    data = {
        "member-name": name,
        "member-office": office,
        "member-since": SINCE.isoformat(),
        "member-phone": phone,
    }
    return client.post(reverse("activities:member-add", args=[council.pk]), data, **EN)


def add_members(client: Client, council: Council, count: int) -> None:
    for i in range(count):
        response = add_member(client, council, f"议事员{i:02d}", phone=f"1390000{i:04d}")
        assert response.status_code == 302


def plan(client: Client, council: Council, kind: str = "ordinary", day: datetime.date = TODAY) -> Meeting:
    data = {
        "meeting-kind": kind,
        "meeting-held_on": day.isoformat(),
        "meeting-agenda": "一、村道路灯维修\n二、公共停车位",
    }
    response = client.post(reverse("activities:meeting-create", args=[council.pk]), data)
    assert response.status_code == 302, response.content.decode()
    meeting = Meeting.objects.filter(council=council).latest("id")
    assert response["Location"] == reverse("activities:meeting-detail", args=[meeting.pk])
    return meeting


def record(client: Client, meeting: Meeting, present: int) -> Any:
    members = CouncilMember.objects.filter(council=meeting.council).order_by("pk")[:present]
    data = {"record-attendees": [m.pk for m in members], "record-minutes": "与会议事员逐项讨论了议题。"}
    return client.post(reverse("activities:meeting-record", args=[meeting.pk]), data, **EN)


def decide(client: Client, meeting: Meeting, votes: tuple[int, int, int], **extra: str) -> Any:
    data = {
        "decision-text": extra.pop("text", "修复村道路灯12盏"),
        "decision-votes_for": votes[0],
        "decision-votes_against": votes[1],
        "decision-abstentions": votes[2],
        "decision-responsible": "村委会",
        **{f"decision-{k}": v for k, v in extra.items()},
    }
    return client.post(reverse("activities:decision-create", args=[meeting.pk]), data, **EN)


def page(client: Client, url: str) -> str:
    response = client.get(url, **EN)
    assert response.status_code == 200
    return response.content.decode()


# Set-up through the services (for the denials and the lists) ---------------------------------


def held_meeting(
    by: User, *, size: int = 10, present: int = 6, town: str = DAIBU, name: str = "百姓议事堂"
) -> Meeting:
    council = deliberation.create_council(region=first_village(town), kind="hall", name=name, by=by)
    for i in range(size):
        deliberation.add_member(
            council, name=f"议事员{i}", office="member", since=SINCE, phone=f"1380000{i:04d}", by=by
        )
    meeting = deliberation.plan_meeting(council, kind="ordinary", held_on=TODAY, agenda="路灯", by=by)
    return deliberation.record_meeting(
        meeting, attendees=list(council.members.all()[:present]), minutes="纪要", by=by
    )


def adopted(meeting: Meeting, by: User, **extra: Any) -> Decision:
    return deliberation.record_decision(
        meeting,
        text="修复路灯",
        votes_for=5,
        votes_against=1,
        abstentions=0,
        by=by,
        **extra,
    )


# A council ------------------------------------------------------------------------------------


def test_a_village_sets_up_its_hall_and_its_members(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    listing = page(client, reverse("activities:council-list"))
    assert 'data-testid="empty"' in listing and "0 of 1 village" in listing
    form = client.get(reverse("activities:council-create"), **EN)
    assert form.context["form"].initial["region"] == village_worker.region_id
    council = set_up(client)
    response = add_member(client, council, "王建国", office="chair", phone="13912345678")
    assert response.status_code == 302
    add_members(client, council, 9)
    detail = page(client, reverse("activities:council-detail", args=[council.pk]))
    assert "139****5678" in detail and "13912345678" not in detail
    assert "13900000003" not in detail and "139****0003" in detail
    assert "王建国" in detail.split('data-testid="officers"')[1].split("</div>")[0]
    assert "Member added" in detail  # the history
    listing = page(client, reverse("activities:council-list"))
    assert "1 of 1 village" in listing
    assert client.get(reverse("activities:council-list")).context["page"][0].members_now == 10


def test_an_office_is_held_by_one_member_at_a_time(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    council = set_up(client)
    add_member(client, council, "王建国", office="chair")
    again = add_member(client, council, "李卫东", office="chair")
    assert again.status_code == 200
    assert "end that term first" in again.content.decode()
    assert council.members.count() == 1
    bad = add_member(client, council, "", phone="12345")
    assert bad.status_code == 200 and bad.context["member_form"].errors.keys() >= {"name", "phone"}


def test_a_council_of_that_name_once_per_village(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    set_up(client)
    data = {"region": village_worker.region_id, "kind": "women", "name": "南渡村百姓议事堂"}
    response = client.post(reverse("activities:council-create"), data, **EN)
    assert response.status_code == 200 and "already has a council of that name" in response.content.decode()
    assert Council.objects.count() == 1


def test_a_term_ends_after_confirmation(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    council = set_up(client)
    add_member(client, council, "王建国", office="chair", phone="13912345678")
    member = council.members.get()
    url = reverse("activities:member-end", args=[member.pk])
    confirm = page(client, url)
    assert "data-confirm" in confirm and "139****5678" in confirm and "13912345678" not in confirm
    assert client.post(url, {"until": "not a date"}, **EN).status_code == 200
    yesterday = TODAY - datetime.timedelta(days=1)
    response = client.post(url, {"until": yesterday.isoformat()})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.until == yesterday
    detail = client.get(reverse("activities:council-detail", args=[council.pk]), **EN)
    assert detail.context["former"] == [member] and detail.context["current"] == []
    again = client.post(url, {"until": TODAY.isoformat()}, **EN)
    assert again.status_code == 200 and "already ended" in again.content.decode()


# A meeting at its quorum's boundary -------------------------------------------------------------


def test_exactly_half_of_ten_has_no_quorum_and_cannot_decide(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    council = set_up(client)
    add_members(client, council, 10)
    meeting = plan(client, council)
    planned = page(client, reverse("activities:meeting-detail", args=[meeting.pk]))
    assert "more than half" in planned and "at least 6 present" in planned
    assert 'data-testid="record-form"' in planned
    assert record(client, meeting, 5).status_code == 302
    detail = page(client, reverse("activities:meeting-detail", args=[meeting.pk]))
    assert "5 / 10 present — quorum (more than half) not met" in detail
    assert 'data-testid="no-quorum"' in detail and 'data-testid="decision-form"' not in detail
    refused = decide(client, meeting, (5, 0, 0))
    assert refused.status_code == 200
    message = "The meeting had 5 of 10 members present, short of its quorum: it cannot decide."
    assert message in refused.content.decode()
    assert not Decision.objects.exists()


def test_six_of_ten_decide_by_more_than_half_of_those_present(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    council = set_up(client)
    add_members(client, council, 10)
    meeting = plan(client, council)
    assert record(client, meeting, 6).status_code == 302
    detail = page(client, reverse("activities:meeting-detail", args=[meeting.pk]))
    assert "6 / 10 present — quorum (more than half) met" in detail
    assert 'data-testid="decision-form"' in detail
    assert decide(client, meeting, (4, 1, 1)).status_code == 302
    assert decide(client, meeting, (3, 3, 0), text="收取路灯费").status_code == 302
    too_many = decide(client, meeting, (5, 2, 0), text="另一事项")
    assert too_many.status_code == 200
    assert "cannot exceed the members present (6)" in too_many.content.decode()
    bad = decide(client, meeting, (-1, 0, 0), text="")
    assert bad.status_code == 200 and set(bad.context["decide"].errors) >= {"text", "votes_for"}
    lights, fee = Decision.objects.order_by("id")
    assert (lights.adopted, fee.adopted) == (True, False)  # 3 of 6 is not more than half
    detail = page(client, reverse("activities:meeting-detail", args=[meeting.pk]))
    assert "For 4, against 1, abstaining 1" in detail and "not adopted" in detail
    assert detail.count('data-testid="follow"') == 1  # only the adopted decision is followed
    follow = reverse("activities:decision-follow", args=[lights.pk])
    meeting_url = reverse("activities:meeting-detail", args=[meeting.pk])
    dropped = client.post(
        follow, {"to": "dropped", "note": "经费不足，改由镇里统一安排", "next": meeting_url}
    )
    assert dropped.status_code == 302 and dropped["Location"] == meeting_url
    assert Decision.objects.get(pk=lights.pk).status == DecisionStatus.DROPPED
    assert "Decision recorded" in detail  # the decisions' steps are in the meeting's history


def test_an_election_needs_two_thirds(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    council = set_up(client)
    add_members(client, council, 9)
    short = plan(client, council, kind="election")
    assert "at least two thirds" in page(client, reverse("activities:meeting-detail", args=[short.pk]))
    record(client, short, 5)
    assert "5 / 9 present — quorum (at least two thirds) not met" in page(
        client, reverse("activities:meeting-detail", args=[short.pk])
    )
    enough = plan(client, council, kind="election")
    record(client, enough, 6)
    assert "6 / 9 present — quorum (at least two thirds) met" in page(
        client, reverse("activities:meeting-detail", args=[enough.pk])
    )
    assert Meeting.objects.get(pk=enough.pk).quorum_met is True


def test_a_meeting_is_recorded_once_and_only_after_its_day(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    council = set_up(client)
    add_members(client, council, 3)
    later = plan(client, council, day=TODAY + datetime.timedelta(days=7))
    detail = page(client, reverse("activities:meeting-detail", args=[later.pk]))
    assert 'data-testid="not-yet"' in detail and 'data-testid="record-form"' not in detail
    early = record(client, later, 2)
    assert early.status_code == 200
    assert "recorded once it has been held" in early.content.decode()
    meeting = plan(client, council)
    no_minutes = client.post(
        reverse("activities:meeting-record", args=[meeting.pk]), {"record-minutes": ""}, **EN
    )
    assert no_minutes.status_code == 200 and no_minutes.context["record"].errors["minutes"]
    stranger = CouncilMember.objects.create(
        council=council, name="外人", since=TODAY + datetime.timedelta(days=1)
    )
    outsider = client.post(
        reverse("activities:meeting-record", args=[meeting.pk]),
        {"record-attendees": [stranger.pk], "record-minutes": "纪要"},
        **EN,
    )
    assert outsider.status_code == 200 and outsider.context["record"].errors["attendees"]
    record(client, meeting, 2)
    twice = record(client, meeting, 3)
    assert twice.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).present == 2
    assert "cannot go from" in page(client, reverse("activities:meeting-detail", args=[meeting.pk]))


def test_a_decision_is_followed_to_done_and_the_minutes_published(
    village_worker: User, login: Login, client: Client
) -> None:
    worker = login(village_worker)
    council = set_up(worker)
    add_members(worker, council, 10)
    meeting = plan(worker, council)
    record(worker, meeting, 6)
    overdue_day = TODAY - datetime.timedelta(days=3)
    decide(worker, meeting, (5, 1, 0), due_on=overdue_day.isoformat())
    decision = Decision.objects.get()
    listing = page(worker, reverse("activities:decision-list"))
    assert f'data-decision="{decision.pk}" class="table-danger" data-overdue="1"' in listing
    follow = reverse("activities:decision-follow", args=[decision.pk])
    assert 'data-testid="overdue"' in page(worker, follow)
    assert worker.post(follow, {"to": "in_progress"}).status_code == 302
    assert Decision.objects.get().status == DecisionStatus.IN_PROGRESS
    no_note = worker.post(follow, {"to": "done", "note": " "}, **EN)
    assert no_note.status_code == 200 and no_note.context["form"].errors["note"]
    back = reverse("activities:decision-list")
    done = worker.post(follow, {"to": "done", "note": "已更换12盏路灯，村民验收。", "next": back})
    assert done.status_code == 302 and done["Location"] == back
    decision.refresh_from_db()
    assert (decision.status, decision.done_on, decision.evidence) == (
        "done",
        TODAY,
        "已更换12盏路灯，村民验收。",
    )
    assert worker.get(back).context["page"].paginator.count == 0  # the list opens on open decisions
    assert worker.get(back, {"status": "done"}).context["page"][0] == decision
    closed = worker.post(follow, {"to": "in_progress"}, **EN)
    assert closed.status_code == 200 and Decision.objects.get().status == DecisionStatus.DONE
    assert "Decision carried out" in page(worker, follow)

    detail = page(worker, reverse("activities:meeting-detail", args=[meeting.pk]))
    assert 'data-testid="publish"' in detail and "data-confirm" in detail
    assert client.get(reverse("portal:minutes-detail", args=[meeting.pk])).status_code == 404
    assert worker.post(reverse("activities:meeting-publish", args=[meeting.pk])).status_code == 302
    published = Meeting.objects.get(pk=meeting.pk)
    assert (published.status, published.published_on) == (MeetingStatus.PUBLISHED, TODAY)
    again = worker.post(reverse("activities:meeting-publish", args=[meeting.pk]), follow=True, **EN)
    assert "cannot go from" in again.content.decode()
    public = client.get(reverse("portal:minutes-detail", args=[meeting.pk]), **EN).content.decode()
    assert "6 / 10 present — quorum (more than half) met" in public and "修复村道路灯12盏" in public
    assert "已更换12盏路灯" in public and "1390000" not in public and "139****" not in public
    assert meeting.pk in [m.pk for m in client.get(reverse("portal:minutes-list")).context["page"]]


def test_a_decision_not_adopted_is_not_followed(village_worker: User, login: Login) -> None:
    meeting = held_meeting(village_worker)
    decision = deliberation.record_decision(
        meeting, text="收费", votes_for=3, votes_against=3, abstentions=0, by=village_worker
    )
    client = login(village_worker)
    follow = reverse("activities:decision-follow", args=[decision.pk])
    assert 'data-testid="not-followed"' in page(client, follow)
    assert client.post(follow, {"to": "in_progress"}).status_code == 200
    assert Decision.objects.get().status == DecisionStatus.OPEN
    listing = client.get(reverse("activities:decision-list"), {"status": "not_adopted"})
    assert list(listing.context["page"]) == [decision]


# Lists: filters, exports, bad input, queries ----------------------------------------------------


def test_the_council_list_filters_and_exports(
    county_officer: User, village_worker: User, login: Login
) -> None:
    daibu = held_meeting(village_worker).council
    adopted(daibu.meetings.get(), village_worker)
    tianmuhu = deliberation.create_council(
        region=first_village(TIANMUHU), kind="women", name="妇女议事会", by=county_officer
    )
    client = login(county_officer)
    url = reverse("activities:council-list")
    everything = client.get(url)
    assert {c.pk for c in everything.context["page"]} == {daibu.pk, tianmuhu.pk}
    row = next(c for c in everything.context["page"] if c.pk == daibu.pk)
    assert (row.members_now, row.meetings_this_year, row.open_decisions) == (10, 1, 1)
    assert [c.pk for c in client.get(url, {"kind": "women"}).context["page"]] == [tianmuhu.pk]
    assert [c.pk for c in client.get(url, {"town": TIANMUHU.ljust(12, "0")}).context["page"]] == [tianmuhu.pk]
    assert [c.pk for c in client.get(url, {"q": "妇女"}).context["page"]] == [tianmuhu.pk]
    assert client.get(url, {"active": "no"}).context["page"].paginator.count == 0
    for junk in ({"kind": "x"}, {"town": "abc"}, {"active": "maybe"}, {"page": "zz"}, {"q": "x" * 500}):
        assert client.get(url, junk).status_code == 200
    villages = Region.objects.filter(level="village", code__startswith=LIYANG).count()
    assert f"1 of {villages} villages in your area have a deliberation hall" in page(client, url)
    export = client.get(url, {"format": "xlsx", "kind": "hall"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == daibu.name and rows[1][7:] == (10, 1, 1)


def test_the_decision_list_filters_and_exports(village_worker: User, login: Login) -> None:
    meeting = held_meeting(village_worker)
    late = adopted(meeting, village_worker, due_on=TODAY - datetime.timedelta(days=1))
    later = adopted(meeting, village_worker, due_on=TODAY + datetime.timedelta(days=30))
    client = login(village_worker)
    url = reverse("activities:decision-list")
    assert [d.pk for d in client.get(url).context["page"]] == [late.pk, later.pk]
    assert [d.pk for d in client.get(url, {"overdue": "on"}).context["page"]] == [late.pk]
    for junk in ({"status": "x"}, {"overdue": "maybe"}, {"town": "1"}, {"page": "-1"}):
        assert client.get(url, junk).status_code == 200
    export = client.get(url, {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][-1] and not rows[2][-1]  # the overdue column


def test_the_lists_cost_the_same_queries_for_more_rows(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    first = held_meeting(village_worker)
    adopted(first, village_worker)
    urls = [reverse("activities:council-list"), reverse("activities:decision-list")]
    with CaptureQueriesContext(connection) as few:
        for url in urls:
            client.get(url)
    for i in range(3):
        more_meeting = held_meeting(village_worker, name=f"议事会{i}")
        adopted(more_meeting, village_worker)
    with CaptureQueriesContext(connection) as more:
        for url in urls:
            client.get(url)
    assert len(more) == len(few)


# Denials --------------------------------------------------------------------------------------


def deliberation_urls(meeting: Meeting, decision: Decision) -> list[str]:
    council = meeting.council
    member = council.members.first()
    assert member is not None
    return [
        reverse("activities:council-list"),
        reverse("activities:council-create"),
        reverse("activities:council-detail", args=[council.pk]),
        reverse("activities:member-add", args=[council.pk]),
        reverse("activities:member-end", args=[member.pk]),
        reverse("activities:meeting-create", args=[council.pk]),
        reverse("activities:meeting-detail", args=[meeting.pk]),
        reverse("activities:meeting-record", args=[meeting.pk]),
        reverse("activities:decision-create", args=[meeting.pk]),
        reverse("activities:meeting-publish", args=[meeting.pk]),
        reverse("activities:decision-list"),
        reverse("activities:decision-follow", args=[decision.pk]),
    ]


@pytest.fixture
def daibu(village_worker: User) -> tuple[Meeting, Decision]:
    meeting = held_meeting(village_worker)
    return meeting, adopted(meeting, village_worker)


def test_an_anonymous_visitor_is_sent_to_sign_in(daibu: tuple[Meeting, Decision], client: Client) -> None:
    for url in deliberation_urls(*daibu):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("persona", ["volunteer", "organization_account"])
def test_accounts_without_the_permission_are_refused(
    persona: str, daibu: tuple[Meeting, Decision], login: Login, request: pytest.FixtureRequest
) -> None:
    client = login(request.getfixturevalue(persona))
    for url in deliberation_urls(*daibu):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"until": TODAY.isoformat(), "to": "done", "note": "x"}).status_code == 403, (
            url
        )
    assert Meeting.objects.get().status == MeetingStatus.HELD


def test_another_towns_officer_finds_nothing_of_daibu(
    daibu: tuple[Meeting, Decision], tianmuhu_officer: User, login: Login
) -> None:
    meeting, decision = daibu
    client = login(tianmuhu_officer)
    lists = {reverse(f"activities:{name}") for name in ("council-list", "council-create", "decision-list")}
    scoped = [url for url in deliberation_urls(meeting, decision) if url not in lists]
    assert len(scoped) == 9
    for url in scoped:
        assert client.get(url).status_code in (404, 405), url
        response = client.post(
            url,
            {
                "until": TODAY.isoformat(),
                "to": "done",
                "note": "x",
                "member-name": "外人",
                "member-office": "member",
                "member-since": TODAY.isoformat(),
                "meeting-kind": "ordinary",
                "meeting-held_on": TODAY.isoformat(),
                "meeting-agenda": "x",
                "decision-text": "x",
                "decision-votes_for": 5,
                "decision-votes_against": 0,
                "decision-abstentions": 0,
            },
        )
        assert response.status_code == 404, url
    assert client.get(reverse("activities:council-list")).context["page"].paginator.count == 0
    assert client.get(reverse("activities:decision-list")).context["page"].paginator.count == 0
    assert (Meeting.objects.get().status, Decision.objects.count(), CouncilMember.objects.count()) == (
        MeetingStatus.HELD,
        1,
        10,
    )
    assert Decision.objects.get().status == DecisionStatus.OPEN
    data = {"region": first_village(DAIBU).code, "kind": "hall", "name": "越界议事堂"}
    assert client.post(reverse("activities:council-create"), data).status_code == 200
    assert Council.objects.count() == 1


def test_a_planned_meeting_is_called_off_and_a_council_stands_down(
    village_worker: User, tianmuhu_officer: User, login: Login
) -> None:
    from peiyu.activities.tests.test_deliberation import council_of, meeting_of

    council = council_of(5)
    meeting = meeting_of(council)
    client = login(village_worker)
    page = client.get(f"/activities/meetings/{meeting.pk}/")
    assert 'data-testid="cancel"' in page.text
    assert (
        login(tianmuhu_officer)
        .post(f"/activities/meetings/{meeting.pk}/cancel/", {"reason": "x"})
        .status_code
        == 404
    )
    stale = {"reason": "村委会改期", "version": str(meeting.version + 1)}
    client.post(f"/activities/meetings/{meeting.pk}/cancel/", stale)
    meeting.refresh_from_db()
    assert meeting.status == "planned"  # a stale form changes nothing
    client.post(f"/activities/meetings/{meeting.pk}/cancel/", {"reason": "", "version": str(meeting.version)})
    meeting.refresh_from_db()
    assert meeting.status == "planned"  # a reason is required
    client.post(
        f"/activities/meetings/{meeting.pk}/cancel/",
        {"reason": "村委会改期", "version": str(meeting.version)},
    )
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert ActivityEvent.objects.filter(
        subject="meeting", subject_id=meeting.pk, to_status="cancelled"
    ).exists()
    # Standing the council down keeps its record and stops planning.
    client.post(f"/activities/councils/{council.pk}/active/", {"active": "0", "note": ""})
    council.refresh_from_db()
    assert council.is_active
    client.post(f"/activities/councils/{council.pk}/active/", {"active": "0", "note": "村庄合并"})
    council.refresh_from_db()
    assert not council.is_active
    with pytest.raises(DomainError):
        deliberation.plan_meeting(council, kind="ordinary", held_on=TODAY, agenda="议题", by=village_worker)
    client.post(f"/activities/councils/{council.pk}/active/", {"active": "1"})
    council.refresh_from_db()
    assert council.is_active and Meeting.objects.filter(council=council).count() == 1
