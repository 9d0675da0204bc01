"""Social workers, the expert pool and legal advisers: their records and what they do.

Targets for social workers per community follow seed 004 (城市社区社工达3人以上、农村社区达1人以上).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import AccountType, User
from peiyu.core import audit, options
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.lib.divisions import is_urban_village
from peiyu.orgs.models import Field, Organization
from peiyu.people.models import (
    Affiliation,
    Assignment,
    Expert,
    IdType,
    LegalAdviser,
    SocialWorker,
    Training,
    WorkKind,
    WorkLog,
)
from peiyu.people.options import SOCIAL_WORKERS_RURAL, SOCIAL_WORKERS_URBAN
from peiyu.people.services.volunteers import check_identity
from peiyu.regions.models import Level, Region

SOCIAL_WORKER_FIELDS = frozenset(
    {
        "name",
        "id_number",
        "phone",
        "level",
        "certificate_number",
        "certified_on",
        "employer",
        "community",
        "is_active",
    }
)
EXPERT_FIELDS = frozenset(
    {
        "name",
        "title",
        "employer",
        "expertise",
        "phone",
        "region",
        "is_available",
        "availability_note",
        "account",
    }
)
ADVISER_FIELDS = frozenset({"name", "firm", "license_number", "phone", "region", "is_active"})
MAX_LOG_HOURS = Decimal(24)


def _require(by: User, permission: str) -> None:
    if not by.has_perm(permission):
        raise PermissionRefused(_("You may not make this change."))


def _check_keys(values: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )


def _check_region(region: Region, by: User, *, village: bool = False) -> None:
    if village and region.level != Level.VILLAGE:
        raise DomainError(_("Choose a community or village, not a town or county."))
    if not Region.objects.visible_to(by).filter(pk=region.pk).exists():
        raise DomainError(_("%(name)s is outside your area.") % {"name": region.name})


def _check_organization(organization: Organization, by: User) -> None:
    if not Organization.objects.visible_to(by).filter(pk=organization.pk).exists():
        raise DomainError(_("%(name)s is outside your area.") % {"name": organization.name})


def _check_day(day: datetime.date | None, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise DomainError(message)


def _store(instance: Any, values: dict[str, Any], model: type[Any]) -> Any:
    """Create the row, or save only the fields that changed."""
    if instance is None:
        row = model(**values)
        row.save()
        return row
    changed = [key for key, value in values.items() if getattr(instance, key) != value]
    for key in changed:
        setattr(instance, key, values[key])
    if changed:
        stamp = ["updated_at"] if any(f.name == "updated_at" for f in model._meta.fields) else []
        instance.save(update_fields=[*changed, *stamp])
    return instance


# Social workers


def _worker_identity(id_number: str, instance: SocialWorker | None) -> dict[str, str]:
    """The checked number and the sex it gives; one number is one social worker."""
    identity = check_identity(IdType.RESIDENT, id_number)
    others = SocialWorker.objects.filter(id_number=identity["id_number"])
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise DomainError(_("This identity number is already on record as a social worker."))
    return {"id_number": identity["id_number"], "sex": identity["sex"]}


@audit.service("people.save_social_worker")
def save_social_worker(*, instance: SocialWorker | None, values: dict[str, Any], by: User) -> SocialWorker:
    """Add a social worker, or change one. The identity number is checked and gives the sex;
    the community is a village-level region in the actor's area."""
    _require(by, "people.change_socialworker" if instance else "people.add_socialworker")
    _check_keys(values, SOCIAL_WORKER_FIELDS)
    values = dict(values)
    if instance is None and not values.get("id_number"):
        raise DomainError(_("Enter the identity number."))
    if "id_number" in values:
        values.update(_worker_identity(values["id_number"], instance))
    community = values.get("community")
    if community is not None and (instance is None or community.pk != instance.community_id):
        _check_region(community, by, village=True)
    elif instance is None:
        raise DomainError(_("Choose the community the social worker serves."))
    employer = values.get("employer")
    if employer is not None and (instance is None or employer.pk != instance.employer_id):
        _check_organization(employer, by)
    _check_day(values.get("certified_on"), _("The certification date is in the future."))
    if values.get("certificate_number") and not values.get("level", instance.level if instance else ""):
        raise DomainError(_("A certificate number needs a certification level."))
    try:
        with transaction.atomic():
            worker: SocialWorker = _store(instance, values, SocialWorker)
    except IntegrityError:
        raise DomainError(_("This identity number is already on record as a social worker.")) from None
    return worker


@audit.service("people.add_training")
def add_training(
    social_worker: SocialWorker,
    *,
    title: str,
    provider: str,
    held_on: datetime.date,
    hours: Decimal,
    by: User,
) -> Training:
    _require(by, "people.change_socialworker")
    _check_day(held_on, _("The training date is in the future."))
    if hours <= 0:
        raise DomainError(_("A training lasts more than zero hours."))
    return Training.objects.create(
        social_worker=social_worker,
        title=title.strip(),
        provider=provider.strip(),
        held_on=held_on,
        hours=hours,
    )


