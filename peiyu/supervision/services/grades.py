"""Grade evaluation (等级评估, 民政部令第39号): rounds, eligibility, scoring by evaluators,
public notice with objections, the grades awarded and how they end.

A round moves open → scoring → notice → done; an entry applied → scoring → scored → graded,
or refused with every reason stated. Eligibility follows Art. 6 (two full years registered and
never evaluated, or the previous grade's validity ends) and Art. 7 with the 2021 rules (last
year's inspection missed or failed, basic pass two years running, an administrative penalty last
year, on a credit list). Thresholds, validity, notice and answer periods are local settings.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.options import value_of
from peiyu.core.scoping import require_in_region as _require_region
from peiyu.lib import docx
from peiyu.orgs.docx import next_number, office_name
from peiyu.orgs.models import Document, Organization, OrganizationQuerySet, Source, Status
from peiyu.people.models import Engagement, EngagementKind, Expert
from peiyu.regions.models import Level, Region
from peiyu.supervision import rules, standing
from peiyu.supervision.models import (
    Conclusion,
    EntryStatus,
    Grade,
    GradeEntry,
    GradeQuerySet,
    GradeRound,
    GradeStatus,
    Indicator,
    IndicatorSet,
    Listing,
    ListingStatus,
    Objection,
    RoundStatus,
    Sanction,
    SanctionKind,
    Score,
)
from peiyu.supervision.options import (
    GRADE_NOTICE_DAYS,
    GRADE_THRESHOLDS,
    GRADE_VALIDITY_YEARS,
    OBJECTION_ANSWER_DAYS,
)
from peiyu.supervision.services.common import event, locked, move

MANAGE = "supervision.manage_grades"
CERTIFICATE_TEMPLATE = Path(__file__).resolve().parents[1] / "documents" / "grade_certificate.docx"
CERTIFIED_FROM_LEVEL = 3  # certificates and plaques go to 3A and above
CENT = Decimal("0.01")

ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundStatus.OPEN: {RoundStatus.SCORING},
    RoundStatus.SCORING: {RoundStatus.NOTICE},
    RoundStatus.NOTICE: {RoundStatus.DONE},
    RoundStatus.DONE: set(),
}
ENTRY_TRANSITIONS: dict[str, set[str]] = {
    EntryStatus.APPLIED: {EntryStatus.REFUSED, EntryStatus.SCORING},
    EntryStatus.REFUSED: {EntryStatus.APPLIED},
    EntryStatus.SCORING: {EntryStatus.SCORED},
    # An evaluator added after scoring sends the entry back until they have scored too.
    EntryStatus.SCORED: {EntryStatus.SCORING, EntryStatus.GRADED},
    EntryStatus.GRADED: set(),
}
GRADE_ENDINGS = {GradeStatus.DOWNGRADED, GradeStatus.REVOKED}
# The sanctions that are administrative penalties (Art. 7); a court's defaulter list is not.
PENALTIES = {SanctionKind.WARNING, SanctionKind.FINE, SanctionKind.STOP_ACTIVITY, SanctionKind.REVOCATION}


# Reads --------------------------------------------------------------------------------------


def grade_of(organization: Organization, on: datetime.date | None = None) -> Grade | None:
    """The organization's valid grade on a day (today by default), or None."""
    on = on or timezone.localdate()
    return Grade.objects.valid(on).filter(organization=organization).order_by("-awarded_on", "-id").first()


def expiring_grades(region: Region, within_days: int, today: datetime.date | None = None) -> GradeQuerySet:
    """Valid grades of the region's organizations whose validity ends within the coming days."""
    today = today or timezone.localdate()
    return (
        Grade.objects.in_region(region.code)
        .filter(status=GradeStatus.VALID, valid_until__gte=today)
        .filter(valid_until__lte=today + datetime.timedelta(days=within_days))
        .select_related("organization")
        .order_by("valid_until", "id")
    )


def thresholds_for(region_code: str) -> list[int]:
    """Lowest totals for 5A, 4A, 3A and 2A in effect for a region."""
    return [int(t) for t in value_of(GRADE_THRESHOLDS.key, region_code)][:4]


