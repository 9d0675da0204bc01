"""Forms of the expert review: the declaration of (no) conflict of interest before the file
opens, and the scores on the round's rubric with the anchor description of every score."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peiyu.funding.models import SCALE, Criterion

NO_CONFLICT = "none"
CONFLICT = "conflict"


class DeclarationForm(forms.Form):
    declaration = forms.ChoiceField(
        label=_("Declaration"),
        choices=[
            (
                NO_CONFLICT,
                _(
                    "I have no conflict of interest with this applicant: I am not a member, employee or "
                    "adviser of it."
                ),
            ),
            (CONFLICT, _("I have a conflict of interest with this applicant (say which below).")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("The conflict"),
        max_length=300,
        required=False,
        help_text=_("For example: I advise this organization. You are then replaced by another expert."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("declaration") == CONFLICT and not data.get("note", "").strip():
            self.add_error("note", _("Say what the conflict is."))
        return data

    @property
    def conflict(self) -> bool:
        return bool(self.cleaned_data["declaration"] == CONFLICT)


class ScoreForm(forms.Form):
    """A score from 0 to 5 on every rubric line, each choice with its anchor description."""

    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )

    def __init__(self, *args: Any, criteria: list[Criterion], given: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            choices = [
                (score, criterion.anchor(score) or (gettext("Not addressed") if score == 0 else ""))
                for score in range(SCALE + 1)
            ]
            self.fields[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=given.get(criterion.pk),
            )
        self.order_fields([*(f"c{c.pk}" for c in criteria), "comment"])

    def lines(self) -> list[tuple[Criterion, forms.BoundField]]:
        return [(criterion, self[f"c{criterion.pk}"]) for criterion in self.criteria]

    def scores(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[f"c{criterion.pk}"] for criterion in self.criteria}
