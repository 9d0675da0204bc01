"""The funding services' rules: eligibility with every reason stated, the draw (no drawn expert
ever has a conflict, property-tested; reproducible from its seed), aggregation, selection at the
budget's edge under each rule, overrides, the notice and its objections, tranche gating."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.funding.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Contract,
    Draw,
    FundingEvent,
    Round,
    TrancheStatus,
)
from peiyu.funding.services import applications, contracts, review, rounds, selection
from peiyu.funding.services.review import Candidate, Case, aggregate, plan_panels
from peiyu.funding.tests.conftest import TODAY, apply, field, registered, score_all
from peiyu.orgs.models import Organization
from peiyu.people.models import Affiliation, Expert
from peiyu.supervision.models import Grade, Listing, Sanction
from peiyu.testing import LIYANG, region

pytestmark = pytest.mark.django_db
Advance = Callable[..., Round]


# The draw as a pure function ---------------------------------------------------------------


@st.composite
def draws(draw: st.DrawFn) -> tuple[list[Case], list[Candidate], int, int, str]:
    experts = draw(st.integers(min_value=1, max_value=40))
    organizations = draw(st.integers(min_value=1, max_value=12))
    fields = draw(st.integers(min_value=1, max_value=4))
    pool = [
        Candidate(
            expert_id=i + 1,
            fields=frozenset(draw(st.sets(st.integers(1, fields), max_size=2))),
            conflicts=frozenset(draw(st.sets(st.integers(1, organizations), max_size=3))),
        )
        for i in range(experts)
    ]
    cases = [
        Case(
            application_id=i + 1,
            organization_id=draw(st.integers(1, organizations)),
            field_id=draw(st.integers(1, fields)),
        )
        for i in range(draw(st.integers(min_value=1, max_value=25)))
    ]
    size = draw(st.integers(min_value=1, max_value=6))
    limit = draw(st.integers(min_value=1, max_value=10))
    seed = draw(st.text(min_size=1, max_size=8))
    return cases, pool, size, limit, seed


@settings(max_examples=300, deadline=None)
@given(draws())
def test_no_drawn_expert_has_a_conflict(example: tuple[list[Case], list[Candidate], int, int, str]) -> None:
    cases, pool, size, limit, seed = example
    panels = plan_panels(cases, pool, size=size, seed=seed, max_per_expert=limit)
    conflicts = {c.expert_id: c.conflicts for c in pool}
    load: dict[int, int] = {}
    for case in cases:
        panel = panels[case.application_id]
        assert len(panel) == len(set(panel)) <= size
        for expert_id in panel:
            assert case.organization_id not in conflicts[expert_id]
            load[expert_id] = load.get(expert_id, 0) + 1
    assert all(count <= limit for count in load.values())
    # Short panels only when no acceptable expert was left: every one left out had a reason.
    for case in cases:
        panel = panels[case.application_id]
        if len(panel) < size:
            for candidate in pool:
                if candidate.expert_id in panel:
                    continue
                assert (
                    case.organization_id in candidate.conflicts or load.get(candidate.expert_id, 0) >= limit
                )
    # The same seed and inputs give the same panels.
    assert plan_panels(cases, pool, size=size, seed=seed, max_per_expert=limit) == panels


def test_the_field_comes_first() -> None:
    pool = [Candidate(i, frozenset({1 if i <= 5 else 2}), frozenset()) for i in range(1, 21)]
    panels = plan_panels([Case(1, 99, 1)], pool, size=5, seed="s", max_per_expert=9)
    assert sorted(panels[1]) == [1, 2, 3, 4, 5]
    panels = plan_panels([Case(1, 99, 1)], pool, size=7, seed="s", max_per_expert=9)
    assert {1, 2, 3, 4, 5} < set(panels[1])


def test_aggregation_drops_the_extremes_only_with_five_or_more() -> None:
    values = [Decimal(v) for v in (90, 80, 70, 60, 10)]
    assert aggregate(values, "trimmed") == Decimal("70.00")
    assert aggregate(values, "mean") == Decimal("62.00")
    assert aggregate(values[:4], "trimmed") == Decimal("75.00")


# Eligibility ---------------------------------------------------------------------------------


def test_eligibility_states_every_reason(
    make_round: Callable[..., Round],
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
) -> None:
    round = rounds.open_round(
        make_round(min_grade=3, legal_forms=["association"], max_request=Decimal(50_000)), by=county_officer
    )
    organization = organizations[0]  # a service institution, ungraded
    Listing.objects.create(
        organization=organization, list="abnormal", ground="late_report", status="listed", listed_on=TODAY
    )
    application = apply(round, organization, organization_account, amount=80_000)
    assert application.status == ApplicationStatus.INELIGIBLE
    reasons = "\n".join(application.eligibility_reasons)
    assert "社会团体" in reasons or "association" in reasons.lower()
    assert "3A" in reasons
    assert "50000" in reasons and "80000" in reasons
    assert len(application.eligibility_reasons) >= 4  # legal form, grade, credit list, request cap

    # The reasons go away as the facts change, and a recheck makes it eligible.
    organization.legal_form = "association"
    organization.save(update_fields=["legal_form"])
    Grade.objects.create(
        organization=organization, level=3, awarded_on=TODAY, valid_until=TODAY.replace(year=TODAY.year + 5)
    )
    Listing.objects.filter(organization=organization).update(status="removed")
    round.max_request = None
    round.save(update_fields=["max_request"])
    application = applications.recheck_application(application, by=county_officer)
    assert application.status == ApplicationStatus.ELIGIBLE, application.eligibility_reasons


def test_a_serious_violation_in_three_years_is_a_reason(
    open_round: Round, county_officer: User, organization_account: User, organizations: list[Organization]
) -> None:
    Sanction.objects.create(
        organization=organizations[0],
        kind="stop_activity",
        decided_on=TODAY - datetime.timedelta(days=400),
        reason="违规",
        recorded_by=county_officer,
    )
    application = apply(open_round, organizations[0], organization_account)
    assert application.status == ApplicationStatus.INELIGIBLE
    assert any(str(TODAY - datetime.timedelta(days=400)) in r for r in application.eligibility_reasons)


def test_budget_lines_must_add_up_and_outputs_are_required(
    open_round: Round, organization_account: User, organizations: list[Organization]
) -> None:
    application = apply(open_round, organizations[0], organization_account, submit=False)
    application = applications.update_application(application, by=organization_account, outputs=[])
    application = applications.submit_application(application, by=organization_account)
    assert application.status == ApplicationStatus.INELIGIBLE
    assert any("output" in r.lower() or "产出" in r for r in application.eligibility_reasons)


def test_another_organization_cannot_apply_for_mine(
    open_round: Round, other_org_account: User, organizations: list[Organization]
) -> None:
    with pytest.raises(PermissionRefused):
        apply(open_round, organizations[0], other_org_account)


def test_two_stage_round_takes_outlines_then_invited_proposals(
    make_round: Callable[..., Round],
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
) -> None:
    round = rounds.open_round(make_round(two_stage=True, outline_closes_on=TODAY), by=county_officer)
    application = apply(round, organizations[0], organization_account)
    assert application.status == ApplicationStatus.OUTLINE
    with pytest.raises(DomainError):
        applications.decide_outline(application, invite=False, by=county_officer)
    application = applications.decide_outline(application, invite=True, by=county_officer, note="请完善预算")
    application = applications.update_application(application, by=organization_account, summary="完整方案")
    application = applications.submit_application(application, by=organization_account)
    assert application.status == ApplicationStatus.ELIGIBLE


# The draw in the database ------------------------------------------------------------------


def test_draw_avoids_affiliations_and_replays_from_its_seed(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    application = apply(open_round, organizations[0], organization_account)
    conflicted = experts[:3]
    for person in conflicted:
        Affiliation.objects.create(expert=person, organization=organizations[0], relation="adviser")
    round = advance(open_round, "review")
    draw = review.draw_panels(round, by=county_officer, seed="abc")
    panel = set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))
    assert len(panel) == 5
    assert not panel & {e.pk for e in conflicted}
    assert draw.seed == "abc" and len(draw.pool) == 8
    assert review.verify_draw(draw)
    # Tampering with the record is caught.
    Assignment.objects.filter(application=application).first().delete()  # type: ignore[union-attr]
    assert not review.verify_draw(draw)


def test_a_pool_too_small_is_refused_with_the_titles(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    application = apply(open_round, organizations[0], organization_account)
    for person in experts[:4]:
        Affiliation.objects.create(expert=person, organization=organizations[0], relation="member")
    round = advance(open_round, "review")
    with pytest.raises(DomainError, match=application.title):
        review.draw_panels(round, by=county_officer)
    assert not Draw.objects.exists()


def test_a_declared_conflict_recuses_and_draws_a_replacement(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    application = apply(open_round, organizations[0], organization_account)
    round = advance(open_round, "review")
    review.draw_panels(round, by=county_officer, seed="s1")
    assignment = Assignment.objects.filter(application=application).select_related("expert__account").first()
    assert assignment is not None
    with pytest.raises(DomainError):
        review.declare(assignment, conflict=True, by=assignment.expert.account)  # a note is required
    review.declare(assignment, conflict=True, by=assignment.expert.account, note="曾任该机构顾问")
    active = Assignment.objects.filter(application=application).active()
    assert active.count() == 5 and assignment.expert_id not in set(active.values_list("expert_id", flat=True))
    replacement = Draw.objects.get(purpose="replacement")
    assert review.verify_draw(replacement)
    assignment.refresh_from_db()
    with pytest.raises(DomainError):
        review.submit_review(assignment, scores={}, by=assignment.expert.account)


def test_only_the_assigned_expert_scores(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    apply(open_round, organizations[0], organization_account)
    round = advance(open_round, "review")
    review.draw_panels(round, by=county_officer, seed="s")
    assignment = Assignment.objects.select_related("expert").first()
    assert assignment is not None
    stranger = next(e for e in experts if not Assignment.objects.filter(expert=e).exists())
    with pytest.raises(PermissionRefused):
        review.declare(assignment, conflict=False, by=stranger.account)  # type: ignore[arg-type]
    # The file does not open before the declaration.
    with pytest.raises(DomainError):
        review.submit_review(assignment, scores={}, by=assignment.expert.account)  # type: ignore[arg-type]


def test_scores_aggregate_into_review_defense_and_final(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    application = apply(open_round, organizations[0], organization_account)
    round = advance(open_round, "review")
    review.draw_panels(round, by=county_officer, seed="s")
    criteria = list(round.criteria.all())
    panel = list(Assignment.objects.filter(application=application).select_related("expert__account"))
    for value, assignment in zip([5, 4, 4, 3, 1], panel, strict=True):
        review.declare(assignment, conflict=False, by=assignment.expert.account)
        review.submit_review(assignment, scores={c.pk: value for c in criteria}, by=assignment.expert.account)
    application.refresh_from_db()
    # Totals 100, 80, 80, 60, 20: drop 100 and 20 → mean of 80, 80, 60.
    assert application.review_score == Decimal("73.33")
    assert application.status == ApplicationStatus.SCORED and application.final_score is None  # defense due
    review.record_defense(
        application,
        scores={a.expert_id: Decimal(v) for a, v in zip(panel, [90, 85, 80, 75, 10], strict=True)},
        by=county_officer,
    )
    application.refresh_from_db()
    assert application.defense_score == Decimal("80.00")
    # 73.33 × 60 % + 80 × 40 % = 76.00 (76.0 rounded from 75.998)
    assert application.final_score == Decimal("76.00")


# Selection at the budget's edge -------------------------------------------------------------


def _three(
    round: Round, organizations: list[Organization], by: User, amounts: list[int]
) -> list[Application]:
    return [apply(round, org, by, amount=amount) for org, amount in zip(organizations, amounts, strict=True)]


@pytest.mark.parametrize(
    ("rule", "share", "expected"),
    [
        # budget 2,600,000: 1st 1,500,000 fits; 2nd 1,300,000 does not (1,100,000 left); 3rd 900,000 fits.
        ("skip", 70, ["selected", "not_selected", "selected"]),
        ("stop", 70, ["selected", "not_selected", "not_selected"]),
        # 1,100,000 of 1,300,000 is 84 %: offered; nothing left for the 3rd.
        ("partial", 80, ["selected", "selected", "not_selected"]),
        # 84 % < 90 %: skipped like the skip rule.
        ("partial", 90, ["selected", "not_selected", "selected"]),
    ],
)
def test_selection_at_the_budget_edge(
    rule: str,
    share: int,
    expected: list[str],
    make_round: Callable[..., Round],
    county_officer: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    round = rounds.open_round(make_round(last_project_rule=rule, partial_share=share), by=county_officer)
    first, second, third = _three(round, organizations, county_officer, [1_500_000, 1_300_000, 900_000])
    advance(round, "selected", points={first.pk: 5, second.pk: 4, third.pk: 3})
    rows = [Application.objects.get(pk=a.pk) for a in (first, second, third)]
    assert [a.rank for a in rows] == [1, 2, 3]
    assert [a.status for a in rows] == expected
    awarded = sum((a.awarded or 0 for a in rows), Decimal(0))
    assert awarded <= Decimal(2_600_000)
    if rule == "partial" and share == 80:
        assert rows[1].awarded == Decimal(1_100_000)
    assert all(a.selection_note for a in rows)


def test_an_application_below_the_pass_mark_is_not_funded(
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    application = apply(open_round, organizations[0], county_officer)
    advance(open_round, "selected", points={application.pk: 1})  # 20 review, 80 defense → 44
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_SELECTED and "60" in application.selection_note


def test_an_override_needs_a_reason_and_room_in_the_budget(
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    first, second, third = _three(open_round, organizations, county_officer, [1_500_000, 1_300_000, 900_000])
    round = advance(open_round, "selected", points={first.pk: 5, second.pk: 4, third.pk: 3})
    with pytest.raises(DomainError):
        selection.override_selection(second, selected=True, reason=" ", by=county_officer)
    with pytest.raises(DomainError, match="200000"):
        selection.override_selection(second, selected=True, reason="重点民生项目", by=county_officer)
    selection.override_selection(third, selected=False, reason="申报材料弄虚作假", by=county_officer)
    with pytest.raises(DomainError, match="1100000"):
        selection.override_selection(second, selected=True, reason="重点民生项目", by=county_officer)
    selection.override_selection(
        second, selected=True, amount=Decimal(1_100_000), reason="重点民生项目", by=county_officer
    )
    second.refresh_from_db()
    assert (
        second.status == ApplicationStatus.SELECTED
        and second.overridden
        and second.override_reason == "重点民生项目"
    )
    # Running the selection again keeps the overrides.
    selection.select_projects(round, by=county_officer)
    third.refresh_from_db()
    assert third.status == ApplicationStatus.NOT_SELECTED and third.overridden


def test_a_town_officer_cannot_run_the_round(
    open_round: Round, daibu_officer: User, jintan_administrator: User
) -> None:
    with pytest.raises(PermissionRefused):
        rounds.start_review(open_round, by=daibu_officer)


# Notice and objections -----------------------------------------------------------------------


def test_objections_only_during_the_notice_and_answered_before_award(
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    application = apply(open_round, organizations[0], county_officer)
    round = advance(open_round, "selected")
    with pytest.raises(DomainError):
        selection.record_objection(round, text="评审不公", by=None)
    round = selection.start_notice(round, by=county_officer, starts_on=TODAY - datetime.timedelta(days=7))
    assert round.notice_ends_on == TODAY - datetime.timedelta(days=1)  # 7 days by default
    with pytest.raises(DomainError):  # today is after the notice
        selection.record_objection(round, text="评审不公", by=None)
    objection = selection.record_objection(
        round,
        text="该机构去年项目未完成",
        by=None,
        received_on=TODAY - datetime.timedelta(days=2),
        application=application,
        contact="13812345678",
    )
    assert objection.masked_contact != "13812345678"
    with pytest.raises(DomainError, match="1"):
        rounds.conclude_notice(round, by=county_officer)
    selection.answer_objection(
        objection, answer="经核实，该项目已按期结项。", upheld=False, by=county_officer
    )
    with pytest.raises(DomainError):
        selection.answer_objection(objection, answer="again", upheld=False, by=county_officer)
    round = rounds.conclude_notice(round, by=county_officer)
    assert Contract.objects.filter(application=application).exists()


def test_the_notice_cannot_be_concluded_early(
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    apply(open_round, organizations[0], county_officer)
    round = advance(open_round, "selected")
    round = selection.start_notice(round, by=county_officer)
    with pytest.raises(DomainError, match=str(round.notice_ends_on)):
        rounds.conclude_notice(round, by=county_officer)


# Tranches gated by evaluations ---------------------------------------------------------------


def test_tranches_are_gated_by_the_evaluations(
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    apply(open_round, organizations[0], county_officer, amount=100_001)
    advance(open_round, "awarded")
    contract = contracts.sign_contract(Contract.objects.get(), signed_on=TODAY, by=county_officer)
    first, second, last = contract.tranches.all()
    assert [t.amount for t in (first, second, last)] == [
        Decimal("50000.50"),
        Decimal("30000.30"),
        Decimal("20000.20"),
    ]
    assert (first.status, second.status, last.status) == ("due", "waiting", "waiting")
    with pytest.raises(DomainError):
        contracts.pay_tranche(second, paid_on=TODAY, voucher="V2", by=county_officer)
    contracts.pay_tranche(first, paid_on=TODAY, voucher="V1", by=county_officer)
    with pytest.raises(DomainError):  # the final evaluation waits for a passed mid-term
        contracts.record_evaluation(
            contract,
            stage="final",
            purchaser_score=Decimal(90),
            third_party_score=Decimal(90),
            third_party="评估中心",
            summary="好",
            evaluated_on=TODAY,
            by=county_officer,
            beneficiary_score_override=Decimal(90),
        )
    failed = contracts.record_evaluation(
        contract,
        stage="mid_term",
        purchaser_score=Decimal(50),
        third_party_score=Decimal(55),
        third_party="评估中心",
        summary="进度滞后",
        evaluated_on=TODAY,
        by=county_officer,
        beneficiary_score_override=Decimal(60),
    )
    # 50 × 40 % + 60 × 30 % + 55 × 30 % = 54.5 < 60
    assert failed.total == Decimal("54.50") and not failed.passed
    second.refresh_from_db()
    assert second.status == TrancheStatus.HELD
    with pytest.raises(DomainError, match=r"54\.50"):
        contracts.pay_tranche(second, paid_on=TODAY, voucher="V2", by=county_officer)
    assert FundingEvent.objects.filter(subject="contract", action="mid_term_failed").exists()


def test_progress_reports_only_by_the_contract_holder(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    other_org_account: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    apply(open_round, organizations[0], organization_account)
    advance(open_round, "awarded")
    contract = contracts.sign_contract(Contract.objects.get(), signed_on=TODAY, by=county_officer)
    with pytest.raises(PermissionRefused):
        contracts.submit_progress_report(
            contract, period="2026年第一季度", text="开展讲座3场", by=other_org_account
        )
    report = contracts.submit_progress_report(
        contract, period="2026年第一季度", text="开展讲座3场", by=organization_account, activities=3
    )
    assert report.contract == contract


def test_assignments_are_recorded_as_engagements(
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    apply(open_round, organizations[0], county_officer)
    round = advance(open_round, "review")
    review.draw_panels(round, by=county_officer, seed="e")
    score_all(round)
    scored = Assignment.objects.filter(status=AssignmentStatus.SCORED).count()
    assert scored == 5
    from peiyu.people.models import Engagement

    assert Engagement.objects.filter(kind="review", reference__startswith="funding-application-").count() == 5
    assert registered  # the factory is shared with the other funding tests
    assert region(LIYANG).name == "溧阳市"


def test_the_draw_moves_every_application_with_its_event_and_audit_entry(
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    from peiyu.core.models import AuditEntry

    drawn = [apply(open_round, org, county_officer) for org in organizations]
    round = advance(open_round, "review")
    review.draw_panels(round, by=county_officer, seed="bulk")
    for application in drawn:
        application.refresh_from_db()
        assert application.status == ApplicationStatus.REVIEWING and application.version > 1
        assert (
            FundingEvent.objects.filter(
                subject="application", subject_id=application.pk, action="reviewing"
            ).count()
            == 1
        )
        entry = AuditEntry.objects.get(
            object_pk=str(application.pk),
            event="funding.draw_panels",
            content_type__model="application",
            content_type__app_label="funding",
        )
        assert entry.actor == county_officer and entry.changes["status"] == ["eligible", "reviewing"]


def test_a_recusal_without_replacement_completes_the_panel_and_later_draws_still_replay(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Advance,
) -> None:
    first = apply(open_round, organizations[0], organization_account)
    round = advance(open_round, "review")
    Round.objects.filter(pk=round.pk).update(defense_weight=0, experts_per_application=8)
    round.refresh_from_db()
    review.draw_panels(round, by=county_officer, seed="all")
    panel = list(Assignment.objects.filter(application=first).select_related("expert__account"))
    assert len(panel) == 8  # the whole pool: nobody is left to replace a recused expert
    for assignment in panel[1:]:
        review.declare(assignment, conflict=False, by=assignment.expert.account)
        review.submit_review(
            assignment, scores={c.pk: 3 for c in round.criteria.all()}, by=assignment.expert.account
        )
    first.refresh_from_db()
    assert first.status == ApplicationStatus.REVIEWING
    review.declare(panel[0], conflict=True, note="其配偶在该机构任职", by=panel[0].expert.account)
    first.refresh_from_db()
    assert first.status == ApplicationStatus.SCORED and first.review_score == Decimal("60.00")
    assert FundingEvent.objects.filter(
        subject="application", subject_id=first.pk, action="no_replacement"
    ).exists()
    # A later draw (a recheck made another application eligible) replays although experts were recused since.
    Round.objects.filter(pk=round.pk).update(experts_per_application=5)
    second = Application.objects.create(
        round=round,
        organization=organizations[1],
        title="补充申报",
        field=first.field,
        area=first.area,
        summary="s",
        status=ApplicationStatus.ELIGIBLE,
        created_by=county_officer,
    )
    draw = review.draw_panels(round, by=county_officer, seed="later")
    assert Assignment.objects.filter(application=second).count() == 5
    assert review.verify_draw(draw) and review.verify_draw(Draw.objects.get(seed="all"))


def test_an_application_links_only_library_projects_it_may_use(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    other_org_account: User,
    organizations: list[Organization],
) -> None:
    from peiyu.funding.models import Project

    theirs = Project.objects.create(
        region=organizations[1].region,
        title="他人项目",
        field=field(),
        summary="s",
        origin="bottom_up",
        organization=organizations[1],
        budget=Decimal(1000),
        status="accepted",
    )
    application = apply(open_round, organizations[0], organization_account, submit=False)
    with pytest.raises(DomainError):
        applications.update_application(application, by=organization_account, project=theirs)
    proposed = Project.objects.create(
        region=organizations[0].region,
        title="我的设想",
        field=field(),
        summary="s",
        origin="bottom_up",
        organization=organizations[0],
        budget=Decimal(1000),
        status="proposed",
    )
    with pytest.raises(DomainError):
        applications.update_application(application, by=organization_account, project=proposed)
    Project.objects.filter(pk=proposed.pk).update(status="accepted")
    proposed.refresh_from_db()
    application = applications.update_application(application, by=organization_account, project=proposed)
    assert application.project == proposed
