"""Published minutes of village deliberation (百姓议事堂 and councils) on the portal: the
meetings whose minutes a village published, newest first, and each one's agenda, attendance
against its quorum, minutes and decisions with their votes and how far each has been carried
out. No account is needed; members' phones are never shown, and unpublished meetings do not
exist here."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peiyu.activities.forms.deliberation import FOLLOWED, MinutesFilterForm
from peiyu.activities.models import Meeting
from peiyu.activities.services.deliberation import quorum_for
from peiyu.core.paging import paginate, query_without_page


def _places() -> list[tuple[str, str, str, str]]:
    """The villages with published minutes and their towns, for the filters."""
    rows = (
        Meeting.objects.published()
        .order_by("council__region_id")
        .values_list(
            "council__region_id",
            "council__region__name",
            "council__region__parent_id",
            "council__region__parent__name",
        )
        .distinct()
    )
    return [(v, name, town or "", town_name or "") for v, name, town, town_name in rows]


def minutes_list(request: HttpRequest) -> HttpResponse:
    form = MinutesFilterForm(request.GET, places=_places())
    meetings = (
        form.filter(Meeting.objects.published())
        .select_related("council", "council__region", "council__region__parent")
        .annotate(decision_count=Count("decisions"))
        .order_by("-held_on", "-id")
    )
    context = {
        "form": form,
        "page": paginate(request, meetings, per_page=20),
        "query": query_without_page(request),
    }
    return render(request, "portal/minutes_list.html", context)


def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meetings = Meeting.objects.published().select_related(
        "council", "council__region", "council__region__parent"
    )
    meeting: Meeting = meetings.get_or_404(pk=pk)
    quorum = quorum_for(meeting)
    context = {
        "meeting": meeting,
        "council": meeting.council,
        "quorum": quorum,
        "needed": quorum.needed(meeting.members_total),
        "decisions": meeting.decisions.all(),
        "followed": list(FOLLOWED),
    }
    return render(request, "portal/minutes_detail.html", context)
