"""People's mediation (人民调解法): registering a dispute with its parties, assigning mediators,
the mediation records, the agreement (written or oral, with how and by when it is performed),
ending without agreement (with the other routes told, Art. 26), follow-up visits that find it
performed or not, and judicial confirmation, applied for within the set days of the agreement
(Art. 33). A successful case raises its per-case subsidy in the funding app."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.activities import options
from peiyu.activities.models import (
    CASE_TRANSITIONS,
    AgreementForm,
    CaseStatus,
    FollowUp,
    MediationCase,
    Mediator,
    Party,
    PartyRole,
    Performance,
    Session,
)
from peiyu.activities.services.common import event, locked, move, require, require_region
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.options import value_of
from peiyu.lib import idcard
from peiyu.orgs.docx import next_in_series, office_region
from peiyu.orgs.models import Organization
from peiyu.orgs.models import Status as OrganizationStatus
from peiyu.regions.models import Region

ADD = "activities.add_mediationcase"
CHANGE = "activities.change_mediationcase"


@dataclass(frozen=True)
class PartyValues:
    role: str
    name: str
    sex: str = ""
    ethnicity: str = ""
    age: int | None = None
    occupation: str = ""
    phone: str = ""
    id_number: str = ""
    address: str = ""


def _today(day: datetime.date, label: str) -> None:
    if day > timezone.localdate():
        raise DomainError(_("%(what)s cannot be in the future.") % {"what": label})


def _number(region: Region) -> str:
    """The case number in the county's series: （2026）溧阳市人调字第12号. The county's name in
    full: 溧阳市 and 溧水区 share their first character, and the civil-affairs bureau's document
    prefix (``orgs.Office``) is not the mediation committees' to use."""
    county = office_region(region.code, county=True)
    return f"（{timezone.localdate().year}）{county.name}人调字第{next_in_series(county, 'mediation')}号"


def _check_parties(parties: Sequence[PartyValues]) -> None:
    roles = {p.role for p in parties}
    if PartyRole.APPLICANT not in roles or PartyRole.RESPONDENT not in roles:
        raise DomainError(_("A dispute has two sides: enter at least one applicant and one respondent."))
    for party in parties:
        if not party.name.strip():
            raise DomainError(_("Every party needs a name."))
        if party.id_number:
            try:
                idcard.validate(party.id_number)
            except idcard.IdCardError as error:
                raise DomainError(_("%(name)s: %(error)s") % {"name": party.name, "error": error}) from None


@audit.service("activities.register_case")
def register_case(
    *,
    region: Region,
    committee: str,
    dispute_type: str,
    source: str,
    summary: str,
    registered_on: datetime.date,
    parties: Sequence[PartyValues],
    by: User,
    claims: str = "",
    organization: Organization | None = None,
) -> MediationCase:
    """Register a dispute (人民调解受理登记) with its parties."""
    require(by, ADD)
    require_region(by, region.code)
    if not committee.strip() or not summary.strip():
        raise DomainError(_("Name the mediation committee and describe the dispute."))
    _today(registered_on, _("The registration date"))
    _check_parties(parties)
    if organization is not None and (
        organization.status != OrganizationStatus.ACTIVE or organization.region_id[:6] != region.code[:6]
    ):
        raise DomainError(_("The organization must be an active organization of the case's county."))
    case = MediationCase.objects.create(
        number=_number(region),
        region=region,
        committee=committee.strip(),
        organization=organization,
        dispute_type=dispute_type,
        source=source,
        summary=summary.strip(),
        claims=claims.strip(),
        registered_on=registered_on,
        recorded_by=by,
    )
    # One row at a time (six at most): the audit trail records who entered each party's personal
    # data, masked; a bulk insert would leave no entry.
    for p in parties:
        Party.objects.create(
            case=case,
            role=p.role,
            name=p.name.strip(),
            sex=p.sex,
            ethnicity=p.ethnicity,
            age=p.age,
            occupation=p.occupation,
            phone=p.phone.strip(),
            id_number=idcard.compact(p.id_number) if p.id_number else "",
            address=p.address,
        )
    event(subject=case, action="registered", by=by, to_status=case.status)
    return case


def _case(case: MediationCase, by: User, seen_version: int | None = None) -> MediationCase:
    require(by, CHANGE)
    require_region(by, case.region_id)
    return locked(case, seen_version=seen_version)


