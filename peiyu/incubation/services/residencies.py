"""Life inside an incubator: extensions past the maximum, early exit, services and training
attendance, and growth assessment."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import ConflictError, DomainError, TransitionError
from peiyu.core.options import value_of
from peiyu.incubation import options
from peiyu.incubation.models import (
    EXTENSION_TRANSITIONS,
    RESIDENCY_TRANSITIONS,
    Assessment,
    Dimension,
    Extension,
    ExtensionStatus,
    Incubator,
    Residency,
    ResidencyStatus,
    Service,
    ServiceKind,
    Stage,
    TrainingEvent,
)
from peiyu.incubation.services.common import add_months, event, locked, move, require
from peiyu.people.models import Expert


def earliest_graduation(residency: Residency) -> datetime.date:
    """The first day a resident may graduate: the minimum residency after its start."""
    return add_months(residency.started_on, value_of(options.MIN_MONTHS.key, residency.incubator.region_id))


def _current(residency: Residency) -> None:
    if not residency.is_current:
        raise TransitionError(_("%(name)s is no longer in residence.") % {"name": residency.name})


@audit.service("incubation.request_extension")
def request_extension(residency: Residency, *, months: int, reason: str, by: User) -> Extension:
    require(by, "incubation.add_extension")
    residency = locked(residency)
    _current(residency)
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."))
    longest = value_of(options.MAX_EXTENSION_MONTHS.key, residency.incubator.region_id)
    if not 1 <= months <= longest:
        raise DomainError(_("An extension lasts 1 to %(months)s months.") % {"months": longest})
    if residency.extensions.filter(status=ExtensionStatus.REQUESTED).exists():
        raise ConflictError(_("An extension of this residency is already waiting for a decision."))
    extension = Extension.objects.create(residency=residency, months=months, reason=reason, requested_by=by)
    event(subject=extension, action="requested", by=by, residency=residency, note=reason)
    return extension


@audit.service("incubation.decide_extension")
def decide_extension(
    extension: Extension, *, decision: str, by: User, note: str = "", seen_version: int | None = None
) -> Extension:
    """Approve (the residency's end moves by the months asked) or decline with a reason."""
    require(by, "incubation.decide_extension")
    extension = locked(extension, seen_version=seen_version)
    residency = locked(extension.residency)
    if decision == ExtensionStatus.DECLINED and not note.strip():
        raise DomainError(_("Give the reason for declining."))
    if decision == ExtensionStatus.APPROVED:
        _current(residency)
        before = residency.planned_end_on
        residency.planned_end_on = add_months(before, extension.months)
        residency.version += 1
        residency.save(update_fields=["planned_end_on", "version"])
        event(
            subject=residency,
            action="extended",
            by=by,
            note=f"{before.isoformat()} → {residency.planned_end_on.isoformat()}",
        )
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.decision_note = note
    return move(
        extension,
        to=decision,
        transitions=EXTENSION_TRANSITIONS,
        by=by,
        residency=residency,
        note=note,
        fields=("decided_by", "decided_at", "decision_note"),
    )


@audit.service("incubation.exit_residency")
def exit_residency(
    residency: Residency,
    *,
    reason: str,
    by: User,
    ended_on: datetime.date | None = None,
    seen_version: int | None = None,
) -> Residency:
    """End a residency early (or past its end without graduating), with the reason."""
    require(by, "incubation.change_residency")
    residency = locked(residency, seen_version=seen_version)
    if not reason.strip():
        raise DomainError(_("Give the reason for leaving."))
    day = ended_on or timezone.localdate()
    if day < residency.started_on or day > timezone.localdate():
        raise DomainError(_("The day it left lies between its start and today."))
    residency.ended_on = day
    residency.exit_reason = reason
    return move(
        residency,
        to=ResidencyStatus.EXITED,
        transitions=RESIDENCY_TRANSITIONS,
        by=by,
        note=reason,
        fields=("ended_on", "exit_reason"),
    )


@dataclass(frozen=True)
class ServiceValues:
    kind: str
    delivered_on: datetime.date
    provider: str
    hours: Decimal
    attendees: int = 1
    description: str = ""
    expert: Expert | None = None


def _check_day(residency: Residency, day: datetime.date) -> None:
    last = min(timezone.localdate(), residency.ended_on or timezone.localdate())
    if not residency.started_on <= day <= last:
        raise DomainError(
            _("%(name)s was in residence from %(start)s; the day must lie between then and %(last)s.")
            % {"name": residency.name, "start": residency.started_on, "last": last}
        )


@audit.service("incubation.record_service")
def record_service(residency: Residency, *, values: ServiceValues, by: User) -> Service:
    require(by, "incubation.add_service")
    if values.kind not in ServiceKind.values:
        raise DomainError(_("Unknown service type."))
    if values.hours <= 0 or values.hours > 24:
        raise DomainError(_("A service lasts more than 0 and at most 24 hours."))
    _check_day(residency, values.delivered_on)
    service = Service.objects.create(
        residency=residency,
        kind=values.kind,
        delivered_on=values.delivered_on,
        provider=values.provider,
        expert=values.expert,
        hours=values.hours,
        attendees=values.attendees,
        description=values.description,
        recorded_by=by,
    )
    event(subject=service, action="service", by=by, residency=residency, note=service.get_kind_display())
    return service


@dataclass(frozen=True)
class EventValues:
    title: str
    held_on: datetime.date
    hours: Decimal
    provider: str
    kind: str = ServiceKind.TRAINING
    place: str = ""
    description: str = ""


@audit.service("incubation.create_training_event")
def create_training_event(incubator: Incubator, *, values: EventValues, by: User) -> TrainingEvent:
    require(by, "incubation.add_trainingevent")
    if values.hours <= 0 or values.hours > 24:
        raise DomainError(_("A service lasts more than 0 and at most 24 hours."))
    return TrainingEvent.objects.create(
        incubator=incubator,
        title=values.title,
        kind=values.kind,
        held_on=values.held_on,
        hours=values.hours,
        place=values.place,
        provider=values.provider,
        description=values.description,
        created_by=by,
    )


@audit.service("incubation.record_attendance")
def record_attendance(training: TrainingEvent, *, attendance: Mapping[int, int], by: User) -> int:
    """Set the attendance sheet: residency id → people who came. Each attending resident gets
    the event in its service log; residents no longer listed lose it. Returns the count."""
    require(by, "incubation.add_trainingevent")
    if training.held_on > timezone.localdate():
        raise DomainError(_("Attendance is recorded once the event has taken place."))
    residencies = {
        r.pk: r for r in Residency.objects.filter(incubator_id=training.incubator_id, pk__in=list(attendance))
    }
    for pk, people in attendance.items():
        residency = residencies.get(pk)
        if residency is None:
            raise DomainError(_("Only this incubator's residents can be on its attendance sheet."))
        if people < 1:
            raise DomainError(_("At least one person attends."))
        _check_day(residency, training.held_on)
    training.services.exclude(residency_id__in=list(attendance)).delete()
    for pk, people in attendance.items():
        Service.objects.update_or_create(
            event=training,
            residency_id=pk,
            defaults={
                "kind": training.kind,
                "delivered_on": training.held_on,
                "provider": training.provider,
                "hours": training.hours,
                "attendees": people,
                "description": training.title,
                "recorded_by": by,
            },
        )
    return len(attendance)


@audit.service("incubation.assess_growth")
def assess_growth(
    residency: Residency,
    *,
    stage: str,
    scores: Mapping[int, Decimal | int],
    by: User,
    assessed_on: datetime.date | None = None,
    comment: str = "",
) -> Assessment:
    """Score a resident on every dimension of the incubator's rubric in use at one stage;
    scoring a stage again replaces it."""
    require(by, "incubation.add_assessment")
    if stage not in Stage.values:
        raise DomainError(_("Unknown stage."))
    day = assessed_on or timezone.localdate()
    _check_day(residency, day)
    dimensions = list(Dimension.objects.filter(incubator_id=residency.incubator_id, is_active=True))
    if not dimensions:
        raise DomainError(_("The incubator's growth rubric has no dimension in use."))
    clean: dict[str, str] = {}
    for dimension in dimensions:
        if dimension.pk not in scores:
            raise DomainError(_("Score “%(name)s”.") % {"name": dimension.name})
        points = Decimal(scores[dimension.pk])
        if not 0 <= points <= dimension.max_points:
            raise DomainError(
                _("“%(name)s” takes 0 to %(max)s points.")
                % {"name": dimension.name, "max": dimension.max_points}
            )
        clean[str(dimension.pk)] = str(points)
    total = sum((Decimal(v) for v in clean.values()), Decimal(0))
    maximum = sum(d.max_points for d in dimensions)
    assessment, _created = Assessment.objects.update_or_create(
        residency=residency,
        stage=stage,
        defaults={
            "assessed_on": day,
            "assessor": by,
            "scores": clean,
            "total": total,
            "percent": (total * 100 / maximum).quantize(Decimal("0.1")),
            "comment": comment,
        },
    )
    event(
        subject=assessment,
        action="assessed",
        by=by,
        residency=residency,
        note=f"{assessment.get_stage_display()} {total}",
    )
    return assessment
