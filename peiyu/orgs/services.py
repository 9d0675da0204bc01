"""Every write to the registry. Applications are the only way a record changes: they are
submitted, decided (approve, return, reject) and, when approved, applied to the organization;
revocation is a sanction decided directly by the county."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import AccountType, User
from peiyu.core import audit
from peiyu.core.exceptions import ConflictError, DomainError, PermissionRefused, TransitionError
from peiyu.lib import uscc
from peiyu.orgs import docx as documents
from peiyu.orgs.models import (
    DECIDE_PERMISSION,
    Application,
    ApplicationKind,
    ApplicationStatus,
    Event,
    Field,
    ImportBatch,
    Organization,
    Source,
    Status,
    TargetGroup,
)
from peiyu.regions.models import Region

# Called inside the deciding transaction after an application is decided or withdrawn, with the
# application and the actor: other apps follow the registry from here (an incubator's resident
# graduates when its filing or registration is approved). Registered in their AppConfig.ready.
DECISION_LISTENERS: list[Callable[[Application, User | None], None]] = []

# Payload keys that are not plain model columns.
M2M_KEYS = ("activity_fields", "target_groups", "hubs")
DATE_KEYS = ("pledge_signed_on", "established_on", "filed_on", "registered_on")
RECORD_KEYS = (
    "name",
    "source",
    "legal_form",
    "uscc",
    "filing_number",
    "category",
    "development_type",
    "address",
    "established_how",
    "active_people",
    "leader_name",
    "leader_phone",
    "contact_name",
    "contact_phone",
    "guidance_unit",
    "party_organization",
    "has_charter",
    "has_member_congress",
    "has_board",
    "has_supervisors",
    "is_decoupled",
    "description",
    *DATE_KEYS,
)


def payload_from(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Turn a cleaned ``OrganizationForm`` into JSON-safe values (the application payload)."""
    payload: dict[str, Any] = {}
    for key, value in cleaned.items():
        if isinstance(value, datetime.date):
            payload[key] = value.isoformat()
        elif key in M2M_KEYS:
            payload[key] = sorted(value or [])
        else:
            payload[key] = value
    return payload


def payload_of(organization: Organization) -> dict[str, Any]:
    """The current record as a payload, the starting point of a change request."""
    payload: dict[str, Any] = {key: getattr(organization, key) for key in RECORD_KEYS}
    for key in DATE_KEYS:
        payload[key] = payload[key].isoformat() if payload[key] else None
    payload["region"] = organization.region_id
    payload["activity_fields"] = sorted(f.code for f in organization.activity_fields.all())
    payload["target_groups"] = sorted(g.code for g in organization.target_groups.all())
    payload["hubs"] = sorted(h.pk for h in organization.hubs.all())
    payload["party_organization"] = payload["party_organization"] or "none"
    return payload


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [key for key in after if _norm(after.get(key)) != _norm(before.get(key))]


def _norm(value: Any) -> Any:
    return "" if value is None else value


def authority_of(region_code: str, source: str) -> str | None:
    """The registration authority: the county for registrations, the town for filings."""
    if source == Source.REGISTERED:
        return region_code[:6].ljust(12, "0")
    if source == Source.FILED:
        return region_code[:9].ljust(12, "0")
    return None


def apply_payload(organization: Organization, payload: dict[str, Any]) -> list[str]:
    """Copy payload values onto the organization; return the column names that changed."""
    changed = []
    for key in RECORD_KEYS:
        if key not in payload:
            continue
        value = payload[key]
        if key in DATE_KEYS:
            value = datetime.date.fromisoformat(value) if value else None
        elif key == "active_people":
            value = value if value not in ("", None) else None
        elif value is None:
            value = ""
        if getattr(organization, key) != value:
            setattr(organization, key, value)
            changed.append(key)
    if "region" in payload and organization.region_id != payload["region"]:
        organization.region_id = payload["region"]
        changed.append("region")
    organization.party_organization = organization.party_organization or "none"
    authority = authority_of(organization.region_id, organization.source)
    if organization.authority_id != authority:
        organization.authority_id = authority
        changed.append("authority")
    return changed


