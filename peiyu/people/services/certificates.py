"""Service certificates (志愿服务证明): requested by the volunteer (or made out by the
organizer), issued by the organization that recorded the hours (谁记录谁证明), free and true to
the record. What a certificate states is frozen when it is issued."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, Min, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import AccountType, User
from peiyu.core import audit, options
from peiyu.core.exceptions import ConflictError, DomainError, PermissionRefused, TransitionError
from peiyu.lib import pdf
from peiyu.lib.masking import mask_id_card, mask_phone
from peiyu.orgs.docx import next_in_series
from peiyu.orgs.models import Organization
from peiyu.people.models import (
    CERTIFICATE_TRANSITIONS,
    Certificate,
    CertificateStatus,
    HoursStatus,
    IdType,
    Volunteer,
)
from peiyu.people.options import CERTIFICATE_IDENTITY
from peiyu.regions.models import Region

# A certificate is a Chinese document whatever the issuer's interface language.
ID_TYPE_NAMES: dict[str, str] = {
    IdType.RESIDENT: "居民身份证",
    IdType.HMT: "港澳台居民居住证",
    IdType.PASSPORT: "护照",
}


def approved_with(volunteer: Volunteer, organization: Organization) -> dict[str, Any]:
    return volunteer.service_records.filter(organization=organization, status=HoursStatus.APPROVED).aggregate(
        minutes=Sum("minutes"), first=Min("started_at"), last=Max("ended_at")
    )


@audit.service("people.request_certificate")
def request_certificate(
    *, volunteer: Volunteer, organization: Organization, by: User, purpose: str = ""
) -> Certificate:
    if by.account_type == AccountType.VOLUNTEER and volunteer.account_id != by.pk:
        raise PermissionRefused(_("Volunteers request certificates for themselves."))
    if not approved_with(volunteer, organization)["minutes"]:
        raise DomainError(
            _("%(organization)s has no approved hours of yours to certify.")
            % {"organization": organization.name}
        )
    if volunteer.certificates.filter(organization=organization, status=CertificateStatus.REQUESTED).exists():
        raise DomainError(_("A request to this organization is already waiting."))
    return Certificate.objects.create(
        volunteer=volunteer, organization=organization, purpose=purpose.strip(), requested_by=by
    )


def may_issue(certificate: Certificate, by: User) -> bool:
    if not by.has_perm("people.issue_certificate"):
        return False
    if by.is_superuser:
        return True
    if by.account_type == AccountType.ORGANIZATION:
        return certificate.organization.accounts.filter(pk=by.pk).exists()
    return (
        by.is_staff_account
        and Organization.objects.visible_to(by).filter(pk=certificate.organization_id).exists()
    )


def _move(certificate: Certificate, status: str, by: User, seen_version: int | None) -> Certificate:
    current = (
        Certificate.objects.select_for_update()
        .select_related("organization", "volunteer")
        .get(pk=certificate.pk)
    )
    if not may_issue(current, by):
        raise PermissionRefused(
            _("Only the organization that recorded the hours, or the office over it, issues this.")
        )
    if seen_version is not None and current.version != seen_version:
        raise ConflictError(_("This request was changed after you opened it. Reload and try again."))
    if status not in CERTIFICATE_TRANSITIONS[current.status]:
        raise TransitionError(
            _("This request is already %(status)s.") % {"status": current.get_status_display()}
        )
    return current


@audit.service("people.issue_certificate")
def issue_certificate(certificate: Certificate, *, by: User, seen_version: int | None = None) -> Certificate:
    current = _move(certificate, CertificateStatus.ISSUED, by, seen_version)
    totals = approved_with(current.volunteer, current.organization)
    if not totals["minutes"]:
        raise DomainError(_("There are no approved hours to certify."))
    county = Region.objects.get(code=current.volunteer.region_id[:6].ljust(12, "0"))
    today = timezone.localdate()
    current.number = f"ZM-{county.code[:6]}-{today.year}-{next_in_series(county, 'certificate'):06d}"
    current.minutes = totals["minutes"]
    current.content = _content(current, totals, by, today)
    current.status = CertificateStatus.ISSUED
    current.issued_by = by
    current.issued_at = timezone.now()
    current.version += 1
    current.save(
        update_fields=["number", "minutes", "content", "status", "issued_by", "issued_at", "version"]
    )
    return current


@audit.service("people.decline_certificate")
def decline_certificate(
    certificate: Certificate, *, reason: str, by: User, seen_version: int | None = None
) -> Certificate:
    if not reason.strip():
        raise DomainError(_("Give the reason for declining: the volunteer sees it."))
    current = _move(certificate, CertificateStatus.DECLINED, by, seen_version)
    current.status = CertificateStatus.DECLINED
    current.decline_reason = reason.strip()[:200]
    current.version += 1
    current.save(update_fields=["status", "decline_reason", "version"])
    return current


@audit.service("people.certify")
def certify(*, volunteer: Volunteer, organization: Organization, by: User, purpose: str = "") -> Certificate:
    """The organizer makes out and issues a certificate in one step."""
    certificate = request_certificate(volunteer=volunteer, organization=organization, by=by, purpose=purpose)
    return issue_certificate(certificate, by=by)


def _content(
    certificate: Certificate, totals: dict[str, Any], by: User, today: datetime.date
) -> dict[str, Any]:
    volunteer, organization = certificate.volunteer, certificate.organization
    full = options.value_of(CERTIFICATE_IDENTITY.key, volunteer.region_id) == "full"
    identity = (
        volunteer.id_number
        if full
        else (
            mask_id_card(volunteer.id_number)
            if volunteer.id_type == IdType.RESIDENT
            else volunteer.masked_id_number
        )
    )
    titles = list(
        volunteer.service_records.filter(organization=organization, status=HoursStatus.APPROVED)
        .values_list("title", flat=True)
        .distinct()
        .order_by("title")[:8]
    )
    return {
        "name": volunteer.name,
        "id_type": ID_TYPE_NAMES.get(volunteer.id_type, ""),
        "id_number": identity,
        "volunteer_number": volunteer.number,
        "hours": round(totals["minutes"] / 60, 1),
        "first": timezone.localtime(totals["first"]).date().isoformat(),
        "last": timezone.localtime(totals["last"]).date().isoformat(),
        "titles": titles,
        "issuer": organization.name,
        "leader": organization.leader_name,
        "handler": str(by),
        "contact": mask_phone(organization.contact_phone or organization.leader_phone or ""),
        "purpose": certificate.purpose,
        "issued_on": today.isoformat(),
    }


def certificate_pdf(certificate: Certificate, *, base_url: str) -> bytes:
    """The certificate as issued, drawn from its frozen content."""
    if certificate.status != CertificateStatus.ISSUED or not certificate.number:
        raise DomainError(_("Only an issued certificate can be printed."))
    c = certificate.content
    verify = base_url.rstrip("/") + reverse("portal:certificate-verify", args=[certificate.number])
    titles = "、".join(c["titles"])
    return pdf.certificate_pdf(
        pdf.CertificateContent(
            title="志愿服务证明",
            number=certificate.number,
            body=[
                ("姓名", c["name"]),
                ("证件类型", c["id_type"]),
                ("证件号码", c["id_number"]),
                ("志愿者编号", c["volunteer_number"]),
                ("服务时间", f"{c['first']} 至 {c['last']}"),
                ("服务时长", f"{c['hours']} 小时"),
            ],
            paragraphs=[
                f"兹证明{c['name']}同志在{c['issuer']}参加志愿服务，服务项目包括：{titles}，"
                f"经记录核实，累计服务时长{c['hours']}小时。",
                *([f"用途：{c['purpose']}"] if c.get("purpose") else []),
                "本证明依据《志愿服务记录与证明出具办法（试行）》出具，可扫描二维码或访问下方网址核验。",
            ],
            issuer=c["issuer"],
            issuer_lines=[
                f"负责人：{c['leader'] or '—'}",
                f"经办人：{c['handler']}",
                f"联系电话：{c['contact'] or '—'}",
            ],
            issued_on=datetime.date.fromisoformat(c["issued_on"]),
            verify_url=verify,
        )
    )
