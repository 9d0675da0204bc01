"""Forms of deliberation (百姓议事堂 and village councils): the lists' filters, a council, a
member and the end of a term, a meeting planned and recorded, a decision with its vote and its
follow-up, and the portal's filters of published minutes. Places are limited to what the user
may see; the services check the rules again."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.activities.models import (
    DECISION_TRANSITIONS,
    Council,
    CouncilKind,
    CouncilMember,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingKind,
    Office,
)
from peiyu.core.scoping import in_subtree
from peiyu.funding.forms.needs import PlaceField
from peiyu.orgs.forms import validate_phone
from peiyu.regions.models import Level

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})
NOTE = forms.Textarea(attrs={"rows": 3})

# The largest key a row can have: a longer number is refused before it reaches SQLite, which
# cannot bind it.
LARGEST_KEY = 2**63 - 1

# What the decision list can single out; it opens on the decisions still being carried out.
PENDING, NOT_ADOPTED, ANY = "pending", "not_adopted", "all"
FOLLOWED = (DecisionStatus.OPEN, DecisionStatus.IN_PROGRESS)


def _blank(choices: Iterable[tuple[Any, Any]], label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


def _not_future(day: datetime.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))


class CouncilFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=_blank(CouncilKind.choices), required=False)
    town = forms.ChoiceField(label=_("Town"), required=False)
    active = forms.ChoiceField(
        label=_("Active"),
        choices=[("", _("Any")), ("yes", _("Active")), ("no", _("No longer active"))],
        required=False,
    )

    def __init__(self, data: Any, *, towns: Sequence[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("Council or village")

    def filter(self, councils: QuerySet[Council]) -> QuerySet[Council]:
        """Apply the valid filters (an invalid one filters nothing)."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        if text := (data["q"] or "").strip():
            councils = councils.filter(Q(name__contains=text) | Q(region__name__contains=text))
        if data["kind"]:
            councils = councils.filter(kind=data["kind"])
        if data["town"]:
            councils = councils.filter(in_subtree(data["town"][:9]))
        if data["active"]:
            councils = councils.filter(is_active=data["active"] == "yes")
        return councils

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class CouncilForm(forms.Form):
    """A village's deliberation hall or council."""

    region = PlaceField(label=_("Village or community"), max_length=12)
    kind = forms.ChoiceField(label=_("Kind"), choices=CouncilKind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("As it is known in the village, e.g. 南渡村百姓议事堂.")
    )
    established_on = forms.DateField(
        label=_("Established on"), widget=DATE, required=False, validators=[_not_future]
    )
    place = forms.CharField(
        label=_("Meeting place"),
        max_length=200,
        required=False,
        help_text=_("Where it usually meets; a meeting takes it unless another place is given."),
    )

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].set_places(regions.filter(level=Level.VILLAGE))  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    office = forms.ChoiceField(label=_("Office"), choices=Office.choices, initial=Office.MEMBER)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        help_text=_("To call the member to meetings. It is shown masked."),
    )
    since = forms.DateField(label=_("Member since"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "member")
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def clean_phone(self) -> str:
        return str(self.cleaned_data["phone"]).replace(" ", "")


class EndTermForm(forms.Form):
    until = forms.DateField(
        label=_("Last day of the term"),
        widget=DATE,
        help_text=_("The member does not count towards meetings after this day; past attendance stays."),
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.ORDINARY)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("Empty: the council's meeting place.")
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=4000,
        widget=TEXT,
        help_text=_("The matters to deliberate, one a line."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "meeting")
        super().__init__(*args, **kwargs)


class MemberChoiceField(forms.ModelMultipleChoiceField[CouncilMember]):
    """Members named with their office, when they hold one."""

    def label_from_instance(self, obj: CouncilMember) -> str:
        if obj.office == Office.MEMBER:
            return obj.name
        return f"{obj.name}（{Office(obj.office).label}）"

    def clean(self, value: Any) -> Any:
        for key in value if isinstance(value, list | tuple) else ():
            if str(key).strip().isdecimal() and not 0 < int(key) <= LARGEST_KEY:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        return super().clean(value)


class RecordForm(forms.Form):
    """The attendance, ticked among the members on the meeting's day, and the minutes."""

    attendees = MemberChoiceField(
        label=_("Present"),
        queryset=CouncilMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was discussed and said; the decisions and their votes are recorded next."),
    )
    # The meeting's version when the form was shown: a second officer's record is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=LARGEST_KEY)

    def __init__(
        self, *args: Any, members: Sequence[CouncilMember], meeting: Meeting | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "record")
        if meeting is not None:
            kwargs.setdefault("initial", {"version": meeting.version})
        super().__init__(*args, **kwargs)
        field: MemberChoiceField = self.fields["attendees"]  # type: ignore[assignment]
        field.queryset = CouncilMember.objects.filter(pk__in=[m.pk for m in members]).order_by("name")


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=4000, widget=NOTE)
    votes_for = forms.IntegerField(label=pgettext_lazy("vote", "For"), min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, max_value=1000, initial=0)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=1000, initial=0)
    responsible = forms.CharField(
        label=_("Responsible"), max_length=100, required=False, help_text=_("Who carries it out.")
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)


