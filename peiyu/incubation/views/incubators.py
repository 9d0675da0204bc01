"""Back-office pages of incubators: the list, an incubator with its staff, intake scoring form,
growth rubric, calls and current residents, and the calls for intake.

Staff see the incubators of their region, operator accounts the incubators they run; anything
else answers 404."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.incubation.forms.incubators import (
    AccountLinkForm,
    CallForm,
    CallMoveForm,
    CriterionFormSet,
    DimensionFormSet,
    IncubatorForm,
    StaffFormSet,
    incubator_initial,
)
from peiyu.incubation.models import (
    Call,
    CallStatus,
    Criterion,
    Dimension,
    Incubator,
    IntakeApplication,
    Level,
    Residency,
)
from peiyu.incubation.services import incubators as services

VIEW = "incubation.view_incubator"
ADD = "incubation.add_incubator"
CHANGE = "incubation.change_incubator"
# A new call starts open for four weeks; the operator sets the real dates.
CALL_WEEKS = 4


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _incubator(request: HttpRequest, pk: int) -> Incubator:
    return Incubator.objects.visible_to(request.user).select_related("region", "operator").get_or_404(pk=pk)


def _call(request: HttpRequest, pk: int) -> Call:
    call: Call = Call.objects.visible_to(request.user).select_related("incubator").get_or_404(pk=pk)
    return call


# Incubators --------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def incubator_list(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "")
    incubators = Incubator.objects.visible_to(request.user).for_listing()
    if level in Level.values:
        incubators = incubators.filter(level=level)
    # Meta.ordering does not apply to aggregating queries.
    page = paginate(request, incubators.order_by("region_id", "name"))
    context = {"page": page, "query": query_without_page(request), "level": level, "levels": Level.choices}
    return render(request, "incubation/incubator_list.html", context)


@login_required
@permission_required(ADD, raise_exception=True)
def incubator_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = IncubatorForm(request.POST or None, user=user, initial={"capacity": 10})
    if request.method == "POST" and form.is_valid():
        try:
            incubator = services.create_incubator(values=form.values(), by=user)
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s was created with the default scoring form and growth rubric; adapt them below.")
                % {"name": incubator.name},
            )
            return redirect("incubation:incubator-detail", pk=incubator.pk)
    return render(request, "incubation/incubator_form.html", {"form": form, "incubator": None})


@login_required
@permission_required(CHANGE, raise_exception=True)
def incubator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    incubator = _incubator(request, pk)
    form = IncubatorForm(
        request.POST or None, user=user, incubator=incubator, initial=incubator_initial(incubator)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_incubator(
                incubator, values=form.values(), by=user, seen_version=form.cleaned_data["seen_version"]
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": incubator.name})
            return redirect("incubation:incubator-detail", pk=incubator.pk)
    return render(request, "incubation/incubator_form.html", {"form": form, "incubator": incubator})


@login_required
@permission_required(VIEW, raise_exception=True)
def incubator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The incubator; a county officer may also link an operator account to it here."""
    user = _user(request)
    incubator = Incubator.objects.visible_to(user).for_listing().get_or_404(pk=pk)
    form = AccountLinkForm(request.POST or None)
    if request.method == "POST":
        if not user.has_perm(ADD):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.link_operator_account(incubator, account=form.cleaned_data["username"], by=user)
            except PermissionRefused as error:
                raise PermissionDenied(str(error)) from None
            except DomainError as error:
                form.add_error("username", str(error))
            else:
                messages.success(request, _("The account now runs %(name)s.") % {"name": incubator.name})
                return redirect("incubation:incubator-detail", pk=incubator.pk)
    return render(request, "incubation/incubator_detail.html", _detail_context(user, incubator, form))


def _detail_context(user: User, incubator: Incubator, form: AccountLinkForm) -> dict[str, Any]:
    criteria = list(incubator.criteria.all())
    dimensions = list(incubator.dimensions.all())
    calls = (
        Call.objects.filter(incubator=incubator)
        .annotate(
            application_count=Count("applications", distinct=True),
            resident_count=Count("residencies", distinct=True),
        )
        .order_by("-opens_on", "-id")
    )
    residents = Residency.objects.current().filter(incubator=incubator).select_related("organization")
    return {
        "incubator": incubator,
        "fields": incubator.fields.all(),
        "staff": incubator.staff.all(),
        "criteria": criteria,
        "criteria_total": sum(c.max_points for c in criteria if c.is_active),
        "dimensions": dimensions,
        "dimensions_total": sum(d.max_points for d in dimensions if d.is_active),
        "calls": calls,
        "residents": residents.order_by("planned_end_on", "id"),
        "waiting": IntakeApplication.objects.filter(incubator=incubator).waiting().count(),
        "accounts": incubator.accounts.order_by("username") if user.has_perm(ADD) else [],
        "link_form": form if user.has_perm(ADD) else None,
        "today": timezone.localdate(),
    }


