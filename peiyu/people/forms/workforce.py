"""Forms for social workers, the expert pool and legal advisers. Region and organization
choices are limited to what the user may see; services check the same again."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import AccountType, User
from peiyu.lib import idcard
from peiyu.orgs.forms import RegionCodeField, region_choices, validate_phone
from peiyu.orgs.models import Field, Organization
from peiyu.people.models import Assignment, CertificationLevel, Relation, WorkKind
from peiyu.regions.models import Level, Region

SELECT_LIMIT = 2000
ORGANIZATION_SELECT_LIMIT = 300
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def villages_in_scope(user: Any) -> dict[str, str]:
    """The communities and villages the user may choose, by code, named with their town."""
    return region_choices(Region.objects.visible_to(user).filter(level=Level.VILLAGE))


def regions_in_scope(user: Any) -> dict[str, str]:
    return region_choices(Region.objects.visible_to(user))


def towns_in_scope(user: Any) -> list[tuple[str, str]]:
    return list(
        Region.objects.visible_to(user).filter(level=Level.TOWN).order_by("code").values_list("code", "name")
    )


def _region_field(form: forms.Form, name: str, regions: Mapping[str, str]) -> None:
    field = form.fields[name]
    field.regions = regions  # type: ignore[attr-defined]
    if len(regions) <= SELECT_LIMIT:
        field.widget = forms.Select(choices=_blank(sorted(regions.items())))


class OrganizationField(forms.Field):
    """An organization from a given queryset: a select when there are few, else typed by its
    full name, unified social credit code or filing number."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.queryset: QuerySet[Organization] = Organization.objects.none()
        self.as_select = True

    def set_queryset(self, queryset: QuerySet[Organization]) -> None:
        self.queryset = queryset
        rows = list(
            queryset.order_by("name", "pk").values_list("pk", "name")[: ORGANIZATION_SELECT_LIMIT + 1]
        )
        self.as_select = len(rows) <= ORGANIZATION_SELECT_LIMIT
        if self.as_select:
            self.widget = forms.Select(choices=_blank([(str(pk), name) for pk, name in rows]))
        else:
            self.widget = forms.TextInput()
            self.help_text = _(
                "Type the organization's full name, unified social credit code or filing number."
            )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Organization):
            return str(value.pk) if self.as_select else value.name
        return value

    def to_python(self, value: Any) -> Organization | None:
        text = str(value or "").strip()
        if not text:
            return None
        if self.as_select and text.isdigit():
            matches = self.queryset.filter(pk=int(text))
        else:
            matches = self.queryset.filter(Q(name=text) | Q(uscc=text.upper()) | Q(filing_number=text))
        found = list(matches[:2])
        if len(found) != 1:
            raise ValidationError(
                _("No single organization in reach matches “%(text)s”."), params={"text": text}
            )
        return found[0]