def level_for(total: Decimal, thresholds: list[int]) -> int:
    """5A at or above the first threshold, then 4A, 3A and 2A; below the last one 1A."""
    for position, threshold in enumerate(thresholds[:4]):
        if total >= threshold:
            return 5 - position
    return 1


def indicator_set_for(legal_form: str) -> IndicatorSet | None:
    """The indicator set in use for a legal form (few sets: filtered here, as SQLite cannot
    look inside a JSON list)."""
    for indicator_set in IndicatorSet.objects.filter(is_active=True).order_by("id"):
        if legal_form in indicator_set.legal_forms:
            return indicator_set
    return None


def scored_indicators(indicator_set: IndicatorSet) -> list[Indicator]:
    """The second-level indicators, which evaluators score, in table order."""
    return list(
        Indicator.objects.filter(indicator_set=indicator_set, parent__isnull=False)
        .select_related("parent")
        .order_by("parent__position", "parent__code", "position", "code")
    )


def answer_due(objection: Objection, region_code: str) -> datetime.date:
    days = int(value_of(OBJECTION_ANSWER_DAYS.key, region_code))
    return objection.received_on + datetime.timedelta(days=days)


def is_overdue(objection: Objection, region_code: str, today: datetime.date | None = None) -> bool:
    """Unanswered past the answer period, or answered after it."""
    due = answer_due(objection, region_code)
    if objection.answered_on is not None:
        return objection.answered_on > due
    return (today or timezone.localdate()) > due


def waiting_objections(user: User) -> QuerySet[Objection]:
    """Objections without a review decision, in the entries the user sees."""
    return Objection.objects.filter(
        entry__in=GradeEntry.objects.visible_to(user), answered_on__isnull=True
    ).select_related("entry__organization", "entry__round")


def candidates(grade_round: GradeRound, user: User) -> OrganizationQuerySet:
    """Registered organizations in the round's region and the user's scope, not yet entered."""
    return (
        Organization.objects.visible_to(user)
        .in_region(grade_round.region_id)
        .filter(source=Source.REGISTERED, status=Status.ACTIVE)
        .exclude(grade_entries__round=grade_round)
        .order_by("name")
    )


def eligibility_reasons(
    organization: Organization, *, year: int, today: datetime.date | None = None
) -> list[str]:
    """Every reason the organization cannot be evaluated in ``year``; empty when it can."""
    today = today or timezone.localdate()
    reasons: list[str] = []
    if organization.source != Source.REGISTERED:
        reasons.append(_("Only organizations registered with a civil-affairs authority are evaluated."))
    if organization.status != Status.ACTIVE:
        reasons.append(_("Its registration is %(status)s.") % {"status": organization.get_status_display()})
    reasons += _article_6(organization, year)
    reasons += _article_7(organization, year, today)
    return reasons


def _article_6(organization: Organization, year: int) -> list[str]:
    previous = Grade.objects.filter(organization=organization).order_by("-awarded_on", "-id").first()
    if previous is None:
        # 满两个年度: both calendar years before the round's year are covered in full.
        needed = datetime.date(year - 2, 1, 1)
        if organization.registered_on is None:
            return [_("Its registration date is not recorded (Art. 6 asks for two full years).")]
        if organization.registered_on > needed:
            return [
                _(
                    "Registered on %(date)s: not yet registered for two full years before %(year)d "
                    "(it must be registered by %(needed)s, Art. 6)."
                )
                % {"date": organization.registered_on, "year": year, "needed": needed}
            ]
        return []
    if previous.status == GradeStatus.VALID and previous.valid_until > datetime.date(year, 12, 31):
        return [
            _("Its %(level)s grade is valid until %(date)s; it is evaluated again when that ends (Art. 6).")
            % {"level": previous.label, "date": previous.valid_until}
        ]
    return []


