"""Forms of applications (申报): the list filters, the project form (with the organization on a
new application), the budget lines and the outputs as repeatable rows, and the staff decisions
(outline, defense scores, override). Choices are limited to the round and to what the user may
see; the services check the rules again."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.accounts.models import User
from peiyu.core.scoping import code_range
from peiyu.funding.models import (
    Application,
    ApplicationStatus,
    CatalogItem,
    FundingApplicationQuerySet,
    LineCategory,
    Project,
    ProjectStatus,
    Round,
)
from peiyu.lib.divisions import prefix_of
from peiyu.orgs.models import Field, Organization, TargetGroup
from peiyu.people.forms.workforce import OrganizationField
from peiyu.people.models import Expert
from peiyu.regions.models import Level, Region

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


class ApplicationFilterForm(forms.Form):
    round = forms.TypedChoiceField(
        label=pgettext_lazy("funding round", "Round"), coerce=int, empty_value=None, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=_blank(ApplicationStatus.choices), required=False)
    field = forms.TypedChoiceField(label=_("Field"), coerce=int, empty_value=None, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, data: Any, *, rounds: QuerySet[Round]) -> None:
        super().__init__(data)
        self.fields["round"].choices = _blank(  # type: ignore[attr-defined]
            rounds.order_by("-year", "-id").values_list("pk", "title")[:200]
        )
        self.fields["field"].choices = _blank(  # type: ignore[attr-defined]
            Field.objects.filter(is_active=True).values_list("pk", "name")
        )

    def filter(self, applications: FundingApplicationQuerySet) -> FundingApplicationQuerySet:
        """Apply the filters; an invalid filter filters nothing."""
        if not self.is_valid():
            return applications
        data = self.cleaned_data
        if data["round"]:
            applications = applications.filter(round_id=data["round"])
        if data["status"]:
            applications = applications.filter(status=data["status"])
        if data["field"]:
            applications = applications.filter(field_id=data["field"])
        text = data["q"].strip()
        if text:
            applications = applications.filter(
                Q(title__icontains=text) | Q(organization__name__icontains=text)
            )
        return applications


def _places(round: Round, current: str | None) -> QuerySet[Region]:
    """The county of the round and its towns (and the place on record, when it is a village)."""
    low, high = code_range(prefix_of(round.region_id))
    inside = Q(code__gte=low, code__lt=high, level__in=[Level.COUNTY, Level.TOWN])
    return Region.objects.filter(inside | Q(pk=current or "")).order_by("code")


class ProjectForm(forms.Form):
    """The project: what it is, where and for whom, and the money besides the request."""

    title = forms.CharField(label=_("Project title"), max_length=100)
    catalog_item = forms.ModelChoiceField(
        label=_("Catalog item"),
        queryset=CatalogItem.objects.none(),
        required=False,
        help_text=_("The item of the round's procurement catalog the project delivers."),
    )
    project = forms.ModelChoiceField(
        label=_("Library project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("When the project is in the project library."),
    )
    field = forms.ModelChoiceField(label=_("Field"), queryset=Field.objects.none())
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    area = forms.ModelChoiceField(
        label=_("Where it serves"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("The whole county or one town."),
    )
    summary = forms.CharField(
        label=pgettext_lazy("funding project", "Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    need_statement = forms.CharField(
        label=_("The need it answers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )
    beneficiaries = forms.IntegerField(
        label=_("People it will serve"), min_value=0, max_value=10_000_000, initial=0
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False)
    co_funding = forms.DecimalField(
        label=_("Own and matched funds (yuan)"),
        initial=Decimal(0),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
    )

    # What update_application and create_application take as plain values.
    VALUES = (
        "title",
        "catalog_item",
        "project",
        "field",
        "area",
        "summary",
        "need_statement",
        "beneficiaries",
        "starts_on",
        "ends_on",
        "co_funding",
    )

    def __init__(
        self, *args: Any, round: Round, application: Application | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        # A round limited to some fields offers only those (and the one on record).
        funded = round.fields.all()
        offered = Q(pk__in=funded) if funded.exists() else Q(is_active=True)
        current_field = application.field_id if application else None
        self.fields["field"].queryset = Field.objects.filter(offered | Q(pk=current_field or 0))  # type: ignore[attr-defined]
        self.fields["area"].queryset = _places(round, application.area_id if application else None)  # type: ignore[attr-defined]
        items = round.catalog_items.all()
        if items.exists():
            self.fields["catalog_item"].queryset = items  # type: ignore[attr-defined]
        else:
            del self.fields["catalog_item"]
        library = Project.objects.in_region(round.region_id).filter(status=ProjectStatus.ACCEPTED)
        current_project = application.project_id if application else None
        if current_project:
            library = Project.objects.filter(Q(pk__in=library) | Q(pk=current_project))
        if library.exists():
            self.fields["project"].queryset = library.order_by("title", "pk")  # type: ignore[attr-defined]
        else:
            del self.fields["project"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The project must end on or after the day it starts."))
        if data.get("co_funding") is None:
            data["co_funding"] = Decimal(0)
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned fields the services take by name (an empty place keeps the default)."""
        values = {name: self.cleaned_data[name] for name in self.VALUES if name in self.cleaned_data}
        if values.get("area") is None:
            values.pop("area", None)
        values["title"] = " ".join(values["title"].split())
        return values

    def chosen_target_groups(self) -> list[TargetGroup]:
        return list(self.cleaned_data["target_groups"])


