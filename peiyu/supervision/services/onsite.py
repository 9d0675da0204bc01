"""On-site inspection (实地检查) and rectification (整改通知书): plans, visits with one finding
per checklist item, notices with a deadline, and the re-check that closes a notice.

A notice still open after its deadline is overdue; one re-checked as not rectified ends
``failed``, a fact the credit rules read (活动异常名录: ordered rectification not completed on
time, DOMAIN.md §5)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.lib.divisions import prefix_of
from peiyu.orgs.models import Organization
from peiyu.regions.models import Region
from peiyu.supervision.docx import issue_rectification_notice
from peiyu.supervision.models import (
    NOTICE_TRANSITIONS,
    ChecklistItem,
    CitizenReport,
    Finding,
    FindingResult,
    InspectionPlan,
    NoticeStatus,
    RectificationNotice,
    Visit,
    VisitStatus,
)
from peiyu.supervision.services.common import event, locked, move

INSPECT = "supervision.inspect"
EDIT_CHECKLIST = "supervision.change_checklistitem"

VISIT_TRANSITIONS: dict[str, set[str]] = {
    VisitStatus.PLANNED: {VisitStatus.DONE, VisitStatus.CANCELLED},
    VisitStatus.DONE: set(),
    VisitStatus.CANCELLED: set(),
}


@dataclass(frozen=True)
class Result:
    """What the inspectors found on one checklist item."""

    item: ChecklistItem
    result: str
    note: str = ""


def _require(by: User, permission: str = INSPECT) -> None:
    if not by.has_perm(permission):
        raise PermissionRefused(_("You may not carry out on-site inspections."))


def _check_visit(visit: Visit, by: User) -> None:
    if not Visit.objects.visible_to(by).filter(pk=visit.pk).exists():
        raise PermissionRefused(_("This inspection is outside your area."))


def _check_day(day: datetime.date, message: str) -> None:
    if day > timezone.localdate():
        raise DomainError(message)


@audit.service("supervision.create_plan")
def create_plan(
    *,
    title: str,
    region: Region,
    starts_on: datetime.date,
    ends_on: datetime.date,
    description: str = "",
    by: User,
) -> InspectionPlan:
    """Plan a round of on-site inspections in a county or town of the actor's area."""
    _require(by)
    if not Region.objects.visible_to(by).filter(pk=region.pk).exists():
        raise DomainError(_("%(name)s is outside your area.") % {"name": region.name})
    if not title.strip():
        raise DomainError(_("Give the plan a title."))
    if ends_on < starts_on:
        raise DomainError(_("The plan ends before it starts."))
    plan = InspectionPlan.objects.create(
        title=title.strip(),
        region=region,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
        created_by=by,
    )
    event(subject=plan, action="created", by=by, note=plan.title)
    return plan


@audit.service("supervision.plan_visit")
def plan_visit(
    *,
    organization: Organization,
    planned_on: datetime.date,
    by: User,
    plan: InspectionPlan | None = None,
    source_report: CitizenReport | None = None,
    inspectors: str = "",
) -> Visit:
    """Plan an on-site inspection of an active organization in the actor's area, within a plan's
    region and dates when it belongs to one."""
    _require(by)
    if not Organization.objects.visible_to(by).filter(pk=organization.pk).exists():
        raise PermissionRefused(_("%(name)s is outside your area.") % {"name": organization.name})
    if not organization.is_active:
        raise DomainError(
            _("%(name)s is %(status)s; only active organizations are inspected.")
            % {"name": organization.name, "status": organization.get_status_display()}
        )
    if plan is not None:
        if not InspectionPlan.objects.visible_to(by).filter(pk=plan.pk).exists():
            raise PermissionRefused(_("This inspection plan is outside your area."))
        if not organization.region_id.startswith(prefix_of(plan.region_id)):
            raise DomainError(_("%(name)s is outside the plan's region.") % {"name": organization.name})
        if not plan.starts_on <= planned_on <= plan.ends_on:
            raise DomainError(
                _("The plan runs from %(start)s to %(end)s; choose a day in between.")
                % {"start": plan.starts_on, "end": plan.ends_on}
            )
    visit = Visit.objects.create(
        plan=plan,
        organization=organization,
        planned_on=planned_on,
        inspectors=inspectors.strip(),
        source_report=source_report,
    )
    event(subject=visit, action="planned", by=by, to_status=VisitStatus.PLANNED)
    return visit


@audit.service("supervision.cancel_visit")
def cancel_visit(visit: Visit, *, note: str, by: User, seen_version: int | None = None) -> Visit:
    """Call off a planned inspection, saying why."""
    _require(by)
    _check_visit(visit, by)
    if not note.strip():
        raise DomainError(_("Say why the inspection is called off."))
    visit = locked(visit, seen_version=seen_version)
    cancelled: Visit = move(
        visit, to=VisitStatus.CANCELLED, transitions=VISIT_TRANSITIONS, by=by, note=note.strip()
    )
    return cancelled


def _check_results(results: Sequence[Result]) -> None:
    """One result per checklist item in use, each a known result; a problem says what it is."""
    active = set(ChecklistItem.objects.filter(is_active=True).values_list("pk", flat=True))
    given = [r.item.pk for r in results]
    if len(given) != len(set(given)) or set(given) != active:
        raise DomainError(_("Record one result for every checklist item in use."))
    for r in results:
        if r.result not in FindingResult.values:
            raise DomainError(_("“%(result)s” is not a result.") % {"result": r.result})
        if r.result == FindingResult.PROBLEM and not r.note.strip():
            raise DomainError(_("Describe the problem found on “%(item)s”.") % {"item": r.item.name})