def _article_7(organization: Organization, year: int, today: datetime.date) -> list[str]:
    reasons: list[str] = []
    years = standing.history(organization, today)
    last, before = years.get(year - 1), years.get(year - 2)
    if last == rules.MISSED:
        reasons.append(
            _("It did not take part in the %(year)d annual inspection (Art. 7).") % {"year": year - 1}
        )
    elif last == Conclusion.FAIL:
        reasons.append(_("It failed the %(year)d annual inspection (Art. 7).") % {"year": year - 1})
    elif last == Conclusion.BASIC_PASS and before == Conclusion.BASIC_PASS:
        reasons.append(
            _("Basic pass in the %(first)d and %(second)d annual inspections, two years running (Art. 7).")
            % {"first": year - 2, "second": year - 1}
        )
    penalties = Sanction.objects.filter(
        organization=organization, kind__in=PENALTIES, decided_on__year=year - 1
    ).order_by("decided_on")
    for sanction in penalties:
        reasons.append(
            _("Administrative penalty last year: %(kind)s on %(date)s (Art. 7).")
            % {"kind": sanction.get_kind_display(), "date": sanction.decided_on}
        )
    for listing in Listing.objects.filter(organization=organization, status=ListingStatus.LISTED):
        reasons.append(
            _("On the %(list)s since %(date)s.")
            % {"list": listing.get_list_display(), "date": listing.listed_on}
        )
    return reasons


# Checks -------------------------------------------------------------------------------------


def _require(by: User, permission: str = MANAGE) -> None:
    if not by.has_perm(permission):
        raise PermissionRefused(_("You may not make this change."))


def _current_round(round_id: int, *statuses: str) -> GradeRound:
    """The round as it is now, locked, in one of ``statuses`` (callers may hold a stale copy)."""
    grade_round = GradeRound.objects.select_for_update().select_related("region").get(pk=round_id)
    _require_round(grade_round, *statuses)
    return grade_round


def _require_round(grade_round: GradeRound, *statuses: str) -> None:
    if grade_round.status not in statuses:
        raise DomainError(
            _("Not possible while the round is “%(status)s”.") % {"status": grade_round.get_status_display()}
        )


# Rounds and entries -------------------------------------------------------------------------


@audit.service("supervision.create_grade_round")
def create_round(*, year: int, region: Region, title: str, by: User) -> GradeRound:
    """Open a round of the county's evaluating authority."""
    _require(by)
    _require_region(by, region.code)
    if region.level != Level.COUNTY:
        raise DomainError(_("Grade evaluation rounds are run by a county's registration authority."))
    if not title.strip():
        raise DomainError(_("Give the round a title."))
    grade_round = GradeRound.objects.create(year=year, region=region, title=title.strip(), created_by=by)
    event(subject=grade_round, action="created", by=by, to_status=grade_round.status)
    return grade_round


@audit.service("supervision.add_grade_entry")
def add_entry(grade_round: GradeRound, *, organization: Organization, by: User) -> GradeEntry:
    """Enter an organization; eligibility is checked now and refusals state every reason."""
    _require(by)
    _require_region(by, grade_round.region_id)
    grade_round = _current_round(grade_round.pk, RoundStatus.OPEN)
    if not grade_round.region.contains(organization.region_id):
        raise DomainError(_("%(name)s is outside this round's region.") % {"name": organization.name})
    if GradeEntry.objects.filter(round=grade_round, organization=organization).exists():
        raise DomainError(_("%(name)s is already in this round.") % {"name": organization.name})
    entry = GradeEntry.objects.create(round=grade_round, organization=organization)
    event(subject=entry, action="entered", by=by, to_status=entry.status)
    return _apply_eligibility(entry, by=by)


@audit.service("supervision.check_grade_entry")
def recheck_entry(entry: GradeEntry, *, by: User) -> GradeEntry:
    """Check eligibility again (after the record was corrected) while the round is open."""
    _require(by)
    _require_region(by, entry.round.region_id)
    _current_round(entry.round_id, RoundStatus.OPEN)
    entry = locked(entry)
    if entry.status not in {EntryStatus.APPLIED, EntryStatus.REFUSED}:
        raise DomainError(_("Eligibility is checked before scoring starts."))
    return _apply_eligibility(entry, by=by)


