"""The expert's pages: their review assignments by round, and each assignment's page. The file
(summary, budget, outputs) stays closed until the expert declares no conflict of interest with
the applicant; declaring a conflict recuses them and draws a replacement. Scores can be changed
while the round is under review."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.funding.forms.reviews import DeclarationForm, ScoreForm
from peiyu.funding.models import Assignment, AssignmentStatus, ReviewScore, RoundStatus
from peiyu.funding.services import review as services

SCORE = "funding.add_reviewscore"
OPENED = {AssignmentStatus.OPEN, AssignmentStatus.SCORED}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    assignment: Assignment = (
        Assignment.objects.visible_to(request.user)
        .select_related(
            "application",
            "application__round",
            "application__organization",
            "application__field",
            "application__area",
            "application__catalog_item",
            "expert",
        )
        .get_or_404(pk=pk)
    )
    return assignment


@login_required
@permission_required(SCORE, raise_exception=True)
def review_list(request: HttpRequest) -> HttpResponse:
    assignments = (
        Assignment.objects.visible_to(request.user)
        .select_related(
            "application", "application__round", "application__organization", "application__field"
        )
        .order_by("-application__round__year", "application__round_id", "application_id", "id")
    )
    rounds = []
    for round, rows in groupby(assignments, key=lambda a: a.application.round):
        listed = list(rows)
        rounds.append(
            {
                "round": round,
                "groups": [
                    (_("To declare"), "declare", [a for a in listed if a.status == AssignmentStatus.DRAWN]),
                    (_("To score"), "score", [a for a in listed if a.status == AssignmentStatus.OPEN]),
                    (_("Scored"), "scored", [a for a in listed if a.status == AssignmentStatus.SCORED]),
                    (_("Recused"), "recused", [a for a in listed if a.status == AssignmentStatus.RECUSED]),
                ],
                "under_review": round.status == RoundStatus.REVIEW,
            }
        )
    return render(request, "funding/review_list.html", {"rounds": rounds})


def _score_form(assignment: Assignment, data: Any = None) -> ScoreForm:
    criteria = list(assignment.application.round.criteria.all())
    given = dict(ReviewScore.objects.filter(assignment=assignment).values_list("criterion_id", "score"))
    return ScoreForm(data, criteria=criteria, given=given, initial={"comment": assignment.comment})


def _render(
    request: HttpRequest,
    assignment: Assignment,
    declaration: DeclarationForm | None = None,
    scores: ScoreForm | None = None,
) -> HttpResponse:
    application = assignment.application
    opened = assignment.status in OPENED
    context: dict[str, Any] = {
        "assignment": assignment,
        "application": application,
        "round": application.round,
        "under_review": application.round.status == RoundStatus.REVIEW,
        "opened": opened,
        "declaration_form": declaration or DeclarationForm(),
    }
    if opened:
        # The file, shown only once the expert has declared no conflict.
        context |= {
            "lines": list(application.budget_lines.all()),
            "outputs": list(application.outputs.all()),
            "target_groups": list(application.target_groups.all()),
            "score_form": scores or _score_form(assignment),
        }
    return render(request, "funding/review_detail.html", context)


@login_required
@permission_required(SCORE, raise_exception=True)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _assignment(request, pk))


@login_required
@require_POST
@permission_required(SCORE, raise_exception=True)
def review_declare(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            declared = services.declare(
                assignment, conflict=form.conflict, note=form.cleaned_data["note"], by=_user(request)
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if declared.status == AssignmentStatus.RECUSED:
                messages.success(request, _("Your conflict was recorded; another expert takes your place."))
                return redirect("funding:review-list")
            messages.success(request, _("Your declaration was recorded; the file is open."))
            return redirect("funding:review-detail", pk=assignment.pk)
    return _render(request, assignment, declaration=form)


@login_required
@require_POST
@permission_required(SCORE, raise_exception=True)
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    if assignment.status not in OPENED:
        messages.error(request, _("Declare that you have no conflict before the file opens."))
        return redirect("funding:review-detail", pk=assignment.pk)
    form = _score_form(assignment, request.POST)
    if form.is_valid():
        try:
            services.submit_review(
                assignment, scores=form.scores(), comment=form.cleaned_data["comment"], by=_user(request)
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your scores were saved. You can change them while the review lasts.")
            )
            return redirect("funding:review-detail", pk=assignment.pk)
    return _render(request, assignment, scores=form)