class NewApplicationForm(ProjectForm):
    """A new application: the organization it is for, then the project."""

    organization = OrganizationField(label=_("Organization"), required=True)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(OrganizationField, self.fields["organization"])
        field.set_queryset(organizations)
        self.order_fields(["organization", *self.VALUES])


def application_initial(application: Application) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(application, name) for name in ProjectForm.VALUES}
    initial["target_groups"] = list(application.target_groups.all())
    initial["seen_version"] = application.version
    return initial


class EditForm(ProjectForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# Budget lines and outputs as repeatable rows -------------------------------------------------


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=_blank(LineCategory.choices))
    item = forms.CharField(label=_("Item"), max_length=100)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    note = forms.CharField(label=_("How it is worked out"), max_length=200, required=False)


class OutputForm(forms.Form):
    description = forms.CharField(label=_("Output"), max_length=200)
    indicator = forms.CharField(label=_("Indicator"), max_length=100)
    target = forms.DecimalField(label=_("Target"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    unit = forms.CharField(label=_("Unit"), max_length=20)


class RowsFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Rows left empty are ignored; a ticked row is removed."""

    def rows(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


BudgetLineFormSet = cast(
    type[RowsFormSet], forms.formset_factory(BudgetLineForm, formset=RowsFormSet, extra=2, can_delete=True)
)
OutputFormSet = cast(
    type[RowsFormSet], forms.formset_factory(OutputForm, formset=RowsFormSet, extra=2, can_delete=True)
)


# Decisions -----------------------------------------------------------------------------------


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the application is withdrawn"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class OutlineForm(forms.Form):
    invite = forms.TypedChoiceField(
        label=_("Decision on the outline"),
        choices=[("1", _("Invite it to send the full proposal")), ("0", _("Take it no further"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=300,
        required=False,
        help_text=_("Required when the outline is not taken further: the applicant is told the reason."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("invite") is False and not data.get("note", "").strip():
            self.add_error("note", _("Say why the outline is not taken further."))
        return data


class DefenseForm(forms.Form):
    """A defense (现场答辩) score from 0 to 100 for each expert of the panel."""

    def __init__(self, *args: Any, experts: list[tuple[Expert, Decimal | None]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.experts = [expert for expert, _given in experts]
        for expert, given in experts:
            self.fields[f"e{expert.pk}"] = forms.DecimalField(
                label=expert.name,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                initial=given,
            )

    def scores(self) -> dict[int, Decimal]:
        return {expert.pk: self.cleaned_data[f"e{expert.pk}"] for expert in self.experts}


class OverrideForm(forms.Form):
    selected = forms.TypedChoiceField(
        label=_("Selection"),
        choices=[("1", _("Select it")), ("0", _("Do not select it"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Amount awarded (yuan)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("When selecting: empty awards the full request."),
    )
    reason = forms.CharField(
        label=_("Reason for the override"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Required; it stays with the application and is shown with the selection."),
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("An override needs a recorded reason."))
        return reason


def in_round_region(user: User, round: Round) -> QuerySet[Organization]:
    """The organizations the user may apply for in the round's region."""
    return Organization.objects.visible_to(user).in_region(round.region_id)