def _apply_eligibility(entry: GradeEntry, *, by: User) -> GradeEntry:
    reasons = eligibility_reasons(entry.organization, year=entry.round.year)
    entry.indicator_set = indicator_set_for(entry.organization.legal_form)
    if entry.indicator_set is None:
        reasons.append(
            _("No indicator set is in use for its legal form (%(form)s).")
            % {"form": entry.organization.get_legal_form_display() or "—"}
        )
    entry.refusal_reasons = reasons
    fields = ("refusal_reasons", "indicator_set")
    wanted = EntryStatus.REFUSED if reasons else EntryStatus.APPLIED
    if entry.status != wanted:
        return move(
            entry, to=wanted, transitions=ENTRY_TRANSITIONS, by=by, note="\n".join(reasons), fields=fields
        )
    entry.version += 1
    entry.save(update_fields=[*fields, "version"])
    return entry


@audit.service("supervision.assign_evaluators")
def assign_evaluators(entry: GradeEntry, *, experts: Iterable[Expert], by: User) -> GradeEntry:
    """Set the entry's evaluators. Experts affiliated with the organization are refused (回避);
    the scores of an evaluator taken off are dropped."""
    _require(by)
    _require_region(by, entry.round.region_id)
    _current_round(entry.round_id, RoundStatus.OPEN, RoundStatus.SCORING)
    entry = locked(entry)
    if entry.status not in {EntryStatus.APPLIED, EntryStatus.SCORING, EntryStatus.SCORED}:
        raise DomainError(_("Only eligible entries are scored."))
    chosen = list(experts)
    if not chosen:
        raise DomainError(_("Choose at least one evaluator."))
    problems = [_evaluator_problem(expert, entry) for expert in chosen]
    if any(problems):
        raise DomainError(" ".join(p for p in problems if p))
    before = set(entry.evaluators.values_list("pk", flat=True))
    after = {expert.pk for expert in chosen}
    Score.objects.filter(entry=entry, evaluator_id__in=before - after).delete()
    entry.evaluators.set(chosen)
    note = "、".join(expert.name for expert in chosen)
    event(subject=entry, action="evaluators", by=by, note=note)
    return _tally(entry, by=by)


def _evaluator_problem(expert: Expert, entry: GradeEntry) -> str:
    if entry.organization_id in expert.conflicting_organization_ids():
        return _(
            "%(expert)s is affiliated with %(organization)s and cannot evaluate it (conflict of interest)."
        ) % {"expert": expert.name, "organization": entry.organization.name}
    if expert.account_id is None:
        return _("%(expert)s has no expert account to score with.") % {"expert": expert.name}
    if not expert.is_available:
        return _("%(expert)s is not available for reviews.") % {"expert": expert.name}
    return ""


@audit.service("supervision.start_grade_scoring")
def start_scoring(grade_round: GradeRound, *, by: User) -> GradeRound:
    """Close entries and send every eligible one to its evaluators."""
    _require(by)
    _require_region(by, grade_round.region_id)
    grade_round = locked(grade_round)
    _require_round(grade_round, RoundStatus.OPEN)
    entries = list(
        grade_round.entries.filter(status=EntryStatus.APPLIED)
        .select_related("organization")
        .annotate(evaluator_count=Count("evaluators"))
    )
    if not entries:
        raise DomainError(_("No eligible organization has been entered."))
    without = [e.organization.name for e in entries if not e.evaluator_count]  # type: ignore[attr-defined]
    if without:
        raise DomainError(_("Assign evaluators first to: %(names)s.") % {"names": "、".join(without)})
    for entry in entries:
        move(entry, to=EntryStatus.SCORING, transitions=ENTRY_TRANSITIONS, by=by)
    return move(grade_round, to=RoundStatus.SCORING, transitions=ROUND_TRANSITIONS, by=by)


# Scoring ------------------------------------------------------------------------------------


