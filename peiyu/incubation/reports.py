"""The graduation report of a cohort (a call for intake, 期): what its residents became, the
services they received, how they grew and what they were paid; as data, a Word 出壳报告 and an
.xlsx workbook. Also the small several-sheet .xlsx writer the subsidy export shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from peiyu.incubation.models import (
    CURRENT,
    Assessment,
    Call,
    Incubator,
    Residency,
    ResidencyStatus,
    Service,
    ServiceKind,
    Stage,
    Subsidy,
    SubsidyKind,
    SubsidyStatus,
)
from peiyu.lib import docx
from peiyu.lib.xlsx import sheets_bytes
from peiyu.orgs.docx import official
from peiyu.orgs.models import ApplicationKind, Organization, Source

TEMPLATES = Path(__file__).resolve().parent / "documents"
DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
HOURS: DecimalField[Decimal, Decimal] = DecimalField(max_digits=9, decimal_places=1)


@dataclass(frozen=True)
class ServiceLine:
    kind: str
    label: str
    count: int
    hours: Decimal
    attendees: int


@dataclass(frozen=True)
class SubsidyLine:
    kind: str
    label: str
    granted: Decimal
    paid: Decimal


@dataclass(frozen=True)
class ResidentRow:
    residency: Residency
    status_label: str
    organization: Organization | None
    code: str
    application_reference: str
    service_hours: Decimal
    intake_percent: Decimal | None
    exit_percent: Decimal | None
    subsidies: Decimal


@dataclass(frozen=True)
class CohortReport:
    """``graduated_filed`` and ``graduated_registered`` split the graduates by the registry's
    way out: a filing, or a registration (including an organization already registered);
    ``graduation_rate`` is the share of those admitted, in percent."""

    call: Call
    incubator: Incubator
    admitted: int
    current: int
    graduated: int
    graduated_filed: int
    graduated_registered: int
    left_early: int
    graduation_rate: Decimal | None
    average_months: Decimal | None
    services: list[ServiceLine]
    growth_count: int
    intake_average: Decimal | None
    exit_average: Decimal | None
    subsidies: list[SubsidyLine]
    residents: list[ResidentRow]

    @property
    def service_totals(self) -> ServiceLine:
        return ServiceLine(
            kind="",
            label=_("Total"),
            count=sum(line.count for line in self.services),
            hours=sum((line.hours for line in self.services), Decimal(0)),
            attendees=sum(line.attendees for line in self.services),
        )

    @property
    def subsidy_totals(self) -> SubsidyLine:
        return SubsidyLine(
            kind="",
            label=_("Total"),
            granted=sum((line.granted for line in self.subsidies), Decimal(0)),
            paid=sum((line.paid for line in self.subsidies), Decimal(0)),
        )


def _by_filing(residency: Residency) -> bool:
    application = residency.application
    if application is not None and application.kind in (ApplicationKind.FILING, ApplicationKind.REGISTRATION):
        return application.kind == ApplicationKind.FILING
    return residency.organization is not None and residency.organization.source == Source.FILED


def _average(values: Sequence[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1")) if values else None


def _residencies(call: Call) -> list[Residency]:
    hours = (
        Service.objects.filter(residency=OuterRef("pk"))
        .values("residency")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    money = (
        Subsidy.objects.counted()
        .filter(residency=OuterRef("pk"))
        .values("residency")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return list(
        Residency.objects.filter(call=call)
        .select_related("organization", "application")
        .annotate(
            service_hours=Coalesce(Subquery(hours, output_field=HOURS), Decimal(0), output_field=HOURS),
            subsidy_total=Coalesce(Subquery(money, output_field=MONEY), Decimal(0), output_field=MONEY),
        )
        .order_by("started_on", "id")
    )


def _services(call: Call) -> list[ServiceLine]:
    rows = {
        row["kind"]: row
        for row in Service.objects.filter(residency__call=call)
        .values("kind")
        .annotate(count=Count("id"), hours=Sum("hours"), attendees=Sum("attendees"))
        .order_by()
    }
    return [
        ServiceLine(kind, str(label), rows[kind]["count"], rows[kind]["hours"], rows[kind]["attendees"])
        for kind, label in ServiceKind.choices
        if kind in rows
    ]


def _subsidies(call: Call) -> list[SubsidyLine]:
    paid = Q(status=SubsidyStatus.PAID)
    rows = {
        row["kind"]: row
        for row in Subsidy.objects.counted()
        .filter(residency__call=call)
        .values("kind")
        .annotate(
            granted=Sum("amount"), paid=Coalesce(Sum("amount", filter=paid), Decimal(0), output_field=MONEY)
        )
        .order_by()
    }
    return [
        SubsidyLine(kind, str(label), rows[kind]["granted"], rows[kind]["paid"])
        for kind, label in SubsidyKind.choices
        if kind in rows
    ]


def cohort_report(call: Call) -> CohortReport:
    """Read a cohort's report in a handful of queries, whatever its size."""
    residencies = _residencies(call)
    percents: dict[tuple[int, str], Decimal] = {
        (pk, stage): percent
        for pk, stage, percent in Assessment.objects.filter(
            residency__call=call, stage__in=[Stage.INTAKE, Stage.EXIT]
        ).values_list("residency_id", "stage", "percent")
    }
    graduates = [r for r in residencies if r.status == ResidencyStatus.GRADUATED]
    filed = sum(1 for r in graduates if _by_filing(r))
    months = [
        Decimal((r.ended_on - r.started_on).days) / DAYS_PER_MONTH
        for r in graduates
        if r.ended_on is not None
    ]
    grown = [
        (percents[r.pk, Stage.INTAKE], percents[r.pk, Stage.EXIT])
        for r in residencies
        if (r.pk, Stage.INTAKE) in percents and (r.pk, Stage.EXIT) in percents
    ]
    statuses = dict(ResidencyStatus.choices)
    rows = [
        ResidentRow(
            residency=r,
            status_label=str(statuses.get(r.status, r.status)),
            organization=r.organization,
            code=r.organization.code if r.organization else "",
            application_reference=r.application.reference if r.application else "",
            service_hours=Decimal(r.service_hours).quantize(Decimal("0.1")),  # type: ignore[attr-defined]
            intake_percent=percents.get((r.pk, Stage.INTAKE)),
            exit_percent=percents.get((r.pk, Stage.EXIT)),
            subsidies=r.subsidy_total,  # type: ignore[attr-defined]
        )
        for r in residencies
    ]
    admitted = len(residencies)
    return CohortReport(
        call=call,
        incubator=call.incubator,
        admitted=admitted,
        current=sum(1 for r in residencies if r.status in CURRENT),
        graduated=len(graduates),
        graduated_filed=filed,
        graduated_registered=len(graduates) - filed,
        left_early=sum(1 for r in residencies if r.status == ResidencyStatus.EXITED),
        graduation_rate=(Decimal(len(graduates) * 100) / admitted).quantize(Decimal("0.1"))
        if admitted
        else None,
        average_months=_average(months),
        services=_services(call),
        growth_count=len(grown),
        intake_average=_average([intake for intake, _exit in grown]),
        exit_average=_average([exit_ for _intake, exit_ in grown]),
        subsidies=_subsidies(call),
        residents=rows,
    )


