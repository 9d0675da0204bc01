"""Service hours: recorded by the organizer (谁组织谁记录), reported by the volunteer, or
taken from a QR check-in and check-out; approved or declined, never deleted. Records that are
not declined never overlap for one person, and a volunteer's approved total and star level
change in the same transaction as the records behind them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Case, F, PositiveSmallIntegerField, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from peiyu.accounts.models import AccountType, User
from peiyu.core import audit, options
from peiyu.core.exceptions import ConflictError, DomainError, PermissionRefused, TransitionError
from peiyu.orgs.models import Organization
from peiyu.people.models import (
    HOURS_TRANSITIONS,
    CheckIn,
    HoursSource,
    HoursStatus,
    ServiceActivity,
    ServiceRecord,
    Volunteer,
)
from peiyu.people.options import MAX_RECORD_HOURS, SELF_REPORT_DAYS, STAR_THRESHOLDS, star_level
from peiyu.regions.models import Region

# Bulk statements stay well under SQLite's bound-parameter limit.
CHUNK = 2000


def _local(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def check_span(volunteer: Volunteer, started_at: datetime.datetime, ended_at: datetime.datetime) -> int:
    """Refuse an impossible or overlapping span; return its length in minutes. The caller holds
    the volunteer's row lock, so two writers cannot both pass for the same person."""
    if ended_at <= started_at:
        raise DomainError(_("The end of the service must be after its start."))
    if ended_at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError(_("Hours can only be recorded once they have been served."))
    limit = options.value_of(MAX_RECORD_HOURS.key, volunteer.region_id)
    minutes = int((ended_at - started_at).total_seconds() // 60)
    if minutes > limit * 60:
        raise DomainError(
            _("One record may cover at most %(hours)d hours; split longer service by day.") % {"hours": limit}
        )
    if minutes < 1:
        raise DomainError(_("A record must cover at least one minute."))
    clash = (
        ServiceRecord.objects.overlapping(volunteer.pk, started_at, ended_at)
        .select_related("organization")
        .first()
    )
    if clash is not None:
        raise DomainError(
            _(
                "%(name)s already has hours from %(start)s to %(end)s (%(title)s, %(organizer)s, %(status)s) "
                "that overlap this time. The same hour cannot be counted twice."
            )
            % {
                "name": volunteer.name,
                "start": _local(clash.started_at),
                "end": _local(clash.ended_at),
                "title": clash.title,
                "organizer": clash.organization.name,
                "status": clash.get_status_display(),
            }
        )
    return minutes


def _locked(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


def _may_decide_for(by: User, organization: Organization) -> bool:
    if not by.has_perm("people.decide_hours"):
        return False
    if by.is_superuser:
        return True
    if by.account_type == AccountType.ORGANIZATION:
        return organization.accounts.filter(pk=by.pk).exists()
    return by.is_staff_account and Organization.objects.visible_to(by).filter(pk=organization.pk).exists()


@audit.service("people.record_hours")
def record_hours(
    *,
    volunteer: Volunteer,
    organization: Organization,
    title: str,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    by: User | None,
    source: str = HoursSource.RECORDED,
    place: str = "",
    content: str = "",
    activity: ServiceActivity | None = None,
) -> ServiceRecord:
    """Write one record. The organizer's own record (谁组织谁记录) is approved as it is made;
    everything else waits for the organizer's decision."""
    person = _locked(volunteer)
    minutes = check_span(person, started_at, ended_at)
    approved = source == HoursSource.RECORDED and by is not None and _may_decide_for(by, organization)
    if source == HoursSource.RECORDED and not approved:
        raise PermissionRefused(
            _("Only the organizer records hours directly; others report them for approval.")
        )
    record = ServiceRecord.objects.create(
        volunteer=person,
        organization=organization,
        activity=activity,
        title=title.strip(),
        place=place.strip(),
        content=content.strip(),
        started_at=started_at,
        ended_at=ended_at,
        minutes=minutes,
        source=source,
        status=HoursStatus.APPROVED if approved else HoursStatus.PENDING,
        recorded_by=by,
        decided_by=by if approved else None,
        decided_at=timezone.now() if approved else None,
    )
    if approved:
        _add_minutes({person.pk: minutes})
    return record


def report_hours(
    *,
    volunteer: Volunteer,
    organization: Organization,
    title: str,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    content: str = "",
    place: str = "",
    by: User,
) -> ServiceRecord:
    """A volunteer reports their own hours; the organizer confirms or declines them."""
    if volunteer.account_id != by.pk:
        raise PermissionRefused(_("Volunteers report only their own hours."))
    days = options.value_of(SELF_REPORT_DAYS.key, volunteer.region_id)
    if started_at < timezone.now() - datetime.timedelta(days=days):
        raise DomainError(_("Hours can be reported up to %(days)d days after the service.") % {"days": days})
    return record_hours(
        volunteer=volunteer,
        organization=organization,
        title=title,
        started_at=started_at,
        ended_at=ended_at,
        content=content,
        place=place,
        source=HoursSource.SELF_REPORTED,
        by=by,
    )


@audit.service("people.check_in")
def check_in(
    activity: ServiceActivity, *, volunteer: Volunteer, by: User, at: datetime.datetime | None = None
) -> CheckIn:
    at = at or timezone.now()
    if volunteer.account_id != by.pk:
        raise PermissionRefused(_("Volunteers check in for themselves."))
    if not activity.is_open:
        raise DomainError(_("Check-in for this activity is closed."))
    window = datetime.timedelta(hours=2)
    if not activity.starts_at - window <= at <= activity.ends_at + window:
        raise DomainError(
            _(
                "Check-in opens two hours before the activity starts (%(start)s) and closes two hours after it ends."
            )
            % {"start": _local(activity.starts_at)}
        )
    _locked(volunteer)
    open_one = (
        CheckIn.objects.filter(volunteer=volunteer, checked_out_at__isnull=True)
        .select_related("activity")
        .first()
    )
    if open_one is not None:
        raise DomainError(
            _("You are still checked in at %(title)s; check out there first.")
            % {"title": open_one.activity.title}
        )
    return CheckIn.objects.create(activity=activity, volunteer=volunteer, checked_in_at=at)


@audit.service("people.check_out")
def check_out(
    activity: ServiceActivity, *, volunteer: Volunteer, by: User, at: datetime.datetime | None = None
) -> ServiceRecord:
    """Close the open check-in and turn it into a pending record for the organizer to approve."""
    at = at or timezone.now()
    if volunteer.account_id != by.pk:
        raise PermissionRefused(_("Volunteers check out for themselves."))
    _locked(volunteer)
    entry = CheckIn.objects.filter(
        activity=activity, volunteer=volunteer, checked_out_at__isnull=True
    ).first()
    if entry is None:
        raise DomainError(_("You have not checked in at this activity."))
    record = record_hours(
        volunteer=volunteer,
        organization=activity.organization,
        activity=activity,
        title=activity.title,
        place=activity.place,
        content=activity.content[:300],
        started_at=entry.checked_in_at,
        ended_at=at,
        source=HoursSource.CHECK_IN,
        by=by,
    )
    entry.checked_out_at = at
    entry.record = record
    entry.save(update_fields=["checked_out_at", "record"])
    return record


@audit.service("people.decide_hours")
def decide_hours(
    record: ServiceRecord, *, decision: str, by: User, reason: str = "", seen_version: int | None = None
) -> ServiceRecord:
    """Approve or decline one record (a declined one keeps its reason; nothing is deleted)."""
    current = ServiceRecord.objects.select_for_update().select_related("organization").get(pk=record.pk)
    if seen_version is not None and current.version != seen_version:
        raise ConflictError(_("This record was changed after you opened it. Reload and try again."))
    if not current.can_move_to(decision):
        raise TransitionError(
            _("A record that is %(status)s cannot be %(decision)s.")
            % {"status": current.get_status_display(), "decision": HoursStatus(decision).label}
        )
    if not decide_many([current.pk], decision=decision, by=by, reason=reason):
        raise PermissionRefused(_("Only the organizer, or the office over it, decides these hours."))
    current.refresh_from_db()
    return current


@audit.service("people.decide_hours")
def decide_many(ids: Sequence[int], *, decision: str, by: User, reason: str = "") -> int:
    """Approve or decline many records at once (the organizer's batch approval). Records the
    actor may not decide, or that cannot move to ``decision``, are left as they are; the
    number decided is returned."""
    if decision not in (HoursStatus.APPROVED, HoursStatus.DECLINED):
        raise DomainError(_("Choose approve or decline."))
    if decision == HoursStatus.DECLINED and not reason.strip():
        raise DomainError(_("Give the reason for declining: the volunteer sees it."))
    if not by.has_perm("people.decide_hours"):
        raise PermissionRefused(_("You may not approve or decline service hours."))
    sources = [status for status, targets in HOURS_TRANSITIONS.items() if decision in targets]
    decidable = _decidable_by(by)
    now = timezone.now()
    delta: dict[int, int] = defaultdict(int)
    decided: list[tuple[int, str, str]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = list(
            decidable.select_for_update()
            .filter(pk__in=chunk, status__in=sources)
            .values_list("pk", "volunteer_id", "minutes", "status", "title")
        )
        if not rows:
            continue
        ServiceRecord.objects.filter(pk__in=[r[0] for r in rows]).update(
            status=decision,
            decided_by=by,
            decided_at=now,
            decline_reason=reason.strip()[:200] if decision == HoursStatus.DECLINED else "",
            version=F("version") + 1,
        )
        for pk, volunteer_id, minutes, status, title in rows:
            if decision == HoursStatus.APPROVED:
                delta[volunteer_id] += minutes
            elif status == HoursStatus.APPROVED:
                delta[volunteer_id] -= minutes
            decided.append((pk, status, title))
    _add_minutes(delta)
    _audit_decisions(decided, decision=decision, reason=reason, by=by)
    return len(decided)


def _decidable_by(by: User) -> Any:
    records = ServiceRecord.objects.all()
    if by.is_superuser:
        return records
    if by.account_type == AccountType.ORGANIZATION:
        return records.filter(organization__accounts=by)
    if by.is_staff_account and by.region_id:
        return records.filter(organization__in=Organization.objects.visible_to(by).values("pk"))
    return records.none()


def _audit_decisions(decided: list[tuple[int, str, str]], *, decision: str, reason: str, by: User) -> None:
    """One audit entry per record, written in bulk: a batch of 10,000 approvals is 10,000
    entries, as if each had been approved alone."""
    extra = {"decline_reason": ["", reason]} if reason else {}
    audit.record_updates(
        ServiceRecord,
        [(pk, title, {"status": [status, decision], **extra}) for pk, status, title in decided],
        actor=by,
        default_event="people.decide_hours",
    )


def _add_minutes(delta: dict[int, int]) -> None:
    """Apply the changes of approved minutes (exact: the records behind them are locked in this
    transaction) and bring star levels in line: two UPDATE statements per chunk, whatever its
    size. The deltas travel as a VALUES list, which both engines join in one statement."""
    changed = sorted((pk, minutes) for pk, minutes in delta.items() if minutes)
    if not changed:
        return
    table = Volunteer._meta.db_table
    for start in range(0, len(changed), CHUNK):
        chunk = changed[start : start + CHUNK]
        rows = ", ".join(["(%s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH d(id, delta) AS (VALUES {rows}) "  # noqa: S608 - placeholders only
                f"UPDATE {table} SET approved_minutes = approved_minutes + "
                f"(SELECT d.delta FROM d WHERE d.id = {table}.id) WHERE id IN (SELECT id FROM d)",
                [value for pair in chunk for value in pair],
            )
        ids = [pk for pk, _minutes in chunk]
        regions = Volunteer.objects.filter(pk__in=ids).values_list("region_id", flat=True).distinct()
        groups: dict[tuple[int, ...], list[str]] = defaultdict(list)
        for code, in_effect in _thresholds(regions).items():
            groups[tuple(in_effect)].append(code)
        for levels, codes in groups.items():
            Volunteer.objects.filter(pk__in=ids, region_id__in=codes).update(star_level=_star_case(levels))


def _star_case(thresholds: Sequence[int]) -> Case:
    """``star_level`` as SQL: the number of thresholds the approved minutes reach."""
    whens = [
        When(approved_minutes__gte=hours * 60, then=Value(level))
        for level, hours in sorted(enumerate(thresholds, start=1), reverse=True)
    ]
    return Case(*whens, default=Value(0), output_field=PositiveSmallIntegerField())


def _thresholds(region_codes: Iterable[str]) -> dict[str, list[int]]:
    """The star thresholds in effect for each region (read once per county, not per person)."""
    by_county: dict[str, list[int]] = {}
    result = {}
    for code in region_codes:
        county = code[:6]
        if county not in by_county:
            by_county[county] = options.value_of(STAR_THRESHOLDS.key, code)
        result[code] = by_county[county]
    return result


def recompute_stars(region: Region) -> int:
    """Recompute the star level of every volunteer under a region (after its thresholds
    changed); return how many changed."""
    changed = 0
    volunteers = Volunteer.objects.in_region(region.code).only(
        "pk", "region_id", "approved_minutes", "star_level"
    )
    batch: list[Volunteer] = []
    thresholds: dict[str, list[int]] = {}
    for volunteer in volunteers.iterator(chunk_size=CHUNK):
        if volunteer.region_id not in thresholds:
            thresholds[volunteer.region_id] = options.value_of(STAR_THRESHOLDS.key, volunteer.region_id)
        level = star_level(volunteer.approved_minutes / 60, thresholds[volunteer.region_id])
        if level != volunteer.star_level:
            volunteer.star_level = level
            batch.append(volunteer)
    for start in range(0, len(batch), CHUNK):
        Volunteer.objects.bulk_update(batch[start : start + CHUNK], ["star_level"])
        changed += len(batch[start : start + CHUNK])
    return changed


@audit.service("people.create_activity")
def create_activity(
    *,
    organization: Organization,
    title: str,
    place: str,
    region: Region,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    by: User,
    content: str = "",
) -> ServiceActivity:
    """An organizer announces an activity; volunteers check in and out by its QR link."""
    if not by.has_perm("people.add_serviceactivity") or not (
        by.is_superuser or Organization.objects.visible_to(by).filter(pk=organization.pk).exists()
    ):
        raise PermissionRefused(_("You may only create activities for your own organization."))
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."))
    return ServiceActivity.objects.create(
        organization=organization,
        title=title.strip(),
        place=place.strip(),
        region=region,
        starts_at=starts_at,
        ends_at=ends_at,
        content=content.strip(),
        created_by=by,
    )


@audit.service("people.set_check_in_open")
def set_check_in_open(activity: ServiceActivity, *, is_open: bool, by: User) -> ServiceActivity:
    if not ServiceActivity.objects.visible_to(by).filter(pk=activity.pk).exists():
        raise PermissionRefused(_("You may only manage your own organization's activities."))
    activity.is_open = is_open
    activity.save(update_fields=["is_open"])
    return activity