@audit.service("activities.start_mediation")
def start_mediation(case: MediationCase, *, mediators: Iterable[Mediator], by: User) -> MediationCase:
    """Assign the mediators (Art. 19) and start mediating."""
    case = _case(case, by)
    chosen = list(mediators)
    if not chosen:
        raise DomainError(_("Assign at least one mediator."))
    if any(not m.is_active or not case.region_id.startswith(m.region_id[:6]) for m in chosen):
        raise DomainError(_("Mediators must be active and of the case's county."))
    case.mediators.set(chosen)
    return move(
        case,
        to=CaseStatus.MEDIATING,
        transitions=CASE_TRANSITIONS,
        by=by,
        note="、".join(m.name for m in chosen),
    )


@audit.service("activities.record_session")
def record_session(
    case: MediationCase,
    *,
    held_at: datetime.datetime,
    place: str,
    participants: str,
    record: str,
    by: User,
    result: str = "",
) -> Session:
    """Write a mediation record (人民调解记录, Art. 27)."""
    case = _case(case, by)
    if case.status != CaseStatus.MEDIATING:
        raise DomainError(_("Records are written while the case is being mediated."))
    if not record.strip() or not place.strip():
        raise DomainError(_("Write where it took place and what was said."))
    if held_at > timezone.now() or timezone.localtime(held_at).date() < case.registered_on:
        raise DomainError(_("A mediation takes place between the registration and now."))
    session = Session.objects.create(
        case=case,
        held_at=held_at,
        place=place.strip(),
        participants=participants.strip(),
        record=record.strip(),
        result=result.strip(),
        recorded_by=by,
    )
    event(subject=case, action="session", by=by, note=result.strip()[:200])
    return session


@audit.service("activities.conclude_agreement")
def conclude_agreement(
    case: MediationCase,
    *,
    form: str,
    terms: str,
    agreed_on: datetime.date,
    by: User,
    performance_method: str = "",
    performance_due: datetime.date | None = None,
    amount: Decimal | None = None,
) -> MediationCase:
    """The parties agree (Art. 28–29): a written agreement or an oral one recorded by the
    mediator, with how and by when it is performed and the amount involved. The case is
    successful; its per-case subsidy is raised in the funding app."""
    from peiyu.funding.services.subsidies import raise_case_subsidy

    case = _case(case, by)
    if form not in AgreementForm.values:
        raise DomainError(_("Say whether the agreement is written or oral."))
    if not terms.strip():
        raise DomainError(_("Write down what the parties agreed."))
    _today(agreed_on, _("The agreement date"))
    if agreed_on < case.registered_on:
        raise DomainError(_("The agreement cannot come before the registration."))
    if performance_due is not None and performance_due < agreed_on:
        raise DomainError(_("Performance is due on or after the agreement."))
    if amount is not None and amount < 0:
        raise DomainError(_("The amount involved cannot be negative."))
    case.agreement_form, case.agreement_text, case.agreed_on = form, terms.strip(), agreed_on
    case.performance_method, case.performance_due, case.amount = (
        performance_method.strip(),
        performance_due,
        amount,
    )
    case.closed_on = agreed_on
    move(
        case,
        to=CaseStatus.SUCCEEDED,
        transitions=CASE_TRANSITIONS,
        by=by,
        note=str(AgreementForm(form).label),
        fields=(
            "agreement_form",
            "agreement_text",
            "agreed_on",
            "performance_method",
            "performance_due",
            "amount",
            "closed_on",
        ),
    )
    raise_case_subsidy(
        region=case.region,
        case_reference=case.number,
        case_title=f"{case.get_dispute_type_display()}：{case.summary[:80]}",
        payee=case.organization,
        payee_name=case.organization.name if case.organization else case.committee,
        raised_on=agreed_on,
        by=None,
    )
    return case


@audit.service("activities.end_without_agreement")
def end_without_agreement(
    case: MediationCase,
    *,
    reason: str,
    routes_told: str,
    by: User,
    on: datetime.date | None = None,
    seen_version: int | None = None,
) -> MediationCase:
    """End the mediation without agreement (a party refused, or no agreement could be
    reached), telling the parties of the other routes (Art. 26)."""
    case = _case(case, by, seen_version)
    on = on or timezone.localdate()
    if not reason.strip() or not routes_told.strip():
        raise DomainError(
            _(
                "Give the reason and the routes the parties were told of (arbitration, administrative, judicial)."
            )
        )
    _today(on, _("The closing date"))
    if on < case.registered_on:
        raise DomainError(_("A case closes on or after its registration."))
    case.failure_reason, case.routes_told, case.closed_on = reason.strip(), routes_told.strip(), on
    return move(
        case,
        to=CaseStatus.FAILED,
        transitions=CASE_TRANSITIONS,
        by=by,
        note=reason.strip()[:200],
        fields=("failure_reason", "routes_told", "closed_on"),
    )