# Rendering -----------------------------------------------------------------------------------


def _number(value: Decimal | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value}{suffix}"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _growth(row: ResidentRow) -> str:
    if row.intake_percent is None and row.exit_percent is None:
        return "—"
    return f"{_number(row.intake_percent, '%')} → {_number(row.exit_percent, '%')}"


@official
def report_docx(report: CohortReport) -> bytes:
    """The 出壳报告 in the office's language, from ``documents/cohort_report.docx``."""
    call = report.call
    context = {
        "bureau": report.incubator.name,
        "number": call.title,
        "date": timezone.localdate(),
        "cohort": {"title": call.title, "opens_on": call.opens_on, "closes_on": call.closes_on},
        "counts": {
            "admitted": report.admitted,
            "graduated": report.graduated,
            "filed": report.graduated_filed,
            "registered": report.graduated_registered,
            "left": report.left_early,
            "current": report.current,
        },
        "rate": _number(report.graduation_rate, "%"),
        "months": _number(report.average_months),
        "services": [
            {"label": s.label, "count": s.count, "hours": str(s.hours), "attendees": s.attendees}
            for s in [*report.services, report.service_totals]
        ],
        "growth": {
            "count": report.growth_count,
            "intake": _number(report.intake_average, "%"),
            "exit": _number(report.exit_average, "%"),
        },
        "subsidies": [
            {"label": s.label, "granted": _money(s.granted), "paid": _money(s.paid)}
            for s in [*report.subsidies, report.subsidy_totals]
        ],
        "residents": [
            {
                "name": row.residency.name,
                "code": row.code,
                "started_on": row.residency.started_on,
                "ended_on": row.residency.ended_on,
                "status": row.status_label,
                "reference": row.application_reference,
                "hours": str(row.service_hours),
                "growth": _growth(row),
                "subsidies": _money(row.subsidies),
            }
            for row in report.residents
        ],
    }
    return docx.render(TEMPLATES / "cohort_report.docx", context)


