"""Activities (活动), people's mediation (人民调解) and village deliberation (百姓议事堂).

* ``Activity``: what organizations (and village committees) do for residents — legal education,
  consultations, services, training — with its beneficiaries, photos, the funded project it
  belongs to and the volunteers who attended (attendance raises their hours, pending).
* ``MediationCase``: a dispute as the 司法部 formats record it (registration, parties, mediators,
  mediation records, the agreement written or oral with how and by when it is performed,
  follow-up visits, judicial confirmation within 30 days of the agreement), its outcome and the
  amount involved.
* ``Council``: a deliberation hall, residents' autonomy council, village-group council or women's
  council of a village, its members and officers, meetings with agenda, attendance and quorum,
  decisions with their votes and their follow-up to done; minutes published on the portal.

Every workflow object carries a ``status`` with a transitions map and a ``version``; the history
of every step is in ``ActivityEvent``."""

from __future__ import annotations

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.core.models import WorkflowEvent
from peiyu.core.scoping import ScopedQuerySet
from peiyu.lib.masking import mask_phone

AUTH = settings.AUTH_USER_MODEL


def _token() -> str:
    return uuid.uuid4().hex


# Activities ----------------------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    LEGAL_EDUCATION = "legal_education", _("Legal education")
    CONSULTATION = "consultation", _("Legal consultation")
    SERVICE = "service", _("Service")
    TRAINING = "training", pgettext_lazy("activity kind", "Training")
    CULTURE = "culture", _("Rule-of-law culture")
    OTHER = "other", _("Other")


class ActivityQuerySet(ScopedQuerySet["Activity"]):
    """Staff see the activities held in their region; organizations their own."""

    region_lookup = "region"
    owner_lookup = "organization__accounts"

    def figures(self) -> dict[str, int]:
        """Activities held, people served, and the legal-education events and consultations
        the seeds count (seed 001: 800 events and 9,500 consultations a year), one query."""
        return self.aggregate(
            activities=Count("id"),
            served=Coalesce(Sum("beneficiaries"), 0),
            legal_education=Count("id", filter=Q(kind=ActivityKind.LEGAL_EDUCATION)),
            consultations=Coalesce(Sum("beneficiaries", filter=Q(kind=ActivityKind.CONSULTATION)), 0),
        )


class Activity(models.Model):
    """One activity held for residents, by an organization or by a village committee."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        help_text=_("Empty when the village or town held it itself."),
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=pgettext_lazy("activity", "where"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=100)
    held_on = models.DateField(_("held on"))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    field = models.ForeignKey(
        "orgs.Field",
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    beneficiaries = models.PositiveIntegerField(_("people served"), default=0)
    target_groups = models.ManyToManyField(
        "orgs.TargetGroup", verbose_name=_("groups served"), blank=True, related_name="+"
    )
    contract = models.ForeignKey(
        "funding.Contract",
        verbose_name=_("funded project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    description = models.TextField(_("what was done"), blank=True)
    feedback_token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    recorded_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["region", "held_on"], name="activity_region_day"),
            models.Index(fields=["organization", "held_on"], name="activity_org_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="activity_span",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActivityPhoto(models.Model):
    """A photo of an activity, re-encoded without its metadata (location included)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    content = models.BinaryField(editable=False)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self) -> str:
        return f"{self.activity_id} photo {self.pk}"


