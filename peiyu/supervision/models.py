"""Supervision: annual inspection, the rules that turn its history into proposals, sanctions,
the credit lists, on-site inspection with rectification, grade evaluation and citizen reports.

Every workflow object carries a ``status`` with a transitions map and a ``version``; the
history of an organization's supervision is in ``SupervisionEvent``."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.accounts.models import AccountType
from peiyu.core.models import WorkflowEvent
from peiyu.core.scoping import ScopedQuerySet
from peiyu.lib.masking import mask_phone
from peiyu.orgs.models import ListEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from peiyu.accounts.models import User

AUTH = settings.AUTH_USER_MODEL


class OrganizationScoped(ScopedQuerySet[Any]):
    """Rows that belong to an organization: staff by the organization's region, organization
    accounts their own."""

    region_lookup = "organization__region"
    owner_lookup = "organization__accounts"


# Annual inspection (年检) ----------------------------------------------------------------


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for reports")
    CLOSED = "closed", _("Closed")


class CampaignQuerySet(ScopedQuerySet["Campaign"]):
    region_lookup = "authority"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Organizations see the campaigns of the authorities over them."""
        if user.is_authenticated and user.is_active and user.account_type == AccountType.ORGANIZATION:  # type: ignore[union-attr]
            from peiyu.orgs.models import Organization

            counties = {
                code[:6]
                for code in Organization.objects.filter(accounts=user).values_list("region_id", flat=True)
            }
            return self.filter(authority_id__in=[c.ljust(12, "0") for c in counties])
        return super().visible_to(user)


class Campaign(models.Model):
    """One year's annual inspection by a registration authority (the county)."""

    year = models.PositiveSmallIntegerField(_("year inspected"))
    authority = models.ForeignKey(
        "regions.Region", verbose_name=_("registration authority"), on_delete=models.PROTECT
    )
    guidance_deadline = models.DateField(_("deadline to the guidance unit"))
    authority_deadline = models.DateField(_("deadline to the registration authority"))
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    notes = models.TextField(_("notice to organizations"), blank=True)
    opened_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection campaign")
        verbose_name_plural = _("inspection campaigns")
        ordering = ["-year", "authority_id"]
        permissions = [("decide_report", _("Can decide annual inspections"))]
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="supervision_campaign_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}"


class ReportKind(models.TextChoices):
    INSPECTION = "inspection", _("Annual inspection")
    CHARITY = "charity", _("Charity annual work report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    DECIDED = "decided", _("Decided")
    EXEMPT = "exempt", _("Exempt")


REPORT_TRANSITIONS: dict[str, set[str]] = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED, ReportStatus.EXEMPT},
    ReportStatus.SUBMITTED: {ReportStatus.RETURNED, ReportStatus.DECIDED},
    ReportStatus.RETURNED: {ReportStatus.SUBMITTED},
    ReportStatus.DECIDED: set(),
    ReportStatus.EXEMPT: set(),
}


class Conclusion(models.TextChoices):
    PASS = "pass", _("Pass")
    BASIC_PASS = "basic_pass", _("Basic pass")
    FAIL = "fail", _("Fail")


class AnnualReportQuerySet(OrganizationScoped):
    def for_listing(self) -> Self:
        return self.select_related("organization", "organization__region", "campaign")


