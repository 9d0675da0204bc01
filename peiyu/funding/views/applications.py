"""Back-office pages of applications (申报): the list with its export, a new application (by an
organization's account, or entered by staff from paper), the project form with its budget lines
and outputs and a live eligibility preview, submission, withdrawal, the outline decision of a
two-stage round, the eligibility re-check, the defense scores and the selection override.

Staff see the panel, each expert's total and every score; an organization never sees an
expert's name or score, and sees the aggregate scores only once the round's notice has started.
An expert is sent to the review page, which keeps the file closed until they declare."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from peiyu.accounts.models import AccountType, User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.funding.eligibility import application_reasons
from peiyu.funding.forms.applications import (
    ApplicationFilterForm,
    BudgetLineFormSet,
    DefenseForm,
    EditForm,
    NewApplicationForm,
    OutlineForm,
    OutputFormSet,
    OverrideForm,
    WithdrawForm,
    application_initial,
    in_round_region,
)
from peiyu.funding.models import (
    RESULTS_PUBLIC,
    UNDISCLOSED,
    Application,
    ApplicationStatus,
    Assignment,
    FundingEvent,
    Round,
    RoundStatus,
)
from peiyu.funding.services import applications as services
from peiyu.funding.services.review import record_defense
from peiyu.funding.services.selection import RANKED, override_selection
from peiyu.lib.xlsx import workbook_bytes, xlsx_response

VIEW = "funding.view_application"
ADD = "funding.add_application"
MANAGE = "funding.manage_round"
EXPORT_LIMIT = 20_000

WITHDRAWABLE = {
    ApplicationStatus.DRAFT,
    ApplicationStatus.OUTLINE,
    ApplicationStatus.INVITED,
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.ELIGIBLE,
}
REVIEWED = {ApplicationStatus.REVIEWING, *UNDISCLOSED, ApplicationStatus.AWARDED}
BADGES: dict[str, str] = {
    ApplicationStatus.DRAFT: "secondary",
    ApplicationStatus.OUTLINE: "info",
    ApplicationStatus.INVITED: "info",
    ApplicationStatus.NOT_INVITED: "dark",
    ApplicationStatus.INELIGIBLE: "danger",
    ApplicationStatus.ELIGIBLE: "primary",
    ApplicationStatus.REVIEWING: "warning",
    ApplicationStatus.SCORED: "warning",
    ApplicationStatus.SELECTED: "success",
    ApplicationStatus.NOT_SELECTED: "dark",
    ApplicationStatus.AWARDED: "success",
    ApplicationStatus.WITHDRAWN: "light",
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def sees_review(user: User) -> bool:
    """Staff (and superusers) see the panel, the experts' names and every score."""
    return bool(user.is_superuser or user.is_staff_account)


def _application(request: HttpRequest, pk: int) -> Application:
    application: Application = (
        Application.objects.visible_to(request.user)
        .select_related("round", "round__region", "organization", "field", "area", "catalog_item", "project")
        .get_or_404(pk=pk)
    )
    return application


def shown_status(application: Application, user: User) -> tuple[str, str]:
    """The status and its label as this user may see it: before the notice an applicant sees a
    scored or (not) selected application as still being reviewed."""
    status = application.status_for(user)
    return status, str(ApplicationStatus(status).label)


def _mark(applications: Sequence[Application], user: User) -> None:
    for application in applications:
        status, label = shown_status(application, user)
        application.shown_label = label  # type: ignore[attr-defined]
        application.badge = BADGES.get(status, "secondary")  # type: ignore[attr-defined]


def _refused(error: DomainError) -> None:
    if isinstance(error, PermissionRefused):
        raise PermissionDenied(str(error)) from None


# The list ----------------------------------------------------------------------------------


def _rounds_for(user: User, applications: Any) -> Any:
    if sees_review(user):
        return Round.objects.visible_to(user)
    return Round.objects.filter(pk__in=applications.values("round_id"))


