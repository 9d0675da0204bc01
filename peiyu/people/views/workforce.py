"""Back-office pages for social workers, the expert pool and legal advisers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.lib.xlsx import workbook_bytes, xlsx_response
from peiyu.orgs.models import Organization
from peiyu.people.forms.workforce import (
    AdviserFilterForm,
    AdviserForm,
    AffiliationForm,
    AssignmentForm,
    AvailabilityForm,
    CommunityFilterForm,
    EndForm,
    ExpertFilterForm,
    ExpertForm,
    SocialWorkerFilterForm,
    SocialWorkerForm,
    TrainingForm,
    WorkLogForm,
    regions_in_scope,
    towns_in_scope,
)
from peiyu.people.models import (
    Affiliation,
    Assignment,
    Expert,
    LegalAdviser,
    SocialWorker,
    SocialWorkerQuerySet,
    WorkKind,
)
from peiyu.people.services import workforce as services
from peiyu.people.services.volunteers import reveal_identity
from peiyu.regions.models import Region

EXPORT_LIMIT = 50_000


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# Social workers


def _filtered_workers(request: HttpRequest, form: SocialWorkerFilterForm) -> SocialWorkerQuerySet:
    workers: SocialWorkerQuerySet = SocialWorker.objects.visible_to(request.user).for_listing()
    if not form.is_valid():
        return workers
    data = form.cleaned_data
    if data["q"]:
        text = data["q"].strip()
        workers = workers.filter(Q(name__contains=text) | Q(id_number=text.upper()))
    if data["level"] == "none":
        workers = workers.filter(level="")
    elif data["level"]:
        workers = workers.filter(level=data["level"])
    if data["region"]:
        workers = workers.in_region(data["region"])
    if data["employer"]:
        workers = workers.filter(employer_id=data["employer"])
    if data["status"]:
        workers = workers.filter(is_active=data["status"] == "active")
    return workers


def _worker_rows(workers: Any) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Name"),
        _("Sex"),
        _("Identity number"),
        _("Mobile phone"),
        _("Certification"),
        _("Certificate number"),
        _("Certified on"),
        _("Employer"),
        _("Town"),
        _("Community"),
        _("In service"),
    ]
    rows = [
        [
            w.name,
            w.get_sex_display(),
            w.masked_id_number,
            w.masked_phone,
            w.get_level_display(),
            w.certificate_number,
            w.certified_on,
            w.employer.name if w.employer else "",
            w.community.parent.name if w.community.parent else "",
            w.community.name,
            _("Yes") if w.is_active else _("No"),
        ]
        for w in workers
    ]
    return headers, rows


@login_required
@permission_required("people.view_socialworker", raise_exception=True)
def socialworker_list(request: HttpRequest) -> HttpResponse:
    visible = SocialWorker.objects.visible_to(request.user)
    employers = list(
        Organization.objects.filter(social_workers__in=visible)
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )
    form = SocialWorkerFilterForm(request.GET, regions=regions_in_scope(request.user), employers=employers)
    workers = _filtered_workers(request, form)
    if request.GET.get("format") == "xlsx":
        listed = list(workers[: EXPORT_LIMIT + 1])
        if len(listed) > EXPORT_LIMIT:
            messages.error(
                request,
                _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT},
            )
            return redirect("people:socialworker-list")
        headers, rows = _worker_rows(listed)
        return xlsx_response("社会工作者.xlsx", workbook_bytes(_("Social workers"), headers, rows))
    context = {"form": form, "page": paginate(request, workers), "query": query_without_page(request)}
    return render(request, "people/socialworker_list.html", context)


@login_required
@permission_required("people.add_socialworker", raise_exception=True)
def socialworker_create(request: HttpRequest) -> HttpResponse:
    form = SocialWorkerForm(request.POST or None, user=_user(request))
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.save_social_worker(instance=None, values=form.values(), by=_user(request))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": worker.name})
            return redirect("people:socialworker-detail", pk=worker.pk)
    return render(request, "people/socialworker_form.html", {"form": form, "worker": None})


@login_required
@permission_required("people.view_socialworker", raise_exception=True)
def socialworker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    worker = SocialWorker.objects.visible_to(request.user).for_listing().get_or_404(pk=pk)
    context = {
        "worker": worker,
        "trainings": worker.trainings.all(),
        "can_reveal": request.user.has_perm("people.reveal_identity"),
    }
    return render(request, "people/socialworker_detail.html", context)


@login_required
@permission_required("people.change_socialworker", raise_exception=True)
def socialworker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    worker = SocialWorker.objects.visible_to(request.user).for_listing().get_or_404(pk=pk)
    initial = {
        "name": worker.name,
        "level": worker.level,
        "certificate_number": worker.certificate_number,
        "certified_on": worker.certified_on,
        "employer": worker.employer,
        "community": worker.community_id,
        "is_active": worker.is_active,
    }
    form = SocialWorkerForm(request.POST or None, initial=initial, user=_user(request))
    form.hide_personal({"id_number": worker.masked_id_number, "phone": worker.masked_phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_social_worker(instance=worker, values=form.values(), by=_user(request))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The record was saved."))
            return redirect("people:socialworker-detail", pk=worker.pk)
    return render(request, "people/socialworker_form.html", {"form": form, "worker": worker})


@login_required
@require_POST
def socialworker_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    worker = SocialWorker.objects.visible_to(request.user).get_or_404(pk=pk)
    try:
        values = reveal_identity(worker, by=_user(request), remote_addr=request.META.get("REMOTE_ADDR"))
    except PermissionRefused as error:
        raise PermissionDenied(str(error)) from None
    return render(request, "people/partials/workforce_identity.html", {"worker": worker, "revealed": values})


@login_required
@permission_required("people.change_socialworker", raise_exception=True)
def training_create(request: HttpRequest, pk: int) -> HttpResponse:
    worker = SocialWorker.objects.visible_to(request.user).get_or_404(pk=pk)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_training(worker, by=_user(request), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The training was recorded."))
            return redirect("people:socialworker-detail", pk=worker.pk)
    context = {"form": form, "worker": worker, "title": _("Record a training")}
    return render(request, "people/socialworker_training.html", context)


def _community_rows(counts: list[services.CommunityCount]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Town"),
        _("Community"),
        _("Code"),
        _("Urban"),
        _("Social workers"),
        _("Target"),
        _("Below target"),
    ]
    rows = [
        [
            c.community.parent.name if c.community.parent else "",
            c.community.name,
            c.community.code,
            _("Yes") if c.is_urban else _("No"),
            c.workers,
            c.target,
            _("Yes") if c.below_target else _("No"),
        ]
        for c in counts
    ]
    return headers, rows


@login_required
@permission_required("people.view_socialworker", raise_exception=True)
def community_counts(request: HttpRequest) -> HttpResponse:
    """Social workers in service per community against the target (3 urban, 1 rural)."""
    form = CommunityFilterForm(request.GET, towns=towns_in_scope(request.user))
    communities: QuerySet[Region] = Region.objects.visible_to(request.user)
    below_only = False
    if form.is_valid():
        if form.cleaned_data["town"]:
            communities = communities.filter(parent_id=form.cleaned_data["town"])
        below_only = form.cleaned_data["below"]
    counts = services.community_counts(communities)
    summary = services.summarize(counts)
    shown = [c for c in counts if c.below_target] if below_only else counts
    if request.GET.get("format") == "xlsx":
        sheet = workbook_bytes(_("Social workers per community"), *_community_rows(shown))
        return xlsx_response("社区社工配备.xlsx", sheet)
    context = {"form": form, "counts": shown, "summary": summary, "query": query_without_page(request)}
    return render(request, "people/community_counts.html", context)


# The expert pool


@login_required
@permission_required("people.view_expert", raise_exception=True)
def expert_list(request: HttpRequest) -> HttpResponse:
    form = ExpertFilterForm(request.GET)
    experts = Expert.objects.visible_to(request.user).for_listing()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            text = data["q"].strip()
            experts = experts.filter(
                Q(name__contains=text) | Q(expertise__contains=text) | Q(employer__contains=text)
            )
        if data["field"]:
            experts = experts.filter(fields__code=data["field"])
        if data["available"]:
            experts = experts.filter(is_available=data["available"] == "yes")
    context = {"form": form, "page": paginate(request, experts), "query": query_without_page(request)}
    return render(request, "people/expert_list.html", context)


def _expert_context(request: HttpRequest, expert: Expert) -> dict[str, Any]:
    today = timezone.localdate()
    affiliations = expert.affiliations.select_related("organization")
    return {
        "expert": expert,
        "current": [a for a in affiliations if a.until is None or a.until >= today],
        "ended": [a for a in affiliations if a.until is not None and a.until < today],
        "engagements": expert.engagements.all(),
        "can_manage": services.can_manage_expert(expert, _user(request)),
        "today": today,
    }


@login_required
@permission_required("people.add_expert", raise_exception=True)
def expert_create(request: HttpRequest) -> HttpResponse:
    form = ExpertForm(request.POST or None, user=_user(request))
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.save_expert(
                instance=None,
                values=form.values(),
                fields=form.cleaned_data["fields_of_expertise"],
                by=_user(request),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was added to the expert pool.") % {"name": expert.name})
            return redirect("people:expert-detail", pk=expert.pk)
    return render(request, "people/expert_form.html", {"form": form, "expert": None})


@login_required
@permission_required("people.view_expert", raise_exception=True)
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expert = Expert.objects.visible_to(request.user).for_listing().get_or_404(pk=pk)
    return render(request, "people/expert_detail.html", _expert_context(request, expert))


@login_required
@permission_required("people.change_expert", raise_exception=True)
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    expert = Expert.objects.visible_to(request.user).for_listing().select_related("account").get_or_404(pk=pk)
    initial = {
        "name": expert.name,
        "title": expert.title,
        "employer": expert.employer,
        "fields_of_expertise": list(expert.fields.all()),
        "expertise": expert.expertise,
        "region": expert.region_id,
        "is_available": expert.is_available,
        "availability_note": expert.availability_note,
        "account": expert.account.username if expert.account else "",
    }
    form = ExpertForm(request.POST or None, initial=initial, user=_user(request))
    form.hide_personal({"phone": expert.masked_phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_expert(
                instance=expert,
                values=form.values(),
                fields=form.cleaned_data["fields_of_expertise"],
                by=_user(request),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The record was saved."))
            return redirect("people:expert-detail", pk=expert.pk)
    return render(request, "people/expert_form.html", {"form": form, "expert": expert})


@login_required
def expert_me(request: HttpRequest) -> HttpResponse:
    """An expert's own profile: availability and declared affiliations."""
    expert = Expert.objects.visible_to(request.user).for_listing().get_or_404(account=request.user)
    initial = {"is_available": expert.is_available, "note": expert.availability_note}
    form = AvailabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_expert_availability(
            expert,
            is_available=form.cleaned_data["is_available"],
            note=form.cleaned_data["note"],
            by=_user(request),
        )
        messages.success(request, _("Your availability was saved."))
        return redirect("people:expert-me")
    return render(request, "people/expert_me.html", {**_expert_context(request, expert), "form": form})