class AnnualReport(models.Model):
    """An organization's annual report for a campaign and the decision on it. A missing report
    is the absence of a row that reached ``submitted`` before the deadline."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="annual_reports"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=ReportKind.choices, default=ReportKind.INSPECTION
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    activities = models.TextField(_("activities of the year"), blank=True)
    income = models.DecimalField(_("income (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    expenditure = models.DecimalField(
        _("expenditure (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    net_assets = models.DecimalField(
        _("net assets (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    staff = models.PositiveIntegerField(_("full-time staff"), null=True, blank=True)
    governance_changes = models.TextField(_("governance changes"), blank=True)
    major_events = models.TextField(_("major events"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=12, choices=Conclusion.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    exemption = models.CharField(_("exemption"), max_length=200, blank=True)
    decided_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-campaign__year", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="supervision_report_unique")
        ]
        indexes = [models.Index(fields=["organization", "campaign"], name="supervision_report_org")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.campaign_id}"

    def can_move_to(self, status: str) -> bool:
        return status in REPORT_TRANSITIONS.get(self.status, set())


class Attachment(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


# Sanctions and the rules' proposals ------------------------------------------------------


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    STOP_ACTIVITY = "stop_activity", _("Suspension of activities")
    REVOCATION = "revocation", _("Revocation of registration")
    FRAUDULENT_CHANGE = "fraudulent_change", _("Change registration revoked for fraud")
    COURT_DEFAULTER = "court_defaulter", _("On the court's list of defaulters")


class Sanction(models.Model):
    """An administrative penalty or comparable fact the credit rules count."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(_("kind"), max_length=20, choices=SanctionKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("decided on"))
    reference = models.CharField(_("decision number"), max_length=60, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = OrganizationScoped.as_manager()

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-decided_on", "-id"]
        permissions = [("record_sanction", _("Can record sanctions"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decided_on}"


class ProposalAction(models.TextChoices):
    WARNING = "warning", _("Warning")
    REVOCATION = "revocation", _("Revocation of registration")
    DOWNGRADE = "downgrade", _("Grade downgrade")
    ABNORMAL_LIST = "abnormal_list", _("Abnormal-activity list")
    SERIOUS_LIST = "serious_list", _("Serious-violation list")
    REMOVAL = "removal", _("Removal from a list")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", pgettext_lazy("proposal status", "Rejected")


PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    ProposalStatus.PENDING: {ProposalStatus.ACCEPTED, ProposalStatus.REJECTED},
    ProposalStatus.ACCEPTED: set(),
    ProposalStatus.REJECTED: set(),
}


class Proposal(models.Model):
    """What a rule proposes for an organization, with the facts and the rule behind it, until
    staff decide. ``key`` makes a rerun of the rules idempotent."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="proposals")
    rule = models.CharField(_("rule"), max_length=40)
    action = models.CharField(_("proposed action"), max_length=16, choices=ProposalAction.choices)
    key = models.CharField(max_length=80, unique=True)
    facts = models.JSONField(_("facts"), default=list)
    basis = models.CharField(_("basis"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    document = models.ForeignKey(
        "orgs.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrganizationScoped.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        permissions = [("decide_proposal", _("Can decide supervision proposals"))]
        indexes = [models.Index(fields=["status", "organization"], name="supervision_proposal_status")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.organization_id}"


# Credit lists (社会组织信用信息管理办法) ----------------------------------------------------


class CreditList(models.TextChoices):
    ABNORMAL = "abnormal", _("Abnormal-activity list")
    SERIOUS = "serious", _("Serious-violation list")


class ListingGround(models.TextChoices):
    LATE_REPORT = "late_report", _("Annual work report not filed on time")
    NO_PARTY_ORGANIZATION = "no_party_organization", _("No Party organization set up as required")
    RECTIFICATION_NOT_DONE = "rectification_not_done", _("Ordered rectification not completed")
    PUBLIC_FUNDRAISING = "public_fundraising", _("Public fundraising rules breached")
    WARNING_OR_SMALL_FINE = "warning_or_small_fine", _("Warning, or a fine under 50,000 yuan")
    UNREACHABLE = "unreachable", _("Cannot be reached at the registered address")
    ABNORMAL_TWO_YEARS = "abnormal_two_years", _("On the abnormal-activity list for two full years")
    FRAUDULENT_CHANGE = "fraudulent_change", _("Change registration revoked for fraud")
    STOP_ACTIVITY = "stop_activity", _("Ordered to suspend activities")
    LARGE_FINE = "large_fine", _("Fined 50,000 yuan or more")
    REPEATED_PENALTIES = "repeated_penalties", _("Two or more warnings or small fines within three years")
    COURT_DEFAULTER = "court_defaulter", _("On the court's list of defaulters")
    REVOKED = "revoked", _("Registration revoked")
    OTHER = "other", _("Other")


class ListingStatus(models.TextChoices):
    NOTIFIED = "notified", _("Notified before listing")
    LISTED = "listed", _("Listed")
    REMOVED = "removed", _("Removed")


LISTING_TRANSITIONS: dict[str, set[str]] = {
    ListingStatus.NOTIFIED: {ListingStatus.LISTED, ListingStatus.REMOVED},
    ListingStatus.LISTED: {ListingStatus.REMOVED},
    ListingStatus.REMOVED: set(),
}


class ListingQuerySet(OrganizationScoped):
    def current(self) -> Self:
        return self.filter(status=ListingStatus.LISTED)

    def public(self) -> Self:
        return self.current().select_related("organization", "organization__region")


class Listing(models.Model):
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="listings")
    list = models.CharField(_("list"), max_length=10, choices=CreditList.choices)
    ground = models.CharField(_("ground"), max_length=24, choices=ListingGround.choices)
    details = models.TextField(_("facts"), blank=True)
    needs_rectification = models.BooleanField(_("rectification needed"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.NOTIFIED
    )
    notified_on = models.DateField(_("written notice on"), null=True, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="listings"
    )
    created_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit listing")
        verbose_name_plural = _("credit listings")
        ordering = ["-listed_on", "-id"]
        permissions = [("manage_listing", _("Can list organizations and remove them from credit lists"))]
        indexes = [models.Index(fields=["list", "status"], name="supervision_listing_status")]

    def __str__(self) -> str:
        return f"{self.get_list_display()}: {self.organization_id}"


# On-site inspection and rectification ----------------------------------------------------


class ChecklistItem(ListEntry):
    class Meta(ListEntry.Meta):
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")


class PlanQuerySet(ScopedQuerySet["InspectionPlan"]):
    region_lookup = "region"


class InspectionPlan(models.Model):
    title = models.CharField(_("title"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    description = models.TextField(_("scope and method"), blank=True)
    created_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-starts_on", "-id"]
        permissions = [("inspect", _("Can carry out on-site inspections"))]

    def __str__(self) -> str:
        return self.title


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Inspected")
    CANCELLED = "cancelled", _("Cancelled")


class Visit(models.Model):
    """One on-site inspection of an organization, with its findings per checklist item."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="visits")
    planned_on = models.DateField(_("planned on"))
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    inspectors = models.CharField(_("inspectors"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    summary = models.TextField(_("summary"), blank=True)
    # Nobody at the registered address: two such visits make the "unreachable" listing ground.
    unreachable = models.BooleanField(_("not found at its registered address"), default=False)
    source_report = models.ForeignKey(
        "CitizenReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrganizationScoped.as_manager()

    class Meta:
        verbose_name = _("on-site inspection")
        verbose_name_plural = _("on-site inspections")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.planned_on}"


class FindingResult(models.TextChoices):
    OK = "ok", _("In order")
    PROBLEM = "problem", _("Problem found")
    NOT_APPLICABLE = "na", _("Not applicable")


class Finding(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT)
    result = models.CharField(_("result"), max_length=8, choices=FindingResult.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="supervision_finding_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.result}"


class NoticeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("notice status", "Open")
    CLOSED = "closed", _("Closed after re-check")
    FAILED = "failed", _("Not rectified")


NOTICE_TRANSITIONS: dict[str, set[str]] = {
    NoticeStatus.OPEN: {NoticeStatus.CLOSED, NoticeStatus.FAILED},
    NoticeStatus.CLOSED: set(),
    NoticeStatus.FAILED: set(),
}


class NoticeQuerySet(OrganizationScoped):
    def overdue(self, today: Any) -> Self:
        return self.filter(status=NoticeStatus.OPEN, deadline__lt=today)


class RectificationNotice(models.Model):
    """整改通知书: what must be put right by when; closed by the re-check."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="notices")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="rectification_notices"
    )
    number = models.CharField(_("document number"), max_length=40)
    requirements = models.TextField(_("to be rectified"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    rechecked_on = models.DateField(_("re-checked on"), null=True, blank=True)
    recheck_note = models.TextField(_("re-check result"), blank=True)
    document = models.ForeignKey(
        "orgs.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="supervision_notice_due")]

    def __str__(self) -> str:
        return self.number


# Grade evaluation (等级评估, 民政部令第39号) -------------------------------------------------


class IndicatorSet(models.Model):
    """An indicator table for some legal forms: first-level indicators with their points."""

    name = models.CharField(_("name"), max_length=100)
    legal_forms = models.JSONField(_("legal forms"), default=list)
    total_points = models.PositiveIntegerField(_("total points"), default=1000)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        permissions = [("manage_grades", _("Can run grade evaluation rounds"))]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("indicator"), max_length=100)
    points = models.PositiveIntegerField(_("points"))
    guidance = models.TextField(_("scoring guidance"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="supervision_indicator_code")
        ]

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Taking applications")
    SCORING = "scoring", _("Scoring")
    NOTICE = "notice", _("Public notice")
    DONE = "done", _("Concluded")


class RoundQuerySet(ScopedQuerySet["GradeRound"]):
    region_lookup = "region"


class GradeRound(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("evaluating authority"), on_delete=models.PROTECT
    )
    title = models.CharField(_("title"), max_length=100)
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    created_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade evaluation round")
        verbose_name_plural = _("grade evaluation rounds")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class EntryStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    REFUSED = "refused", _("Not eligible")
    SCORING = "scoring", _("Being scored")
    SCORED = "scored", _("Scored")
    GRADED = "graded", _("Graded")


class EntryQuerySet(OrganizationScoped):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Evaluators (expert accounts) see the entries assigned to them."""
        if user.is_authenticated and user.is_active and user.account_type == AccountType.EXPERT:  # type: ignore[union-attr]
            return self.filter(evaluators__account=user).distinct()
        return super().visible_to(user)


class GradeEntry(models.Model):
    """An organization in a round: eligibility with its reasons, scores, the proposed grade."""

    round = models.ForeignKey(GradeRound, on_delete=models.PROTECT, related_name="entries")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="grade_entries"
    )
    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=EntryStatus.choices, default=EntryStatus.APPLIED
    )
    refusal_reasons = models.JSONField(_("reasons for refusal"), default=list, blank=True)
    evaluators = models.ManyToManyField(
        "people.Expert", verbose_name=_("evaluators"), blank=True, related_name="grade_entries"
    )
    total = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, null=True, blank=True)
    proposed_level = models.PositiveSmallIntegerField(_("proposed grade"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade evaluation entry")
        verbose_name_plural = _("grade evaluation entries")
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="supervision_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.organization_id}"


class Score(models.Model):
    entry = models.ForeignKey(GradeEntry, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    evaluator = models.ForeignKey("people.Expert", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "indicator", "evaluator"], name="supervision_score_unique"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="supervision_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.points}"


class Objection(models.Model):
    """An objection raised during the public notice, and the review decision (15 days)."""

    entry = models.ForeignKey(GradeEntry, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("objection"))
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    received_on = models.DateField(_("received on"))
    answer = models.TextField(_("review decision"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    upheld = models.BooleanField(_("objection upheld"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def masked_contact(self) -> str:
        return mask_phone(self.contact) if self.contact.isdigit() else self.contact


class GradeStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    DOWNGRADED = "downgraded", _("Downgraded")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class GradeQuerySet(OrganizationScoped):
    def valid(self, on: Any) -> Self:
        return self.filter(status=GradeStatus.VALID, awarded_on__lte=on, valid_until__gte=on)


class Grade(models.Model):
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="grades")
    level = models.PositiveSmallIntegerField(_("grade"))
    awarded_on = models.DateField(_("awarded on"))
    valid_until = models.DateField(_("valid until"))
    entry = models.OneToOneField(
        GradeEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="grade"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GradeStatus.choices, default=GradeStatus.VALID
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    certificate = models.ForeignKey(
        "orgs.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = GradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="supervision_grade_level")
        ]

    def __str__(self) -> str:
        return f"{self.level}A"

    @property
    def label(self) -> str:
        return f"{self.level}A"


# Citizen reports (随手拍) ----------------------------------------------------------------


def _reference() -> str:
    return "SP" + secrets.token_hex(5).upper()


class ReportState(models.TextChoices):
    NEW = "new", _("Waiting")
    DISMISSED = "dismissed", _("Dismissed")
    WARNED = "warned", _("Organization warned")
    INSPECTION = "inspection", _("Inspection opened")


CITIZEN_TRANSITIONS: dict[str, set[str]] = {
    ReportState.NEW: {ReportState.DISMISSED, ReportState.WARNED, ReportState.INSPECTION},
    ReportState.DISMISSED: set(),
    ReportState.WARNED: set(),
    ReportState.INSPECTION: set(),
}


class CitizenReportQuerySet(ScopedQuerySet["CitizenReport"]):
    region_lookup = "region"


class CitizenReport(models.Model):
    reference = models.CharField(
        _("reference number"), max_length=12, unique=True, default=_reference, editable=False
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("where"), on_delete=models.PROTECT)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_reports",
    )
    organization_name = models.CharField(_("organization named by the reporter"), max_length=200, blank=True)
    text = models.TextField(_("what happened"))
    contact = models.CharField(_("contact phone"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.NEW)
    reply = models.TextField(_("reply to the reporter"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    handled_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CitizenReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen report")
        verbose_name_plural = _("citizen reports")
        ordering = ["-received_at", "-id"]
        permissions = [("triage_report", _("Can handle citizen reports"))]

    def __str__(self) -> str:
        return self.reference

    @property
    def masked_contact(self) -> str:
        return mask_phone(self.contact) if self.contact else ""


class Photo(models.Model):
    """A photo of a citizen report, re-encoded without its metadata (location included)."""

    report = models.ForeignKey(CitizenReport, on_delete=models.CASCADE, related_name="photos")
    content = models.BinaryField(editable=False)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.report_id} photo {self.pk}"


# The history of an organization's supervision -------------------------------------------


class SupervisionEvent(WorkflowEvent):
    """One step in any supervision workflow (who, when, from, to, note)."""

    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supervision_events",
    )

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("supervision event")
        verbose_name_plural = _("supervision events")
        indexes = [
            models.Index(fields=["subject", "subject_id"], name="supervision_event_subject"),
            models.Index(fields=["organization", "at"], name="supervision_event_org"),
        ]
