"""Graduation (出壳): a resident files or registers, the registry's own workflow decides, and
the residency follows it. Both histories link: the residency holds the registry application,
the organization's history says where it was incubated."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError, TransitionError
from peiyu.incubation.models import RESIDENCY_TRANSITIONS, Residency, ResidencyStatus
from peiyu.incubation.services.common import event, locked, move, require
from peiyu.incubation.services.residencies import earliest_graduation
from peiyu.incubation.services.subsidies import grant_startup_subsidy
from peiyu.orgs import services as registry
from peiyu.orgs.models import Application, ApplicationKind, ApplicationStatus, Event, Organization, Source
from peiyu.regions.models import Region


def graduation_kind(residency: Residency) -> str | None:
    """What graduating takes: a group files (or registers directly), a filed organization
    registers, a registered one needs nothing from the registry."""
    organization = residency.organization
    if organization is None:
        return ApplicationKind.FILING
    if organization.source == Source.FILED:
        return ApplicationKind.REGISTRATION
    return None


def too_early(residency: Residency, today: datetime.date) -> str:
    """Why the resident cannot graduate yet (the shortest residency has not passed), or ""."""
    earliest = earliest_graduation(residency)
    if today >= earliest:
        return ""
    return _("%(name)s can graduate from %(day)s, after the shortest residency.") % {
        "name": residency.name,
        "day": earliest.isoformat(),
    }


def _check_may_graduate(residency: Residency, today: datetime.date) -> None:
    if residency.status != ResidencyStatus.ACTIVE:
        raise TransitionError(_("Only a resident in residence can start graduating."))
    if reason := too_early(residency, today):
        raise DomainError(reason)


@audit.service("incubation.start_graduation")
def start_graduation(
    residency: Residency,
    *,
    by: User,
    kind: str | None,
    payload: dict[str, Any] | None = None,
    note: str = "",
    seen_version: int | None = None,
) -> Residency:
    """Start graduating: submit the filing or registration application to the registry (the
    town or the county decides it there), or graduate at once an organization that is already
    registered."""
    require(by, "incubation.graduate_residency")
    residency = locked(residency, seen_version=seen_version)
    _check_may_graduate(residency, timezone.localdate())
    if kind is None:
        if residency.organization is None or residency.organization.source != Source.REGISTERED:
            raise DomainError(_("Graduating needs a filing or a registration first."))
        return _graduate(residency, organization=residency.organization, by=by, note=note, registered=False)
    if kind not in (ApplicationKind.FILING, ApplicationKind.REGISTRATION) or payload is None:
        raise DomainError(_("Graduating needs a filing or a registration first."))
    upgrade = residency.organization if kind == ApplicationKind.REGISTRATION else None
    if kind == ApplicationKind.FILING and residency.organization is not None:
        raise DomainError(_("%(name)s is already in the registry.") % {"name": residency.name})
    payload = {**payload, "established_how": payload.get("established_how") or "incubated"}
    application = registry.submit_application(
        kind=kind,
        payload=payload,
        region=Region.objects.get(code=payload["region"]),
        organization=upgrade,
        by=by,
        note=note or _("Graduating from %(incubator)s.") % {"incubator": residency.incubator.name},
    )
    residency.application = application
    return move(
        residency,
        to=ResidencyStatus.GRADUATING,
        transitions=RESIDENCY_TRANSITIONS,
        by=by,
        note=application.reference,
        fields=("application",),
    )


@audit.service("incubation.withdraw_graduation")
def withdraw_graduation(residency: Residency, *, by: User, note: str = "") -> Residency:
    """Withdraw the registry application; the resident stays in residence."""
    require(by, "incubation.graduate_residency")
    if residency.status != ResidencyStatus.GRADUATING or residency.application is None:
        raise TransitionError(_("Only a graduating resident has an application to withdraw."))
    registry.withdraw_application(residency.application, by=by, note=note)
    residency.refresh_from_db()
    return residency


def follow_application(application: Application, by: User | None) -> None:
    """The registry decided an application (a listener of ``orgs.services``): graduate the
    resident it was filed for, or any current resident that is the organization registering;
    a refused or withdrawn one sends the resident back into residence."""
    mine = Q(application=application, status=ResidencyStatus.GRADUATING)
    if application.status == ApplicationStatus.APPROVED:
        organization = application.organization
        if organization is None:
            return
        if application.kind in (ApplicationKind.FILING, ApplicationKind.REGISTRATION):
            mine |= Q(organization=organization, status=ResidencyStatus.ACTIVE)
        for residency in Residency.objects.select_for_update().filter(mine):
            _graduate(
                residency,
                organization=organization,
                by=by,
                note=application.document_number,
                registered=application.kind == ApplicationKind.REGISTRATION,
            )
    elif application.status in (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN):
        for residency in Residency.objects.select_for_update().filter(mine):
            move(
                residency,
                to=ResidencyStatus.ACTIVE,
                transitions=RESIDENCY_TRANSITIONS,
                by=by,
                note=application.get_status_display(),
            )
    elif application.status == ApplicationStatus.RETURNED:
        for residency in Residency.objects.filter(mine):
            event(subject=residency, action="returned", by=by, note=application.decision_note)


def _graduate(
    residency: Residency, *, organization: Organization, by: User | None, note: str, registered: bool
) -> Residency:
    today = timezone.localdate()
    residency.organization = organization
    residency.name = organization.name
    residency.ended_on = today
    move(
        residency,
        to=ResidencyStatus.GRADUATED,
        transitions=RESIDENCY_TRANSITIONS,
        by=by,
        note=note,
        fields=("organization", "name", "ended_on"),
    )
    Event.objects.create(
        organization=organization,
        action="graduated",
        actor=by if by is not None and by.pk else None,
        note=_("Incubated at %(incubator)s from %(start)s to %(end)s.")
        % {
            "incubator": residency.incubator.name,
            "start": residency.started_on.isoformat(),
            "end": today.isoformat(),
        },
    )
    if registered:
        grant_startup_subsidy(residency, organization=organization, by=by)
    return residency