@audit.service("supervision.submit_scores")
def submit_scores(
    entry: GradeEntry, *, evaluator: Expert, points: Mapping[int, Decimal], by: User
) -> GradeEntry:
    """Record one evaluator's points for every second-level indicator (0 to its points),
    replacing what they gave before; the entry is scored once every evaluator has scored."""
    _require(by, "supervision.add_score")
    if evaluator.account_id != by.pk or not entry.evaluators.filter(pk=evaluator.pk).exists():
        raise PermissionRefused(_("You are not an evaluator of this entry."))
    _current_round(entry.round_id, RoundStatus.SCORING)
    entry = locked(entry)
    if entry.status not in {EntryStatus.SCORING, EntryStatus.SCORED} or entry.indicator_set is None:
        raise DomainError(_("This entry is not being scored."))
    indicators = scored_indicators(entry.indicator_set)
    rows = []
    for indicator in indicators:
        value = points.get(indicator.pk)
        if value is None or not 0 <= value <= indicator.points:
            raise DomainError(
                _("Give %(name)s between 0 and %(points)d points.")
                % {"name": indicator.name, "points": indicator.points}
            )
        rows.append(Score(entry=entry, indicator=indicator, evaluator=evaluator, points=value))
    Score.objects.filter(entry=entry, evaluator=evaluator).delete()
    Score.objects.bulk_create(rows)
    total = sum((row.points for row in rows), Decimal(0))
    event(subject=entry, action="scored_by", by=by, note=f"{evaluator.name}: {total}")
    Engagement.objects.get_or_create(
        expert=evaluator,
        kind=EngagementKind.EVALUATION,
        reference=f"grade-entry-{entry.pk}",
        defaults={
            "title": f"{entry.round.title}：{entry.organization.name}"[:200],
            "held_on": timezone.localdate(),
        },
    )
    return _tally(entry, by=by)


def _tally(entry: GradeEntry, *, by: User) -> GradeEntry:
    """Total = the mean over evaluators of their summed points, once all have scored."""
    if entry.status not in {EntryStatus.SCORING, EntryStatus.SCORED} or entry.indicator_set is None:
        return entry
    evaluators = set(entry.evaluators.values_list("pk", flat=True))
    needed = len(scored_indicators(entry.indicator_set))
    sums: dict[int, Decimal] = {}
    counts: dict[int, int] = {}
    for evaluator_id, value in Score.objects.filter(entry=entry).values_list("evaluator_id", "points"):
        sums[evaluator_id] = sums.get(evaluator_id, Decimal(0)) + value
        counts[evaluator_id] = counts.get(evaluator_id, 0) + 1
    complete = bool(evaluators) and all(counts.get(pk) == needed for pk in evaluators)
    if not complete:
        if entry.status == EntryStatus.SCORED:
            entry.total = entry.proposed_level = None
            return move(
                entry,
                to=EntryStatus.SCORING,
                transitions=ENTRY_TRANSITIONS,
                by=by,
                fields=("total", "proposed_level"),
            )
        return entry
    total = (sum((sums[pk] for pk in evaluators), Decimal(0)) / len(evaluators)).quantize(CENT, ROUND_HALF_UP)
    entry.total = total
    entry.proposed_level = level_for(total, thresholds_for(entry.round.region_id))
    fields = ("total", "proposed_level")
    if entry.status == EntryStatus.SCORING:
        return move(
            entry, to=EntryStatus.SCORED, transitions=ENTRY_TRANSITIONS, by=by, note=str(total), fields=fields
        )
    entry.version += 1
    entry.save(update_fields=[*fields, "version"])
    event(subject=entry, action="rescored", by=by, note=str(total))
    return entry


# Public notice and objections ---------------------------------------------------------------


