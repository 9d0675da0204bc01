"""Back-office pages of funding rounds: the list, the terms with their tranches, the scope, the
fund sources and the rubric; the round's page with the actions its status allows (open, start
the review, draw panels, select, start the notice, conclude, close); the draws with their
verification, the ranking with its export, and the objections received during the notice.

Staff see the rounds of their region and only county staff with ``funding.manage_round`` act
on them. Organizations see the public rounds of their own county (to apply), never a draft and
never the staff pages. Anything out of reach answers 404."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.actions import with_message
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.options import value_of
from peiyu.core.paging import paginate, query_without_page
from peiyu.funding import options
from peiyu.funding.forms.rounds import (
    ANCHOR_FIELDS,
    AnswerForm,
    CriterionFormSet,
    DrawForm,
    NoticeForm,
    ObjectionForm,
    RoundFilterForm,
    RoundForm,
    ScopeForm,
    SourceFormSet,
    TrancheFormSet,
    round_initial,
)
from peiyu.funding.models import (
    SCALE,
    Application,
    ApplicationStatus,
    Assignment,
    Draw,
    FundingEvent,
    Milestone,
    Objection,
    Round,
    RoundStatus,
    default_tranches,
)
from peiyu.funding.services import review, rounds, selection
from peiyu.lib.xlsx import sheets_bytes, xlsx_response
from peiyu.orgs.models import LegalForm

VIEW = "funding.view_round"
MANAGE = rounds.MANAGE
VIEW_OBJECTION = "funding.view_objection"
# A new round takes applications for four weeks from today until the office sets its dates.
CALL_DAYS = 28
# The steps of the round itself shown as its history (its applications keep their own).
ROUND_SUBJECTS = ("round", "draw", "objection")
LISTED = [*selection.RANKED, ApplicationStatus.REVIEWING, ApplicationStatus.AWARDED]
GRANTED = [ApplicationStatus.SELECTED, ApplicationStatus.AWARDED]
# The rubric page shows at least this many lines (filled or empty).
RUBRIC_ROWS = 5


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _is_staff(user: User) -> bool:
    return user.is_superuser or user.is_staff_account


def _require_staff(user: User) -> None:
    if not _is_staff(user):
        raise PermissionDenied


def _round(request: HttpRequest, pk: int) -> Round:
    found: Round = (
        Round.objects.reachable_by(_user(request))
        .with_budget()
        .select_related("region", "supervisor")
        .get_or_404(pk=pk)
    )
    return found


def _held(request: HttpRequest, pk: int) -> Round:
    """A round whose review the user may see: one of their own region's (else 404)."""
    found: Round = (
        Round.objects.held_by(_user(request))
        .with_budget()
        .select_related("region", "supervisor")
        .get_or_404(pk=pk)
    )
    return found


def _to_round(round: Round) -> HttpResponse:
    return redirect("funding:round-detail", pk=round.pk)


