"""Funding (购买服务 / 公益创投): residents' needs, the procurement catalog and the project
library, rounds with their fund sources and rubric, applications with budget lines and
indicators, expert review drawn from the pool with conflicts avoided, selection within the
budget, public notice with objections, contracts with tranches gated by evaluations, progress
reports, beneficiaries' satisfaction, and per-case mediation subsidies as a payment stream.

Every workflow object carries a ``status`` with a transitions map and a ``version``; the history
of every step is in ``FundingEvent``."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.accounts.models import AccountType
from peiyu.core.models import WorkflowEvent
from peiyu.core.scoping import ScopedQuerySet
from peiyu.lib.masking import mask_phone

AUTH = settings.AUTH_USER_MODEL
ZERO = Decimal(0)


def _money(verbose: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(verbose, max_digits=12, decimal_places=2, **kwargs)


# Needs (群众需求) -----------------------------------------------------------------------------


class NeedSource(models.TextChoices):
    PORTAL = "portal", _("Resident on the portal")
    VILLAGE = "village", _("Village worker")
    STAFF = "staff", _("Office staff")


class NeedStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("need status", "New")
    ACCEPTED = "accepted", pgettext_lazy("need status", "Accepted")
    ANSWERED = "answered", pgettext_lazy("need status", "Answered")
    MERGED = "merged", pgettext_lazy("need status", "Merged")
    DECLINED = "declined", pgettext_lazy("need status", "Declined")


NEED_TRANSITIONS: dict[str, set[str]] = {
    NeedStatus.NEW: {NeedStatus.ACCEPTED, NeedStatus.MERGED, NeedStatus.DECLINED, NeedStatus.ANSWERED},
    NeedStatus.ACCEPTED: {NeedStatus.ANSWERED, NeedStatus.MERGED},
}


class NeedQuerySet(ScopedQuerySet["Need"]):
    region_lookup = "region"
    owner_lookup = None

    def open(self) -> Self:
        return self.filter(status__in=[NeedStatus.NEW, NeedStatus.ACCEPTED])

    def counted(self) -> Self:
        """Needs that stand for themselves (a merged one is counted in the one it joined)."""
        return self.exclude(status__in=[NeedStatus.MERGED, NeedStatus.DECLINED])

    def years(self) -> list[int]:
        """The years these needs were raised in, newest first, for a year filter."""
        return [d.year for d in self.dates("created_at", "year", order="DESC")]

    def duplicates_of(self, need: Need, *, candidates: int = 500) -> list[Need]:
        """The open needs of the same place and field whose titles share a two-character pair
        with this one, the closest first (most shared pairs, then the most supported); among
        the newest ``candidates`` only."""
        from peiyu.lib.search import normalize

        def pairs(text: str) -> set[str]:
            plain = normalize(text)
            return {plain[i : i + 2] for i in range(len(plain) - 1)}

        wanted = pairs(need.title)
        if not wanted:
            return []
        rows = (
            self.open()
            .filter(region_id=need.region_id, field_id=need.field_id)
            .exclude(pk=need.pk)
            .select_related("region", "field")
            .order_by("-created_at", "-id")[:candidates]
        )
        found = [(len(wanted & pairs(other.title)), other) for other in rows]
        found = [(shared, other) for shared, other in found if shared]
        found.sort(key=lambda pair: (-pair[0], -pair[1].supporters, pair[1].pk))
        return [other for _shared, other in found]


def _need_reference() -> str:
    return uuid.uuid4().hex[:10].upper()


class Need(models.Model):
    """A need raised by residents (on the portal) or by a village worker: what is missing, for
    whom and where. Duplicates are merged into one, which then counts their supporters."""

    reference = models.CharField(
        pgettext_lazy("need", "reference"), max_length=10, unique=True, default=_need_reference
    )
    title = models.CharField(_("need"), max_length=100)
    description = models.TextField(pgettext_lazy("need", "description"), blank=True)
    field = models.ForeignKey("orgs.Field", verbose_name=_("field"), on_delete=models.PROTECT)
    target_group = models.ForeignKey(
        "orgs.TargetGroup", verbose_name=_("target group"), on_delete=models.PROTECT, null=True, blank=True
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village or community"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=8, choices=NeedSource.choices)
    submitter_name = models.CharField(_("raised by"), max_length=50, blank=True)
    contact = models.CharField(_("contact phone"), max_length=20, blank=True)
    submitted_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    supporters = models.PositiveIntegerField(_("residents raising it"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.NEW)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(pgettext_lazy("need", "answered on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "field", "status"], name="funding_need_coverage")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="funding_need_merged_into"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def masked_contact(self) -> str:
        return mask_phone(self.contact)


# The procurement catalog (购买服务目录) and the project library (项目库) ----------------------


class CatalogStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("catalog status", "Draft")
    PUBLISHED = "published", pgettext_lazy("catalog status", "Published")
    RETIRED = "retired", pgettext_lazy("catalog status", "Retired")


CATALOG_TRANSITIONS: dict[str, set[str]] = {
    CatalogStatus.DRAFT: {CatalogStatus.PUBLISHED},
    CatalogStatus.PUBLISHED: {CatalogStatus.RETIRED},
}


class CountyWide(ScopedQuerySet[Any]):
    """What a county publishes for everyone under it: staff see the rows of their subtree and
    of the regions above them (a town officer sees the county's catalog and rounds); writes
    stay with the county, checked by the services."""

    region_lookup = "region"
    # Rows above are seen only once published (drafts stay with the county).
    shared_when: ClassVar[Q] = Q()

    def visible_to(self, user: Any) -> Self:
        if user.is_authenticated and user.is_active and not user.is_superuser and user.is_staff_account:
            if not user.region_id:
                return self.none()
            from peiyu.core.options import ancestors

            above = ancestors(user.region_id)[1:]
            return self.in_region(user.region_id) | self.filter(self.shared_when, region_id__in=above)
        return super().visible_to(user)


class CatalogItemQuerySet(CountyWide):
    shared_when = ~Q(status="draft")

    def published(self) -> Self:
        return self.filter(status=CatalogStatus.PUBLISHED)


class CatalogItem(models.Model):
    """An entry of the procurement catalog a county publishes: what it buys, the scope, the
    service requirements, who may apply and the budget range, and the needs it answers."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("purchasing authority"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("item number"), max_length=20)
    title = models.CharField(_("service"), max_length=100)
    field = models.ForeignKey("orgs.Field", verbose_name=_("field"), on_delete=models.PROTECT)
    scope = models.TextField(_("scope"))
    requirements = models.TextField(_("service requirements"))
    eligible_applicants = models.TextField(_("eligible applicants"))
    budget_min = _money(_("budget from (yuan)"))
    budget_max = _money(_("budget up to (yuan)"))
    needs = models.ManyToManyField(Need, verbose_name=_("needs it answers"), blank=True, related_name="items")
    status = models.CharField(
        _("status"), max_length=10, choices=CatalogStatus.choices, default=CatalogStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CatalogItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalog item")
        verbose_name_plural = _("procurement catalog")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "code"], name="funding_catalog_code"),
            models.CheckConstraint(
                condition=Q(budget_min__gte=0) & Q(budget_max__gte=models.F("budget_min")),
                name="funding_catalog_budget",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Origin(models.TextChoices):
    TOP_DOWN = "top_down", _("From the catalog (top-down)")
    BOTTOM_UP = "bottom_up", _("Proposed by an organization (bottom-up)")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("project status", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("project status", "In the library")
    DECLINED = "declined", pgettext_lazy("project status", "Declined")
    FUNDED = "funded", pgettext_lazy("project status", "Funded")


PROJECT_TRANSITIONS: dict[str, set[str]] = {
    ProjectStatus.PROPOSED: {ProjectStatus.ACCEPTED, ProjectStatus.DECLINED},
    ProjectStatus.ACCEPTED: {ProjectStatus.FUNDED},
}


class ProjectQuerySet(ScopedQuerySet["Project"]):
    region_lookup = "region"
    owner_lookup = "organization__accounts"

    def in_library(self) -> Self:
        return self.filter(status__in=[ProjectStatus.ACCEPTED, ProjectStatus.FUNDED])


class Project(models.Model):
    """A public-service project in the library (项目库): written by the office from a catalog
    item (top-down) or proposed by an organization (bottom-up) and accepted by the office."""

    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    title = models.CharField(_("project"), max_length=100)
    field = models.ForeignKey("orgs.Field", verbose_name=_("field"), on_delete=models.PROTECT)
    target_groups = models.ManyToManyField("orgs.TargetGroup", verbose_name=_("target groups"), blank=True)
    summary = models.TextField(pgettext_lazy("funding project", "summary"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    catalog_item = models.ForeignKey(
        CatalogItem,
        verbose_name=_("catalog item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_projects",
    )
    budget = _money(_("estimated budget (yuan)"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED
    )
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("library project")
        verbose_name_plural = _("project library")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="bottom_up", organization__isnull=False)
                | Q(origin="top_down", catalog_item__isnull=False),
                name="funding_project_origin",
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="funding_project_budget"),
        ]

    def __str__(self) -> str:
        return self.title


# Rounds --------------------------------------------------------------------------------------


class RoundKind(models.TextChoices):
    VENTURE = "venture", _("Venture philanthropy (公益创投)")
    PURCHASE = "purchase", _("Purchase of services (政府购买服务)")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("round status", "Draft")
    OPEN = "open", pgettext_lazy("round status", "Taking applications")
    REVIEW = "review", pgettext_lazy("round status", "Under review")
    NOTICE = "notice", pgettext_lazy("round status", "Public notice")
    AWARDED = "awarded", pgettext_lazy("round status", "Contracts and delivery")
    CLOSED = "closed", pgettext_lazy("round status", "Closed")


ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundStatus.DRAFT: {RoundStatus.OPEN},
    RoundStatus.OPEN: {RoundStatus.REVIEW},
    RoundStatus.REVIEW: {RoundStatus.NOTICE},
    RoundStatus.NOTICE: {RoundStatus.AWARDED},
    RoundStatus.AWARDED: {RoundStatus.CLOSED},
}


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean of the experts' totals")
    TRIMMED = "trimmed", _("Drop the highest and the lowest (five experts or more), then the mean")


class LastProjectRule(models.TextChoices):
    SKIP = "skip", _("Skip it and go on down the ranking to projects that fit in full")
    PARTIAL = "partial", _("Offer it the remaining budget if that covers the set share of its request")
    STOP = "stop", _("Stop there; the remaining budget stays unspent")


class Milestone(models.TextChoices):
    SIGNING = "signing", _("On signing")
    MID_TERM = "mid_term", _("After the mid-term evaluation")
    FINAL = "final", _("After the final evaluation")


DEFAULT_TRANCHES = [
    {"milestone": Milestone.SIGNING.value, "percent": 50},
    {"milestone": Milestone.MID_TERM.value, "percent": 30},
    {"milestone": Milestone.FINAL.value, "percent": 20},
]


def default_tranches() -> list[dict[str, Any]]:
    return [dict(row) for row in DEFAULT_TRANCHES]


class FundingRoundQuerySet(CountyWide):
    shared_when = ~Q(status="draft")

    def reachable_by(self, user: Any) -> Self:
        """Staff: the rounds of their region (a town officer also reads the county's published
        ones). Other accounts: the public rounds of the counties their organizations belong to."""
        if user.is_superuser or user.is_staff_account:
            return self.visible_to(user)
        from peiyu.orgs.models import Organization

        villages = Organization.objects.visible_to(user).values_list("region_id", flat=True)
        return self.public().filter(region_id__in={code[:6].ljust(12, "0") for code in villages})

    def held_by(self, user: Any) -> Self:
        """The rounds of the user's own region (the office that runs them, and those above it):
        their applications, panels, ranking and objections are the user's to see. A town officer
        reads the county's published call, not its review."""
        if user.is_superuser:
            return self.all()
        if not user.is_staff_account or not user.region_id:
            return self.none()
        return self.in_region(user.region_id)

    def public(self) -> Self:
        """What the portal shows: every round once it has been opened."""
        return self.exclude(status=RoundStatus.DRAFT)

    def with_budget(self) -> Self:
        return self.annotate(budget_total=Coalesce(Sum("sources__amount"), ZERO))


class Round(models.Model):
    """A funding round of a county: venture philanthropy or a purchase of services, with its
    fund sources, call, dates, eligibility rules, rubric, aggregation, selection rule, public
    notice and the tranches its contracts pay in."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("purchasing authority"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=RoundKind.choices, default=RoundKind.VENTURE)
    call_text = models.TextField(_("call for applications"))
    catalog_items = models.ManyToManyField(
        CatalogItem, verbose_name=_("catalog items it buys"), blank=True, related_name="rounds"
    )
    fields = models.ManyToManyField("orgs.Field", verbose_name=_("fields"), blank=True, related_name="+")
    opens_on = models.DateField(_("applications from"))
    closes_on = models.DateField(_("applications until"))
    two_stage = models.BooleanField(
        _("two stages"),
        default=False,
        help_text=_("An outline first; invited applicants then send a full proposal."),
    )
    outline_closes_on = models.DateField(_("outlines until"), null=True, blank=True)
    max_request = _money(_("most one project may ask (yuan)"), null=True, blank=True)
    legal_forms = models.JSONField(
        _("legal forms that may apply"), default=list, blank=True, help_text=_("Empty: any legal form.")
    )
    min_grade = models.PositiveSmallIntegerField(
        _("lowest grade (0 = none required)"), default=0, help_text=_("3 means 3A and above.")
    )
    experts_per_application = models.PositiveSmallIntegerField(_("experts per application"), default=5)
    aggregation = models.CharField(
        _("aggregation"), max_length=8, choices=Aggregation.choices, default=Aggregation.TRIMMED
    )
    defense_weight = models.PositiveSmallIntegerField(
        _("weight of the defense (%)"), default=40, help_text=_("0: no defense (现场答辩).")
    )
    pass_mark = models.DecimalField(_("lowest fundable score"), max_digits=5, decimal_places=2, default=60)
    last_project_rule = models.CharField(
        _("rule for the last project that does not fit"),
        max_length=8,
        choices=LastProjectRule.choices,
        default=LastProjectRule.SKIP,
    )
    partial_share = models.PositiveSmallIntegerField(
        _("least share of the request a partial award covers (%)"), default=70
    )
    tranches = models.JSONField(_("tranches"), default=default_tranches)
    supervisor = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("supervising third party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("When a third party supervises the projects, contracts are three-party."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    notice_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    created_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FundingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")
        ordering = ["-year", "-id"]
        permissions = [("manage_round", _("Can run funding rounds"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="funding_round_dates"
            ),
            models.CheckConstraint(condition=Q(defense_weight__lte=100), name="funding_round_defense_weight"),
            models.CheckConstraint(condition=Q(min_grade__lte=5), name="funding_round_min_grade"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def budget(self) -> Decimal:
        total = getattr(self, "budget_total", None)
        if total is not None:
            return Decimal(total)
        return self.sources.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]  # type: ignore[no-any-return]


class SourceKind(models.TextChoices):
    SPECIAL = "special", _("Special fund (专项资金)")
    LOTTERY = "lottery", _("Welfare lottery fund (福彩公益金)")
    BUDGET = "budget", _("Departmental budget")
    MATCHED = "matched", _("Matched funds from companies and citizens")


class FundSource(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("kind"), max_length=8, choices=SourceKind.choices)
    name = models.CharField(_("fund"), max_length=100)
    amount = _money(_("amount (yuan)"))

    class Meta:
        verbose_name = _("fund source")
        verbose_name_plural = _("fund sources")
        ordering = ["round", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funding_source_positive")]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A line of the round's scoring rubric: its weight (the weights add up to 100) and an anchor
    description for each score from 1 to 5 (0 means not addressed)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"))
    anchors = models.JSONField(_("anchor descriptions"), default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("rubric line")
        verbose_name_plural = _("rubric")
        ordering = ["round", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="funding_criterion_weight")]

    def __str__(self) -> str:
        return self.name

    def anchor(self, score: int) -> str:
        return str(self.anchors.get(str(score), ""))


SCALE = 5  # scores run 0..SCALE on every rubric line


# Applications (申报) --------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("funding application status", "Draft")
    OUTLINE = "outline", _("Outline sent")
    INVITED = "invited", _("Invited to send the full proposal")
    NOT_INVITED = "not_invited", _("Outline not taken further")
    INELIGIBLE = "ineligible", pgettext_lazy("funding application status", "Not eligible")
    ELIGIBLE = "eligible", _("Eligible")
    REVIEWING = "reviewing", _("Being reviewed")
    SCORED = "scored", pgettext_lazy("funding application status", "Scored")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", pgettext_lazy("funding application status", "Withdrawn")


A = ApplicationStatus
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    A.DRAFT: {A.OUTLINE, A.ELIGIBLE, A.INELIGIBLE, A.WITHDRAWN},
    A.OUTLINE: {A.INVITED, A.NOT_INVITED, A.WITHDRAWN},
    A.INVITED: {A.ELIGIBLE, A.INELIGIBLE, A.WITHDRAWN},
    A.INELIGIBLE: {A.ELIGIBLE, A.WITHDRAWN},
    A.ELIGIBLE: {A.INELIGIBLE, A.REVIEWING, A.WITHDRAWN},
    A.REVIEWING: {A.SCORED},
    A.SCORED: {A.REVIEWING, A.SELECTED, A.NOT_SELECTED},
    A.SELECTED: {A.NOT_SELECTED, A.AWARDED},
    A.NOT_SELECTED: {A.SELECTED},
}
# Once a round's notice has started, its results are public: applicants see their scores.
RESULTS_PUBLIC = {RoundStatus.NOTICE, RoundStatus.AWARDED, RoundStatus.CLOSED}
# Statuses that would tell an applicant the selection before the notice does.
UNDISCLOSED = {A.SCORED, A.SELECTED, A.NOT_SELECTED}
SUBMITTED = [A.ELIGIBLE, A.INELIGIBLE, A.REVIEWING, A.SCORED, A.SELECTED, A.NOT_SELECTED, A.AWARDED]


class FundingApplicationQuerySet(ScopedQuerySet["Application"]):
    """Staff see the applications to their region's rounds; organizations their own; experts
    the ones assigned to them."""

    region_lookup = "round__region"
    owner_lookup = "organization__accounts"

    def visible_to(self, user: Any) -> Self:
        if isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.is_superuser and user.account_type == AccountType.EXPERT:
            return self.filter(assignments__expert__account=user).distinct()
        return super().visible_to(user)

    def for_listing(self) -> Self:
        return self.select_related("round", "organization", "field")

    def ranked(self) -> Self:
        return self.order_by(
            models.F("final_score").desc(nulls_last=True),
            models.F("review_score").desc(nulls_last=True),
            "submitted_at",
            "id",
        )


class Application(models.Model):
    """An organization's application (申报书) to a round: the project, its budget lines, target
    groups, outputs and indicators; its eligibility with the reasons; its scores and rank."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="funding_applications",
    )
    catalog_item = models.ForeignKey(
        CatalogItem,
        verbose_name=_("catalog item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("library project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    title = models.CharField(_("project title"), max_length=100)
    field = models.ForeignKey(
        "orgs.Field", verbose_name=_("field"), on_delete=models.PROTECT, related_name="+"
    )
    target_groups = models.ManyToManyField(
        "orgs.TargetGroup", verbose_name=_("target groups"), blank=True, related_name="+"
    )
    area = models.ForeignKey(
        "regions.Region", verbose_name=_("where it serves"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(pgettext_lazy("funding project", "summary"))
    need_statement = models.TextField(_("the need it answers"), blank=True)
    beneficiaries = models.PositiveIntegerField(_("people it will serve"), default=0)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    requested = _money(_("amount requested (yuan)"), default=ZERO)
    co_funding = _money(_("own and matched funds (yuan)"), default=ZERO)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    eligibility_reasons = models.JSONField(_("reasons it is not eligible"), default=list, blank=True)
    outline_note = models.CharField(_("outline decision"), max_length=300, blank=True)
    review_score = models.DecimalField(
        _("review score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    defense_score = models.DecimalField(
        _("defense score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    final_score = models.DecimalField(_("final score"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    awarded = _money(_("amount awarded (yuan)"), null=True, blank=True)
    selection_note = models.CharField(_("selection note"), max_length=300, blank=True)
    overridden = models.BooleanField(_("selection overridden"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FundingApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding application")
        verbose_name_plural = _("funding applications")
        ordering = ["round", "rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested__gte=0) & Q(co_funding__gte=0), name="funding_application_money"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="funding_application_dates",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"], name="funding_application_round")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in {ApplicationStatus.DRAFT, ApplicationStatus.INVITED}

    def scores_shown_to(self, user: Any) -> bool:
        """Staff see every score; an applicant (or an expert) the results once the notice starts."""
        return bool(user.is_superuser or user.is_staff_account or self.round.status in RESULTS_PUBLIC)

    def status_for(self, user: Any) -> str:
        """The status as this user may see it: before the notice an applicant sees a scored or
        (not) selected application as still being reviewed."""
        if self.status in UNDISCLOSED and not self.scores_shown_to(user):
            return ApplicationStatus.REVIEWING
        return self.status


class LineCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    ACTIVITIES = "activities", _("Activities")
    MATERIALS = "materials", _("Materials and printing")
    TRAINING = "training", _("Training and supervision")
    ADMINISTRATION = "administration", _("Administration")
    OTHER = "other", _("Other")


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=16, choices=LineCategory.choices)
    item = models.CharField(_("item"), max_length=100)
    amount = _money(_("amount (yuan)"))
    note = models.CharField(_("how it is worked out"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="funding_budget_line_positive")]

    def __str__(self) -> str:
        return self.item


class Output(models.Model):
    """A promised output with its indicator: 开展法治讲座 · 场次 · 12."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="outputs")
    description = models.CharField(_("output"), max_length=200)
    indicator = models.CharField(_("indicator"), max_length=100)
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20)
    achieved = models.DecimalField(_("achieved"), max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("output and indicator")
        verbose_name_plural = _("outputs and indicators")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.description


# Expert review ----------------------------------------------------------------------------


class DrawPurpose(models.TextChoices):
    PANELS = "panels", _("Panels for the round")
    REPLACEMENT = "replacement", _("Replacement for a recused expert")


class DrawQuerySet(ScopedQuerySet["Draw"]):
    region_lookup = "round__region"


class Draw(models.Model):
    """A random draw of review panels. The seed, the candidate pool as it stood (each expert's
    fields, conflicting organizations and the applications already carried in the round) and
    the limit per expert are kept, so ``services.review.verify_draw`` can draw again and show
    the same panels."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="draws")
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=DrawPurpose.choices, default=DrawPurpose.PANELS
    )
    seed = models.CharField(_("seed"), max_length=64)
    pool = models.JSONField(_("candidate experts"), default=list)
    panel_size = models.PositiveSmallIntegerField(_("experts per application"))
    max_per_expert = models.PositiveIntegerField(_("most applications per expert"), default=20)
    drawn_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert draw")
        verbose_name_plural = _("expert draws")
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.seed}"


class AssignmentStatus(models.TextChoices):
    DRAWN = "drawn", _("Drawn, declaration due")
    OPEN = "open", _("No conflict declared, file open")
    RECUSED = "recused", _("Conflict declared, recused")
    SCORED = "scored", pgettext_lazy("assignment status", "Scored")


ASSIGNMENT_TRANSITIONS: dict[str, set[str]] = {
    AssignmentStatus.DRAWN: {AssignmentStatus.OPEN, AssignmentStatus.RECUSED},
    AssignmentStatus.OPEN: {AssignmentStatus.SCORED},
    AssignmentStatus.SCORED: {AssignmentStatus.SCORED},
}


class AssignmentQuerySet(ScopedQuerySet["Assignment"]):
    region_lookup = "application__round__region"
    owner_lookup = "expert__account"

    def active(self) -> Self:
        return self.exclude(status=AssignmentStatus.RECUSED)


class Assignment(models.Model):
    """An expert on an application's panel. The expert declares no conflict before the file
    opens (or declares one and is replaced), then scores every rubric line."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey("people.Expert", on_delete=models.PROTECT, related_name="funding_assignments")
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        _("status"), max_length=8, choices=AssignmentStatus.choices, default=AssignmentStatus.DRAWN
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    conflict_note = models.CharField(_("conflict declared"), max_length=300, blank=True)
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    defense_score = models.DecimalField(
        _("defense score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="funding_assignment_unique"),
            models.CheckConstraint(
                condition=Q(defense_score__isnull=True)
                | (Q(defense_score__gte=0) & Q(defense_score__lte=100)),
                name="funding_assignment_defense_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.expert_id}"


class ReviewScore(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="funding_score_unique"),
            models.CheckConstraint(condition=Q(score__lte=SCALE), name="funding_score_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


# Public notice and objections ---------------------------------------------------------------


class ObjectionQuerySet(ScopedQuerySet["Objection"]):
    region_lookup = "round__region"


class Objection(models.Model):
    """An objection to the notice's results, received on the portal or by the office, and the
    office's answer."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(
        Application,
        verbose_name=_("concerning"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objections",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    contact = models.CharField(_("contact phone"), max_length=20, blank=True)
    text = models.TextField(_("objection"))
    received_on = models.DateField(_("received on"))
    channel = models.CharField(
        pgettext_lazy("objection", "channel"),
        max_length=8,
        choices=NeedSource.choices,
        default=NeedSource.PORTAL,
    )
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def masked_contact(self) -> str:
        return mask_phone(self.contact)


# Contracts, tranches, evaluations --------------------------------------------------------


class ContractStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("contract status", "To be signed")
    SIGNED = "signed", pgettext_lazy("contract status", "Signed, in delivery")
    STOPPED = "stopped", _("Payment stopped")
    COMPLETED = "completed", pgettext_lazy("contract status", "Completed")


CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    ContractStatus.DRAFT: {ContractStatus.SIGNED},
    ContractStatus.SIGNED: {ContractStatus.STOPPED, ContractStatus.COMPLETED},
    ContractStatus.STOPPED: {ContractStatus.SIGNED},
}


class ContractQuerySet(ScopedQuerySet["Contract"]):
    region_lookup = "application__round__region"
    owner_lookup = "application__organization__accounts"

    def for_listing(self) -> Self:
        return self.select_related("application", "application__round", "application__organization")

    def final_due(self, today: Any) -> Self:
        """Contracts in delivery (or stopped) whose service period has ended without a final
        evaluation: the office owes them one."""
        finals = Evaluation.objects.filter(contract=models.OuterRef("pk"), stage=Stage.FINAL)
        return self.filter(
            status__in=[ContractStatus.SIGNED, ContractStatus.STOPPED], ends_on__lt=today
        ).exclude(models.Exists(finals))


def _feedback_token() -> str:
    return uuid.uuid4().hex


class Contract(models.Model):
    """The contract (签约) for an awarded application; three-party when a supervising third
    party signs too. Its tranches follow the round's milestones."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="contract")
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    amount = _money(_("amount (yuan)"))
    three_party = models.BooleanField(_("three-party contract"), default=False)
    supervisor = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("supervising third party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_contracts",
    )
    starts_on = models.DateField(_("service from"))
    ends_on = models.DateField(_("service until"))
    signed_on = models.DateField(pgettext_lazy("contract", "signed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    feedback_token = models.CharField(max_length=32, unique=True, default=_feedback_token, editable=False)
    results_published = models.BooleanField(_("results published"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="funding_contract_dates"
            ),
            models.CheckConstraint(
                condition=Q(three_party=False) | Q(supervisor__isnull=False),
                name="funding_contract_third_party",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class TrancheStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for its milestone")
    DUE = "due", _("Released, to pay")
    PAID = "paid", pgettext_lazy("tranche status", "Paid")
    HELD = "held", _("Held")


TRANCHE_TRANSITIONS: dict[str, set[str]] = {
    TrancheStatus.WAITING: {TrancheStatus.DUE, TrancheStatus.HELD},
    TrancheStatus.DUE: {TrancheStatus.PAID, TrancheStatus.HELD},
    TrancheStatus.HELD: {TrancheStatus.DUE, TrancheStatus.WAITING},
}


class TrancheQuerySet(ScopedQuerySet["Tranche"]):
    region_lookup = "contract__application__round__region"
    owner_lookup = "contract__application__organization__accounts"


class Tranche(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="tranches")
    position = models.PositiveSmallIntegerField(_("tranche"))
    milestone = models.CharField(_("milestone"), max_length=10, choices=Milestone.choices)
    percent = models.PositiveSmallIntegerField(_("share (%)"))
    amount = _money(_("amount (yuan)"))
    status = models.CharField(
        _("status"), max_length=8, choices=TrancheStatus.choices, default=TrancheStatus.WAITING
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    voucher = models.CharField(_("payment voucher"), max_length=50, blank=True)
    hold_reason = models.CharField(_("why it is held"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TrancheQuerySet.as_manager()

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["contract", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="funding_tranche_position"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_tranche_amount"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False), name="funding_tranche_paid_on"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}#{self.position}"


class Stage(models.TextChoices):
    MID_TERM = "mid_term", _("Mid-term evaluation")
    FINAL = "final", _("Final evaluation")


class EvaluationQuerySet(ScopedQuerySet["Evaluation"]):
    region_lookup = "contract__application__round__region"
    owner_lookup = "contract__application__organization__accounts"


class Evaluation(models.Model):
    """A mid-term or final evaluation: the purchaser's, the beneficiaries' (from the portal's
    satisfaction form) and a third party's scores, weighted into a total that passes or fails."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="evaluations")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    purchaser_score = models.DecimalField(_("purchaser's score"), max_digits=5, decimal_places=2)
    beneficiary_score = models.DecimalField(_("beneficiaries' score"), max_digits=5, decimal_places=2)
    beneficiary_responses = models.PositiveIntegerField(_("satisfaction responses"), default=0)
    third_party_score = models.DecimalField(_("third party's score"), max_digits=5, decimal_places=2)
    third_party = models.CharField(_("third-party evaluator"), max_length=100)
    weights = models.JSONField(_("weights"), default=dict)
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    summary = models.TextField(pgettext_lazy("evaluation", "findings"))
    evaluated_on = models.DateField(_("evaluated on"))
    recorded_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["contract", "evaluated_on", "id"]
        permissions = [("pay_tranche", _("Can pay tranches"))]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.stage}"


class ProgressReportQuerySet(ScopedQuerySet["ProgressReport"]):
    region_lookup = "contract__application__round__region"
    owner_lookup = "contract__application__organization__accounts"


class ProgressReport(models.Model):
    """An organization's monthly or quarterly report on its funded project."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(pgettext_lazy("progress report", "period"), max_length=30)
    activities = models.PositiveIntegerField(_("activities held"), default=0)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    spent = _money(_("spent to date (yuan)"), default=ZERO)
    text = models.TextField(_("progress"))
    problems = models.TextField(_("problems and next steps"), blank=True)
    submitted_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    comment = models.TextField(_("office's comment"), blank=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["contract", "-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.period


class SatisfactionResponse(models.Model):
    """A beneficiary's answer to the short satisfaction form (reached by the contract's QR code)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="responses")
    rating = models.PositiveSmallIntegerField(_("overall satisfaction"))
    helpful = models.PositiveSmallIntegerField(_("the service helped me"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction response")
        verbose_name_plural = _("satisfaction responses")
        ordering = ["contract", "-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5, helpful__gte=1, helpful__lte=5),
                name="funding_response_scale",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.rating}"


# Per-case mediation subsidies (调解个案补贴) ------------------------------------------------


class CaseSubsidyStatus(models.TextChoices):
    GRANTED = "granted", pgettext_lazy("subsidy status", "Granted")
    PAID = "paid", pgettext_lazy("subsidy status", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("subsidy status", "Cancelled")


CASE_SUBSIDY_TRANSITIONS: dict[str, set[str]] = {
    CaseSubsidyStatus.GRANTED: {CaseSubsidyStatus.PAID, CaseSubsidyStatus.CANCELLED},
}


class CaseSubsidyQuerySet(ScopedQuerySet["CaseSubsidy"]):
    region_lookup = "region"
    owner_lookup = "payee__accounts"

    def totals(self) -> models.QuerySet[Any]:
        """Per year and payee: granted, paid and the number of cases."""
        from django.db.models import Count
        from django.db.models.functions import ExtractYear

        live = self.exclude(status=CaseSubsidyStatus.CANCELLED)
        return (
            live.annotate(year=ExtractYear("raised_on"))
            .values("year", "payee_name")
            .annotate(
                cases=Count("id"),
                total=Coalesce(Sum("amount"), ZERO),
                paid=Coalesce(Sum("amount", filter=Q(status=CaseSubsidyStatus.PAID)), ZERO),
            )
            .order_by("-year", "payee_name")
        )


class CaseSubsidy(models.Model):
    """A per-case mediation subsidy: one successful mediation case, one payment to the mediation
    committee or organization that handled it. The mediation records of the activities app raise
    them through ``services.subsidies.raise_case_subsidy``; the case is named by its reference."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    case_reference = models.CharField(_("case"), max_length=60, unique=True)
    case_title = models.CharField(_("dispute"), max_length=200)
    payee = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("paid to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_subsidies",
    )
    payee_name = models.CharField(_("payee"), max_length=200)
    amount = _money(_("amount (yuan)"))
    raised_on = models.DateField(_("raised on"))
    status = models.CharField(
        _("status"), max_length=10, choices=CaseSubsidyStatus.choices, default=CaseSubsidyStatus.GRANTED
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    voucher = models.CharField(_("payment voucher"), max_length=50, blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CaseSubsidyQuerySet.as_manager()

    class Meta:
        verbose_name = _("per-case mediation subsidy")
        verbose_name_plural = _("per-case mediation subsidies")
        ordering = ["-raised_on", "-id"]
        permissions = [("pay_case_subsidy", _("Can pay per-case mediation subsidies"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_case_subsidy_amount"),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(voucher="")),
                name="funding_case_subsidy_paid",
            ),
        ]

    def __str__(self) -> str:
        return self.case_reference


# History -------------------------------------------------------------------------------------


class FundingEvent(WorkflowEvent):
    """One step in any funding workflow (who, when, from, to, note), filed under its round where
    there is one."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, null=True, blank=True, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("funding event")
        verbose_name_plural = _("funding events")
        indexes = [models.Index(fields=["subject", "subject_id"], name="funding_event_subject")]