def _set_lists(organization: Organization, payload: dict[str, Any]) -> list[str]:
    changed = []
    for key, model in (("activity_fields", Field), ("target_groups", TargetGroup)):
        if key not in payload:
            continue
        manager = getattr(organization, key)
        wanted = set(payload[key] or [])
        if {e.code for e in manager.all()} != wanted:
            manager.set(model.objects.filter(code__in=wanted))
            changed.append(key)
    if "hubs" in payload:
        wanted_hubs = {int(pk) for pk in payload["hubs"] or [] if int(pk) != organization.pk}
        if {h.pk for h in organization.hubs.all()} != wanted_hubs:
            organization.hubs.set(Organization.objects.filter(pk__in=wanted_hubs, development_type="hub"))
            changed.append("hubs")
    return changed


def hub_choices(region_code: str) -> list[tuple[int, str]]:
    """The active hub organizations of a record's county: the federations it may join."""
    hubs = Organization.objects.filter(development_type="hub", status=Status.ACTIVE).in_region(
        region_code[:6]
    )
    return list(hubs.order_by("name").values_list("pk", "name"))


def _check_name_free(*, name: str, authority: str | None, exclude: int | None = None) -> None:
    if authority is None:
        return
    clash = Organization.objects.filter(
        name=name, authority_id=authority, source=Source.REGISTERED, status=Status.ACTIVE
    ).exclude(pk=exclude or 0)
    if clash.exists():
        raise DomainError(
            _(
                "An active registered organization named %(name)s already exists under this registration authority."
            )
            % {"name": name}
        )


def _check_codes_free(*, code: str = "", filing_number: str = "", exclude: int | None = None) -> None:
    others = Organization.objects.exclude(pk=exclude or 0)
    if code and others.filter(uscc=code).exists():
        raise DomainError(_("Another organization already has the credit code %(code)s.") % {"code": code})
    if filing_number and others.filter(filing_number=filing_number).exists():
        raise DomainError(
            _("Another organization already has the filing number %(number)s.") % {"number": filing_number}
        )


def _event(
    *,
    action: str,
    by: User | None,
    organization: Organization | None = None,
    application: Application | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    document_number: str = "",
) -> Event:
    return Event.objects.create(
        organization=organization,
        application=application,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=by if by is not None and by.pk else None,
        note=note,
        document_number=document_number,
    )


@audit.service("orgs.submit_application")
def submit_application(
    *,
    kind: str,
    payload: dict[str, Any],
    region: Region,
    by: User | None,
    organization: Organization | None = None,
    applicant_name: str = "",
    applicant_phone: str = "",
    note: str = "",
) -> Application:
    """Open an application. New filings and registrations carry a whole record; changes carry
    the record as it should become; deregistrations carry nothing."""
    if kind in (ApplicationKind.CHANGE, ApplicationKind.DEREGISTRATION) or organization is not None:
        if organization is None or not organization.is_active:
            raise DomainError(_("Only an active organization can apply for this."))
        if Application.objects.filter(organization=organization).open().exists():
            raise ConflictError(
                _("%(name)s already has an open application; wait for its decision or withdraw it.")
                % {"name": organization.name}
            )
    if kind == ApplicationKind.REGISTRATION and organization is not None and not organization.can_upgrade():
        raise DomainError(_("Only a filed organization can apply to register."))
    name = payload.get("name") or (organization.name if organization else "")
    if kind in (ApplicationKind.FILING, ApplicationKind.REGISTRATION):
        source = Source.FILED if kind == ApplicationKind.FILING else Source.REGISTERED
        payload = {**payload, "source": source}
        _check_name_free(
            name=name, authority=authority_of(region.code, source), exclude=getattr(organization, "pk", None)
        )
    application = Application.objects.create(
        kind=kind,
        organization=organization,
        region=region,
        name=name,
        payload=payload,
        applicant=by if by is not None and by.pk else None,
        applicant_name=applicant_name or (by.display_name if by is not None and by.pk else ""),
        applicant_phone=applicant_phone,
        note=note,
    )
    _event(
        action="submitted",
        by=by,
        application=application,
        organization=organization,
        to_status=ApplicationStatus.SUBMITTED,
        note=note,
    )
    return application


def can_decide(application: Application, user: User) -> bool:
    """The permission for the kind, and an office whose area holds the record's authority."""
    if not user.has_perm(DECIDE_PERMISSION[ApplicationKind(application.kind)]):
        return False
    if user.is_superuser:
        return True
    source = application.payload.get("source") or (
        application.organization.source if application.organization else Source.FILED
    )
    if application.kind == ApplicationKind.REGISTRATION:
        source = Source.REGISTERED
    authority = authority_of(application.region_id, source) or application.region_id
    return user.region is not None and authority.startswith(user.region.prefix)