def report_xlsx(report: CohortReport) -> bytes:
    call = report.call
    summary = [
        (_("Incubator"), report.incubator.name),
        (_("Cohort"), call.title),
        (_("Call period"), f"{call.opens_on.isoformat()} – {call.closes_on.isoformat()}"),
        (_("Admitted"), report.admitted),
        (_("In residence"), report.current),
        (_("Graduated"), report.graduated),
        (_("Graduated by filing"), report.graduated_filed),
        (_("Graduated by registration"), report.graduated_registered),
        (_("Left early"), report.left_early),
        (_("Graduation rate (%)"), report.graduation_rate),
        (_("Average months in residence of graduates"), report.average_months),
        (_("Residents assessed at intake and at exit"), report.growth_count),
        (_("Average score at intake (%)"), report.intake_average),
        (_("Average score at exit (%)"), report.exit_average),
    ]
    services = [(s.label, s.count, s.hours, s.attendees) for s in [*report.services, report.service_totals]]
    subsidies = [(s.label, s.granted, s.paid) for s in [*report.subsidies, report.subsidy_totals]]
    residents = [
        (
            row.residency.name,
            row.residency.started_on,
            row.residency.ended_on,
            row.status_label,
            row.organization.name if row.organization else "",
            row.code,
            row.application_reference,
            row.service_hours,
            row.intake_percent,
            row.exit_percent,
            row.subsidies,
        )
        for row in report.residents
    ]
    return sheets_bytes(
        [
            (
                pgettext("cohort report", "Summary"),
                [pgettext("cohort report", "Item"), pgettext("cohort report", "Value")],
                summary,
            ),
            (
                _("Services"),
                [_("Service type"), pgettext("count", "Services"), _("Hours"), _("Attendees")],
                services,
            ),
            (_("Subsidies"), [_("Kind"), _("Granted or paid (yuan)"), _("Paid (yuan)")], subsidies),
            (
                _("Residents"),
                [
                    _("Resident"),
                    _("Started on"),
                    _("Ended on"),
                    _("Status"),
                    _("Organization"),
                    _("Credit code or filing number"),
                    _("Registry application"),
                    pgettext("incubation", "Service hours"),
                    _("Score at intake (%)"),
                    _("Score at exit (%)"),
                    _("Subsidies (yuan)"),
                ],
                residents,
            ),
        ]
    )