class Attendance(models.Model):
    """A volunteer at an activity; the service hours it raises wait for the organizer."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    volunteer = models.ForeignKey("people.Volunteer", on_delete=models.PROTECT, related_name="+")
    service_record = models.OneToOneField(
        "people.ServiceRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="activity_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.volunteer_id}"


# People's mediation (人民调解) -------------------------------------------------------------------


class DisputeType(models.TextChoices):
    MARRIAGE_FAMILY = "marriage_family", _("Marriage and family")
    NEIGHBOUR = "neighbour", _("Neighbours")
    HOUSING = "housing", _("Housing and homestead")
    CONTRACT = "contract", _("Contract")
    BUSINESS = "business", _("Production and business")
    DAMAGES = "damages", _("Compensation for damage")
    LAND = "land", _("Land and forest")
    DEMOLITION = "demolition", _("Land requisition and demolition")
    ENVIRONMENT = "environment", _("Environmental pollution")
    LABOUR = "labour", _("Labour")
    CONSUMER = "consumer", _("Consumer")
    MEDICAL = "medical", _("Medical")
    TRAFFIC = "traffic", _("Road traffic accident")
    PROPERTY_MANAGEMENT = "property_management", _("Property management")
    OTHER = "other", _("Other")


class CaseSource(models.TextChoices):
    APPLICATION = "application", _("A party applied")
    INITIATIVE = "initiative", _("The committee took it up")
    POLICE = "police", _("Referred by the police")
    COURT = "court", _("Entrusted by a court")
    GOVERNMENT = "government", _("Assigned by the government")


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("case status", "Registered")
    MEDIATING = "mediating", _("Being mediated")
    SUCCEEDED = "succeeded", _("Agreement reached")
    FAILED = "failed", _("Ended without agreement")


CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.REGISTERED: {CaseStatus.MEDIATING, CaseStatus.FAILED},
    CaseStatus.MEDIATING: {CaseStatus.SUCCEEDED, CaseStatus.FAILED},
}


class AgreementForm(models.TextChoices):
    WRITTEN = "written", _("Written agreement")
    ORAL = "oral", _("Oral agreement")


class Performance(models.TextChoices):
    PENDING = "pending", _("Not yet due or not yet checked")
    PERFORMED = "performed", _("Performed")
    PARTLY = "partly", _("Partly performed")
    NOT_PERFORMED = "not_performed", _("Not performed")


class Mediator(models.Model):
    """A people's mediator of a committee (village, town or an organization's)."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    committee = models.CharField(_("mediation committee"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    is_full_time = models.BooleanField(_("full-time"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["region", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class CaseQuerySet(ScopedQuerySet["MediationCase"]):
    region_lookup = "region"
    owner_lookup = "organization__accounts"

    def succeeded(self) -> Self:
        return self.filter(status=CaseStatus.SUCCEEDED)

    def figures(self) -> dict[str, Any]:
        """The mediation figures of these cases (one query): registered, handled (concluded
        with or without agreement), successful, agreements performed, judicial confirmations,
        the amount involved in agreements, and the handled and success rates in percent."""
        return _with_rates(self.aggregate(**_case_figures()))

    def figures_by(self, digits: int) -> dict[str, dict[str, Any]]:
        """The same figures grouped by the first ``digits`` of the region code (6 for counties,
        9 for towns, 12 for villages), one query."""
        rows = (
            self.annotate(place=Substr("region_id", 1, digits))
            .order_by()
            .values("place")
            .annotate(**_case_figures())
        )
        return {row.pop("place").ljust(12, "0"): _with_rates(row) for row in rows}


def _case_figures() -> dict[str, Any]:
    concluded = [CaseStatus.SUCCEEDED, CaseStatus.FAILED]
    return {
        "registered": Count("id"),
        "handled": Count("id", filter=Q(status__in=concluded)),
        "succeeded": Count("id", filter=Q(status=CaseStatus.SUCCEEDED)),
        "performed": Count("id", filter=Q(status=CaseStatus.SUCCEEDED, performance=Performance.PERFORMED)),
        "confirmed": Count("id", filter=Q(confirmed_on__isnull=False)),
        "amount": Coalesce(Sum("amount", filter=Q(status=CaseStatus.SUCCEEDED)), Decimal(0)),
    }


def _with_rates(row: dict[str, Any]) -> dict[str, Any]:
    row["handled_rate"] = _percent(row["handled"], row["registered"])
    row["success_rate"] = _percent(row["succeeded"], row["handled"])
    return row


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


