"""Forms of the rounds' back office: the terms with their tranches, the scope, the fund sources,
the rubric with its anchors, the draw, the notice, and objections with their answers. Choices
are limited to what the user may see; the services check every rule again."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError
from peiyu.funding.models import (
    SCALE,
    Aggregation,
    Application,
    CatalogItem,
    CatalogStatus,
    LastProjectRule,
    Milestone,
    Round,
    RoundKind,
    RoundStatus,
    SourceKind,
)
from peiyu.funding.services.rounds import OPEN_TERMS, TERMS, check_tranches
from peiyu.orgs.forms import validate_phone
from peiyu.orgs.models import Field, LegalForm, Organization, Status
from peiyu.people.forms.workforce import OrganizationField

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
FILTER = {"class": "form-select-sm w-auto"}


def _blank(choices: Sequence[tuple[Any, Any]], label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


# The list's filters ----------------------------------------------------------------------


class RoundFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, empty_value=None, required=False, widget=forms.Select(attrs=FILTER)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=_blank(RoundStatus.choices, _("Any status")),
        required=False,
        widget=forms.Select(attrs=FILTER),
    )

    def __init__(self, *args: Any, years: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _blank([(y, str(y)) for y in years], _("Any year"))  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label

    def cleaned(self) -> dict[str, Any]:
        """The valid filters; an invalid one (a year out of the list) is ignored."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