def _export(rows: Sequence[Application], staff: bool) -> HttpResponse:
    headers = [
        pgettext("funding round", "Round"),
        _("Organization"),
        _("Project title"),
        _("Field"),
        _("Where it serves"),
        _("Amount requested (yuan)"),
        _("Own and matched funds (yuan)"),
        _("People it will serve"),
        _("Status"),
        _("Submitted at"),
    ]
    if staff:
        headers += [
            _("Review score"),
            _("Defense score"),
            _("Final score"),
            _("Rank"),
            _("Amount awarded (yuan)"),
        ]
    values = []
    for a in rows:
        row: list[Any] = [
            a.round.title,
            a.organization.name,
            a.title,
            a.field.name,
            a.area.name,
            a.requested,
            a.co_funding,
            a.beneficiaries,
            a.shown_label,  # type: ignore[attr-defined]
            a.submitted_at,
        ]
        if staff:
            row += [a.review_score, a.defense_score, a.final_score, a.rank, a.awarded]
        values.append(row)
    return xlsx_response(
        "申报项目.xlsx", workbook_bytes(pgettext("funding application", "Applications"), headers, values)
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def application_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visible = Application.objects.visible_to(user)
    form = ApplicationFilterForm(request.GET, rounds=_rounds_for(user, visible))
    rows = form.filter(visible.for_listing().select_related("area")).order_by(
        "-round__year", "round_id", "rank", "id"
    )
    if request.GET.get("format") == "xlsx":
        listed = list(rows[: EXPORT_LIMIT + 1])
        if len(listed) > EXPORT_LIMIT:
            messages.error(
                request,
                _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT},
            )
            return redirect("funding:application-list")
        _mark(listed, user)
        return _export(listed, sees_review(user))
    page = paginate(request, rows)
    page.object_list = list(page.object_list)
    _mark(page.object_list, user)
    query = query_without_page(request)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "filtering": bool(query),
        "staff": sees_review(user),
        "is_expert": user.account_type == AccountType.EXPERT and not user.is_superuser,
    }
    return render(request, "funding/application_list.html", context)


# A new application and the project form ----------------------------------------------------


def _round_to_apply(request: HttpRequest, pk: int) -> Round:
    """Staff reach their region's rounds; an organization the opened rounds of its county."""
    round: Round = Round.objects.reachable_by(_user(request)).select_related("region").get_or_404(pk=pk)
    return round


@login_required
@permission_required(ADD, raise_exception=True)
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    round = _round_to_apply(request, pk)
    organizations = in_round_region(user, round)
    initial: dict[str, Any] = {}
    mine = list(organizations[:2]) if not sees_review(user) else []
    if len(mine) == 1:
        initial["organization"] = mine[0]
    form = NewApplicationForm(request.POST or None, round=round, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                round,
                organization=form.cleaned_data["organization"],
                by=user,
                target_groups=form.chosen_target_groups(),
                **form.values(),
            )
        except DomainError as error:
            _refused(error)
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft was started. Add the budget lines and the outputs."))
            return redirect("funding:application-edit", pk=application.pk)
    context = {
        "round": round,
        "form": form,
        "has_organization": organizations.exists(),
        "open": round.status == RoundStatus.OPEN,
    }
    return render(request, "funding/application_form.html", context)


def _line_initial(application: Application) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    lines = [
        {"category": x.category, "item": x.item, "amount": x.amount, "note": x.note}
        for x in application.budget_lines.all()
    ]
    outputs = [
        {"description": x.description, "indicator": x.indicator, "target": x.target, "unit": x.unit}
        for x in application.outputs.all()
    ]
    return lines, outputs


