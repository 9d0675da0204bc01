"""Registering volunteers and keeping their record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.accounts.services import create_account
from peiyu.core import audit
from peiyu.core.exceptions import ConflictError, DomainError, PermissionRefused
from peiyu.lib import idcard
from peiyu.orgs.docx import next_in_series
from peiyu.orgs.models import Organization
from peiyu.people.models import Enrollment, IdType, RegisteredVia, Skill, Volunteer
from peiyu.regions.models import Region

EDITABLE = ("name", "phone", "region", "availability")


def check_identity(id_type: str, id_number: str) -> dict[str, Any]:
    """Validate an identity number; for resident cards derive birth date and sex from it."""
    if id_type != IdType.RESIDENT:
        number = id_number.strip().upper()
        if not 5 <= len(number) <= 30:
            raise DomainError(_("Enter the document number as printed."))
        return {"id_number": number, "birth_date": None, "sex": ""}
    try:
        number = idcard.validate(id_number)
    except idcard.IdCardError as error:
        raise DomainError(str(error)) from None
    return {"id_number": number, "birth_date": idcard.birth_date(number), "sex": idcard.sex(number)}


def next_volunteer_number(region: Region) -> str:
    """The county's 6-digit code, the year's two digits and a running number: 32048126000123."""
    county = Region.objects.get(code=region.code[:6].ljust(12, "0"))
    return f"{county.code[:6]}{timezone.localdate().year % 100:02d}{next_in_series(county, 'volunteer'):06d}"


@audit.service("people.register_volunteer")
def register_volunteer(
    *,
    name: str,
    id_type: str,
    id_number: str,
    phone: str,
    region: Region,
    via: str,
    by: User | None,
    skills: Sequence[Skill] = (),
    availability: Sequence[str] = (),
    organization: Organization | None = None,
    account: User | None = None,
) -> Volunteer:
    """Register a volunteer under their real name (实名注册); an organization that registers
    them becomes the first organization they serve with."""
    identity = check_identity(id_type, id_number)
    existing = Volunteer.objects.filter(id_type=id_type, id_number=identity["id_number"]).first()
    if existing is not None:
        raise DomainError(
            _("This identity number is already registered as volunteer %(number)s.")
            % {"number": existing.number}
        )
    volunteer = Volunteer(
        number=next_volunteer_number(region),
        name=name.strip(),
        id_type=id_type,
        phone=phone.strip(),
        region=region,
        availability=sorted(set(availability)),
        registered_via=via,
        account=account,
        **identity,
    )
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        raise DomainError(_("This identity number is already registered.")) from None
    if skills:
        volunteer.skills.set(skills)
    if organization is not None:
        Enrollment.objects.create(
            volunteer=volunteer, organization=organization, joined_on=timezone.localdate()
        )
    return volunteer


@audit.service("people.register_on_portal")
def register_on_portal(
    *,
    username: str,
    password: str,
    name: str,
    id_number: str,
    phone: str,
    region: Region,
    skills: Sequence[Skill] = (),
    availability: Sequence[str] = (),
) -> Volunteer:
    """Self-registration: a volunteer account and the volunteer record bound to it."""
    try:
        account = create_account(
            username=username,
            password=password,
            role="volunteer",
            region=None,
            display_name=name,
            phone=phone,
            by=None,
        )
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from None
    return register_volunteer(
        name=name,
        id_type=IdType.RESIDENT,
        id_number=id_number,
        phone=phone,
        region=region,
        via=RegisteredVia.PORTAL,
        by=None,
        skills=skills,
        availability=availability,
        account=account,
    )


@audit.service("people.update_volunteer")
def update_volunteer(
    volunteer: Volunteer,
    *,
    changes: dict[str, Any],
    skills: Sequence[Skill] | None = None,
    seen_version: int,
    by: User,
) -> Volunteer:
    """Change the editable parts of a record. Identity is fixed once registered: a mistake in
    it is corrected by the office with the volunteer's documents, not by an edit here."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    current = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if current.version != seen_version:
        raise ConflictError(
            _("Someone else changed this volunteer after you opened it. Reload and try again.")
        )
    for key, value in changes.items():
        setattr(current, key, value)
    current.version = F("version") + 1
    current.save(update_fields=[*changes, "version", "updated_at"])
    if skills is not None:
        current.skills.set(skills)
    current.refresh_from_db()
    return current


@audit.service("people.enroll")
def enroll(volunteer: Volunteer, *, organization: Organization, by: User | None) -> Enrollment:
    enrollment, _created = Enrollment.objects.get_or_create(
        volunteer=volunteer, organization=organization, defaults={"joined_on": timezone.localdate()}
    )
    return enrollment


def reveal_identity(person: Any, *, by: User, remote_addr: str | None = None) -> dict[str, str]:
    """Return a person's full identity number and phone; every reveal is in the audit trail."""
    if not by.has_perm("people.reveal_identity"):
        raise PermissionRefused(_("You may not see full identity numbers and phones."))
    audit.record(
        event="people.reveal_identity",
        target=person,
        actor=by,
        region_code=by.region_id or "",
        remote_addr=remote_addr,
    )
    return {"id_number": getattr(person, "id_number", ""), "phone": person.phone}
