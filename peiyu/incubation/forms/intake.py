"""Forms of intake: the list filters, an application entered by staff, a reviewer's scores on
the incubator's scoring form, and the decision. Choices are limited to what the user may see;
the services check the rules again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import User
from peiyu.core.scoping import code_range
from peiyu.incubation.forms.incubators import DATE, TEXT, FieldsField
from peiyu.incubation.models import (
    ApplicantKind,
    Call,
    CallStatus,
    Criterion,
    Incubator,
    IntakeApplicationQuerySet,
    IntakeStatus,
)
from peiyu.incubation.services.intake import Applicant
from peiyu.orgs.forms import RegionCodeField, region_choices, validate_phone
from peiyu.orgs.models import Organization, Status
from peiyu.people.forms.workforce import OrganizationField
from peiyu.regions.models import Region

ANY = "all"
DECISIONS = [
    (IntakeStatus.ADMITTED, _("Admit: the residency starts")),
    (IntakeStatus.DECLINED, _("Decline (give the reason)")),
    (IntakeStatus.WITHDRAWN, _("The applicant withdrew")),
]


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


def county_of(incubator: Incubator) -> str:
    """The 6-digit prefix of the county an incubator serves: a town station serves its county."""
    return incubator.region_id[:6]


def _in_counties(counties: set[str], lookup: str) -> Q:
    condition = Q(pk__in=[])
    for county in sorted(counties):
        low, high = code_range(county)
        condition |= Q(**{f"{lookup}__gte": low, f"{lookup}__lt": high})
    return condition


class IntakeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(ANY, _("Any status")), *IntakeStatus.choices], required=False
    )
    incubator = forms.TypedChoiceField(label=_("Incubator"), coerce=int, empty_value=None, required=False)
    call = forms.TypedChoiceField(label=_("Call for intake"), coerce=int, empty_value=None, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, data: Any, *, user: User) -> None:
        params = data.copy()
        if not params.get("status"):
            # The list opens on what waits for a decision.
            params["status"] = IntakeStatus.SUBMITTED
        super().__init__(params)
        incubators = Incubator.objects.visible_to(user).values_list("pk", "name")
        calls = Call.objects.visible_to(user).values_list("pk", "title", "incubator__name")[:200]
        self.fields["incubator"].choices = _blank(list(incubators))  # type: ignore[attr-defined]
        self.fields["call"].choices = _blank(  # type: ignore[attr-defined]
            [(pk, f"{title} · {incubator}") for pk, title, incubator in calls]
        )

    def filter(self, applications: IntakeApplicationQuerySet) -> IntakeApplicationQuerySet:
        """Apply the filters; an invalid filter filters nothing."""
        if not self.is_valid():
            return applications.filter(status=IntakeStatus.SUBMITTED)
        data = self.cleaned_data
        if data["status"] and data["status"] != ANY:
            applications = applications.filter(status=data["status"])
        if data["incubator"]:
            applications = applications.filter(incubator_id=data["incubator"])
        if data["call"]:
            applications = applications.filter(call_id=data["call"])
        if data["q"].strip():
            text = data["q"].strip()
            applications = applications.filter(Q(name__contains=text) | Q(reference=text.upper()))
        return applications


class IntakeForm(forms.Form):
    """An application entered by staff or the operator, for one of the incubators they see."""

    incubator = forms.TypedChoiceField(label=_("Incubator"), coerce=int)
    call = forms.TypedChoiceField(
        label=_("Call for intake"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("An open call of the chosen incubator; leave empty for an application outside any call."),
    )
    applicant_kind = forms.ChoiceField(
        label=_("Applicant"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.GROUP,
        widget=forms.RadioSelect,
    )
    organization = OrganizationField(
        label=_("Organization"), help_text=_("For an organization already filed or registered.")
    )
    name = forms.CharField(
        label=_("Name of the group or organization"),
        max_length=200,
        required=False,
        help_text=_("For an organization, empty takes its name in the registry."),
    )
    region = RegionCodeField(
        label=_("Where it works"),
        max_length=12,
        required=False,
        help_text=_("A town or village of the incubator's county; for an organization, empty takes its own."),
    )
    members = forms.IntegerField(label=_("Members"), min_value=0, max_value=10_000, initial=0)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, validators=[validate_phone])
    plan = forms.CharField(
        label=_("What it wants to do"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    support_needed = forms.CharField(
        label=_("Support it needs"), widget=TEXT, max_length=4000, required=False
    )
    activity_fields = FieldsField(label=_("Fields of activity"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incubators = {
            i.pk: i for i in Incubator.objects.visible_to(user).operating().select_related("region")
        }
        self.calls = {
            c.pk: c
            for c in Call.objects.filter(
                incubator__in=list(self.incubators), status=CallStatus.OPEN
            ).order_by("-opens_on")
        }
        counties = {county_of(i) for i in self.incubators.values()}
        self.fields["incubator"].choices = _blank([(pk, i.name) for pk, i in self.incubators.items()])  # type: ignore[attr-defined]
        self.fields["call"].choices = _blank(  # type: ignore[attr-defined]
            [(pk, f"{c.title} · {self.incubators[c.incubator_id].name}") for pk, c in self.calls.items()]
        )
        places = Region.objects.filter(_in_counties(counties, "code"), level__in=["town", "village"])
        regions = region_choices(places)
        region_field = self.fields["region"]
        region_field.regions = regions  # type: ignore[attr-defined]
        region_field.widget = forms.Select(choices=_blank(sorted(regions.items())))
        # Operators see no registry of their own; they pick from their incubators' counties.
        scope = Organization.objects.visible_to(user) if user.is_staff_account else Organization.objects.all()
        organizations = scope.filter(_in_counties(counties, "region__code"), status=Status.ACTIVE)
        self.fields["organization"].set_queryset(organizations)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        incubator = self.incubators.get(data.get("incubator") or 0)
        if incubator is None:
            return data
        call = data.get("call")
        if call and self.calls[call].incubator_id != incubator.pk:
            self.add_error("call", _("This call belongs to another incubator."))
        organization: Organization | None = data.get("organization")
        if data.get("applicant_kind") == ApplicantKind.ORGANIZATION:
            if organization is None:
                self.add_error("organization", _("Name the organization in the registry."))
            else:
                data["name"] = data.get("name") or organization.name
                data["region"] = data.get("region") or organization.region_id
        else:
            data["organization"] = None
        if not data.get("name"):
            self.add_error("name", _("Give the group's name."))
        region = data.get("region")
        if not region:
            self.add_error("region", _("Say where it works."))
        elif not region.startswith(county_of(incubator)):
            self.add_error("region", _("Choose a place in the county this incubator serves."))
        return data

    def chosen_incubator(self) -> Incubator:
        return self.incubators[self.cleaned_data["incubator"]]

    def chosen_call(self) -> Call | None:
        pk = self.cleaned_data["call"]
        return self.calls[pk] if pk else None

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            name=" ".join(data["name"].split()),
            region=Region.objects.get(code=data["region"]),
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            plan=data["plan"],
            applicant_kind=data["applicant_kind"],
            organization=data["organization"],
            members=data["members"],
            support_needed=data["support_needed"],
            fields=list(data["activity_fields"]),
        )


class ReviewForm(forms.Form):
    """A score per criterion in use, 0 to its maximum, and a comment."""

    comment = forms.CharField(label=_("Comment"), widget=TEXT, max_length=4000, required=False)

    def __init__(
        self, *args: Any, criteria: list[Criterion], given: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        given = given or {}
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_points,
                max_digits=5,
                decimal_places=1,
                initial=given.get(str(criterion.pk)),
                help_text=_("0 to %(points)s points. %(guidance)s")
                % {"points": criterion.max_points, "guidance": criterion.guidance},
            )
        # The comment comes after the scores.
        self.order_fields([*(f"c{c.pk}" for c in criteria), "comment"])

    def scores(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        widget=TEXT,
        max_length=4000,
        required=False,
        help_text=_("Required when declining: the applicant is told the reason."),
    )
    started_on = forms.DateField(label=_("Residency starts on"), widget=DATE, required=False)
    workspace = forms.CharField(label=_("Workspace"), max_length=100, required=False)
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
