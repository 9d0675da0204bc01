"""Expert review: panels drawn at random from the pool by field with conflicts avoided, the
experts' declarations, their scores on the rubric, the defense, and the aggregation.

The draw is a pure function of its seed and its inputs (``plan_panels``); a ``Draw`` keeps the
seed and the candidate pool as it stood (each expert's fields and conflicting organizations), so
``verify_draw`` can run it again and show the same panels."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import ConflictError, DomainError, PermissionRefused
from peiyu.core.options import ancestors, value_of
from peiyu.core.scoping import in_subtree
from peiyu.funding import options
from peiyu.funding.models import (
    APPLICATION_TRANSITIONS,
    ASSIGNMENT_TRANSITIONS,
    SCALE,
    Aggregation,
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Draw,
    DrawPurpose,
    FundingEvent,
    ReviewScore,
    Round,
    RoundStatus,
)
from peiyu.funding.services.common import event, locked, move, require, require_region
from peiyu.funding.services.rounds import MANAGE, current
from peiyu.lib.divisions import prefix_of
from peiyu.people.models import Affiliation, Engagement, EngagementKind, Expert

CENT = Decimal("0.01")
CHUNK = 900  # rows per statement of the bulk moves (SQLite allows 999 parameters)


# The draw -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    expert_id: int
    fields: frozenset[int]
    conflicts: frozenset[int]  # organizations the expert may not review


@dataclass(frozen=True)
class Case:
    application_id: int
    organization_id: int
    field_id: int


def pool_for(round: Round) -> list[Candidate]:
    """The experts a round may draw: available, with an account to score with, from the
    round's region and the regions above it; each with its fields and current affiliations."""
    code = round.region_id
    experts = (
        Expert.objects.available()
        .filter(account__isnull=False, account__is_active=True)
        .filter(in_subtree(prefix_of(code)) | Q(region_id__in=ancestors(code)[1:]))
    )
    ids = list(experts.order_by("pk").values_list("pk", flat=True))
    fields: dict[int, set[int]] = defaultdict(set)
    through = Expert.fields.through
    for expert_id, field_id in through.objects.filter(expert__in=experts).values_list(
        "expert_id", "field_id"
    ):
        fields[expert_id].add(field_id)
    conflicts: dict[int, set[int]] = defaultdict(set)
    for expert_id, organization_id in (
        Affiliation.objects.current().filter(expert__in=experts).values_list("expert_id", "organization_id")
    ):
        conflicts[expert_id].add(organization_id)
    return [Candidate(pk, frozenset(fields[pk]), frozenset(conflicts[pk])) for pk in ids]


def _pick(rng: random.Random, candidates: Sequence[int], k: int, reject: Callable[[int], bool]) -> list[int]:
    """Up to ``k`` candidates at random, skipping rejected ones: random probes first (cheap when
    most are acceptable), then a shuffled walk through whatever was not probed."""
    chosen: list[int] = []
    seen: set[int] = set()
    probes = 0
    while len(chosen) < k and len(seen) < len(candidates) and probes < 8 * k + 32:
        probes += 1
        index = rng.randrange(len(candidates))
        if index in seen:
            continue
        seen.add(index)
        if not reject(candidates[index]):
            chosen.append(candidates[index])
    if len(chosen) < k:
        rest = [c for i, c in enumerate(candidates) if i not in seen]
        rng.shuffle(rest)
        for candidate in rest:
            if len(chosen) == k:
                break
            if not reject(candidate):
                chosen.append(candidate)
    return chosen


def plan_panels(
    cases: Sequence[Case],
    pool: Sequence[Candidate],
    *,
    size: int,
    seed: str,
    max_per_expert: int,
    load: Mapping[int, int] | None = None,
    exclude: Mapping[int, Iterable[int]] | None = None,
) -> dict[int, list[int]]:
    """Panels for ``cases`` in application order: experts of the application's field first,
    then of any field; never one with a conflict, never one twice on a panel, and never one
    past ``max_per_expert`` applications (counting ``load`` already carried)."""
    # A seeded generator on purpose: the draw must replay from its kept seed. The seed itself
    # comes from ``secrets``, so nobody can predict a panel before the draw.
    rng = random.Random(seed)  # noqa: S311
    by_id = {c.expert_id: c for c in pool}
    everyone = sorted(by_id)
    by_field: dict[int, list[int]] = defaultdict(list)
    for candidate in pool:
        for field_id in candidate.fields:
            by_field[field_id].append(candidate.expert_id)
    for members in by_field.values():
        members.sort()
    carried = defaultdict(int, load or {})
    panels: dict[int, list[int]] = {}
    for case in sorted(cases, key=lambda c: c.application_id):
        taken: set[int] = set((exclude or {}).get(case.application_id, ()))

        def reject(expert_id: int, case: Case = case, taken: set[int] = taken) -> bool:
            return (
                expert_id in taken
                or case.organization_id in by_id[expert_id].conflicts
                or carried[expert_id] >= max_per_expert
            )

        panel = _pick(rng, by_field.get(case.field_id, []), size, reject)
        taken.update(panel)
        if len(panel) < size:
            panel += _pick(rng, everyone, size - len(panel), reject)
        for expert_id in panel:
            carried[expert_id] += 1
        panels[case.application_id] = panel
    return panels


