"""The organization registry: organizations, the configurable lists they are described with, and
the applications (filing, registration, change, deregistration) that are the only way a record
changes, each with its event history."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.core.scoping import ScopedQuerySet
from peiyu.lib import search as text_search
from peiyu.lib.masking import mask_phone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from peiyu.accounts.models import User

# Public identifiers in exports (HSDS) are derived from the key, stable across exports.
PUBLIC_ID_NAMESPACE = uuid.UUID("6f1c2a6e-6a8e-5b55-9f43-2d1e4c9a7a10")


class Source(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    FILED = "filed", _("Filed community organization")
    EXTERNAL = "external", _("Registered elsewhere, active here")


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Social association")
    SERVICE_INSTITUTION = "service_institution", _("Social service institution")
    FOUNDATION = "foundation", _("Foundation")


class Category(models.TextChoices):
    TRADE = "trade", _("Trade association or chamber")
    SCIENCE = "science", _("Science and technology")
    CHARITY = "charity", _("Charity and public welfare")
    COMMUNITY = "community", _("Urban and rural community service")


class DevelopmentType(models.TextChoices):
    GRASSROOTS = "grassroots", _("Grassroots")
    HUB = "hub", _("Hub")
    INDUSTRY = "industry", _("Industry")
    PROFESSIONAL = "professional", _("Professional")
    NETWORK = "network", _("Network")


class EstablishedHow(models.TextChoices):
    SPONTANEOUS = "spontaneous", _("Formed by residents")
    COMMUNITY = "community", _("Set up by the village or community")
    INCUBATED = "incubated", _("Incubated")
    SPONSORED = "sponsored", _("Sponsored by an institution")
    OTHER = "other", _("Other")


class PartyOrganization(models.TextChoices):
    NONE = "none", _("None")
    STANDALONE = "standalone", _("Own party branch")
    JOINT = "joint", _("Joint party branch")
    INSTRUCTOR = "instructor", _("Party-building instructor")


class Status(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("organization status", "Active")
    DEREGISTERED = "deregistered", _("Deregistered")
    REVOKED = "revoked", _("Revoked")


class ListEntry(models.Model):
    """An entry of a configurable list (fields of activity, target groups)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Field(ListEntry):
    class Meta(ListEntry.Meta):
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")


