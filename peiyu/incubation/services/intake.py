"""Intake: applications from groups being formed and from organizations, review with the
incubator's scoring form, and the decision that admits a resident."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
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
    INTAKE_TRANSITIONS,
    ApplicantKind,
    Call,
    Channel,
    Criterion,
    Incubator,
    IncubatorStatus,
    IntakeApplication,
    IntakeStatus,
    Residency,
    Review,
)
from peiyu.incubation.services.common import add_months, event, locked, move, require
from peiyu.orgs.models import Field, Organization
from peiyu.regions.models import Region


@dataclass(frozen=True)
class Applicant:
    name: str
    region: Region
    contact_name: str
    contact_phone: str
    plan: str
    applicant_kind: str = ApplicantKind.GROUP
    organization: Organization | None = None
    members: int = 0
    support_needed: str = ""
    fields: Sequence[Field] = ()


@audit.service("incubation.submit_intake")
def submit_intake(
    *,
    incubator: Incubator,
    applicant: Applicant,
    by: User | None,
    call: Call | None = None,
    channel: str = Channel.OFFICE,
) -> IntakeApplication:
    """Apply to enter an incubator. From the portal an application answers an open call; staff
    may also enter one outside any call."""
    if by is not None and by.pk:
        require(by, "incubation.add_intakeapplication")
    if incubator.status != IncubatorStatus.ACTIVE:
        raise DomainError(_("%(name)s is not taking residents.") % {"name": incubator.name})
    today = timezone.localdate()
    if call is not None and (call.incubator_id != incubator.pk or not call.accepts_on(today)):
        raise DomainError(_("This call is not open for applications."))
    if channel == Channel.PORTAL and call is None:
        raise DomainError(_("Apply to an open call for intake."))
    if applicant.applicant_kind == ApplicantKind.ORGANIZATION and applicant.organization is None:
        raise DomainError(_("Name the organization in the registry."))
    if applicant.organization is not None and not applicant.organization.is_active:
        raise DomainError(_("Only an active organization can apply."))
    if IntakeApplication.objects.filter(
        incubator=incubator, name=applicant.name, status=IntakeStatus.SUBMITTED
    ).exists():
        raise ConflictError(
            _("%(name)s already has an application waiting for a decision here.") % {"name": applicant.name}
        )
    if Residency.objects.current().filter(name=applicant.name).exists():
        raise ConflictError(_("%(name)s is already in residence.") % {"name": applicant.name})
    application = IntakeApplication.objects.create(
        incubator=incubator,
        call=call,
        applicant_kind=applicant.applicant_kind,
        organization=applicant.organization,
        name=applicant.name,
        region=applicant.region,
        members=applicant.members,
        contact_name=applicant.contact_name,
        contact_phone=applicant.contact_phone,
        plan=applicant.plan,
        support_needed=applicant.support_needed,
        channel=channel,
        submitted_by=by if by is not None and by.pk else None,
    )
    application.fields.set(applicant.fields)
    event(subject=application, action="submitted", by=by, to_status=IntakeStatus.SUBMITTED)
    return application


@audit.service("incubation.review_intake")
def review_intake(
    application: IntakeApplication, *, scores: Mapping[int, Decimal | int], by: User, comment: str = ""
) -> Review:
    """Score an application on every line of the incubator's form in use; scoring again
    replaces the reviewer's earlier scores."""
    require(by, "incubation.add_review")
    if application.status != IntakeStatus.SUBMITTED:
        raise TransitionError(_("Only an application waiting for a decision can be scored."))
    criteria = list(Criterion.objects.filter(incubator_id=application.incubator_id, is_active=True))
    clean: dict[str, str] = {}
    for criterion in criteria:
        if criterion.pk not in scores:
            raise DomainError(_("Score “%(name)s”.") % {"name": criterion.name})
        points = Decimal(scores[criterion.pk])
        if not 0 <= points <= criterion.max_points:
            raise DomainError(
                _("“%(name)s” takes 0 to %(max)s points.")
                % {"name": criterion.name, "max": criterion.max_points}
            )
        clean[str(criterion.pk)] = str(points)
    total = sum((Decimal(v) for v in clean.values()), Decimal(0))
    review, _created = Review.objects.update_or_create(
        application=application,
        reviewer=by,
        defaults={"scores": clean, "total": total, "comment": comment},
    )
    event(subject=application, action="reviewed", by=by, note=f"{total}")
    return review


def average_score(application: IntakeApplication) -> Decimal | None:
    totals = [review.total for review in application.reviews.all()]
    return (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.1")) if totals else None


@audit.service("incubation.decide_intake")
def decide_intake(
    application: IntakeApplication,
    *,
    decision: str,
    by: User,
    note: str = "",
    started_on: datetime.date | None = None,
    workspace: str = "",
    seen_version: int | None = None,
) -> IntakeApplication:
    """Admit (a residency starts, numbered for its agreement) or decline with a reason; the
    applicant may also withdraw."""
    require(by, "incubation.decide_intake")
    application = locked(application, seen_version=seen_version)
    if decision not in (IntakeStatus.ADMITTED, IntakeStatus.DECLINED, IntakeStatus.WITHDRAWN):
        raise TransitionError(_("Unknown decision."))
    if decision == IntakeStatus.DECLINED and not note.strip():
        raise DomainError(_("Give the reason for declining."))
    if decision == IntakeStatus.ADMITTED:
        _admit(application, by=by, started_on=started_on or timezone.localdate(), workspace=workspace)
    application.decided_by = by
    application.decided_at = timezone.now()
    application.decision_note = note
    return move(
        application,
        to=decision,
        transitions=INTAKE_TRANSITIONS,
        by=by,
        note=note,
        fields=("decided_by", "decided_at", "decision_note"),
    )


def _admit(
    application: IntakeApplication, *, by: User, started_on: datetime.date, workspace: str
) -> Residency:
    from peiyu.orgs.docx import next_number, office_region

    incubator = Incubator.objects.select_for_update().get(pk=application.incubator_id)
    current = Residency.objects.current().filter(incubator=incubator).count()
    if current >= incubator.capacity:
        raise DomainError(
            _("%(name)s is full: %(count)s residents for %(capacity)s places.")
            % {"name": incubator.name, "count": current, "capacity": incubator.capacity}
        )
    if started_on > timezone.localdate() + datetime.timedelta(days=90):
        raise DomainError(_("A residency starts within 90 days of admission."))
    months = value_of(options.MAX_MONTHS.key, incubator.region_id)
    number = next_number(office_region(incubator.region_id, county=incubator.level == "county"), "incubation")
    residency = Residency.objects.create(
        incubator=incubator,
        intake=application,
        call=application.call,
        name=application.name,
        organization=application.organization,
        region=application.region,
        workspace=workspace,
        started_on=started_on,
        planned_end_on=add_months(started_on, months),
        agreement_number=number,
    )
    event(
        subject=residency,
        action="admitted",
        by=by,
        to_status=residency.status,
        note=residency.agreement_number,
    )
    return residency