@audit.service("supervision.start_grade_notice")
def start_notice(grade_round: GradeRound, *, by: User, starts_on: datetime.date | None = None) -> GradeRound:
    """Publish the proposed grades for GRADE_NOTICE_DAYS days from ``starts_on`` (today)."""
    _require(by)
    _require_region(by, grade_round.region_id)
    grade_round = locked(grade_round)
    _require_round(grade_round, RoundStatus.SCORING)
    unscored = grade_round.entries.filter(status__in=[EntryStatus.APPLIED, EntryStatus.SCORING])
    names = list(unscored.values_list("organization__name", flat=True))
    if names:
        raise DomainError(_("Not every evaluator has scored: %(names)s.") % {"names": "、".join(names)})
    starts_on = starts_on or timezone.localdate()
    days = int(value_of(GRADE_NOTICE_DAYS.key, grade_round.region_id))
    grade_round.notice_starts_on = starts_on
    grade_round.notice_ends_on = starts_on + datetime.timedelta(days=days - 1)
    return move(
        grade_round,
        to=RoundStatus.NOTICE,
        transitions=ROUND_TRANSITIONS,
        by=by,
        note=f"{grade_round.notice_starts_on} – {grade_round.notice_ends_on}",
        fields=("notice_starts_on", "notice_ends_on"),
    )


@audit.service("supervision.record_objection")
def record_objection(
    entry: GradeEntry, *, text: str, received_on: datetime.date, by: User, contact: str = ""
) -> Objection:
    """Record an objection received during the public notice (Art. 20); others are refused."""
    _require(by)
    _require_region(by, entry.round.region_id)
    grade_round = _current_round(entry.round_id, RoundStatus.NOTICE)
    entry = locked(entry)
    if entry.status != EntryStatus.SCORED:
        raise DomainError(_("Objections concern the grades proposed in the notice."))
    if not text.strip():
        raise DomainError(_("Write down the objection."))
    starts_on, ends_on = grade_round.notice_starts_on, grade_round.notice_ends_on
    if starts_on is None or ends_on is None or not starts_on <= received_on <= ends_on:
        raise DomainError(
            _(
                "The public notice ran from %(start)s to %(end)s; an objection received on %(date)s is outside it."
            )
            % {"start": starts_on, "end": ends_on, "date": received_on}
        )
    if received_on > timezone.localdate():
        raise DomainError(_("The date received cannot be in the future."))
    objection = Objection.objects.create(
        entry=entry, text=text.strip(), contact=contact.strip(), received_on=received_on
    )
    event(subject=entry, action="objection", by=by, note=text.strip()[:200])
    return objection


@audit.service("supervision.answer_objection")
def answer_objection(
    objection: Objection,
    *,
    answer: str,
    upheld: bool,
    by: User,
    answered_on: datetime.date | None = None,
    level: int | None = None,
) -> Objection:
    """Record the review decision (复核, Art. 23); an upheld objection may change the proposed
    grade."""
    _require(by)
    _require_region(by, objection.entry.round.region_id)
    _current_round(objection.entry.round_id, RoundStatus.NOTICE)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    entry = locked(objection.entry)
    if objection.answered_on is not None:
        raise DomainError(_("This objection has been answered already."))
    if not answer.strip():
        raise DomainError(_("Write down the review decision."))
    revise = level is not None and level != entry.proposed_level
    if revise and (not upheld or level is None or not 1 <= level <= 5):
        raise DomainError(_("Only an upheld objection changes the proposed grade (1A to 5A)."))
    answered_on = answered_on or timezone.localdate()
    if answered_on < objection.received_on or answered_on > timezone.localdate():
        raise DomainError(_("The answer date must lie between the day received and today."))
    objection.answer, objection.upheld, objection.answered_on = answer.strip(), upheld, answered_on
    objection.save(update_fields=["answer", "upheld", "answered_on"])
    event(subject=entry, action="objection_answered", by=by, note=answer.strip()[:200])
    if revise:
        before = entry.proposed_level
        entry.proposed_level = level
        entry.version += 1
        entry.save(update_fields=["proposed_level", "version"])
        event(subject=entry, action="level_revised", by=by, note=f"{before}A → {level}A")
    return objection


