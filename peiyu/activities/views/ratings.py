"""The satisfaction report (满意度): what recipients answered about the organizations in the
user's region — their activities' ratings, their mediations' ratings and their funded projects'
answers — per organization or per funded project, with its export. Staff only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.activities import satisfaction
from peiyu.activities.forms.activities import SatisfactionFilterForm
from peiyu.core.paging import paginate, query_without_page
from peiyu.funding.models import Contract
from peiyu.lib.xlsx import Sheet, sheets_bytes, xlsx_response
from peiyu.orgs.models import Organization
from peiyu.regions.models import Level, Region

VIEW = "activities.view_activity"
YEARS_BACK = 10


def _mean(value: Any) -> float | str:
    return round(float(value), 2) if value is not None else ""


def _organization_sheet(rows: Iterable[Organization]) -> Sheet:
    headers = [
        _("Organization"),
        _("Town"),
        _("Activity ratings"),
        _("Average activity rating"),
        _("Mediation ratings"),
        _("Average mediation rating"),
        _("Funded-project answers"),
        _("Average project rating"),
        _("Average “it helped me”"),
    ]
    values = (
        (
            o.name,
            _town(o),
            o.activity_ratings,  # type: ignore[attr-defined]
            _mean(o.activity_average),  # type: ignore[attr-defined]
            o.case_ratings,  # type: ignore[attr-defined]
            _mean(o.case_average),  # type: ignore[attr-defined]
            o.answers,  # type: ignore[attr-defined]
            _mean(o.answer_average),  # type: ignore[attr-defined]
            _mean(o.helpful_average),  # type: ignore[attr-defined]
        )
        for o in rows
    )
    return (_("By organization"), headers, values)


def _contract_sheet(rows: Iterable[Contract]) -> Sheet:
    headers = [
        _("Contract number"),
        _("Project"),
        _("Organization"),
        _("Status"),
        _("Answers"),
        _("Average rating"),
        _("Average “it helped me”"),
        _("Ratings of its activities"),
        _("Average activity rating"),
    ]
    values = (
        (
            c.number,
            c.application.title,
            c.application.organization.name,
            c.get_status_display(),
            c.answers,  # type: ignore[attr-defined]
            _mean(c.answer_average),  # type: ignore[attr-defined]
            _mean(c.helpful_average),  # type: ignore[attr-defined]
            c.activity_ratings,  # type: ignore[attr-defined]
            _mean(c.activity_average),  # type: ignore[attr-defined]
        )
        for c in rows
    )
    return (_("By funded project"), headers, values)


def _town(organization: Organization) -> str:
    region = organization.region
    if region.level == Level.VILLAGE and region.parent is not None:
        return region.parent.name
    return region.name


@login_required
@permission_required(VIEW, raise_exception=True)
def satisfaction_report(request: HttpRequest, pk: int = 0) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not (user.is_superuser or user.is_staff_account):
        raise PermissionDenied
    this_year = timezone.localdate().year
    towns = Region.objects.visible_to(user).filter(level=Level.TOWN).order_by("code")
    form = SatisfactionFilterForm(
        request.GET,
        towns=list(towns.values_list("code", "name")),
        years=list(range(this_year, this_year - YEARS_BACK, -1)),
    )
    organizations = form.filter(Organization.objects.visible_to(user))
    year = form.value("year")
    by_organization = satisfaction.by_organization(organizations, year=year)
    by_contract = satisfaction.by_contract(organizations, year=year)
    if request.GET.get("format") == "xlsx":
        sheets = [_organization_sheet(by_organization), _contract_sheet(by_contract)]
        return xlsx_response("满意度.xlsx", sheets_bytes(sheets))
    context = {
        "form": form,
        "filtering": form.filtering,
        "by_project": form.by_project,
        "page": paginate(request, by_contract if form.by_project else by_organization),
        "query": query_without_page(request),
        "totals": satisfaction.totals(organizations, year=year),
    }
    return render(request, "activities/satisfaction.html", context)
