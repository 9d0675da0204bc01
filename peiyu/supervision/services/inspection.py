"""Annual inspection (年检): a campaign per year and registration authority, the
organizations' annual reports, and the office's decisions on them."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import AccountType, User
from peiyu.core import audit, options
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.orgs.models import Category, LegalForm, Organization, Source, Status
from peiyu.regions.models import Region
from peiyu.supervision.models import (
    REPORT_TRANSITIONS,
    AnnualReport,
    Campaign,
    CampaignStatus,
    Conclusion,
    ReportKind,
    ReportStatus,
)
from peiyu.supervision.options import AUTHORITY_DEADLINE, GUIDANCE_DEADLINE, NEW_INSTITUTION_MONTHS
from peiyu.supervision.services.common import event, locked, move

REPORT_FIELDS = (
    "activities",
    "income",
    "expenditure",
    "net_assets",
    "staff",
    "governance_changes",
    "major_events",
)


def _deadline(option_key: str, region_code: str, year: int) -> datetime.date:
    month, day = (int(part) for part in options.value_of(option_key, region_code).split("-"))
    return datetime.date(year + 1, month, day)


def exemption(organization: Organization, year: int, region_code: str) -> str:
    """Why an organization skips a year's inspection, or "" (DOMAIN.md §4: a service
    institution registered less than six months before the year's end)."""
    months = options.value_of(NEW_INSTITUTION_MONTHS.key, region_code)
    registered = organization.registered_on
    if organization.legal_form == LegalForm.SERVICE_INSTITUTION and registered is not None:
        cutoff = datetime.date(year, 12, 31) - datetime.timedelta(days=round(months * 30.44))
        if registered > cutoff:
            return _("Registered on %(date)s, less than %(months)d months before the end of %(year)d.") % {
                "date": registered,
                "months": months,
                "year": year,
            }
    return ""


def report_kind(organization: Organization) -> str:
    """Charities file an annual work report instead of taking the inspection (慈善法 Art. 13).
    Peiyu reads the charity category as the charity designation."""
    return ReportKind.CHARITY if organization.category == Category.CHARITY else ReportKind.INSPECTION


def organizations_due(campaign: Campaign) -> Any:
    """The active registered organizations of the authority, registered by the year's end."""
    return Organization.objects.filter(
        source=Source.REGISTERED,
        status=Status.ACTIVE,
        authority_id=campaign.authority_id,
        registered_on__lte=datetime.date(campaign.year, 12, 31),
    )


@audit.service("supervision.open_campaign")
def open_campaign(*, authority: Region, year: int, by: User, notes: str = "") -> Campaign:
    """Open a year's inspection with the deadlines in effect; every organization due gets its
    report row (exempt ones marked exempt with the reason)."""
    if not by.has_perm("supervision.add_campaign"):
        raise PermissionRefused(_("You may not open inspection campaigns."))
    if authority.level != "county" or not Region.objects.visible_to(by).filter(pk=authority.pk).exists():
        raise PermissionRefused(_("Campaigns are opened by a registration authority in your scope."))
    if year > timezone.localdate().year:
        raise DomainError(_("The %(year)d inspection cannot be opened before that year.") % {"year": year})
    if Campaign.objects.filter(authority=authority, year=year).exists():
        raise DomainError(_("The %(year)d campaign is already open.") % {"year": year})
    campaign = Campaign.objects.create(
        year=year,
        authority=authority,
        guidance_deadline=_deadline(GUIDANCE_DEADLINE.key, authority.code, year),
        authority_deadline=_deadline(AUTHORITY_DEADLINE.key, authority.code, year),
        status=CampaignStatus.OPEN,
        notes=notes,
        opened_by=by,
        opened_at=timezone.now(),
    )
    rows = []
    for organization in organizations_due(campaign):
        reason = exemption(organization, year, authority.code)
        rows.append(
            AnnualReport(
                campaign=campaign,
                organization=organization,
                kind=report_kind(organization),
                status=ReportStatus.EXEMPT if reason else ReportStatus.DRAFT,
                exemption=reason,
            )
        )
    AnnualReport.objects.bulk_create(rows, batch_size=1000)
    event(subject=campaign, action="opened", by=by, to_status=CampaignStatus.OPEN, organization_id=None)
    return campaign