@audit.service("activities.record_follow_up")
def record_follow_up(
    case: MediationCase,
    *,
    visited_on: datetime.date,
    visitor: str,
    performance: str,
    by: User,
    satisfied: bool | None = None,
    note: str = "",
) -> FollowUp:
    """A follow-up visit (回访) after an agreement: what it finds becomes the case's performance
    (the committee supervises performance, Art. 31)."""
    case = _case(case, by)
    if case.status != CaseStatus.SUCCEEDED or case.agreed_on is None:
        raise DomainError(_("Follow-up visits check an agreement's performance."))
    if performance not in Performance.values or performance == Performance.PENDING:
        raise DomainError(_("Say whether the agreement is performed, partly or not."))
    _today(visited_on, _("The visit date"))
    if visited_on < case.agreed_on:
        raise DomainError(_("A follow-up visit comes after the agreement."))
    if not visitor.strip():
        raise DomainError(_("Name who visited."))
    visit = FollowUp.objects.create(
        case=case,
        visited_on=visited_on,
        visitor=visitor.strip(),
        performance=performance,
        satisfied=satisfied,
        note=note.strip(),
        recorded_by=by,
    )
    # A visit entered late for an earlier day does not undo what a later visit found.
    if not case.follow_ups.filter(visited_on__gt=visited_on).exists():
        case.performance = performance
        case.performed_on = visited_on if performance == Performance.PERFORMED else None
        case.version += 1
        case.save(update_fields=["performance", "performed_on", "version"])
    event(subject=case, action="follow_up", by=by, note=str(Performance(performance).label))
    return visit


def confirmation_deadline(case: MediationCase) -> datetime.date | None:
    return case.confirmation_deadline(int(value_of(options.CONFIRMATION_DAYS.key, case.region_id)))


@audit.service("activities.record_confirmation")
def record_confirmation(
    case: MediationCase,
    *,
    applied_on: datetime.date,
    court: str,
    by: User,
    confirmed_on: datetime.date | None = None,
    seen_version: int | None = None,
) -> MediationCase:
    """The parties' joint application for judicial confirmation of a written agreement, within
    the set days of its taking effect (Art. 33), and the court's confirmation when it comes.
    Once the court has confirmed it, the record is final."""
    case = _case(case, by, seen_version)
    deadline = confirmation_deadline(case)
    if case.status != CaseStatus.SUCCEEDED or deadline is None or case.agreed_on is None:
        raise DomainError(_("Judicial confirmation is for a written agreement."))
    if case.confirmed_on is not None:
        raise DomainError(_("The court has already confirmed this agreement."))
    _today(applied_on, _("The application date"))
    if not case.agreed_on <= applied_on <= deadline:
        raise DomainError(
            _("The agreement took effect on %(start)s: the parties could apply until %(end)s.")
            % {"start": case.agreed_on, "end": deadline}
        )
    if not court.strip():
        raise DomainError(_("Name the court."))
    if confirmed_on is not None:
        _today(confirmed_on, _("The confirmation date"))
        if confirmed_on < applied_on:
            raise DomainError(_("The court confirms after the application."))
    case.confirmation_applied_on, case.confirmation_court, case.confirmed_on = (
        applied_on,
        court.strip(),
        confirmed_on,
    )
    case.version += 1
    case.save(update_fields=["confirmation_applied_on", "confirmation_court", "confirmed_on", "version"])
    event(subject=case, action="confirmation", by=by, note=court.strip())
    return case


@audit.service("activities.save_mediator")
def save_mediator(
    *,
    region: Region,
    name: str,
    committee: str,
    by: User,
    phone: str = "",
    is_full_time: bool = False,
    is_active: bool = True,
    mediator: Mediator | None = None,
    seen_version: int | None = None,
) -> Mediator:
    """Add a people's mediator to a committee of the region, or change one (a mediator who
    leaves is made inactive: their past cases keep their name)."""
    require(by, "activities.change_mediator" if mediator else "activities.add_mediator")
    require_region(by, region.code)
    if mediator is not None:
        require_region(by, mediator.region_id)
        mediator = locked(mediator, seen_version=seen_version)
    if not name.strip() or not committee.strip():
        raise DomainError(_("Give the mediator's name and committee."))
    row = mediator or Mediator(region=region)
    row.region, row.name, row.committee = region, name.strip(), committee.strip()
    row.phone, row.is_full_time, row.is_active = phone.strip(), is_full_time, is_active
    if mediator is None:
        row.save()
    else:
        row.version += 1
        row.save(
            update_fields=["region", "name", "committee", "phone", "is_full_time", "is_active", "version"]
        )
    return row
