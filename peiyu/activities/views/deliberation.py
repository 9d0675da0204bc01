"""Back-office pages of deliberation (百姓议事堂 and village councils): the councils in scope
with their coverage of the villages, a council's members, officers and meetings, a meeting's
attendance against its quorum, its minutes, decisions and votes and their publication, and the
decisions followed to done."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.activities.forms.deliberation import (
    FOLLOWED,
    CouncilFilterForm,
    CouncilForm,
    DecisionFilterForm,
    DecisionForm,
    EndTermForm,
    FollowForm,
    MeetingForm,
    MemberForm,
    RecordForm,
)
from peiyu.activities.models import (
    ActivityEvent,
    Council,
    CouncilKind,
    CouncilMember,
    Decision,
    DecisionQuerySet,
    DecisionStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Office,
)
from peiyu.activities.services import deliberation as services
from peiyu.core.actions import in_form, with_message
from peiyu.core.exceptions import ConflictError, DomainError, PermissionRefused, TransitionError
from peiyu.core.paging import paginate, query_without_page
from peiyu.lib.xlsx import sheets_bytes, xlsx_response
from peiyu.regions.models import Level, Region

VIEW_COUNCIL = "activities.view_council"
ADD_COUNCIL = "activities.add_council"
CHANGE_COUNCIL = "activities.change_council"
VIEW_MEETING = "activities.view_meeting"
ADD_MEETING = "activities.add_meeting"
CHANGE_MEETING = "activities.change_meeting"
CHANGE_DECISION = "activities.change_decision"
EXPORT_LIMIT = 20_000
OFFICE_ORDER = [Office.CHAIR, Office.VICE_CHAIR, Office.SECRETARY, Office.MEMBER]
EVENT_LABELS: dict[str, Any] = {
    "created": gettext_lazy("Council set up"),
    "member_added": gettext_lazy("Member added"),
    "member_left": gettext_lazy("Term ended"),
    "planned": gettext_lazy("Meeting planned"),
    MeetingStatus.HELD: gettext_lazy("Meeting recorded (attendance and minutes)"),
    MeetingStatus.PUBLISHED: gettext_lazy("Minutes published on the portal"),
    "decided": gettext_lazy("Decision recorded"),
    DecisionStatus.IN_PROGRESS: gettext_lazy("Decision in progress"),
    DecisionStatus.DONE: gettext_lazy("Decision carried out"),
    DecisionStatus.DROPPED: gettext_lazy("Decision dropped"),
    MeetingStatus.CANCELLED: gettext_lazy("Meeting called off"),
    "deactivated": gettext_lazy("Council stood down"),
    "reactivated": gettext_lazy("Council active again"),
}
# Lookups --------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _council(request: HttpRequest, pk: int) -> Council:
    councils = Council.objects.visible_to(request.user).select_related("region", "region__parent")
    council: Council = councils.prefetch_related("members").get_or_404(pk=pk)
    return council


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    meetings = Meeting.objects.visible_to(request.user).select_related(
        "council", "council__region", "council__region__parent"
    )
    meeting: Meeting = meetings.get_or_404(pk=pk)
    return meeting


def _decisions(user: User) -> DecisionQuerySet:
    """The decisions of the meetings the user may see."""
    return Decision.objects.visible_to(user)


def _decision(request: HttpRequest, pk: int) -> Decision:
    decisions = _decisions(_user(request)).select_related(
        "meeting", "meeting__council", "meeting__council__region", "meeting__council__region__parent"
    )
    decision: Decision = decisions.get_or_404(pk=pk)
    return decision


def _towns(user: User) -> list[tuple[str, str]]:
    return list(Region.objects.visible_to(user).filter(level=Level.TOWN).values_list("code", "name"))


def _history(*subjects: tuple[str, list[int]]) -> list[tuple[ActivityEvent, str]]:
    condition = Q(pk__in=[])
    for subject, ids in subjects:
        condition |= Q(subject=subject, subject_id__in=ids)
    events = ActivityEvent.objects.filter(condition).select_related("actor").order_by("at", "id")
    return [(e, str(EVENT_LABELS.get(e.action, e.action))) for e in events]


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# The council list ---------------------------------------------------------------------------


def _count(rows: QuerySet[Any], key: str) -> Coalesce:
    counted = rows.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def _with_counts(councils: QuerySet[Council], today: datetime.date) -> QuerySet[Council]:
    """Each council with its members today, its meetings held this year and its adopted
    decisions still being carried out (one subquery each, so the list costs one query)."""
    members = CouncilMember.objects.filter(council=OuterRef("pk"), since__lte=today).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )
    meetings = Meeting.objects.filter(
        council=OuterRef("pk"),
        status__in=[MeetingStatus.HELD, MeetingStatus.PUBLISHED],
        held_on__gte=datetime.date(today.year, 1, 1),
        held_on__lte=datetime.date(today.year, 12, 31),
    )
    decisions = Decision.objects.filter(meeting__council=OuterRef("pk"), adopted=True, status__in=FOLLOWED)
    return councils.annotate(
        members_now=_count(members, "council"),
        meetings_this_year=_count(meetings, "council"),
        open_decisions=_count(decisions, "meeting__council"),
    )


def _council_sheet(rows: list[Council]) -> HttpResponse:
    headers = [
        _("Town"),
        _("Village or community"),
        _("Council"),
        _("Kind"),
        _("Established on"),
        _("Meeting place"),
        _("Active"),
        _("Members now"),
        _("Meetings this year"),
        _("Open decisions"),
    ]
    values = (
        (
            c.region.parent.name if c.region.parent else "",
            c.region.name,
            c.name,
            c.get_kind_display(),
            c.established_on,
            c.place,
            _("Yes") if c.is_active else _("No"),
            c.members_now,  # type: ignore[attr-defined]
            c.meetings_this_year,  # type: ignore[attr-defined]
            c.open_decisions,  # type: ignore[attr-defined]
        )
        for c in rows
    )
    return xlsx_response("议事会.xlsx", sheets_bytes([(_("Councils"), headers, values)]))


@login_required
@permission_required(VIEW_COUNCIL, raise_exception=True)
def council_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    visible = Council.objects.visible_to(user)
    form = CouncilFilterForm(request.GET, towns=_towns(user))
    rows = _with_counts(form.filter(visible), today).select_related("region", "region__parent")
    if request.GET.get("format") == "xlsx":
        listed = list(rows[: EXPORT_LIMIT + 1])
        if len(listed) > EXPORT_LIMIT:
            messages.error(
                request,
                _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT},
            )
            return redirect("activities:council-list")
        return _council_sheet(listed)
    villages = Region.objects.visible_to(user).filter(level=Level.VILLAGE).count()
    halls = visible.filter(kind=CouncilKind.HALL, is_active=True).values("region").distinct().count()
    context = {
        "form": form,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "filtering": form.filtering,
        "villages": villages,
        "halls": halls,
        "year": today.year,
    }
    return render(request, "activities/council_list.html", context)


@login_required
@permission_required(ADD_COUNCIL, raise_exception=True)
def council_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {"region": user.region_id} if user.region and user.region.level == Level.VILLAGE else {}
    form = CouncilForm(request.POST or None, regions=Region.objects.visible_to(user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        council = in_form(
            form,
            lambda: services.create_council(
                region=Region.objects.get(code=data["region"]),
                kind=data["kind"],
                name=data["name"],
                established_on=data["established_on"],
                place=data["place"],
                by=user,
            ),
        )
        if council is not None:
            messages.success(request, _("The council was set up. Add its members next."))
            return redirect("activities:council-detail", pk=council.pk)
    return render(request, "activities/council_form.html", {"form": form})


# A council ------------------------------------------------------------------------------------


def _sorted_members(members: list[CouncilMember]) -> list[CouncilMember]:
    return sorted(members, key=lambda m: (OFFICE_ORDER.index(Office(m.office)), m.since, m.name))


def _council_page(
    request: HttpRequest, council: Council, member: MemberForm | None = None, plan: MeetingForm | None = None
) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    members = list(council.members.all())
    current = _sorted_members([m for m in members if m.until is None or m.until >= today])
    ordinary = services.quorum_of(MeetingKind.ORDINARY, council.region_id)
    election = services.quorum_of(MeetingKind.ELECTION, council.region_id)
    page = paginate(request, council.meetings.order_by("-held_on", "-id"), per_page=20)
    meetings = []
    for meeting in page:
        if meeting.quorum_top:
            quorum = services.quorum_for(meeting)
        else:
            quorum = election if meeting.kind == MeetingKind.ELECTION else ordinary
        total = (
            meeting.members_total
            if meeting.status != MeetingStatus.PLANNED
            else len(services.members_on(council, meeting.held_on))
        )
        meetings.append((meeting, total, quorum.rule, quorum.needed(total)))
    may_change = user.has_perm(CHANGE_COUNCIL)
    may_plan = user.has_perm(ADD_MEETING) and council.is_active
    context = {
        "council": council,
        "current": current,
        "officers": [m for m in current if m.office != Office.MEMBER and m.since <= today],
        "former": _sorted_members([m for m in members if m.until is not None and m.until < today]),
        "members_today": len(services.members_on(council, today)),
        "ordinary": ordinary,
        "election": election,
        "page": page,
        "meetings": meetings,
        "member_form": member or (MemberForm(initial={"since": today}) if may_change else None),
        "meeting_form": plan or (MeetingForm(initial={"held_on": today}) if may_plan else None),
        "may_change": may_change,
        "events": _history(("council", [council.pk]), ("meeting", [m.pk for m, *_rest in meetings])),
        "today": today,
    }
    return render(request, "activities/council_detail.html", context)


@login_required
@permission_required(VIEW_COUNCIL, raise_exception=True)
def council_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _council_page(request, _council(request, pk))


@login_required
@permission_required(CHANGE_COUNCIL, raise_exception=True)
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    council = _council(request, pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        member = in_form(
            form,
            lambda: services.add_member(
                council,
                name=data["name"],
                office=data["office"],
                since=data["since"],
                phone=data["phone"],
                by=_user(request),
            ),
        )
        if member is not None:
            messages.success(request, _("%(name)s was added to the council.") % {"name": member.name})
            return redirect("activities:council-detail", pk=council.pk)
    return _council_page(request, council, member=form)


@login_required
@permission_required(CHANGE_COUNCIL, raise_exception=True)
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the last day of a member's term, then end it."""
    members = CouncilMember.objects.visible_to(request.user).select_related("council", "council__region")
    member: CouncilMember = members.get_or_404(pk=pk)
    form = EndTermForm(request.POST or None, initial={"until": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        until = form.cleaned_data["until"]
        ended = in_form(form, lambda: services.end_membership(member, until=until, by=_user(request)))
        if ended is not None:
            messages.success(request, _("The term of %(name)s was ended.") % {"name": member.name})
            return redirect("activities:council-detail", pk=member.council_id)
    return render(request, "activities/council_member_end.html", {"member": member, "form": form})


@login_required
@permission_required(ADD_MEETING, raise_exception=True)
@require_POST
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    council = _council(request, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        meeting = in_form(
            form,
            lambda: services.plan_meeting(
                council,
                kind=data["kind"],
                held_on=data["held_on"],
                agenda=data["agenda"],
                place=data["place"],
                by=_user(request),
            ),
        )
        if meeting is not None:
            messages.success(request, _("The meeting was put on the council's calendar."))
            return redirect("activities:meeting-detail", pk=meeting.pk)
    return _council_page(request, council, plan=form)


# A meeting ------------------------------------------------------------------------------------


def _follow_form(decision: Decision) -> FollowForm | None:
    """The follow-up form of a decision still being carried out, with its own field ids."""
    if not decision.adopted or decision.status not in FOLLOWED:
        return None
    return FollowForm(decision=decision, auto_id=f"id_follow{decision.pk}_%s")


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    record: RecordForm | None = None,
    decide: DecisionForm | None = None,
) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    council = meeting.council
    members = _sorted_members(services.members_on(council, meeting.held_on))
    quorum = services.quorum_for(meeting)
    total = len(members) if meeting.status == MeetingStatus.PLANNED else meeting.members_total
    decisions = list(meeting.decisions.all())
    may_change = user.has_perm(CHANGE_MEETING)
    may_follow = user.has_perm(CHANGE_DECISION)
    recordable = may_change and meeting.status == MeetingStatus.PLANNED and meeting.held_on <= today
    decidable = may_change and meeting.status == MeetingStatus.HELD and bool(meeting.quorum_met)
    context = {
        "meeting": meeting,
        "council": council,
        "members": members,
        "attendees": _sorted_members(list(meeting.attendees.all())),
        "quorum": quorum,
        "members_total": total,
        "needed": quorum.needed(total),
        "decisions": [(d, _follow_form(d) if may_follow else None) for d in decisions],
        "followed": list(FOLLOWED),
        # A refused form is shown with its errors even where a fresh one would not be.
        "record": record or (RecordForm(members=members, meeting=meeting) if recordable else None),
        "decide": decide or (DecisionForm() if decidable else None),
        "may_change": may_change,
        "today": today,
        "events": _history(("meeting", [meeting.pk]), ("decision", [d.pk for d in decisions])),
    }
    return render(request, "activities/meeting_detail.html", context)


@login_required
@permission_required(VIEW_MEETING, raise_exception=True)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _meeting(request, pk))


@login_required
@permission_required(CHANGE_MEETING, raise_exception=True)
@require_POST
def meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = RecordForm(request.POST, members=services.members_on(meeting.council, meeting.held_on))
    if form.is_valid():
        try:
            held = services.record_meeting(
                meeting,
                attendees=list(form.cleaned_data["attendees"]),
                minutes=form.cleaned_data["minutes"],
                seen_version=form.cleaned_data["version"],
                by=_user(request),
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except (ConflictError, TransitionError) as error:
            messages.error(request, str(error))
            return redirect("activities:meeting-detail", pk=meeting.pk)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if held.quorum_met:
                messages.success(request, _("The meeting was recorded; it had its quorum."))
            else:
                messages.warning(
                    request, _("The meeting was recorded; it did not have its quorum and cannot decide.")
                )
            return redirect("activities:meeting-detail", pk=meeting.pk)
    return _meeting_page(request, meeting, record=form)


@login_required
@permission_required(CHANGE_MEETING, raise_exception=True)
@require_POST
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        decision = in_form(
            form,
            lambda: services.record_decision(
                meeting,
                text=data["text"],
                votes_for=data["votes_for"],
                votes_against=data["votes_against"],
                abstentions=data["abstentions"],
                responsible=data["responsible"],
                due_on=data["due_on"],
                by=_user(request),
            ),
        )
        if decision is not None:
            if decision.adopted:
                messages.success(request, _("The decision was recorded as adopted."))
            else:
                messages.warning(request, _("The decision was recorded as not adopted."))
            return redirect("activities:meeting-detail", pk=meeting.pk)
    return _meeting_page(request, meeting, decide=form)


@login_required
@permission_required(CHANGE_MEETING, raise_exception=True)
@require_POST
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    with_message(
        request,
        lambda: services.publish_minutes(meeting, by=_user(request)),
        _("The minutes were published on the portal."),
    )
    return redirect("activities:meeting-detail", pk=meeting.pk)


@login_required
@permission_required(CHANGE_MEETING, raise_exception=True)
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    version = request.POST.get("version", "")
    with_message(
        request,
        lambda: services.cancel_meeting(
            meeting,
            reason=request.POST.get("reason", "")[:500],
            seen_version=int(version) if version.isdigit() and len(version) < 10 else None,
            by=_user(request),
        ),
        _("The meeting was called off."),
    )
    return redirect("activities:meeting-detail", pk=meeting.pk)


@login_required
@permission_required(CHANGE_COUNCIL, raise_exception=True)
@require_POST
def council_active(request: HttpRequest, pk: int) -> HttpResponse:
    council = _council(request, pk)
    active = request.POST.get("active") == "1"
    with_message(
        request,
        lambda: services.set_council_active(
            council, active=active, note=request.POST.get("note", "")[:500], by=_user(request)
        ),
        _("The council is active again.") if active else _("The council stands down."),
    )
    return redirect("activities:council-detail", pk=council.pk)


# Decisions ------------------------------------------------------------------------------------


def _decision_sheet(rows: list[Decision], today: datetime.date) -> HttpResponse:
    headers = [
        _("Town"),
        _("Village or community"),
        _("Council"),
        _("Meeting on"),
        _("Decision"),
        pgettext("vote", "For"),
        _("Against"),
        _("Abstentions"),
        _("Adopted"),
        _("Responsible"),
        _("Due on"),
        _("Status"),
        _("Done on"),
        _("How it was carried out"),
        _("Overdue"),
    ]
    values = []
    for d in rows:
        region = d.meeting.council.region
        overdue = d.adopted and d.status in FOLLOWED and d.due_on is not None and d.due_on < today
        values.append(
            (
                region.parent.name if region.parent else "",
                region.name,
                d.meeting.council.name,
                d.meeting.held_on,
                d.text,
                d.votes_for,
                d.votes_against,
                d.abstentions,
                _("Yes") if d.adopted else _("No"),
                d.responsible,
                d.due_on,
                d.get_status_display() if d.adopted else _("Not adopted"),
                d.done_on,
                d.evidence,
                _("Yes") if overdue else "",
            )
        )
    return xlsx_response("议事决定.xlsx", sheets_bytes([(_("Decisions"), headers, values)]))


@login_required
@permission_required(VIEW_MEETING, raise_exception=True)
def decision_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    form = DecisionFilterForm(request.GET, towns=_towns(user))
    rows = (
        form.filter(_decisions(user), today)
        .select_related(
            "meeting", "meeting__council", "meeting__council__region", "meeting__council__region__parent"
        )
        .order_by(F("due_on").asc(nulls_last=True), "-meeting__held_on", "id")
    )
    if request.GET.get("format") == "xlsx":
        listed = list(rows[: EXPORT_LIMIT + 1])
        if len(listed) > EXPORT_LIMIT:
            messages.error(
                request,
                _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT},
            )
            return redirect("activities:decision-list")
        return _decision_sheet(listed, today)
    context = {
        "form": form,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "filtering": form.filtering,
        "today": today,
        "followed": list(FOLLOWED),
        "here": request.get_full_path(),
    }
    return render(request, "activities/decision_list.html", context)


@login_required
@permission_required(CHANGE_DECISION, raise_exception=True)
def decision_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a decision on: in progress, done with how it was carried out, or dropped."""
    decision = _decision(request, pk)
    back = _next(request, reverse("activities:meeting-detail", args=[decision.meeting_id]))
    form = FollowForm(request.POST or None, decision=decision)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        followed = in_form(
            form,
            lambda: services.follow_decision(
                decision,
                to=data["to"],
                note=data["note"],
                on=data["on"],
                seen_version=data["version"],
                by=_user(request),
            ),
        )
        if followed is not None:
            messages.success(request, _("The follow-up of the decision was recorded."))
            return redirect(back)
    context = {
        "decision": decision,
        "meeting": decision.meeting,
        "form": form,
        "followable": decision.adopted and decision.status in FOLLOWED,
        "back": back,
        "today": timezone.localdate(),
        "events": _history(("decision", [decision.pk])),
    }
    return render(request, "activities/decision_follow.html", context)
