"""Back-office pages of needs (群众需求): the list with its filters and export, a need entered by
staff, a need's page with its possible duplicates, history and the office's decision and merge,
and the coverage view of needs by place and field against the organizations active there."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.funding.coverage import Coverage, coverage
from peiyu.funding.forms.needs import CoverageForm, DecideForm, MergeForm, NeedFilterForm, NeedForm
from peiyu.funding.models import NEED_TRANSITIONS, CatalogItem, FundingEvent, Need, NeedSource, NeedStatus
from peiyu.funding.services import needs as services
from peiyu.lib.xlsx import Sheet, sheets_bytes, xlsx_response
from peiyu.regions.models import Level, Region

VIEW = "funding.view_need"
ADD = "funding.add_need"
CHANGE = "funding.change_need"
EXPORT_LIMIT = 20_000
EVENT_LABELS = {
    "submitted": gettext_lazy("Submitted"),
    "merged_in": gettext_lazy("A duplicate was merged in"),
    **dict(NeedStatus.choices),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _need(request: HttpRequest, pk: int) -> Need:
    needs = Need.objects.visible_to(request.user).select_related(
        "field", "target_group", "region", "region__parent", "merged_into", "submitted_by"
    )
    need: Need = needs.get_or_404(pk=pk)
    return need


def _towns(user: User) -> list[tuple[str, str]]:
    return list(Region.objects.visible_to(user).filter(level=Level.TOWN).values_list("code", "name"))


def _place(need: Need) -> tuple[str, str]:
    """The town and the village of a need (a need of a whole town has no village)."""
    region = need.region
    if region.level == Level.TOWN:
        return region.name, ""
    return (region.parent.name if region.parent else ""), region.name


def _export(rows: list[Need]) -> HttpResponse:
    headers = [
        _("Reference number"),
        _("Submitted at"),
        _("Need"),
        _("Description"),
        _("Field"),
        _("Who needs it"),
        _("Town"),
        _("Village or community"),
        _("Source"),
        _("Raised by"),
        _("Contact phone"),
        _("Residents raising it"),
        _("Status"),
        _("Merged into"),
        _("Answer"),
        pgettext("need", "Answered on"),
    ]
    values = (
        (
            n.reference,
            n.created_at,
            n.title,
            n.description,
            n.field.name,
            n.target_group.name if n.target_group else "",
            *_place(n),
            n.get_source_display(),
            n.submitter_name,
            n.masked_contact,
            n.supporters,
            n.get_status_display(),
            n.merged_into.reference if n.merged_into else "",
            n.answer,
            n.answered_on,
        )
        for n in rows
    )
    sheets: list[Sheet] = [(_("Needs"), headers, values)]
    return xlsx_response("群众需求.xlsx", sheets_bytes(sheets))


@login_required
@permission_required(VIEW, raise_exception=True)
def need_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visible = Need.objects.visible_to(user)
    form = NeedFilterForm(request.GET, towns=_towns(user), years=visible.years())
    rows = form.filter(visible).select_related(
        "field", "target_group", "region", "region__parent", "merged_into"
    )
    if request.GET.get("format") == "xlsx":
        listed = list(rows[: EXPORT_LIMIT + 1])
        if len(listed) > EXPORT_LIMIT:
            messages.error(
                request,
                _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT},
            )
            return redirect("funding:need-list")
        return _export(listed)
    context = {
        "form": form,
        "page": paginate(request, rows),
        "query": query_without_page(request),
        "filtering": form.filtering,
    }
    return render(request, "funding/need_list.html", context)


@login_required
@permission_required(ADD, raise_exception=True)
def need_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial = {"region": user.region_id} if user.region and user.region.level == Level.VILLAGE else {}
    form = NeedForm(request.POST or None, regions=Region.objects.visible_to(user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = user.region is not None and user.region.level == Level.VILLAGE
        try:
            need = services.submit_need(
                title=data["title"],
                description=data["description"],
                field=data["field"],
                target_group=data["target_group"],
                region=form.place(),
                source=NeedSource.VILLAGE if village else NeedSource.STAFF,
                submitter_name=data["submitter_name"],
                contact=data["contact"],
                by=user,
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The need was recorded as %(reference)s.") % {"reference": need.reference}
            )
            return redirect("funding:need-detail", pk=need.pk)
    return render(request, "funding/need_form.html", {"form": form})


def _allowed(need: Need) -> list[str]:
    moves = NEED_TRANSITIONS.get(need.status, set())
    return [action for action, to in services.ACTIONS.items() if to in moves]


def _history(subject: str, pk: int, labels: dict[str, Any]) -> list[tuple[FundingEvent, str]]:
    events = FundingEvent.objects.filter(subject=subject, subject_id=pk).select_related("actor")
    return [(e, str(labels.get(e.action, e.action))) for e in events]


def _detail(
    request: HttpRequest, need: Need, decide: DecideForm | None = None, merge: MergeForm | None = None
) -> HttpResponse:
    user = _user(request)
    allowed = _allowed(need)
    may_change = user.has_perm(CHANGE)
    if may_change and allowed and decide is None:
        decide = DecideForm(allowed=allowed, initial={"version": need.version, "action": allowed[0]})
    is_open = need.status in (NeedStatus.NEW, NeedStatus.ACCEPTED)
    if may_change and is_open and merge is None:
        merge = MergeForm()
    context = {
        "need": need,
        "duplicates": Need.objects.duplicates_of(need) if is_open else [],
        "merged_in": Need.objects.visible_to(user)
        .filter(merged_into=need)
        .select_related("region")
        .order_by("created_at"),
        "merged_into": (
            Need.objects.visible_to(user).filter(pk=need.merged_into_id).first()
            if need.merged_into_id
            else None
        ),
        "items": CatalogItem.objects.visible_to(user).filter(needs=need),
        "events": _history("need", need.pk, EVENT_LABELS),
        "decide": decide if may_change and allowed else None,
        "merge": merge if may_change and is_open else None,
    }
    return render(request, "funding/need_detail.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _need(request, pk))


@login_required
@require_POST
@permission_required(CHANGE, raise_exception=True)
def need_decide(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(request, pk)
    form = DecideForm(request.POST, allowed=_allowed(need) or list(services.ACTIONS))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_need(
                need,
                action=data["action"],
                note=data["note"],
                seen_version=data["version"],
                by=_user(request),
            )
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("funding:need-detail", pk=need.pk)
        messages.success(request, _("The decision was recorded."))
        return redirect("funding:need-detail", pk=need.pk)
    return _detail(request, need, decide=form)


@login_required
@require_POST
@permission_required(CHANGE, raise_exception=True)
def need_merge(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(request, pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        into = Need.objects.visible_to(request.user).filter(reference=form.cleaned_data["into"]).first()
        if into is None:
            form.add_error("into", _("No need you may see has this reference number."))
        else:
            try:
                services.merge_needs(need, into=into, note=form.cleaned_data["note"], by=_user(request))
            except PermissionRefused as error:
                raise PermissionDenied(str(error)) from None
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The need was merged into %(reference)s, which now counts its residents.")
                    % {"reference": into.reference},
                )
                return redirect("funding:need-detail", pk=into.pk)
    return _detail(request, need, merge=form)


# The coverage view


def _bases(user: User) -> dict[str, str]:
    """The places the coverage view can start from: the user's own region and, under a county,
    its towns."""
    home = user.region or Region.objects.filter(level=Level.COUNTY).order_by("code").first()
    if home is None:
        return {}
    bases = {home.code: home.name}
    if home.level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        below = Region.objects.visible_to(user).filter(level__in=[Level.COUNTY, Level.TOWN])
        bases.update(below.filter(code__startswith=home.prefix).values_list("code", "name"))
    return bases


def _coverage_sheet(table: Coverage) -> HttpResponse:
    headers = [_("Place")]
    for f in table.fields:
        headers += [
            _("%(field)s: needs") % {"field": f.name},
            _("%(field)s: residents") % {"field": f.name},
            _("%(field)s: organizations") % {"field": f.name},
        ]
    headers.append(_("Needs in all"))
    rows = [
        [
            row.region.name,
            *(n for c in row.cells for n in (c.needs, c.supporters, c.organizations)),
            row.needs,
        ]
        for row in table.rows
    ]
    rows.append(
        [
            _("Total"),
            *(n for c in table.totals for n in (c.needs, c.supporters, c.organizations)),
            table.needs,
        ]
    )
    return xlsx_response(f"需求覆盖_{table.base.name}.xlsx", sheets_bytes([(_("Coverage"), headers, rows)]))


@login_required
@permission_required(VIEW, raise_exception=True)
def need_coverage(request: HttpRequest) -> HttpResponse:
    """Needs by place and field, next to the active organizations of that place working in the
    field; a cell with needs and no organization is where no organization serves them."""
    user = _user(request)
    bases = _bases(user)
    visible = Need.objects.visible_to(user)
    form = CoverageForm(request.GET, regions=bases, years=visible.years())
    data = form.cleaned()
    code = data["region"] or next(iter(bases), "")
    base = Region.objects.visible_to(user).filter(code=code).first()
    if base is None:
        raise PermissionDenied(_("Your account is bound to no region."))
    table = coverage(base, year=data["year"])
    if request.GET.get("format") == "xlsx":
        return _coverage_sheet(table)
    context = {
        "form": form,
        "table": table,
        "year": data["year"],
        "drill": base.level in (Level.PROVINCE, Level.CITY, Level.COUNTY),
        "parent": base.parent if base.parent_id and base.parent_id in bases else None,
        "query": query_without_page(request),
    }
    return render(request, "funding/need_coverage.html", context)