def _lock(application: Application, seen_version: int | None) -> Application:
    current = Application.objects.select_for_update().get(pk=application.pk)
    if seen_version is not None and current.version != seen_version:
        raise ConflictError(
            _("This application was changed by someone else since you opened it; reload it and decide again.")
        )
    return current


def _check_move(application: Application, to: str) -> None:
    if not application.can_move_to(to):
        raise TransitionError(
            _("An application that is %(status)s cannot become %(to)s.")
            % {"status": application.get_status_display(), "to": ApplicationStatus(to).label}
        )


def _move(
    application: Application, to: str, *, by: User | None, note: str = "", document_number: str = ""
) -> None:
    _check_move(application, to)
    before = application.status
    application.status = to
    application.version = F("version") + 1
    fields = ["status", "version", "updated_at"]
    if to in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.RETURNED):
        application.decided_by = by
        application.decided_at = timezone.now()
        application.decision_note = note
        application.document_number = document_number
        fields += ["decided_by", "decided_at", "decision_note", "document_number"]
    application.save(update_fields=fields)
    application.refresh_from_db(fields=["version"])
    _event(
        action=to,
        by=by,
        application=application,
        organization=application.organization,
        from_status=before,
        to_status=to,
        note=note,
        document_number=document_number,
    )


@audit.service("orgs.decide_application")
def decide_application(
    application: Application,
    *,
    decision: str,
    by: User,
    note: str = "",
    assigned_uscc: str = "",
    seen_version: int | None = None,
) -> Application:
    """Approve, return or reject an open application; approval applies it to the registry and
    issues the decision document."""
    if not can_decide(application, by):
        raise PermissionRefused(_("You may not decide this application."))
    application = _lock(application, seen_version)
    if decision not in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.RETURNED):
        raise TransitionError(_("Unknown decision."))
    _check_move(application, decision)
    if decision == ApplicationStatus.APPROVED:
        organization, title = _approve(application, by=by, assigned_uscc=assigned_uscc, note=note)
        application.organization = organization
        application.save(update_fields=["organization", "updated_at"])
        document = documents.issue_approval(application, title=title, by=by, note=note)
        _move(application, decision, by=by, note=note, document_number=document.number)
    elif decision == ApplicationStatus.REJECTED:
        document = documents.issue_rejection(application, by=by, reason=note)
        _move(application, decision, by=by, note=note, document_number=document.number)
    else:
        _move(application, decision, by=by, note=note)
    _tell_listeners(application, by)
    return application


def _tell_listeners(application: Application, by: User | None) -> None:
    for listener in DECISION_LISTENERS:
        listener(application, by)


def _approve(
    application: Application, *, by: User, assigned_uscc: str, note: str
) -> tuple[Organization, str]:
    kind = application.kind
    if kind == ApplicationKind.FILING:
        return _approve_filing(application, by=by), _("Filing approval notice")
    if kind == ApplicationKind.REGISTRATION:
        return _approve_registration(application, by=by, assigned_uscc=assigned_uscc), _(
            "Registration approval"
        )
    organization = Organization.objects.select_for_update().get(pk=application.organization_id or 0)
    if not organization.is_active:
        raise DomainError(_("%(name)s is no longer active.") % {"name": organization.name})
    if kind == ApplicationKind.CHANGE:
        _approve_change(organization, application, by=by)
        return organization, _("Change approval")
    organization.status = Status.DEREGISTERED
    organization.ended_on = timezone.localdate()
    organization.version = F("version") + 1
    organization.save(update_fields=["status", "ended_on", "version", "updated_at"])
    _event(
        action="deregistered",
        by=by,
        organization=organization,
        from_status=Status.ACTIVE,
        to_status=Status.DEREGISTERED,
        note=note or application.note,
    )
    return organization, _("Deregistration approval")


def _new_organization(payload: dict[str, Any]) -> Organization:
    organization = Organization(region_id=payload["region"])
    apply_payload(organization, payload)
    organization.refresh_search_text()
    organization.save()
    _set_lists(organization, payload)
    return organization


def _link_applicant(organization: Organization, application: Application) -> None:
    applicant = application.applicant
    if applicant is not None and applicant.account_type == AccountType.ORGANIZATION:
        organization.accounts.add(applicant)


