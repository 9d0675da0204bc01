"""Grade evaluation (民政部令第39号): eligibility with its reasons, scoring by evaluators, the
public notice with objections, the grades awarded and how they end, through the pages as each
persona sees them."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.services import set_option
from peiyu.lib import docx, uscc
from peiyu.orgs.models import Document, Organization
from peiyu.people.models import Affiliation, Engagement, Expert
from peiyu.people.services.workforce import save_expert
from peiyu.supervision.models import (
    AnnualReport,
    Campaign,
    CreditList,
    EntryStatus,
    Grade,
    GradeEntry,
    GradeRound,
    GradeStatus,
    Indicator,
    IndicatorSet,
    Listing,
    ListingGround,
    ListingStatus,
    Objection,
    RoundStatus,
    Sanction,
    SupervisionEvent,
)
from peiyu.supervision.services import grades as services
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, DAIBU, LIYANG, TIANMUHU, first_village, make_user, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
YEAR = 2025  # the round's year: last year's inspection (2024) and its deadline lie in the past
TODAY = timezone.localdate()
_numbers: Iterator[int] = iter(range(1, 999_999))


# Fixtures and helpers ----------------------------------------------------------------------


def registered(
    name: str,
    *,
    on: datetime.date = datetime.date(2020, 3, 1),
    legal_form: str = "association",
    town: str = DAIBU,
    account: User | None = None,
) -> Organization:
    """A registered organization of 溧阳市 (the county is its registration authority)."""
    organization = Organization.objects.create(
        name=name,
        source="registered",
        legal_form=legal_form,
        uscc=uscc.make(department_type="51", division=LIYANG, body8=f"MJ{next(_numbers):06d}"),
        region=first_village(town),
        authority_id=LIYANG.ljust(12, "0"),
        registered_on=on,
        leader_name="李四",
    )
    if account is not None:
        organization.accounts.add(account)
    return organization


def campaign(year: int, *, authority: str = LIYANG) -> Campaign:
    """A closed inspection campaign whose deadline has passed."""
    return Campaign.objects.create(
        year=year,
        authority_id=authority.ljust(12, "0"),
        guidance_deadline=datetime.date(year + 1, 3, 31),
        authority_deadline=datetime.date(year + 1, 5, 31),
        status="closed",
    )


def decided(organization: Organization, year: int, conclusion: str) -> AnnualReport:
    found = Campaign.objects.filter(year=year, authority_id=organization.authority_id).first()
    return AnnualReport.objects.create(
        campaign=found or campaign(year),
        organization=organization,
        status="decided",
        conclusion=conclusion,
    )


def reasons(organization: Organization, year: int = YEAR) -> list[str]:
    with translation.override("en"):
        return services.eligibility_reasons(organization, year=year)


def new_expert(by: User, name: str, account: User | None = None) -> Expert:
    values = {"name": name, "region": region(LIYANG), "phone": "13812345678", "account": account}
    return save_expert(instance=None, values=values, fields=[], by=by)


def expert_account(username: str) -> User:
    return make_user(username, "expert", None)


def scores_for(entry: GradeEntry, total: Decimal) -> dict[int, Decimal]:
    """Points per second-level indicator adding up to ``total`` (the last one takes the rest)."""
    assert entry.indicator_set is not None
    indicators = services.scored_indicators(entry.indicator_set)
    remaining = total
    points: dict[int, Decimal] = {}
    for indicator in reversed(indicators):
        value = min(Decimal(indicator.points), remaining)
        points[indicator.pk] = value
        remaining -= value
    assert remaining == 0
    return points


def score_form(entry: GradeEntry, total: Decimal) -> dict[str, str]:
    return {f"i{pk}": str(value) for pk, value in scores_for(entry, total).items()}


@pytest.fixture
def county_round(county_officer: User) -> GradeRound:
    return services.create_round(
        year=YEAR, region=region(LIYANG), title="2025年度社会组织等级评估", by=county_officer
    )


@pytest.fixture
def evaluator(county_officer: User, expert: User) -> Expert:
    return new_expert(county_officer, "周评估", expert)


@pytest.fixture
def second_evaluator(county_officer: User) -> Expert:
    return new_expert(county_officer, "吴评估", expert_account("expert2"))


def scoring_entry(
    round_: GradeRound, by: User, experts: list[Expert], name: str = "溧阳市老年协会", **extra: Any
) -> GradeEntry:
    entry = services.add_entry(round_, organization=registered(name, **extra), by=by)
    assert entry.status == EntryStatus.APPLIED, entry.refusal_reasons
    services.assign_evaluators(entry, experts=experts, by=by)
    return entry


def score(entry: GradeEntry, expert: Expert, total: Decimal) -> GradeEntry:
    assert expert.account is not None
    return services.submit_scores(entry, evaluator=expert, points=scores_for(entry, total), by=expert.account)


def in_notice(
    round_: GradeRound, by: User, starts: datetime.date = TODAY - datetime.timedelta(days=20)
) -> GradeRound:
    return services.start_notice(round_, starts_on=starts, by=by)


# Eligibility (Art. 6 and 7) ----------------------------------------------------------------


def test_two_full_years_of_registration_at_the_boundary(regions: None) -> None:
    assert reasons(registered("满两年协会", on=datetime.date(2023, 1, 1))) == []
    late = reasons(registered("差一天协会", on=datetime.date(2023, 1, 2)))
    assert len(late) == 1
    assert "two full years" in late[0] and "2023-01-01" in late[0]


def test_an_unrecorded_registration_date_is_a_reason(regions: None) -> None:
    organization = registered("无日期协会")
    Organization.objects.filter(pk=organization.pk).update(registered_on=None)
    organization.refresh_from_db()
    assert "not recorded" in reasons(organization)[0]


def test_missed_last_years_inspection_is_a_reason_but_an_older_miss_is_not(regions: None) -> None:
    missed_last = registered("去年未年检协会")
    campaign(YEAR - 2)
    campaign(YEAR - 1)
    decided(missed_last, YEAR - 2, "pass")
    assert reasons(missed_last) == ["It did not take part in the 2024 annual inspection (Art. 7)."]
    missed_before = registered("前年未年检协会")
    decided(missed_before, YEAR - 1, "pass")
    assert reasons(missed_before) == []


def test_failed_last_year_is_a_reason(regions: None) -> None:
    organization = registered("年检不合格协会")
    decided(organization, YEAR - 1, "fail")
    assert reasons(organization) == ["It failed the 2024 annual inspection (Art. 7)."]


def test_basic_pass_two_years_running_versus_not_consecutive(regions: None) -> None:
    running = registered("连续基本合格协会")
    decided(running, YEAR - 2, "basic_pass")
    decided(running, YEAR - 1, "basic_pass")
    assert reasons(running) == [
        "Basic pass in the 2023 and 2024 annual inspections, two years running (Art. 7)."
    ]
    apart = registered("间隔基本合格协会")
    decided(apart, YEAR - 3, "basic_pass")
    decided(apart, YEAR - 2, "pass")
    decided(apart, YEAR - 1, "basic_pass")
    assert reasons(apart) == []


def test_a_penalty_last_year_is_a_reason_one_the_year_before_is_not(regions: None) -> None:
    organization = registered("受处罚协会")
    Sanction.objects.create(
        organization=organization, kind="warning", decided_on=datetime.date(YEAR - 2, 12, 31)
    )
    Sanction.objects.create(
        organization=organization, kind="court_defaulter", decided_on=datetime.date(YEAR - 1, 6, 1)
    )
    assert reasons(organization) == []
    Sanction.objects.create(organization=organization, kind="fine", decided_on=datetime.date(YEAR - 1, 1, 1))
    assert reasons(organization) == ["Administrative penalty last year: Fine on 2024-01-01 (Art. 7)."]


def test_a_credit_listing_is_a_reason(regions: None) -> None:
    organization = registered("异常名录协会")
    Listing.objects.create(
        organization=organization,
        list=CreditList.values[0],
        ground=ListingGround.values[0],
        status=ListingStatus.LISTED,
        listed_on=datetime.date(YEAR, 2, 1),
    )
    found = reasons(organization)
    assert len(found) == 1 and "2025-02-01" in found[0]


def test_a_valid_grade_blocks_until_its_validity_ends(regions: None) -> None:
    holder = registered("持证协会")
    Grade.objects.create(
        organization=holder,
        level=4,
        awarded_on=datetime.date(2021, 1, 1),
        valid_until=datetime.date(2026, 1, 1),
    )
    assert "valid until 2026-01-01" in reasons(holder)[0]
    ending = registered("到期协会")
    Grade.objects.create(
        organization=ending,
        level=4,
        awarded_on=datetime.date(2020, 12, 31),
        valid_until=datetime.date(2025, 12, 31),
    )
    assert reasons(ending) == []  # Art. 6 (二): evaluated again in the year its validity ends


def test_every_reason_is_stated_and_shown(
    county_officer: User, county_round: GradeRound, login: Login
) -> None:
    organization = registered("多重原因协会", on=datetime.date(2024, 5, 1))
    decided(organization, YEAR - 1, "fail")
    client = login(county_officer)
    client.post(f"/supervision/grades/{county_round.pk}/", {"action": "add", "organization": organization.pk})
    entry = GradeEntry.objects.get(round=county_round, organization=organization)
    assert entry.status == EntryStatus.REFUSED
    assert len(entry.refusal_reasons) == 2
    html = client.get(f"/supervision/grades/entries/{entry.pk}/").content.decode()
    assert 'data-testid="reasons"' in html
    assert all(reason in html for reason in entry.refusal_reasons)
    assert SupervisionEvent.objects.filter(
        subject="gradeentry", subject_id=entry.pk, to_status="refused"
    ).exists()


def test_a_refused_entry_is_eligible_after_the_record_is_corrected(
    county_officer: User, county_round: GradeRound, login: Login
) -> None:
    organization = registered("更正日期协会", on=datetime.date(2024, 5, 1))
    entry = services.add_entry(county_round, organization=organization, by=county_officer)
    assert entry.status == EntryStatus.REFUSED
    Organization.objects.filter(pk=organization.pk).update(registered_on=datetime.date(2022, 5, 1))
    login(county_officer).post(f"/supervision/grades/entries/{entry.pk}/", {"action": "recheck"})
    entry.refresh_from_db()
    assert (entry.status, entry.refusal_reasons) == (EntryStatus.APPLIED, [])


def test_the_indicator_set_follows_the_legal_form(county_officer: User, county_round: GradeRound) -> None:
    institution = services.add_entry(
        county_round, organization=registered("民非机构", legal_form="service_institution"), by=county_officer
    )
    association = services.add_entry(county_round, organization=registered("某协会"), by=county_officer)
    assert institution.indicator_set is not None and association.indicator_set is not None
    assert "service_institution" in institution.indicator_set.legal_forms
    assert "association" in association.indicator_set.legal_forms
    assert institution.indicator_set != association.indicator_set


def test_only_registered_organizations_of_the_round_can_be_entered(
    county_officer: User, county_round: GradeRound, login: Login
) -> None:
    filed = Organization.objects.create(
        name="社区议事会",
        source="filed",
        filing_number="F-1",
        region=first_village(DAIBU),
        authority_id=DAIBU.ljust(12, "0"),
    )
    response = login(county_officer).post(
        f"/supervision/grades/{county_round.pk}/", {"action": "add", "organization": filed.pk}
    )
    assert response.status_code == 200
    assert not GradeEntry.objects.exists()
    twice = registered("重复协会")
    services.add_entry(county_round, organization=twice, by=county_officer)
    with pytest.raises(DomainError):
        services.add_entry(county_round, organization=twice, by=county_officer)


# Evaluators and scoring -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "level"),
    [
        ("1000", 5),
        ("900", 5),
        ("899.99", 4),
        ("800", 4),
        ("799.99", 3),
        ("700", 3),
        ("600", 2),
        ("599.99", 1),
        ("0", 1),
    ],
)
def test_levels_at_the_thresholds(total: str, level: int) -> None:
    assert services.level_for(Decimal(total), [900, 800, 700, 600]) == level


def test_an_expert_scores_through_the_page_and_899_99_is_4a(
    county_officer: User, county_round: GradeRound, evaluator: Expert, expert: User, login: Login
) -> None:
    entry = scoring_entry(county_round, county_officer, [evaluator])
    services.start_scoring(county_round, by=county_officer)
    client = login(expert)
    assert client.get(f"/supervision/grades/entries/{entry.pk}/score/").status_code == 200
    response = client.post(
        f"/supervision/grades/entries/{entry.pk}/score/", score_form(entry, Decimal("899.99"))
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.total, entry.proposed_level) == (EntryStatus.SCORED, Decimal("899.99"), 4)
    assert Engagement.objects.filter(expert=evaluator, reference=f"grade-entry-{entry.pk}").count() == 1
    response = client.post(
        f"/supervision/grades/entries/{entry.pk}/score/", score_form(entry, Decimal("900"))
    )
    entry.refresh_from_db()
    assert (entry.total, entry.proposed_level) == (Decimal("900.00"), 5)
    assert Engagement.objects.filter(expert=evaluator).count() == 1


def test_points_outside_an_indicators_range_are_refused(
    county_officer: User, county_round: GradeRound, evaluator: Expert, expert: User, login: Login
) -> None:
    entry = scoring_entry(county_round, county_officer, [evaluator])
    services.start_scoring(county_round, by=county_officer)
    data = score_form(entry, Decimal("500"))
    first = next(iter(data))
    indicator = Indicator.objects.get(pk=int(first[1:]))
    data[first] = str(indicator.points + 1)
    response = login(expert).post(f"/supervision/grades/entries/{entry.pk}/score/", data)
    assert response.status_code == 200 and response.context["form"].errors
    data[first] = "-1"
    assert login(expert).post(f"/supervision/grades/entries/{entry.pk}/score/", data).context["form"].errors
    assert not entry.scores.exists()


def test_the_total_is_the_mean_of_the_evaluators_sums(
    county_officer: User, county_round: GradeRound, evaluator: Expert, second_evaluator: Expert
) -> None:
    entry = scoring_entry(county_round, county_officer, [evaluator, second_evaluator])
    services.start_scoring(county_round, by=county_officer)
    entry = score(entry, evaluator, Decimal("800"))
    assert (entry.status, entry.total) == (EntryStatus.SCORING, None)  # one evaluator still to score
    entry = score(entry, second_evaluator, Decimal("901"))
    assert (entry.status, entry.total, entry.proposed_level) == (EntryStatus.SCORED, Decimal("850.50"), 4)


def test_changed_thresholds_of_the_region_apply(
    county_officer: User, administrator: User, county_round: GradeRound, evaluator: Expert
) -> None:
    set_option(
        key="supervision.grade_thresholds", region=region(LIYANG), text="950,850,750,650", by=administrator
    )
    entry = scoring_entry(county_round, county_officer, [evaluator])
    services.start_scoring(county_round, by=county_officer)
    assert score(entry, evaluator, Decimal("949.99")).proposed_level == 4
    assert score(entry, evaluator, Decimal("950")).proposed_level == 5
    assert score(entry, evaluator, Decimal("649.99")).proposed_level == 1


def test_an_affiliated_expert_is_refused_with_a_clear_error(
    county_officer: User, county_round: GradeRound, evaluator: Expert, second_evaluator: Expert, login: Login
) -> None:
    organization = registered("关联协会")
    entry = services.add_entry(county_round, organization=organization, by=county_officer)
    Affiliation.objects.create(expert=evaluator, organization=organization, relation="member")
    client = login(county_officer)
    response = client.post(
        f"/supervision/grades/entries/{entry.pk}/",
        {"action": "evaluators", "experts": [evaluator.pk, second_evaluator.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    message = str(list(response.context["messages"])[-1])
    assert "周评估" in message and "关联协会" in message and "conflict of interest" in message
    assert not entry.evaluators.exists()
    client.post(
        f"/supervision/grades/entries/{entry.pk}/", {"action": "evaluators", "experts": [second_evaluator.pk]}
    )
    assert list(entry.evaluators.all()) == [second_evaluator]


def test_an_ended_affiliation_is_no_conflict(
    county_officer: User, county_round: GradeRound, evaluator: Expert
) -> None:
    organization = registered("曾关联协会")
    entry = services.add_entry(county_round, organization=organization, by=county_officer)
    Affiliation.objects.create(
        expert=evaluator,
        organization=organization,
        relation="adviser",
        until=TODAY - datetime.timedelta(days=1),
    )
    services.assign_evaluators(entry, experts=[evaluator], by=county_officer)
    assert list(entry.evaluators.all()) == [evaluator]


def test_scoring_needs_evaluators_and_closes_entries(
    county_officer: User, county_round: GradeRound, evaluator: Expert
) -> None:
    bare = services.add_entry(county_round, organization=registered("无评估员协会"), by=county_officer)
    with pytest.raises(DomainError):
        services.start_scoring(county_round, by=county_officer)
    services.assign_evaluators(bare, experts=[evaluator], by=county_officer)
    services.start_scoring(county_round, by=county_officer)
    with pytest.raises(DomainError):
        services.add_entry(county_round, organization=registered("迟到协会"), by=county_officer)


def test_an_evaluator_taken_off_loses_their_scores(
    county_officer: User, county_round: GradeRound, evaluator: Expert, second_evaluator: Expert
) -> None:
    entry = scoring_entry(county_round, county_officer, [evaluator, second_evaluator])
    services.start_scoring(county_round, by=county_officer)
    score(entry, evaluator, Decimal("700"))
    entry = services.assign_evaluators(entry, experts=[second_evaluator], by=county_officer)
    assert not entry.scores.filter(evaluator=evaluator).exists()
    assert score(entry, second_evaluator, Decimal("820")).total == Decimal("820.00")
    entry = services.assign_evaluators(entry, experts=[second_evaluator, evaluator], by=county_officer)
    assert (entry.status, entry.total) == (EntryStatus.SCORING, None)


def test_only_the_assigned_expert_scores(
    county_officer: User, county_round: GradeRound, evaluator: Expert, second_evaluator: Expert
) -> None:
    entry = scoring_entry(county_round, county_officer, [evaluator])
    services.start_scoring(county_round, by=county_officer)
    assert second_evaluator.account is not None
    with pytest.raises(PermissionRefused):
        services.submit_scores(
            entry, evaluator=evaluator, points=scores_for(entry, Decimal(1)), by=second_evaluator.account
        )


# Public notice and objections -------------------------------------------------------------


@pytest.fixture
def scored(county_officer: User, county_round: GradeRound, evaluator: Expert) -> GradeEntry:
    entry = scoring_entry(county_round, county_officer, [evaluator])
    services.start_scoring(county_round, by=county_officer)
    return score(entry, evaluator, Decimal("850"))


def test_the_notice_waits_for_every_score_and_sets_its_dates(
    county_officer: User, county_round: GradeRound, evaluator: Expert, login: Login
) -> None:
    entry = scoring_entry(county_round, county_officer, [evaluator])
    client = login(county_officer)
    client.post(f"/supervision/grades/{county_round.pk}/", {"action": "notice"})  # still open: illegal
    county_round.refresh_from_db()
    assert county_round.status == RoundStatus.OPEN
    services.start_scoring(county_round, by=county_officer)
    client.post(f"/supervision/grades/{county_round.pk}/", {"action": "notice"})  # not scored yet
    county_round.refresh_from_db()
    assert county_round.status == RoundStatus.SCORING
    score(entry, evaluator, Decimal("700"))
    client.post(f"/supervision/grades/{county_round.pk}/", {"action": "notice", "starts_on": "2026-03-02"})
    county_round.refresh_from_db()
    assert county_round.status == RoundStatus.NOTICE
    assert (county_round.notice_starts_on, county_round.notice_ends_on) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 8),  # seven days
    )


def test_an_objection_outside_the_notice_is_refused(
    county_officer: User, county_round: GradeRound, scored: GradeEntry, login: Login
) -> None:
    in_notice(county_round, county_officer)
    county_round.refresh_from_db()
    assert county_round.notice_starts_on and county_round.notice_ends_on
    client = login(county_officer)
    url = f"/supervision/grades/entries/{scored.pk}/"
    for day in (
        county_round.notice_starts_on - datetime.timedelta(days=1),
        county_round.notice_ends_on + datetime.timedelta(days=1),
    ):
        response = client.post(
            url, {"action": "objection", "text": "材料不实", "received_on": day.isoformat()}
        )
        assert list(response.context["messages"])[-1].level_tag == "error"
    assert not Objection.objects.exists()
    for day in (county_round.notice_starts_on, county_round.notice_ends_on):
        client.post(url, {"action": "objection", "text": "材料不实", "received_on": day.isoformat()})
    assert Objection.objects.filter(entry=scored).count() == 2


def test_an_unanswered_objection_past_15_days_is_overdue(
    county_officer: User, county_round: GradeRound, scored: GradeEntry, login: Login
) -> None:
    in_notice(county_round, county_officer, starts=TODAY - datetime.timedelta(days=20))
    late = services.record_objection(
        scored, text="得分偏高", received_on=TODAY - datetime.timedelta(days=16), by=county_officer
    )
    due_today = services.record_objection(
        scored, text="材料不全", received_on=TODAY - datetime.timedelta(days=15), by=county_officer
    )
    assert services.answer_due(late, LIYANG.ljust(12, "0")) == TODAY - datetime.timedelta(days=1)
    assert services.is_overdue(late, county_round.region_id)
    assert not services.is_overdue(due_today, county_round.region_id)
    client = login(county_officer)
    html = client.get(f"/supervision/grades/entries/{scored.pk}/").content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert 'id="objections"' in client.get("/supervision/grades/").content.decode()
    todos = client.get("/workbench/").context["todos"]
    assert any(t.count == 2 and "#objections" in t.url for t in todos)


def test_an_upheld_objection_can_change_the_proposed_grade(
    county_officer: User, county_round: GradeRound, scored: GradeEntry, login: Login
) -> None:
    in_notice(county_round, county_officer)
    objection = services.record_objection(
        scored, text="漏计加分", received_on=TODAY - datetime.timedelta(days=19), by=county_officer
    )
    client = login(county_officer)
    url = f"/supervision/grades/entries/{scored.pk}/"
    client.post(
        url,
        {"action": "answer", "objection": objection.pk, "answer": "复核属实", "upheld": "yes", "level": "5"},
    )
    objection.refresh_from_db()
    scored.refresh_from_db()
    assert (objection.upheld, objection.answered_on, scored.proposed_level) == (True, TODAY, 5)
    response = client.post(
        url, {"action": "answer", "objection": objection.pk, "answer": "再答", "upheld": "no"}
    )
    assert response.status_code == 200  # answered objections are no longer offered


# Conclusion, certificates and the end of grades --------------------------------------------


def test_conclusion_awards_grades_with_a_certificate_for_3a_and_above(
    county_officer: User, county_round: GradeRound, evaluator: Expert, login: Login
) -> None:
    high = scoring_entry(county_round, county_officer, [evaluator], name="高分协会")
    low = scoring_entry(county_round, county_officer, [evaluator], name="低分协会")
    refused = services.add_entry(
        county_round, organization=registered("新协会", on=datetime.date(2024, 1, 1)), by=county_officer
    )
    previous = Grade.objects.create(
        organization=high.organization,
        level=3,
        awarded_on=datetime.date(2021, 1, 1),
        valid_until=datetime.date(2025, 12, 31),
    )
    services.start_scoring(county_round, by=county_officer)
    score(high, evaluator, Decimal("812.5"))
    score(low, evaluator, Decimal("650"))
    in_notice(county_round, county_officer)
    objection = services.record_objection(
        high, text="有异议", received_on=TODAY - datetime.timedelta(days=18), by=county_officer
    )
    client = login(county_officer)
    client.post(f"/supervision/grades/{county_round.pk}/", {"action": "conclude"})
    county_round.refresh_from_db()
    assert county_round.status == RoundStatus.NOTICE  # an objection waits for its decision
    services.answer_objection(objection, answer="维持", upheld=False, by=county_officer)
    client.post(f"/supervision/grades/{county_round.pk}/", {"action": "conclude"})
    county_round.refresh_from_db()
    assert county_round.status == RoundStatus.DONE
    four = Grade.objects.get(entry=high)
    two = Grade.objects.get(entry=low)
    assert (four.level, four.awarded_on, four.valid_until) == (
        4,
        TODAY,
        services.add_years(TODAY, 5) - datetime.timedelta(days=1),
    )
    assert two.level == 2 and two.certificate is None
    assert four.certificate is not None
    text = docx.text_of(bytes(four.certificate.content))
    assert "高分协会" in text and "4A" in text and "AAAA" in text and "溧阳市民政局" in text
    assert not Grade.objects.filter(organization=refused.organization).exists()
    previous.refresh_from_db()
    assert (previous.status, previous.ended_on) == (GradeStatus.EXPIRED, TODAY)
    assert services.grade_of(high.organization) == four
    high.refresh_from_db()
    assert high.status == EntryStatus.GRADED
    response = client.get(f"/supervision/grades/certificates/{four.pk}/")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert client.get(f"/supervision/grades/certificates/{two.pk}/").status_code == 404


def test_the_round_concludes_only_after_the_notice(
    county_officer: User, county_round: GradeRound, scored: GradeEntry
) -> None:
    in_notice(county_round, county_officer, starts=TODAY)
    with pytest.raises(DomainError):
        services.conclude_round(county_round, by=county_officer)
    county_round.refresh_from_db()
    services.conclude_round(county_round, on=TODAY + datetime.timedelta(days=7), by=county_officer)
    county_round.refresh_from_db()
    with pytest.raises(DomainError):
        services.conclude_round(county_round, by=county_officer)  # done is final


def test_downgrade_awards_the_lower_grade_for_the_rest_of_the_validity(
    county_officer: User, county_round: GradeRound, scored: GradeEntry, login: Login
) -> None:
    in_notice(county_round, county_officer)
    services.conclude_round(county_round, by=county_officer)
    grade = Grade.objects.get(entry=scored)
    assert grade.level == 4
    login(county_officer).post(
        f"/supervision/grades/entries/{scored.pk}/",
        {"action": "end", "status": "downgraded", "reason": "连续两年年检基本合格"},
    )
    grade.refresh_from_db()
    assert (grade.status, grade.ended_on) == (GradeStatus.DOWNGRADED, TODAY)
    lower = services.grade_of(scored.organization)
    assert lower is not None and (lower.level, lower.valid_until) == (3, grade.valid_until)
    assert lower.certificate is not None
    services.end_grade(lower, status=GradeStatus.REVOKED, reason="伪造证书", by=county_officer)
    assert services.grade_of(scored.organization) is None
    with pytest.raises(DomainError):
        services.end_grade(lower, status=GradeStatus.REVOKED, reason="again", by=county_officer)


def test_expiring_grades_and_expiry(county_officer: User, login: Login) -> None:
    soon = registered("将到期协会")
    later = registered("远期协会")
    past = registered("已过期协会")
    g_soon = Grade.objects.create(
        organization=soon,
        level=3,
        awarded_on=datetime.date(2021, 6, 1),
        valid_until=TODAY + datetime.timedelta(days=90),
    )
    Grade.objects.create(
        organization=later,
        level=3,
        awarded_on=datetime.date(2022, 6, 1),
        valid_until=TODAY + datetime.timedelta(days=91),
    )
    g_past = Grade.objects.create(
        organization=past,
        level=3,
        awarded_on=datetime.date(2020, 6, 1),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    assert list(services.expiring_grades(region(LIYANG), 90)) == [g_soon]
    assert list(services.expiring_grades(region(CHANGZHOU_OTHER_COUNTY), 90)) == []
    assert services.grade_of(past) is None
    assert services.grade_of(soon) == g_soon
    assert services.grade_of(soon, on=TODAY + datetime.timedelta(days=91)) is None
    client = login(county_officer)
    todos = client.get("/workbench/").context["todos"]
    assert any(t.count == 1 and "#expiring" in t.url for t in todos)
    assert services.expire_grades() == 1
    g_past.refresh_from_db()
    assert (g_past.status, g_past.ended_on) == (GradeStatus.EXPIRED, g_past.valid_until)


# Indicator sets ---------------------------------------------------------------------------


def indicator_data(indicator_set: IndicatorSet, **changes: int) -> dict[str, Any]:
    data: dict[str, Any] = {"set": indicator_set.pk}
    for indicator in Indicator.objects.filter(indicator_set=indicator_set, parent__isnull=False):
        data[f"name{indicator.pk}"] = indicator.name
        data[f"points{indicator.pk}"] = changes.get(indicator.code.replace(".", "_"), indicator.points)
    return data


def test_administrators_set_second_level_points(
    administrator: User, county_officer: User, login: Login
) -> None:
    indicator_set = IndicatorSet.objects.get(name="社会团体、基金会综合评估指标")
    client = login(administrator)
    assert client.get("/supervision/grades/indicators/").status_code == 200
    # 40 + 60 → 30 + 60 alone leaves the total at 990: refused
    response = client.post("/supervision/grades/indicators/", indicator_data(indicator_set, basic_legal=30))
    assert response.status_code == 200
    assert Indicator.objects.get(indicator_set=indicator_set, code="basic.legal").points == 40
    data = indicator_data(indicator_set, basic_legal=30, basic_registration=70)
    data[f"name{Indicator.objects.get(indicator_set=indicator_set, code='basic.legal').pk}"] = (
        "法人资格与章程"
    )
    assert client.post("/supervision/grades/indicators/", data).status_code == 302
    legal = Indicator.objects.get(indicator_set=indicator_set, code="basic.legal")
    assert (legal.name, legal.points) == ("法人资格与章程", 30)
    basic = Indicator.objects.get(indicator_set=indicator_set, code="basic")
    assert basic.points == 100
    data = indicator_data(indicator_set, basic_legal=50, basic_registration=70, party_organization=80)
    assert client.post("/supervision/grades/indicators/", data).status_code == 302
    assert Indicator.objects.get(indicator_set=indicator_set, code="basic").points == 120
    assert Indicator.objects.get(indicator_set=indicator_set, code="party").points == 80
    assert login(county_officer).get("/supervision/grades/indicators/").status_code == 403


def test_points_are_fixed_while_entries_are_scored(
    administrator: User, county_officer: User, county_round: GradeRound, evaluator: Expert
) -> None:
    entry = scoring_entry(county_round, county_officer, [evaluator])
    services.start_scoring(county_round, by=county_officer)
    assert entry.indicator_set is not None
    values = {
        i.pk: (
            i.name,
            i.points + (10 if i.code == "basic.legal" else -10 if i.code == "basic.registration" else 0),
        )
        for i in Indicator.objects.filter(indicator_set=entry.indicator_set, parent__isnull=False)
    }
    with pytest.raises(DomainError):
        services.update_indicator_set(entry.indicator_set, indicators=values, by=administrator)


# Who sees what ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(county_round: GradeRound, client: Client) -> None:
    for url in (
        "/supervision/grades/",
        "/supervision/grades/new/",
        f"/supervision/grades/{county_round.pk}/",
        "/supervision/grades/entries/1/",
        "/supervision/grades/entries/1/score/",
        "/supervision/grades/certificates/1/",
        "/supervision/grades/indicators/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    assert client.post(f"/supervision/grades/{county_round.pk}/", {"action": "scoring"}).status_code == 302
    assert GradeRound.objects.get().status == RoundStatus.OPEN


def test_a_village_worker_is_refused(village_worker: User, county_round: GradeRound, login: Login) -> None:
    client = login(village_worker)
    for url in (
        "/supervision/grades/",
        "/supervision/grades/new/",
        f"/supervision/grades/{county_round.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/supervision/grades/new/", {"year": 2025, "title": "x"}).status_code == 403


def test_other_counties_and_towns_see_no_round(
    county_officer: User, tianmuhu_officer: User, county_round: GradeRound, login: Login
) -> None:
    jintan = make_user("jintan", "county_officer", CHANGZHOU_OTHER_COUNTY)
    jintan_round = services.create_round(
        year=YEAR, region=region(CHANGZHOU_OTHER_COUNTY), title="金坛评估", by=jintan
    )
    assert login(county_officer).get(f"/supervision/grades/{jintan_round.pk}/").status_code == 404
    assert (
        login(county_officer)
        .post(f"/supervision/grades/{jintan_round.pk}/", {"action": "scoring"})
        .status_code
        == 404
    )
    assert login(jintan).get(f"/supervision/grades/{county_round.pk}/").status_code == 404
    assert login(tianmuhu_officer).get(f"/supervision/grades/{county_round.pk}/").status_code == 404
    entry = services.add_entry(county_round, organization=registered("溧阳协会"), by=county_officer)
    assert login(jintan).get(f"/supervision/grades/entries/{entry.pk}/").status_code == 404
    with pytest.raises(PermissionRefused):
        services.add_entry(jintan_round, organization=registered("另一协会"), by=county_officer)
    html = login(jintan).get("/supervision/grades/").content.decode()
    assert "金坛评估" in html and county_round.title not in html


def test_staff_without_the_capability_cannot_act(
    daibu_officer: User, county_officer: User, county_round: GradeRound, login: Login
) -> None:
    entry = services.add_entry(county_round, organization=registered("戴埠协会"), by=county_officer)
    client = login(daibu_officer)
    assert (
        client.get(f"/supervision/grades/entries/{entry.pk}/").status_code == 200
    )  # the organization is in 戴埠
    assert client.post(f"/supervision/grades/entries/{entry.pk}/", {"action": "recheck"}).status_code == 403
    assert client.get("/supervision/grades/new/").status_code == 403
    with pytest.raises(PermissionRefused):
        services.start_scoring(county_round, by=daibu_officer)
    assert login(county_officer).get(f"/supervision/grades/entries/{entry.pk}/score/").status_code == 403


def test_an_expert_sees_only_the_entries_assigned_to_them(
    county_officer: User,
    county_round: GradeRound,
    evaluator: Expert,
    second_evaluator: Expert,
    expert: User,
    login: Login,
) -> None:
    mine = scoring_entry(county_round, county_officer, [evaluator], name="我评的协会")
    other = scoring_entry(county_round, county_officer, [second_evaluator], name="别人评的协会")
    services.start_scoring(county_round, by=county_officer)
    client = login(expert)
    html = client.get("/supervision/grades/").content.decode()
    assert "我评的协会" in html and "别人评的协会" not in html
    assert client.get(f"/supervision/grades/entries/{mine.pk}/").status_code == 200
    assert client.get(f"/supervision/grades/entries/{other.pk}/").status_code == 404
    assert client.get(f"/supervision/grades/entries/{other.pk}/score/").status_code == 404
    assert (
        client.post(
            f"/supervision/grades/entries/{other.pk}/score/", score_form(other, Decimal(1))
        ).status_code
        == 404
    )
    assert client.get(f"/supervision/grades/{county_round.pk}/").status_code == 403
    assert client.post(f"/supervision/grades/entries/{mine.pk}/", {"action": "recheck"}).status_code == 403


def test_an_organization_sees_its_own_entry_and_grade_only(
    county_officer: User,
    county_round: GradeRound,
    evaluator: Expert,
    organization_account: User,
    login: Login,
) -> None:
    own = scoring_entry(county_round, county_officer, [evaluator], name="本会", account=organization_account)
    other = scoring_entry(county_round, county_officer, [evaluator], name="他会")
    services.start_scoring(county_round, by=county_officer)
    score(own, evaluator, Decimal("880"))
    score(other, evaluator, Decimal("910"))
    client = login(organization_account)
    page = client.get(f"/supervision/grades/entries/{own.pk}/")
    assert (
        page.status_code == 200 and 'data-testid="result"' not in page.content.decode()
    )  # not yet published
    assert "周评估" not in page.content.decode()  # evaluators are not named to the organization
    assert client.get(f"/supervision/grades/entries/{other.pk}/").status_code == 404
    assert client.get(f"/supervision/grades/{county_round.pk}/").status_code == 404
    assert client.post(f"/supervision/grades/entries/{own.pk}/", {"action": "recheck"}).status_code == 403
    in_notice(county_round, county_officer)
    assert 'data-testid="result"' in client.get(f"/supervision/grades/entries/{own.pk}/").content.decode()
    services.conclude_round(county_round, by=county_officer)
    own_grade, other_grade = Grade.objects.get(entry=own), Grade.objects.get(entry=other)
    assert client.get(f"/supervision/grades/certificates/{own_grade.pk}/").status_code == 200
    assert client.get(f"/supervision/grades/certificates/{other_grade.pk}/").status_code == 404
    html = client.get("/supervision/grades/").content.decode()
    assert "本会" in html and "他会" not in html


def test_the_round_page_does_not_grow_queries_with_entries(
    county_officer: User, county_round: GradeRound, evaluator: Expert, login: Login
) -> None:
    client = login(county_officer)
    scoring_entry(county_round, county_officer, [evaluator], name="一号协会")
    client.get(f"/supervision/grades/{county_round.pk}/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/supervision/grades/{county_round.pk}/")
    for n in range(2, 6):
        scoring_entry(county_round, county_officer, [evaluator], name=f"{n}号协会")
    with CaptureQueriesContext(connection) as five:
        client.get(f"/supervision/grades/{county_round.pk}/")
    assert len(five) == len(one)


def test_a_round_is_opened_by_a_county_officer(
    county_officer: User, daibu_officer: User, login: Login
) -> None:
    response = login(county_officer).post("/supervision/grades/new/", {"year": 2025, "title": "2025年度评估"})
    grade_round = GradeRound.objects.get()
    assert response["Location"] == f"/supervision/grades/{grade_round.pk}/"
    assert (grade_round.region_id, grade_round.created_by) == (LIYANG.ljust(12, "0"), county_officer)
    town = make_user("town-manager", "county_officer", TIANMUHU)  # a county role bound to a town
    with pytest.raises(DomainError):
        services.create_round(year=2025, region=region(TIANMUHU), title="镇评估", by=town)
    assert not Document.objects.exists()
