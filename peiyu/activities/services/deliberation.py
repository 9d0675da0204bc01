"""Deliberation (百姓议事堂 and village councils): councils and their members, meetings with
their attendance and quorum (local settings: more than half for an ordinary meeting, at least
two thirds for an election, seed 004), decisions with their votes, each followed to done, and
the minutes published on the portal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peiyu.accounts.models import User
from peiyu.activities import options
from peiyu.activities.models import (
    DECISION_TRANSITIONS,
    MEETING_TRANSITIONS,
    Council,
    CouncilKind,
    CouncilMember,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Office,
)
from peiyu.activities.services.common import event, locked, move, require, require_region
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.options import value_of
from peiyu.regions.models import Level, Region

# A meeting's quorum: the share of the members present it needs, in numbers and in words.
SHARES = {
    (1, 2): gettext_lazy("half"),
    (2, 3): gettext_lazy("two thirds"),
    (3, 4): gettext_lazy("three quarters"),
}


@dataclass(frozen=True)
class Quorum:
    """A meeting's quorum rule as the local setting in force states it."""

    top: int
    bottom: int
    election: bool

    @property
    def share(self) -> str:
        return str(SHARES.get((self.top, self.bottom), f"{self.top}/{self.bottom}"))

    @property
    def rule(self) -> str:
        """ "more than half" for an ordinary meeting, "at least two thirds" for an election."""
        if self.election:
            return _("at least %(share)s") % {"share": self.share}
        return _("more than %(share)s") % {"share": self.share}

    def needed(self, members: int) -> int:
        """The fewest members present that make the quorum, as ``services.has_quorum`` counts."""
        if members <= 0:
            return 0
        if self.election:
            return -(-members * self.top // self.bottom)
        return members * self.top // self.bottom + 1


def quorum_of(kind: str, region_code: str) -> Quorum:
    option = options.ELECTION_QUORUM if kind == MeetingKind.ELECTION else options.QUORUM
    top, bottom = value_of(option.key, region_code)
    return Quorum(int(top), int(bottom), kind == MeetingKind.ELECTION)


def quorum_for(meeting: Meeting) -> Quorum:
    """The quorum a recorded meeting was held under, or the one in force for a planned one."""
    if meeting.quorum_top and meeting.quorum_bottom:
        return Quorum(meeting.quorum_top, meeting.quorum_bottom, meeting.kind == MeetingKind.ELECTION)
    return quorum_of(meeting.kind, meeting.council.region_id)


def has_quorum(*, present: int, members: int, kind: str, region_code: str) -> bool:
    """An ordinary meeting needs more than its share of the members present (1/2: exactly half
    is not enough); an election at least its share (2/3)."""
    return members > 0 and present >= quorum_of(kind, region_code).needed(members)


def members_on(council: Council, day: datetime.date) -> list[CouncilMember]:
    return [m for m in council.members.all() if m.since <= day and (m.until is None or m.until >= day)]


@audit.service("activities.record_meeting")
def record_meeting(
    meeting: Meeting,
    *,
    attendees: Iterable[CouncilMember],
    minutes: str,
    by: User,
    seen_version: int | None = None,
) -> Meeting:
    """Record that the meeting was held: who attended, out of the members on that day, and
    whether it had its quorum; decisions are recorded against it only if it had. With
    ``seen_version``, refuse if someone changed the meeting since (two officers recording it)."""
    require(by, "activities.change_meeting")
    require_region(by, meeting.council.region_id)
    meeting = locked(meeting, seen_version=seen_version)
    if meeting.held_on > timezone.localdate():
        raise DomainError(_("A meeting is recorded once it has been held."))
    members = members_on(meeting.council, meeting.held_on)
    chosen = list(dict.fromkeys(attendees))
    present = [m for m in chosen if m in members]
    if len(present) != len(chosen):
        raise DomainError(_("Only the council's members on that day attend as members."))
    if not minutes.strip():
        raise DomainError(_("Write the minutes."))
    meeting.attendees.set(present)
    meeting.members_total, meeting.present = len(members), len(present)
    quorum = quorum_of(meeting.kind, meeting.council.region_id)
    meeting.quorum_top, meeting.quorum_bottom = quorum.top, quorum.bottom
    meeting.quorum_met = len(members) > 0 and len(present) >= quorum.needed(len(members))
    meeting.minutes = minutes.strip()
    return move(
        meeting,
        to=MeetingStatus.HELD,
        transitions=MEETING_TRANSITIONS,
        by=by,
        note=f"{len(present)}/{len(members)}",
        fields=("members_total", "present", "quorum_met", "quorum_top", "quorum_bottom", "minutes"),
    )


@audit.service("activities.record_decision")
def record_decision(
    meeting: Meeting,
    *,
    text: str,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    by: User,
    responsible: str = "",
    due_on: datetime.date | None = None,
) -> Decision:
    """A decision of a held meeting that had its quorum; adopted when more than half of those
    present voted for it."""
    require(by, "activities.change_meeting")
    require_region(by, meeting.council.region_id)
    meeting = locked(meeting)
    if meeting.status == MeetingStatus.PLANNED:
        raise DomainError(_("Record the meeting's attendance first."))
    if meeting.status == MeetingStatus.PUBLISHED:
        raise DomainError(_("The minutes are published: the meeting's decisions are final."))
    if not meeting.quorum_met:
        raise DomainError(
            _(
                "The meeting had %(present)d of %(members)d members present, short of its quorum: it cannot decide."
            )
            % {"present": meeting.present, "members": meeting.members_total}
        )
    if not text.strip():
        raise DomainError(_("Write the decision."))
    if (
        min(votes_for, votes_against, abstentions) < 0
        or votes_for + votes_against + abstentions > meeting.present
    ):
        raise DomainError(
            _("The votes cannot exceed the members present (%(present)d).") % {"present": meeting.present}
        )
    decision = Decision.objects.create(
        meeting=meeting,
        text=text.strip(),
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        adopted=votes_for * 2 > meeting.present,
        responsible=responsible.strip(),
        due_on=due_on,
        status=DecisionStatus.OPEN,
    )
    event(subject=decision, action="decided", by=by, note=f"{votes_for}/{votes_against}/{abstentions}")
    return decision


@audit.service("activities.follow_decision")
def follow_decision(
    decision: Decision,
    *,
    to: str,
    by: User,
    note: str = "",
    on: datetime.date | None = None,
    seen_version: int | None = None,
) -> Decision:
    """Follow an adopted decision: in progress, done (with how it was carried out, on a day
    between the meeting and today) or dropped (with the reason). With ``seen_version``, refuse
    if someone followed it up since."""
    require(by, "activities.change_decision")
    require_region(by, decision.meeting.council.region_id)
    decision = locked(decision, seen_version=seen_version)
    if not decision.adopted:
        raise DomainError(_("Only an adopted decision is carried out."))
    if to in (DecisionStatus.DONE, DecisionStatus.DROPPED) and not note.strip():
        raise DomainError(_("Say how it was carried out, or why it was dropped."))
    on = on or timezone.localdate()
    if to == DecisionStatus.DONE and not decision.meeting.held_on <= on <= timezone.localdate():
        raise DomainError(_("A decision is done between the day of its meeting and today."))
    fields: tuple[str, ...] = ()
    if to == DecisionStatus.DONE:
        decision.done_on, decision.evidence = on, note.strip()
        fields = ("done_on", "evidence")
    return move(decision, to=to, transitions=DECISION_TRANSITIONS, by=by, note=note.strip(), fields=fields)


@audit.service("activities.publish_minutes")
def publish_minutes(meeting: Meeting, *, by: User) -> Meeting:
    """Publish the minutes of a held meeting on the portal."""
    require(by, "activities.change_meeting")
    require_region(by, meeting.council.region_id)
    meeting = locked(meeting)
    meeting.published_on = timezone.localdate()
    return move(
        meeting, to=MeetingStatus.PUBLISHED, transitions=MEETING_TRANSITIONS, by=by, fields=("published_on",)
    )


@audit.service("activities.create_council")
def create_council(
    *,
    region: Region,
    kind: str,
    name: str,
    by: User,
    established_on: datetime.date | None = None,
    place: str = "",
) -> Council:
    """Set up a village's deliberation hall or council (a village or its town or county does)."""
    require(by, "activities.add_council")
    require_region(by, region.code)
    if region.level != Level.VILLAGE:
        raise DomainError(_("A council belongs to a village (or residents' community)."))
    if kind not in CouncilKind.values or not name.strip():
        raise DomainError(_("Give the council a kind and a name."))
    if established_on is not None and established_on > timezone.localdate():
        raise DomainError(_("The establishment date cannot be in the future."))
    if Council.objects.filter(region=region, name=name.strip()).exists():
        raise DomainError(_("This village already has a council of that name."))
    council = Council.objects.create(
        region=region, kind=kind, name=name.strip(), established_on=established_on, place=place.strip()
    )
    event(subject=council, action="created", by=by)
    return council


@audit.service("activities.add_member")
def add_member(
    council: Council, *, name: str, office: str, since: datetime.date, by: User, phone: str = ""
) -> CouncilMember:
    """Add a member (or officer) to a council from a day on."""
    require(by, "activities.change_council")
    require_region(by, council.region_id)
    if not name.strip() or office not in Office.values:
        raise DomainError(_("Give the member a name and an office."))
    # One holder of an office at a time: refuse any holder whose term has not ended before
    # this one begins (a future holder, or a backdated term overlapping the past one, too).
    if office != Office.MEMBER and any(
        m.office == office and (m.until is None or m.until >= since) for m in council.members.all()
    ):
        raise DomainError(
            _("The council already has a %(office)s: end that term first.") % {"office": Office(office).label}
        )
    member = CouncilMember.objects.create(
        council=council, name=name.strip(), office=office, since=since, phone=phone.strip()
    )
    event(subject=council, action="member_added", by=by, note=member.name)
    return member


@audit.service("activities.end_membership")
def end_membership(member: CouncilMember, *, until: datetime.date, by: User) -> CouncilMember:
    """End a member's term on a day; their attendance at earlier meetings stays."""
    require(by, "activities.change_council")
    require_region(by, member.council.region_id)
    member = locked(member)
    if member.until is not None:
        raise DomainError(_("This member's term has already ended."))
    if until < member.since:
        raise DomainError(_("A term ends on or after it began."))
    attended = Meeting.objects.filter(attendees=member, held_on__gt=until).order_by("-held_on").first()
    if attended is not None:
        raise DomainError(
            _("%(name)s was present at the meeting of %(day)s: the term ends on or after that day.")
            % {"name": member.name, "day": attended.held_on}
        )
    member.until = until
    member.save(update_fields=["until"])
    event(subject=member.council, action="member_left", by=by, note=member.name)
    return member


@audit.service("activities.plan_meeting")
def plan_meeting(
    council: Council, *, kind: str, held_on: datetime.date, agenda: str, by: User, place: str = ""
) -> Meeting:
    """Put a meeting with its agenda on a council's calendar (it may already have been held:
    the attendance and minutes come next)."""
    require(by, "activities.add_meeting")
    require_region(by, council.region_id)
    if not council.is_active:
        raise DomainError(_("This council is no longer active."))
    if kind not in MeetingKind.values or not agenda.strip():
        raise DomainError(_("Give the meeting its kind and agenda."))
    meeting = Meeting.objects.create(
        council=council,
        kind=kind,
        held_on=held_on,
        agenda=agenda.strip(),
        place=place.strip() or council.place,
    )
    event(subject=meeting, action="planned", by=by, to_status=meeting.status)
    return meeting


@audit.service("activities.cancel_meeting")
def cancel_meeting(meeting: Meeting, *, reason: str, by: User, seen_version: int | None = None) -> Meeting:
    """Call off a planned meeting (planned by mistake, or postponed: plan it again), with the
    reason; it stays on the council's record."""
    require(by, "activities.change_meeting")
    require_region(by, meeting.council.region_id)
    meeting = locked(meeting, seen_version=seen_version)
    if not reason.strip():
        raise DomainError(_("Say why the meeting is called off."))
    return move(
        meeting, to=MeetingStatus.CANCELLED, transitions=MEETING_TRANSITIONS, by=by, note=reason.strip()
    )


@audit.service("activities.set_council_active")
def set_council_active(council: Council, *, active: bool, by: User, note: str = "") -> Council:
    """Stand a council down (merged villages, a council dissolved) or bring it back; its members,
    meetings and decisions stay. An inactive council plans no meetings."""
    require(by, "activities.change_council")
    require_region(by, council.region_id)
    council = locked(council)
    if council.is_active == active:
        return council
    if not active and not note.strip():
        raise DomainError(_("Say why the council stands down."))
    council.is_active = active
    council.version += 1
    council.save(update_fields=["is_active", "version"])
    event(subject=council, action="reactivated" if active else "deactivated", by=by, note=note.strip())
    return council
