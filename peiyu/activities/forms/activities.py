"""Forms of activity records: the list's filters, recording an activity, a photo and the
attendance sheet. Places, organizations and funded projects are limited to what the user may
choose; the services check the rules again."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MinValueValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.activities.models import ActivityKind, ActivityQuerySet
from peiyu.core.exceptions import DomainError
from peiyu.core.scoping import in_subtree
from peiyu.funding.forms.needs import PlaceField
from peiyu.funding.models import Contract
from peiyu.orgs.models import Field, Organization, TargetGroup
from peiyu.people.models import Volunteer
from peiyu.regions.models import Region
from peiyu.supervision.services.citizen import check_photo_size

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MONTHS = [(m, str(m)) for m in range(1, 13)]
# The organization filter's value for activities a village or town held itself.
OWN = 0
# Records start in 2000, as the API's year filters do: an earlier day is a typing error (year 1
# would not even survive the conversion of its start and end times to UTC).
EARLIEST = datetime.date(2000, 1, 1)


def _blank(choices: Sequence[tuple[Any, Any]], label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(ActivityKind.choices), required=False)
    town = forms.ChoiceField(label=_("Town"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    month = forms.TypedChoiceField(
        label=_("Month"), choices=_blank(MONTHS), coerce=int, empty_value=None, required=False
    )
    organization = forms.TypedChoiceField(
        label=_("Organization"), coerce=int, empty_value=None, required=False
    )

    def __init__(
        self,
        data: Any,
        *,
        towns: Sequence[tuple[str, str]],
        years: Sequence[int],
        organizations: Sequence[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]
        self.fields["year"].choices = _blank([(y, str(y)) for y in years])  # type: ignore[attr-defined]
        self.fields["organization"].choices = _blank(  # type: ignore[attr-defined]
            [(OWN, _("Held by the village or town itself")), *organizations]
        )
        self.fields["q"].widget.attrs["placeholder"] = _("Title, place or organization")

    def filter(self, activities: ActivityQuerySet) -> ActivityQuerySet:
        """Apply the valid filters; an invalid one filters nothing."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        if data["kind"]:
            activities = activities.filter(kind=data["kind"])
        if data["town"]:
            activities = activities.filter(in_subtree(data["town"][:9]))
        year, month = data["year"], data["month"]
        if year and month:
            # A range of days, which the (region, day) index answers.
            last = calendar.monthrange(year, month)[1]
            activities = activities.filter(
                held_on__range=(datetime.date(year, month, 1), datetime.date(year, month, last))
            )
        elif year:
            activities = activities.filter(
                held_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            )
        elif month:
            activities = activities.filter(held_on__month=month)
        if data["organization"] == OWN:
            activities = activities.filter(organization__isnull=True)
        elif data["organization"]:
            activities = activities.filter(organization_id=data["organization"])
        if text := (data["q"] or "").strip():
            activities = activities.filter(
                Q(title__icontains=text) | Q(place__icontains=text) | Q(organization__name__icontains=text)
            )
        return activities

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class ContractChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} · {obj.application.title}（{obj.application.organization.name}）"


