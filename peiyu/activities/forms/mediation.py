"""Forms of people's mediation: the case list's filters, registering a case with its parties,
each step of a mediation (start, record, agreement, ending without agreement, follow-up visit,
judicial confirmation), the figures' period and the mediators. The services check the
permission, the region, the status and the dates again."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.activities.models import (
    AgreementForm,
    CaseSource,
    CaseStatus,
    DisputeType,
    Mediator,
    PartyRole,
    Performance,
)
from peiyu.activities.services.mediation import PartyValues
from peiyu.lib import idcard
from peiyu.orgs.forms import RegionCodeField
from peiyu.orgs.models import Organization
from peiyu.people.forms.workforce import OrganizationField

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})
LONG_TEXT = forms.Textarea(attrs={"rows": 6})
SEXES = [("", "—"), ("男", _("Male")), ("女", _("Female"))]
MAX_PARTIES = 6
# Records start in 2000, as the API's year filters do: an earlier date is a typing error (year 1
# would not even survive the conversion of a session's time to UTC).
EARLIEST = datetime.date(2000, 1, 1)


class BlindInput(forms.TextInput):
    """A text input that never writes a value back into the page: a phone or identity number
    typed before a form error must be typed again rather than shown unmasked."""

    def format_value(self, value: Any) -> str | None:
        return None


def _blank(choices: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


def committee_of(region_name: str) -> str:
    """The default committee of a village or town: 大溪村人民调解委员会."""
    return f"{region_name}人民调解委员会"


class _Filters(forms.Form):
    def cleaned(self) -> dict[str, Any]:
        """The valid filters; an invalid one (a year or town out of the list) is ignored."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


# The case list ----------------------------------------------------------------------------------


