"""Back-office pages of training events: the list, a new event, an event with its attendance
sheet (who came from which resident), and the printable sheet to sign (签到表)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.incubation import docx
from peiyu.incubation.forms.training import AttendanceForm, EventFilterForm, EventForm
from peiyu.incubation.models import Incubator, Residency, TrainingEvent
from peiyu.incubation.services import residencies
from peiyu.lib.docx import docx_response

VIEW = "incubation.view_trainingevent"
ADD = "incubation.add_trainingevent"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def expected(training: TrainingEvent) -> list[Residency]:
    """The incubator's residents on the day of the event: started by then, not yet gone."""
    day: datetime.date = training.held_on
    return list(
        Residency.objects.filter(incubator_id=training.incubator_id, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .order_by("started_on", "id")
    )


def _recorded(training: TrainingEvent) -> dict[int, int]:
    return dict(training.services.values_list("residency_id", "attendees"))


@login_required
@permission_required(VIEW, raise_exception=True)
def event_list(request: HttpRequest) -> HttpResponse:
    incubators = Incubator.objects.visible_to(request.user)
    form = EventFilterForm(request.GET, incubators=list(incubators.values_list("pk", "name")))
    events = TrainingEvent.objects.visible_to(request.user).for_listing().order_by("-held_on", "-id")
    if form.is_valid() and form.cleaned_data.get("incubator"):
        events = events.filter(incubator_id=form.cleaned_data["incubator"])
    query = query_without_page(request)
    context = {"form": form, "page": paginate(request, events), "query": query, "filtering": bool(query)}
    return render(request, "incubation/event_list.html", context)


@login_required
@permission_required(ADD, raise_exception=True)
def event_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    incubators = Incubator.objects.visible_to(user).operating().order_by("name")
    form = EventForm(request.POST or None, incubators=incubators, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        incubator, values = form.values()
        try:
            training = residencies.create_training_event(incubator, values=values, by=user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The training event was created; record who came on its page."))
            return redirect("incubation:event-detail", pk=training.pk)
    return render(request, "incubation/event_form.html", {"form": form})


def _detail(request: HttpRequest, training: TrainingEvent, form: AttendanceForm) -> HttpResponse:
    context = {
        "training": training,
        "form": form,
        "services": training.services.select_related("residency").order_by("residency__name"),
        "held": training.held_on <= timezone.localdate(),
    }
    return render(request, "incubation/event_detail.html", context)


def _attendance_form(request: HttpRequest, training: TrainingEvent) -> AttendanceForm:
    data = request.POST if request.method == "POST" else None
    return AttendanceForm(data, residents=expected(training), recorded=_recorded(training))


@login_required
@permission_required(VIEW, raise_exception=True)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = TrainingEvent.objects.visible_to(request.user).select_related("incubator").get_or_404(pk=pk)
    return _detail(request, training, _attendance_form(request, training))


@login_required
@require_POST
@permission_required(ADD, raise_exception=True)
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the attendance sheet: each resident ticked gets the event in its service log, each
    one no longer ticked loses it."""
    training = TrainingEvent.objects.visible_to(request.user).select_related("incubator").get_or_404(pk=pk)
    form = _attendance_form(request, training)
    if not form.is_valid():
        return _detail(request, training, form)
    try:
        count = residencies.record_attendance(training, attendance=form.attendance(), by=_user(request))
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    except DomainError as error:
        form.add_error(None, str(error))
        return _detail(request, training, form)
    message = ngettext(
        "The attendance sheet was saved: %(count)d resident came.",
        "The attendance sheet was saved: %(count)d residents came.",
        count,
    )
    messages.success(request, message % {"count": count})
    return redirect("incubation:event-detail", pk=training.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def event_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    training = TrainingEvent.objects.visible_to(request.user).select_related("incubator").get_or_404(pk=pk)
    content = docx.attendance_sheet(training, residents=expected(training), attendance=_recorded(training))
    return docx_response(f"签到表-{training.title}.docx", content)
