"""Citizen reports on the portal (随手拍): report what you see, then follow it by reference."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from peiyu.core.exceptions import DomainError
from peiyu.orgs.forms import region_choices
from peiyu.regions.models import Level, Region
from peiyu.supervision.forms.citizen import CitizenReportForm, StatusForm
from peiyu.supervision.models import CitizenReport
from peiyu.supervision.services.citizen import submit_citizen_report


def report_new(request: HttpRequest) -> HttpResponse:
    """The report form, made for a phone; anyone may report, no account needed."""
    regions = region_choices(Region.objects.filter(level__in=[Level.TOWN, Level.VILLAGE]))
    form = CitizenReportForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = submit_citizen_report(
                region=Region.objects.get(code=data["region"]),
                text=data["text"],
                organization_name=data["organization_name"],
                contact=data["contact"],
                photos=data["photos"],
                by=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Thank you. Your report's reference number is %(reference)s; keep it to follow the report.")
                % {"reference": report.reference},
            )
            return redirect(
                f"{reverse('portal:citizen-report-status')}?{urlencode({'reference': report.reference})}"
            )
    return render(request, "portal/citizen_report.html", {"form": form})


def report_status(request: HttpRequest) -> HttpResponse:
    """What the reporter may see of a report: its state, the office's reply and the dates."""
    form = StatusForm(request.GET if "reference" in request.GET else None)
    report = None
    if form.is_bound and form.is_valid():
        report = (
            CitizenReport.objects.filter(reference=form.cleaned_data["reference"])
            .only("reference", "state", "reply", "received_at", "handled_at")
            .first()
        )
        if report is None:
            form.add_error(None, _("No report has this reference number."))
    return render(request, "portal/citizen_report_status.html", {"form": form, "report": report})