class CaseFilterForm(_Filters):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(CaseStatus.choices), required=False)
    dispute_type = forms.ChoiceField(
        label=_("Type of dispute"), choices=_blank(DisputeType.choices), required=False
    )
    town = forms.ChoiceField(label=_("Town"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=_blank([(m, str(m)) for m in range(1, 13)]),
    )
    due = forms.ChoiceField(
        label=_("Attention"),
        choices=[
            ("", "---------"),
            ("overdue", _("Past the mediation time limit")),
            ("follow_up", _("Due for a follow-up visit")),
        ],
        required=False,
    )

    def __init__(
        self, *args: Any, years: Sequence[int], towns: Sequence[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Case number, party or dispute")
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]
        self.fields["year"].choices = _blank([(y, str(y)) for y in years])  # type: ignore[attr-defined]


# Registering a case -----------------------------------------------------------------------------


class CaseForm(forms.Form):
    region = RegionCodeField(
        label=_("Village or town"), max_length=12, help_text=_("Where the mediation committee sits.")
    )
    committee = forms.CharField(
        label=_("Mediation committee"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for the people's mediation committee of the village or town."),
    )
    organization = OrganizationField(
        label=_("Organization"),
        help_text=_("Only when an organization's mediators handle it (a registered organization)."),
    )
    dispute_type = forms.ChoiceField(label=_("Type of dispute"), choices=_blank(DisputeType.choices))
    source = forms.ChoiceField(label=_("Source"), choices=_blank(CaseSource.choices))
    summary = forms.CharField(label=_("The dispute in brief"), widget=TEXT, max_length=2000)
    claims = forms.CharField(label=_("What is asked"), widget=TEXT, max_length=2000, required=False)
    registered_on = forms.DateField(
        label=_("Registered on"), widget=DATE, validators=[MinValueValidator(EARLIEST)]
    )

    def __init__(
        self,
        *args: Any,
        regions: Mapping[str, str],
        names: Mapping[str, str],
        organizations: QuerySet[Organization],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("registered_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.names = names
        region = cast(RegionCodeField, self.fields["region"])
        region.regions = regions
        region.widget = forms.Select(choices=_blank(sorted(regions.items())))
        cast(OrganizationField, self.fields["organization"]).set_queryset(organizations)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("region") and not (data.get("committee") or "").strip():
            data["committee"] = committee_of(self.names.get(data["region"], ""))
        return data


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=SEXES, required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False)
    age = forms.IntegerField(label=_("Age"), min_value=0, max_value=130, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=50, required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False, widget=BlindInput)
    id_number = forms.CharField(
        label=_("Identity number"),
        max_length=18,
        required=False,
        validators=[idcard.django_validator],
        widget=BlindInput,
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Personal data typed here is never shown again unmasked: keep browsers from storing it.
        for name in ("phone", "id_number"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def has_changed(self) -> bool:
        # A row whose only value is its preset role is an empty row.
        return any(name != "role" and name in self.changed_data for name in self.fields)

    def values(self) -> PartyValues:
        data = self.cleaned_data
        return PartyValues(
            role=data["role"],
            name=data["name"],
            sex=data.get("sex") or "",
            ethnicity=(data.get("ethnicity") or "").strip(),
            age=data.get("age"),
            occupation=(data.get("occupation") or "").strip(),
            phone=(data.get("phone") or "").strip(),
            id_number=(data.get("id_number") or "").strip(),
            address=(data.get("address") or "").strip(),
        )


class BasePartyFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        roles = {form.cleaned_data.get("role") for form in self.forms if form.has_changed()}
        if PartyRole.APPLICANT not in roles or PartyRole.RESPONDENT not in roles:
            raise forms.ValidationError(
                _("A dispute has two sides: enter at least one applicant and one respondent.")
            )

    def values(self) -> list[PartyValues]:
        return [form.values() for form in self.forms if form.has_changed()]


PartyFormSet = cast(
    type[BasePartyFormSet],
    forms.formset_factory(
        PartyForm,
        formset=BasePartyFormSet,
        extra=MAX_PARTIES - 2,
        min_num=2,
        max_num=MAX_PARTIES,
        validate_min=True,
        validate_max=True,
    ),
)
FIRST_PARTIES = [{"role": PartyRole.APPLICANT}, {"role": PartyRole.RESPONDENT}]


# The steps of a mediation -----------------------------------------------------------------------


class MediatorChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.committee}）"


class StartForm(forms.Form):
    mediators = MediatorChoiceField(
        label=_("Mediators"),
        queryset=Mediator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Assigned by the committee or chosen by the parties (Art. 19)."),
    )

    def __init__(self, *args: Any, mediators: QuerySet[Mediator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(MediatorChoiceField, self.fields["mediators"]).queryset = mediators


class SessionForm(forms.Form):
    held_at = forms.DateTimeField(
        label=_("Held at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    participants = forms.CharField(
        label=_("Present"), max_length=300, help_text=_("The parties, mediators and others present.")
    )
    record = forms.CharField(
        label=_("Record of the mediation"),
        widget=LONG_TEXT,
        help_text=_("The notices given, what each side said, what was verified."),
    )
    result = forms.CharField(
        label=_("Result"),
        max_length=300,
        required=False,
        help_text=_("The agreement reached, or why none was reached."),
    )

    def clean_held_at(self) -> datetime.datetime:
        held_at: datetime.datetime = self.cleaned_data["held_at"]
        if held_at.date() < EARLIEST:  # entered in local time: its own date is the local one
            raise forms.ValidationError(
                _("Ensure this value is greater than or equal to %(limit_value)s."),
                code="min_value",
                params={"limit_value": EARLIEST},
            )
        return held_at


class AgreementEntryForm(forms.Form):
    form = forms.ChoiceField(
        label=_("Form of the agreement"), choices=AgreementForm.choices, widget=forms.RadioSelect
    )
    terms = forms.CharField(
        label=_("Terms agreed"),
        widget=LONG_TEXT,
        help_text=_("The facts, the points in dispute, each side's responsibility and what they agreed."),
    )
    agreed_on = forms.DateField(label=_("Agreement took effect on"), widget=DATE)
    performance_method = forms.CharField(label=_("How it is performed"), max_length=200, required=False)
    performance_due = forms.DateField(label=_("To be performed by"), widget=DATE, required=False)
    amount = forms.DecimalField(
        label=_("Amount involved (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(
            {"agreed_on": timezone.localdate(), "form": AgreementForm.WRITTEN}
        )
        super().__init__(*args, **kwargs)


class FailForm(forms.Form):
    # Ending is final: a form opened before the mediation started must not end it unseen.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Why it ended without agreement"),
        widget=TEXT,
        max_length=2000,
        help_text=_("A party refused mediation (Art. 17), or no agreement could be reached."),
    )
    routes_told = forms.CharField(
        label=_("Other routes the parties were told of"),
        widget=TEXT,
        max_length=2000,
        help_text=_("Arbitration, administrative or judicial routes (Art. 26)."),
    )
    on = forms.DateField(label=_("Closed on"), widget=DATE)
    confirm = forms.BooleanField(
        label=_("I confirm the mediation ends without agreement; the case is closed."), required=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)


SATISFACTION = [("", _("Not asked")), ("yes", _("Satisfied")), ("no", _("Not satisfied"))]


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    visitor = forms.CharField(label=_("Visited by"), max_length=50)
    performance = forms.ChoiceField(
        label=_("Performance found"),
        choices=_blank([c for c in Performance.choices if c[0] != Performance.PENDING]),
    )
    satisfied = forms.TypedChoiceField(
        label=_("Parties satisfied"),
        choices=SATISFACTION,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=_("What was found"), widget=TEXT, max_length=2000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ConfirmationForm(forms.Form):
    # The record can be completed later (the court's confirmation comes after the application):
    # a form opened before someone else's change must not overwrite it.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    applied_on = forms.DateField(label=_("Applied for on"), widget=DATE)
    court = forms.CharField(label=_("Court"), max_length=100)
    confirmed_on = forms.DateField(
        label=_("Confirmed on"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty until the court has confirmed the agreement."),
    )


# Figures ----------------------------------------------------------------------------------------


class FiguresForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("Whole year")), *((m, str(m)) for m in range(1, 13))],
    )

    def __init__(
        self, *args: Any, regions: Sequence[tuple[str, str]], years: Sequence[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions  # type: ignore[attr-defined]
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]

    def cleaned(self) -> dict[str, Any]:
        """The valid choices; an invalid one falls back to its default."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


# Mediators --------------------------------------------------------------------------------------


class MediatorFilterForm(_Filters):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    active = forms.ChoiceField(
        label=_("Active"),
        choices=[("", "—"), ("yes", _("Active")), ("no", _("No longer active"))],
        required=False,
    )
    town = forms.ChoiceField(label=_("Town"), required=False)

    def __init__(self, *args: Any, towns: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name or committee")
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]


class MediatorForm(forms.Form):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    region = RegionCodeField(label=_("Region"), max_length=12)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    committee = forms.CharField(label=_("Mediation committee"), max_length=100)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False, widget=BlindInput)
    clear_phone = forms.BooleanField(label=_("Remove the phone number on record"), required=False)
    is_full_time = forms.BooleanField(label=_("Full-time"), required=False)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("A mediator who leaves is made inactive: their past cases keep their name."),
    )

    def __init__(
        self, *args: Any, regions: Mapping[str, str], mediator: Mediator | None = None, **kwargs: Any
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        if mediator is not None:
            initial.update(
                region=mediator.region_id,
                name=mediator.name,
                committee=mediator.committee,
                is_full_time=mediator.is_full_time,
                is_active=mediator.is_active,
                seen_version=mediator.version,
            )
        else:
            initial.setdefault("is_active", True)
        super().__init__(*args, **kwargs)
        self.mediator = mediator
        region = cast(RegionCodeField, self.fields["region"])
        region.regions = regions
        region.widget = forms.Select(choices=_blank(sorted(regions.items())))
        phone = self.fields["phone"]
        phone.widget.attrs["autocomplete"] = "off"
        if mediator is not None and mediator.phone:
            # The number on record is never put back into the page: typing one replaces it.
            phone.widget.attrs["placeholder"] = mediator.masked_phone
            phone.help_text = _("Leave empty to keep the number on record (%(masked)s).") % {
                "masked": mediator.masked_phone
            }
        else:
            del self.fields["clear_phone"]

    def phone_value(self) -> str:
        data = self.cleaned_data
        typed = (data.get("phone") or "").strip()
        if typed:
            return typed
        if self.mediator is None or data.get("clear_phone"):
            return ""
        return self.mediator.phone
