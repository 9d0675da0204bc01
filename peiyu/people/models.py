"""People: volunteers and their service hours, star levels and certificates; social workers;
the expert pool; legal advisers and their work log."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import AccountType
from peiyu.core.scoping import ScopedQuerySet
from peiyu.lib.divisions import prefix_of
from peiyu.lib.masking import mask_id_card, mask_phone, mask_value
from peiyu.orgs.models import ListEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from peiyu.accounts.models import User


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdType(models.TextChoices):
    RESIDENT = "resident", _("Resident identity card")
    HMT = "hmt", _("Hong Kong, Macao or Taiwan residence permit")
    PASSPORT = "passport", _("Passport")


class Availability(models.TextChoices):
    WEEKDAY = "weekday", _("Weekday daytime")
    EVENING = "evening", _("Weekday evenings")
    WEEKEND = "weekend", _("Weekends")
    HOLIDAY = "holiday", _("Public holidays")


class RegisteredVia(models.TextChoices):
    PORTAL = "portal", _("Self-registered on the portal")
    ORGANIZATION = "organization", _("Registered by an organization")
    STAFF = "staff", _("Registered by an office")
    IMPORT = "import", _("Imported")


class PhoneMasked:
    """People's phones are shown as 3 + 4 digits (first three and last four)."""

    phone: str

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class Skill(ListEntry):
    class Meta(ListEntry.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class TeamQuerySet(ScopedQuerySet["Team"]):
    region_lookup = "region"
    owner_lookup = "organization__accounts"


class Team(models.Model):
    """A volunteer team (志愿服务队), usually run by an organization."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_teams",
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


P = TypeVar("P", bound=models.Model)


class PersonQuerySet(ScopedQuerySet[P]):
    """Staff see their region's subtree; an account sees the person bound to it."""

    region_lookup = "region"
    owner_lookup = "account"


class VolunteerQuerySet(PersonQuerySet["Volunteer"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Organizations also see the volunteers who serve with them."""
        if user.is_authenticated and user.is_active and user.account_type == AccountType.ORGANIZATION:  # type: ignore[union-attr]
            return self.filter(
                pk__in=Enrollment.objects.filter(organization__accounts=user).values("volunteer_id")
            )
        return super().visible_to(user)

    def search(self, text: str) -> Self:
        text = text.strip()
        if not text:
            return self
        if text.isdigit() or text[:-1].isdigit():
            # A volunteer number, or a whole identity number typed by staff.
            return self.filter(Q(number__startswith=text) | Q(id_number=text.upper()))
        return self.filter(name__contains=text)

    def for_listing(self) -> Self:
        return self.select_related("region", "region__parent")


class Volunteer(PhoneMasked, models.Model):
    """A registered volunteer (实名注册). Identity and phone are personal data: pages show them
    masked; the full values need ``people.reveal_identity`` and every reveal is audited."""

    number = models.CharField(_("volunteer number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    id_type = models.CharField(
        _("identity document"), max_length=10, choices=IdType.choices, default="resident"
    )
    id_number = models.CharField(_("identity number"), max_length=30)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="volunteers"
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="volunteers")
    organizations: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "orgs.Organization",
        verbose_name=_("serves with"),
        through="Enrollment",
        blank=True,
        related_name="volunteers",
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
    )
    registered_via = models.CharField(_("registered"), max_length=12, choices=RegisteredVia.choices)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # Kept by the hours services in the same transaction as the records they change.
    approved_minutes = models.PositiveIntegerField(_("approved service time (minutes)"), default=0)
    star_level = models.PositiveSmallIntegerField(_("star level"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["-id"]
        permissions = [
            ("reveal_identity", _("Can see full identity numbers and phones")),
            ("import_volunteers", _("Can import volunteers and service hours")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_type", "id_number"], name="people_volunteer_identity_unique"),
            models.CheckConstraint(condition=Q(star_level__lte=10), name="people_volunteer_star_range"),
        ]
        indexes = [models.Index(fields=["region", "star_level"], name="people_volunteer_region_star")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_card(self.id_number) if self.id_type == IdType.RESIDENT else mask_value(self.id_number)

    @property
    def hours(self) -> float:
        return round(self.approved_minutes / 60, 1)

    @property
    def stars(self) -> str:
        return "★" * self.star_level

    @property
    def availability_labels(self) -> list[str]:
        labels = dict(Availability.choices)
        return [str(labels[code]) for code in self.availability if code in labels]


class Enrollment(models.Model):
    """A volunteer serves with an organization."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="enrollments")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="enrollments"
    )
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "organization"], name="people_enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.organization_id}"


def _token() -> str:
    return secrets.token_urlsafe(12)


class ServiceActivityQuerySet(ScopedQuerySet["ServiceActivity"]):
    region_lookup = "region"
    owner_lookup = "organization__accounts"


class ServiceActivity(models.Model):
    """A volunteer-service activity an organization runs, with a check-in QR link."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="service_activities",
    )
    title = models.CharField(_("activity"), max_length=100)
    place = models.CharField(_("place"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    content = models.TextField(_("service content"), blank=True)
    token = models.CharField(max_length=20, unique=True, default=_token, editable=False)
    is_open = models.BooleanField(_("check-in open"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ServiceActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="people_activity_span"
            )
        ]

    def __str__(self) -> str:
        return self.title


class HoursSource(models.TextChoices):
    RECORDED = "recorded", _("Recorded by the organizer")
    SELF_REPORTED = "self_reported", _("Reported by the volunteer")
    CHECK_IN = "check_in", _("QR check-in")
    ATTENDANCE = "attendance", _("Activity attendance")


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


# Nothing is deleted: a mistaken record is declined with a reason, an approved one too.
HOURS_TRANSITIONS: dict[str, set[str]] = {
    HoursStatus.PENDING: {HoursStatus.APPROVED, HoursStatus.DECLINED},
    HoursStatus.APPROVED: {HoursStatus.DECLINED},
    HoursStatus.DECLINED: set(),
}


class ServiceRecordQuerySet(ScopedQuerySet["ServiceRecord"]):
    region_lookup = "volunteer__region"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Staff by the volunteer's region; organizations the records they organized; a
        volunteer their own."""
        if user.is_authenticated and user.is_active and not user.is_superuser:
            kind = user.account_type  # type: ignore[union-attr]
            if kind == AccountType.ORGANIZATION:
                return self.filter(organization__accounts=user)
            if kind == AccountType.VOLUNTEER:
                return self.filter(volunteer__account=user)
        return super().visible_to(user)

    def counting(self) -> Self:
        """Records that count against overlaps: everything not declined."""
        return self.exclude(status=HoursStatus.DECLINED)

    def overlapping(self, volunteer_id: int, started_at: Any, ended_at: Any) -> Self:
        return self.counting().filter(
            volunteer_id=volunteer_id, started_at__lt=ended_at, ended_at__gt=started_at
        )

    def for_listing(self) -> Self:
        return self.select_related("volunteer", "organization", "activity")


class ServiceRecord(models.Model):
    """Service hours (志愿服务时长): who served, for which organizer, when and doing what."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="service_records"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    activity = models.ForeignKey(
        ServiceActivity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    title = models.CharField(_("activity or project"), max_length=100)
    place = models.CharField(_("place"), max_length=100, blank=True)
    content = models.CharField(_("service content"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("to"))
    minutes = models.PositiveIntegerField(_("minutes"))
    source = models.CharField(_("source"), max_length=14, choices=HoursSource.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.PENDING
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")
        ordering = ["-started_at", "-id"]
        permissions = [("decide_hours", _("Can approve or decline service hours"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=models.F("started_at")), name="people_record_span"
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="people_record_minutes"),
        ]
        indexes = [
            models.Index(fields=["volunteer", "started_at"], name="people_record_person_time"),
            models.Index(fields=["organization", "status"], name="people_record_org_status"),
            models.Index(fields=["volunteer", "status"], name="people_record_person_status"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} h)"

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    def can_move_to(self, status: str) -> bool:
        return status in HOURS_TRANSITIONS.get(self.status, set())


class CheckIn(models.Model):
    """A QR check-in at an activity; check-out turns it into a pending service record."""

    activity = models.ForeignKey(ServiceActivity, on_delete=models.PROTECT, related_name="check_ins")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="check_ins")
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    record = models.OneToOneField(
        ServiceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(checked_out_at__isnull=True),
                name="people_one_open_check_in",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.activity_id}"


class CertificateStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    DECLINED = "declined", _("Declined")


CERTIFICATE_TRANSITIONS: dict[str, set[str]] = {
    CertificateStatus.REQUESTED: {CertificateStatus.ISSUED, CertificateStatus.DECLINED},
    CertificateStatus.ISSUED: set(),
    CertificateStatus.DECLINED: set(),
}


class CertificateQuerySet(ScopedQuerySet["Certificate"]):
    region_lookup = "volunteer__region"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if user.is_authenticated and user.is_active and not user.is_superuser:
            kind = user.account_type  # type: ignore[union-attr]
            if kind == AccountType.ORGANIZATION:
                return self.filter(organization__accounts=user)
            if kind == AccountType.VOLUNTEER:
                return self.filter(volunteer__account=user)
        return super().visible_to(user)


class Certificate(models.Model):
    """A service certificate (志愿服务证明), issued by the organization that recorded the hours
    (谁记录谁证明). What it states is frozen in ``content`` when issued; the PDF and the public
    verification page are drawn from it."""

    number = models.CharField(_("certificate number"), max_length=30, unique=True, null=True, blank=True)
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="certificates"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="certificates"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateStatus.choices, default="requested"
    )
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    content = models.JSONField(_("content"), default=dict, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")
        ordering = ["-requested_at", "-id"]
        permissions = [("issue_certificate", _("Can issue service certificates"))]

    def __str__(self) -> str:
        return self.number or str(_("Certificate request"))

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


class CertificationLevel(models.TextChoices):
    ASSISTANT = "assistant", _("Assistant social worker")
    INTERMEDIATE = "intermediate", _("Social worker")
    SENIOR = "senior", _("Senior social worker")


class SocialWorkerQuerySet(PersonQuerySet["SocialWorker"]):
    region_lookup = "community"

    def for_listing(self) -> Self:
        return self.select_related("community", "community__parent", "employer")


class SocialWorker(PhoneMasked, models.Model):
    """A social worker, certified or not, employed by an organization and serving a community."""

    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("identity number"), max_length=18, unique=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    level = models.CharField(
        _("certification"), max_length=12, choices=CertificationLevel.choices, blank=True
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    employer = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="social_workers",
    )
    community = models.ForeignKey(
        "regions.Region", verbose_name=_("community"), on_delete=models.PROTECT, related_name="social_workers"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="social_worker",
    )
    is_active = models.BooleanField(_("in service"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SocialWorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("social worker")
        verbose_name_plural = _("social workers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_card(self.id_number)


class Training(models.Model):
    social_worker = models.ForeignKey(SocialWorker, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("training"), max_length=100)
    provider = models.CharField(_("provider"), max_length=100, blank=True)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="people_training_hours")]

    def __str__(self) -> str:
        return self.title


class SharedPoolQuerySet(PersonQuerySet[P]):
    """A pool kept at county (or city) level serves every town under it: staff see the people
    of their subtree and of the regions above them."""

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if (
            user.is_authenticated
            and user.is_active
            and not user.is_superuser
            and user.is_staff_account
            and user.region_id
        ):  # type: ignore[union-attr]
            from peiyu.core.options import ancestors

            above = ancestors(user.region_id)[1:]  # type: ignore[union-attr]
            return self.filter(Q(region__code__startswith=prefix_of(user.region_id)) | Q(region_id__in=above))  # type: ignore[union-attr]
        return super().visible_to(user)


class ExpertQuerySet(SharedPoolQuerySet["Expert"]):
    def available(self) -> Self:
        return self.filter(is_available=True)

    def for_listing(self) -> Self:
        return self.select_related("region").prefetch_related("fields")


class Expert(PhoneMasked, models.Model):
    """A member of the expert pool (专家库), who reviews proposals and evaluations."""

    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    fields = models.ManyToManyField("orgs.Field", verbose_name=_("fields of expertise"), blank=True)
    expertise = models.CharField(_("expertise"), max_length=200, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="experts"
    )
    is_available = models.BooleanField(_("available for reviews"), default=True)
    availability_note = models.CharField(_("availability note"), max_length=200, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="expert"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def conflicting_organization_ids(self) -> set[int]:
        """Organizations the expert must never review: current affiliations."""
        return set(self.affiliations.current().values_list("organization_id", flat=True))


class Relation(models.TextChoices):
    MEMBER = "member", _("Member")
    EMPLOYEE = "employee", _("Works for")
    ADVISER = "adviser", _("Adviser")


class AffiliationQuerySet(models.QuerySet["Affiliation"]):
    def current(self) -> Self:
        from django.utils import timezone

        return self.filter(Q(until__isnull=True) | Q(until__gte=timezone.localdate()))


class Affiliation(models.Model):
    """An expert's tie to an organization; reviews avoid it (conflict of interest)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="expert_affiliations",
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-since", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
                name="people_affiliation_span",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} {self.relation} {self.organization_id}"


