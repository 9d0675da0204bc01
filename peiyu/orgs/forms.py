"""Forms of the registry. ``OrganizationForm`` is the one form an organization record passes
through, whether typed on a screen, sent in an application or read from a spreadsheet row."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.lib import uscc
from peiyu.lib.divisions import level_of
from peiyu.orgs.models import (
    ApplicationStatus,
    Category,
    DevelopmentType,
    EstablishedHow,
    Field,
    LegalForm,
    PartyOrganization,
    Source,
    Status,
    TargetGroup,
)
from peiyu.regions.models import Region

PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")
FILING_NUMBER = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff〔〕()（）\-—_/第号字]{2,40}$")


def _blank(choices: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def validate_phone(value: str) -> None:
    if value and not PHONE.match(value.replace(" ", "")):
        raise ValidationError(
            _(
                "“%(value)s” is not a phone number (a mobile number has 11 digits; a landline has its area code)."
            ),
            params={"value": value},
            code="phone",
        )


class RegionCodeField(forms.CharField):
    """A region chosen by its code, limited to a set of codes the user may use. The set is
    shared, not copied, between form instances, so a spreadsheet of 100,000 rows costs nothing
    extra per row."""

    def __init__(self, *, regions: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.regions: Mapping[str, str] = regions or {}

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value)).strip()
        return text.ljust(12, "0") if text.isdigit() and len(text) in (6, 9, 12) else text

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value not in self.regions:
            raise ValidationError(
                _("Region code %(code)s is not a county, town or village in your area."),
                params={"code": value},
                code="region",
            )


class OrganizationForm(forms.Form):
    """The organization record. ``regions`` maps the codes the user may choose to their names;
    ``purpose`` is ``"record"`` (a full record typed on a screen), ``"import"`` (the same, for a
    spreadsheet row: no widgets are prepared) or ``"application"`` (a new filing or
    registration, whose number the decision assigns)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=_blank(LegalForm.choices), required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40, required=False)
    filing_number = forms.CharField(label=_("Filing number"), max_length=40, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=_blank(Category.choices), required=False)
    development_type = forms.ChoiceField(
        label=_("Development type"), choices=_blank(DevelopmentType.choices), required=False
    )
    activity_fields = forms.MultipleChoiceField(label=_("Fields of activity"), required=False)
    target_groups = forms.MultipleChoiceField(label=_("Target groups"), required=False)
    hubs = forms.TypedMultipleChoiceField(label=_("Member of hub"), coerce=int, required=False)
    region = RegionCodeField(label=_("Located in"), max_length=12)
    address = forms.CharField(label=_("Place of activity"), max_length=200, required=False)
    established_how = forms.ChoiceField(
        label=_("How it was established"), choices=_blank(EstablishedHow.choices), required=False
    )
    active_people = forms.IntegerField(
        label=_("Active people"), min_value=0, max_value=10_000_000, required=False
    )
    leader_name = forms.CharField(label=_("Leader"), max_length=50, required=False)
    leader_phone = forms.CharField(
        label=_("Leader's phone"), max_length=20, required=False, validators=[validate_phone]
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=20, required=False, validators=[validate_phone]
    )
    guidance_unit = forms.CharField(label=_("Guidance unit"), max_length=100, required=False)
    party_organization = forms.ChoiceField(
        label=_("Party organization"), choices=PartyOrganization.choices, initial="none", required=False
    )
    has_charter = forms.BooleanField(label=_("Has a charter"), required=False)
    has_member_congress = forms.BooleanField(label=_("Holds a member congress"), required=False)
    has_board = forms.BooleanField(label=_("Has a board"), required=False)
    has_supervisors = forms.BooleanField(label=_("Has supervisors"), required=False)
    is_decoupled = forms.BooleanField(label=_("Decoupled from government"), required=False)
    pledge_signed_on = forms.DateField(label=_("Self-discipline pledge signed on"), required=False)
    description = forms.CharField(
        label=_("Purpose and services"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    established_on = forms.DateField(label=_("Established on"), required=False)
    filed_on = forms.DateField(label=_("Filed on"), required=False)
    registered_on = forms.DateField(label=_("Registered on"), required=False)

    DATE_FIELDS = ("pledge_signed_on", "established_on", "filed_on", "registered_on")

    def __init__(
        self,
        *args: Any,
        regions: Mapping[str, str],
        field_choices: list[tuple[str, str]] | None = None,
        group_choices: list[tuple[str, str]] | None = None,
        hubs: list[tuple[int, str]] | None = None,
        purpose: str = "record",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.purpose = purpose
        region_field = self.fields["region"]
        region_field.regions = regions  # type: ignore[attr-defined]
        if purpose != "import" and len(regions) <= 2000:
            region_field.widget = forms.Select(choices=_blank(sorted(regions.items())))
        self.fields["activity_fields"].choices = (  # type: ignore[attr-defined]
            field_choices if field_choices is not None else list_choices(Field)
        )
        self.fields["target_groups"].choices = (  # type: ignore[attr-defined]
            group_choices if group_choices is not None else list_choices(TargetGroup)
        )
        if hubs:
            self.fields["hubs"].choices = hubs  # type: ignore[attr-defined]
        else:
            del self.fields["hubs"]
        if purpose != "import":
            for name in self.DATE_FIELDS:
                self.fields[name].widget = forms.DateInput(attrs={"type": "date"})
        if purpose == "application":
            del self.fields["filing_number"], self.fields["filed_on"], self.fields["registered_on"]

    def clean_name(self) -> str:
        name: str = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise ValidationError(_("A name has at least two characters."), code="name")
        return name

    def clean_uscc(self) -> str:
        value: str = self.cleaned_data["uscc"]
        return uscc.compact(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = data.get("source")
        if source == Source.FILED:
            self._clean_filed(data)
        elif source in (Source.REGISTERED, Source.EXTERNAL):
            self._clean_registered(data)
        self._clean_region_level(data)
        today = timezone.localdate()
        for name in self.DATE_FIELDS:
            value = data.get(name)
            if isinstance(value, datetime.date) and value > today:
                self.add_error(name, _("This date is in the future."))
        return data

    def _clean_filed(self, data: dict[str, Any]) -> None:
        if data.get("legal_form"):
            self.add_error("legal_form", _("A filed community organization has no legal-person status."))
        number = data.get("filing_number", "")
        if self.purpose != "application" and not number:
            self.add_error("filing_number", _("A filed organization needs its filing number."))
        elif number and not FILING_NUMBER.match(number):
            self.add_error(
                "filing_number", _("A filing number has 2 to 40 letters, digits or Chinese characters.")
            )

    def _clean_registered(self, data: dict[str, Any]) -> None:
        legal_form = data.get("legal_form")
        if not legal_form:
            self.add_error("legal_form", _("A registered organization needs its legal form."))
        code = data.get("uscc", "")
        if not code:
            if self.purpose != "application" and data.get("source") == Source.REGISTERED:
                self.add_error("uscc", _("A registered organization needs its unified social credit code."))
            return
        try:
            data["uscc"] = uscc.validate_civil_affairs(code, legal_form or None)
        except uscc.USCCError as error:
            self.add_error("uscc", str(error))

    def _clean_region_level(self, data: dict[str, Any]) -> None:
        code = data.get("region")
        if not code:
            return
        if data.get("source") == Source.FILED and level_of(code) not in ("town", "village"):
            self.add_error("region", _("A filed organization belongs to a town or a village."))


def list_choices(model: type[Field] | type[TargetGroup]) -> list[tuple[str, str]]:
    return [(e.code, e.name) for e in model.objects.filter(is_active=True)]


def region_choices(queryset: Any) -> dict[str, str]:
    """The counties, towns and villages of a scoped region queryset, by code, with a readable
    name (the town in front of a village)."""
    rows = queryset.filter(level__in=["county", "town", "village"]).values_list(
        "code", "name", "parent__name", "level"
    )
    return {code: (f"{parent}·{name}" if level == "village" else name) for code, name, parent, level in rows}


def scope_regions(user: Any) -> dict[str, str]:
    return region_choices(Region.objects.visible_to(user))


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    source = forms.ChoiceField(label=_("Source"), choices=_blank(Source.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(Status.choices), required=False)
    legal_form = forms.ChoiceField(label=_("Legal form"), choices=_blank(LegalForm.choices), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=_blank(Category.choices), required=False)
    development_type = forms.ChoiceField(
        label=_("Development type"), choices=_blank(DevelopmentType.choices), required=False
    )
    field = forms.ChoiceField(label=_("Field of activity"), required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    party_organization = forms.ChoiceField(
        label=_("Party organization"), choices=_blank(PartyOrganization.choices), required=False
    )
    region = forms.CharField(label=_("Region code"), required=False, max_length=12)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Newest first")),
            ("name", _("Name")),
            ("established_on", _("Established on")),
            ("-updated_at", _("Recently updated")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _blank(list_choices(Field))  # type: ignore[attr-defined]
        self.fields["target_group"].choices = _blank(list_choices(TargetGroup))  # type: ignore[attr-defined]

    def clean_region(self) -> str:
        code: str = self.cleaned_data["region"].strip()
        if code and not code.isdigit():
            raise ValidationError(_("A region code is digits only."))
        return code


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ApplicationStatus.APPROVED, _("Approve")),
            (ApplicationStatus.RETURNED, _("Return for correction")),
            (ApplicationStatus.REJECTED, _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reasons and notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    uscc = forms.CharField(
        label=_("Unified social credit code assigned"),
        required=False,
        max_length=40,
        help_text=_("Registration approvals only: the code the registration assigned."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") in (ApplicationStatus.REJECTED, ApplicationStatus.RETURNED) and not data.get(
            "note"
        ):
            self.add_error("note", _("Give the applicant the reasons."))
        return data


class RevocationForm(forms.Form):
    reason = forms.CharField(label=_("Facts and reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    basis = forms.CharField(
        label=_("Legal basis"), max_length=300, initial="《社会团体登记管理条例》第三十条"
    )
    decision_file = forms.FileField(
        label=_("Signed decision document"),
        help_text=_("The signed and sealed decision (PDF or Word), at most 10 MB."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_decision_file(self) -> Any:
        upload = self.cleaned_data["decision_file"]
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 10 MB."))
        if not upload.name.lower().endswith((".pdf", ".doc", ".docx", ".ofd", ".jpg", ".png")):
            raise ValidationError(_("Upload a PDF, Word, OFD or image file."))
        return upload


class DeregistrationForm(forms.Form):
    note = forms.CharField(label=_("Reason for deregistration"), widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx, .xls or .csv)"))


class PublicFilingForm(OrganizationForm):
    """A forming group's filing application on the portal: the record's essentials and who is
    applying. The office completes the rest when it decides."""

    KEEP = (
        "name",
        "region",
        "address",
        "activity_fields",
        "target_groups",
        "established_how",
        "active_people",
        "leader_name",
        "leader_phone",
        "guidance_unit",
        "description",
        "established_on",
    )
    applicant_name = forms.CharField(label=_("Your name"), max_length=50)
    applicant_phone = forms.CharField(label=_("Your phone"), max_length=20, validators=[validate_phone])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, purpose="application", **kwargs)
        for name in list(self.fields):
            if name not in self.KEEP and name not in ("applicant_name", "applicant_phone"):
                del self.fields[name]
        self.fields["leader_name"].required = True
        self.fields["leader_phone"].required = True

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["source"] = Source.FILED
        return super().clean()


class StatusLookupForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=12)
    phone = forms.CharField(label=_("Phone given in the application"), max_length=20)


class ListEntryForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Letters, digits and underscores; never changes.")
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=10_000, initial=100)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
