"""Forms of annual inspection, proposals, sanctions and listings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.supervision.models import AnnualReport, Conclusion, SanctionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Year inspected"), min_value=2000)
    notes = forms.CharField(
        label=_("Notice to organizations"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


class ReportForm(forms.ModelForm[AnnualReport]):
    version = forms.IntegerField(widget=forms.HiddenInput)
    attachment = forms.FileField(label=_("Attachment (audit report, financial statements …)"), required=False)

    class Meta:
        model = AnnualReport
        fields = [
            "activities",
            "income",
            "expenditure",
            "net_assets",
            "staff",
            "governance_changes",
            "major_events",
        ]
        widgets = {
            "activities": forms.Textarea(attrs={"rows": 4}),
            "governance_changes": forms.Textarea(attrs={"rows": 2}),
            "major_events": forms.Textarea(attrs={"rows": 2}),
        }


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[*Conclusion.choices, ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProposalDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Follow the proposal")), ("0", _("Do not follow it"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (required when not following)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SanctionKind.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    reference = forms.CharField(label=_("Decision number"), required=False, max_length=60)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RemovalForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("confirm", "confirm"), ("rectified", "rectified"), ("remove", "remove")]
    )
    on = forms.DateField(required=False, widget=DATE)
    reason = forms.CharField(required=False, max_length=200)
    version = forms.IntegerField(required=False)