def _snapshot(pool: Sequence[Candidate], load: dict[int, int]) -> list[list[Any]]:
    """The pool as the draw saw it: each expert's fields, conflicts and load already carried."""
    return [[c.expert_id, sorted(c.fields), sorted(c.conflicts), load.get(c.expert_id, 0)] for c in pool]


def _restore(rows: Sequence[Sequence[Any]]) -> tuple[list[Candidate], dict[int, int]]:
    pool = [Candidate(int(r[0]), frozenset(r[1]), frozenset(r[2])) for r in rows]
    return pool, {int(r[0]): int(r[3]) for r in rows if len(r) > 3 and r[3]}


def _load(round: Round) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for expert_id in (
        Assignment.objects.filter(application__round=round).active().values_list("expert_id", flat=True)
    ):
        counts[expert_id] += 1
    return counts


@audit.service("funding.draw_panels")
def draw_panels(round: Round, *, by: User, seed: str | None = None) -> Draw:
    """Draw a panel for every eligible application of the round that has none. The seed is
    random unless given, and kept with the pool; the draw is written to the audit trail."""
    require(by, MANAGE)
    require_region(by, round.region_id)
    round = current(round, RoundStatus.REVIEW)
    applications = list(round.applications.filter(status=ApplicationStatus.ELIGIBLE).order_by("pk"))
    if not applications:
        raise DomainError(_("Every eligible application already has its panel."))
    seed = (seed or secrets.token_hex(8)).strip()
    pool = pool_for(round)
    size = round.experts_per_application
    limit = int(value_of(options.MAX_PER_EXPERT.key, round.region_id))
    cases = [Case(a.pk, a.organization_id, a.field_id) for a in applications]
    load = _load(round)
    panels = plan_panels(cases, pool, size=size, seed=seed, max_per_expert=limit, load=load)
    short = [a.title for a in applications if len(panels[a.pk]) < size]
    if short:
        raise DomainError(
            _(
                "The pool cannot seat %(size)d experts without a conflict for: %(titles)s. Enlarge the pool or the limit per expert."
            )
            % {"size": size, "titles": "、".join(short[:10])}
        )
    draw = Draw.objects.create(
        round=round, seed=seed, pool=_snapshot(pool, load), panel_size=size, max_per_expert=limit, drawn_by=by
    )
    Assignment.objects.bulk_create(
        [
            Assignment(application_id=app_id, expert_id=expert_id, draw=draw)
            for app_id, panel in panels.items()
            for expert_id in panel
        ]
    )
    _start_reviews(applications, by=by, round=round)
    event(
        subject=draw,
        action="drawn",
        by=by,
        round=round,
        note=_("seed %(seed)s, %(apps)d applications, pool of %(pool)d")
        % {"seed": seed, "apps": len(applications), "pool": len(pool)},
    )
    return draw


def _start_reviews(applications: Sequence[Application], *, by: User, round: Round) -> None:
    """Move the drawn applications to "being reviewed" with one UPDATE per chunk, and write
    their event rows and audit entries in bulk, as ``move`` would one at a time (a draw of a
    thousand applications was 4,000 statements that way)."""
    ids = [a.pk for a in applications]
    moved = 0
    for start in range(0, len(ids), CHUNK):
        moved += Application.objects.filter(
            pk__in=ids[start : start + CHUNK], status=ApplicationStatus.ELIGIBLE
        ).update(status=ApplicationStatus.REVIEWING, version=F("version") + 1)
    if moved != len(ids):
        raise ConflictError(_("Someone else changed these applications meanwhile. Reload and try again."))
    FundingEvent.objects.bulk_create(
        [
            FundingEvent(
                round=round,
                subject="application",
                subject_id=a.pk,
                action=ApplicationStatus.REVIEWING,
                from_status=ApplicationStatus.ELIGIBLE,
                to_status=ApplicationStatus.REVIEWING,
                actor=by,
            )
            for a in applications
        ],
        batch_size=CHUNK,
    )
    changes = {"status": [ApplicationStatus.ELIGIBLE.value, ApplicationStatus.REVIEWING.value]}
    audit.record_updates(
        Application,
        [(a.pk, str(a), changes) for a in applications],
        actor=by,
        default_event="funding.draw_panels",
    )


