"""A volunteer's own pages: their record, hours, reports and certificates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peiyu.core import options
from peiyu.core.exceptions import DomainError
from peiyu.orgs.models import Organization
from peiyu.people.forms.volunteers import CertificateRequestForm, ReportForm
from peiyu.people.models import CheckIn, HoursStatus, Volunteer
from peiyu.people.options import STAR_THRESHOLDS
from peiyu.people.services import certificates, hours
from peiyu.people.views.volunteers import user_of


def _own(request: HttpRequest) -> Volunteer:
    volunteer = (
        Volunteer.objects.visible_to(request.user)
        .filter(account_id=request.user.pk)
        .select_related("region")
        .first()
    )
    if volunteer is None:
        raise Http404
    return volunteer


def _served_with(volunteer: Volunteer) -> object:
    """Organizations a volunteer may report hours to or ask a certificate from: those they
    serve with and those that already recorded hours for them."""
    ids = set(volunteer.enrollments.values_list("organization_id", flat=True))
    ids |= set(volunteer.service_records.values_list("organization_id", flat=True).distinct())
    return Organization.objects.filter(pk__in=ids, status="active").order_by("name")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    volunteer = _own(request)
    thresholds = options.value_of(STAR_THRESHOLDS.key, volunteer.region_id)
    upcoming = [t for t in thresholds if t * 60 > volunteer.approved_minutes]
    context = {
        "volunteer": volunteer,
        "records": volunteer.service_records.select_related("organization").order_by("-started_at")[:50],
        "pending": volunteer.service_records.filter(status=HoursStatus.PENDING).count(),
        "certificates": volunteer.certificates.select_related("organization"),
        "open_check_in": CheckIn.objects.filter(volunteer=volunteer, checked_out_at__isnull=True)
        .select_related("activity")
        .first(),
        "next_star": upcoming[0] if upcoming else None,
        "to_next": round(upcoming[0] - volunteer.approved_minutes / 60, 1) if upcoming else None,
        "report_form": ReportForm(organizations=_served_with(volunteer)),
        "certificate_form": CertificateRequestForm(organizations=_served_with(volunteer)),
    }
    return render(request, "people/me.html", context)


@login_required
def report_hours(request: HttpRequest) -> HttpResponse:
    volunteer = _own(request)
    form = ReportForm(request.POST or None, organizations=_served_with(volunteer))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hours.report_hours(
                volunteer=volunteer,
                organization=data["organization"],
                title=data["title"],
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                place=data["place"],
                content=data["content"],
                by=user_of(request),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your hours were sent to the organization for confirmation."))
            return redirect("people:me")
    return render(request, "people/simple_form.html", {"form": form, "title": _("Report service hours")})


@login_required
def request_certificate(request: HttpRequest) -> HttpResponse:
    volunteer = _own(request)
    form = CertificateRequestForm(request.POST or None, organizations=_served_with(volunteer))
    if request.method == "POST" and form.is_valid():
        try:
            certificates.request_certificate(
                volunteer=volunteer,
                organization=form.cleaned_data["organization"],
                purpose=form.cleaned_data["purpose"],
                by=user_of(request),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your request was sent; you can download the certificate here once it is issued.")
            )
            return redirect("people:me")
    return render(
        request, "people/simple_form.html", {"form": form, "title": _("Request a service certificate")}
    )
