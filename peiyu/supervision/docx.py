"""Supervision's Word documents, rendered from ``documents/`` the way the registry renders its
own (``peiyu.orgs.docx``) and kept as issued in ``orgs.Document``."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.lib import docx
from peiyu.orgs.docx import _base, _record, chinese_date, next_number, office_name, office_region, official
from peiyu.orgs.models import Document, Organization
from peiyu.regions.models import Region
from peiyu.supervision.models import FindingResult, Proposal, RectificationNotice

TEMPLATES = Path(__file__).resolve().parent / "documents"


@official
def issue_decision(proposal: Proposal, *, title: str, decision: str, note: str, by: User) -> Document:
    """The decision on a rule's proposal (监管处理决定书), in the county office's supervision series."""
    organization = proposal.organization
    office = office_region(organization.authority_id or organization.region_id, county=True)
    context = {
        **_base(office, "supervision"),
        "org": _record(organization),
        "title": title,
        "facts": "\n".join(str(fact) for fact in proposal.facts),
        "basis": proposal.basis,
        "decision": decision,
        "note": note,
    }
    content = docx.render(TEMPLATES / "supervision_decision.docx", context)
    return Document.objects.create(
        organization=organization, title=title, number=context["number"], content=content
    )


def supervising_office(organization: Organization) -> Region:
    """The office that orders rectification: the organization's registration authority (the
    county for registered organizations, the town for filed ones), else its county."""
    if organization.authority_id:
        return Region.objects.get(pk=organization.authority_id)
    return office_region(organization.region_id, county=True)


@official
def issue_rectification_notice(notice: RectificationNotice, *, by: User) -> Document:
    """The rectification notice (整改通知书), numbered in its office's rectification series."""
    organization, visit = notice.organization, notice.visit
    office = supervising_office(organization)
    number = next_number(office, "rectification")
    problems = visit.findings.filter(result=FindingResult.PROBLEM).select_related("item")
    context = {
        "bureau": office_name(office),
        "number": number,
        "date": chinese_date(timezone.localdate()),
        "org": {"name": organization.name, "code": organization.code},
        "inspected_on": visit.inspected_on,
        "inspectors": visit.inspectors,
        "findings": [
            {"item": f.item.name, "note": f.note} for f in problems.order_by("item__position", "item__code")
        ],
        "requirements": notice.requirements,
        "deadline": notice.deadline,
    }
    content = docx.render(TEMPLATES / "rectification_notice.docx", context)
    return Document.objects.create(
        organization=organization, title=_("Rectification notice"), number=number, content=content
    )
