"""Forms of per-case mediation subsidies: the list's filters, a case entered by hand, paying
and cancelling. The services check the permission, the region and the dates again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.funding.models import CaseSubsidyStatus
from peiyu.orgs.forms import RegionCodeField
from peiyu.orgs.models import Organization
from peiyu.people.forms.workforce import OrganizationField

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE = forms.Textarea(attrs={"rows": 3})


def _blank(choices: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


class CaseSubsidyFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    town = forms.ChoiceField(label=_("Town"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(CaseSubsidyStatus.choices), required=False)
    q = forms.CharField(label=_("Payee or case"), max_length=100, required=False)

    def __init__(
        self, *args: Any, years: Sequence[int], towns: Sequence[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _blank([(y, str(y)) for y in years])  # type: ignore[attr-defined]
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("Payee, case number or dispute")

    def cleaned(self) -> dict[str, Any]:
        """The valid filters; an invalid one (a year or town out of the list) is ignored."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


class CaseSubsidyForm(forms.Form):
    """A successful mediation case entered by hand (until the mediation records feed them)."""

    case_reference = forms.CharField(
        label=_("Case number"),
        max_length=60,
        help_text=_(
            "The number of the mediation case, as in the mediation record. A case is subsidised once."
        ),
    )
    case_title = forms.CharField(label=_("Dispute"), max_length=200)
    region = RegionCodeField(label=_("Village or town where it was mediated"), max_length=12)
    payee = OrganizationField(label=_("Paid to (organization in the registry)"))
    payee_name = forms.CharField(
        label=_("Payee"),
        max_length=200,
        required=False,
        help_text=_("The mediation committee or organization paid; taken from the organization when chosen."),
    )
    raised_on = forms.DateField(label=_("Case closed on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Leave empty to pay the local amount per case (%(amount)s yuan)."),
    )

    def __init__(
        self,
        *args: Any,
        regions: Mapping[str, str],
        organizations: QuerySet[Organization],
        default_amount: Decimal,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("raised_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.regions = regions  # type: ignore[attr-defined]
        region.widget = forms.Select(choices=_blank(sorted(regions.items())))
        payee: OrganizationField = self.fields["payee"]  # type: ignore[assignment]
        payee.set_queryset(organizations)
        amount = self.fields["amount"]
        amount.help_text = amount.help_text % {"amount": default_amount}
        amount.widget.attrs["placeholder"] = str(default_amount)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("payee") and not (data.get("payee_name") or "").strip():
            self.add_error("payee_name", _("Choose the organization or write the payee's name."))
        return data


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    voucher = forms.CharField(
        label=_("Payment voucher"), max_length=50, help_text=_("The number of the payment voucher.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300, widget=NOTE)
    version = forms.IntegerField(widget=forms.HiddenInput)