def verify_draw(draw: Draw) -> bool:
    """Draw again from the kept seed and pool: are the panels the same as those recorded?"""
    recorded: dict[int, list[int]] = defaultdict(list)
    cases: dict[int, Case] = {}
    rows = Assignment.objects.filter(draw=draw).select_related("application").order_by("pk")
    for assignment in rows:
        recorded[assignment.application_id].append(assignment.expert_id)
        app = assignment.application
        cases[app.pk] = Case(app.pk, app.organization_id, app.field_id)
    if draw.purpose == DrawPurpose.REPLACEMENT:
        return all(_replacement_for(draw, case) == recorded[case.application_id] for case in cases.values())
    pool, load = _restore(draw.pool)
    again = plan_panels(
        list(cases.values()),
        pool,
        size=draw.panel_size,
        seed=draw.seed,
        max_per_expert=draw.max_per_expert,
        load=load,
    )
    return all(sorted(again[pk]) == sorted(recorded[pk]) for pk in cases)


def _replacement_for(draw: Draw, case: Case) -> list[int]:
    excluded = set(
        Assignment.objects.filter(application_id=case.application_id, draw__lt=draw).values_list(
            "expert_id", flat=True
        )
    )
    panels = plan_panels(
        [case],
        _restore(draw.pool)[0],
        size=1,
        seed=draw.seed,
        max_per_expert=10**9,
        exclude={case.application_id: excluded},
    )
    return panels[case.application_id]


# Declarations and scores ---------------------------------------------------------------------


def _open_file(assignment: Assignment, by: User) -> tuple[Round, Application, Assignment]:
    """The expert's own assignment with its round and application, locked in the order every
    review service takes them (round, application, assignment), so none can deadlock."""
    if assignment.expert.account_id != by.pk:
        raise PermissionRefused(_("This review is not assigned to you."))
    round = current(assignment.application.round, RoundStatus.REVIEW)
    return round, locked(assignment.application), locked(assignment)


@audit.service("funding.declare_conflict")
def declare(assignment: Assignment, *, conflict: bool, by: User, note: str = "") -> Assignment:
    """The expert declares, before the file opens, that they have no conflict with the
    applicant (the file opens) or that they have one (they are recused and a replacement is
    drawn from the same pool)."""
    require(by, "funding.add_reviewscore")
    round, application, assignment = _open_file(assignment, by)
    if conflict and not note.strip():
        raise DomainError(_("Say what the conflict is."))
    assignment.declared_at = timezone.now()
    assignment.conflict_note = note.strip()
    to = AssignmentStatus.RECUSED if conflict else AssignmentStatus.OPEN
    move(
        assignment,
        to=to,
        transitions=ASSIGNMENT_TRANSITIONS,
        by=by,
        round=round,
        note=note.strip(),
        fields=("declared_at", "conflict_note"),
    )
    if conflict:
        _replace(assignment, application=application, round=round, by=by)
        # The rest of the panel may have scored already; without a replacement it is complete.
        tally(application, by=by)
    return assignment


def _replace(assignment: Assignment, *, application: Application, round: Round, by: User) -> None:
    previous = Draw.objects.filter(round=round).count()
    base = assignment.draw
    draw = Draw.objects.create(
        round=round,
        purpose=DrawPurpose.REPLACEMENT,
        seed=f"{base.seed}-r{previous}",
        pool=base.pool,
        panel_size=1,
        drawn_by=by,
        note=_("replaces %(name)s on “%(title)s”")
        % {"name": assignment.expert.name, "title": application.title},
    )
    panel = _replacement_for(draw, Case(application.pk, application.organization_id, application.field_id))
    if not panel:
        draw.delete()
        event(
            subject=application,
            action="no_replacement",
            by=by,
            round=round,
            note=_("No expert left in the pool to replace %(name)s.") % {"name": assignment.expert.name},
        )
        return
    Assignment.objects.create(application=application, expert_id=panel[0], draw=draw)
    event(subject=draw, action="drawn", by=by, round=round, note=draw.note)


