"""Forms of training events: the event itself and its attendance sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.incubation.models import Incubator, Residency, ServiceKind
from peiyu.incubation.services.residencies import EventValues

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    incubator = forms.TypedChoiceField(label=_("Incubator"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, incubators: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incubator"].choices = [("", _("Any incubator")), *incubators]  # type: ignore[attr-defined]


class EventForm(forms.Form):
    incubator = forms.ModelChoiceField(label=_("Incubator"), queryset=Incubator.objects.none())
    title = forms.CharField(label=_("Title"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Service type"), choices=ServiceKind.choices, initial=ServiceKind.TRAINING
    )
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=1, min_value=Decimal("0.1"), max_value=24
    )
    place = forms.CharField(label=_("Place"), max_length=150, required=False)
    provider = forms.CharField(
        label=pgettext_lazy("training event", "Provider"),
        max_length=100,
        help_text=_("The trainer or the unit giving the training."),
    )
    description = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )

    def __init__(self, *args: Any, incubators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["incubator"]
        field.queryset = incubators  # type: ignore[attr-defined]
        if len(choices := list(incubators[:2])) == 1:
            field.initial = choices[0].pk

    def values(self) -> tuple[Incubator, EventValues]:
        data = self.cleaned_data
        return data["incubator"], EventValues(
            title=data["title"],
            held_on=data["held_on"],
            hours=data["hours"],
            provider=data["provider"],
            kind=data["kind"],
            place=data["place"],
            description=data["description"],
        )


class AttendanceForm(forms.Form):
    """The attendance sheet: for each resident a box (``came_<pk>``) and the number of people
    who came (``people_<pk>``)."""

    def __init__(
        self, *args: Any, residents: Sequence[Residency], recorded: Mapping[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.residents = list(residents)
        for resident in self.residents:
            people = recorded.get(resident.pk)
            self.fields[f"came_{resident.pk}"] = forms.BooleanField(
                label=resident.name, required=False, initial=people is not None
            )
            self.fields[f"people_{resident.pk}"] = forms.IntegerField(
                label=pgettext_lazy("head count", "People"),
                min_value=1,
                max_value=1000,
                required=False,
                initial=people or 1,
            )

    def rows(self) -> list[tuple[Residency, forms.BoundField, forms.BoundField]]:
        return [(r, self[f"came_{r.pk}"], self[f"people_{r.pk}"]) for r in self.residents]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for resident in self.residents:
            if data.get(f"came_{resident.pk}") and not data.get(f"people_{resident.pk}"):
                self.add_error(f"people_{resident.pk}", _("How many people came?"))
        return data

    def attendance(self) -> dict[int, int]:
        data = self.cleaned_data
        return {r.pk: data[f"people_{r.pk}"] for r in self.residents if data.get(f"came_{r.pk}")}
