"""Citizen reports (随手拍): a resident's report with photos, and the office's triage of it.

A report arrives from the portal in state ``new``; the office dismisses it, sends the
organization a written reminder, or opens an on-site inspection. Each step is a move along
``CITIZEN_TRANSITIONS`` with its event row; the reporter follows the state and the reply by the
reference number.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.orgs.models import Organization
from peiyu.regions.models import Region
from peiyu.supervision.models import (
    CITIZEN_TRANSITIONS,
    CitizenReport,
    Photo,
    ReportState,
    Visit,
)
from peiyu.supervision.services.common import event, locked, move
from peiyu.supervision.services.onsite import plan_visit

MAX_PHOTOS = 3
# Refused before decoding: a few kilobytes of PNG can declare 30000x30000 pixels and take
# gigabytes to decode. 50 megapixels covers full-resolution phone cameras.
MAX_PIXELS = 50_000_000
# Stored photos are scaled down to this long side: enough to read a sign or a notice board.
STORED_SIDE = 2560
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo decoded and re-encoded as JPEG: no EXIF, no GPS, no metadata of any kind."""

    content: bytes
    content_type: str
    width: int
    height: int


def prepare_photo(data: bytes, *, max_bytes: int) -> PreparedPhoto:
    """Check an uploaded photo by its content and re-encode it without its metadata.

    The type comes from the bytes (JPEG, PNG or WebP), never from the file name; the pixel
    count is read from the header and refused before anything is decoded."""
    check_photo_size(len(data), max_bytes=max_bytes)
    try:
        # Only these decoders are tried: nothing else in Pillow ever sees the upload.
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            _check_pixels(*probe.size)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            # JPEG can decode at 1/2, 1/4 or 1/8 scale straight away, which saves most of the memory.
            image.draft("RGB", (STORED_SIDE, STORED_SIDE))
            image.load()
            return _reencode(image)
    except Image.DecompressionBombError:
        raise DomainError(_("This photo has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise DomainError(_("This file is not a JPEG, PNG or WebP photo.")) from None


def check_photo_size(size: int, *, max_bytes: int) -> None:
    if size > max_bytes:
        raise DomainError(_("A photo may be at most %(mb)s MB.") % {"mb": f"{max_bytes / 1024 / 1024:g}"})


def _check_pixels(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise DomainError(_("This photo has too many pixels."))


def _reencode(image: Image.Image) -> PreparedPhoto:
    """Turn the photo upright (the EXIF orientation is about to go), flatten transparency onto
    white, scale it down and save a fresh JPEG that carries nothing but the pixels."""
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = upright.convert("RGB")
    flat.thumbnail((STORED_SIDE, STORED_SIDE))
    clean = Image.new("RGB", flat.size)
    clean.paste(flat)  # a new image: no info dictionary, no ICC profile, no EXIF carried over
    output = io.BytesIO()
    clean.save(output, format="JPEG", quality=85, optimize=True)
    return PreparedPhoto(output.getvalue(), "image/jpeg", clean.width, clean.height)


@audit.service("supervision.submit_citizen_report")
def submit_citizen_report(
    *,
    region: Region,
    text: str,
    organization_name: str = "",
    contact: str = "",
    photos: Sequence[PreparedPhoto] = (),
    by: User | None = None,
) -> CitizenReport:
    """Receive a resident's report; ``by`` is empty for the anonymous portal."""
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS})
    if not text.strip():
        raise DomainError(_("Say what happened."))
    report = CitizenReport.objects.create(
        region=region,
        text=text.strip(),
        organization_name=organization_name.strip(),
        contact=contact.replace(" ", ""),
    )
    Photo.objects.bulk_create(
        Photo(
            report=report,
            content=photo.content,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
        )
        for photo in photos
    )
    event(subject=report, action="received", by=by, to_status=report.state)
    return report


def _check_triage(report: CitizenReport, by: User, *, permissions: tuple[str, ...]) -> None:
    if not all(by.has_perm(permission) for permission in permissions):
        raise PermissionRefused(_("You may not handle citizen reports."))
    if not CitizenReport.objects.visible_to(by).filter(pk=report.pk).exists():
        raise PermissionRefused(_("This report is outside your area."))


def _check_organization(organization: Organization, by: User) -> None:
    if not Organization.objects.visible_to(by).filter(pk=organization.pk).exists():
        raise DomainError(_("%(name)s is outside your area.") % {"name": organization.name})


def _handle(
    report: CitizenReport,
    *,
    to: str,
    by: User,
    reply: str,
    note: str,
    organization: Organization | None = None,
) -> CitizenReport:
    fields: tuple[str, ...] = ("reply", "handled_by", "handled_at")
    if organization is not None:
        report.organization = organization
        fields = (*fields, "organization")
    report.reply = reply.strip()
    report.handled_by = by
    report.handled_at = timezone.now()
    return move(
        report, to=to, transitions=CITIZEN_TRANSITIONS, by=by, note=note, field="state", fields=fields
    )  # type: ignore[no-any-return]


@audit.service("supervision.dismiss_citizen_report")
def dismiss_citizen_report(
    report: CitizenReport, *, reply: str, by: User, seen_version: int | None = None
) -> CitizenReport:
    """Close a report that calls for no action, telling the reporter why."""
    _check_triage(report, by, permissions=("supervision.triage_report",))
    if not reply.strip():
        raise DomainError(_("Tell the reporter why the report is dismissed."))
    report = locked(report, seen_version=seen_version)
    return _handle(report, to=ReportState.DISMISSED, by=by, reply=reply, note=reply.strip())


@audit.service("supervision.warn_on_citizen_report")
def warn_on_citizen_report(
    report: CitizenReport,
    *,
    organization: Organization,
    reminder: str,
    reply: str,
    by: User,
    seen_version: int | None = None,
) -> CitizenReport:
    """Send the organization a written reminder about what was reported and tell the reporter.

    This is the office's informal reminder (提醒告诫), recorded as a supervision event on the
    organization. It is not the administrative penalty of a warning (警告, a ``Sanction``): that
    is decided through its own procedure and counts towards the credit lists; this does not."""
    _check_triage(report, by, permissions=("supervision.triage_report",))
    _check_organization(organization, by)
    if not reminder.strip():
        raise DomainError(_("Write the reminder to the organization."))
    if not reply.strip():
        raise DomainError(_("Tell the reporter what was done."))
    report = locked(report, seen_version=seen_version)
    return _handle(
        report,
        to=ReportState.WARNED,
        by=by,
        reply=reply,
        note=reminder.strip(),
        organization=organization,
    )


@audit.service("supervision.inspect_citizen_report")
def open_inspection_on_citizen_report(
    report: CitizenReport,
    *,
    organization: Organization,
    planned_on: datetime.date,
    by: User,
    reply: str = "",
    seen_version: int | None = None,
) -> Visit:
    """Plan an on-site inspection of the organization because of the report; the visit keeps
    the report as its source."""
    _check_triage(report, by, permissions=("supervision.triage_report", "supervision.inspect"))
    _check_organization(organization, by)
    if planned_on < timezone.localdate():
        raise DomainError(_("The inspection cannot be planned in the past."))
    report = locked(report, seen_version=seen_version)
    _handle(
        report,
        to=ReportState.INSPECTION,
        by=by,
        reply=reply,
        note=_("On-site inspection planned for %(day)s.") % {"day": planned_on.isoformat()},
        organization=organization,
    )
    # The visit goes through the on-site service, which checks the organization is active.
    return plan_visit(organization=organization, planned_on=planned_on, source_report=report, by=by)