def _approve_filing(application: Application, *, by: User) -> Organization:
    payload = dict(application.payload)
    payload["filing_number"] = documents.next_filing_number(application.region_id)
    payload["filed_on"] = timezone.localdate().isoformat()
    organization = _new_organization(payload)
    _link_applicant(organization, application)
    _event(
        action="filed",
        by=by,
        organization=organization,
        to_status=Status.ACTIVE,
        note=payload["filing_number"],
    )
    return organization


def _approve_registration(application: Application, *, by: User, assigned_uscc: str) -> Organization:
    payload = dict(application.payload)
    code = assigned_uscc or payload.get("uscc", "")
    if not code:
        raise DomainError(_("Enter the unified social credit code the registration assigned."))
    try:
        code = uscc.validate_civil_affairs(code, payload.get("legal_form") or None)
    except uscc.USCCError as error:
        raise DomainError(str(error)) from None
    payload.update(uscc=code, source=Source.REGISTERED, registered_on=timezone.localdate().isoformat())
    authority = authority_of(application.region_id, Source.REGISTERED)
    existing = application.organization
    _check_name_free(name=payload["name"], authority=authority, exclude=getattr(existing, "pk", None))
    _check_codes_free(code=code, exclude=getattr(existing, "pk", None))
    if existing is None:
        organization = _new_organization(payload)
        _link_applicant(organization, application)
        _event(action="registered", by=by, organization=organization, to_status=Status.ACTIVE, note=code)
        return organization
    # A filed organization upgrading keeps its record, its filing number and its history.
    organization = Organization.objects.select_for_update().get(pk=existing.pk)
    before = organization.source
    payload.pop("filing_number", None)
    payload.pop("filed_on", None)
    changed = apply_payload(organization, payload) + _set_lists(organization, payload)
    organization.refresh_search_text()
    organization.version = F("version") + 1
    organization.save(
        update_fields=[*{c for c in changed if c not in M2M_KEYS}, "search_text", "version", "updated_at"]
    )
    _event(
        action="upgraded",
        by=by,
        organization=organization,
        from_status=before,
        to_status=Source.REGISTERED,
        note=code,
    )
    return organization


def _approve_change(organization: Organization, application: Application, *, by: User) -> None:
    payload = dict(application.payload)
    # A change never moves an organization between sources; upgrades are registrations.
    for key in ("source", "uscc", "filing_number", "filed_on", "registered_on"):
        payload.pop(key, None)
    if "name" in payload and organization.source == Source.REGISTERED:
        _check_name_free(name=payload["name"], authority=organization.authority_id, exclude=organization.pk)
    changed = apply_payload(organization, payload) + _set_lists(organization, payload)
    if not changed:
        raise DomainError(_("The change request changes nothing."))
    organization.refresh_search_text()
    organization.version = F("version") + 1
    columns = [c for c in changed if c not in M2M_KEYS]
    organization.save(update_fields=[*columns, "search_text", "version", "updated_at"])
    labels = [str(getattr(Organization._meta.get_field(c), "verbose_name", c)) for c in changed]
    _event(action="changed", by=by, organization=organization, note="、".join(labels))


@audit.service("orgs.resubmit_application")
def resubmit_application(
    application: Application, *, by: User, payload: dict[str, Any] | None = None, note: str = ""
) -> Application:
    """Send a returned application back for decision, corrected."""
    application = _lock(application, None)
    if application.applicant_id != by.pk and not _is_account_of(by, application.organization):
        raise PermissionRefused(_("Only the applicant can resubmit this application."))
    if payload is not None:
        source = application.payload.get("source")
        application.payload = {**payload, "source": source} if source else payload
        application.name = application.payload.get("name") or application.name
        application.save(update_fields=["payload", "name", "updated_at"])
    _move(application, ApplicationStatus.SUBMITTED, by=by, note=note)
    return application


@audit.service("orgs.withdraw_application")
def withdraw_application(application: Application, *, by: User, note: str = "") -> Application:
    application = _lock(application, None)
    if application.applicant_id != by.pk and not _is_account_of(by, application.organization):
        raise PermissionRefused(_("Only the applicant can withdraw this application."))
    _move(application, ApplicationStatus.WITHDRAWN, by=by, note=note)
    _tell_listeners(application, by)
    return application


def _is_account_of(user: User, organization: Organization | None) -> bool:
    return organization is not None and organization.accounts.filter(pk=user.pk).exists()


