"""Back-office pages of people's mediation (人民调解): the case list with its filters and Excel
export, registering a case with its parties, a case's page (every part of the case file in
order, the steps open for its status, the per-case subsidy, the ratings, the QR code and the
history), each step of a mediation, the Word case file (人民调解卷宗), the figures of a region
by period and by child region, and the mediators.

Staff see the cases and mediators of their region's subtree; anything outside answers 404.
Parties' phones and identity numbers are shown masked on every page and in the case file."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from peiyu.accounts.models import User
from peiyu.activities import docx, options, todos
from peiyu.activities.figures import figures_by_child, month_span, period_figures
from peiyu.activities.forms.mediation import (
    FIRST_PARTIES,
    AgreementEntryForm,
    CaseFilterForm,
    CaseForm,
    ConfirmationForm,
    FailForm,
    FiguresForm,
    FollowUpForm,
    MediatorFilterForm,
    MediatorForm,
    PartyFormSet,
    SessionForm,
    StartForm,
    committee_of,
)
from peiyu.activities.models import (
    ActivityEvent,
    AgreementForm,
    CaseQuerySet,
    CaseStatus,
    MediationCase,
    Mediator,
    Party,
    Rating,
)
from peiyu.activities.services import mediation as services
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.core.options import value_of
from peiyu.core.paging import paginate, query_without_page
from peiyu.funding.models import CaseSubsidy
from peiyu.lib.docx import docx_response
from peiyu.lib.masking import mask_id_card
from peiyu.lib.qr import svg_response
from peiyu.lib.xlsx import Sheet, sheets_bytes, xlsx_response
from peiyu.orgs.forms import region_choices
from peiyu.orgs.models import Organization, Status
from peiyu.regions.models import Level, Region

VIEW = "activities.view_mediationcase"
ADD = services.ADD
CHANGE = services.CHANGE
VIEW_MEDIATOR = "activities.view_mediator"
ADD_MEDIATOR = "activities.add_mediator"
CHANGE_MEDIATOR = "activities.change_mediator"
VIEW_SUBSIDY = "funding.view_casesubsidy"
EXPORT_LIMIT = 20_000
EVENT_LABELS: dict[str, StrOrPromise] = {
    "registered": gettext_lazy("Registered"),
    "mediating": gettext_lazy("Mediation started"),
    "session": gettext_lazy("Mediation record written"),
    "succeeded": gettext_lazy("Agreement reached"),
    "failed": gettext_lazy("Ended without agreement"),
    "follow_up": gettext_lazy("Follow-up visit"),
    "confirmation": gettext_lazy("Judicial confirmation recorded"),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _towns(user: User) -> list[tuple[str, str]]:
    towns = Region.objects.visible_to(user).filter(level=Level.TOWN).order_by("code")
    return list(towns.values_list("code", "name"))


def _place(region: Region) -> str:
    """A village with its town in front, as the region choices show it."""
    if region.level == Level.VILLAGE and region.parent is not None:
        return f"{region.parent.name}·{region.name}"
    return region.name


# The list and its export ------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[CaseFilterForm, dict[str, Any]]:
    user = _user(request)
    # This year is always a choice: the figures page links here with it, cases or not.
    found = MediationCase.objects.visible_to(user).dates("registered_on", "year")
    years = sorted({timezone.localdate().year, *(d.year for d in found)}, reverse=True)
    form = CaseFilterForm(request.GET or None, years=years, towns=_towns(user))
    return form, form.cleaned() if form.is_bound else {}


def _matching(user: User, data: dict[str, Any], *, status: bool = True) -> CaseQuerySet:
    cases: CaseQuerySet = MediationCase.objects.visible_to(user)
    if status and data.get("status"):
        cases = cases.filter(status=data["status"])
    if data.get("dispute_type"):
        cases = cases.filter(dispute_type=data["dispute_type"])
    if data.get("town"):
        cases = cases.in_region(data["town"])
    year, month = data.get("year"), data.get("month")
    if year:
        # A range of days, which the (region, day) index answers.
        cases = cases.filter(registered_on__range=_period(year, month))
    elif month:
        cases = cases.filter(registered_on__month=month)
    if data.get("due") == "overdue":
        cases = todos.overdue_cases(cases, user.region_id or "")
    elif data.get("due") == "follow_up":
        cases = todos.follow_ups_due(cases)
    if text := (data.get("q") or "").strip():
        named = Party.objects.filter(name__icontains=text).values("case_id")
        cases = cases.filter(Q(number__icontains=text) | Q(summary__icontains=text) | Q(pk__in=named))
    return cases


def _listing(cases: CaseQuerySet) -> CaseQuerySet:
    return (
        cases.select_related("region__parent", "organization")
        .prefetch_related("parties", "mediators")
        .order_by("-registered_on", "-id")
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def case_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    form, data = _filters(request)
    context = {
        "form": form,
        "filtered": any(data.values()),
        "page": paginate(request, _listing(_matching(_user(request), data))),
        "query": query_without_page(request),
    }
    return render(request, "activities/case_list.html", context)


def _figure_values(row: dict[str, Any]) -> list[Any]:
    return [
        row["registered"],
        row["handled"],
        row["succeeded"],
        row["handled_rate"],
        row["success_rate"],
        row["performed"],
        row["confirmed"],
        row["amount"],
    ]


def _figure_headers() -> list[str]:
    return [
        _("Cases registered"),
        _("Cases handled"),
        _("Cases succeeded"),
        _("Handled rate (%)"),
        _("Success rate (%)"),
        _("Agreements performed"),
        _("Judicially confirmed"),
        _("Amount involved (yuan)"),
    ]


def _case_row(case: MediationCase) -> list[Any]:
    parties = list(case.parties.all())
    return [
        case.number,
        case.registered_on,
        _place(case.region),
        case.committee,
        case.organization.name if case.organization else "",
        case.get_dispute_type_display(),
        case.get_source_display(),
        "、".join(p.name for p in parties),
        "、".join(m.name for m in case.mediators.all()),
        case.get_status_display(),
        case.get_agreement_form_display(),
        case.agreed_on,
        case.amount,
        case.get_performance_display() if case.status == CaseStatus.SUCCEEDED else "",
        case.confirmed_on,
        case.closed_on,
    ]


@login_required
@permission_required(VIEW, raise_exception=True)
def case_export(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The filtered cases, and a second sheet with their figures by town (the status filter
    is left out of the figures: rates are over every case registered)."""
    _form, data = _filters(request)
    user = _user(request)
    records = list(_listing(_matching(user, data))[: EXPORT_LIMIT + 1])
    if len(records) > EXPORT_LIMIT:
        messages.error(
            request, _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT}
        )
        params = request.GET.copy()
        return redirect(f"{reverse('activities:case-list')}?{params.urlencode()}")
    headers = [
        _("Case number"),
        _("Registered on"),
        _("Region"),
        _("Mediation committee"),
        _("Organization"),
        _("Type of dispute"),
        _("Source"),
        _("Parties"),
        _("Mediators"),
        _("Status"),
        _("Form of the agreement"),
        _("Agreement took effect on"),
        _("Amount involved (yuan)"),
        _("Performance"),
        _("Confirmed on"),
        _("Closed on"),
    ]
    matching = _matching(user, data, status=False)
    by_town = matching.figures_by(9)
    names = dict(Region.objects.filter(code__in=list(by_town)).values_list("code", "name"))
    towns = [[names.get(code, code), *_figure_values(row)] for code, row in sorted(by_town.items())]
    towns.append([_("Total"), *_figure_values(matching.figures())])
    sheets: list[Sheet] = [
        (_("Mediation cases"), headers, [_case_row(case) for case in records]),
        (_("Figures by town"), [_("Town"), *_figure_headers()], towns),
    ]
    return xlsx_response(_("mediation-cases") + ".xlsx", sheets_bytes(sheets))


