"""Grade evaluation pages: rounds and their entries for county staff, the scoring page for
evaluators (expert accounts), an organization's own entries and grades, the certificates, and
the indicator sets for administrators."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError
from peiyu.lib.docx import docx_response
from peiyu.people.models import Expert
from peiyu.supervision.forms.grades import (
    AnswerForm,
    ConcludeForm,
    EndGradeForm,
    EntryForm,
    EvaluatorsForm,
    IndicatorSetForm,
    NoticeForm,
    ObjectionForm,
    RoundForm,
    ScoreForm,
)
from peiyu.supervision.models import (
    EntryStatus,
    Grade,
    GradeEntry,
    GradeRound,
    GradeStatus,
    Indicator,
    IndicatorSet,
    Objection,
    RoundStatus,
    Score,
)
from peiyu.supervision.services import grades as services

MANAGE = services.MANAGE
EXPIRING_DAYS = 90
Action = Callable[[Any, Any, User], object]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@dataclass(frozen=True)
class ObjectionRow:
    objection: Objection
    due: datetime.date
    overdue: bool


def _objection_rows(objections: Any, region_code: str) -> list[ObjectionRow]:
    today = timezone.localdate()
    return [
        ObjectionRow(o, services.answer_due(o, region_code), services.is_overdue(o, region_code, today))
        for o in objections
    ]


# Rounds ------------------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """Staff: the rounds of their county, waiting objections and expiring grades. Evaluators
    and organizations: their own entries (and grades)."""
    user = _user(request)
    if not (user.has_perm("supervision.view_graderound") or user.has_perm("supervision.view_gradeentry")):
        raise PermissionDenied
    rounds = (
        GradeRound.objects.visible_to(user).select_related("region").annotate(entry_count=Count("entries"))
    )
    context: dict[str, Any] = {"rounds": rounds, "can_manage": user.has_perm(MANAGE)}
    if not user.is_staff_account:
        context["entries"] = GradeEntry.objects.visible_to(user).select_related("round", "organization")
        context["grades"] = Grade.objects.visible_to(user).select_related("organization", "certificate")
    elif user.has_perm(MANAGE) and user.region is not None:
        context["expiring"] = services.expiring_grades(user.region, EXPIRING_DAYS)
        waiting = services.waiting_objections(user).order_by("received_on", "id")
        context["objections"] = _objection_rows(waiting, user.region_id or "")
        context["expiring_days"] = EXPIRING_DAYS
    return render(request, "supervision/round_list.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    user = _user(request)
    if request.method == "POST" and form.is_valid():
        try:
            if user.region is None:
                raise DomainError(_("Grade evaluation rounds are run by a county's registration authority."))
            grade_round = services.create_round(region=user.region, by=user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The round was opened."))
            return redirect("supervision:round-detail", pk=grade_round.pk)
    return render(request, "supervision/round_form.html", {"form": form})


def _round_forms(request: HttpRequest, grade_round: GradeRound, action: str) -> dict[str, forms.Form]:
    def data(name: str) -> Any:
        return request.POST if action == name else None

    user = _user(request)
    return {
        "add": EntryForm(data("add"), organizations=services.candidates(grade_round, user)),
        "notice": NoticeForm(data("notice"), initial={"starts_on": timezone.localdate()}),
        "conclude": ConcludeForm(data("conclude"), initial={"on": timezone.localdate()}),
    }


ROUND_ACTIONS: dict[str, tuple[Action, str]] = {
    "add": (
        lambda r, f, u: services.add_entry(r, organization=f.cleaned_data["organization"], by=u),
        _("The organization was entered; see its eligibility below."),
    ),
    "scoring": (lambda r, f, u: services.start_scoring(r, by=u), _("Scoring has started.")),
    "notice": (
        lambda r, f, u: services.start_notice(r, starts_on=f.day(), by=u),
        _("The proposed grades are in public notice."),
    ),
    "conclude": (
        lambda r, f, u: services.conclude_round(r, on=f.day(), by=u),
        _("The round is concluded and the grades are awarded."),
    ),
}


@login_required
@permission_required("supervision.view_graderound", raise_exception=True)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    grade_round = GradeRound.objects.visible_to(user).select_related("region").get_or_404(pk=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = _round_forms(request, grade_round, action)
    if action and _act(request, ROUND_ACTIONS, action, grade_round, forms_.get(action)):
        return redirect("supervision:round-detail", pk=grade_round.pk)
    entries = (
        GradeEntry.objects.visible_to(user)
        .filter(round=grade_round)
        .select_related("organization", "indicator_set")
        .prefetch_related("evaluators")
        .annotate(
            objection_count=Count("objections"),
            waiting_count=Count("objections", filter=Q(objections__answered_on__isnull=True)),
        )
        .order_by("status", "organization__name")
    )
    context = {
        "round": grade_round,
        "entries": entries,
        "forms": forms_,
        "can_manage": user.has_perm(MANAGE),
        "thresholds": services.thresholds_for(grade_round.region_id),
        "Status": RoundStatus,
    }
    return render(request, "supervision/round_detail.html", context)


def _act(
    request: HttpRequest,
    actions: dict[str, tuple[Action, str]],
    action: str,
    subject: Any,
    form: forms.Form | None,
) -> bool:
    """Run one posted action through its service; report refusals on the page."""
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    if action not in actions:
        raise Http404
    if form is not None and not form.is_valid():
        messages.error(request, _("Correct the errors below."))
        return False
    run, success = actions[action]
    try:
        run(subject, form, _user(request))
    except DomainError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


# Entries -----------------------------------------------------------------------------------


def _entry_forms(request: HttpRequest, entry: GradeEntry, action: str) -> dict[str, forms.Form]:
    def data(name: str) -> Any:
        return request.POST if action == name else None

    user = _user(request)
    experts = Expert.objects.visible_to(user).available().order_by("name")
    current = list(entry.evaluators.all())
    return {
        "evaluators": EvaluatorsForm(data("evaluators"), experts=experts, initial={"experts": current}),
        "objection": ObjectionForm(data("objection"), initial={"received_on": timezone.localdate()}),
        "answer": AnswerForm(data("answer"), objections=entry.objections.filter(answered_on__isnull=True)),
        "end": EndGradeForm(data("end")),
    }


def _end(entry: GradeEntry, form: Any, by: User) -> object:
    grade = Grade.objects.filter(entry=entry, status=GradeStatus.VALID).first()
    if grade is None:
        raise DomainError(_("This entry has no valid grade."))
    return services.end_grade(grade, by=by, **form.cleaned_data)


def _answer(entry: GradeEntry, form: Any, by: User) -> object:
    data = dict(form.cleaned_data)
    return services.answer_objection(data.pop("objection"), by=by, **data)


ENTRY_ACTIONS: dict[str, tuple[Action, str]] = {
    "evaluators": (
        lambda e, f, u: services.assign_evaluators(e, experts=f.cleaned_data["experts"], by=u),
        _("The evaluators were assigned."),
    ),
    "recheck": (lambda e, f, u: services.recheck_entry(e, by=u), _("Eligibility was checked again.")),
    "objection": (
        lambda e, f, u: services.record_objection(e, by=u, **f.cleaned_data),
        _("The objection was recorded."),
    ),
    "answer": (_answer, _("The review decision was recorded.")),
    "end": (_end, _("The grade was ended.")),
}


@login_required
@permission_required("supervision.view_gradeentry", raise_exception=True)
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    visible = GradeEntry.objects.visible_to(user)
    entry = visible.select_related("round", "round__region", "organization", "indicator_set").get_or_404(
        pk=pk
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms_ = _entry_forms(request, entry, action)
    if action and _act(request, ENTRY_ACTIONS, action, entry, forms_.get(action)):
        return redirect("supervision:entry-detail", pk=entry.pk)
    return render(request, "supervision/entry_detail.html", _entry_context(user, entry, forms_))


def _entry_context(user: User, entry: GradeEntry, forms_: dict[str, forms.Form]) -> dict[str, Any]:
    """Staff see every evaluator's points; an evaluator their own; an organization neither,
    and its total and proposed grade only once they are in public notice."""
    staff = user.is_staff_account
    evaluators = entry.evaluators.all() if staff else entry.evaluators.filter(account=user)
    scores = Score.objects.filter(entry=entry, evaluator__in=evaluators).select_related("indicator")
    by_evaluator: dict[int, list[Score]] = {}
    for score in scores.order_by("indicator__parent__position", "indicator__position", "indicator__code"):
        by_evaluator.setdefault(score.evaluator_id, []).append(score)
    rows = [
        {
            "expert": e,
            "scores": by_evaluator.get(e.pk, []),
            "total": sum(s.points for s in by_evaluator.get(e.pk, [])),
        }
        for e in evaluators
    ]
    return {
        "entry": entry,
        "round": entry.round,
        "forms": forms_,
        "staff": staff,
        "can_manage": user.has_perm(MANAGE),
        "show_result": staff or entry.round.status in {RoundStatus.NOTICE, RoundStatus.DONE},
        "evaluators": rows,
        "is_evaluator": any(e.account_id == user.pk for e in evaluators),
        "objections": _objection_rows(entry.objections.all(), entry.round.region_id) if staff else [],
        "grade": Grade.objects.filter(entry=entry).select_related("certificate").first(),
        "Status": RoundStatus,
        "EntryStatus": EntryStatus,
    }


@login_required
@permission_required("supervision.add_score", raise_exception=True)
def entry_score(request: HttpRequest, pk: int) -> HttpResponse:
    """An evaluator's scoring sheet: every second-level indicator, 0 to its points."""
    user = _user(request)
    entry = GradeEntry.objects.visible_to(user).select_related("round", "organization").get_or_404(pk=pk)
    evaluator = entry.evaluators.filter(account=user).first()
    if evaluator is None or entry.indicator_set is None:
        raise Http404
    indicators = services.scored_indicators(entry.indicator_set)
    given = dict(Score.objects.filter(entry=entry, evaluator=evaluator).values_list("indicator_id", "points"))
    form = ScoreForm(request.POST or None, indicators=indicators, initial_points=given)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_scores(entry, evaluator=evaluator, points=form.points(), by=user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect("supervision:entry-detail", pk=entry.pk)
    open_ = entry.round.status == RoundStatus.SCORING
    return render(request, "supervision/entry_score.html", {"entry": entry, "form": form, "open": open_})


# Grades and certificates -------------------------------------------------------------------


@login_required
@permission_required("supervision.view_grade", raise_exception=True)
def grade_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    grade = Grade.objects.visible_to(request.user).select_related("certificate").get_or_404(pk=pk)
    document = grade.certificate
    if document is None:
        raise Http404
    return docx_response(f"{document.title}{document.number}.docx", bytes(document.content))


# Indicator sets ----------------------------------------------------------------------------


def _indicator_sections(request: HttpRequest, posted: str) -> list[dict[str, Any]]:
    """Each set with its first-level indicators, and a form (bound when it was posted) whose
    fields are grouped under them."""
    children = Prefetch("children", queryset=Indicator.objects.order_by("position", "code"))
    first_level = Prefetch(
        "indicators",
        queryset=Indicator.objects.filter(parent__isnull=True).prefetch_related(children),
        to_attr="first_level",
    )
    sections = []
    for indicator_set in IndicatorSet.objects.prefetch_related(first_level).order_by("id"):
        parents: list[Indicator] = indicator_set.first_level  # type: ignore[attr-defined]
        leaves = [child for parent in parents for child in parent.children.all()]
        bound = posted == str(indicator_set.pk)
        form = IndicatorSetForm(request.POST if bound else None, indicators=leaves)
        groups = [
            (parent, [(c, form[f"name{c.pk}"], form[f"points{c.pk}"]) for c in parent.children.all()])
            for parent in parents
        ]
        sections.append({"set": indicator_set, "form": form, "groups": groups, "bound": bound})
    return sections


@login_required
@permission_required("supervision.change_indicatorset", raise_exception=True)
def indicator_sets(request: HttpRequest) -> HttpResponse:
    """Every indicator set with a form of its second-level names and points."""
    posted = request.POST.get("set", "") if request.method == "POST" else ""
    sections = _indicator_sections(request, posted)
    for section in sections:
        form = section["form"]
        if section["bound"] and form.is_valid():
            try:
                services.update_indicator_set(section["set"], indicators=form.values(), by=_user(request))
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(name)s was saved.") % {"name": section["set"].name})
                return redirect("supervision:indicator-sets")
    return render(request, "supervision/indicator_sets.html", {"sections": sections})