@audit.service("orgs.revoke_organization")
def revoke_organization(
    organization: Organization,
    *,
    reason: str,
    basis: str,
    attachment: bytes,
    attachment_name: str,
    by: User,
    seen_version: int | None = None,
) -> Organization:
    """Revoke a registration as a sanction: the reason, the legal basis and the signed decision
    are required; the decision document is issued."""
    if not by.has_perm("orgs.revoke_organization"):
        raise PermissionRefused(_("You may not revoke registrations."))
    if not reason.strip() or not attachment:
        raise DomainError(_("A revocation needs its reasons and the signed decision document."))
    current = Organization.objects.select_for_update().get(pk=organization.pk)
    if seen_version is not None and current.version != seen_version:
        raise ConflictError(
            _("%(name)s was changed by someone else since you opened it.") % {"name": current.name}
        )
    if current.status != Status.ACTIVE or current.source != Source.REGISTERED:
        raise TransitionError(_("Only an active registered organization can be revoked."))
    current.status = Status.REVOKED
    current.ended_on = timezone.localdate()
    current.version = F("version") + 1
    current.save(update_fields=["status", "ended_on", "version", "updated_at"])
    current.refresh_from_db(fields=["version"])
    document = documents.issue_revocation(
        current, reason=reason, basis=basis, attachment=attachment, attachment_name=attachment_name, by=by
    )
    _event(
        action="revoked",
        by=by,
        organization=current,
        from_status=Status.ACTIVE,
        to_status=Status.REVOKED,
        note=reason,
        document_number=document.number,
    )
    return current


def reveal_contact(organization: Organization, *, by: User, remote_addr: str | None = None) -> dict[str, str]:
    """Return the unmasked leader and contact; every reveal is in the audit trail."""
    if not by.has_perm("orgs.reveal_contact"):
        raise PermissionRefused(_("You may not see personal contact data."))
    audit.record(
        event="orgs.reveal_contact",
        target=organization,
        actor=by,
        region_code=by.region_id or "",
        remote_addr=remote_addr,
    )
    return {
        "leader_name": organization.leader_name,
        "leader_phone": organization.leader_phone,
        "contact_name": organization.contact_name,
        "contact_phone": organization.contact_phone,
    }


@audit.service("orgs.link_account")
def link_account(organization: Organization, *, account: User, by: User) -> None:
    if account.account_type != AccountType.ORGANIZATION:
        raise DomainError(_("Only an organization account can be linked to an organization."))
    organization.accounts.add(account)
    _event(action="account_linked", by=by, organization=organization, note=account.username)


def import_records(records: Sequence[dict[str, Any]], *, by: User | None, source_name: str) -> int:
    """Create organizations from cleaned, checked spreadsheet rows in one transaction."""
    from peiyu.orgs.importing import create_records

    with audit.audit_context(event="orgs.import", actor=by):
        return create_records(records, by=by, source_name=source_name)


@audit.service("orgs.confirm_import")
def confirm_import(batch: ImportBatch, records: Sequence[dict[str, Any]], *, by: User) -> int:
    """Import the checked records of an upload, all or nothing, once."""
    current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if current.state != ImportBatch.State.CHECKED:
        raise ConflictError(_("This upload was already imported or discarded."))
    created = import_records(records, by=by, source_name=current.filename)
    current.state = ImportBatch.State.IMPORTED
    current.row_count = len(records)
    current.created_count = created
    current.save(update_fields=["state", "row_count", "created_count"])
    return created


@audit.service("orgs.discard_import")
def discard_import(batch: ImportBatch, *, by: User) -> None:
    ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.CHECKED).update(
        state=ImportBatch.State.DISCARDED
    )


@audit.service("orgs.save_list_entry")
def save_list_entry(
    *, model: type[Field] | type[TargetGroup], code: str, name: str, position: int, is_active: bool, by: User
) -> Field | TargetGroup:
    """Add an entry to a configurable list, or rename, reorder or retire an existing one. Codes
    never change, so records and imports keep pointing at the same entry."""
    label = model._meta.model_name
    if not by.has_perm(f"orgs.change_{label}"):
        raise PermissionRefused(_("You may not edit this list."))
    if model.objects.exclude(code=code).filter(name=name).exists():
        raise DomainError(_("Another entry is already called %(name)s.") % {"name": name})
    entry, created = model.objects.get_or_create(
        code=code, defaults={"name": name, "position": position, "is_active": is_active}
    )
    if not created:
        entry.name, entry.position, entry.is_active = name, position, is_active
        entry.save(update_fields=["name", "position", "is_active"])
    return entry
