"""The graduation report of a cohort (a call for intake): a printable page, a Word 出壳报告 and
an .xlsx workbook, all from ``incubation.reports.cohort_report``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peiyu.incubation import reports
from peiyu.incubation.models import Call
from peiyu.lib.docx import docx_response
from peiyu.lib.xlsx import xlsx_response

VIEW = "incubation.view_residency"


def _report(request: HttpRequest, pk: int) -> reports.CohortReport:
    call = Call.objects.visible_to(request.user).select_related("incubator").get_or_404(pk=pk)
    return reports.cohort_report(call)


@login_required
@permission_required(VIEW, raise_exception=True)
def cohort_report(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "incubation/cohort_report.html", {"report": _report(request, pk)})


@login_required
@permission_required(VIEW, raise_exception=True)
def cohort_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return docx_response(f"{report.call.title}出壳报告.docx", reports.report_docx(report))


@login_required
@permission_required(VIEW, raise_exception=True)
def cohort_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return xlsx_response(f"{report.call.title}出壳报告.xlsx", reports.report_xlsx(report))
