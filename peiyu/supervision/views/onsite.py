"""Back-office pages of on-site inspection: plans, visits with their checklist findings,
rectification notices with their Word document and re-check, and the checklist itself.

Organization accounts see their own notices (list, detail, document) and act on nothing."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError
from peiyu.core.paging import paginate, query_without_page
from peiyu.lib.docx import docx_response
from peiyu.orgs.forms import ListEntryForm
from peiyu.supervision.forms.onsite import (
    CancelForm,
    FindingsForm,
    NoticeForm,
    PlanForm,
    RecheckForm,
    VisitForm,
    default_deadline,
)
from peiyu.supervision.models import (
    ChecklistItem,
    FindingResult,
    InspectionPlan,
    NoticeQuerySet,
    NoticeStatus,
    OrganizationScoped,
    RectificationNotice,
    SupervisionEvent,
    Visit,
    VisitStatus,
)
from peiyu.supervision.services import onsite as services

INSPECT = "supervision.inspect"
VIEW_VISIT = "supervision.view_visit"
VIEW_NOTICE = "supervision.view_rectificationnotice"
OVERDUE = "overdue"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _visits(user: User) -> OrganizationScoped:
    problems = Count("findings", filter=Q(findings__result=FindingResult.PROBLEM))
    visits: OrganizationScoped = Visit.objects.visible_to(user).select_related(
        "organization", "organization__region", "plan"
    )
    # Meta.ordering does not apply to aggregating queries.
    annotated: OrganizationScoped = visits.annotate(problems=problems).order_by("-planned_on", "-id")
    return annotated


def _notices(user: User) -> NoticeQuerySet:
    return RectificationNotice.objects.visible_to(user).select_related(
        "organization", "organization__region", "visit"
    )


def _history(subject: str, pk: int) -> list[tuple[SupervisionEvent, str]]:
    """The subject's events, each with a readable label."""
    labels = {
        **dict(VisitStatus.choices),
        **dict(NoticeStatus.choices),
        "issued": _("Issued"),
        "created": _("Created"),
    }
    events = SupervisionEvent.objects.filter(subject=subject, subject_id=pk).select_related("actor")
    return [(e, str(labels.get(e.action, e.action))) for e in events]


# Plans


@login_required
@permission_required(VIEW_VISIT, raise_exception=True)
def plan_list(request: HttpRequest) -> HttpResponse:
    done = Count("visits", filter=Q(visits__status=VisitStatus.DONE))
    plans = (
        InspectionPlan.objects.visible_to(request.user)
        .select_related("region")
        .annotate(visit_count=Count("visits"), done_count=done)
        .order_by("-starts_on", "-id")
    )
    return render(request, "supervision/plan_list.html", {"page": paginate(request, plans), "query": ""})