# Terms -------------------------------------------------------------------------------------


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices)
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Empty: the year applications open."),
    )
    call_text = forms.CharField(
        label=_("Call for applications"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_("What the round funds, who may apply, how to apply and how projects are chosen."),
    )
    opens_on = forms.DateField(label=_("Applications from"), widget=DATE)
    closes_on = forms.DateField(label=_("Applications until"), widget=DATE)
    two_stage = forms.BooleanField(
        label=_("Two stages"),
        required=False,
        help_text=_("An outline first; invited applicants then send a full proposal."),
    )
    outline_closes_on = forms.DateField(
        label=_("Outlines until"),
        widget=DATE,
        required=False,
        help_text=_("Only for a two-stage round: between the opening and closing days."),
    )
    max_request = forms.DecimalField(
        label=_("Most one project may ask (yuan)"),
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Empty: no limit besides the budget."),
        **MONEY,
    )
    legal_forms = forms.MultipleChoiceField(
        label=_("Legal forms that may apply"),
        choices=LegalForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: any legal form."),
    )
    min_grade = forms.IntegerField(
        label=_("Lowest grade (0 = none required)"),
        min_value=0,
        max_value=5,
        required=False,
        help_text=_("3 means 3A and above. Empty: the local setting."),
    )
    experts_per_application = forms.IntegerField(
        label=_("Experts per application"), min_value=1, max_value=15, initial=5
    )
    aggregation = forms.ChoiceField(
        label=_("Aggregation"), choices=Aggregation.choices, initial=Aggregation.TRIMMED
    )
    defense_weight = forms.IntegerField(
        label=_("Weight of the defense (%)"),
        min_value=0,
        max_value=100,
        initial=40,
        help_text=_("0: no defense (现场答辩); the final score is the review score."),
    )
    pass_mark = forms.DecimalField(
        label=_("Lowest fundable score"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        initial=60,
    )
    last_project_rule = forms.ChoiceField(
        label=_("Rule for the last project that does not fit"),
        choices=LastProjectRule.choices,
        widget=forms.RadioSelect,
        initial=LastProjectRule.SKIP,
    )
    partial_share = forms.IntegerField(
        label=_("Least share of the request a partial award covers (%)"),
        min_value=1,
        max_value=100,
        initial=70,
        help_text=_("Used only by the rule that offers the remaining budget."),
    )
    supervisor = OrganizationField(
        label=_("Supervising third party"),
        help_text=_("When a third party supervises the projects, contracts are three-party."),
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, round: Round | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        organizations = Organization.objects.visible_to(user).filter(status=Status.ACTIVE)
        if round is not None and round.supervisor_id:
            organizations = organizations | Organization.objects.filter(pk=round.supervisor_id)
        self.fields["supervisor"].set_queryset(organizations)  # type: ignore[attr-defined]
        if self.open_only:
            for name, field in self.fields.items():
                if name in TERMS and name not in OPEN_TERMS:
                    field.disabled = True

    @property
    def open_only(self) -> bool:
        """While applications are open only the call text and the deadlines may change."""
        return self.round is not None and self.round.status == RoundStatus.OPEN

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if isinstance(opens, datetime.date) and isinstance(closes, datetime.date) and closes < opens:
            self.add_error("closes_on", _("Applications must close on or after the day they open."))
        outline = data.get("outline_closes_on")
        if data.get("two_stage"):
            if outline is None:
                self.add_error("outline_closes_on", _("A two-stage round needs an outline deadline."))
            elif opens and closes and not opens <= outline <= closes:
                self.add_error(
                    "outline_closes_on", _("The outline deadline lies between the opening and closing days.")
                )
        return data

    def terms(self) -> dict[str, Any]:
        """The terms for ``create_round``/``update_round``: only those that may change now; an
        empty year or lowest grade is left to the service's default."""
        data = self.cleaned_data
        names = OPEN_TERMS if self.open_only else TERMS - {"tranches"}
        terms = {name: data[name] for name in names if name in data}
        if not data.get("two_stage") and not self.open_only:
            terms["outline_closes_on"] = None
        for name in ("year", "min_grade"):
            if name in terms and terms[name] is None:
                if self.round is None:
                    del terms[name]
                else:
                    terms[name] = getattr(self.round, name)
        if "legal_forms" in terms:
            terms["legal_forms"] = list(terms["legal_forms"])
        return terms


def round_initial(round: Round) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(round, name) for name in TERMS - {"tranches"}}
    initial["seen_version"] = round.version
    return initial


class TrancheForm(forms.Form):
    milestone = forms.ChoiceField(label=_("Milestone"), choices=_blank(Milestone.choices))
    percent = forms.IntegerField(label=_("Share (%)"), min_value=1, max_value=100)


class BaseTrancheFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The tranches contracts pay in: a milestone and a share each (50 / 30 / 20 by default)."""

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"milestone": form.cleaned_data["milestone"], "percent": form.cleaned_data["percent"]}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        try:
            check_tranches(self.rows())
        except DomainError as error:
            raise ValidationError(str(error)) from None


TrancheFormSet = cast(
    type[BaseTrancheFormSet],
    forms.formset_factory(TrancheForm, formset=BaseTrancheFormSet, extra=1, can_delete=True),
)


# Scope, fund sources, rubric ------------------------------------------------------------


class ScopeForm(forms.Form):
    funded_fields = forms.ModelMultipleChoiceField(
        label=_("Fields"),
        queryset=Field.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: projects of any field."),
    )
    catalog_items = forms.ModelMultipleChoiceField(
        label=_("Catalog items it buys"),
        queryset=CatalogItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("When items are ticked, every application names the item it delivers."),
    )

    def __init__(self, *args: Any, user: User, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = round.catalog_items.values("pk")
        items = (
            CatalogItem.objects.visible_to(user)
            .filter(region_id=round.region_id)
            .filter(Q(status=CatalogStatus.PUBLISHED) | Q(pk__in=chosen))
            .order_by("-year", "code")
        )
        self.fields["catalog_items"].queryset = items  # type: ignore[attr-defined]
        fields = Field.objects.filter(Q(is_active=True) | Q(pk__in=round.fields.values("pk")))
        self.fields["funded_fields"].queryset = fields  # type: ignore[attr-defined]


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(SourceKind.choices))
    name = forms.CharField(label=_("Fund"), max_length=100)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=Decimal("0.01"), **MONEY)


class BaseSourceFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def rows(self) -> list[tuple[str, str, Decimal]]:
        return [
            (form.cleaned_data["kind"], form.cleaned_data["name"], form.cleaned_data["amount"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.rows():
            raise ValidationError(_("Add at least one fund source."))


SourceFormSet = cast(
    type[BaseSourceFormSet],
    forms.formset_factory(SourceForm, formset=BaseSourceFormSet, extra=2, can_delete=True),
)


ANCHOR_FIELDS = [f"anchor_{score}" for score in range(1, SCALE + 1)]


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=100)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for score in range(1, SCALE + 1):
            self.fields[f"anchor_{score}"] = forms.CharField(
                label=_("What a %(score)d means") % {"score": score},
                max_length=300,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def anchors(self) -> dict[str, str]:
        return {str(score): self.cleaned_data[f"anchor_{score}"] for score in range(1, SCALE + 1)}


class BaseCriterionFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The rubric's lines: name, weight (the weights add up to 100) and an anchor description
    for each score from 1 to 5 (0 means not addressed)."""

    def rows(self) -> list[tuple[str, int, dict[str, str]]]:
        return [
            (form.cleaned_data["name"], form.cleaned_data["weight"], form.anchors())
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise ValidationError(_("Add at least one line to the rubric."))
        total = sum(weight for _name, weight, _anchors in rows)
        if total != 100:
            raise ValidationError(
                _("The weights add up to %(total)d; they must add up to 100."), params={"total": total}
            )


CriterionFormSet = cast(
    type[BaseCriterionFormSet],
    forms.formset_factory(CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True),
)


# Review, notice, objections ------------------------------------------------------------


class DrawForm(forms.Form):
    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for a random draw. Enter a kept seed only to run a draw again in public."),
    )


class NoticeForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Notice from"), widget=DATE, required=False, help_text=_("Empty: today.")
    )


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Objection"), widget=TEXT, max_length=5000)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    application = forms.ModelChoiceField(
        label=_("Concerning"),
        queryset=Application.objects.none(),
        required=False,
        empty_label=_("The results as a whole"),
    )
    name = forms.CharField(label=_("Name of the objector"), max_length=50, required=False)
    contact = forms.CharField(
        label=_("Contact phone"), max_length=20, required=False, validators=[validate_phone]
    )

    def __init__(self, *args: Any, applications: QuerySet[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        field.queryset = applications  # type: ignore[attr-defined]
        field.label_from_instance = lambda a: f"{a.title}（{a.organization.name}）"  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    upheld = forms.TypedChoiceField(
        label=_("Objection upheld"),
        choices=[("no", _("No, the results stand")), ("yes", _("Yes, it is upheld"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "When an upheld objection changes the selection, override the application with the same reason."
        ),
    )