# The expert pool


def can_manage_expert(expert: Expert, user: User) -> bool:
    """The expert themself, or staff who may change experts, keep availability and affiliations."""
    return (expert.account_id is not None and expert.account_id == user.pk) or user.has_perm(
        "people.change_expert"
    )


def _require_manager(expert: Expert, by: User) -> None:
    if not can_manage_expert(expert, by):
        raise PermissionRefused(_("You may not change this expert's profile."))


@audit.service("people.save_expert")
def save_expert(
    *, instance: Expert | None, values: dict[str, Any], fields: Iterable[Field] | None, by: User
) -> Expert:
    """Add an expert to the pool, or change one; ``fields`` (of expertise) replaces the current
    ones unless it is None."""
    _require(by, "people.change_expert" if instance else "people.add_expert")
    _check_keys(values, EXPERT_FIELDS)
    region = values.get("region")
    if region is not None and (instance is None or region.pk != instance.region_id):
        _check_region(region, by)
    elif instance is None:
        raise DomainError(_("Choose the region the expert belongs to."))
    account = values.get("account")
    if account is not None and (instance is None or account.pk != instance.account_id):
        if account.account_type != AccountType.EXPERT:
            raise DomainError(_("Only an expert account can be linked to an expert."))
        if Expert.objects.filter(account=account).exists():
            raise DomainError(_("This account is already linked to another expert."))
    expert: Expert = _store(instance, values, Expert)
    if fields is not None:
        expert.fields.set(fields)
    return expert


@audit.service("people.add_affiliation")
def add_affiliation(
    expert: Expert,
    *,
    organization: Organization,
    relation: str,
    since: datetime.date | None,
    until: datetime.date | None,
    note: str,
    by: User,
) -> Affiliation:
    """Record a tie between an expert and an organization; reviews of it avoid the expert.
    Experts declare their own ties to any organization of the public directory."""
    _require_manager(expert, by)
    if expert.account_id != by.pk:
        _check_organization(organization, by)
    _check_day(since, _("The start date is in the future."))
    if since and until and until < since:
        raise DomainError(_("The end date is before the start date."))
    if expert.affiliations.current().filter(organization=organization, relation=relation).exists():
        raise DomainError(_("This affiliation is already on record."))
    return Affiliation.objects.create(
        expert=expert,
        organization=organization,
        relation=relation,
        since=since,
        until=until,
        note=note.strip(),
    )


@audit.service("people.end_affiliation")
def end_affiliation(affiliation: Affiliation, *, until: datetime.date, by: User) -> Affiliation:
    """End a tie. It still counts as a conflict through ``until``."""
    _require_manager(affiliation.expert, by)
    current = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
    if current.until is not None and current.until < timezone.localdate():
        raise DomainError(_("This affiliation has already ended."))
    if current.since and until < current.since:
        raise DomainError(_("The end date is before the start date."))
    current.until = until
    current.save(update_fields=["until"])
    return current


@audit.service("people.set_expert_availability")
def set_expert_availability(expert: Expert, *, is_available: bool, note: str, by: User) -> Expert:
    _require_manager(expert, by)
    expert.is_available = is_available
    expert.availability_note = note.strip()
    expert.save(update_fields=["is_available", "availability_note", "updated_at"])
    return expert


# Legal advisers


@audit.service("people.save_adviser")
def save_adviser(*, instance: LegalAdviser | None, values: dict[str, Any], by: User) -> LegalAdviser:
    _require(by, "people.change_legaladviser" if instance else "people.add_legaladviser")
    _check_keys(values, ADVISER_FIELDS)
    region = values.get("region")
    if region is not None and (instance is None or region.pk != instance.region_id):
        _check_region(region, by)
    elif instance is None:
        raise DomainError(_("Choose the region the adviser serves."))
    adviser: LegalAdviser = _store(instance, values, LegalAdviser)
    return adviser


def _open_assignments(adviser: LegalAdviser) -> QuerySet[Assignment]:
    today = timezone.localdate()
    return adviser.assignments.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


@audit.service("people.assign_adviser")
def assign_adviser(
    adviser: LegalAdviser,
    *,
    organization: Organization | None = None,
    village: Region | None = None,
    starts_on: datetime.date,
    by: User,
) -> Assignment:
    """Assign an adviser to serve one organization or one village from a date."""
    _require(by, "people.change_legaladviser")
    if (organization is None) == (village is None):
        raise DomainError(_("Choose either an organization or a village, not both."))
    if not adviser.is_active:
        raise DomainError(_("%(name)s is no longer in service.") % {"name": adviser.name})
    if village is not None:
        _check_region(village, by, village=True)
        target = Q(village=village)
    else:
        _check_organization(organization, by)  # type: ignore[arg-type]
        target = Q(organization=organization)
    if _open_assignments(adviser).filter(target).exists():
        raise DomainError(_("%(name)s already serves there.") % {"name": adviser.name})
    return Assignment.objects.create(
        adviser=adviser, organization=organization, village=village, starts_on=starts_on
    )


