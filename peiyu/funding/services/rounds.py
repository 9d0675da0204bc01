"""Rounds: terms, fund sources, rubric, opening, the start of review, the end of the public
notice (contracts drafted) and the close."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.options import value_of
from peiyu.funding import options
from peiyu.funding.eligibility import application_reasons
from peiyu.funding.models import (
    APPLICATION_TRANSITIONS,
    PROJECT_TRANSITIONS,
    ROUND_TRANSITIONS,
    SCALE,
    ApplicationStatus,
    ContractStatus,
    Criterion,
    FundSource,
    Milestone,
    ObjectionQuerySet,
    ProjectStatus,
    Round,
    RoundStatus,
)
from peiyu.funding.services.common import event, locked, move, require, require_region
from peiyu.regions.models import Level, Region

MANAGE = "funding.manage_round"

# The terms a round's form sets; anything else is refused.
TERMS = {
    "year",
    "title",
    "kind",
    "call_text",
    "opens_on",
    "closes_on",
    "two_stage",
    "outline_closes_on",
    "max_request",
    "legal_forms",
    "min_grade",
    "experts_per_application",
    "aggregation",
    "defense_weight",
    "pass_mark",
    "last_project_rule",
    "partial_share",
    "tranches",
    "supervisor",
}
# While applications are open only these may still change (no rule moves under applicants).
OPEN_TERMS = {"call_text", "closes_on", "outline_closes_on"}


def current(round: Round, *statuses: str) -> Round:
    """The round as it is now, locked, in one of ``statuses``."""
    fresh: Round = Round.objects.select_for_update().select_related("region").get(pk=round.pk)
    if statuses and fresh.status not in statuses:
        raise DomainError(
            pgettext("funding round", "Not possible while the round is “%(status)s”.")
            % {"status": fresh.get_status_display()}
        )
    return fresh


def check_tranches(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Tranches in milestone order, each milestone at most once, shares adding up to 100."""
    order = list(Milestone.values)
    cleaned: list[dict[str, Any]] = []
    for row in rows:
        milestone, percent = str(row.get("milestone", "")), int(row.get("percent", 0))
        if milestone not in order or percent <= 0:
            raise DomainError(_("Each tranche needs a milestone and a share above zero."))
        cleaned.append({"milestone": milestone, "percent": percent})
    milestones = [row["milestone"] for row in cleaned]
    if len(set(milestones)) != len(milestones) or milestones != sorted(milestones, key=order.index):
        raise DomainError(_("Tranches follow the milestones in order, each milestone once."))
    if sum(row["percent"] for row in cleaned) != 100:
        raise DomainError(_("The tranches' shares must add up to 100%."))
    if not cleaned or cleaned[0]["milestone"] != Milestone.SIGNING:
        raise DomainError(_("The first tranche is paid on signing."))
    return cleaned