def _back_to(request: HttpRequest, expert: Expert) -> HttpResponse:
    if expert.account_id is not None and expert.account_id == request.user.pk:
        return redirect("people:expert-me")
    return redirect("people:expert-detail", pk=expert.pk)


@login_required
def affiliation_create(request: HttpRequest, pk: int) -> HttpResponse:
    expert = Expert.objects.visible_to(request.user).get_or_404(pk=pk)
    user = _user(request)
    if not services.can_manage_expert(expert, user):
        raise PermissionDenied
    own = expert.account_id == user.pk
    organizations = Organization.objects.public() if own else Organization.objects.visible_to(user)
    form = AffiliationForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_affiliation(expert, by=user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The affiliation was recorded; reviews of it will avoid this expert.")
            )
            return _back_to(request, expert)
    return render(request, "people/expert_affiliation.html", {"form": form, "expert": expert, "own": own})


@login_required
@require_POST
def affiliation_end(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Affiliation.objects.filter(expert__in=Expert.objects.visible_to(request.user))
    affiliation = get_object_or_404(visible.select_related("expert"), pk=pk)
    if not services.can_manage_expert(affiliation.expert, _user(request)):
        raise PermissionDenied
    form = EndForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Enter a valid end date."))
        services.end_affiliation(affiliation, until=form.day(), by=_user(request))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The affiliation was ended."))
    return _back_to(request, affiliation.expert)


# Legal advisers


def _current_assignments() -> Prefetch[Any]:
    today = timezone.localdate()
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).select_related(
            "organization", "village"
        ),
        to_attr="current_assignments",
    )