@login_required
@permission_required(INSPECT, raise_exception=True)
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, user=_user(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(**form.values(), by=_user(request))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The plan was created. Plan its visits next."))
            return redirect(reverse("supervision:visit-list") + f"?plan={plan.pk}")
    return render(request, "supervision/plan_form.html", {"form": form})


# Visits and notices


def _visit_rows(user: User, status: str, plan: str) -> OrganizationScoped:
    visits = _visits(user)
    if status in VisitStatus.values:
        visits = visits.filter(status=status)
    return visits.filter(plan_id=int(plan)) if plan.isdigit() else visits


def _notice_rows(user: User, status: str, today: datetime.date) -> NoticeQuerySet:
    notices = _notices(user)
    if status == OVERDUE:
        return notices.overdue(today)
    return notices.filter(status=status) if status in NoticeStatus.values else notices


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    """Visits (staff) and rectification notices (staff, and organizations for their own)."""
    user, today = _user(request), timezone.localdate()
    can_visits = user.has_perm(VIEW_VISIT)
    if not can_visits and not user.has_perm(VIEW_NOTICE):
        raise PermissionDenied
    tab = "notices" if request.GET.get("tab") == "notices" or not can_visits else "visits"
    status, plan = request.GET.get("status", ""), request.GET.get("plan", "")
    rows = _notice_rows(user, status, today) if tab == "notices" else _visit_rows(user, status, plan)
    plans = InspectionPlan.objects.visible_to(user)
    context = {
        "tab": tab,
        "status": status,
        "plan": plans.filter(pk=int(plan)).first() if plan.isdigit() and tab == "visits" else None,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "today": today,
        "can_visits": can_visits,
        "statuses": VisitStatus.choices if tab == "visits" else NoticeStatus.choices,
    }
    return render(request, "supervision/visit_list.html", context)


@login_required
@permission_required(INSPECT, raise_exception=True)
def visit_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {
        key: request.GET[key] for key in ("plan", "organization") if request.GET.get(key, "").isdigit()
    }
    form = VisitForm(request.POST or None, initial={"planned_on": timezone.localdate(), **initial}, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.plan_visit(**form.values(), by=user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The inspection of %(name)s was planned.") % {"name": visit.organization}
            )
            return redirect("supervision:visit-detail", pk=visit.pk)
    return render(request, "supervision/visit_form.html", {"form": form})


def _visit_forms(request: HttpRequest, visit: Visit) -> tuple[FindingsForm | None, CancelForm | None]:
    """The record and cancel forms of a planned visit, the one the POST names bound."""
    if visit.status != VisitStatus.PLANNED:
        return None, None
    action = request.POST.get("action") if request.method == "POST" else None
    initial = {"version": visit.version, "inspected_on": timezone.localdate(), "inspectors": visit.inspectors}
    items = list(ChecklistItem.objects.filter(is_active=True))
    record = FindingsForm(request.POST if action == "record" else None, items=items, initial=initial)
    cancel = CancelForm(request.POST if action == "cancel" else None, initial={"version": visit.version})
    return record, cancel


def _act_on_visit(request: HttpRequest, visit: Visit, record: FindingsForm, cancel: CancelForm) -> bool:
    form: FindingsForm | CancelForm = cancel if request.POST.get("action") == "cancel" else record
    if not form.is_valid():
        return False
    data, user = form.cleaned_data, _user(request)
    try:
        if isinstance(form, CancelForm):
            services.cancel_visit(visit, note=data["note"], seen_version=data["version"], by=user)
        else:
            services.record_visit(
                visit,
                inspected_on=data["inspected_on"],
                inspectors=data["inspectors"],
                results=form.results(),
                summary=data["summary"],
                unreachable=data["unreachable"],
                seen_version=data["version"],
                by=user,
            )
    except DomainError as error:
        form.add_error(None, str(error))
        return False
    return True


@login_required
@permission_required(VIEW_VISIT, raise_exception=True)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visits(_user(request)).get_or_404(pk=pk)
    record, cancel = _visit_forms(request, visit)
    if request.method == "POST":
        if not request.user.has_perm(INSPECT):
            raise PermissionDenied
        if record is None or cancel is None:
            messages.error(request, _("This inspection is no longer planned; nothing was changed."))
            return redirect("supervision:visit-detail", pk=visit.pk)
        if _act_on_visit(request, visit, record, cancel):
            messages.success(request, _("The inspection record was saved."))
            return redirect("supervision:visit-detail", pk=visit.pk)
    context = {
        "visit": visit,
        "record": record,
        "cancel": cancel,
        "findings": visit.findings.select_related("item").order_by("item__position", "item__code"),
        "notices": visit.notices.all(),
        "events": _history("visit", visit.pk),
        "can_inspect": request.user.has_perm(INSPECT),
        "today": timezone.localdate(),
    }
    return render(request, "supervision/visit_detail.html", context)


@login_required
@permission_required(INSPECT, raise_exception=True)
def notice_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visits(_user(request)).get_or_404(pk=pk)
    problems = visit.findings.filter(result=FindingResult.PROBLEM).select_related("item")
    lines = [_("%(item)s: %(note)s") % {"item": f.item.name, "note": f.note} for f in problems]
    initial = {"requirements": "\n".join(lines), "deadline": default_deadline()}
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.issue_notice(visit, **form.cleaned_data, by=_user(request))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Rectification notice %(number)s was issued.") % {"number": notice.number}
            )
            return redirect("supervision:notice-detail", pk=notice.pk)
    return render(
        request, "supervision/notice_form.html", {"visit": visit, "form": form, "problems": problems}
    )


def _recheck(request: HttpRequest, notice: RectificationNotice, form: RecheckForm) -> bool:
    data = form.cleaned_data
    try:
        services.recheck_notice(
            notice,
            rectified=data["outcome"] == "rectified",
            rechecked_on=data["rechecked_on"],
            note=data["note"],
            seen_version=data["version"],
            by=_user(request),
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return False
    return True


@login_required
@permission_required(VIEW_NOTICE, raise_exception=True)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notices(_user(request)).get_or_404(pk=pk)
    today, is_open = timezone.localdate(), notice.status == NoticeStatus.OPEN
    initial = {"version": notice.version, "rechecked_on": today}
    form = RecheckForm(request.POST or None, initial=initial) if is_open else None
    if request.method == "POST":
        if not request.user.has_perm(INSPECT):
            raise PermissionDenied
        if form is None:
            messages.error(request, _("This notice was already re-checked; nothing was changed."))
            return redirect("supervision:notice-detail", pk=notice.pk)
        if form.is_valid() and _recheck(request, notice, form):
            messages.success(request, _("The re-check was recorded."))
            return redirect("supervision:notice-detail", pk=notice.pk)
    context = {
        "notice": notice,
        "form": form if request.user.has_perm(INSPECT) else None,
        "problems": notice.visit.findings.filter(result=FindingResult.PROBLEM).select_related("item"),
        "events": _history("rectificationnotice", notice.pk) if request.user.has_perm(VIEW_VISIT) else [],
        "overdue": is_open and notice.deadline < today,
        "can_visits": request.user.has_perm(VIEW_VISIT),
    }
    return render(request, "supervision/notice_detail.html", context)


@login_required
@permission_required(VIEW_NOTICE, raise_exception=True)
def notice_document(request: HttpRequest, pk: int) -> HttpResponse:
    notice = RectificationNotice.objects.visible_to(request.user).select_related("document").get_or_404(pk=pk)
    if notice.document is None:
        raise Http404
    document = notice.document
    return docx_response(f"{document.title}{document.number}.docx", bytes(document.content))


# The checklist


@login_required
@permission_required(services.EDIT_CHECKLIST, raise_exception=True)
def checklist(request: HttpRequest) -> HttpResponse:
    """The configurable checklist of on-site inspections: see it, add to it, edit it."""
    item = ChecklistItem.objects.filter(code=request.GET.get("edit", "")).first()
    initial = (
        {"code": item.code, "name": item.name, "position": item.position, "is_active": item.is_active}
        if item
        else None
    )
    form = ListEntryForm(request.POST or None, initial=initial)
    if item is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.save_checklist_item(**form.cleaned_data, by=_user(request))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The checklist was saved."))
            return redirect("supervision:checklist")
    context = {"items": ChecklistItem.objects.all(), "form": form, "item": item}
    return render(request, "supervision/checklist.html", context)
