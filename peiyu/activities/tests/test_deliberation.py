"""Deliberation through its services: quorum at its boundary (more than half for a meeting, at
least two thirds for an election, both local settings), decisions only with a quorum, adopted
by more than half of those present, and followed to done."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.activities.models import (
    Council,
    CouncilMember,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingStatus,
    Office,
)
from peiyu.activities.services import deliberation
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.core.services import set_option
from peiyu.testing import DAIBU, LIYANG, first_village, region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def council_of(size: int) -> Council:
    council = Council.objects.create(kind="hall", name="集镇社区百姓议事堂", region=first_village(DAIBU))
    for i in range(size):
        CouncilMember.objects.create(
            council=council, name=f"议事员{i}", since=TODAY - datetime.timedelta(days=100)
        )
    return council


def meeting_of(council: Council, kind: str = "ordinary") -> Meeting:
    return Meeting.objects.create(council=council, kind=kind, held_on=TODAY, agenda="讨论村道路灯维修")


@pytest.mark.parametrize(
    ("kind", "members", "present", "quorum"),
    [
        ("ordinary", 10, 5, False),  # exactly half is not more than half
        ("ordinary", 10, 6, True),
        ("ordinary", 9, 5, True),
        ("election", 9, 5, False),
        ("election", 9, 6, True),  # exactly two thirds
        ("election", 10, 6, False),
        ("election", 10, 7, True),
    ],
)
def test_quorum_at_its_boundary(
    kind: str, members: int, present: int, quorum: bool, village_worker: User
) -> None:
    council = council_of(members)
    meeting = deliberation.record_meeting(
        meeting_of(council, kind),
        attendees=list(council.members.all()[:present]),
        minutes="议定事项如下。",
        by=village_worker,
    )
    assert (meeting.present, meeting.members_total, meeting.quorum_met) == (present, members, quorum)


def test_the_quorum_is_a_local_setting(village_worker: User, administrator: User) -> None:
    set_option(key="activities.quorum", region=region(LIYANG), text="2/3", by=administrator)
    council = council_of(9)
    meeting = deliberation.record_meeting(
        meeting_of(council), attendees=list(council.members.all()[:6]), minutes="纪要", by=village_worker
    )
    assert meeting.quorum_met is False  # 6 of 9 is not more than two thirds


def test_members_who_left_do_not_count(village_worker: User) -> None:
    council = council_of(4)
    gone = council.members.first()
    assert gone is not None
    gone.until = TODAY - datetime.timedelta(days=1)
    gone.save(update_fields=["until"])
    with pytest.raises(DomainError):
        deliberation.record_meeting(meeting_of(council), attendees=[gone], minutes="纪要", by=village_worker)
    meeting = deliberation.record_meeting(
        meeting_of(council),
        attendees=list(council.members.exclude(pk=gone.pk)[:2]),
        minutes="纪要",
        by=village_worker,
    )
    assert (meeting.present, meeting.members_total, meeting.quorum_met) == (2, 3, True)


def test_a_decision_needs_a_quorum_and_is_followed_to_done(village_worker: User) -> None:
    council = council_of(10)
    short = deliberation.record_meeting(
        meeting_of(council), attendees=list(council.members.all()[:5]), minutes="纪要", by=village_worker
    )
    with pytest.raises(DomainError, match="5"):
        deliberation.record_decision(
            short, text="修路灯", votes_for=5, votes_against=0, abstentions=0, by=village_worker
        )
    meeting = deliberation.record_meeting(
        meeting_of(council), attendees=list(council.members.all()[:8]), minutes="纪要", by=village_worker
    )
    with pytest.raises(DomainError):
        deliberation.record_decision(
            meeting, text="修路灯", votes_for=7, votes_against=2, abstentions=0, by=village_worker
        )
    decision = deliberation.record_decision(
        meeting,
        text="修复村道路灯12盏",
        votes_for=5,
        votes_against=2,
        abstentions=1,
        by=village_worker,
        responsible="村委会",
        due_on=TODAY + datetime.timedelta(days=30),
    )
    assert decision.adopted
    rejected = deliberation.record_decision(
        meeting, text="收取路灯费", votes_for=4, votes_against=4, abstentions=0, by=village_worker
    )
    assert not rejected.adopted  # four of eight is not more than half
    with pytest.raises(DomainError):
        deliberation.follow_decision(rejected, to="in_progress", by=village_worker)
    decision = deliberation.follow_decision(decision, to="in_progress", by=village_worker)
    with pytest.raises(DomainError):
        deliberation.follow_decision(decision, to="done", by=village_worker)
    decision = deliberation.follow_decision(
        decision, to="done", note="已更换12盏路灯，村民验收。", by=village_worker
    )
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.DONE and decision.done_on == TODAY
    with pytest.raises(TransitionError):
        deliberation.follow_decision(decision, to="in_progress", by=village_worker)
    published = deliberation.publish_minutes(meeting, by=village_worker)
    assert published.status == MeetingStatus.PUBLISHED and published.published_on == TODAY


def test_another_town_cannot_record(village_worker: User, tianmuhu_officer: User) -> None:
    council = council_of(3)
    with pytest.raises(PermissionRefused):
        deliberation.record_meeting(meeting_of(council), attendees=[], minutes="纪要", by=tianmuhu_officer)


def test_a_member_ticked_twice_counts_once(village_worker: User) -> None:
    council = council_of(10)
    member = council.members.first()
    meeting = deliberation.record_meeting(
        meeting_of(council), attendees=[member] * 6, minutes="纪要", by=village_worker
    )
    assert (meeting.present, meeting.quorum_met) == (1, False)


def test_a_council_is_set_up_with_its_officers_and_meetings(
    village_worker: User, tianmuhu_officer: User
) -> None:
    village = first_village(DAIBU)
    council = deliberation.create_council(region=village, kind="hall", name="百姓议事堂", by=village_worker)
    with pytest.raises(DomainError):  # a council belongs to a village
        deliberation.create_council(region=region(DAIBU), kind="hall", name="镇议事堂", by=village_worker)
    with pytest.raises(DomainError):  # one name per village
        deliberation.create_council(region=village, kind="women", name="百姓议事堂", by=village_worker)
    with pytest.raises(PermissionRefused):  # another town's officer
        deliberation.create_council(region=village, kind="women", name="妇女议事会", by=tianmuhu_officer)
    since = TODAY - datetime.timedelta(days=30)
    chair = deliberation.add_member(council, name="王主任", office="chair", since=since, by=village_worker)
    with pytest.raises(DomainError, match=str(Office.CHAIR.label)):  # one chair at a time
        deliberation.add_member(council, name="李主任", office="chair", since=since, by=village_worker)
    deliberation.end_membership(chair, until=TODAY - datetime.timedelta(days=1), by=village_worker)
    deliberation.add_member(council, name="李主任", office="chair", since=TODAY, by=village_worker)
    assert [m.name for m in deliberation.members_on(council, TODAY)] == ["李主任"]
    meeting = deliberation.plan_meeting(
        council, kind="ordinary", held_on=TODAY, agenda="路灯", by=village_worker
    )
    assert (meeting.status, meeting.place) == (MeetingStatus.PLANNED, council.place)
    with pytest.raises(DomainError):
        deliberation.plan_meeting(council, kind="ordinary", held_on=TODAY, agenda=" ", by=village_worker)


def test_a_recorded_meeting_keeps_the_quorum_it_was_held_under(
    village_worker: User, administrator: User
) -> None:
    council = council_of(10)
    meeting = deliberation.record_meeting(
        meeting_of(council), attendees=list(council.members.all()[:6]), minutes="议定", by=village_worker
    )
    set_option(key="activities.quorum", region=region(LIYANG), text="2/3", by=administrator)
    kept = deliberation.quorum_for(meeting)
    assert (kept.top, kept.bottom, kept.needed(10), meeting.quorum_met) == (1, 2, 6, True)
    planned = meeting_of(council)
    assert deliberation.quorum_for(planned).needed(10) == 7  # a new meeting goes by the new rule