class EngagementKind(models.TextChoices):
    REVIEW = "review", _("Proposal review")
    DEFENSE = "defense", _("Defense panel")
    EVALUATION = "evaluation", _("Evaluation")
    INSPECTION = "inspection", _("Inspection")
    TRAINING = "training", _("Training or lecture")


class Engagement(models.Model):
    """One entry of an expert's history of reviews; the funding and supervision apps add
    entries as experts score."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(_("kind"), max_length=12, choices=EngagementKind.choices)
    title = models.CharField(_("subject"), max_length=200)
    held_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review history entry")
        verbose_name_plural = _("review history")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class LegalAdviserQuerySet(SharedPoolQuerySet["LegalAdviser"]):
    pass


class LegalAdviser(PhoneMasked, models.Model):
    """A legal adviser (法律顾问), usually a practising lawyer, assigned to organizations and
    villages."""

    name = models.CharField(_("name"), max_length=50)
    firm = models.CharField(_("law firm"), max_length=100, blank=True)
    license_number = models.CharField(_("practising certificate number"), max_length=30, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="legal_advisers"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="legal_adviser",
    )
    is_active = models.BooleanField(_("in service"), default=True)

    objects = LegalAdviserQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal adviser")
        verbose_name_plural = _("legal advisers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A legal adviser serves an organization or a village for a period."""

    adviser = models.ForeignKey(LegalAdviser, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_advisers",
    )
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_advisers_assigned",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False, village__isnull=True)
                | Q(organization__isnull=True, village__isnull=False),
                name="people_assignment_one_target",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="people_assignment_span",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization or self.village)


class WorkKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    DOCUMENT_REVIEW = "document_review", _("Document reviewed")
    MEDIATION = "mediation", _("Mediation joined")
    LECTURE = "lecture", _("Legal education")
    OTHER = "other", _("Other")


class WorkLog(models.Model):
    """One piece of a legal adviser's work, totalled by bureaus for subsidies."""

    adviser = models.ForeignKey(LegalAdviser, on_delete=models.CASCADE, related_name="work_logs")
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_logs",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=WorkKind.choices)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    summary = models.CharField(_("summary"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="people_worklog_hours")]

    def __str__(self) -> str:
        return self.summary


def region_of_person_account(user: Any) -> str | None:
    """The region of the volunteer, expert, social worker or legal adviser an account is bound
    to (for the audit trail's scope)."""
    for model, field in (
        (Volunteer, "region_id"),
        (Expert, "region_id"),
        (SocialWorker, "community_id"),
        (LegalAdviser, "region_id"),
    ):
        found = model.objects.filter(account=user).values_list(field, flat=True).first()  # type: ignore[attr-defined]
        if found:
            return str(found)
    return None