@audit.service("supervision.record_visit")
def record_visit(
    visit: Visit,
    *,
    inspected_on: datetime.date,
    inspectors: str,
    results: Sequence[Result],
    summary: str = "",
    unreachable: bool = False,
    by: User,
    seen_version: int | None = None,
) -> Visit:
    """Record a planned inspection as done, with who inspected and a finding per checklist item;
    or, when nobody was found at the registered address, as done without findings (two such
    visits are a ground for the abnormal-activity list)."""
    _require(by)
    _check_visit(visit, by)
    visit = locked(visit, seen_version=seen_version)
    if visit.status != VisitStatus.PLANNED:
        raise TransitionError(_("This inspection is no longer planned; its record stands."))
    _check_day(inspected_on, _("The inspection date is in the future."))
    if not inspectors.strip():
        raise DomainError(_("Name the inspectors."))
    if unreachable:
        if results:
            raise DomainError(_("Nobody was found, so there are no findings to record."))
        note = _("Nobody was found at the registered address.")
    else:
        _check_results(results)
        Finding.objects.bulk_create(
            [Finding(visit=visit, item=r.item, result=r.result, note=r.note.strip()) for r in results]
        )
        problems = sum(r.result == FindingResult.PROBLEM for r in results)
        note = _("%(count)d problems found.") % {"count": problems}
    visit.inspected_on, visit.inspectors, visit.summary = inspected_on, inspectors.strip(), summary.strip()
    visit.unreachable = unreachable
    done: Visit = move(
        visit,
        to=VisitStatus.DONE,
        transitions=VISIT_TRANSITIONS,
        by=by,
        note=note,
        fields=("inspected_on", "inspectors", "summary", "unreachable"),
    )
    return done


@audit.service("supervision.issue_notice")
def issue_notice(
    visit: Visit, *, requirements: str, deadline: datetime.date, by: User
) -> RectificationNotice:
    """Order the organization to put right the problems an inspection found by a deadline, and
    issue the Word notice (整改通知书) with its number."""
    _require(by)
    _check_visit(visit, by)
    visit = locked(visit)  # one notice at a time, even on a double submit
    if visit.status != VisitStatus.DONE:
        raise DomainError(_("Record the inspection's findings before issuing a notice."))
    if not visit.findings.filter(result=FindingResult.PROBLEM).exists():
        raise DomainError(_("The inspection found no problem to rectify."))
    if visit.notices.filter(status=NoticeStatus.OPEN).exists():
        raise DomainError(_("An open rectification notice already follows this inspection."))
    if not requirements.strip():
        raise DomainError(_("Say what must be rectified."))
    if deadline <= timezone.localdate():
        raise DomainError(_("The deadline must be after today."))
    notice = RectificationNotice.objects.create(
        visit=visit,
        organization_id=visit.organization_id,
        number="",
        requirements=requirements.strip(),
        deadline=deadline,
        issued_by=by,
    )
    document = issue_rectification_notice(notice, by=by)
    notice.number, notice.document = document.number, document
    notice.save(update_fields=["number", "document"])
    event(subject=notice, action="issued", by=by, to_status=NoticeStatus.OPEN, note=notice.number)
    return notice


@audit.service("supervision.recheck_notice")
def recheck_notice(
    notice: RectificationNotice,
    *,
    rectified: bool,
    rechecked_on: datetime.date,
    note: str,
    by: User,
    seen_version: int | None = None,
) -> RectificationNotice:
    """Record the re-check: rectified closes the notice, not rectified fails it. Failing waits
    until the deadline has passed, since the organization has until then."""
    _require(by)
    if not RectificationNotice.objects.visible_to(by).filter(pk=notice.pk).exists():
        raise PermissionRefused(_("This notice is outside your area."))
    notice = locked(notice, seen_version=seen_version)
    if notice.status != NoticeStatus.OPEN:
        raise TransitionError(_("This notice was already re-checked; its result stands."))
    if not note.strip():
        raise DomainError(_("Write down what the re-check found."))
    _check_day(rechecked_on, _("The re-check date is in the future."))
    if rechecked_on < timezone.localtime(notice.issued_at).date():
        raise DomainError(_("The re-check cannot come before the notice was issued."))
    if not rectified and rechecked_on <= notice.deadline:
        raise DomainError(
            _("The organization has until %(deadline)s; record it as not rectified only after that.")
            % {"deadline": notice.deadline}
        )
    notice.rechecked_on, notice.recheck_note = rechecked_on, note.strip()
    rechecked: RectificationNotice = move(
        notice,
        to=NoticeStatus.CLOSED if rectified else NoticeStatus.FAILED,
        transitions=NOTICE_TRANSITIONS,
        by=by,
        note=notice.recheck_note,
        fields=("rechecked_on", "recheck_note"),
    )
    return rechecked


@audit.service("supervision.save_checklist_item")
def save_checklist_item(*, code: str, name: str, position: int, is_active: bool, by: User) -> ChecklistItem:
    """Add an item to the on-site checklist, or rename, reorder or retire one. Codes never
    change, so earlier findings keep pointing at the same item."""
    if not by.has_perm(EDIT_CHECKLIST):
        raise PermissionRefused(_("You may not edit the checklist."))
    if ChecklistItem.objects.exclude(code=code).filter(name=name).exists():
        raise DomainError(_("Another item is already called %(name)s.") % {"name": name})
    item, created = ChecklistItem.objects.get_or_create(
        code=code, defaults={"name": name, "position": position, "is_active": is_active}
    )
    if not created:
        item.name, item.position, item.is_active = name, position, is_active
        item.save(update_fields=["name", "position", "is_active"])
    return item