FOLLOW_LABELS = {
    DecisionStatus.IN_PROGRESS: _("In progress"),
    DecisionStatus.DONE: _("Done: say how it was carried out"),
    DecisionStatus.DROPPED: _("Dropped: give the reason"),
}


class FollowForm(forms.Form):
    to = forms.ChoiceField(label=_("Status"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("How it was carried out, or why it was dropped"),
        max_length=4000,
        widget=NOTE,
        required=False,
    )
    on = forms.DateField(
        label=_("Done on"),
        widget=DATE,
        required=False,
        validators=[_not_future],
        help_text=_("Empty: today."),
    )
    # The decision's version when the form was shown: a follow-up made meanwhile is not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=LARGEST_KEY)

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": decision.version})
        super().__init__(*args, **kwargs)
        allowed = DECISION_TRANSITIONS.get(decision.status, set())
        self.fields["to"].choices = [(k, v) for k, v in FOLLOW_LABELS.items() if k in allowed]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("to") in (DecisionStatus.DONE, DecisionStatus.DROPPED)
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", _("Say how it was carried out, or why it was dropped."))
        return data


class DecisionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (PENDING, _("Being carried out (to do or in progress)")),
            *DecisionStatus.choices,
            (NOT_ADOPTED, _("Not adopted")),
            (ANY, _("Any status")),
        ],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    town = forms.ChoiceField(label=_("Town"), required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, data: Any, *, towns: Sequence[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["town"].choices = _blank(towns)  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("Words of the decision, council or village")

    def filter(self, decisions: QuerySet[Decision], today: datetime.date) -> QuerySet[Decision]:
        """Apply the valid filters (an invalid one filters nothing); the list opens on the adopted
        decisions still to be carried out."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        status = data["status"] or PENDING
        if status == PENDING:
            decisions = decisions.filter(adopted=True, status__in=FOLLOWED)
        elif status == NOT_ADOPTED:
            decisions = decisions.filter(adopted=False)
        elif status != ANY:
            decisions = decisions.filter(adopted=True, status=status)
        if data["overdue"]:
            decisions = decisions.filter(adopted=True, status__in=FOLLOWED, due_on__lt=today)
        if data["town"]:
            decisions = decisions.filter(in_subtree(data["town"][:9], "meeting__council__region_id"))
        if text := (data["q"] or "").strip():
            decisions = decisions.filter(
                Q(text__contains=text)
                | Q(meeting__council__name__contains=text)
                | Q(meeting__council__region__name__contains=text)
            )
        return decisions

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name != "status")


class MinutesFilterForm(forms.Form):
    """The portal's filters of published minutes: only places that have some."""

    town = forms.ChoiceField(label=_("Town"), required=False)
    village = forms.ChoiceField(label=_("Village or community"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of council"), choices=_blank(CouncilKind.choices, _("All")), required=False
    )

    def __init__(self, data: Any, *, places: Sequence[tuple[str, str, str, str]]) -> None:
        """``places`` are the villages with published minutes: (village code, village name,
        town code, town name)."""
        super().__init__(data)
        towns = dict.fromkeys((town, town_name) for _v, _n, town, town_name in places)
        self.fields["town"].choices = _blank(towns, _("All"))  # type: ignore[attr-defined]
        chosen = str(data.get("town") or "") if data else ""
        grouped: dict[str, list[tuple[str, str]]] = {}
        for village, name, town, town_name in places:
            if not chosen or town == chosen:
                grouped.setdefault(town_name, []).append((village, name))
        self.fields["village"].choices = _blank(grouped.items(), _("All"))  # type: ignore[attr-defined]

    def filter(self, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
        """Apply the valid filters; a value that is not offered filters nothing."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        if data["town"]:
            meetings = meetings.filter(council__region__parent_id=data["town"])
        if data["village"]:
            meetings = meetings.filter(council__region_id=data["village"])
        if data["kind"]:
            meetings = meetings.filter(council__kind=data["kind"])
        return meetings
