from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from peiyu.regions.models import Region


class RegionForm(forms.ModelForm[Region]):
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Region
        fields = ["population", "is_urban"]
        widgets = {
            "is_urban": forms.Select(
                choices=[("", _("Not set")), ("true", _("Urban")), ("false", _("Rural"))]
            ),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["population"].widget.attrs["max"] = 99_999_999
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.updated_at


class RegionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=50, required=False)
    missing = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("All")), ("population", _("Villages without population"))],
        required=False,
    )