# Conclusion and the grades ------------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@audit.service("supervision.conclude_grade_round")
def conclude_round(grade_round: GradeRound, *, by: User, on: datetime.date | None = None) -> list[Grade]:
    """Award the grades once the notice has ended and every objection is answered: valid for
    GRADE_VALIDITY_YEARS from ``on``, a certificate for 3A and above, the previous grade ended."""
    _require(by)
    _require_region(by, grade_round.region_id)
    grade_round = locked(grade_round)
    _require_round(grade_round, RoundStatus.NOTICE)
    on = on or timezone.localdate()
    if grade_round.notice_ends_on is None or on <= grade_round.notice_ends_on:
        raise DomainError(_("The public notice runs until %(date)s.") % {"date": grade_round.notice_ends_on})
    waiting = Objection.objects.filter(entry__round=grade_round, answered_on__isnull=True).count()
    if waiting:
        raise DomainError(_("%(count)d objection(s) still wait for a review decision.") % {"count": waiting})
    years = int(value_of(GRADE_VALIDITY_YEARS.key, grade_round.region_id))
    valid_until = add_years(on, years) - datetime.timedelta(days=1)
    grades = []
    entries = grade_round.entries.filter(status=EntryStatus.SCORED).select_related("organization")
    for entry in entries:
        if entry.proposed_level is None:
            raise DomainError(_("%(name)s has no proposed grade.") % {"name": entry.organization.name})
        _supersede(entry.organization, on=on, by=by, note=grade_round.title)
        grade = Grade.objects.create(
            organization=entry.organization,
            level=entry.proposed_level,
            awarded_on=on,
            valid_until=valid_until,
            entry=entry,
        )
        if grade.level >= CERTIFIED_FROM_LEVEL:
            grade.certificate = issue_certificate(grade, office=grade_round.region)
            grade.save(update_fields=["certificate"])
        event(subject=grade, action="awarded", by=by, to_status=grade.status, note=grade.label)
        move(entry, to=EntryStatus.GRADED, transitions=ENTRY_TRANSITIONS, by=by, note=grade.label)
        grades.append(grade)
    move(grade_round, to=RoundStatus.DONE, transitions=ROUND_TRANSITIONS, by=by)
    return grades


def _supersede(organization: Organization, *, on: datetime.date, by: User, note: str) -> None:
    for previous in Grade.objects.select_for_update().filter(
        organization=organization, status=GradeStatus.VALID
    ):
        _close(
            previous,
            status=GradeStatus.EXPIRED,
            on=on,
            reason=_("Replaced: %(round)s") % {"round": note},
            by=by,
        )


def _close(grade: Grade, *, status: str, on: datetime.date, reason: str, by: User | None) -> None:
    before = grade.status
    grade.status, grade.ended_on, grade.end_reason = status, on, reason[:200]
    grade.save(update_fields=["status", "ended_on", "end_reason"])
    event(subject=grade, action=status, by=by, from_status=before, to_status=status, note=reason)


@audit.service("supervision.end_grade")
def end_grade(grade: Grade, *, status: str, reason: str, by: User, to_level: int | None = None) -> Grade:
    """Downgrade or revoke a valid grade on Art. 30 grounds. A downgrade awards the lower
    grade (one level down unless ``to_level``) for the rest of the validity; the old
    certificate and plaque are to be returned within 15 days."""
    _require(by)
    grade = Grade.objects.select_for_update().select_related("organization").get(pk=grade.pk)
    _require_region(by, grade.organization.region_id)
    if status not in GRADE_ENDINGS:
        raise DomainError(_("A grade is ended by a downgrade or a revocation."))
    if grade.status != GradeStatus.VALID:
        raise DomainError(_("This grade is no longer valid."))
    if not reason.strip():
        raise DomainError(_("State the grounds (Art. 30)."))
    today = timezone.localdate()
    lower = None
    if status == GradeStatus.DOWNGRADED:
        lower = grade.level - 1 if to_level is None else to_level
        if not 1 <= lower < grade.level:
            raise DomainError(_("A downgrade gives a grade below %(level)s.") % {"level": grade.label})
    _close(grade, status=status, on=today, reason=reason.strip(), by=by)
    if lower is not None:
        new = Grade.objects.create(
            organization=grade.organization, level=lower, awarded_on=today, valid_until=grade.valid_until
        )
        if lower >= CERTIFIED_FROM_LEVEL:
            new.certificate = issue_certificate(new, office=_county_of(grade.organization))
            new.save(update_fields=["certificate"])
        event(subject=new, action="awarded", by=by, to_status=new.status, note=f"{grade.label} → {new.label}")
    return grade