@login_required
@permission_required(ADD, raise_exception=True)
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    if not application.is_editable:
        messages.error(request, _("The application has been sent and can no longer be changed."))
        return redirect("funding:application-detail", pk=application.pk)
    lines, outputs = _line_initial(application)
    data = request.POST or None
    form = EditForm(
        data, round=application.round, application=application, initial=application_initial(application)
    )
    budget = BudgetLineFormSet(data, initial=lines, prefix="lines")
    results = OutputFormSet(data, initial=outputs, prefix="outputs")
    if request.method == "POST" and all([form.is_valid(), budget.is_valid(), results.is_valid()]):
        try:
            services.update_application(
                application,
                by=user,
                seen_version=form.cleaned_data["seen_version"],
                budget_lines=budget.rows(),
                outputs=results.rows(),
                target_groups=form.chosen_target_groups(),
                **form.values(),
            )
        except DomainError as error:
            _refused(error)
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The application was saved."))
            return redirect("funding:application-edit", pk=application.pk)
    context = {
        "application": application,
        "round": application.round,
        "form": form,
        "budget": budget,
        "results": results,
        "reasons": application_reasons(application),
        "outline": application.status == ApplicationStatus.DRAFT and application.round.two_stage,
    }
    return render(request, "funding/application_edit.html", context)


# The application's page --------------------------------------------------------------------


def _history(application: Application, user: User) -> list[FundingEvent]:
    """The application's events. An applicant never sees the defense sheets, who scored or
    who was drawn, and sees no scoring or selection step before the notice."""
    staff = sees_review(user)
    events = list(
        FundingEvent.objects.filter(subject="application", subject_id=application.pk).select_related("actor")
    )
    if staff:
        return events
    published = application.round.status in RESULTS_PUBLIC
    own = set(application.organization.accounts.values_list("pk", flat=True))
    shown = []
    for e in events:
        if e.action in {"defense", "no_replacement"} or (not published and e.action in UNDISCLOSED):
            continue
        if e.actor is not None and not (e.actor.is_staff_account or e.actor.pk in own):
            e.actor = None  # the expert whose score completed the panel; never saved
        shown.append(e)
    return shown


def _panel(application: Application) -> list[Assignment]:
    return list(application.assignments.select_related("expert").order_by("id"))


def _actions(application: Application, user: User) -> dict[str, bool]:
    status, round = application.status, application.round
    manage = user.has_perm(MANAGE) and sees_review(user)
    ranked = status in RANKED and round.status in {RoundStatus.REVIEW, RoundStatus.NOTICE}
    return {
        "edit": application.is_editable and user.has_perm(ADD),
        "submit": application.is_editable and user.has_perm(ADD) and round.status == RoundStatus.OPEN,
        "withdraw": status in WITHDRAWABLE and user.has_perm(ADD),
        "outline": manage and status == ApplicationStatus.OUTLINE and round.two_stage,
        "recheck": manage
        and status in {ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE}
        and round.status in {RoundStatus.OPEN, RoundStatus.REVIEW},
        "defense": manage
        and bool(round.defense_weight)
        and round.status == RoundStatus.REVIEW
        and status in {ApplicationStatus.REVIEWING, *RANKED},
        "override": manage and ranked,
    }


