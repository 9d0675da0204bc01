"""Forms of subsidies: the list's filters, granting a residency subsidy, paying and cancelling.
The services check the cap, the dates and the permission again."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.incubation.models import SubsidyKind, SubsidyStatus

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE = forms.Textarea(attrs={"rows": 3})


def _blank(choices: Sequence[tuple[Any, Any]], label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class SubsidyFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    incubator = forms.TypedChoiceField(label=_("Incubator"), coerce=int, empty_value=None, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(SubsidyKind.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(SubsidyStatus.choices), required=False)
    q = forms.CharField(label=_("Resident"), max_length=100, required=False)

    def __init__(
        self,
        *args: Any,
        years: Sequence[int],
        incubators: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _blank([(y, str(y)) for y in years])  # type: ignore[attr-defined]
        self.fields["incubator"].choices = _blank(incubators)  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("Name of the resident or organization")

    def cleaned(self) -> dict[str, Any]:
        """The valid filters; an invalid one (a year or incubator out of the list) is ignored."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


class GrantForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.CharField(
        label=_("Period"),
        max_length=50,
        required=False,
        help_text=_("The months it pays for, e.g. 2026年7–10月."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, widget=NOTE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    voucher = forms.CharField(
        label=_("Payment voucher"), max_length=50, help_text=_("The number of the payment voucher.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "pay")
        super().__init__(*args, **kwargs)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=2000, widget=NOTE)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)