@audit.service("supervision.expire_grades")
def expire_grades(*, on: datetime.date | None = None, by: User | None = None) -> int:
    """Mark grades past their validity as expired (a nightly job; ``grade_of`` already reads
    validity by date)."""
    on = on or timezone.localdate()
    ended = Grade.objects.select_for_update().filter(status=GradeStatus.VALID, valid_until__lt=on)
    count = 0
    for grade in ended:
        _close(grade, status=GradeStatus.EXPIRED, on=grade.valid_until, reason=_("Validity ended."), by=by)
        count += 1
    return count


def _county_of(organization: Organization) -> Region:
    return Region.objects.get(code=(organization.authority_id or organization.region_id)[:6].ljust(12, "0"))


def issue_certificate(grade: Grade, *, office: Region) -> Document:
    """The grade certificate (3A and above), in the office's language, kept as issued."""
    organization = grade.organization
    with translation.override(settings.LANGUAGE_CODE):
        number = next_number(office, "grade")
        context = {
            "bureau": office_name(office),
            "number": number,
            "date": docx.chinese_date(grade.awarded_on),
            "org": {"name": organization.name, "uscc": organization.uscc},
            "level": grade.label,
            "stars": "A" * grade.level,
            "valid_from": docx.chinese_date(grade.awarded_on),
            "valid_until": docx.chinese_date(grade.valid_until),
        }
        content = docx.render(CERTIFICATE_TEMPLATE, context)
        title = _("Grade evaluation certificate")
    return Document.objects.create(organization=organization, title=title, number=number, content=content)


# Indicator sets -----------------------------------------------------------------------------


@audit.service("supervision.update_indicator_set")
def update_indicator_set(
    indicator_set: IndicatorSet, *, indicators: Mapping[int, tuple[str, int]], by: User
) -> IndicatorSet:
    """Rename second-level indicators and set their points; a first-level indicator is worth
    the sum of its own, and all add up to the set's total. Points do not change while entries
    scored against the set are open."""
    _require(by, "supervision.change_indicatorset")
    children = {i.pk: i for i in Indicator.objects.filter(indicator_set=indicator_set, parent__isnull=False)}
    if set(indicators) != set(children):
        raise DomainError(_("Give a name and points for every second-level indicator."))
    if any(not name.strip() or points < 0 for name, points in indicators.values()):
        raise DomainError(_("Every indicator needs a name and points of 0 or more."))
    total = sum(points for _name, points in indicators.values())
    if total != indicator_set.total_points:
        raise DomainError(
            _("The points add up to %(total)d; they must add up to %(expected)d.")
            % {"total": total, "expected": indicator_set.total_points}
        )
    changes_points = any(children[pk].points != points for pk, (_n, points) in indicators.items())
    open_entries = GradeEntry.objects.filter(
        indicator_set=indicator_set, status__in=[EntryStatus.SCORING, EntryStatus.SCORED]
    )
    if changes_points and open_entries.exists():
        raise DomainError(_("Points cannot change while entries scored against this set are open."))
    for pk, (name, points) in indicators.items():
        child = children[pk]
        if (child.name, child.points) != (name.strip(), points):
            child.name, child.points = name.strip(), points
            child.save(update_fields=["name", "points"])
    for parent in Indicator.objects.filter(indicator_set=indicator_set, parent__isnull=True):
        points = sum(c.points for c in children.values() if c.parent_id == parent.pk)
        if parent.points != points:
            parent.points = points
            parent.save(update_fields=["points"])
    event(subject=indicator_set, action="indicators", by=by, organization_id=None)
    return indicator_set
