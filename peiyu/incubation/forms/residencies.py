"""Forms of the residents' pages: the list's filters, services, growth assessment, extension,
early exit and graduation. Choices are limited to what the user may see; the services check
the rules again and explain refusals."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.accounts.models import User
from peiyu.incubation.models import (
    Call,
    Dimension,
    ExtensionStatus,
    Incubator,
    ResidencyStatus,
    ServiceKind,
    Stage,
)
from peiyu.incubation.services.residencies import ServiceValues
from peiyu.people.models import Expert

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE = forms.Textarea(attrs={"rows": 3})

# The status filter: residents still in the incubator unless asked otherwise.
CURRENT, ALL = "current", "all"
OVERDUE, SOON, EXTENSION = "overdue", "soon", "extension"


def _blank(choices: Sequence[tuple[Any, Any]], label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class ResidencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    incubator = forms.TypedChoiceField(label=_("Incubator"), coerce=int, empty_value=None, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (CURRENT, _("In the incubator (in residence or graduating)")),
            *ResidencyStatus.choices,
            (ALL, _("Any status")),
        ],
        required=False,
    )
    due = forms.ChoiceField(
        label=_("Due"),
        choices=[
            ("", _("Any end date")),
            (OVERDUE, _("Past the end (overdue)")),
            (SOON, _("Ending soon")),
            (EXTENSION, _("Extension requested")),
        ],
        required=False,
    )
    call = forms.TypedChoiceField(label=_("Cohort"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        incubators = Incubator.objects.visible_to(user).values_list("pk", "name")
        self.fields["incubator"].choices = _blank(list(incubators), _("Any incubator"))  # type: ignore[attr-defined]
        calls = Call.objects.visible_to(user).published().values_list("pk", "title")[:200]
        self.fields["call"].choices = _blank(list(calls), _("Any cohort"))  # type: ignore[attr-defined]


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service type"), choices=ServiceKind.choices)
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE)
    provider = forms.CharField(
        label=pgettext_lazy("incubation service", "Provider"),
        max_length=100,
        help_text=_("Who delivered it: a staff member, a unit or a person."),
    )
    expert = forms.ModelChoiceField(
        label=_("Expert from the pool"),
        queryset=Expert.objects.none(),
        required=False,
        help_text=_("When the service linked the resident with an expert of the pool."),
    )
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=1, min_value=Decimal("0.1"), max_value=24
    )
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1, max_value=1000, initial=1)
    description = forms.CharField(label=_("What was done"), widget=NOTE, max_length=2000, required=False)

    def __init__(self, *args: Any, experts: QuerySet[Expert], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts  # type: ignore[attr-defined]
        if not experts.exists():
            del self.fields["expert"]

    def values(self) -> ServiceValues:
        data = self.cleaned_data
        return ServiceValues(
            kind=data["kind"],
            delivered_on=data["delivered_on"],
            provider=data["provider"],
            hours=data["hours"],
            attendees=data["attendees"],
            description=data["description"],
            expert=data.get("expert"),
        )


class AssessmentForm(forms.Form):
    """One score per dimension of the rubric in use (``score_<pk>``), with the dimension's
    anchors as help."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    comment = forms.CharField(label=_("Comment"), widget=NOTE, max_length=2000, required=False)

    def __init__(self, *args: Any, dimensions: Sequence[Dimension], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions = list(dimensions)
        comment = self.fields.pop("comment")
        for dimension in self.dimensions:
            self.fields[f"score_{dimension.pk}"] = forms.DecimalField(
                label=_("%(name)s (0–%(max)s)") % {"name": dimension.name, "max": dimension.max_points},
                min_value=0,
                max_value=dimension.max_points,
                max_digits=5,
                decimal_places=1,
                help_text=dimension.anchors,
            )
        self.fields["comment"] = comment

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.dimensions:
            raise ValidationError(
                _("The incubator has no growth dimension in use; set up its rubric first."), code="rubric"
            )
        return data

    def scores(self) -> dict[int, Decimal]:
        return {d.pk: self.cleaned_data[f"score_{d.pk}"] for d in self.dimensions}


class ExtensionForm(forms.Form):
    months = forms.IntegerField(label=_("Months"), min_value=1)
    reason = forms.CharField(
        label=_("Reason"),
        widget=NOTE,
        max_length=2000,
        help_text=_("Why the resident needs longer than the maximum, and what it will do in the time."),
    )

    def __init__(self, *args: Any, longest: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["months"] = forms.IntegerField(
            label=_("Months"),
            min_value=1,
            max_value=longest,
            help_text=_("1 to %(months)s months.") % {"months": longest},
        )
        self.order_fields(["months", "reason"])


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ExtensionStatus.APPROVED, pgettext_lazy("extension", "Approve")),
            (ExtensionStatus.DECLINED, pgettext_lazy("extension", "Decline")),
        ],
    )
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, help_text=_("Required when declining.")
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput)


class ExitForm(forms.Form):
    reason = forms.CharField(label=_("Reason for leaving"), widget=NOTE, max_length=2000)
    ended_on = forms.DateField(label=_("Left on"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_ended_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["ended_on"]
        if day > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return day


class GraduationForm(forms.Form):
    """What goes with the registry's organization form when a resident starts graduating:
    which application (``none`` for an organization already registered), a note, the version."""

    kind = forms.ChoiceField(
        choices=[("filing", "filing"), ("registration", "registration"), ("none", "none")]
    )
    note = forms.CharField(label=_("Note to the office"), widget=NOTE, max_length=1000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, kinds: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, k) for k in kinds]  # type: ignore[attr-defined]
        self.fields["kind"].widget = forms.HiddenInput()


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Why is it withdrawn?"), max_length=1000, required=False)