@login_required
@permission_required("people.view_legaladviser", raise_exception=True)
def adviser_list(request: HttpRequest) -> HttpResponse:
    form = AdviserFilterForm(request.GET)
    advisers = LegalAdviser.objects.visible_to(request.user).select_related("region")
    if form.is_valid():
        if form.cleaned_data["q"]:
            text = form.cleaned_data["q"].strip()
            advisers = advisers.filter(Q(name__contains=text) | Q(firm__contains=text))
        if form.cleaned_data["status"]:
            advisers = advisers.filter(is_active=form.cleaned_data["status"] == "active")
    page = paginate(request, advisers.prefetch_related(_current_assignments()))
    return render(
        request,
        "people/adviser_list.html",
        {"form": form, "page": page, "query": query_without_page(request)},
    )


@login_required
@permission_required("people.add_legaladviser", raise_exception=True)
def adviser_create(request: HttpRequest) -> HttpResponse:
    form = AdviserForm(request.POST or None, user=_user(request))
    if request.method == "POST" and form.is_valid():
        try:
            adviser = services.save_adviser(instance=None, values=form.values(), by=_user(request))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": adviser.name})
            return redirect("people:adviser-detail", pk=adviser.pk)
    return render(request, "people/adviser_form.html", {"form": form, "adviser": None})


