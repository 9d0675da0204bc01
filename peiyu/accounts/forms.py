from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import AccountType, User
from peiyu.accounts.roles import ROLES, role_choices
from peiyu.lib.divisions import CodeError, full_code
from peiyu.regions.models import Region


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code"),
        regex=r"^\d{6}$",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"invalid": _("Enter the six digits your authenticator app shows.")},
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password_again = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("Your current password is not correct."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


class AccountForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[A-Za-z0-9_.@-]{3,150}$",
        max_length=150,
        error_messages={"invalid": _("Use 3 or more letters, digits, or . @ _ -")},
    )
    display_name = forms.CharField(label=_("Name"), max_length=50)
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)
    region_code = forms.CharField(
        label=_("Region code"),
        max_length=12,
        required=False,
        help_text=_("The 6-, 9- or 12-digit code the account is bound to."),
    )
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": _("Enter an 11-digit mobile number.")},
    )
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)

    def clean_region_code(self) -> Region | None:
        value = self.cleaned_data["region_code"].strip()
        if not value:
            return None
        try:
            return Region.objects.get(code=full_code(value))
        except (CodeError, Region.DoesNotExist):
            raise forms.ValidationError(_("No region has the code %(code)s.") % {"code": value}) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role and ROLES[role].account_type == AccountType.STAFF and not data.get("region_code"):
            self.add_error("region_code", _("A staff account must be bound to a region."))
        return data


class ApiTokenForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Acts as"), queryset=User.objects.none())
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Which system uses it, e.g. 12348 platform.")
    )
    expires_at = forms.DateTimeField(
        label=_("Expires"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *role_choices()], required=False)
