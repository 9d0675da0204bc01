"""Incubation (孵化): incubators at county and town level, intake calls and applications with a
configurable scoring form, residencies of a configurable length with extensions and early exit,
services and training events delivered to residents, growth assessment against a configurable
rubric, graduation (出壳) into the registry's workflow, and subsidies as payment records.

Every workflow object carries a ``status`` with a transitions map and a ``version``; the history
of a residency and everything around it is in ``IncubationEvent``."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.core.models import WorkflowEvent
from peiyu.core.scoping import ScopedQuerySet
from peiyu.lib.masking import mask_phone

AUTH = settings.AUTH_USER_MODEL


class IncubatorScoped(ScopedQuerySet[Any]):
    """Rows that belong to an incubator: staff by the incubator's region, operator accounts
    those of the incubators they run."""

    region_lookup = "incubator__region"
    owner_lookup = "incubator__accounts"


class ResidencyScoped(ScopedQuerySet[Any]):
    """Rows that belong to a residency: reached the way its incubator is."""

    region_lookup = "residency__incubator__region"
    owner_lookup = "residency__incubator__accounts"


# Incubators ------------------------------------------------------------------------------


class Level(models.TextChoices):
    COUNTY = "county", _("County incubation centre")
    TOWN = "town", _("Town incubation station")


class IncubatorStatus(models.TextChoices):
    ACTIVE = "active", _("Operating")
    CLOSED = "closed", pgettext_lazy("incubator status", "Closed")


class IncubatorQuerySet(ScopedQuerySet["Incubator"]):
    region_lookup = "region"
    owner_lookup = "accounts"

    def operating(self) -> Self:
        return self.filter(status=IncubatorStatus.ACTIVE)

    def for_listing(self) -> Self:
        return self.select_related("region", "operator").annotate(
            residents=Count(
                "residencies",
                filter=Q(residencies__status__in=[ResidencyStatus.ACTIVE, ResidencyStatus.GRADUATING]),
                distinct=True,
            ),
            graduates=Count(
                "residencies", filter=Q(residencies__status=ResidencyStatus.GRADUATED), distinct=True
            ),
        )


class Incubator(models.Model):
    """A county incubation centre (孵化中心/孵化园/孵化基地) or a town station (孵化站), often run
    by a third-party organization (seed 004) whose staff sign in as its operator accounts."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="incubators"
    )
    operator = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("operating organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_incubators",
        help_text=_("The organization that runs it, often a third party; empty when the office runs it."),
    )
    accounts: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        AUTH, verbose_name=_("operator accounts"), blank=True, related_name="incubators"
    )
    capacity = models.PositiveSmallIntegerField(_("capacity (residents at a time)"), default=10)
    address = models.CharField(_("address"), max_length=200)
    floor_area = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    phone = models.CharField(_("office phone"), max_length=20, blank=True)
    fields = models.ManyToManyField("orgs.Field", verbose_name=_("fields it serves"), blank=True)
    description = models.TextField(_("introduction"), blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=IncubatorStatus.choices, default=IncubatorStatus.ACTIVE
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IncubatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubator")
        verbose_name_plural = _("incubators")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="incubator_name_unique"),
            models.CheckConstraint(condition=Q(level__in=["county", "town"]), name="incubator_level_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    """A person who works at an incubator (shown by name and duty; the phone is masked)."""

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("name"), max_length=50)
    duty = models.CharField(_("duty"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    is_social_worker = models.BooleanField(_("certified social worker"), default=False)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["incubator", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.duty}）"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class Criterion(models.Model):
    """One line of an incubator's intake scoring form."""

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=100)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    guidance = models.CharField(_("what earns the points"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("intake criterion")
        verbose_name_plural = _("intake criteria")
        ordering = ["incubator", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_points_positive")
        ]

    def __str__(self) -> str:
        return self.name


class Dimension(models.Model):
    """One dimension of an incubator's growth-assessment rubric (成长评估)."""

    incubator = models.ForeignKey(Incubator, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("dimension"), max_length=100)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    anchors = models.TextField(
        _("anchor descriptions"), blank=True, help_text=_("What a low, a middle and a high score look like.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("growth dimension")
        verbose_name_plural = _("growth dimensions")
        ordering = ["incubator", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="dimension_points_positive")
        ]

    def __str__(self) -> str:
        return self.name


# Intake ------------------------------------------------------------------------------------


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", pgettext_lazy("call", "Open")
    CLOSED = "closed", pgettext_lazy("call", "Closed")


CALL_TRANSITIONS: dict[str, set[str]] = {
    CallStatus.DRAFT: {CallStatus.OPEN},
    CallStatus.OPEN: {CallStatus.CLOSED},
    CallStatus.CLOSED: set(),
}


class CallQuerySet(IncubatorScoped):
    def published(self) -> Self:
        return self.filter(status__in=[CallStatus.OPEN, CallStatus.CLOSED])


class Call(models.Model):
    """A call for intake (招募): one intake round, which is also the cohort (期) its residents
    graduate with. A call may answer a need that staff saw among residents."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.PROTECT, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("call text"))
    need = models.TextField(
        _("need it answers"), blank=True, help_text=_("The residents' need that staff turned into this call.")
    )
    places = models.PositiveSmallIntegerField(_("places"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    fields = models.ManyToManyField("orgs.Field", verbose_name=_("fields sought"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=CallStatus.choices, default=CallStatus.DRAFT)
    created_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for intake")
        verbose_name_plural = _("calls for intake")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="call_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(places__gt=0), name="call_places_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def accepts_on(self, day: Any) -> bool:
        return self.status == CallStatus.OPEN and self.opens_on <= day <= self.closes_on


class ApplicantKind(models.TextChoices):
    GROUP = "group", _("A group being formed")
    ORGANIZATION = "organization", _("An organization in the registry")


class IntakeStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ADMITTED = "admitted", _("Admitted")
    DECLINED = "declined", pgettext_lazy("intake status", "Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


INTAKE_TRANSITIONS: dict[str, set[str]] = {
    IntakeStatus.SUBMITTED: {IntakeStatus.ADMITTED, IntakeStatus.DECLINED, IntakeStatus.WITHDRAWN},
    IntakeStatus.ADMITTED: set(),
    IntakeStatus.DECLINED: set(),
    IntakeStatus.WITHDRAWN: set(),
}


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    OFFICE = "office", _("Entered by staff")


class IntakeApplicationQuerySet(IncubatorScoped):
    def waiting(self) -> Self:
        return self.filter(status=IntakeStatus.SUBMITTED)

    def for_listing(self) -> Self:
        return self.select_related("incubator", "call", "region", "organization").annotate(
            review_count=Count("reviews")
        )


def _reference() -> str:
    return uuid.uuid4().hex[:12].upper()


class IntakeApplication(models.Model):
    """An application to enter an incubator, from a group being formed or from an organization
    already filed or registered."""

    reference = models.CharField(_("reference number"), max_length=12, unique=True, default=_reference)
    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.PROTECT, related_name="applications"
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("call for intake"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    applicant_kind = models.CharField(_("applicant"), max_length=12, choices=ApplicantKind.choices)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_applications",
    )
    name = models.CharField(_("name of the group or organization"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("where it works"), on_delete=models.PROTECT, related_name="+"
    )
    fields = models.ManyToManyField("orgs.Field", verbose_name=_("fields of activity"), blank=True)
    members = models.PositiveSmallIntegerField(_("members"), default=0)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    plan = models.TextField(_("what it wants to do"))
    support_needed = models.TextField(_("support it needs"), blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.OFFICE)
    status = models.CharField(
        _("status"), max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = IntakeApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("intake application")
        verbose_name_plural = _("intake applications")
        ordering = ["-id"]
        permissions = [("decide_intake", _("Can admit or decline intake applications"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(applicant_kind="group") | Q(organization__isnull=False),
                name="intake_organization_named",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone) if self.contact_phone else ""


class Review(models.Model):
    """One reviewer's scores on the incubator's intake form: ``scores`` maps criterion ids to
    points, ``total`` is their sum."""

    application = models.ForeignKey(IntakeApplication, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(AUTH, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+")
    scores: models.JSONField[dict[str, Any]] = models.JSONField(_("scores"), default=dict)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("scored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("intake review")
        verbose_name_plural = _("intake reviews")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_once_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.total}"


# Residency ---------------------------------------------------------------------------------


class ResidencyStatus(models.TextChoices):
    ACTIVE = "active", _("In residence")
    GRADUATING = "graduating", _("Graduating (with the registry)")
    GRADUATED = "graduated", _("Graduated")
    EXITED = "exited", _("Left early")


RESIDENCY_TRANSITIONS: dict[str, set[str]] = {
    ResidencyStatus.ACTIVE: {ResidencyStatus.GRADUATING, ResidencyStatus.GRADUATED, ResidencyStatus.EXITED},
    ResidencyStatus.GRADUATING: {ResidencyStatus.ACTIVE, ResidencyStatus.GRADUATED, ResidencyStatus.EXITED},
    ResidencyStatus.GRADUATED: set(),
    ResidencyStatus.EXITED: set(),
}
CURRENT = (ResidencyStatus.ACTIVE, ResidencyStatus.GRADUATING)


class ResidencyQuerySet(IncubatorScoped):
    def current(self) -> Self:
        return self.filter(status__in=CURRENT)

    def overdue(self, today: Any) -> Self:
        return self.current().filter(planned_end_on__lt=today)

    def ending_within(self, today: Any, until: Any) -> Self:
        return self.current().filter(planned_end_on__gte=today, planned_end_on__lte=until)

    def for_listing(self) -> Self:
        return self.select_related("incubator", "organization", "region", "call")


class Residency(models.Model):
    """A group or organization inside an incubator (入驻) from ``started_on`` to
    ``planned_end_on`` (the maximum, moved by approved extensions), until it graduates or
    leaves."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.PROTECT, related_name="residencies"
    )
    intake = models.OneToOneField(
        IntakeApplication,
        verbose_name=_("intake application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residency",
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residencies",
    )
    name = models.CharField(_("resident"), max_length=200)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residencies",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("where it works"), on_delete=models.PROTECT, related_name="+"
    )
    workspace = models.CharField(_("workspace"), max_length=100, blank=True)
    started_on = models.DateField(_("started on"))
    planned_end_on = models.DateField(_("must leave by"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ResidencyStatus.choices, default=ResidencyStatus.ACTIVE
    )
    exit_reason = models.TextField(_("reason for leaving early"), blank=True)
    application = models.ForeignKey(
        "orgs.Application",
        verbose_name=_("registry application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residencies",
    )
    agreement_number = models.CharField(_("agreement number"), max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ResidencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        ordering = ["-started_on", "-id"]
        permissions = [
            ("decide_extension", _("Can approve or decline residency extensions")),
            ("graduate_residency", _("Can start a resident's graduation into the registry")),
        ]
        indexes = [models.Index(fields=["status", "planned_end_on"], name="residency_status_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__gt=models.F("started_on")), name="residency_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "graduating"]) | Q(ended_on__isnull=False),
                name="residency_ended_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", pgettext_lazy("extension status", "Declined")


EXTENSION_TRANSITIONS: dict[str, set[str]] = {
    ExtensionStatus.REQUESTED: {ExtensionStatus.APPROVED, ExtensionStatus.DECLINED},
    ExtensionStatus.APPROVED: set(),
    ExtensionStatus.DECLINED: set(),
}


class ExtensionQuerySet(ResidencyScoped):
    pass


class Extension(models.Model):
    """A request to stay longer than the maximum, with its reason and the office's decision."""

    residency = models.ForeignKey(Residency, on_delete=models.CASCADE, related_name="extensions")
    months = models.PositiveSmallIntegerField(_("months"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.REQUESTED
    )
    requested_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ExtensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(months__gt=0), name="extension_months_positive")]

    def __str__(self) -> str:
        return f"{self.residency} +{self.months}"


# Services and training ---------------------------------------------------------------------


class ServiceKind(models.TextChoices):
    REGISTRATION_GUIDANCE = "registration_guidance", _("Registration guidance")
    POLICY = "policy", _("Policy briefing")
    INFORMATION = "information", _("Information service")
    TRAINING = "training", _("Skills training")
    HUMAN_RESOURCES = "human_resources", _("Human resources")
    PROJECT_DESIGN = "project_design", _("Project design")
    EXPERT_LINK = "expert_link", _("Expert connection")
    FINANCIAL_CUSTODY = "financial_custody", _("Financial custody")
    MANAGEMENT = "management", _("Management consulting")
    REGISTRATION_ASSISTANCE = "registration_assistance", _("Registration assistance")
    OFFICE_SPACE = "office_space", _("Office space")


class TrainingEventQuerySet(IncubatorScoped):
    def for_listing(self) -> Self:
        return self.select_related("incubator").annotate(
            attendees=models.Sum("services__attendees"), organizations=Count("services")
        )


class TrainingEvent(models.Model):
    """A training or briefing for several residents at once; its attendance sheet records who
    came, and each attending resident gets it in its service log."""

    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(
        _("service type"), max_length=24, choices=ServiceKind.choices, default=ServiceKind.TRAINING
    )
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    place = models.CharField(_("place"), max_length=150, blank=True)
    provider = models.CharField(pgettext_lazy("training event", "provider"), max_length=100)
    description = models.TextField(_("content"), blank=True)
    created_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TrainingEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("training event")
        verbose_name_plural = _("training events")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="event_hours_positive")]

    def __str__(self) -> str:
        return self.title


class ServiceQuerySet(ResidencyScoped):
    pass


class Service(models.Model):
    """A service delivered to one resident: by type, provider, hours and attendees. Attendance
    at a training event is a service row of that event."""

    residency = models.ForeignKey(
        Residency, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="services"
    )
    kind = models.CharField(_("service type"), max_length=24, choices=ServiceKind.choices)
    delivered_on = models.DateField(_("delivered on"))
    provider = models.CharField(pgettext_lazy("incubation service", "provider"), max_length=100)
    expert = models.ForeignKey(
        "people.Expert",
        verbose_name=_("expert from the pool"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    attendees = models.PositiveSmallIntegerField(_("attendees"), default=1)
    description = models.TextField(_("what was done"), blank=True)
    event = models.ForeignKey(
        TrainingEvent,
        verbose_name=_("training event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="services",
    )
    recorded_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubation service")
        verbose_name_plural = _("incubation services")
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["residency", "delivered_on"], name="service_residency_day")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="service_hours_positive"),
            models.UniqueConstraint(
                fields=["event", "residency"], condition=Q(event__isnull=False), name="service_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.residency}"


# Growth assessment -------------------------------------------------------------------------


class Stage(models.TextChoices):
    INTAKE = "intake", _("At intake")
    MIDWAY = "midway", _("Midway")
    EXIT = "exit", _("At exit")


class AssessmentQuerySet(ResidencyScoped):
    pass


class Assessment(models.Model):
    """A growth assessment (成长评估) of a resident at one stage: ``scores`` maps dimension ids
    to points; ``total`` is their sum and ``percent`` the share of the maximum."""

    residency = models.ForeignKey(Residency, on_delete=models.CASCADE, related_name="assessments")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(AUTH, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+")
    scores: models.JSONField[dict[str, Any]] = models.JSONField(_("scores"), default=dict)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1)
    percent = models.DecimalField(_("share of the maximum (%)"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("growth assessment")
        verbose_name_plural = _("growth assessments")
        ordering = ["residency", "assessed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["residency", "stage"], name="assessment_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.residency} · {self.get_stage_display()}"


# Subsidies ---------------------------------------------------------------------------------


class SubsidyKind(models.TextChoices):
    STARTUP = "startup", _("Start-up subsidy")
    RESIDENCY = "residency", _("Residency subsidy")


class SubsidyStatus(models.TextChoices):
    GRANTED = "granted", _("Granted, to be paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


SUBSIDY_TRANSITIONS: dict[str, set[str]] = {
    SubsidyStatus.GRANTED: {SubsidyStatus.PAID, SubsidyStatus.CANCELLED},
    SubsidyStatus.PAID: set(),
    SubsidyStatus.CANCELLED: set(),
}


class SubsidyQuerySet(IncubatorScoped):
    def counted(self) -> Self:
        """Subsidies that count against a cap: granted or paid."""
        return self.exclude(status=SubsidyStatus.CANCELLED)

    def for_listing(self) -> Self:
        return self.select_related("incubator", "residency", "organization")

    def totals(self) -> list[dict[str, Any]]:
        """Granted-or-paid amounts per year and incubator: start-up, residency, paid, to pay."""
        money: models.DecimalField[Decimal, Decimal] = models.DecimalField(max_digits=14, decimal_places=2)
        zero = models.Value(Decimal(0), output_field=money)

        def total(condition: Q) -> models.Expression:
            return Coalesce(models.Sum("amount", filter=condition), zero, output_field=money)

        return list(
            self.counted()
            .values("year", "incubator_id", "incubator__name")
            .annotate(
                startup=total(Q(kind=SubsidyKind.STARTUP)),
                residency=total(Q(kind=SubsidyKind.RESIDENCY)),
                paid=total(Q(status=SubsidyStatus.PAID)),
                to_pay=total(Q(status=SubsidyStatus.GRANTED)),
                total=total(Q()),
            )
            .order_by("-year", "incubator__name")
        )


class Subsidy(models.Model):
    """A subsidy as a payment record: granted with its amount, then paid (date and voucher) or
    cancelled. The start-up subsidy (开办费补贴) is granted once per organization on
    registration; residency subsidies (孵化补贴) are capped per resident per year."""

    kind = models.CharField(_("kind"), max_length=10, choices=SubsidyKind.choices)
    incubator = models.ForeignKey(
        Incubator, verbose_name=_("incubator"), on_delete=models.PROTECT, related_name="subsidies"
    )
    residency = models.ForeignKey(
        Residency, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="subsidies"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidies",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    period = models.CharField(_("period"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SubsidyStatus.choices, default=SubsidyStatus.GRANTED
    )
    note = models.TextField(_("note"), blank=True)
    granted_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    voucher = models.CharField(_("payment voucher"), max_length=50, blank=True)
    paid_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SubsidyQuerySet.as_manager()

    class Meta:
        verbose_name = _("subsidy")
        verbose_name_plural = _("subsidies")
        ordering = ["-year", "-id"]
        permissions = [("pay_subsidy", _("Can grant and pay incubation subsidies"))]
        # Covers the totals per year and incubator (an index-only scan province-wide).
        indexes = [
            models.Index(fields=["year", "incubator", "status", "kind", "amount"], name="subsidy_year_totals")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal(0)), name="subsidy_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False), name="subsidy_paid_has_date"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(kind="startup") & ~Q(status="cancelled"),
                name="subsidy_startup_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.residency} · {self.amount}"


# History -----------------------------------------------------------------------------------


class IncubationEvent(WorkflowEvent):
    """One step in any incubation workflow (who, when, from, to, note), filed under the
    residency it concerns where there is one."""

    residency = models.ForeignKey(
        Residency, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("incubation event")
        verbose_name_plural = _("incubation events")
        indexes = [models.Index(fields=["subject", "subject_id"], name="incubation_event_subject")]
