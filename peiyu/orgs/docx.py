"""The registry's Word documents: decision notices and certificates, rendered from the templates
in ``documents/`` with the issuing office's name and a running number, and kept as issued."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.lib import docx
from peiyu.orgs.models import (
    Application,
    ApplicationKind,
    Document,
    DocumentCounter,
    Office,
    Organization,
    Source,
)
from peiyu.regions.models import Region

TEMPLATES = Path(__file__).resolve().parent / "documents"

# The character of each series in a document number, as offices write them: …登〔2026〕3号.
SERIES = {
    "filing": "备",
    "registration": "登",
    "change": "变",
    "deregistration": "注",
    "rejection": "驳",
    "revocation": "撤",
    "rectification": "改",
    "supervision": "监",
    "grade": "评",
    "incubation": "孵",
    "funding": "购",
}


P = ParamSpec("P")
R = TypeVar("R")


def official(function: Callable[P, R]) -> Callable[P, R]:
    """Write the document in the office's language, whatever the officer's interface uses."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def office_region(code: str, *, county: bool) -> Region:
    return Region.objects.get(code=code[:6].ljust(12, "0") if county else code[:9].ljust(12, "0"))


def office_name(region: Region) -> str:
    """The issuing office: a configured name, else the county's civil-affairs bureau or the
    town's people's government."""
    office = Office.objects.filter(region=region).first()
    if office is not None:
        return office.name
    return f"{region.name}民政局" if region.level == "county" else f"{region.name}人民政府"


def next_in_series(region: Region, series: str) -> int:
    """The next running number of an office's series this year (locks the counter row)."""
    year = timezone.localdate().year
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(
        office=region, series=series, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def next_number(region: Region, series: str) -> str:
    office = Office.objects.filter(region=region).first()
    prefix = office.number_prefix if office and office.number_prefix else region.name
    return f"{prefix}{SERIES[series]}〔{timezone.localdate().year}〕{next_in_series(region, series)}号"


def next_filing_number(region_code: str) -> str:
    """A filing number: the town's 9-digit code, the year and a running number."""
    town = office_region(region_code, county=False)
    return f"{town.prefix}-{timezone.localdate().year}-{next_in_series(town, 'filing-number'):04d}"


def _deciding_office(application: Application) -> Region:
    source = application.payload.get("source") or (
        application.organization.source if application.organization else Source.FILED
    )
    by_town = application.kind == ApplicationKind.FILING or (
        application.kind != ApplicationKind.REGISTRATION and source == Source.FILED
    )
    return office_region(application.region_id, county=not by_town)


def _record(organization: Organization) -> dict[str, Any]:
    return {
        "name": organization.name,
        "uscc": organization.uscc,
        "filing_number": organization.filing_number,
        "leader_name": organization.leader_name,
        "region": organization.region.path_name(),
        "fields": "、".join(f.name for f in organization.activity_fields.all()),
        "guidance_unit": organization.guidance_unit,
        "filed_on": chinese_date(organization.filed_on) if organization.filed_on else "",
    }


def _store(**kwargs: Any) -> Document:
    return Document.objects.create(**kwargs)


def _base(office: Region, series: str) -> dict[str, Any]:
    return {
        "bureau": office_name(office),
        "number": next_number(office, series),
        "date": chinese_date(timezone.localdate()),
    }


@official
def issue_approval(application: Application, *, title: str, by: User, note: str) -> Document:
    organization = application.organization
    if organization is None:
        raise ValueError("an approval notice needs the organization it approved")
    office = _deciding_office(application)
    context = _base(office, application.kind)
    rows = [
        {"label": _("Name"), "value": organization.name},
        {"label": _("Code"), "value": organization.code},
        {"label": _("Region"), "value": organization.region.path_name()},
        {"label": _("Reference number"), "value": application.reference},
    ]
    context.update(
        title=title,
        org=_record(organization),
        body=_approval_body(application, organization),
        rows=rows,
        note=note,
    )
    if application.kind == ApplicationKind.FILING:
        certificate = {key: context[key] for key in ("bureau", "number", "date", "org")}
        content = docx.render(TEMPLATES / "filing_certificate.docx", certificate)
        return _store(
            application=application,
            organization=organization,
            title=_("Filing certificate"),
            number=context["number"],
            content=content,
        )
    content = docx.render(TEMPLATES / "approval_notice.docx", context)
    return _store(
        application=application,
        organization=organization,
        title=title,
        number=context["number"],
        content=content,
    )


def _approval_body(application: Application, organization: Organization) -> str:
    bodies = {
        ApplicationKind.FILING: _(
            "Your filing application has been examined and is approved; the filing number is %(code)s."
        ),
        ApplicationKind.REGISTRATION: _(
            "Your registration application has been examined and is approved; the unified social credit code is %(code)s."
        ),
        ApplicationKind.CHANGE: _(
            "Your change request has been examined and is approved; the record now reads as below."
        ),
        ApplicationKind.DEREGISTRATION: _(
            "Your deregistration application has been examined and is approved."
        ),
    }
    return bodies[ApplicationKind(application.kind)] % {"code": organization.code}


@official
def issue_rejection(application: Application, *, by: User, reason: str) -> Document:
    office = _deciding_office(application)
    context = _base(office, "rejection")
    context.update(
        title=_("Notice of refusal: %(kind)s") % {"kind": application.get_kind_display()},
        applicant=application.name,
        body=_("Your %(kind)s application (reference %(reference)s) has been examined and is not approved.")
        % {"kind": application.get_kind_display(), "reference": application.reference},
        reason=reason,
    )
    content = docx.render(TEMPLATES / "rejection_notice.docx", context)
    return _store(
        application=application,
        organization=application.organization,
        title=context["title"],
        number=context["number"],
        content=content,
    )


@official
def issue_revocation(
    organization: Organization, *, reason: str, basis: str, attachment: bytes, attachment_name: str, by: User
) -> Document:
    office = office_region(organization.authority_id or organization.region_id, county=True)
    context = _base(office, "revocation")
    context.update(org=_record(organization), reason=reason, basis=basis)
    content = docx.render(TEMPLATES / "revocation_decision.docx", context)
    return _store(
        organization=organization,
        title=_("Revocation decision"),
        number=context["number"],
        content=content,
        attachment=attachment,
        attachment_name=attachment_name[:200],
    )