# Registering a case -----------------------------------------------------------------------------


def _county_organizations(user: User) -> QuerySet[Organization]:
    """The registry's active organizations of the user's county, whose mediators may handle a case."""
    active = Organization.objects.filter(status=Status.ACTIVE)
    return active.in_region(user.region_id[:6]) if user.region_id else active


@login_required
@permission_required(ADD, raise_exception=True)
def case_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    user = _user(request)
    scope = Region.objects.visible_to(user).filter(level__in=[Level.TOWN, Level.VILLAGE])
    regions = region_choices(scope)
    names = dict(scope.values_list("code", "name"))
    initial: dict[str, Any] = {}
    if user.region_id in regions:
        initial = {"region": user.region_id, "committee": committee_of(names[user.region_id])}
    form = CaseForm(
        request.POST or None,
        regions=regions,
        names=names,
        organizations=_county_organizations(user),
        initial=initial,
    )
    parties = PartyFormSet(request.POST or None, prefix="parties", initial=FIRST_PARTIES)
    if request.method == "POST" and all([form.is_valid(), parties.is_valid()]):
        data = form.cleaned_data
        try:
            case = services.register_case(
                region=Region.objects.get(code=data["region"]),
                committee=data["committee"],
                organization=data["organization"],
                dispute_type=data["dispute_type"],
                source=data["source"],
                summary=data["summary"],
                claims=data["claims"],
                registered_on=data["registered_on"],
                parties=parties.values(),
                by=user,
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Case %(number)s was registered.") % {"number": case.number})
            return redirect("activities:case-detail", pk=case.pk)
    # The rows past the first two stay folded unless something was typed in them.
    more = parties.is_bound and any(party.has_changed() for party in parties.forms[2:])
    context = {"form": form, "parties": parties, "more_parties": more}
    return render(request, "activities/case_form.html", context)


# A case's page ----------------------------------------------------------------------------------


def _case(request: HttpRequest, pk: int) -> MediationCase:
    found: MediationCase = (
        MediationCase.objects.visible_to(request.user)
        .select_related("region__parent", "organization", "recorded_by")
        .get_or_404(pk=pk)
    )
    return found


@dataclass(frozen=True)
class PartyRow:
    """A party as the pages show it: phone and identity number masked."""

    role: str
    name: str
    sex: str
    ethnicity: str
    age: int | None
    occupation: str
    phone: str
    id_number: str
    address: str


def party_rows(case: MediationCase) -> list[PartyRow]:
    return [
        PartyRow(
            role=p.get_role_display(),
            name=p.name,
            sex=p.sex,
            ethnicity=p.ethnicity,
            age=p.age,
            occupation=p.occupation,
            phone=p.masked_phone,
            id_number=mask_id_card(p.id_number) if p.id_number else "",
            address=p.address,
        )
        for p in docx.ordered_parties(case)
    ]


def _history(case: MediationCase) -> list[tuple[ActivityEvent, str]]:
    events = ActivityEvent.objects.filter(
        subject=MediationCase._meta.model_name, subject_id=case.pk
    ).select_related("actor")
    return [(e, str(EVENT_LABELS.get(e.action, e.action))) for e in events]


def _mediators_for(case: MediationCase) -> QuerySet[Mediator]:
    """The active mediators of the case's county (the service accepts no others)."""
    return Mediator.objects.in_region(case.region_id[:6]).filter(is_active=True).order_by("region", "name")


def _rate_link(request: HttpRequest, case: MediationCase) -> str:
    return request.build_absolute_uri(reverse("portal:rate", args=[case.feedback_token]))


# The steps of a mediation: what each form is, what it calls and what it says when done.


def _start_form(case: MediationCase, data: QueryDict | None) -> forms.Form:
    return StartForm(data, mediators=_mediators_for(case))


def _start(case: MediationCase, data: dict[str, Any], by: User) -> object:
    return services.start_mediation(case, mediators=data["mediators"], by=by)


def _session_form(case: MediationCase, data: QueryDict | None) -> forms.Form:
    present = [p.name for p in case.parties.all()] + [m.name for m in case.mediators.all()]
    initial = {
        "held_at": timezone.localtime().replace(second=0, microsecond=0),
        "participants": "、".join(present),
    }
    return SessionForm(data, initial=initial)


def _session(case: MediationCase, data: dict[str, Any], by: User) -> object:
    return services.record_session(
        case,
        held_at=data["held_at"],
        place=data["place"],
        participants=data["participants"],
        record=data["record"],
        result=data["result"],
        by=by,
    )


def _agreement(case: MediationCase, data: dict[str, Any], by: User) -> object:
    return services.conclude_agreement(
        case,
        form=data["form"],
        terms=data["terms"],
        agreed_on=data["agreed_on"],
        performance_method=data["performance_method"],
        performance_due=data["performance_due"],
        amount=data["amount"],
        by=by,
    )


def _fail(case: MediationCase, data: dict[str, Any], by: User) -> object:
    return services.end_without_agreement(
        case,
        reason=data["reason"],
        routes_told=data["routes_told"],
        on=data["on"],
        seen_version=data["seen_version"],
        by=by,
    )


def _follow_up_form(case: MediationCase, data: QueryDict | None) -> forms.Form:
    first = case.mediators.first()
    return FollowUpForm(data, initial={"visitor": first.name if first else ""})


def _follow_up(case: MediationCase, data: dict[str, Any], by: User) -> object:
    return services.record_follow_up(
        case,
        visited_on=data["visited_on"],
        visitor=data["visitor"],
        performance=data["performance"],
        satisfied=data["satisfied"],
        note=data["note"],
        by=by,
    )


def _confirmation_form(case: MediationCase, data: QueryDict | None) -> forms.Form:
    initial = {
        "seen_version": case.version,
        "applied_on": case.confirmation_applied_on or timezone.localdate(),
        "court": case.confirmation_court,
        "confirmed_on": case.confirmed_on,
    }
    return ConfirmationForm(data, initial=initial)


def _confirmation(case: MediationCase, data: dict[str, Any], by: User) -> object:
    return services.record_confirmation(
        case,
        applied_on=data["applied_on"],
        court=data["court"],
        confirmed_on=data["confirmed_on"],
        seen_version=data["seen_version"],
        by=by,
    )


@dataclass(frozen=True)
class Step:
    name: str
    title: StrOrPromise
    help: StrOrPromise
    form: Callable[[MediationCase, QueryDict | None], forms.Form]
    perform: Callable[[MediationCase, dict[str, Any], User], object]
    done: StrOrPromise
    statuses: tuple[str, ...]
    url: str
    confirm: StrOrPromise = ""


STEPS = {
    step.name: step
    for step in (
        Step(
            "start",
            gettext_lazy("Start the mediation"),
            gettext_lazy("Assign the mediators, from the active mediators of the county."),
            _start_form,
            _start,
            gettext_lazy("The mediation has started."),
            (CaseStatus.REGISTERED,),
            "activities:case-start",
        ),
        Step(
            "session",
            gettext_lazy("Write a mediation record"),
            gettext_lazy("Each session of the mediation is recorded (Art. 27)."),
            _session_form,
            _session,
            gettext_lazy("The mediation record was saved."),
            (CaseStatus.MEDIATING,),
            "activities:case-session",
        ),
        Step(
            "agreement",
            gettext_lazy("Conclude the agreement"),
            gettext_lazy(
                "A written agreement (人民调解协议书) is signed by the parties and the mediator and sealed "
                "by the committee; an oral agreement is recorded by the mediator and takes effect when "
                "reached (Art. 28–30). State how and by when it is performed."
            ),
            lambda case, data: AgreementEntryForm(data),
            _agreement,
            gettext_lazy("The agreement was recorded; the case is closed as successful."),
            (CaseStatus.MEDIATING,),
            "activities:case-agreement",
            gettext_lazy("Record the agreement and close the case as successful?"),
        ),
        Step(
            "fail",
            gettext_lazy("End without agreement"),
            gettext_lazy(
                "When a party refuses mediation or no agreement can be reached, the mediation ends and "
                "the parties are told of arbitration, administrative or judicial routes (Art. 26)."
            ),
            lambda case, data: FailForm(data, initial={"seen_version": case.version}),
            _fail,
            gettext_lazy("The mediation ended without agreement; the case is closed."),
            (CaseStatus.REGISTERED, CaseStatus.MEDIATING),
            "activities:case-fail",
            gettext_lazy("End the mediation without agreement? The case is closed and cannot be reopened."),
        ),
        Step(
            "follow_up",
            gettext_lazy("Record a follow-up visit"),
            gettext_lazy("The committee supervises the agreement's performance (Art. 31)."),
            _follow_up_form,
            _follow_up,
            gettext_lazy("The follow-up visit was recorded."),
            (CaseStatus.SUCCEEDED,),
            "activities:case-follow-up",
        ),
        Step(
            "confirmation",
            gettext_lazy("Judicial confirmation"),
            gettext_lazy(
                "The parties apply jointly to the court within the set days of the written agreement "
                "taking effect (Art. 33); once confirmed, it is enforceable."
            ),
            _confirmation_form,
            _confirmation,
            gettext_lazy("The judicial confirmation was recorded."),
            (CaseStatus.SUCCEEDED,),
            "activities:case-confirmation",
        ),
    )
}


def _open_steps(case: MediationCase, user: User) -> list[Step]:
    """The steps the user may take on the case in its status (the services decide again)."""
    if not user.has_perm(CHANGE):
        return []
    steps = [step for step in STEPS.values() if case.status in step.statuses]
    if case.agreement_form != AgreementForm.WRITTEN or case.confirmed_on:
        steps = [step for step in steps if step.name != "confirmation"]
    return steps


def _take(request: HttpRequest, pk: int, step: Step) -> HttpResponse:
    """A step's page: its form, and on a valid post the service call; a refusal the user can act
    on is shown on the form, a move the case's status does not allow goes back to the case."""
    case, user = _case(request, pk), _user(request)
    if request.method != "POST" and step not in _open_steps(case, user):
        messages.info(
            request,
            _("This step is not open for a case that is “%(status)s”.")
            % {"status": case.get_status_display()},
        )
        return redirect("activities:case-detail", pk=case.pk)
    form = step.form(case, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            step.perform(case, form.cleaned_data, user)
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except TransitionError:
            messages.error(
                request,
                _("This step is not open for a case that is “%(status)s”.")
                % {"status": case.get_status_display()},
            )
            return redirect("activities:case-detail", pk=case.pk)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, str(step.done))
            return redirect("activities:case-detail", pk=case.pk)
    context = {"case": case, "step": step, "form": form, **_deadline(case)}
    return render(request, "activities/case_action.html", context)


def _mediation_due(case: MediationCase) -> datetime.date | None:
    """While open, the day the mediation should be concluded by (a local setting, 30 days)."""
    if case.status not in (CaseStatus.REGISTERED, CaseStatus.MEDIATING):
        return None
    return case.registered_on + datetime.timedelta(
        days=int(value_of(options.MEDIATION_DAYS.key, case.region_id))
    )


def _deadline(case: MediationCase) -> dict[str, Any]:
    deadline = services.confirmation_deadline(case)
    days_left = (deadline - timezone.localdate()).days if deadline else None
    return {"deadline": deadline, "days_left": days_left}


@login_required
@permission_required(VIEW, raise_exception=True)
def case_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    case, user = _case(request, pk), _user(request)
    subsidy = None
    if user.has_perm(VIEW_SUBSIDY):
        subsidy = CaseSubsidy.objects.visible_to(user).filter(case_reference=case.number).first()
    context = {
        "case": case,
        "parties": party_rows(case),
        "mediators": list(case.mediators.all()),
        "sessions": list(case.sessions.select_related("recorded_by")),
        "follow_ups": list(case.follow_ups.select_related("recorded_by")),
        "steps": [(step, step.form(case, None)) for step in _open_steps(case, user)],
        "subsidy": subsidy,
        "ratings": Rating.objects.filter(case=case).aggregate(count=Count("id"), average=Avg("rating")),
        "link": _rate_link(request, case),
        "events": _history(case),
        "mediation_due": _mediation_due(case),
        "today": timezone.localdate(),
        **_deadline(case),
    }
    return render(request, "activities/case_detail.html", context)


@login_required
@permission_required(CHANGE, raise_exception=True)
def case_start(request: HttpRequest, pk: int = 0) -> HttpResponse:
    return _take(request, pk, STEPS["start"])


@login_required
@permission_required(CHANGE, raise_exception=True)
def case_session(request: HttpRequest, pk: int = 0) -> HttpResponse:
    return _take(request, pk, STEPS["session"])


@login_required
@permission_required(CHANGE, raise_exception=True)
def case_agreement(request: HttpRequest, pk: int = 0) -> HttpResponse:
    return _take(request, pk, STEPS["agreement"])


@login_required
@permission_required(CHANGE, raise_exception=True)
def case_fail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    return _take(request, pk, STEPS["fail"])


@login_required
@permission_required(CHANGE, raise_exception=True)
def case_follow_up(request: HttpRequest, pk: int = 0) -> HttpResponse:
    return _take(request, pk, STEPS["follow_up"])


@login_required
@permission_required(CHANGE, raise_exception=True)
def case_confirmation(request: HttpRequest, pk: int = 0) -> HttpResponse:
    return _take(request, pk, STEPS["confirmation"])


@login_required
@permission_required(VIEW, raise_exception=True)
def case_file(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The case file (人民调解卷宗) in Word, parties' personal data masked."""
    case = _case(request, pk)
    return docx_response(f"人民调解卷宗{case.number}.docx", docx.case_file_document(case))


@login_required
@permission_required(VIEW, raise_exception=True)
def case_qr(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The QR code of the case's satisfaction form on the portal, as SVG."""
    case = _case(request, pk)
    return svg_response(_rate_link(request, case))


# Figures ----------------------------------------------------------------------------------------


def _figure_regions(user: User) -> list[tuple[str, str]]:
    """The regions whose figures the user may read: their own, and the towns of a county."""
    rows = list(
        Region.objects.visible_to(user)
        .filter(level__in=[Level.COUNTY, Level.TOWN])
        .order_by("code")
        .values_list("code", "name", "level")
    )
    indent = any(level == Level.COUNTY for _code, _name, level in rows)
    found = [(code, f"· {name}" if indent and level == Level.TOWN else name) for code, name, level in rows]
    if user.region is not None and user.region_id not in {code for code, _name in found}:
        found.insert(0, (user.region.code, user.region.name))
    return found


def _period(year: int, month: int | None) -> tuple[datetime.date, datetime.date]:
    if month:
        return month_span(year, month)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _child_rows(code: str, by_child: dict[str, dict[str, Any]]) -> list[tuple[Region, dict[str, Any]]]:
    """Every child region (with zeros when it has no case) and any other place with cases (the
    region's own committee), by code."""
    empty: dict[str, Any] = dict.fromkeys(("registered", "handled", "succeeded", "performed", "confirmed"), 0)
    empty.update(amount=Decimal(0), handled_rate=None, success_rate=None)
    places = Region.objects.filter(Q(parent_id=code) | Q(code__in=list(by_child))).order_by("code")
    return [(place, by_child.get(place.code, empty)) for place in places]


@login_required
@permission_required(VIEW, raise_exception=True)
def case_figures(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The mediation and activity figures of a region for a year or a month, with a row per
    town (of a county) or village (of a town) and the seeds' targets beside the rates."""
    user = _user(request)
    regions = _figure_regions(user)
    today = timezone.localdate()
    years = sorted(
        {
            today.year,
            *(d.year for d in MediationCase.objects.visible_to(user).dates("registered_on", "year")),
        },
        reverse=True,
    )
    form = FiguresForm(request.GET or None, regions=regions, years=years)
    data = form.cleaned() if form.is_bound else {}
    if not regions:
        raise PermissionDenied(_("Your account is bound to no region."))
    code, year, month = data.get("region") or regions[0][0], data.get("year") or today.year, data.get("month")
    start, end = _period(year, month)
    region = Region.objects.get(code=code)
    context = {
        "form": form,
        "region": region,
        "year": year,
        "month": month,
        "start": start,
        "end": end,
        "totals": period_figures(code, start, end),
        "rows": _child_rows(code, figures_by_child(code, start, end)),
        "handled_target": Decimal(value_of(options.HANDLED_TARGET.key, code)),
        "success_target": Decimal(value_of(options.SUCCESS_TARGET.key, code)),
        "export": _export_query(region, year, month),
    }
    return render(request, "activities/figures.html", context)


def _export_query(region: Region, year: int, month: int | None) -> str:
    """The case list's filters for the cases the figures count (the export's own figures then
    agree with the page's)."""
    params = QueryDict(mutable=True)
    params["year"] = str(year)
    if month:
        params["month"] = str(month)
    if region.level == Level.TOWN:
        params["town"] = region.code
    return params.urlencode()


# Mediators --------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW_MEDIATOR, raise_exception=True)
def mediator_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    user = _user(request)
    form = MediatorFilterForm(request.GET or None, towns=_towns(user))
    data = form.cleaned() if form.is_bound else {}
    mediators = Mediator.objects.visible_to(user)
    if text := (data.get("q") or "").strip():
        mediators = mediators.filter(Q(name__icontains=text) | Q(committee__icontains=text))
    if data.get("active"):
        mediators = mediators.filter(is_active=data["active"] == "yes")
    if data.get("town"):
        mediators = mediators.in_region(data["town"])
    rows = (
        mediators.select_related("region__parent")
        .annotate(case_count=Count("cases"))
        .order_by("region", "name")
    )
    context = {
        "form": form,
        "filtered": any(data.values()),
        "page": paginate(request, rows),
        "query": query_without_page(request),
    }
    return render(request, "activities/mediator_list.html", context)


def _save_mediator(request: HttpRequest, mediator: Mediator | None) -> HttpResponse:
    user = _user(request)
    regions = region_choices(Region.objects.visible_to(user))
    initial = {"region": user.region_id} if user.region_id in regions else {}
    form = MediatorForm(request.POST or None, regions=regions, mediator=mediator, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_mediator(
                region=Region.objects.get(code=data["region"]),
                name=data["name"],
                committee=data["committee"],
                phone=form.phone_value(),
                is_full_time=data["is_full_time"],
                is_active=data["is_active"],
                mediator=mediator,
                seen_version=data["seen_version"],
                by=user,
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Mediator %(name)s was saved.") % {"name": saved.name})
            return redirect("activities:mediator-list")
    return render(request, "activities/mediator_form.html", {"form": form, "mediator": mediator})


@login_required
@permission_required(ADD_MEDIATOR, raise_exception=True)
def mediator_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    return _save_mediator(request, None)


@login_required
@permission_required(CHANGE_MEDIATOR, raise_exception=True)
def mediator_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    mediator: Mediator = Mediator.objects.visible_to(request.user).get_or_404(pk=pk)
    return _save_mediator(request, mediator)
