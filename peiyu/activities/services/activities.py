"""Activity records: what an organization (or a village committee) held for residents, and the
volunteers who attended — attendance raises their service hours through the people app's
``record_hours``, pending the organizer's approval (谁组织谁记录)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.activities.models import Activity, ActivityKind, ActivityPhoto, Attendance
from peiyu.activities.services.common import event, locked, require, require_region
from peiyu.core import audit
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.options import value_of
from peiyu.orgs.models import Organization
from peiyu.people.models import Enrollment, HoursSource, Volunteer
from peiyu.people.services.hours import record_hours
from peiyu.regions.models import Region
from peiyu.supervision.services.citizen import prepare_photo

MAX_PHOTOS = 9


def _require_actor(by: User, *, region: Region, organization: Organization | None) -> None:
    """Staff act within their region; an organization's account only for its own organization."""
    if by.is_staff_account or by.is_superuser:
        require_region(by, region.code)
    elif organization is None or not organization.accounts.filter(pk=by.pk).exists():
        raise PermissionRefused(_("An organization records its own activities."))


FIELDS = {"place", "field", "beneficiaries", "contract", "description", "starts_at", "ends_at"}


@audit.service("activities.record_activity")
def record_activity(
    *,
    region: Region,
    kind: str,
    title: str,
    held_on: datetime.date,
    by: User,
    organization: Organization | None = None,
    target_groups: Iterable[Any] = (),
    **values: Any,
) -> Activity:
    """Record an activity held in ``region``: by staff of that region, or by an organization's
    own account for itself."""
    require(by, "activities.add_activity")
    _require_actor(by, region=region, organization=organization)
    if organization is not None and organization.region_id[:6] != region.code[:6]:
        raise DomainError(_("An organization records activities held in its own county."))
    unknown = set(values) - FIELDS
    if unknown:
        raise DomainError(_("Unknown activity fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if kind not in ActivityKind.values or not title.strip():
        raise DomainError(_("Give the activity a kind and a title."))
    if held_on > timezone.localdate():
        raise DomainError(_("Record an activity once it has been held."))
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        raise DomainError(_("An activity ends after it starts."))
    contract = values.get("contract")
    if contract is not None and (
        organization is None or contract.application.organization_id != organization.pk
    ):
        raise DomainError(_("The funded project must be the organization's own."))
    activity = Activity.objects.create(
        region=region,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        organization=organization,
        recorded_by=by,
        **values,
    )
    activity.target_groups.set(list(target_groups))
    event(subject=activity, action="recorded", by=by)
    return activity


@audit.service("activities.record_attendance")
def record_attendance(activity: Activity, *, volunteers: Iterable[Volunteer], by: User) -> list[Attendance]:
    """Mark volunteers as having attended; each attendance raises a pending service-hours
    record for the activity's span with its organization, which approves it as organizer.
    A span that clashes with the volunteer's other hours is refused with the people app's
    message, and nothing is written."""
    require(by, "activities.change_activity")
    _require_actor(by, region=activity.region, organization=activity.organization)
    activity = locked(activity)  # one attendance sheet at a time: a name is never taken twice
    if activity.organization is None or activity.starts_at is None or activity.ends_at is None:
        raise DomainError(_("Hours come from an organization's activity with its start and end times."))
    chosen = list(dict.fromkeys(volunteers))
    serving = set(
        Enrollment.objects.filter(organization=activity.organization, volunteer__in=chosen).values_list(
            "volunteer_id", flat=True
        )
    )
    if outsiders := [v.name for v in chosen if v.pk not in serving]:
        raise DomainError(
            _("%(names)s do not serve with %(organization)s.")
            % {"names": "、".join(outsiders), "organization": activity.organization.name}
        )
    rows = []
    for volunteer in chosen:
        if Attendance.objects.filter(activity=activity, volunteer=volunteer).exists():
            raise DomainError(_("%(name)s is already on the attendance list.") % {"name": volunteer.name})
        record = record_hours(
            volunteer=volunteer,
            organization=activity.organization,
            title=activity.title,
            started_at=activity.starts_at,
            ended_at=activity.ends_at,
            place=activity.place,
            source=HoursSource.ATTENDANCE,
            by=by,
        )
        rows.append(Attendance.objects.create(activity=activity, volunteer=volunteer, service_record=record))
    event(subject=activity, action="attendance", by=by, note="、".join(r.volunteer.name for r in rows))
    return rows


@audit.service("activities.add_photo")
def add_photo(activity: Activity, *, data: bytes, by: User, caption: str = "") -> ActivityPhoto:
    """Attach a photo to an activity: checked by its content and re-encoded without its
    metadata (location included), as citizen reports' photos are; at most nine."""
    require(by, "activities.change_activity")
    _require_actor(by, region=activity.region, organization=activity.organization)
    activity = locked(activity)
    if activity.photos.count() >= MAX_PHOTOS:
        raise DomainError(_("An activity keeps at most %(n)d photos.") % {"n": MAX_PHOTOS})
    max_mb = value_of("supervision.photo_max_mb", activity.region_id)
    photo = prepare_photo(data, max_bytes=int(float(max_mb) * 1024 * 1024))
    row = ActivityPhoto.objects.create(
        activity=activity,
        content=photo.content,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        caption=caption.strip()[:100],
    )
    event(subject=activity, action="photo", by=by)
    return row