class TargetGroup(ListEntry):
    class Meta(ListEntry.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Office(models.Model):
    """The name a region's office signs its documents with, when it is not the default
    (a county's civil-affairs bureau, a town's people's government)."""

    region = models.OneToOneField("regions.Region", on_delete=models.CASCADE, primary_key=True)
    name = models.CharField(_("office name"), max_length=100)
    number_prefix = models.CharField(
        _("document number prefix"), max_length=20, blank=True, help_text=_("For example 溧民社")
    )

    class Meta:
        verbose_name = _("issuing office")
        verbose_name_plural = _("issuing offices")

    def __str__(self) -> str:
        return self.name


class OrganizationQuerySet(ScopedQuerySet["Organization"]):
    region_lookup = "region"
    owner_lookup = "accounts"

    def public(self) -> Self:
        """What the public directory shows: every organization ever registered or filed here.
        Deregistered and revoked ones stay listed with their status, as disclosure requires."""
        return self.all()

    def search(self, text: str) -> Self:
        query = text_search.parse(text)
        if query is None:
            return self
        from peiyu.orgs.search import matching

        return self.filter(matching(query))

    def for_listing(self) -> Self:
        return self.select_related("region", "region__parent").prefetch_related("activity_fields")

    def for_detail(self) -> Self:
        return self.select_related("region", "region__parent", "authority").prefetch_related(
            "activity_fields", "target_groups", "hubs", "members"
        )


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    filing_number = models.CharField(_("filing number"), max_length=40, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    development_type = models.CharField(
        _("development type"), max_length=12, choices=DevelopmentType.choices, blank=True
    )
    activity_fields = models.ManyToManyField(Field, verbose_name=_("fields of activity"), blank=True)
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="organizations"
    )
    authority = models.ForeignKey(
        "regions.Region",
        verbose_name=_("registration authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The county that registered it, or the town that keeps its filing."),
    )
    address = models.CharField(_("place of activity"), max_length=200, blank=True)
    established_how = models.CharField(
        _("how it was established"), max_length=12, choices=EstablishedHow.choices, blank=True
    )
    active_people = models.PositiveIntegerField(_("active people"), null=True, blank=True)
    leader_name = models.CharField(_("leader"), max_length=50, blank=True)
    leader_phone = models.CharField(_("leader's phone"), max_length=20, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    guidance_unit = models.CharField(_("guidance unit"), max_length=100, blank=True)
    party_organization = models.CharField(
        _("party organization"), max_length=12, choices=PartyOrganization.choices, default="none"
    )
    has_charter = models.BooleanField(_("charter"), default=False)
    has_member_congress = models.BooleanField(_("member congress"), default=False)
    has_board = models.BooleanField(_("board"), default=False)
    has_supervisors = models.BooleanField(_("supervisors"), default=False)
    is_decoupled = models.BooleanField(_("decoupled from government"), default=False)
    pledge_signed_on = models.DateField(_("self-discipline pledge signed on"), null=True, blank=True)
    hubs = models.ManyToManyField(
        "self",
        verbose_name=_("member of hub"),
        symmetrical=False,
        blank=True,
        related_name="members",
    )
    description = models.TextField(_("purpose and services"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    ended_on = models.DateField(_("deregistered or revoked on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("accounts"), blank=True, related_name="organizations"
    )
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["-id"]
        permissions = [
            ("reveal_contact", _("Can reveal leaders' and contacts' personal data")),
            ("revoke_organization", _("Can revoke an organization's registration")),
            ("import_organizations", _("Can import organizations from spreadsheets")),
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="org_region_status"),
            models.Index(fields=["status", "source", "id"], name="org_status_source"),
            models.Index(fields=["name"], name="org_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="org_uscc_unique"),
            models.UniqueConstraint(
                fields=["filing_number"], condition=~Q(filing_number=""), name="org_filing_number_unique"
            ),
            # "One industry, many associations" is allowed, but not two of one name.
            models.UniqueConstraint(
                fields=["authority", "name"],
                condition=Q(status="active", source="registered"),
                name="org_active_registered_name_unique",
            ),
            models.CheckConstraint(
                condition=~Q(source="registered") | ~Q(uscc="") | ~Q(status="active"),
                name="org_registered_has_uscc",
            ),
            models.CheckConstraint(
                condition=~Q(source="filed") | ~Q(filing_number=""), name="org_filed_has_number"
            ),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in Source]), name="org_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="org_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def public_id(self) -> uuid.UUID:
        return uuid.uuid5(PUBLIC_ID_NAMESPACE, str(self.pk))

    @property
    def code(self) -> str:
        """The identifier people quote: the credit code, else the filing number."""
        return self.uscc or self.filing_number

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    @property
    def masked_leader_name(self) -> str:
        return mask_name(self.leader_name)

    @property
    def masked_leader_phone(self) -> str:
        return mask_phone(self.leader_phone) if self.leader_phone else ""

    @property
    def masked_contact_name(self) -> str:
        return mask_name(self.contact_name)

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone) if self.contact_phone else ""

    def can_upgrade(self) -> bool:
        return self.is_active and self.source == Source.FILED

    def refresh_search_text(self) -> None:
        self.search_text = text_search.document(self.name, codes=[self.uscc, self.filing_number])


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧***: the family name stays, as on public notices."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


class ApplicationKind(models.TextChoices):
    FILING = "filing", _("Filing")
    REGISTRATION = "registration", _("Registration")
    CHANGE = "change", _("Change")
    DEREGISTRATION = "deregistration", _("Deregistration")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.RETURNED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.RETURNED: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.APPROVED: set(),
    ApplicationStatus.REJECTED: set(),
    ApplicationStatus.WITHDRAWN: set(),
}

# Which permission decides which kind: filings at the town, registrations at the county.
DECIDE_PERMISSION = {
    ApplicationKind.FILING: "orgs.decide_filing",
    ApplicationKind.REGISTRATION: "orgs.decide_registration",
    ApplicationKind.CHANGE: "orgs.decide_change",
    ApplicationKind.DEREGISTRATION: "orgs.decide_deregistration",
}


class ApplicationQuerySet(ScopedQuerySet["Application"]):
    region_lookup = "region"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if user.is_authenticated and user.is_active and not user.is_superuser and not user.is_staff_account:
            return self.filter(Q(applicant=user) | Q(organization__accounts=user)).distinct()
        return super().visible_to(user)

    def open(self) -> Self:
        return self.filter(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED])

    def for_listing(self) -> Self:
        return self.select_related("region", "organization", "applicant")


def _reference() -> str:
    return uuid.uuid4().hex[:12].upper()


class Application(models.Model):
    """A request to file, register, change or deregister an organization. ``payload`` holds the
    proposed record as cleaned form values; approval applies it."""

    kind = models.CharField(_("kind"), max_length=16, choices=ApplicationKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    reference = models.CharField(_("reference number"), max_length=12, unique=True, default=_reference)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    name = models.CharField(_("organization name"), max_length=200)
    payload: models.JSONField[dict[str, Any]] = models.JSONField(_("proposed record"), default=dict)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applicant_name = models.CharField(_("applicant's name"), max_length=50, blank=True)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=20, blank=True)
    note = models.TextField(_("applicant's note"), blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-id"]
        permissions = [
            ("decide_filing", _("Can decide filing applications")),
            ("decide_registration", _("Can decide registration applications")),
            ("decide_change", _("Can decide change requests")),
            ("decide_deregistration", _("Can decide deregistration applications")),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="application_status_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["filing", "registration"]) | Q(organization__isnull=False),
                name="application_change_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"

    @property
    def is_open(self) -> bool:
        return self.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED)

    @property
    def masked_applicant_phone(self) -> str:
        return mask_phone(self.applicant_phone) if self.applicant_phone else ""

    @property
    def is_upgrade(self) -> bool:
        return self.kind == ApplicationKind.REGISTRATION and self.organization_id is not None

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]


class Event(models.Model):
    """One step in an organization's or an application's history: who, when, from, to, note."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["organization", "at"], name="orgs_event_org_at")]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))

    @property
    def from_label(self) -> str:
        return str(STATUS_LABELS.get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(STATUS_LABELS.get(self.to_status, self.to_status))


EVENT_LABELS = {
    "submitted": _("Submitted"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "returned": _("Returned for correction"),
    "withdrawn": _("Withdrawn"),
    "filed": _("Filed"),
    "registered": _("Registered"),
    "upgraded": _("Upgraded from filed to registered"),
    "changed": _("Record changed"),
    "deregistered": _("Deregistered"),
    "revoked": _("Revoked"),
    "imported": _("Imported"),
    "account_linked": _("Account linked"),
    "graduated": _("Graduated from an incubator"),
}
STATUS_LABELS = {**dict(ApplicationStatus.choices), **dict(Status.choices), **dict(Source.choices)}


class Document(models.Model):
    """A Word document issued with a decision, kept as issued."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=100)
    number = models.CharField(_("document number"), max_length=40)
    content = models.BinaryField(editable=False)
    attachment = models.BinaryField(editable=False, null=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"


class DocumentCounter(models.Model):
    """The running number of an office's documents in a year (…〔2026〕12号)."""

    office = models.ForeignKey("regions.Region", on_delete=models.CASCADE)
    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "series", "year"], name="orgs_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.series} {self.year}: {self.last}"


class ImportBatchQuerySet(ScopedQuerySet["ImportBatch"]):
    region_lookup = None

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Each uploader sees their own uploads."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(uploaded_by=user)

    def of_kind(self, kind: str) -> Self:
        return self.filter(kind=kind)


class ImportBatch(models.Model):
    """An uploaded spreadsheet waiting for its preview to be confirmed; kept afterwards as the
    record of what was imported."""

    class State(models.TextChoices):
        CHECKED = "checked", _("Checked")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    # What the upload holds: organizations here; volunteers or service hours for the people app,
    # which imports through the same preview and confirmation.
    kind = models.CharField(_("kind"), max_length=20, default="organizations")
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CHECKED)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.filename