def _check_terms(terms: Mapping[str, Any]) -> None:
    unknown = set(terms) - TERMS
    if unknown:
        raise DomainError(_("Unknown round terms: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    opens_on, closes_on = terms.get("opens_on"), terms.get("closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        raise DomainError(_("Applications must close on or after the day they open."))
    outline = terms.get("outline_closes_on")
    if terms.get("two_stage") and (outline is None or (closes_on and not opens_on <= outline <= closes_on)):
        raise DomainError(
            _("A two-stage round needs an outline deadline between its opening and closing days.")
        )
    if "tranches" in terms:
        check_tranches(terms["tranches"])
    if not 0 <= int(terms.get("defense_weight", 0)) <= 100:
        raise DomainError(_("The defense's weight is a share from 0 to 100%."))
    if int(terms.get("experts_per_application", 1)) < 1:
        raise DomainError(_("Each application needs at least one expert."))


@audit.service("funding.create_round")
def create_round(
    *,
    region: Region,
    title: str,
    call_text: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    by: User,
    **terms: Any,
) -> Round:
    """Draft a round of a county's purchasing authority; the lowest grade defaults to the
    local setting."""
    require(by, MANAGE)
    require_region(by, region.code)
    if region.level != Level.COUNTY:
        raise DomainError(_("Funding rounds are run by a county (or district) authority."))
    if not title.strip() or not call_text.strip():
        raise DomainError(_("Give the round a title and a call text."))
    terms = {
        "title": title.strip(),
        "call_text": call_text.strip(),
        "opens_on": opens_on,
        "closes_on": closes_on,
        **terms,
    }
    terms.setdefault("year", opens_on.year)
    terms.setdefault("min_grade", int(value_of(options.MIN_GRADE.key, region.code)))
    _check_terms(terms)
    if terms.get("tranches"):
        terms["tranches"] = check_tranches(terms["tranches"])
    round = Round.objects.create(region=region, created_by=by, **terms)
    event(subject=round, action="created", by=by, to_status=round.status)
    return round


@audit.service("funding.update_round")
def update_round(round: Round, *, by: User, seen_version: int | None = None, **terms: Any) -> Round:
    """Change a round's terms: anything while it is a draft, only the call text and the
    deadlines while it takes applications."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.DRAFT, RoundStatus.OPEN)
    if seen_version is not None and round.version != seen_version:
        locked(round, seen_version=seen_version)
    if round.status == RoundStatus.OPEN and set(terms) - OPEN_TERMS:
        raise DomainError(_("While applications are open only the call text and the deadlines may change."))
    merged = {name: getattr(round, name) for name in TERMS if name != "supervisor"} | terms
    _check_terms(merged)
    if "tranches" in terms:
        terms["tranches"] = check_tranches(terms["tranches"])
    for name, value in terms.items():
        setattr(round, name, value)
    round.version += 1
    round.save(update_fields=[*(f"{name}_id" if name == "supervisor" else name for name in terms), "version"])
    event(subject=round, action="updated", by=by, note=", ".join(sorted(terms)))
    return round


@audit.service("funding.set_round_scope")
def set_scope(
    round: Round, *, by: User, fields: Iterable[Any] = (), catalog_items: Iterable[Any] = ()
) -> Round:
    """The fields and catalog items the round funds (empty: any)."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.DRAFT)
    items = list(catalog_items)
    if any(item.region_id != round.region_id for item in items):
        raise DomainError(_("A round buys from its own authority's catalog."))
    round.fields.set(list(fields))
    round.catalog_items.set(items)
    event(subject=round, action="scope", by=by)
    return round


@audit.service("funding.set_fund_sources")
def set_sources(round: Round, *, sources: Sequence[tuple[str, str, Decimal]], by: User) -> Round:
    """Replace the round's fund sources: (kind, name, amount) rows. The budget is their sum."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.DRAFT)
    if not sources or any(amount <= 0 or not name.strip() for _kind, name, amount in sources):
        raise DomainError(_("Name every fund source and give it an amount above zero."))
    round.sources.all().delete()
    FundSource.objects.bulk_create(
        [
            FundSource(round=round, kind=kind, name=name.strip(), amount=amount)
            for kind, name, amount in sources
        ]
    )
    total = sum((amount for _k, _n, amount in sources), Decimal(0))
    event(subject=round, action="sources", by=by, note=f"{total}")
    return round


@audit.service("funding.set_rubric")
def set_rubric(round: Round, *, lines: Sequence[tuple[str, int, Mapping[str, str]]], by: User) -> Round:
    """Replace the rubric: (name, weight, anchors) rows whose weights add up to 100, with an
    anchor description for every score from 1 to 5. Only before any expert has scored."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.DRAFT, RoundStatus.OPEN)
    if not lines or sum(weight for _n, weight, _a in lines) != 100 or any(w <= 0 for _n, w, _a in lines):
        raise DomainError(_("The rubric's weights must be above zero and add up to 100."))
    for name, _weight, anchors in lines:
        missing = [
            str(score) for score in range(1, SCALE + 1) if not str(anchors.get(str(score), "")).strip()
        ]
        if not name.strip() or missing:
            raise DomainError(
                _("Describe what each score from 1 to %(scale)d means for “%(name)s”.")
                % {"scale": SCALE, "name": name}
            )
    round.criteria.all().delete()
    Criterion.objects.bulk_create(
        [
            Criterion(
                round=round,
                name=name.strip(),
                weight=weight,
                anchors={str(k): str(v).strip() for k, v in anchors.items()},
                position=i,
            )
            for i, (name, weight, anchors) in enumerate(lines)
        ]
    )
    event(subject=round, action="rubric", by=by, note="、".join(f"{n} {w}" for n, w, _a in lines))
    return round


def readiness(round: Round) -> list[str]:
    """What still keeps a draft round from opening."""
    problems = []
    if not round.sources.exists():
        problems.append(_("Add at least one fund source."))
    if sum(round.criteria.values_list("weight", flat=True)) != 100:
        problems.append(_("Set up the scoring rubric (weights adding up to 100)."))
    if round.closes_on < timezone.localdate():
        problems.append(_("The closing day has passed; move it."))
    return problems


@audit.service("funding.open_round")
def open_round(round: Round, *, by: User) -> Round:
    """Publish the call: the round appears on the portal and takes applications."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.DRAFT)
    problems = readiness(round)
    if problems:
        raise DomainError(" ".join(problems))
    return move(round, to=RoundStatus.OPEN, transitions=ROUND_TRANSITIONS, by=by)


@audit.service("funding.start_review")
def start_review(round: Round, *, by: User, today: datetime.date | None = None) -> Round:
    """Close applications (on or after the closing day) and check every submitted
    application's eligibility once more, as of that day."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.OPEN)
    today = today or timezone.localdate()
    if today < round.closes_on:
        raise DomainError(_("Applications are open until %(date)s.") % {"date": round.closes_on})
    for application in round.applications.filter(
        status__in=[ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE]
    ).select_related("organization", "catalog_item", "round"):
        reasons = application_reasons(application, today)
        wanted = ApplicationStatus.INELIGIBLE if reasons else ApplicationStatus.ELIGIBLE
        application.eligibility_reasons = reasons
        if wanted != application.status:
            move(
                application,
                to=wanted,
                transitions=APPLICATION_TRANSITIONS,
                by=by,
                round=round,
                note="\n".join(reasons),
                fields=("eligibility_reasons",),
            )
        else:
            application.version += 1
            application.save(update_fields=["eligibility_reasons", "version"])
    if not round.applications.filter(status=ApplicationStatus.ELIGIBLE).exists():
        raise DomainError(_("No eligible application was received."))
    return move(round, to=RoundStatus.REVIEW, transitions=ROUND_TRANSITIONS, by=by)


def unanswered(round: Round) -> ObjectionQuerySet:
    return round.objections.filter(answered_on__isnull=True)  # type: ignore[return-value]


@audit.service("funding.conclude_notice")
def conclude_notice(round: Round, *, by: User, today: datetime.date | None = None) -> Round:
    """After the notice has run and every objection is answered: award the selected
    applications and draft their contracts."""
    from peiyu.funding.services.contracts import draft_contract

    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.NOTICE)
    today = today or timezone.localdate()
    if round.notice_ends_on is None or today <= round.notice_ends_on:
        raise DomainError(_("The public notice runs until %(date)s.") % {"date": round.notice_ends_on})
    waiting = unanswered(round).count()
    if waiting:
        raise DomainError(_("Answer the %(count)d waiting objection(s) first.") % {"count": waiting})
    selected = list(
        round.applications.filter(status=ApplicationStatus.SELECTED).select_related("organization", "project")
    )
    for application in selected:
        move(
            application, to=ApplicationStatus.AWARDED, transitions=APPLICATION_TRANSITIONS, by=by, round=round
        )
        draft_contract(application, round=round, by=by)
        if application.project is not None and application.project.status == ProjectStatus.ACCEPTED:
            move(
                locked(application.project),
                to=ProjectStatus.FUNDED,
                transitions=PROJECT_TRANSITIONS,
                by=by,
                round=round,
                note=application.title,
            )
    return move(
        round,
        to=RoundStatus.AWARDED,
        transitions=ROUND_TRANSITIONS,
        by=by,
        note=_("%(count)d contracts drafted") % {"count": len(selected)},
    )


@audit.service("funding.close_round")
def close_round(round: Round, *, by: User) -> Round:
    """Close the round once every contract is completed or stopped."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.AWARDED)
    from peiyu.funding.models import Contract

    open_contracts = Contract.objects.filter(application__round=round).exclude(
        status__in=[ContractStatus.COMPLETED, ContractStatus.STOPPED]
    )
    if open_contracts.exists():
        raise DomainError(_("%(count)d contracts are still in delivery.") % {"count": open_contracts.count()})
    return move(round, to=RoundStatus.CLOSED, transitions=ROUND_TRANSITIONS, by=by)