def _not_future(value: datetime.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."))


class PersonalDataMixin(forms.Form):
    """On an edit, identity number and phone start empty: the page never carries them in
    full, and a blank keeps the value on record."""

    PERSONAL: tuple[str, ...] = ("phone",)

    def hide_personal(self, masked: Mapping[str, str]) -> None:
        for name in self.PERSONAL:
            field = self.fields[name]
            field.required = False
            field.widget.attrs["placeholder"] = masked.get(name, "")
            field.help_text = _("Leave empty to keep the number on record.")
            self.initial.pop(name, None)

    def changed_values(self) -> dict[str, Any]:
        """The cleaned values, without personal fields left empty on an edit."""
        values = dict(self.cleaned_data)
        for name in self.PERSONAL:
            if name in values and not values[name] and not self.fields[name].required:
                values.pop(name)
        return values


class SocialWorkerForm(PersonalDataMixin):
    PERSONAL = ("id_number", "phone")

    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("Identity number"), max_length=30)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False, validators=[validate_phone]
    )
    level = forms.ChoiceField(
        label=_("Certification"), choices=_blank(CertificationLevel.choices), required=False
    )
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=40, required=False)
    certified_on = forms.DateField(
        label=_("Certified on"), required=False, widget=DATE, validators=[_not_future]
    )
    employer = OrganizationField(label=_("Employer"))
    community = RegionCodeField(label=_("Community"), max_length=12)
    is_active = forms.BooleanField(label=_("In service"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_field(self, "community", villages_in_scope(user))
        self.fields["employer"].set_queryset(Organization.objects.visible_to(user))  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_id_number(self) -> str:
        value: str = self.cleaned_data["id_number"]
        if not value and not self.fields["id_number"].required:
            return ""
        try:
            return idcard.validate(value)
        except idcard.IdCardError as error:
            raise ValidationError(str(error), code="idcard") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("certificate_number") and not data.get("level"):
            self.add_error("level", _("A certificate number needs a certification level."))
        return data

    def values(self) -> dict[str, Any]:
        values = self.changed_values()
        code = values.get("community")
        values["community"] = Region.objects.get(code=code) if code else None
        return values


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Training"), max_length=100)
    provider = forms.CharField(label=_("Provider"), max_length=100, required=False)
    held_on = forms.DateField(label=_("Date"), widget=DATE, validators=[_not_future])
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal(999)
    )


class SocialWorkerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    level = forms.ChoiceField(
        label=_("Certification"),
        required=False,
        choices=[("", "—"), *CertificationLevel.choices, ("none", _("Not certified"))],
    )
    region = forms.ChoiceField(label=_("Town or community"), required=False)
    employer = forms.TypedChoiceField(label=_("Employer"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("In service")), ("inactive", _("Left service"))],
    )

    def __init__(
        self, *args: Any, regions: Mapping[str, str], employers: list[tuple[int, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank(sorted(regions.items()))  # type: ignore[attr-defined]
        self.fields["employer"].choices = _blank(employers)  # type: ignore[attr-defined]


class CommunityFilterForm(forms.Form):
    town = forms.ChoiceField(label=_("Town"), required=False)
    below = forms.BooleanField(label=_("Below target only"), required=False)

    def __init__(self, *args: Any, towns: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]


class ExpertForm(PersonalDataMixin):
    name = forms.CharField(label=_("Name"), max_length=50)
    title = forms.CharField(label=_("Professional title"), max_length=50, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    fields_of_expertise = forms.ModelMultipleChoiceField(
        label=_("Fields of expertise"),
        queryset=Field.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expertise = forms.CharField(label=_("Expertise"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False, validators=[validate_phone]
    )
    region = RegionCodeField(label=_("Region"), max_length=12)
    is_available = forms.BooleanField(label=_("Available for reviews"), required=False, initial=True)
    availability_note = forms.CharField(label=_("Availability note"), max_length=200, required=False)
    account = forms.CharField(
        label=_("Sign-in account"),
        max_length=150,
        required=False,
        help_text=_("The user name of the expert's own account, if they have one."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_field(self, "region", regions_in_scope(user))

    def clean_account(self) -> User | None:
        username = self.cleaned_data["account"].strip()
        if not username:
            return None
        account = User.objects.filter(username=username, account_type=AccountType.EXPERT).first()
        if account is None:
            raise ValidationError(_("There is no expert account with this user name."))
        return account

    def values(self) -> dict[str, Any]:
        values = self.changed_values()
        values.pop("fields_of_expertise", None)
        values["region"] = Region.objects.get(code=values["region"])
        return values


class AvailabilityForm(forms.Form):
    is_available = forms.BooleanField(label=_("Available for reviews"), required=False)
    note = forms.CharField(
        label=_("Availability note"),
        max_length=200,
        required=False,
        help_text=_("For example: away until the end of June; weekends only."),
    )


class AffiliationForm(forms.Form):
    organization = OrganizationField(label=_("Organization"), required=True)
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)
    since = forms.DateField(label=_("Since"), required=False, widget=DATE, validators=[_not_future])
    until = forms.DateField(label=_("Until"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].set_queryset(organizations)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data


class EndForm(forms.Form):
    """The date something ends on, today unless given."""

    on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)

    def day(self) -> datetime.date:
        value: datetime.date | None = self.cleaned_data.get("on")
        return value or timezone.localdate()


class ExpertFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    field = forms.ChoiceField(label=_("Field of expertise"), required=False)
    available = forms.ChoiceField(
        label=_("Availability"),
        required=False,
        choices=[("", _("All")), ("yes", _("Available")), ("no", _("Not available"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _blank(  # type: ignore[attr-defined]
            list(Field.objects.filter(is_active=True).values_list("code", "name"))
        )


class AdviserForm(PersonalDataMixin):
    name = forms.CharField(label=_("Name"), max_length=50)
    firm = forms.CharField(label=_("Law firm"), max_length=100, required=False)
    license_number = forms.CharField(label=_("Practising certificate number"), max_length=30, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False, validators=[validate_phone]
    )
    region = RegionCodeField(label=_("Region"), max_length=12)
    is_active = forms.BooleanField(label=_("In service"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_field(self, "region", regions_in_scope(user))

    def values(self) -> dict[str, Any]:
        values = self.changed_values()
        values["region"] = Region.objects.get(code=values["region"])
        return values


class AdviserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("In service")), ("inactive", _("Left service"))],
    )


class AssignmentForm(forms.Form):
    organization = OrganizationField(label=_("Organization"))
    village = RegionCodeField(label=_("Village or community"), max_length=12, required=False)
    starts_on = forms.DateField(label=_("From"), widget=DATE)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].set_queryset(Organization.objects.visible_to(user))  # type: ignore[attr-defined]
        _region_field(self, "village", villages_in_scope(user))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("organization")) == bool(data.get("village")):
            raise ValidationError(_("Choose either an organization or a village, not both."))
        return data

    def target(self) -> dict[str, Any]:
        code = self.cleaned_data.get("village")
        return {
            "organization": self.cleaned_data.get("organization"),
            "village": Region.objects.get(code=code) if code else None,
        }


class WorkLogForm(forms.Form):
    assignment = forms.ModelChoiceField(label=_("For"), queryset=Assignment.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE, validators=[_not_future])
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=1, min_value=Decimal("0.1"), max_value=Decimal(24)
    )
    summary = forms.CharField(label=_("Summary"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, assignments: QuerySet[Assignment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignment"]
        field.queryset = assignments  # type: ignore[attr-defined]
        field.empty_label = _("General work, not for one assignment")  # type: ignore[attr-defined]
