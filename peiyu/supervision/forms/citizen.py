"""Forms of citizen reports: the portal's report and status lookup, the back-office's filters
and triage. Photos are checked and re-encoded here, at the edge, by the service's
``prepare_photo``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peiyu.core.exceptions import DomainError
from peiyu.core.options import value_of
from peiyu.orgs.forms import RegionCodeField, validate_phone
from peiyu.orgs.models import Organization
from peiyu.people.forms.workforce import OrganizationField
from peiyu.supervision.models import ReportState
from peiyu.supervision.options import PHOTO_MAX_MB
from peiyu.supervision.services.citizen import MAX_PHOTOS, PreparedPhoto, check_photo_size, prepare_photo

MEGABYTE = 1024 * 1024


def _blank(choices: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; ``clean`` gives a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class CitizenReportForm(forms.Form):
    """What a resident reports from a phone: where, who, what, photos, and a way back."""

    region = RegionCodeField(label=_("Where (town or village)"), max_length=12)
    organization_name = forms.CharField(
        label=_("Organization concerned"),
        max_length=200,
        required=False,
        help_text=_("Its name as you know it, if you know it. The office finds the registered organization."),
    )
    text = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("When and where, and what you saw."),
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 3 photos (JPEG, PNG or WebP). Location and camera data are removed."),
    )
    contact = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        help_text=_("Only if the office may call you back. It is never shown in full to anyone."),
    )
    consent = forms.BooleanField(
        label=_(
            "I confirm that this report is true to my knowledge, and agree that the civil affairs office uses it, its photos and my phone to handle the report."
        )
    )

    def __init__(self, *args: Any, regions: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        field.regions = regions  # type: ignore[attr-defined]
        field.widget = forms.Select(choices=_blank(sorted(regions.items())))
        self.fields["photos"].widget.attrs.update({"accept": "image/jpeg,image/png,image/webp"})
        self.fields["contact"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        uploads: list[UploadedFile] = data.get("photos") or []
        if len(uploads) > MAX_PHOTOS:
            self.add_error("photos", _("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS})
            return data
        # The limit may be set per region, so it is known only once the region is.
        max_bytes = int(value_of(PHOTO_MAX_MB.key, data.get("region") or None)) * MEGABYTE
        data["photos"] = [self._prepared(upload, max_bytes) for upload in uploads]
        return data

    def _prepared(self, upload: UploadedFile, max_bytes: int) -> PreparedPhoto | None:
        try:
            check_photo_size(upload.size or 0, max_bytes=max_bytes)  # before a byte is read
            return prepare_photo(upload.read(), max_bytes=max_bytes)
        except DomainError as error:
            self.add_error("photos", f"{upload.name}: {error}")
            return None


class StatusForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=12)

    def clean_reference(self) -> str:
        return str(self.cleaned_data["reference"]).strip().upper()


class ReportFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=_blank(ReportState.choices), required=False)
    town = forms.ChoiceField(label=_("Town"), required=False)

    def __init__(self, *args: Any, towns: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]


class TriageForm(forms.Form):
    """What every triage step carries: the version seen, against concurrent handling."""

    action = ""
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization] | None = None,
        named: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        if "organization" in self.fields and organizations is not None:
            field: OrganizationField = self.fields["organization"]  # type: ignore[assignment]
            field.set_queryset(organizations)
            field.required = True
            self.initial.setdefault("organization", _named(organizations, named))


def _named(organizations: QuerySet[Organization], name: str) -> Organization | None:
    """The registered organization the reporter most likely meant: the only one whose name
    contains what the reporter wrote."""
    if not name.strip():
        return None
    found = list(organizations.filter(name__contains=name.strip())[:2])
    return found[0] if len(found) == 1 else None


class DismissForm(TriageForm):
    action = "dismiss"
    reply = forms.CharField(
        label=_("Reply to the reporter"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why no action is taken. The reporter reads this with the reference number."),
    )


class WarnForm(TriageForm):
    action = "warn"
    organization = OrganizationField(label=_("Organization"))
    reminder = forms.CharField(
        label=_("Written reminder to the organization"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Recorded in the organization's supervision history. This is not an administrative warning."
        ),
    )
    reply = forms.CharField(
        label=_("Reply to the reporter"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InspectionForm(TriageForm):
    action = "inspect"
    organization = OrganizationField(label=_("Organization"))
    planned_on = forms.DateField(label=_("Planned on"), widget=forms.DateInput(attrs={"type": "date"}))
    reply = forms.CharField(
        label=_("Reply to the reporter"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_planned_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["planned_on"]
        if day < timezone.localdate():
            raise ValidationError(_("The inspection cannot be planned in the past."))
        return day


TRIAGE_FORMS: dict[str, type[TriageForm]] = {
    form.action: form for form in (DismissForm, WarnForm, InspectionForm)
}