@audit.service("people.end_assignment")
def end_assignment(assignment: Assignment, *, ends_on: datetime.date, by: User) -> Assignment:
    _require(by, "people.change_legaladviser")
    current = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if current.ends_on is not None and current.ends_on < timezone.localdate():
        raise DomainError(_("This assignment has already ended."))
    if ends_on < current.starts_on:
        raise DomainError(_("The end date is before the start date."))
    current.ends_on = ends_on
    current.save(update_fields=["ends_on"])
    return current


@audit.service("people.log_work")
def log_work(
    adviser: LegalAdviser,
    *,
    assignment: Assignment | None,
    kind: str,
    held_on: datetime.date,
    hours: Decimal,
    summary: str,
    by: User,
) -> WorkLog:
    """Record a piece of an adviser's work, for an assignment when it was for one."""
    _require(by, "people.add_worklog")
    if kind not in WorkKind.values:
        raise DomainError(_("Choose the kind of work."))
    _check_day(held_on, _("Work can only be logged once it is done."))
    if not Decimal(0) < hours <= MAX_LOG_HOURS:
        raise DomainError(_("Enter between 0.1 and 24 hours."))
    if assignment is not None:
        if assignment.adviser_id != adviser.pk:
            raise DomainError(_("That assignment belongs to another adviser."))
        if held_on < assignment.starts_on or (assignment.ends_on and held_on > assignment.ends_on):
            raise DomainError(_("The date is outside the assignment's period."))
    return WorkLog.objects.create(
        adviser=adviser,
        assignment=assignment,
        kind=kind,
        held_on=held_on,
        hours=hours,
        summary=summary.strip(),
        recorded_by=by,
    )


def adviser_totals(advisers_qs: QuerySet[LegalAdviser], year: int) -> list[dict[str, Any]]:
    """Per adviser, the number of work-log entries and hours of each kind in a year, and the
    totals; advisers without work that year are listed with zeros. One grouped query."""
    in_year = Q(
        work_logs__held_on__gte=datetime.date(year, 1, 1),
        work_logs__held_on__lt=datetime.date(year + 1, 1, 1),
    )
    aggregates: dict[str, Any] = {}
    for kind in WorkKind.values:
        of_kind = in_year & Q(work_logs__kind=kind)
        aggregates[f"n_{kind}"] = Count("work_logs", filter=of_kind)
        aggregates[f"h_{kind}"] = Sum("work_logs__hours", filter=of_kind)
    rows = advisers_qs.annotate(**aggregates).order_by("name", "id")
    result = []
    for adviser in rows:
        by_kind = {
            kind: {
                "count": getattr(adviser, f"n_{kind}"),
                "hours": getattr(adviser, f"h_{kind}") or Decimal(0),
            }
            for kind in WorkKind.values
        }
        result.append(
            {
                "adviser": adviser,
                "by_kind": by_kind,
                "count": sum(v["count"] for v in by_kind.values()),
                "hours": sum((v["hours"] for v in by_kind.values()), Decimal(0)),
            }
        )
    return result


# Social workers per community


@dataclass(frozen=True)
class CommunityCount:
    community: Region
    workers: int
    target: int
    is_urban: bool

    @property
    def below_target(self) -> bool:
        return self.workers < self.target


def is_urban_community(community: Region) -> bool:
    return community.is_urban if community.is_urban is not None else is_urban_village(community.code)


def target_for(community: Region) -> int:
    """The local setting for the community's county (seed 004: 3 urban, 1 rural)."""
    key = SOCIAL_WORKERS_URBAN.key if is_urban_community(community) else SOCIAL_WORKERS_RURAL.key
    return int(options.value_of(key, community.code))


def community_counts(communities: QuerySet[Region]) -> list[CommunityCount]:
    """Each village-level region with its number of social workers in service and its target."""
    rows = (
        communities.filter(level=Level.VILLAGE)
        .select_related("parent")
        .annotate(workers=Count("social_workers", filter=Q(social_workers__is_active=True)))
        .order_by("code")
    )
    targets: dict[tuple[str, bool], int] = {}
    counts = []
    for r in rows:
        urban = is_urban_community(r)
        # The setting is resolved once per town and kind, not once per community.
        key = (r.code[:9], urban)
        if key not in targets:
            targets[key] = target_for(r)
        counts.append(CommunityCount(community=r, workers=r.workers, target=targets[key], is_urban=urban))
    return counts


def summarize(counts: Iterable[CommunityCount]) -> dict[str, int]:
    rows = list(counts)
    return {
        "communities": len(rows),
        "meeting": sum(1 for r in rows if not r.below_target),
        "below": sum(1 for r in rows if r.below_target),
        "workers": sum(r.workers for r in rows),
    }