class MediationCase(models.Model):
    """A dispute registered with a mediation committee, and what became of it."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("committee's place"), on_delete=models.PROTECT, related_name="+"
    )
    committee = models.CharField(_("mediation committee"), max_length=100)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediation_cases",
        help_text=_("The organization whose mediators handled it, when not the village or town committee."),
    )
    dispute_type = models.CharField(_("type of dispute"), max_length=20, choices=DisputeType.choices)
    source = models.CharField(_("source"), max_length=12, choices=CaseSource.choices)
    summary = models.TextField(_("the dispute in brief"))
    claims = models.TextField(_("what is asked"), blank=True)
    registered_on = models.DateField(_("registered on"))
    mediators = models.ManyToManyField(
        Mediator, verbose_name=_("mediators"), blank=True, related_name="cases"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    amount = models.DecimalField(
        _("amount involved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    agreement_form = models.CharField(_("agreement"), max_length=8, choices=AgreementForm.choices, blank=True)
    agreement_text = models.TextField(_("terms agreed"), blank=True)
    agreed_on = models.DateField(_("agreement took effect on"), null=True, blank=True)
    performance_method = models.CharField(_("how it is performed"), max_length=200, blank=True)
    performance_due = models.DateField(_("to be performed by"), null=True, blank=True)
    performance = models.CharField(
        _("performance"), max_length=14, choices=Performance.choices, default=Performance.PENDING
    )
    performed_on = models.DateField(_("performed on"), null=True, blank=True)
    confirmation_applied_on = models.DateField(
        _("judicial confirmation applied for on"), null=True, blank=True
    )
    confirmation_court = models.CharField(_("court"), max_length=100, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    failure_reason = models.TextField(_("why it ended without agreement"), blank=True)
    routes_told = models.TextField(
        _("other routes the parties were told of"),
        blank=True,
        help_text=_("Arbitration, administrative or judicial routes (Art. 26)."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    prevented_escalation = models.BooleanField(_("prevented a criminal case"), default=False)
    prevented_petition = models.BooleanField(_("prevented a group petition"), default=False)
    feedback_token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    recorded_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["region", "registered_on"], name="mediation_region_day"),
            models.Index(fields=["status", "closed_on"], name="mediation_status_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="succeeded") | (Q(agreed_on__isnull=False) & ~Q(agreement_form="")),
                name="mediation_success_has_agreement",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure_reason=""), name="mediation_failure_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="mediation_amount"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def confirmation_deadline(self, days: int = 30) -> datetime.date | None:
        """The last day the parties may jointly apply for judicial confirmation (Art. 33)."""
        if self.agreed_on is None or self.agreement_form != AgreementForm.WRITTEN:
            return None
        return self.agreed_on + datetime.timedelta(days=days)


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")
    OTHER = "other", _("Other party")


class Party(models.Model):
    """A party to a dispute; the phone and identity number are shown masked."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(pgettext_lazy("party", "role"), max_length=10, choices=PartyRole.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=2, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    id_number = models.CharField(_("identity number"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "role", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Session(models.Model):
    """A mediation record (人民调解记录): when, where, who, what each side said, the result."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.CharField(_("present"), max_length=300)
    record = models.TextField(_("record"))
    result = models.CharField(pgettext_lazy("mediation", "result"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("mediation record")
        verbose_name_plural = _("mediation records")
        ordering = ["case", "held_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_at:%Y-%m-%d}"


class FollowUp(models.Model):
    """A follow-up visit (回访记录): is the agreement performed, are the parties satisfied."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("visited on"))
    visitor = models.CharField(_("visited by"), max_length=50)
    performance = models.CharField(_("performance found"), max_length=14, choices=Performance.choices)
    satisfied = models.BooleanField(_("parties satisfied"), null=True, blank=True)
    note = models.TextField(_("what was found"), blank=True)
    recorded_by = models.ForeignKey(AUTH, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["case", "visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"


# Deliberation (百姓议事堂 and councils) ------------------------------------------------------------


class CouncilKind(models.TextChoices):
    HALL = "hall", _("Deliberation hall (百姓议事堂)")
    RESIDENTS = "residents", _("Residents' autonomy council")
    VILLAGE_GROUP = "village_group", _("Village-group council")
    WOMEN = "women", _("Women's council")


class CouncilQuerySet(ScopedQuerySet["Council"]):
    region_lookup = "region"


class Council(models.Model):
    """A village's deliberation hall or council."""

    kind = models.CharField(_("kind"), max_length=14, choices=CouncilKind.choices)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    place = models.CharField(_("meeting place"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["region", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="council_name_unique")]

    def __str__(self) -> str:
        return self.name


class Office(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", pgettext_lazy("council office", "Secretary")
    MEMBER = "member", pgettext_lazy("council office", "Member")


class CouncilMemberQuerySet(ScopedQuerySet["CouncilMember"]):
    region_lookup = "council__region"


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    office = models.CharField(_("office"), max_length=10, choices=Office.choices, default=Office.MEMBER)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    objects = CouncilMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "office", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class MeetingKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary meeting")
    ELECTION = "election", _("Election")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
    HELD = "held", pgettext_lazy("meeting status", "Held")
    PUBLISHED = "published", _("Minutes published")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


MEETING_TRANSITIONS: dict[str, set[str]] = {
    MeetingStatus.PLANNED: {MeetingStatus.HELD, MeetingStatus.CANCELLED},
    MeetingStatus.HELD: {MeetingStatus.PUBLISHED},
}


class MeetingQuerySet(ScopedQuerySet["Meeting"]):
    region_lookup = "council__region"

    def published(self) -> Self:
        return self.filter(status=MeetingStatus.PUBLISHED)


class Meeting(models.Model):
    """A council meeting: agenda, who attended, whether it had its quorum, the minutes."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(
        _("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.ORDINARY
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"))
    attendees = models.ManyToManyField(CouncilMember, verbose_name=_("present"), blank=True, related_name="+")
    members_total = models.PositiveSmallIntegerField(_("members at the time"), default=0)
    present = models.PositiveSmallIntegerField(_("present"), default=0)
    quorum_met = models.BooleanField(_("quorum met"), null=True, blank=True)
    # The quorum's share in force when the meeting was recorded (2/3 as 2 and 3), so a later
    # change of the setting does not rewrite what the minutes say.
    quorum_top = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    quorum_bottom = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    minutes = models.TextField(pgettext_lazy("meeting", "minutes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.council_id} {self.held_on}"


class DecisionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("decision status", "To be carried out")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("decision status", "Done")
    DROPPED = "dropped", _("Dropped")


DECISION_TRANSITIONS: dict[str, set[str]] = {
    DecisionStatus.OPEN: {DecisionStatus.IN_PROGRESS, DecisionStatus.DONE, DecisionStatus.DROPPED},
    DecisionStatus.IN_PROGRESS: {DecisionStatus.DONE, DecisionStatus.DROPPED},
}


class DecisionQuerySet(ScopedQuerySet["Decision"]):
    region_lookup = "meeting__council__region"


class Decision(models.Model):
    """A decision taken at a meeting, with its vote, and followed until done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    votes_for = models.PositiveSmallIntegerField(pgettext_lazy("vote", "for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    adopted = models.BooleanField(_("adopted"))
    responsible = models.CharField(_("responsible"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.TextField(_("how it was carried out"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="decision_done_on"
            )
        ]

    def __str__(self) -> str:
        return self.text[:30]


# Satisfaction ---------------------------------------------------------------------------------


class Rating(models.Model):
    """A recipient's rating of an activity or a mediation, from the portal's short form."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="ratings"
    )
    case = models.ForeignKey(
        MediationCase, on_delete=models.CASCADE, null=True, blank=True, related_name="ratings"
    )
    rating = models.PositiveSmallIntegerField(_("satisfaction"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="activity_rating_scale"),
            models.CheckConstraint(
                condition=Q(activity__isnull=False, case__isnull=True)
                | Q(activity__isnull=True, case__isnull=False),
                name="activity_rating_one_target",
            ),
        ]

    def __str__(self) -> str:
        return str(self.rating)


# History -------------------------------------------------------------------------------------


class ActivityEvent(WorkflowEvent):
    """One step of any workflow of this app (who, when, from, to, note)."""

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        indexes = [models.Index(fields=["subject", "subject_id"], name="activity_event_subject")]