def _render_detail(
    request: HttpRequest,
    application: Application,
    withdraw: WithdrawForm | None = None,
    outline: OutlineForm | None = None,
) -> HttpResponse:
    user = _user(request)
    staff = sees_review(user)
    _mark([application], user)
    actions = _actions(application, user)
    context = {
        "application": application,
        "round": application.round,
        "staff": staff,
        "published": staff or application.round.status in RESULTS_PUBLIC,
        "reviewed": application.status in REVIEWED,
        "lines": list(application.budget_lines.all()),
        "outputs": list(application.outputs.all()),
        "target_groups": list(application.target_groups.all()),
        "preview": application_reasons(application) if application.is_editable else None,
        "panel": _panel(application) if staff else [],
        "events": _history(application, user),
        "actions": actions,
        "withdraw_form": withdraw or WithdrawForm(),
        "outline_form": outline or OutlineForm(),
        "outline_stage": application.round.two_stage and application.status == ApplicationStatus.DRAFT,
    }
    return render(request, "funding/application_detail.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    if user.account_type == AccountType.EXPERT and not user.is_superuser:
        # The review page keeps the file closed until the expert declares.
        mine = Assignment.objects.visible_to(user).filter(application=application).order_by("-id").first()
        if mine is None:
            raise Http404
        return redirect("funding:review-detail", pk=mine.pk)
    return _render_detail(request, application)


@login_required
@require_POST
@permission_required(ADD, raise_exception=True)
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        sent = services.submit_application(application, by=_user(request))
    except DomainError as error:
        _refused(error)
        messages.error(request, str(error))
        return redirect("funding:application-detail", pk=application.pk)
    if sent.status == ApplicationStatus.OUTLINE:
        messages.success(
            request, _("The outline was sent. The office will say whether to send the full proposal.")
        )
    elif sent.status == ApplicationStatus.INELIGIBLE:
        messages.warning(
            request, _("The application was sent, but it is not eligible; the reasons are listed below.")
        )
    else:
        messages.success(request, _("The application was sent and is eligible."))
    return redirect("funding:application-detail", pk=application.pk)


@login_required
@require_POST
@permission_required(ADD, raise_exception=True)
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_application(application, by=_user(request), reason=form.cleaned_data["reason"])
        except DomainError as error:
            _refused(error)
            messages.error(request, str(error))
        else:
            messages.success(request, _("The application was withdrawn."))
            return redirect("funding:application-detail", pk=application.pk)
    return _render_detail(request, application, withdraw=form)


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def application_outline(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if not application.round.two_stage:
        raise Http404
    form = OutlineForm(request.POST)
    if form.is_valid():
        try:
            services.decide_outline(
                application,
                invite=form.cleaned_data["invite"],
                note=form.cleaned_data["note"],
                by=_user(request),
            )
        except DomainError as error:
            _refused(error)
            messages.error(request, str(error))
        else:
            messages.success(request, _("The decision on the outline was recorded."))
            return redirect("funding:application-detail", pk=application.pk)
    return _render_detail(request, application, outline=form)


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def application_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        checked = services.recheck_application(application, by=_user(request))
    except DomainError as error:
        _refused(error)
        messages.error(request, str(error))
    else:
        if checked.status == ApplicationStatus.ELIGIBLE:
            messages.success(request, _("Checked again: the application is eligible."))
        else:
            messages.warning(request, _("Checked again: the application is not eligible."))
    return redirect("funding:application-detail", pk=application.pk)


# Defense and override ----------------------------------------------------------------------


@login_required
@permission_required(MANAGE, raise_exception=True)
def application_defense(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    if not sees_review(user):
        raise Http404
    panel = list(application.assignments.active().select_related("expert").order_by("id"))
    form = DefenseForm(request.POST or None, experts=[(a.expert, a.defense_score) for a in panel])
    if request.method == "POST" and form.is_valid():
        try:
            record_defense(application, scores=form.scores(), by=user)
        except DomainError as error:
            _refused(error)
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The defense scores were recorded."))
            return redirect("funding:application-detail", pk=application.pk)
    context = {"application": application, "round": application.round, "form": form, "panel": panel}
    return render(request, "funding/application_defense.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
def application_override(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    application = _application(request, pk)
    if not sees_review(user):
        raise Http404
    initial = {"selected": "0" if application.status == ApplicationStatus.SELECTED else "1"}
    form = OverrideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            override_selection(
                application, selected=data["selected"], amount=data["amount"], reason=data["reason"], by=user
            )
        except DomainError as error:
            _refused(error)
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The override was recorded with its reason."))
            return redirect("funding:application-detail", pk=application.pk)
    context = {"application": application, "round": application.round, "form": form}
    return render(request, "funding/application_override.html", context)