class ActivityForm(forms.Form):
    """An activity as it was held. ``organizations`` are those the user may record for; with
    ``own`` the account records for its own organization only (no "held by the village")."""

    region = PlaceField(label=_("Where (village or town)"), max_length=12)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— held by the village or town itself —"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(ActivityKind.choices))
    title = forms.CharField(label=_("Title"), max_length=100)
    held_on = forms.DateField(label=_("Held on"), widget=DATE, validators=[MinValueValidator(EARLIEST)])
    starts = forms.TimeField(label=_("Starts at"), required=False, widget=TIME)
    ends = forms.TimeField(
        label=_("Ends at"),
        required=False,
        widget=TIME,
        help_text=_("The start and end times let volunteers' attendance raise their service hours."),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.filter(is_active=True), required=False, empty_label="—"
    )
    beneficiaries = forms.IntegerField(label=_("People served"), min_value=0, max_value=1_000_000, initial=0)
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Groups served"),
        queryset=TargetGroup.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contract = ContractChoiceField(
        label=_("Funded project"),
        queryset=Contract.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("When the activity is part of a project bought or funded by the government."),
    )
    description = forms.CharField(
        label=_("What was done"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        regions: QuerySet[Region],
        organizations: QuerySet[Organization],
        contracts: QuerySet[Contract],
        own: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].set_places(regions)  # type: ignore[attr-defined]
        choice = self.fields["organization"]
        choice.queryset = organizations  # type: ignore[attr-defined]
        if own:
            choice.required = True
            choice.empty_label = None  # type: ignore[attr-defined]
        self.fields["contract"].queryset = contracts  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends, held_on = data.get("starts"), data.get("ends"), data.get("held_on")
        if (starts is None) != (ends is None):
            self.add_error("ends" if ends is None else "starts", _("Give both the start and the end time."))
        elif starts is not None and ends is not None and ends <= starts:
            self.add_error("ends", _("An activity ends after it starts."))
        contract, organization = data.get("contract"), data.get("organization")
        if contract is not None and contract.application.organization_id != getattr(organization, "pk", None):
            self.add_error("contract", _("The funded project must be the chosen organization's own."))
        if held_on is not None and starts is not None and ends is not None:
            data["starts_at"] = _moment(held_on, starts)
            data["ends_at"] = _moment(held_on, ends)
        return data

    def values(self) -> dict[str, Any]:
        """The keyword arguments of ``record_activity``."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "organization",
                "kind",
                "title",
                "held_on",
                "place",
                "field",
                "beneficiaries",
                "contract",
                "description",
                "target_groups",
            )
        }
        if "starts_at" in data:
            values.update(starts_at=data["starts_at"], ends_at=data["ends_at"])
        values["region"] = Region.objects.get(code=data["region"])
        return values


def _moment(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"), help_text=_("JPEG, PNG or WebP. Location and camera data are removed.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"

    def clean_photo(self) -> bytes:
        """The photo's bytes; a file over the size limit is refused before it is read."""
        upload: UploadedFile = self.cleaned_data["photo"]
        try:
            check_photo_size(upload.size or 0, max_bytes=self.max_bytes)
        except DomainError as error:
            raise ValidationError(str(error), code="size") from None
        return bytes(upload.read())


class VolunteerChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.number} · {obj.masked_phone}）"


class AttendanceForm(forms.Form):
    volunteers = VolunteerChoiceField(
        label=_("Volunteers who attended"),
        queryset=Volunteer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = volunteers  # type: ignore[attr-defined]


BY_ORGANIZATION, BY_PROJECT = "organizations", "projects"


class SatisfactionFilterForm(forms.Form):
    """The satisfaction report's filters: the year the answers were given, the organizations'
    town, and whether to list organizations or funded projects."""

    view = forms.ChoiceField(
        label=_("Show"),
        choices=[(BY_ORGANIZATION, _("By organization")), (BY_PROJECT, _("By funded project"))],
        required=False,
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    town = forms.ChoiceField(label=_("Town"), required=False)
    q = forms.CharField(label=_("Organization"), max_length=100, required=False)

    def __init__(self, data: Any, *, towns: Sequence[tuple[str, str]], years: Sequence[int]) -> None:
        super().__init__(data)
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]
        self.fields["year"].choices = _blank([(y, str(y)) for y in years])  # type: ignore[attr-defined]

    def value(self, name: str) -> Any:
        """A valid filter's value; an invalid one filters nothing."""
        self.is_valid()
        return self.cleaned_data.get(name)

    def filter(self, organizations: QuerySet[Organization]) -> QuerySet[Organization]:
        if town := self.value("town"):
            organizations = organizations.filter(in_subtree(town[:9]))
        if text := (self.value("q") or "").strip():
            organizations = organizations.filter(name__icontains=text)
        return organizations

    @property
    def by_project(self) -> bool:
        return bool(self.value("view") == BY_PROJECT)

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in ("year", "town", "q"))
