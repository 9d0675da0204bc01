"""Forms of the procurement catalog and the project library: the lists' filters, a catalog item
(drafted and edited), its publication and retirement, a project written by the office from a
catalog item, a project proposed by an organization, and the office's decision on a proposal.
Choices are limited to what the user may see; the services check the rules again."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.core.scoping import in_subtree
from peiyu.funding.forms.needs import PlaceField
from peiyu.funding.models import (
    CatalogItem,
    CatalogItemQuerySet,
    CatalogStatus,
    Need,
    NeedStatus,
    Origin,
    ProjectQuerySet,
    ProjectStatus,
)
from peiyu.orgs.models import Field, Organization, TargetGroup
from peiyu.regions.models import Level, Region

TEXT = forms.Textarea(attrs={"rows": 3})
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal(0)}


def _blank(choices: Sequence[tuple[Any, Any]], label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class _ListFilter(forms.Form):
    """What the catalog's and the library's filters share: status, field, year and a search."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.all(), required=False, empty_label="—"
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    statuses: Any = ()

    def __init__(self, data: Any, *, years: Sequence[int]) -> None:
        super().__init__(data)
        self.fields["status"].choices = _blank(self.statuses)  # type: ignore[attr-defined]
        self.fields["year"].choices = _blank([(y, str(y)) for y in years])  # type: ignore[attr-defined]

    def cleaned(self) -> dict[str, Any]:
        """The valid filters; an invalid one filters nothing."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class CatalogFilterForm(_ListFilter):
    statuses = CatalogStatus.choices

    def filter(self, items: CatalogItemQuerySet) -> CatalogItemQuerySet:
        data = self.cleaned()
        if data["status"]:
            items = items.filter(status=data["status"])
        if data["field"]:
            items = items.filter(field=data["field"])
        if data["year"]:
            items = items.filter(year=data["year"])
        if text := (data["q"] or "").strip():
            items = items.filter(Q(title__contains=text) | Q(code=text) | Q(scope__contains=text))
        return items


class ProjectFilterForm(_ListFilter):
    statuses = ProjectStatus.choices
    origin = forms.ChoiceField(label=_("Origin"), choices=_blank(Origin.choices), required=False)
    town = forms.ChoiceField(label=_("Town"), required=False)

    def __init__(self, data: Any, *, years: Sequence[int], towns: Sequence[tuple[str, str]]) -> None:
        super().__init__(data, years=years)
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]

    def filter(self, projects: ProjectQuerySet) -> ProjectQuerySet:
        data = self.cleaned()
        if data["status"]:
            projects = projects.filter(status=data["status"])
        if data["origin"]:
            projects = projects.filter(origin=data["origin"])
        if data["field"]:
            projects = projects.filter(field=data["field"])
        if data["year"]:
            projects = projects.filter(created_at__year=data["year"])
        if data["town"]:
            projects = projects.filter(in_subtree(data["town"][:9]))
        if text := (data["q"] or "").strip():
            projects = projects.filter(
                Q(title__contains=text) | Q(summary__contains=text) | Q(organization__name__contains=text)
            )
        return projects


class NeedChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} · {obj.title} · {obj.region.name} · {obj.field.name} ({obj.supporters})"


class CatalogItemForm(forms.Form):
    """A draft catalog item. Without an ``item`` it creates one (the county chosen among those
    the user may act for); with one it edits it (the county stays)."""

    region = forms.ChoiceField(label=_("Purchasing authority"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    code = forms.CharField(label=_("Item number"), max_length=20, help_text=_("E.g. 2026-05."))
    title = forms.CharField(label=_("Service"), max_length=100)
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.filter(is_active=True), empty_label="—"
    )
    scope = forms.CharField(label=_("Scope"), max_length=4000, widget=TEXT)
    requirements = forms.CharField(label=_("Service requirements"), max_length=4000, widget=TEXT)
    eligible_applicants = forms.CharField(label=_("Eligible applicants"), max_length=4000, widget=TEXT)
    budget_min = forms.DecimalField(label=_("Budget from (yuan)"), **MONEY)
    budget_max = forms.DecimalField(label=_("Budget up to (yuan)"), **MONEY)
    needs = NeedChoiceField(
        label=_("Needs it answers"),
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Open needs of the county (in brackets: the residents raising each). New ones are accepted."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        needs: QuerySet[Need],
        counties: QuerySet[Region],
        item: CatalogItem | None = None,
        **kwargs: Any,
    ) -> None:
        if item is not None:
            kwargs.setdefault("initial", {}).update(
                {name: getattr(item, name) for name in ("year", "code", "title", "field", "scope")}
                | {
                    "requirements": item.requirements,
                    "eligible_applicants": item.eligible_applicants,
                    "budget_min": item.budget_min,
                    "budget_max": item.budget_max,
                    "needs": list(item.needs.all()),
                    "version": item.version,
                }
            )
        else:
            kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        linked = Q(pk__in=item.needs.values("pk")) if item is not None else Q(pk__in=[])
        open_needs = needs.filter(Q(status__in=[NeedStatus.NEW, NeedStatus.ACCEPTED]) | linked)
        self.fields["needs"].queryset = open_needs.select_related("region", "field").order_by(  # type: ignore[attr-defined]
            "field__position", "region_id", "-created_at"
        )
        if item is not None:
            del self.fields["region"]
        else:
            self.fields["region"].choices = list(counties.values_list("code", "name"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and high < low:
            self.add_error("budget_max", _("The upper end cannot be below the lower end."))
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("year", "code", "title", "field", "scope", "requirements", "eligible_applicants")
        return {name: data[name] for name in (*names, "budget_min", "budget_max")}


class CatalogStatusForm(forms.Form):
    to = forms.ChoiceField(choices=CatalogStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=TEXT)


def _target_groups() -> forms.ModelMultipleChoiceField[TargetGroup]:
    return forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ItemChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.year} · {obj.code} {obj.title} ({obj.budget_min:,.0f}–{obj.budget_max:,.0f})"


class ProjectForm(forms.Form):
    """A project for the library. The office writes one from a published catalog item; an
    organization's account proposes one (``organizations`` given: the organizations it may
    propose for), optionally under a published item of its county."""

    organization = forms.ModelChoiceField(
        label=_("Proposed by"), queryset=Organization.objects.none(), empty_label="—"
    )
    catalog_item = ItemChoiceField(
        label=_("Catalog item"), queryset=CatalogItem.objects.none(), empty_label="—"
    )
    title = forms.CharField(label=_("Project"), max_length=100)
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.filter(is_active=True), empty_label="—"
    )
    region = PlaceField(
        label=_("Where it serves"), max_length=12, help_text=_("A town or village, or the whole county.")
    )
    target_groups = _target_groups()
    summary = forms.CharField(
        label=pgettext_lazy("funding project", "Summary"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What it does, for whom, how often, and what it should achieve."),
    )
    budget = forms.DecimalField(label=_("Estimated budget (yuan)"), **MONEY)

    def __init__(
        self,
        *args: Any,
        items: QuerySet[CatalogItem],
        places: QuerySet[Region],
        organizations: QuerySet[Organization] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.origin = Origin.TOP_DOWN if organizations is None else Origin.BOTTOM_UP
        self.fields["catalog_item"].queryset = items.select_related("field").order_by("-year", "code")  # type: ignore[attr-defined]
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
            self.fields["catalog_item"].required = False
            self.fields["catalog_item"].help_text = _("If it answers an item of the county's catalog.")
        region: PlaceField = self.fields["region"]  # type: ignore[assignment]
        region.set_places(places)
        counties = places.filter(level=Level.COUNTY).values_list("code", "name")
        region.regions = {**dict(counties), **region.regions}
        grouped: list[tuple[str, Any]] = list(region.widget.choices)  # type: ignore[attr-defined]
        region.widget = forms.Select(choices=[grouped[0], *counties, *grouped[1:]])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item: CatalogItem | None = data.get("catalog_item")
        budget = data.get("budget")
        if item is not None and budget is not None and not item.budget_min <= budget <= item.budget_max:
            self.add_error(
                "budget",
                _("The item's budget runs from %(low)s to %(high)s yuan.")
                % {"low": item.budget_min, "high": item.budget_max},
            )
        return data


class ProjectDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Take it into the library")),
            ("decline", pgettext_lazy("funding decision", "Decline (give the reason)")),
        ],
        widget=forms.RadioSelect,
        initial="accept",
    )
    note = forms.CharField(label=_("Note or reason"), max_length=300, required=False, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not (data.get("note") or "").strip():
            self.add_error("note", pgettext_lazy("funding decision", "Give the reason for declining."))
        return data
