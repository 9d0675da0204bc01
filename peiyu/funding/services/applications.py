"""Applications (申报): drafting with budget lines and outputs, submission (an outline first in
a two-stage round) with eligibility checked and explained, outline decisions, re-checks and
withdrawal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.funding.eligibility import application_reasons
from peiyu.funding.models import (
    APPLICATION_TRANSITIONS,
    Application,
    ApplicationStatus,
    BudgetLine,
    CatalogStatus,
    Output,
    ProjectStatus,
    Round,
    RoundStatus,
)
from peiyu.funding.services.common import event, locked, move, require, require_region
from peiyu.funding.services.rounds import MANAGE, current
from peiyu.orgs.models import Organization

# What an applicant fills in on the form; anything else is refused.
FIELDS = {
    "title",
    "field",
    "area",
    "summary",
    "need_statement",
    "beneficiaries",
    "starts_on",
    "ends_on",
    "co_funding",
    "catalog_item",
    "project",
}


def may_act_for(user: User, organization: Organization) -> bool:
    """An organization's own account, or staff whose region holds it."""
    return Organization.objects.visible_to(user).filter(pk=organization.pk).exists()


def _require_applicant(user: User, organization: Organization) -> None:
    require(user, "funding.add_application")
    if not may_act_for(user, organization):
        raise PermissionRefused(_("You may not apply for this organization."))


