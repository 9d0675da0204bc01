"""Questions other capabilities ask about an organization's supervision record: its annual
inspection history, and whether it is in good standing (with the reasons when it is not).

``history`` reads, for each campaign year of the organization's registration authority, what
happened: a conclusion, exempt, or missed (no report submitted by the deadline, once the
deadline has passed)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.orgs.models import Organization, Source, Status
from peiyu.supervision.models import (
    AnnualReport,
    Campaign,
    CampaignStatus,
    Conclusion,
    Listing,
    ListingStatus,
    Sanction,
    SanctionKind,
)
from peiyu.supervision.rules import MISSED, PENDING, year_result


def outcome(report: AnnualReport | None, campaign: Campaign, today: datetime.date) -> str:
    """One year's outcome for one organization (see ``rules.year_result``); a campaign still
    being prepared has nothing missed yet."""
    if campaign.status == CampaignStatus.DRAFT:
        return PENDING
    if report is None:
        return year_result("", "", None, campaign.authority_deadline, today)
    submitted = timezone.localtime(report.submitted_at).date() if report.submitted_at else None
    return year_result(report.status, report.conclusion, submitted, campaign.authority_deadline, today)


def history(organization: Organization, today: datetime.date | None = None) -> dict[int, str]:
    """Outcome per inspected year, oldest first, for a registered organization."""
    today = today or timezone.localdate()
    if organization.source != Source.REGISTERED or organization.authority_id is None:
        return {}
    campaigns = Campaign.objects.filter(authority_id=organization.authority_id).order_by("year")
    reports = {r.campaign_id: r for r in AnnualReport.objects.filter(organization=organization)}
    registered = organization.registered_on
    result = {}
    for campaign in campaigns:
        if registered and registered.year > campaign.year:
            continue
        result[campaign.year] = outcome(reports.get(campaign.pk), campaign, today)
    return result


@dataclass
class Standing:
    ok: bool = True
    reasons: list[str] = field(default_factory=list)

    def refuse(self, reason: str) -> None:
        self.ok = False
        self.reasons.append(reason)


def good_standing(organization: Organization, on: datetime.date | None = None) -> Standing:
    """Is the organization in good standing? Not revoked or deregistered, on no credit list,
    its last inspection neither missed nor failed, and no serious sanction in three years."""
    on = on or timezone.localdate()
    standing = Standing()
    if organization.status != Status.ACTIVE:
        standing.refuse(_("Its registration is %(status)s.") % {"status": organization.get_status_display()})
    for listing in Listing.objects.filter(organization=organization, status=ListingStatus.LISTED):
        standing.refuse(
            _("On the %(list)s since %(date)s: %(ground)s.")
            % {
                "list": listing.get_list_display(),
                "date": listing.listed_on,
                "ground": listing.get_ground_display(),
            }
        )
    years = history(organization, on)
    decided = [(year, result) for year, result in years.items() if result != PENDING]
    if decided:
        year, result = decided[-1]
        if result == MISSED:
            standing.refuse(_("It missed the %(year)d annual inspection.") % {"year": year})
        elif result == Conclusion.FAIL:
            standing.refuse(_("It failed the %(year)d annual inspection.") % {"year": year})
    since = (
        on.replace(year=on.year - 3)
        if not (on.month == 2 and on.day == 29)
        else on.replace(year=on.year - 3, day=28)
    )
    serious = Sanction.objects.filter(
        organization=organization,
        decided_on__gt=since,
        kind__in=[SanctionKind.STOP_ACTIVITY, SanctionKind.REVOCATION, SanctionKind.FRAUDULENT_CHANGE],
    )
    for sanction in serious:
        standing.refuse(
            _("%(kind)s on %(date)s.") % {"kind": sanction.get_kind_display(), "date": sanction.decided_on}
        )
    return standing
