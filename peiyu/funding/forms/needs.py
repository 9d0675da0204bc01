"""Forms of needs: the list's filters, a need entered by staff, the portal's need form and its
status lookup, the office's decision, the merge and the coverage view's filters. Places are
limited to what the user may see; the services check the rules again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.core.scoping import in_subtree
from peiyu.funding.models import NeedQuerySet, NeedSource, NeedStatus
from peiyu.orgs.forms import RegionCodeField, validate_phone
from peiyu.orgs.models import Field, TargetGroup
from peiyu.regions.models import Level, Region

OPEN = "open"
ANY = "all"
NOTE = forms.Textarea(attrs={"rows": 3})
DECISIONS = [
    ("accept", _("Accept: the office takes it up")),
    ("answer", _("Answer it directly (write the answer)")),
    ("decline", pgettext_lazy("funding decision", "Decline (give the reason)")),
]


def _blank(choices: Sequence[tuple[Any, Any]], label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


def _fields() -> forms.ModelChoiceField[Field]:
    return forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.filter(is_active=True), empty_label="—"
    )


def _target_groups() -> forms.ModelChoiceField[TargetGroup]:
    return forms.ModelChoiceField(
        label=_("Who needs it"),
        queryset=TargetGroup.objects.filter(is_active=True),
        required=False,
        empty_label="—",
    )


def places(regions: Any) -> tuple[dict[str, str], list[tuple[str, Any]]]:
    """The towns and villages of a region queryset: the codes with a readable name (for the
    check) and the choices grouped by town (a whole town first, then its villages)."""
    rows = list(
        regions.filter(level__in=[Level.TOWN, Level.VILLAGE])
        .order_by("code")
        .values_list("code", "name", "level", "parent_id", "parent__name")
    )
    names: dict[str, str] = {}
    groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    whole = str(_("the whole town"))
    for code, name, level, parent, parent_name in rows:
        if level == Level.TOWN:
            names[code] = name
            groups.setdefault(code, (name, []))[1].insert(0, (code, f"{name}（{whole}）"))
        else:
            names[code] = f"{parent_name}·{name}"
            groups.setdefault(parent, (parent_name, []))[1].append((code, name))
    return names, [(label, options) for label, options in groups.values()]


class PlaceField(RegionCodeField):
    """A town or village chosen from a select grouped by town."""

    def set_places(self, regions: Any) -> None:
        self.regions, grouped = places(regions)
        self.widget = forms.Select(choices=_blank(grouped))


class NeedFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(OPEN, _("Waiting (new or accepted)")), (ANY, _("Any status")), *NeedStatus.choices],
        required=False,
    )
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.all(), required=False, empty_label="—"
    )
    town = forms.ChoiceField(label=_("Town"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=_blank(NeedSource.choices), required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, data: Any, *, towns: Sequence[tuple[str, str]], years: Sequence[int]) -> None:
        super().__init__(data)
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]
        self.fields["year"].choices = _blank([(y, str(y)) for y in years])  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("Words of the need, or its reference number")

    def filter(self, needs: NeedQuerySet) -> NeedQuerySet:
        """Apply the valid filters (an invalid one filters nothing); the list opens on the needs
        waiting for the office."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        status = data["status"] or OPEN
        if status == OPEN:
            needs = needs.open()
        elif status != ANY:
            needs = needs.filter(status=status)
        if data["field"]:
            needs = needs.filter(field=data["field"])
        if data["town"]:
            needs = needs.filter(in_subtree(data["town"][:9]))
        if data["year"]:
            needs = needs.filter(created_at__year=data["year"])
        if data["source"]:
            needs = needs.filter(source=data["source"])
        if text := (data["q"] or "").strip():
            needs = needs.filter(
                Q(title__contains=text) | Q(description__contains=text) | Q(reference=text.upper())
            )
        return needs

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name != "status")


class NeedForm(forms.Form):
    """A need entered by a village worker or the office."""

    title = forms.CharField(label=_("Need"), max_length=100, help_text=_("In a few words: what is missing."))
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    field = _fields()
    target_group = _target_groups()
    region = PlaceField(label=_("Village, community or town"), max_length=12)
    submitter_name = forms.CharField(label=_("Raised by"), max_length=50, required=False)
    contact = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        help_text=_("Of the resident who raised it, to call back. It is shown masked."),
    )

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].set_places(regions)  # type: ignore[attr-defined]

    def place(self) -> Region:
        return Region.objects.get(code=self.cleaned_data["region"])


class PublicNeedForm(NeedForm):
    """The portal's need form, made for a phone. ``website`` is a field people never see: a form
    that fills it in is a robot's."""

    submitter_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=50,
        required=False,
    )
    contact = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        help_text=_("Only if the office may call you back. It is never shown in full to anyone."),
    )
    website = forms.CharField(required=False, label=_("Leave this empty"))

    field_order = ["title", "description", "field", "target_group", "region", "submitter_name", "contact"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].label = _("Your village or community")
        self.fields["region"].help_text = _("Listed by town; choose the whole town if it concerns all of it.")
        self.fields["title"].help_text = _("In a few words, e.g. 老年人法律咨询, 青少年心理辅导.")
        self.fields["description"].help_text = _("Who needs it, how many, how often, and what is there now.")
        self.fields["contact"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class StatusForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=12)

    def clean_reference(self) -> str:
        return "".join(str(self.cleaned_data["reference"]).split()).upper()


class DecideForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Answer, reason or note"),
        max_length=4000,
        widget=NOTE,
        required=False,
        help_text=_("The resident reads an answer or a reason for declining with the reference number."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, allowed: Sequence[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decide")
        super().__init__(*args, **kwargs)
        if allowed:
            self.fields["action"].choices = [c for c in DECISIONS if c[0] in allowed]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in ("answer", "decline") and not (data.get("note") or "").strip():
            message = (
                _("Write the answer.")
                if data["action"] == "answer"
                else pgettext_lazy("funding decision", "Give the reason for declining.")
            )
            self.add_error("note", message)
        return data


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Merge into need"),
        max_length=12,
        help_text=_("The reference number of the need that stands; it counts this need's residents."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, widget=NOTE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "merge")
        super().__init__(*args, **kwargs)

    def clean_into(self) -> str:
        return "".join(str(self.cleaned_data["into"]).split()).upper()


class CoverageForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)

    def __init__(self, data: Any, *, regions: Mapping[str, str], years: Sequence[int]) -> None:
        super().__init__(data)
        self.fields["region"].choices = list(regions.items())  # type: ignore[attr-defined]
        self.fields["year"].choices = _blank([(y, str(y)) for y in years], _("All years"))  # type: ignore[attr-defined]

    def cleaned(self) -> dict[str, Any]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}
