"""Forms of the incubators' back office: the incubator itself, its staff, its intake scoring
form and growth rubric (as formsets of lines), and its calls for intake. Choices are limited to
what the user may see; the services check the rules again."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import User
from peiyu.incubation.models import CallStatus, Incubator, Level
from peiyu.incubation.services.incubators import CallValues, IncubatorValues
from peiyu.lib.masking import mask_phone
from peiyu.orgs.forms import RegionCodeField, validate_phone
from peiyu.orgs.models import Field, Organization, Status
from peiyu.people.forms.workforce import OrganizationField
from peiyu.regions.models import Level as RegionLevel
from peiyu.regions.models import Region

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
KEEP_PHONE = _("Leave empty to keep the number on record.")


class FieldsField(forms.ModelMultipleChoiceField[Field]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Field.objects.filter(is_active=True),
            to_field_name="code",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class IncubatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=_blank(Level.choices))
    region = RegionCodeField(label=_("Region"), max_length=12)
    operator = OrganizationField(
        label=_("Operating organization"),
        help_text=_("The organization that runs it, often a third party; empty when the office runs it."),
    )
    capacity = forms.IntegerField(label=_("Capacity (residents at a time)"), min_value=1, max_value=500)
    address = forms.CharField(label=_("Address"), max_length=200)
    floor_area = forms.IntegerField(
        label=_("Floor area (m²)"), min_value=1, max_value=1_000_000, required=False
    )
    phone = forms.CharField(
        label=_("Office phone"), max_length=20, required=False, validators=[validate_phone]
    )
    served_fields = FieldsField(label=_("Fields it serves"))
    description = forms.CharField(label=_("Introduction"), widget=TEXT, max_length=4000, required=False)
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE, required=False)
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, incubator: Incubator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incubator = incubator
        levels = [RegionLevel.COUNTY, RegionLevel.TOWN]
        rows = Region.objects.visible_to(user).filter(level__in=levels).values_list("code", "name")
        regions = dict(rows)
        organizations = Organization.objects.visible_to(user).filter(status=Status.ACTIVE)
        if incubator is not None:
            regions.setdefault(incubator.region_id, incubator.region.name)
            if incubator.operator_id:
                organizations = organizations | Organization.objects.filter(pk=incubator.operator_id)
        region_field = self.fields["region"]
        region_field.regions = regions  # type: ignore[attr-defined]
        region_field.widget = forms.Select(choices=_blank(sorted(regions.items())))
        self.fields["operator"].set_queryset(organizations)  # type: ignore[attr-defined]
        if not user.has_perm("incubation.add_incubator"):
            # Only the county moves an incubator or changes its level.
            self.fields["level"].disabled = True
            self.fields["region"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("name") and data.get("region"):
            same = Incubator.objects.filter(region_id=data["region"], name=data["name"])
            if self.incubator is not None:
                same = same.exclude(pk=self.incubator.pk)
            if same.exists():
                self.add_error("name", _("An incubator of this region already has this name."))
        return data

    def values(self) -> IncubatorValues:
        data = self.cleaned_data
        return IncubatorValues(
            name=data["name"],
            level=data["level"],
            region=Region.objects.get(code=data["region"]),
            operator=data["operator"],
            capacity=data["capacity"],
            address=data["address"],
            floor_area=data["floor_area"],
            phone=data["phone"],
            fields=list(data["served_fields"]),
            description=data["description"],
            opened_on=data["opened_on"],
        )


def incubator_initial(incubator: Incubator) -> dict[str, Any]:
    return {
        "name": incubator.name,
        "level": incubator.level,
        "region": incubator.region_id,
        "operator": incubator.operator,
        "capacity": incubator.capacity,
        "address": incubator.address,
        "floor_area": incubator.floor_area,
        "phone": incubator.phone,
        "served_fields": list(incubator.fields.all()),
        "description": incubator.description,
        "opened_on": incubator.opened_on,
        "seen_version": incubator.version,
    }


class AccountLinkForm(forms.Form):
    username = forms.CharField(
        label=_("Operator account"),
        max_length=150,
        help_text=_("The username of an incubator-operator account; it then runs this incubator."),
    )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        account = User.objects.filter(username=username).first()
        if account is None:
            raise ValidationError(_("No account has the username “%(name)s”."), params={"name": username})
        return account


# Staff -------------------------------------------------------------------------------------


class StaffForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=50)
    duty = forms.CharField(label=_("Duty"), max_length=50)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False, validators=[validate_phone]
    )
    is_social_worker = forms.BooleanField(label=_("Certified social worker"), required=False)


class BaseStaffFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The staff list. A phone is never sent to the browser in full: the field starts empty with
    the masked number as its placeholder, and an empty field keeps the number on record."""

    def __init__(self, *args: Any, stored_phones: Mapping[int, str], **kwargs: Any) -> None:
        self.stored_phones = stored_phones
        super().__init__(*args, **kwargs)
        for form in self.forms:
            stored = stored_phones.get(form.initial.get("id") or 0, "")
            if stored:
                form.fields["phone"].widget.attrs["placeholder"] = mask_phone(stored)
                form.fields["phone"].help_text = KEEP_PHONE

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            phone = data["phone"] or self.stored_phones.get(data.get("id") or 0, "")
            rows.append({**data, "phone": phone})
        return rows


StaffFormSet = cast(
    type[BaseStaffFormSet],
    forms.formset_factory(StaffForm, formset=BaseStaffFormSet, extra=2, can_delete=True),
)


# Scoring form and growth rubric ------------------------------------------------------------


class LineForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=100)
    max_points = forms.IntegerField(label=_("Maximum points"), min_value=1, max_value=1000)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class CriterionForm(LineForm):
    guidance = forms.CharField(label=_("What earns the points"), max_length=300, required=False)


class DimensionForm(LineForm):
    anchors = forms.CharField(
        label=_("Anchor descriptions"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What a low, a middle and a high score look like."),
    )


class BaseLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Lines are updated by id, new rows are added; a line is retired (not in use), never
    deleted, because scores already given refer to it."""

    def rows(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


CriterionFormSet = cast(
    type[BaseLineFormSet], forms.formset_factory(CriterionForm, formset=BaseLineFormSet, extra=2)
)
DimensionFormSet = cast(
    type[BaseLineFormSet], forms.formset_factory(DimensionForm, formset=BaseLineFormSet, extra=2)
)


# Calls for intake --------------------------------------------------------------------------


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    text = forms.CharField(
        label=_("Call text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        help_text=_("Who may apply, what the incubator offers and how applications are chosen."),
    )
    need = forms.CharField(
        label=_("Need it answers"),
        widget=TEXT,
        max_length=4000,
        required=False,
        help_text=_("The residents' need that staff turned into this call."),
    )
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    sought_fields = FieldsField(label=_("Fields sought"))
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if isinstance(opens, datetime.date) and isinstance(closes, datetime.date) and closes < opens:
            self.add_error("closes_on", _("A call closes on or after the day it opens."))
        return data

    def values(self) -> CallValues:
        data = self.cleaned_data
        return CallValues(
            title=data["title"],
            text=data["text"],
            need=data["need"],
            places=data["places"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            fields=list(data["sought_fields"]),
        )


class CallMoveForm(forms.Form):
    to = forms.ChoiceField(
        choices=[(CallStatus.OPEN, CallStatus.OPEN), (CallStatus.CLOSED, CallStatus.CLOSED)]
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