@login_required
@permission_required(CHANGE, raise_exception=True)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    incubator = _incubator(request, pk)
    staff = list(incubator.staff.all())
    initial = [
        {"id": s.pk, "name": s.name, "duty": s.duty, "is_social_worker": s.is_social_worker} for s in staff
    ]
    formset = StaffFormSet(
        request.POST or None, initial=initial, stored_phones={s.pk: s.phone for s in staff}, prefix="staff"
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.save_staff(incubator, rows=formset.rows(), by=user)
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The staff list was saved."))
            return redirect("incubation:incubator-detail", pk=incubator.pk)
    return render(request, "incubation/staff_form.html", {"incubator": incubator, "formset": formset})


# The intake scoring form and the growth rubric -------------------------------------------

Lines = Sequence[Criterion] | Sequence[Dimension]
SaveLines = Callable[..., None]


def _lines_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Edit the lines of the scoring form (``criteria``) or of the growth rubric
    (``dimensions``): update, retire, add."""
    user = _user(request)
    incubator = _incubator(request, pk)
    text = "guidance" if kind == "criteria" else "anchors"
    lines: Lines = list(incubator.criteria.all()) if kind == "criteria" else list(incubator.dimensions.all())
    initial = [
        {
            "id": line.pk,
            "name": line.name,
            "max_points": line.max_points,
            text: getattr(line, text),
            "is_active": line.is_active,
        }
        for line in lines
    ]
    formset_class = CriterionFormSet if kind == "criteria" else DimensionFormSet
    formset = formset_class(request.POST or None, initial=initial, prefix="lines")
    if request.method == "POST" and formset.is_valid():
        save: SaveLines = services.save_criteria if kind == "criteria" else services.save_dimensions
        try:
            save(incubator, rows=formset.rows(), by=user)
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The lines were saved."))
            return redirect("incubation:incubator-detail", pk=incubator.pk)
    context = {
        "incubator": incubator,
        "formset": formset,
        "kind": kind,
        "text": text,
        "total": sum(line.max_points for line in lines if line.is_active),
    }
    return render(request, "incubation/lines_form.html", context)


@login_required
@permission_required("incubation.change_criterion", raise_exception=True)
def criteria_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _lines_edit(request, pk, "criteria")


@login_required
@permission_required("incubation.change_dimension", raise_exception=True)
def dimensions_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _lines_edit(request, pk, "dimensions")


# Calls for intake --------------------------------------------------------------------------


@login_required
@permission_required("incubation.add_call", raise_exception=True)
def call_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    incubator = _incubator(request, pk)
    today = timezone.localdate()
    initial = {"opens_on": today, "closes_on": today + datetime.timedelta(weeks=CALL_WEEKS)}
    form = CallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.create_call(incubator, values=form.values(), by=user)
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The call was saved as a draft. Open it when it is ready."))
            return redirect("incubation:call-detail", pk=call.pk)
    return render(request, "incubation/call_form.html", {"form": form, "incubator": incubator, "call": None})


@login_required
@permission_required("incubation.change_call", raise_exception=True)
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    call = _call(request, pk)
    initial = {
        "title": call.title,
        "text": call.text,
        "need": call.need,
        "places": call.places,
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
        "sought_fields": list(call.fields.all()),
        "seen_version": call.version,
    }
    form = CallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_call(
                call, values=form.values(), by=user, seen_version=form.cleaned_data["seen_version"]
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The call was saved."))
            return redirect("incubation:call-detail", pk=call.pk)
    context = {"form": form, "incubator": call.incubator, "call": call}
    return render(request, "incubation/call_form.html", context)


@login_required
@permission_required("incubation.view_call", raise_exception=True)
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    applications = (
        IntakeApplication.objects.visible_to(request.user)
        .filter(call=call)
        .for_listing()
        .annotate(average=Avg("reviews__total"))
        .order_by("-id")
    )
    context = {
        "call": call,
        "incubator": call.incubator,
        "fields": call.fields.all(),
        "applications": applications,
        "residents": Residency.objects.filter(call=call).select_related("organization").order_by("name"),
        "Status": CallStatus,
    }
    return render(request, "incubation/call_detail.html", context)


@login_required
@require_POST
@permission_required("incubation.change_call", raise_exception=True)
def call_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a draft call or close an open one."""
    call = _call(request, pk)
    form = CallMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to open or to close the call."))
        return redirect("incubation:call-detail", pk=call.pk)
    to = form.cleaned_data["to"]
    try:
        services.move_call(call, to=to, by=_user(request), seen_version=form.cleaned_data["seen_version"])
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    except DomainError as error:
        messages.error(request, str(error))
    else:
        done = _("The call is open for applications.") if to == CallStatus.OPEN else _("The call is closed.")
        messages.success(request, done)
    return redirect("incubation:call-detail", pk=call.pk)