def _check_fields(values: Mapping[str, Any], round: Round, organization: Organization) -> None:
    unknown = set(values) - FIELDS
    if unknown:
        raise DomainError(_("Unknown application fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("The project must end on or after the day it starts."))
    area = values.get("area")
    if area is not None and not round.region.contains(area.code):
        raise DomainError(_("The project must serve a place inside the round's region."))
    item = values.get("catalog_item")
    if item is not None and (item.region_id != round.region_id or item.status != CatalogStatus.PUBLISHED):
        raise DomainError(_("Choose a published item of the round's own catalog."))
    project = values.get("project")
    if project is not None and (
        project.status != ProjectStatus.ACCEPTED
        or not round.region.contains(project.region_id)
        or (project.organization_id is not None and project.organization_id != organization.pk)
    ):
        raise DomainError(
            _(
                "Choose a project of the round's region in the library: one of the office's, or your own proposal."
            )
        )


@audit.service("funding.create_application")
def create_application(
    round: Round,
    *,
    organization: Organization,
    title: str,
    by: User,
    target_groups: Iterable[Any] = (),
    **values: Any,
) -> Application:
    """Start a draft application of an organization to an open round."""
    _require_applicant(by, organization)
    round = current(round, RoundStatus.OPEN)
    if not title.strip():
        raise DomainError(_("Give the project a title."))
    _check_fields(values, round, organization)
    values.setdefault("area", organization.region)
    application = Application.objects.create(
        round=round, organization=organization, title=title.strip(), created_by=by, **values
    )
    application.target_groups.set(list(target_groups))
    event(subject=application, action="created", by=by, round=round, to_status=application.status)
    return application


@audit.service("funding.update_application")
def update_application(
    application: Application,
    *,
    by: User,
    seen_version: int | None = None,
    budget_lines: Sequence[Mapping[str, Any]] | None = None,
    outputs: Sequence[Mapping[str, Any]] | None = None,
    target_groups: Iterable[Any] | None = None,
    **values: Any,
) -> Application:
    """Change a draft (or an invited outline's full proposal): its fields, budget lines
    (category, item, amount, note) and outputs (description, indicator, target, unit). The
    amount requested is the sum of the budget lines."""
    _require_applicant(by, application.organization)
    application = locked(application, seen_version=seen_version)
    if not application.is_editable:
        raise DomainError(_("The application has been sent and can no longer be changed."))
    _check_fields(values, application.round, application.organization)
    for name, value in values.items():
        setattr(application, name, value)
    changed = [
        f"{name}_id" if name in {"field", "area", "catalog_item", "project"} else name for name in values
    ]
    if budget_lines is not None:
        lines = [
            BudgetLine(
                application=application,
                category=row["category"],
                item=str(row["item"]).strip(),
                amount=Decimal(row["amount"]),
                note=str(row.get("note", "")).strip(),
            )
            for row in budget_lines
        ]
        if any(line.amount <= 0 or not line.item for line in lines):
            raise DomainError(_("Every budget line needs an item and an amount above zero."))
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(lines)
        application.requested = sum((line.amount for line in lines), Decimal(0))
        changed.append("requested")
    if outputs is not None:
        rows = [
            Output(
                application=application,
                description=str(row["description"]).strip(),
                indicator=str(row["indicator"]).strip(),
                target=Decimal(row["target"]),
                unit=str(row["unit"]).strip(),
            )
            for row in outputs
        ]
        if any(not row.description or not row.indicator or row.target <= 0 for row in rows):
            raise DomainError(_("Every output needs a description, an indicator and a target above zero."))
        application.outputs.all().delete()
        Output.objects.bulk_create(rows)
    if target_groups is not None:
        application.target_groups.set(list(target_groups))
    application.version += 1
    application.save(update_fields=[*changed, "version"])
    return application


@audit.service("funding.submit_application")
def submit_application(
    application: Application, *, by: User, today: datetime.date | None = None
) -> Application:
    """Send the application. In a two-stage round a draft goes as an outline (until the outline
    deadline); otherwise, and for an invited full proposal, eligibility is checked now and
    every reason it fails is kept with it."""
    _require_applicant(by, application.organization)
    round = current(application.round, RoundStatus.OPEN)
    application = locked(application)
    today = today or timezone.localdate()
    if application.status == ApplicationStatus.DRAFT and round.two_stage:
        if round.outline_closes_on and today > round.outline_closes_on:
            raise DomainError(_("Outlines were due by %(date)s.") % {"date": round.outline_closes_on})
        if not application.summary.strip():
            raise DomainError(_("Write the outline's summary first."))
        application.submitted_at = timezone.now()
        return move(
            application,
            to=ApplicationStatus.OUTLINE,
            transitions=APPLICATION_TRANSITIONS,
            by=by,
            round=round,
            fields=("submitted_at",),
        )
    if not application.is_editable:
        raise DomainError(_("The application has been sent already."))
    if today > round.closes_on:
        raise DomainError(_("Applications were due by %(date)s.") % {"date": round.closes_on})
    if today < round.opens_on:
        raise DomainError(_("Applications open on %(date)s.") % {"date": round.opens_on})
    reasons = application_reasons(application, today)
    application.eligibility_reasons = reasons
    application.submitted_at = timezone.now()
    wanted = ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE
    return move(
        application,
        to=wanted,
        transitions=APPLICATION_TRANSITIONS,
        by=by,
        round=round,
        note="\n".join(reasons),
        fields=("eligibility_reasons", "submitted_at"),
    )


@audit.service("funding.decide_outline")
def decide_outline(application: Application, *, invite: bool, by: User, note: str = "") -> Application:
    """Invite an outline to send its full proposal, or take it no further (with a reason)."""
    require(by, MANAGE)
    require_region(by, application.round.region_id)
    round = current(application.round, RoundStatus.OPEN)
    application = locked(application)
    if not invite and not note.strip():
        raise DomainError(_("Say why the outline is not taken further."))
    application.outline_note = note.strip()
    to = ApplicationStatus.INVITED if invite else ApplicationStatus.NOT_INVITED
    return move(
        application,
        to=to,
        transitions=APPLICATION_TRANSITIONS,
        by=by,
        round=round,
        note=note.strip(),
        fields=("outline_note",),
    )


@audit.service("funding.recheck_application")
def recheck_application(application: Application, *, by: User) -> Application:
    """Check eligibility again (after a record was corrected), until panels are drawn."""
    require(by, MANAGE)
    require_region(by, application.round.region_id)
    round = current(application.round, RoundStatus.OPEN, RoundStatus.REVIEW)
    application = locked(application)
    if application.status not in {ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE}:
        raise DomainError(_("Eligibility is checked again only before the review starts on it."))
    reasons = application_reasons(application)
    application.eligibility_reasons = reasons
    wanted = ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE
    if wanted == application.status:
        application.version += 1
        application.save(update_fields=["eligibility_reasons", "version"])
        return application
    return move(
        application,
        to=wanted,
        transitions=APPLICATION_TRANSITIONS,
        by=by,
        round=round,
        note="\n".join(reasons),
        fields=("eligibility_reasons",),
    )


@audit.service("funding.withdraw_application")
def withdraw_application(application: Application, *, by: User, reason: str) -> Application:
    """The organization takes its application back before review starts on it."""
    _require_applicant(by, application.organization)
    application = locked(application)
    if not reason.strip():
        raise DomainError(_("Say why the application is withdrawn."))
    return move(
        application,
        to=ApplicationStatus.WITHDRAWN,
        transitions=APPLICATION_TRANSITIONS,
        by=by,
        round=application.round,
        note=reason.strip(),
    )
