"""Forms of volunteers, service hours, activities and certificates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError
from peiyu.orgs.forms import RegionCodeField, _blank
from peiyu.orgs.models import Organization
from peiyu.people.models import Availability, HoursSource, HoursStatus, IdType, Skill
from peiyu.people.services.volunteers import check_identity

PHONE_HELP = _("An 11-digit mobile number.")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def clean_mobile(value: str) -> str:
    phone = value.strip().replace(" ", "").replace("-", "")
    if not (len(phone) == 11 and phone.isdigit() and phone[0] == "1"):
        raise ValidationError(_("Enter an 11-digit mobile number starting with 1."), code="phone")
    return phone


class SkillsField(forms.ModelMultipleChoiceField[Skill]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Skill.objects.filter(is_active=True),
            to_field_name="code",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Skills"),
            **kwargs,
        )


LIVES_IN = _("Lives in")


def _region_field(regions: Mapping[str, str], label: Any = LIVES_IN) -> RegionCodeField:
    field = RegionCodeField(label=label, max_length=12, regions=regions)
    if len(regions) <= 2000:
        field.widget = forms.Select(choices=_blank(sorted(regions.items())))
    return field


class VolunteerForm(forms.Form):
    """A volunteer's record as staff, an organization or an import enters it."""

    name = forms.CharField(label=_("Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("Identity document"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("Identity number"), max_length=30)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, help_text=PHONE_HELP)
    region = RegionCodeField(label=_("Lives in"), max_length=12)
    skills = SkillsField()
    availability = forms.MultipleChoiceField(
        label=_("Available"),
        choices=Availability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, regions: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = _region_field(regions)

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("id_number") and data.get("id_type"):
            try:
                data["id_number"] = check_identity(data["id_type"], data["id_number"])["id_number"]
            except DomainError as error:
                self.add_error("id_number", str(error))
        return data


class VolunteerEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    # Never sent to the browser in full: empty keeps the number on record.
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the number on record."),
    )
    region = RegionCodeField(label=_("Lives in"), max_length=12)
    skills = SkillsField()
    availability = forms.MultipleChoiceField(
        label=_("Available"),
        choices=Availability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, regions: Mapping[str, str], masked_phone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = _region_field(regions)
        self.fields["phone"].widget.attrs["placeholder"] = masked_phone

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"]) if self.cleaned_data["phone"].strip() else ""


class PortalRegistrationForm(VolunteerForm):
    """Self-registration on the portal: a resident identity card, an account and consent."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=30,
        regex=r"^[A-Za-z0-9_.-]{4,30}$",
        help_text=_("4 to 30 letters, digits, dots, dashes or underscores; you sign in with it."),
        error_messages={"invalid": _("Use 4 to 30 letters, digits, dots, dashes or underscores.")},
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that my identity and service records are kept to issue volunteer records and certificates, "
            "as the Regulations on Volunteer Service require."
        )
    )

    field_order = [
        "name",
        "id_number",
        "phone",
        "region",
        "skills",
        "availability",
        "username",
        "password",
        "password2",
        "consent",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["id_type"]
        self.fields["id_number"].label = _("Resident identity card number")
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["phone"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "tel"})

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken; choose another."), code="taken")
        return username

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["id_type"] = IdType.RESIDENT
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password"):
            try:
                validate_password(data["password"], User(username=data.get("username", "")))
            except ValidationError as error:
                self.add_error("password", error)
        return data


class VolunteerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=50, help_text=_("Name or volunteer number")
    )
    region = forms.CharField(label=_("Region code"), required=False, max_length=12)
    star_level = forms.TypedChoiceField(
        label=_("Star level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(n, "★" * n if n else _("No star")) for n in range(6)]],
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"), queryset=Skill.objects.filter(is_active=True), to_field_name="code", required=False
    )
    registered_via = forms.ChoiceField(label=_("Registered"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from peiyu.people.models import RegisteredVia

        self.fields["registered_via"].choices = _blank(RegisteredVia.choices)  # type: ignore[attr-defined]

    def clean_region(self) -> str:
        code: str = self.cleaned_data["region"].strip()
        if code and not code.isdigit():
            raise ValidationError(_("A region code is digits only."))
        return code


class SpanForm(forms.Form):
    """When the service was: a start and an end, in local time."""

    title = forms.CharField(label=_("Activity or project"), max_length=100)
    started_at = forms.DateTimeField(label=_("From"), widget=DATETIME)
    ended_at = forms.DateTimeField(label=_("To"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    content = forms.CharField(
        label=_("Service content"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_at"), data.get("ended_at")
        if start and end and end <= start:
            self.add_error("ended_at", _("The end of the service must be after its start."))
        return data


class RecordForm(SpanForm):
    """The organizer records hours for a volunteer, found by volunteer number."""

    volunteer_number = forms.CharField(label=_("Volunteer number"), max_length=20)
    organization = forms.ModelChoiceField(label=_("Organizer"), queryset=Organization.objects.none())

    field_order = ["volunteer_number", "organization", "title", "started_at", "ended_at", "place", "content"]

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        if organizations.count() == 1:
            self.fields["organization"].initial = organizations.first()


class ReportForm(SpanForm):
    """A volunteer reports hours served with an organization."""

    organization = forms.ModelChoiceField(
        label=_("Organization you served with"), queryset=Organization.objects.none()
    )

    field_order = ["organization", "title", "started_at", "ended_at", "place", "content"]

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(HoursStatus.APPROVED, _("Approve")), (HoursStatus.DECLINED, _("Decline"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Reason for declining"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class BatchDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(HoursStatus.APPROVED, _("Approve")), (HoursStatus.DECLINED, _("Decline"))]
    )
    reason = forms.CharField(label=_("Reason for declining"), max_length=200, required=False)
    ids = forms.TypedMultipleChoiceField(coerce=int, required=True, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any integer key is accepted here; the service decides only those the user may decide.
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in values if str(v).isdigit()][:5000]  # type: ignore[attr-defined]


class RecordFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(HoursStatus.choices))
    source = forms.ChoiceField(label=_("Source"), required=False, choices=_blank(HoursSource.choices))
    q = forms.CharField(
        label=_("Volunteer"), required=False, max_length=50, help_text=_("Name or volunteer number")
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ActivityForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organizer"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Activity"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=100)
    region = RegionCodeField(label=_("Region"), max_length=12)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    content = forms.CharField(
        label=_("Service content"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organizations: Any, regions: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["region"] = _region_field(regions, _("Region"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class CertificateRequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Issuing organization"), queryset=Organization.objects.none()
    )
    purpose = forms.CharField(
        label=_("Purpose"), max_length=100, required=False, help_text=_("For example: school application")
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class CertificateDecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("issue", _("Issue")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason for declining"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=30)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the spreadsheet holds"),
        choices=[("volunteers", _("Volunteers")), ("hours", _("Service hours"))],
        widget=forms.RadioSelect,
        initial="volunteers",
    )
    file = forms.FileField(label=_("Spreadsheet (.xlsx, .xls or .csv)"))