def _status_counts(round_ids: list[int]) -> dict[int, list[tuple[str, str, int]]]:
    """Per round, its applications per status (in the workflow's order), in one query."""
    order = {value: i for i, value in enumerate(ApplicationStatus.values)}
    labels = dict(ApplicationStatus.choices)
    rows = (
        Application.objects.filter(round_id__in=round_ids)
        .values("round_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, list[tuple[str, str, int]]] = {}
    keyed = sorted((row["round_id"], row["status"], row["n"]) for row in rows)
    for round_id, status, n in sorted(keyed, key=lambda row: (row[0], order.get(row[1], 99))):
        counts.setdefault(round_id, []).append((status, str(labels.get(status, status)), n))
    return counts


# The list ----------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def round_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    reachable = Round.objects.reachable_by(user)
    years = reachable.order_by("-year").values_list("year", flat=True).distinct()
    form = RoundFilterForm(request.GET or None, years=list(years))
    data = form.cleaned() if form.is_bound else {}
    found = reachable.with_budget().select_related("region")
    for name in ("year", "status"):
        if data.get(name):
            found = found.filter(**{name: data[name]})
    page = paginate(request, found.order_by("-year", "-id"))
    # Application counts only for the rounds the user's office holds (not the county's, for a town).
    held = Round.objects.held_by(user).filter(pk__in=[r.pk for r in page]).values_list("pk", flat=True)
    counts = _status_counts(list(held))
    context = {
        "form": form,
        "filtered": any(data.values()),
        "page": page,
        "rows": [{"round": r, "counts": counts.get(r.pk, [])} for r in page],
        "query": query_without_page(request),
        "staff": _is_staff(user),
    }
    return render(request, "funding/round_list.html", context)


# Terms ---------------------------------------------------------------------------------------


@login_required
@permission_required(MANAGE, raise_exception=True)
def round_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    initial = {
        "opens_on": today,
        "closes_on": today + datetime.timedelta(days=CALL_DAYS),
        "min_grade": value_of(options.MIN_GRADE.key, user.region_id) if user.region_id else None,
    }
    form = RoundForm(request.POST or None, user=user, initial=initial)
    tranches = TrancheFormSet(request.POST or None, initial=default_tranches(), prefix="tranches")
    if request.method == "POST" and form.is_valid() and tranches.is_valid():
        try:
            if user.region is None:
                raise DomainError(_("Funding rounds are run by a county (or district) authority."))
            created = rounds.create_round(
                region=user.region, by=user, tranches=tranches.rows(), **form.terms()
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The round was saved as a draft. Add its fund sources and rubric next.")
            )
            return redirect("funding:round-sources", pk=created.pk)
    context = {"form": form, "tranches": tranches, "round": None}
    return render(request, "funding/round_form.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every term while the round is a draft; the call text and deadlines while it is open."""
    user = _user(request)
    round = _round(request, pk)
    if round.status not in {RoundStatus.DRAFT, RoundStatus.OPEN}:
        messages.error(request, _("Once the review has started the round's terms no longer change."))
        return _to_round(round)
    form = RoundForm(request.POST or None, user=user, round=round, initial=round_initial(round))
    draft = round.status == RoundStatus.DRAFT
    tranches = (
        TrancheFormSet(request.POST or None, initial=round.tranches, prefix="tranches") if draft else None
    )
    if request.method == "POST" and form.is_valid() and (tranches is None or tranches.is_valid()):
        terms = form.terms() | ({"tranches": tranches.rows()} if tranches is not None else {})
        try:
            rounds.update_round(round, by=user, seen_version=form.cleaned_data["seen_version"], **terms)
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The round's terms were saved."))
            return _to_round(round)
    context = {"form": form, "tranches": tranches, "round": round, "tranche_rows": _tranche_rows(round)}
    return render(request, "funding/round_form.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
def round_scope(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round = _round(request, pk)
    initial = {"funded_fields": list(round.fields.all()), "catalog_items": list(round.catalog_items.all())}
    form = ScopeForm(request.POST or None, user=user, round=round, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = with_message(
            request,
            lambda: rounds.set_scope(
                round, by=user, fields=data["funded_fields"], catalog_items=data["catalog_items"]
            ),
            _("The round's scope was saved."),
        )
        if saved:
            return _to_round(round)
    return render(request, "funding/round_scope.html", {"form": form, "round": round})


@login_required
@permission_required(MANAGE, raise_exception=True)
def round_sources(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round = _round(request, pk)
    initial = [{"kind": s.kind, "name": s.name, "amount": s.amount} for s in round.sources.all()]
    formset = SourceFormSet(request.POST or None, initial=initial, prefix="sources")
    if request.method == "POST" and formset.is_valid():
        rows = formset.rows()
        if with_message(
            request,
            lambda: rounds.set_sources(round, sources=rows, by=user),
            _("The fund sources were saved: %(total)s yuan in all.")
            % {"total": sum((amount for _k, _n, amount in rows), Decimal(0))},
        ):
            return (
                redirect("funding:round-rubric", pk=round.pk)
                if not round.criteria.exists()
                else _to_round(round)
            )
    return render(request, "funding/round_sources.html", {"formset": formset, "round": round})


@login_required
@permission_required(MANAGE, raise_exception=True)
def round_rubric(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round = _round(request, pk)
    initial = [
        {"name": c.name, "weight": c.weight, **{name: c.anchor(i) for i, name in enumerate(ANCHOR_FIELDS, 1)}}
        for c in round.criteria.all()
    ]
    formset = CriterionFormSet(request.POST or None, initial=initial, prefix="lines")
    # Offer rows for a whole rubric at once: the weights must add up to 100 on every save, so
    # a rubric built one line per save could not be saved on the way.
    formset.extra = max(1, RUBRIC_ROWS - len(initial))
    if request.method == "POST" and formset.is_valid():
        rows = formset.rows()
        if with_message(
            request, lambda: rounds.set_rubric(round, lines=rows, by=user), _("The rubric was saved.")
        ):
            return _to_round(round)
    return render(request, "funding/round_rubric.html", {"formset": formset, "round": round})


# The round's page ------------------------------------------------------------------------


def _tranche_rows(round: Round) -> list[tuple[str, int]]:
    labels = dict(Milestone.choices)
    return [
        (str(labels.get(row["milestone"], row["milestone"])), int(row["percent"])) for row in round.tranches
    ]


def _terms(round: Round) -> dict[str, Any]:
    return {
        "legal_forms": [
            str(LegalForm(value).label) for value in round.legal_forms if value in LegalForm.values
        ],
        "tranches": _tranche_rows(round),
        "fields": list(round.fields.all()),
        "catalog_items": list(round.catalog_items.all()),
        "sources": list(round.sources.all()),
        "criteria": [(c, [c.anchor(score) for score in range(1, SCALE + 1)]) for c in round.criteria.all()],
        "rule": selection.rule_text(round),
        "scale": range(1, SCALE + 1),
    }


def history(round: Round) -> list[FundingEvent]:
    """The round's own steps, its draws and its objections, oldest first."""
    return list(
        FundingEvent.objects.filter(round=round, subject__in=ROUND_SUBJECTS)
        .select_related("actor")
        .order_by("at", "id")
    )


def _staff_context(round: Round) -> dict[str, Any]:
    counts = _status_counts([round.pk]).get(round.pk, [])
    draws = round.draws.select_related("drawn_by").annotate(seats=Count("assignments")).order_by("id")
    return {
        "counts": counts,
        "applications": sum(n for _s, _l, n in counts),
        "draws": draws,
        "readiness": rounds.readiness(round) if round.status == RoundStatus.DRAFT else [],
        "waiting_objections": rounds.unanswered(round).count(),
        "objections": round.objections.count(),
        "events": history(round),
        "draw_form": DrawForm(),
        "notice_form": NoticeForm(initial={"starts_on": timezone.localdate()}),
        "notice_days": value_of(options.NOTICE_DAYS.key, round.region_id),
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff see the whole round and the actions its status allows; an organization sees the
    call as published, with the way to apply."""
    user = _user(request)
    round = _round(request, pk)
    holds = Round.objects.held_by(user).filter(pk=round.pk).exists()
    context: dict[str, Any] = {"round": round, "staff": holds, **_terms(round)}
    if holds:
        context |= _staff_context(round)
    return render(request, "funding/round_detail.html", context)


def _step(request: HttpRequest, pk: int, run: Callable[[Round, User], object], success: str) -> HttpResponse:
    round = _round(request, pk)
    with_message(request, lambda: run(round, _user(request)), success)
    return _to_round(round)


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda r, u: rounds.open_round(r, by=u),
        _("The round is open: the call is on the portal and takes applications."),
    )


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def round_start_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda r, u: rounds.start_review(r, by=u),
        _("Applications are closed and their eligibility was checked again. Draw the panels next."),
    )


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def round_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda r, u: rounds.conclude_notice(r, by=u),
        _("The notice is concluded: the selected projects are awarded and their contracts drafted."),
    )


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda r, u: rounds.close_round(r, by=u), _("The round is closed."))


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def round_notice(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the notice's first day as a date, or leave it empty for today."))
        return _to_round(round)
    starts_on = form.cleaned_data["starts_on"]
    with_message(
        request,
        lambda: selection.start_notice(round, by=_user(request), starts_on=starts_on),
        _("The selection is in public notice on the portal."),
    )
    return _to_round(round)


# Draws -------------------------------------------------------------------------------------


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def round_draw(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw a panel for every eligible application that has none; the seed is random unless
    one is given (to run a kept draw again in public)."""
    round = _round(request, pk)
    form = DrawForm(request.POST)
    seed = form.cleaned_data["seed"] if form.is_valid() else ""
    try:
        draw = review.draw_panels(round, by=_user(request), seed=seed or None)
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    except DomainError as error:
        messages.error(request, str(error))
        return _to_round(round)
    messages.success(
        request, _("The panels were drawn. Each expert now declares that they have no conflict.")
    )
    return redirect("funding:draw-detail", pk=draw.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The draw's seed, pool and panels; ``?verify=1`` draws again from the kept seed and pool."""
    user = _user(request)
    _require_staff(user)
    draw: Draw = Draw.objects.visible_to(user).select_related("round", "drawn_by").get_or_404(pk=pk)
    seats = (
        Assignment.objects.filter(draw=draw)
        .select_related("application__organization", "expert")
        .order_by("application_id", "id")
    )
    panels = [
        {"application": application, "seats": list(group)}
        for application, group in groupby(seats, key=lambda seat: seat.application)
    ]
    context = {
        "draw": draw,
        "round": draw.round,
        "pool_size": len(draw.pool),
        "panels": panels,
        "verified": review.verify_draw(draw) if request.GET.get("verify") == "1" else None,
    }
    return render(request, "funding/draw_detail.html", context)


# Ranking and selection ---------------------------------------------------------------------


def _ranked(round: Round) -> list[Application]:
    return list(
        Application.objects.filter(round=round, status__in=LISTED).select_related("organization").ranked()
    )


def _totals(round: Round, ranked: list[Application]) -> dict[str, Decimal]:
    budget = round.budget
    awarded = sum((a.awarded or Decimal(0) for a in ranked if a.status in GRANTED), Decimal(0))
    return {"budget": budget, "awarded": awarded, "left": budget - awarded}


def _ranking_xlsx(round: Round, ranked: list[Application], totals: dict[str, Decimal]) -> HttpResponse:
    headers = [
        _("Rank"),
        _("Project"),
        _("Organization"),
        _("Status"),
        _("Review score"),
        _("Defense score"),
        _("Final score"),
        _("Requested (yuan)"),
        _("Awarded (yuan)"),
        _("Selection note"),
        _("Overridden"),
        _("Reason for the override"),
    ]
    rows: list[list[Any]] = [
        [
            a.rank,
            a.title,
            a.organization.name,
            a.get_status_display(),
            a.review_score,
            a.defense_score,
            a.final_score,
            a.requested,
            a.awarded,
            a.selection_note,
            _("Yes") if a.overridden else "",
            a.override_reason,
        ]
        for a in ranked
    ]
    sums: list[list[Any]] = [
        [_("Budget"), totals["budget"]],
        [_("Awarded"), totals["awarded"]],
        [_("Left"), totals["left"]],
        [_("Selection rule"), selection.rule_text(round)],
    ]
    content = sheets_bytes(
        [(_("Ranking"), headers, rows), (_("Totals"), [_("Item"), _("Amount (yuan)")], sums)]
    )
    # Outside the f-string, where xgettext does not look.
    suffix = _("ranking")
    return xlsx_response(f"{round.year}-{round.title}-{suffix}.xlsx", content)


@login_required
@permission_required(VIEW, raise_exception=True)
def round_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _require_staff(user)
    round = _held(request, pk)
    ranked = _ranked(round)
    totals = _totals(round, ranked)
    if request.GET.get("format") == "xlsx":
        return _ranking_xlsx(round, ranked, totals)
    context = {
        "round": round,
        "ranked": ranked,
        "totals": totals,
        "rule": selection.rule_text(round),
        "selected": sum(1 for a in ranked if a.status in GRANTED),
    }
    return render(request, "funding/round_ranking.html", context)


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def round_select(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(request, pk)
    with_message(
        request,
        lambda: selection.select_projects(round, by=_user(request)),
        _("The selection was run in rank order within the budget."),
    )
    return redirect("funding:round-ranking", pk=round.pk)


# Objections --------------------------------------------------------------------------------


@login_required
@permission_required(VIEW_OBJECTION, raise_exception=True)
def objection_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's objections with their answers; staff who run rounds also write down an
    objection received by phone or letter here."""
    user = _user(request)
    round = _held(request, pk)
    if request.method == "POST" and not user.has_perm(MANAGE):
        raise PermissionDenied
    applications = Application.objects.filter(round=round, status__in=LISTED).select_related("organization")
    form = ObjectionForm(
        request.POST or None, applications=applications, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if with_message(
            request,
            lambda: selection.record_objection(round, by=user, **data),
            _("The objection was recorded. Answer it before the notice is concluded."),
        ):
            return redirect("funding:objection-list", pk=round.pk)
    objections = (
        Objection.objects.visible_to(user)
        .filter(round=round)
        .select_related("application__organization", "answered_by")
        .order_by("received_on", "id")
    )
    context = {"round": round, "objections": objections, "form": form}
    return render(request, "funding/objection_list.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    objection: Objection = (
        Objection.objects.visible_to(user)
        .select_related("round", "application__organization", "answered_by")
        .get_or_404(pk=pk)
    )
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if with_message(
            request,
            lambda: selection.answer_objection(
                objection, answer=data["answer"], upheld=data["upheld"], by=user
            ),
            _("The answer was recorded."),
        ):
            return redirect("funding:objection-list", pk=objection.round_id)
    context = {"objection": objection, "round": objection.round, "form": form}
    return render(request, "funding/objection_answer.html", context)