@audit.service("supervision.close_campaign")
def close_campaign(campaign: Campaign, *, by: User) -> Campaign:
    if not by.has_perm("supervision.change_campaign"):
        raise PermissionRefused(_("You may not close inspection campaigns."))
    current = locked(campaign)
    if current.status != CampaignStatus.OPEN:
        raise DomainError(_("Only an open campaign can be closed."))
    current.status = CampaignStatus.CLOSED
    current.closed_at = timezone.now()
    current.version += 1
    current.save(update_fields=["status", "closed_at", "version"])
    event(
        subject=current,
        action="closed",
        by=by,
        from_status=CampaignStatus.OPEN,
        to_status=CampaignStatus.CLOSED,
        organization_id=None,
    )
    return current


def _own(report: AnnualReport, by: User) -> None:
    if (
        by.account_type == AccountType.ORGANIZATION
        and not report.organization.accounts.filter(pk=by.pk).exists()
    ):
        raise PermissionRefused(_("Organizations file only their own reports."))
    if not by.has_perm("supervision.add_annualreport") and not by.has_perm("supervision.decide_report"):
        raise PermissionRefused(_("You may not file annual reports."))


@audit.service("supervision.save_report")
def save_report(
    report: AnnualReport, *, values: dict[str, Any], by: User, seen_version: int | None = None
) -> AnnualReport:
    """Keep a draft (or a returned report) as the organization fills it in."""
    _own(report, by)
    current = locked(report, seen_version=seen_version)
    if current.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise DomainError(_("This report was already submitted."))
    for key in REPORT_FIELDS:
        if key in values:
            setattr(current, key, values[key])
    current.version += 1
    current.save(update_fields=[*REPORT_FIELDS, "version"])
    return current


@audit.service("supervision.submit_report")
def submit_report(report: AnnualReport, *, by: User, seen_version: int | None = None) -> AnnualReport:
    _own(report, by)
    current = locked(report, seen_version=seen_version)
    if current.campaign.status != CampaignStatus.OPEN:
        raise DomainError(_("The campaign is not open for reports."))
    missing = [
        key
        for key in ("activities", "income", "expenditure", "net_assets")
        if current.__dict__.get(key) in (None, "")
    ]
    if missing:
        raise DomainError(_("Fill in the activities, income, expenditure and net assets before submitting."))
    current.submitted_at = timezone.now()
    current.save(update_fields=["submitted_at"])
    late = timezone.localdate() > current.campaign.authority_deadline
    note = (
        _("Submitted after the deadline of %(date)s.") % {"date": current.campaign.authority_deadline}
        if late
        else ""
    )
    return move(current, to=ReportStatus.SUBMITTED, transitions=REPORT_TRANSITIONS, by=by, note=note)


@audit.service("supervision.return_report")
def return_report(
    report: AnnualReport, *, reason: str, by: User, seen_version: int | None = None
) -> AnnualReport:
    _may_decide(report, by)
    if not reason.strip():
        raise DomainError(_("Say what must be corrected."))
    current = locked(report, seen_version=seen_version)
    current.reasons = reason.strip()
    current.save(update_fields=["reasons"])
    return move(current, to=ReportStatus.RETURNED, transitions=REPORT_TRANSITIONS, by=by, note=reason)


def _may_decide(report: AnnualReport, by: User) -> None:
    if not by.has_perm("supervision.decide_report"):
        raise PermissionRefused(_("You may not decide annual inspections."))
    if not AnnualReport.objects.visible_to(by).filter(pk=report.pk).exists():
        raise PermissionRefused(_("This report is outside your scope."))


@audit.service("supervision.decide_report")
def decide_report(
    report: AnnualReport, *, conclusion: str, reasons: str, by: User, seen_version: int | None = None
) -> AnnualReport:
    """Pass, basic pass or fail; anything but a pass states its reasons."""
    _may_decide(report, by)
    if conclusion not in Conclusion.values:
        raise DomainError(_("Choose pass, basic pass or fail."))
    if conclusion != Conclusion.PASS and not reasons.strip():
        raise DomainError(_("A basic pass or a fail states its reasons: the organization sees them."))
    current = locked(report, seen_version=seen_version)
    current.conclusion = conclusion
    current.reasons = reasons.strip()
    current.decided_by = by
    current.decided_at = timezone.now()
    current.save(update_fields=["conclusion", "reasons", "decided_by", "decided_at"])
    return move(current, to=ReportStatus.DECIDED, transitions=REPORT_TRANSITIONS, by=by, note=reasons)


def totals(campaign: Campaign) -> dict[str, int]:
    from django.db.models import Count

    rows = campaign.reports.values("status", "conclusion").annotate(n=Count("id"))
    result: dict[str, int] = {}
    for row in rows:
        key = row["conclusion"] or row["status"]
        result[key] = result.get(key, 0) + row["n"]
    return result
