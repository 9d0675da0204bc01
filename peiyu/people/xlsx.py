"""Excel exports of the people app: personal data leaves masked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.people.models import ServiceRecord, Volunteer


def volunteer_rows(volunteers: Sequence[Volunteer]) -> tuple[list[str], Iterable[Sequence[Any]]]:
    headers = [
        _("Volunteer number"),
        _("Name"),
        _("Identity number"),
        _("Sex"),
        _("Date of birth"),
        _("Mobile phone"),
        _("Region"),
        _("Skills"),
        _("Approved hours"),
        _("Star level"),
        _("Registered"),
    ]
    rows = (
        (
            v.number,
            v.name,
            v.masked_id_number,
            v.get_sex_display(),
            v.birth_date,
            v.masked_phone,
            v.region.name,
            "、".join(s.name for s in v.skills.all()),
            v.hours,
            v.star_level,
            v.get_registered_via_display(),
        )
        for v in volunteers
    )
    return headers, rows


def record_rows(records: Iterable[ServiceRecord]) -> tuple[list[str], Iterable[Sequence[Any]]]:
    headers = [
        _("Volunteer number"),
        _("Volunteer"),
        _("Organizer"),
        _("Activity or project"),
        _("From"),
        _("To"),
        _("Hours"),
        _("Source"),
        _("Status"),
        _("Reason for declining"),
    ]
    rows = (
        (
            r.volunteer.number,
            r.volunteer.name,
            r.organization.name,
            r.title,
            timezone.localtime(r.started_at).replace(tzinfo=None),
            timezone.localtime(r.ended_at).replace(tzinfo=None),
            r.hours,
            r.get_source_display(),
            r.get_status_display(),
            r.decline_reason,
        )
        for r in records
    )
    return headers, rows
