"""Incubators on the portal: the operating incubators, each one's public page with its current
call for intake and its graduates, and the public application to an open call."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.exceptions import DomainError
from peiyu.core.paging import paginate
from peiyu.incubation.models import (
    ApplicantKind,
    Call,
    CallStatus,
    Channel,
    Incubator,
    ResidencyStatus,
)
from peiyu.incubation.services.intake import Applicant, submit_intake
from peiyu.orgs.forms import RegionCodeField, list_choices, region_choices, validate_phone
from peiyu.orgs.models import Field, Organization
from peiyu.regions.models import Level, Region

# Where the done page finds the reference number of the application just sent.
SESSION_KEY = "portal_intake_reference"


def _open_calls(today: Any) -> Q:
    return Q(status=CallStatus.OPEN, opens_on__lte=today, closes_on__gte=today)


def _incubator(pk: int) -> Incubator:
    incubator = Incubator.objects.operating().select_related("region", "operator").filter(pk=pk).first()
    if incubator is None:
        raise Http404
    return incubator


def _current_call(incubator: Incubator) -> Call | None:
    """The call taking applications today, the one closing soonest if several are."""
    today = timezone.localdate()
    return incubator.calls.filter(_open_calls(today)).order_by("closes_on", "id").first()


def incubator_list(request: HttpRequest) -> HttpResponse:
    """The operating incubators, with their occupancy and whether a call is open."""
    calls = Call.objects.filter(_open_calls(timezone.localdate()), incubator=OuterRef("pk"))
    incubators = (
        Incubator.objects.operating()
        .for_listing()
        .annotate(call_open=Exists(calls))
        .prefetch_related("fields")
        .order_by("region_id", "name")
    )
    return render(request, "portal/incubator_list.html", {"page": paginate(request, incubators, per_page=20)})


def incubator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An incubator's public page: staff by name and duty only, never their phones."""
    incubator = _incubator(pk)
    current = _current_call(incubator)
    graduates = (
        incubator.residencies.filter(status=ResidencyStatus.GRADUATED)
        .select_related("organization")
        .order_by("-ended_on", "-id")
    )
    past = incubator.calls.published().order_by("-opens_on", "-id")
    context = {
        "incubator": incubator,
        "fields": incubator.fields.all(),
        "staff": incubator.staff.only("name", "duty"),
        "current": current,
        "past": past.exclude(pk=current.pk) if current else past,
        "graduates": graduates,
    }
    return render(request, "portal/incubator_detail.html", context)


class PublicIntakeForm(forms.Form):
    """An application to an incubator's open call, made for a phone: a group being formed, or
    an organization in the registry named by its filing number or credit code."""

    applicant_kind = forms.ChoiceField(
        label=_("Who is applying"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.GROUP,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    name = forms.CharField(
        label=_("Name of the group"),
        max_length=200,
        required=False,
        help_text=_("For a group being formed. An organization in the registry applies under its own name."),
    )
    code = forms.CharField(
        label=_("Filing number or unified social credit code"),
        max_length=40,
        required=False,
        help_text=_("For an organization already filed or registered."),
    )
    region = RegionCodeField(label=_("Town or village where it works"), max_length=12)
    activity_fields = forms.MultipleChoiceField(
        label=_("Fields of activity"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    members = forms.IntegerField(label=_("Members"), min_value=1, max_value=10_000)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, validators=[validate_phone])
    plan = forms.CharField(
        label=_("What it wants to do"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Whom it serves, what it has done so far and what it plans."),
    )
    support_needed = forms.CharField(
        label=_("Support it needs"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Office space, training, registration guidance, project design …"),
    )

    def __init__(self, *args: Any, regions: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        field.regions = regions  # type: ignore[attr-defined]
        field.widget = forms.Select(choices=[("", "—"), *sorted(regions.items())])
        self.fields["activity_fields"].choices = list_choices(Field)  # type: ignore[attr-defined]
        self.fields["contact_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.organization: Organization | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("applicant_kind") == ApplicantKind.ORGANIZATION:
            code = (data.get("code") or "").strip()
            self.organization = (
                Organization.objects.filter(Q(uscc=code.upper()) | Q(filing_number=code)).first()
                if code
                else None
            )
            if self.organization is None:
                self.add_error(
                    "code",
                    ValidationError(
                        _("No organization in the registry has this filing number or credit code.")
                    ),
                )
        elif not (data.get("name") or "").strip():
            self.add_error("name", _("Give the name of the group."))
        return data

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        organization = self.organization if data["applicant_kind"] == ApplicantKind.ORGANIZATION else None
        return Applicant(
            name=organization.name if organization else data["name"].strip(),
            region=Region.objects.get(code=data["region"]),
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"].replace(" ", ""),
            plan=data["plan"],
            applicant_kind=data["applicant_kind"],
            organization=organization,
            members=data["members"],
            support_needed=data["support_needed"],
            fields=list(Field.objects.filter(code__in=data["activity_fields"])),
        )


def _county_regions(incubator: Incubator) -> dict[str, str]:
    towns = Region.objects.in_region(incubator.region_id[:6]).filter(level__in=[Level.TOWN, Level.VILLAGE])
    return region_choices(towns)


def incubator_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """The public application to the incubator's open call; no account needed."""
    incubator = _incubator(pk)
    call = _current_call(incubator)
    form = PublicIntakeForm(request.POST or None, regions=_county_regions(incubator))
    if call is not None and request.method == "POST" and form.is_valid():
        try:
            application = submit_intake(
                incubator=incubator, applicant=form.applicant(), by=None, call=call, channel=Channel.PORTAL
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            request.session[SESSION_KEY] = application.reference
            return redirect("portal:incubator-apply-done", pk=incubator.pk)
    return render(
        request, "portal/incubator_apply.html", {"incubator": incubator, "call": call, "form": form}
    )


def incubator_apply_done(request: HttpRequest, pk: int) -> HttpResponse:
    incubator = _incubator(pk)
    reference = request.session.get(SESSION_KEY)
    if not reference:
        return redirect("portal:incubator-detail", pk=incubator.pk)
    return render(
        request, "portal/incubator_apply_done.html", {"incubator": incubator, "reference": reference}
    )