@audit.service("funding.submit_review")
def submit_review(
    assignment: Assignment, *, scores: Mapping[int, int], by: User, comment: str = ""
) -> Assignment:
    """Score every rubric line from 0 to 5, replacing earlier scores; the total is the
    weighted sum out of 100. Once the whole panel has scored, the application is scored."""
    require(by, "funding.add_reviewscore")
    round, application, assignment = _open_file(assignment, by)
    if assignment.status not in {AssignmentStatus.OPEN, AssignmentStatus.SCORED}:
        raise DomainError(_("Declare that you have no conflict before the file opens."))
    criteria = list(round.criteria.all())
    rows = []
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or not 0 <= int(value) <= SCALE:
            raise DomainError(
                _("Give “%(name)s” a score from 0 to %(scale)d.") % {"name": criterion.name, "scale": SCALE}
            )
        rows.append(ReviewScore(assignment=assignment, criterion=criterion, score=int(value)))
    total = sum(
        (Decimal(c.weight) * r.score / SCALE for c, r in zip(criteria, rows, strict=True)), Decimal(0)
    )
    ReviewScore.objects.filter(assignment=assignment).delete()
    ReviewScore.objects.bulk_create(rows)
    assignment.total = total.quantize(CENT, ROUND_HALF_UP)
    assignment.comment = comment.strip()
    assignment.scored_at = timezone.now()
    move(
        assignment,
        to=AssignmentStatus.SCORED,
        transitions=ASSIGNMENT_TRANSITIONS,
        by=by,
        round=round,
        note=str(assignment.total),
        fields=("total", "comment", "scored_at"),
    )
    Engagement.objects.get_or_create(
        expert=assignment.expert,
        kind=EngagementKind.REVIEW,
        reference=f"funding-application-{application.pk}",
        defaults={"title": f"{round.title}：{application.title}"[:200], "held_on": timezone.localdate()},
    )
    tally(application, by=by)
    return assignment


@audit.service("funding.record_defense")
def record_defense(application: Application, *, scores: Mapping[int, Decimal], by: User) -> Application:
    """Record the defense (现场答辩) scores, 0 to 100, of the panel's experts (by expert id), as
    written on their sheets at the defense."""
    require(by, MANAGE)
    require_region(by, application.round.region_id)
    round = current(application.round, RoundStatus.REVIEW)
    if not round.defense_weight:
        raise DomainError(_("This round has no defense."))
    application = locked(application)
    panel = {a.expert_id: a for a in application.assignments.active().select_related("expert")}
    if set(scores) != set(panel):
        raise DomainError(_("Enter a defense score for every expert of the panel."))
    for expert_id, value in scores.items():
        if not 0 <= value <= 100:
            raise DomainError(_("Defense scores run from 0 to 100."))
        assignment = panel[expert_id]
        assignment.defense_score = Decimal(value).quantize(CENT, ROUND_HALF_UP)
        assignment.save(update_fields=["defense_score"])
        Engagement.objects.get_or_create(
            expert=assignment.expert,
            kind=EngagementKind.DEFENSE,
            reference=f"funding-defense-{application.pk}",
            defaults={"title": f"{round.title}：{application.title}"[:200], "held_on": timezone.localdate()},
        )
    event(
        subject=application,
        action="defense",
        by=by,
        round=round,
        note="、".join(f"{panel[k].expert.name} {v}" for k, v in scores.items()),
    )
    return tally(application, by=by)


def aggregate(values: Sequence[Decimal], method: str) -> Decimal:
    """The mean, or with ``trimmed`` and five values or more, the mean after dropping the
    highest and the lowest."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    if method == Aggregation.TRIMMED and len(ordered) >= 5:
        ordered = ordered[1:-1]
    return (sum(ordered, Decimal(0)) / len(ordered)).quantize(CENT, ROUND_HALF_UP)


def tally(application: Application, *, by: User | None) -> Application:
    """Bring the application's scores in line with its panel: the review score once every
    active expert has scored; the final score once the defense (if any) is recorded too."""
    round = application.round
    panel = list(application.assignments.active())
    totals = [a.total for a in panel if a.status == AssignmentStatus.SCORED and a.total is not None]
    complete = bool(panel) and len(totals) == len(panel)
    if not complete:
        return application
    application.review_score = aggregate(totals, round.aggregation)
    defense = [a.defense_score for a in panel if a.defense_score is not None]
    if round.defense_weight == 0:
        application.defense_score = None
        application.final_score = application.review_score
    elif len(defense) == len(panel):
        application.defense_score = aggregate(defense, round.aggregation)
        weight = Decimal(round.defense_weight)
        final = (application.review_score * (100 - weight) + application.defense_score * weight) / 100
        application.final_score = final.quantize(CENT, ROUND_HALF_UP)
    else:
        application.final_score = None
    fields = ("review_score", "defense_score", "final_score")
    if application.status == ApplicationStatus.REVIEWING:
        return move(
            application,
            to=ApplicationStatus.SCORED,
            transitions=APPLICATION_TRANSITIONS,
            by=by,
            round=round,
            note=str(application.review_score),
            fields=fields,
        )
    application.version += 1
    application.save(update_fields=[*fields, "version"])
    return application
