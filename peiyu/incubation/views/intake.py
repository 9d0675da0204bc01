"""Back-office pages of intake: the applications waiting for a decision, an application entered
by staff, its review on the incubator's scoring form and the decision that admits a resident."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.incubation.forms.intake import DecisionForm, IntakeFilterForm, IntakeForm, ReviewForm
from peiyu.incubation.models import (
    Channel,
    Criterion,
    IncubationEvent,
    IntakeApplication,
    IntakeStatus,
    Residency,
    Review,
)
from peiyu.incubation.services import intake as services

VIEW = "incubation.view_intakeapplication"
REVIEW = "incubation.add_review"
DECIDE = "incubation.decide_intake"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _application(request: HttpRequest, pk: int) -> IntakeApplication:
    application: IntakeApplication = (
        IntakeApplication.objects.visible_to(request.user)
        .select_related("incubator", "call", "region", "organization", "submitted_by", "decided_by")
        .get_or_404(pk=pk)
    )
    return application


@login_required
@permission_required(VIEW, raise_exception=True)
def intake_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = IntakeFilterForm(request.GET, user=user)
    applications = form.filter(IntakeApplication.objects.visible_to(user).for_listing())
    # Meta.ordering does not apply to aggregating queries.
    applications = applications.annotate(average=Avg("reviews__total")).order_by("-id")
    context = {"form": form, "page": paginate(request, applications), "query": query_without_page(request)}
    return render(request, "incubation/intake_list.html", context)


@login_required
@permission_required("incubation.add_intakeapplication", raise_exception=True)
def intake_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {key: request.GET[key] for key in ("incubator", "call") if request.GET.get(key, "").isdigit()}
    form = IntakeForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit_intake(
                incubator=form.chosen_incubator(),
                applicant=form.applicant(),
                call=form.chosen_call(),
                channel=Channel.OFFICE,
                by=user,
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The application of %(name)s was entered.") % {"name": application.name}
            )
            return redirect("incubation:intake-detail", pk=application.pk)
    return render(request, "incubation/intake_form.html", {"form": form})


def _review_form(request: HttpRequest, application: IntakeApplication, data: Any = None) -> ReviewForm:
    criteria = list(Criterion.objects.filter(incubator_id=application.incubator_id, is_active=True))
    mine = Review.objects.filter(application=application, reviewer=_user(request)).first()
    initial = {"comment": mine.comment} if mine else {}
    return ReviewForm(data, criteria=criteria, given=mine.scores if mine else {}, initial=initial)


def _decision_form(application: IntakeApplication, data: Any = None) -> DecisionForm:
    initial = {"started_on": timezone.localdate(), "seen_version": application.version}
    return DecisionForm(data, initial=initial)


def _history(application: IntakeApplication) -> list[tuple[IncubationEvent, str]]:
    """The application's events, each with a readable label."""
    labels = {**dict(IntakeStatus.choices), "reviewed": _("Scored")}
    events = IncubationEvent.objects.filter(subject="intakeapplication", subject_id=application.pk)
    return [
        (e, str(labels.get(e.action, e.action))) for e in events.select_related("actor").order_by("at", "id")
    ]


def _render_detail(
    request: HttpRequest,
    application: IntakeApplication,
    review: ReviewForm | None = None,
    decision: DecisionForm | None = None,
) -> HttpResponse:
    """The application with its reviews, history and, while it waits, the forms."""
    user = _user(request)
    criteria = {c.pk: c for c in Criterion.objects.filter(incubator_id=application.incubator_id)}
    reviews = list(application.reviews.select_related("reviewer"))
    rows = [
        {
            "review": r,
            "scores": [(criteria.get(int(pk)), points) for pk, points in r.scores.items()],
        }
        for r in reviews
    ]
    waiting = application.status == IntakeStatus.SUBMITTED
    if waiting and review is None and user.has_perm(REVIEW):
        review = _review_form(request, application)
    if waiting and decision is None and user.has_perm(DECIDE):
        decision = _decision_form(application)
    context = {
        "application": application,
        "fields": application.fields.all(),
        "reviews": rows,
        "average": services.average_score(application) if reviews else None,
        "maximum": sum(c.max_points for c in criteria.values() if c.is_active),
        "events": _history(application),
        "residency": Residency.objects.filter(intake=application).first(),
        "review_form": review if waiting else None,
        "decision_form": decision if waiting else None,
        "Status": IntakeStatus,
    }
    return render(request, "incubation/intake_detail.html", context)


def _already_decided(request: HttpRequest, application: IntakeApplication) -> HttpResponse:
    messages.error(request, _("This application was already decided; nothing was changed."))
    return redirect("incubation:intake-detail", pk=application.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def intake_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _application(request, pk))


@login_required
@require_POST
@permission_required(REVIEW, raise_exception=True)
def intake_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if application.status != IntakeStatus.SUBMITTED:
        return _already_decided(request, application)
    form = _review_form(request, application, request.POST)
    if form.is_valid():
        try:
            services.review_intake(
                application, scores=form.scores(), comment=form.cleaned_data["comment"], by=_user(request)
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect("incubation:intake-detail", pk=application.pk)
    return _render_detail(request, application, review=form)


@login_required
@require_POST
@permission_required(DECIDE, raise_exception=True)
def intake_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if application.status != IntakeStatus.SUBMITTED:
        return _already_decided(request, application)
    form = _decision_form(application, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.decide_intake(
                application,
                decision=data["decision"],
                note=data["note"],
                started_on=data["started_on"],
                workspace=data["workspace"],
                seen_version=data["seen_version"],
                by=_user(request),
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if decided.status == IntakeStatus.ADMITTED:
                residency = decided.residency
                messages.success(
                    request,
                    _("%(name)s was admitted; its residency agreement is %(number)s.")
                    % {"name": decided.name, "number": residency.agreement_number},
                )
                return redirect("incubation:residency-detail", pk=residency.pk)
            messages.success(request, _("The decision was recorded."))
            return redirect("incubation:intake-detail", pk=application.pk)
    return _render_detail(request, application, decision=form)
