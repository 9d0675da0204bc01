"""Forms of on-site inspection and rectification. Choices are limited to what the user may
see; the services check the same again."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import User
from peiyu.orgs.forms import RegionCodeField, region_choices
from peiyu.orgs.models import Organization, Status
from peiyu.people.forms.workforce import OrganizationField
from peiyu.regions.models import Level, Region
from peiyu.supervision.models import ChecklistItem, FindingResult, InspectionPlan
from peiyu.supervision.services.onsite import Result

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE = forms.Textarea(attrs={"rows": 3})
RADIOS = forms.RadioSelect(attrs={"class": "form-check-input"})
# A starting deadline on the notice form; the officer sets the real one.
DEFAULT_RECTIFICATION_DAYS = 30


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    region = RegionCodeField(label=_("Region"), max_length=12)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    description = forms.CharField(label=_("Scope and method"), widget=NOTE, required=False, max_length=2000)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        levels = [Level.COUNTY, Level.TOWN]
        regions = region_choices(Region.objects.visible_to(user).filter(level__in=levels))
        field = self.fields["region"]
        field.regions = regions  # type: ignore[attr-defined]
        field.widget = forms.Select(choices=[("", "—"), *sorted(regions.items())])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The plan ends before it starts."))
        return data

    def values(self) -> dict[str, Any]:
        return {**self.cleaned_data, "region": Region.objects.get(code=self.cleaned_data["region"])}


class VisitForm(forms.Form):
    organization = OrganizationField(label=_("Organization"), required=True)
    plan = forms.TypedChoiceField(label=_("Inspection plan"), coerce=int, empty_value=None, required=False)
    planned_on = forms.DateField(label=_("Planned on"), widget=DATE)
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Organization.objects.visible_to(user).filter(status=Status.ACTIVE)
        self.fields["organization"].set_queryset(active)  # type: ignore[attr-defined]
        self.plans = {p.pk: p for p in InspectionPlan.objects.visible_to(user).order_by("-starts_on")[:100]}
        choices = [(pk, f"{p.title} ({p.starts_on}–{p.ends_on})") for pk, p in self.plans.items()]
        self.fields["plan"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        plan = self.cleaned_data["plan"]
        return {**self.cleaned_data, "plan": self.plans[plan] if plan else None}


class FindingsForm(forms.Form):
    """The visit's record: the day, the inspectors, and a result per checklist item in use
    (``result_<pk>`` and ``note_<pk>``), unless nobody was found."""

    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE)
    inspectors = forms.CharField(
        label=_("Inspectors"), max_length=200, help_text=_("The names of the inspectors present.")
    )
    unreachable = forms.BooleanField(
        label=_("Nobody was found at the registered address"),
        required=False,
        help_text=_(
            "Then leave the checklist empty; two such visits are a ground for the abnormal-activity list."
        ),
    )
    summary = forms.CharField(label=_("Summary"), widget=NOTE, required=False, max_length=4000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.name, choices=FindingResult.choices, widget=RADIOS, required=False
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def rows(self) -> list[tuple[ChecklistItem, forms.BoundField, forms.BoundField]]:
        return [(item, self[f"result_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def clean_inspected_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["inspected_on"]
        if day > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("unreachable"):
            return data
        for item in self.items:
            result, note = data.get(f"result_{item.pk}"), data.get(f"note_{item.pk}", "")
            if not result:
                self.add_error(f"result_{item.pk}", _("Choose a result."))
            elif result == FindingResult.PROBLEM and not note.strip():
                self.add_error(f"note_{item.pk}", _("Describe the problem found."))
        return data

    def results(self) -> list[Result]:
        if self.cleaned_data.get("unreachable"):
            return []
        data = self.cleaned_data
        return [Result(item, data[f"result_{item.pk}"], data[f"note_{item.pk}"]) for item in self.items]


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Why is it called off?"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoticeForm(forms.Form):
    requirements = forms.CharField(
        label=_("To be rectified"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_("One requirement a line; each becomes a paragraph of the notice."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def clean_deadline(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["deadline"]
        if day <= timezone.localdate():
            raise ValidationError(_("The deadline must be after today."))
        return day


def default_deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_RECTIFICATION_DAYS)


class RecheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Result of the re-check"),
        choices=[("rectified", _("Rectified: close the notice")), ("failed", _("Not rectified"))],
        widget=forms.RadioSelect,
    )
    rechecked_on = forms.DateField(label=_("Re-checked on"), widget=DATE)
    note = forms.CharField(label=_("What the re-check found"), widget=NOTE, max_length=4000)
    version = forms.IntegerField(widget=forms.HiddenInput)
