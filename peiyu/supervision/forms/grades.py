"""Forms of grade evaluation. Choices are limited to what the user may see; the services check
the rules (eligibility, conflicts of interest, periods) again and explain refusals."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.orgs.models import Organization
from peiyu.people.forms.workforce import OrganizationField
from peiyu.people.models import Expert
from peiyu.supervision.models import GradeStatus, Indicator, Objection

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LEVELS = [("", "—"), *[(str(level), f"{level}A") for level in range(5, 0, -1)]]


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


class EntryForm(forms.Form):
    organization = OrganizationField(label=_("Organization"), required=True)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].set_queryset(organizations)  # type: ignore[attr-defined]


class EvaluatorsForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label=_("Evaluators"),
        queryset=Expert.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Experts affiliated with the organization cannot evaluate it."),
    )

    def __init__(self, *args: Any, experts: QuerySet[Expert], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = experts  # type: ignore[attr-defined]


class NoticeForm(forms.Form):
    starts_on = forms.DateField(label=_("Public notice from"), required=False, widget=DATE)

    def day(self) -> datetime.date:
        value: datetime.date | None = self.cleaned_data.get("starts_on")
        return value or timezone.localdate()


class ConcludeForm(forms.Form):
    on = forms.DateField(label=_("Awarded on"), required=False, widget=DATE)

    def day(self) -> datetime.date:
        value: datetime.date | None = self.cleaned_data.get("on")
        return value or timezone.localdate()


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))
    contact = forms.CharField(label=_("Contact"), max_length=50, required=False)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)


class AnswerForm(forms.Form):
    objection = forms.ModelChoiceField(
        label=_("Objection"), queryset=Objection.objects.none(), empty_label=None
    )
    answer = forms.CharField(label=_("Review decision"), widget=forms.Textarea(attrs={"rows": 3}))
    upheld = forms.TypedChoiceField(
        label=_("Objection upheld"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
    )
    level = forms.TypedChoiceField(
        label=_("Revised grade"),
        choices=LEVELS,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only when the objection is upheld and the grade changes."),
    )
    answered_on = forms.DateField(label=_("Answered on"), required=False, widget=DATE)

    def __init__(self, *args: Any, objections: QuerySet[Objection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["objection"]
        field.queryset = objections  # type: ignore[attr-defined]
        field.label_from_instance = lambda o: f"{o.received_on} {o.text[:40]}"  # type: ignore[attr-defined]


class EndGradeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (GradeStatus.DOWNGRADED, _("Downgrade the grade")),
            (GradeStatus.REVOKED, _("Revoke the grade")),
        ],
    )
    to_level = forms.TypedChoiceField(
        label=_("New grade"),
        choices=LEVELS,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("For a downgrade; one level down when left empty."),
    )
    reason = forms.CharField(
        label=_("Grounds (Art. 30)"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreForm(forms.Form):
    """One field per second-level indicator, 0 to its points."""

    def __init__(
        self, *args: Any, indicators: list[Indicator], initial_points: dict[int, Decimal], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"i{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.parent.name if indicator.parent else ''} · {indicator.name}",
                min_value=0,
                max_value=indicator.points,
                max_digits=6,
                decimal_places=2,
                initial=initial_points.get(indicator.pk),
                help_text=_("0 to %(points)d points. %(guidance)s")
                % {"points": indicator.points, "guidance": indicator.guidance},
            )

    def points(self) -> dict[int, Decimal]:
        return {indicator.pk: self.cleaned_data[f"i{indicator.pk}"] for indicator in self.indicators}


class IndicatorSetForm(forms.Form):
    """Names and points of a set's second-level indicators."""

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"name{indicator.pk}"] = forms.CharField(
                label=_("Indicator"), max_length=100, initial=indicator.name
            )
            self.fields[f"points{indicator.pk}"] = forms.IntegerField(
                label=_("Points"), min_value=0, max_value=1000, initial=indicator.points
            )

    def values(self) -> dict[int, tuple[str, int]]:
        return {
            i.pk: (self.cleaned_data[f"name{i.pk}"], self.cleaned_data[f"points{i.pk}"])
            for i in self.indicators
        }