@login_required
@permission_required("people.view_legaladviser", raise_exception=True)
def adviser_detail(request: HttpRequest, pk: int) -> HttpResponse:
    adviser = LegalAdviser.objects.visible_to(request.user).select_related("region").get_or_404(pk=pk)
    context = {
        "adviser": adviser,
        "assignments": adviser.assignments.select_related("organization", "village", "village__parent"),
        "work_logs": adviser.work_logs.select_related("assignment__organization", "assignment__village")[
            :100
        ],
        "today": timezone.localdate(),
    }
    return render(request, "people/adviser_detail.html", context)


@login_required
@permission_required("people.change_legaladviser", raise_exception=True)
def adviser_edit(request: HttpRequest, pk: int) -> HttpResponse:
    adviser = LegalAdviser.objects.visible_to(request.user).get_or_404(pk=pk)
    initial = {
        "name": adviser.name,
        "firm": adviser.firm,
        "license_number": adviser.license_number,
        "region": adviser.region_id,
        "is_active": adviser.is_active,
    }
    form = AdviserForm(request.POST or None, initial=initial, user=_user(request))
    form.hide_personal({"phone": adviser.masked_phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_adviser(instance=adviser, values=form.values(), by=_user(request))
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The record was saved."))
            return redirect("people:adviser-detail", pk=adviser.pk)
    return render(request, "people/adviser_form.html", {"form": form, "adviser": adviser})


@login_required
@permission_required("people.change_legaladviser", raise_exception=True)
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    adviser = LegalAdviser.objects.visible_to(request.user).get_or_404(pk=pk)
    form = AssignmentForm(
        request.POST or None, user=_user(request), initial={"starts_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_adviser(
                adviser, starts_on=form.cleaned_data["starts_on"], by=_user(request), **form.target()
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The assignment was recorded."))
            return redirect("people:adviser-detail", pk=adviser.pk)
    context = {"form": form, "adviser": adviser, "title": _("Assign")}
    return render(request, "people/adviser_subform.html", context)


@login_required
@permission_required("people.change_legaladviser", raise_exception=True)
@require_POST
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Assignment.objects.filter(adviser__in=LegalAdviser.objects.visible_to(request.user))
    assignment = get_object_or_404(visible, pk=pk)
    form = EndForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Enter a valid end date."))
        services.end_assignment(assignment, ends_on=form.day(), by=_user(request))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The assignment was ended."))
    return redirect("people:adviser-detail", pk=assignment.adviser_id)


@login_required
@permission_required("people.add_worklog", raise_exception=True)
def worklog_create(request: HttpRequest, pk: int) -> HttpResponse:
    adviser = LegalAdviser.objects.visible_to(request.user).get_or_404(pk=pk)
    assignments = adviser.assignments.select_related("organization", "village")
    form = WorkLogForm(
        request.POST or None, assignments=assignments, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.log_work(adviser, by=_user(request), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The work was logged."))
            return redirect("people:adviser-detail", pk=adviser.pk)
    context = {"form": form, "adviser": adviser, "title": _("Log work")}
    return render(request, "people/adviser_subform.html", context)


def _totals_rows(totals: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    headers = [_("Legal adviser"), _("Law firm")]
    for label in WorkKind.labels:
        headers += [f"{label} · {_('entries')}", f"{label} · {_('hours')}"]
    rows = []
    for row in totals:
        cells = [row["adviser"].name, row["adviser"].firm]
        for kind in WorkKind.values:
            cells += [row["by_kind"][kind]["count"], row["by_kind"][kind]["hours"]]
        rows.append([*cells, row["count"], row["hours"]])
    return [*headers, _("Entries"), _("Hours")], rows


def _year(request: HttpRequest) -> int:
    this_year = timezone.localdate().year
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() else this_year
    return year if 2000 <= year <= this_year + 1 else this_year


@login_required
@permission_required("people.view_legaladviser", raise_exception=True)
def adviser_totals(request: HttpRequest) -> HttpResponse:
    """Each adviser's work in a year by kind, for subsidies."""
    year = _year(request)
    totals = services.adviser_totals(LegalAdviser.objects.visible_to(request.user), year)
    if request.GET.get("format") == "xlsx":
        headers, rows = _totals_rows(totals)
        return xlsx_response(f"法律顾问工作量{year}.xlsx", workbook_bytes(str(year), headers, rows))
    this_year = timezone.localdate().year
    years = sorted({*range(this_year - 9, this_year + 1), year}, reverse=True)
    context = {"year": year, "years": years, "totals": totals, "kinds": WorkKind.choices}
    return render(request, "people/adviser_totals.html", context)
