from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    EVENTS = [
        ("", _("All events")),
        ("auth.", _("Sign-ins and sign-outs")),
        ("auth.login_failed", _("Failed sign-ins")),
        ("accounts.", _("Account changes")),
        ("api.", _("API tokens")),
        ("regions.", _("Regions")),
        ("audit.", _("Audit retention")),
    ]
    event = forms.ChoiceField(label=_("Event"), choices=EVENTS, required=False)
    actor = forms.CharField(label=_("Actor"), max_length=50, required=False)
    q = forms.CharField(label=_("Object"), max_length=100, required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class OptionForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    value = forms.CharField(
        label=_("Value"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the value set above your region, or the default."),
    )
