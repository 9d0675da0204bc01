"""The supervision app's entries in the workbench's to-do panel."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.todos import Todo
from peiyu.supervision.models import (
    AnnualReport,
    Campaign,
    CampaignStatus,
    CitizenReport,
    Listing,
    ListingStatus,
    Proposal,
    ProposalStatus,
    ReportState,
    ReportStatus,
)


def citizen_reports_waiting(user: User) -> list[Todo]:
    if not user.has_perm("supervision.triage_report"):
        return []
    count = CitizenReport.objects.visible_to(user).filter(state=ReportState.NEW).count()
    if not count:
        return []
    url = reverse("supervision:citizenreport-list") + f"?state={ReportState.NEW}"
    return [Todo(_("Citizen reports waiting"), count, url)]


def campaigns_closing(user: User) -> list[Todo]:
    """For an organization: reports still to file; for deciding staff: reports to decide."""
    from django.utils import timezone

    todos = []
    if user.has_perm("supervision.add_annualreport"):
        due = AnnualReport.objects.visible_to(user).filter(
            status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED], campaign__status=CampaignStatus.OPEN
        )
        first = due.select_related("campaign").order_by("campaign__authority_deadline").first()
        if first is not None:
            label = _("Annual report to file by %(date)s") % {"date": first.campaign.authority_deadline}
            todos.append(
                Todo(label, due.count(), reverse("supervision:report-edit", args=[first.campaign_id]))
            )
    if user.has_perm("supervision.decide_report"):
        waiting = AnnualReport.objects.visible_to(user).filter(status=ReportStatus.SUBMITTED).count()
        if waiting:
            todos.append(
                Todo(_("Annual reports to decide"), waiting, reverse("supervision:campaign-list"), "info")
            )
        soon = timezone.localdate() + datetime.timedelta(days=30)
        closing = (
            Campaign.objects.visible_to(user)
            .filter(
                status=CampaignStatus.OPEN,
                authority_deadline__lte=soon,
                authority_deadline__gte=timezone.localdate(),
            )
            .count()
        )
        if closing:
            todos.append(
                Todo(
                    _("Inspection campaigns closing within 30 days"),
                    closing,
                    reverse("supervision:campaign-list"),
                    "info",
                )
            )
    return todos


def proposals_waiting(user: User) -> list[Todo]:
    if not user.has_perm("supervision.decide_proposal"):
        return []
    count = Proposal.objects.visible_to(user).filter(status=ProposalStatus.PENDING).count()
    return (
        [Todo(_("Supervision proposals awaiting a decision"), count, reverse("supervision:proposal-list"))]
        if count
        else []
    )


def listings_to_act_on(user: User) -> list[Todo]:
    """Notified listings to confirm, and rectified ones to remove (5 working days)."""
    if not user.has_perm("supervision.manage_listing"):
        return []
    listings = Listing.objects.visible_to(user)
    count = (
        listings.filter(status=ListingStatus.NOTIFIED).count()
        + listings.filter(status=ListingStatus.LISTED, rectified_on__isnull=False).count()
    )
    return (
        [
            Todo(
                _("Credit listings to confirm or remove"),
                count,
                reverse("supervision:listing-list") + "?status=",
            )
        ]
        if count
        else []
    )


def overdue_notices(user: User) -> list[Todo]:
    """Rectification notices still open after their deadline, to re-check."""
    from django.utils import timezone

    from peiyu.supervision.models import RectificationNotice

    if not user.has_perm("supervision.inspect"):
        return []
    count = RectificationNotice.objects.visible_to(user).overdue(timezone.localdate()).count()
    if not count:
        return []
    url = reverse("supervision:visit-list") + "?tab=notices&status=overdue"
    return [Todo(_("Rectification notices overdue"), count, url, "danger")]


def grades_expiring(user: User) -> list[Todo]:
    """Valid grades whose five years end within 90 days: their organizations may apply again."""
    from peiyu.supervision.services.grades import expiring_grades

    if not user.has_perm("supervision.manage_grades") or user.region is None:
        return []
    count = expiring_grades(user.region, 90).count()
    if not count:
        return []
    return [
        Todo(
            _("Grades expiring within 90 days"),
            count,
            reverse("supervision:round-list") + "#expiring",
            "info",
        )
    ]


def objections_waiting(user: User) -> list[Todo]:
    """Objections to proposed grades without a review decision (due within 15 days)."""
    from peiyu.supervision.services.grades import waiting_objections

    if not user.has_perm("supervision.manage_grades"):
        return []
    count = waiting_objections(user).count()
    if not count:
        return []
    return [
        Todo(_("Objections waiting for a decision"), count, reverse("supervision:round-list") + "#objections")
    ]


PROVIDERS: list[Callable[[User], list[Todo]]] = [
    campaigns_closing,
    proposals_waiting,
    listings_to_act_on,
    citizen_reports_waiting,
    overdue_notices,
    grades_expiring,
    objections_waiting,
]
