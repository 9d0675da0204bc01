"""Annual inspection, the rules at their boundaries, proposals and their decisions, sanctions,
the credit lists and good standing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from itertools import count

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.lib import uscc
from peiyu.lib.docx import text_of
from peiyu.orgs.models import Organization, Status
from peiyu.supervision import rules, standing
from peiyu.supervision.models import (
    AnnualReport,
    Campaign,
    CampaignStatus,
    CreditList,
    Grade,
    GradeStatus,
    Listing,
    ListingGround,
    ListingStatus,
    Proposal,
    ProposalStatus,
    ReportKind,
    ReportStatus,
    Sanction,
)
from peiyu.supervision.services import credit, inspection
from peiyu.testing import DAIBU, LIYANG, first_village, make_user, region

Login = Callable[[User], Client]
_serial = count(1)


def registered(
    name: str = "溧阳市慈航志愿者协会",
    *,
    on: datetime.date = datetime.date(2020, 3, 1),
    legal_form: str = "association",
    **extra: object,
) -> Organization:
    number = next(_serial)
    return Organization.objects.create(
        name=name,
        source="registered",
        legal_form=legal_form,
        uscc=uscc.make(department_type="51", division=LIYANG, body8=f"MJ{number:06d}"),
        region=first_village(DAIBU),
        authority_id=LIYANG.ljust(12, "0"),
        registered_on=on,
        **extra,  # type: ignore[arg-type]
    )


def campaign(year: int, status: str = CampaignStatus.CLOSED) -> Campaign:
    return Campaign.objects.create(
        year=year,
        authority=region(LIYANG),
        guidance_deadline=datetime.date(year + 1, 3, 31),
        authority_deadline=datetime.date(year + 1, 5, 31),
        status=status,
    )


def outcome(
    org: Organization, year: int, conclusion: str = "", *, submitted: datetime.date | None = None
) -> AnnualReport:
    """A year's report: decided with a conclusion, or submitted on a day, or (neither) missed."""
    found = Campaign.objects.filter(year=year).first() or campaign(year)
    moment = datetime.datetime.combine(
        submitted or datetime.date(year + 1, 3, 1), datetime.time(10), timezone.get_current_timezone()
    )
    if conclusion:
        return AnnualReport.objects.create(
            campaign=found,
            organization=org,
            status=ReportStatus.DECIDED,
            conclusion=conclusion,
            submitted_at=moment,
        )
    if submitted:
        return AnnualReport.objects.create(
            campaign=found, organization=org, status=ReportStatus.SUBMITTED, submitted_at=moment
        )
    return AnnualReport.objects.create(campaign=found, organization=org, status=ReportStatus.DRAFT)


def proposals(org: Organization, today: datetime.date) -> list[str]:
    return sorted(d.rule for d in rules.run(today) if d.organization_id == org.pk)


DAY_AFTER_2025 = datetime.date(2026, 6, 1)  # the 2025 campaign's deadline was 2026-05-31


# Annual inspection -------------------------------------------------------------------


def test_opening_a_campaign_lists_organizations_with_exemptions_and_charity_reports(
    county_officer: User,
) -> None:
    plain = registered("甲协会")
    late_institution = registered(
        "乙服务中心", on=datetime.date(2025, 7, 2), legal_form="service_institution"
    )
    boundary = registered("丙服务中心", on=datetime.date(2025, 7, 1), legal_form="service_institution")
    registered("丁慈善会", category="charity")
    registered("戊协会", on=datetime.date(2026, 1, 2))  # registered after the year: not due
    opened = inspection.open_campaign(authority=region(LIYANG), year=2025, by=county_officer)
    assert (opened.guidance_deadline, opened.authority_deadline) == (
        datetime.date(2026, 3, 31),
        datetime.date(2026, 5, 31),
    )
    reports = {r.organization.name: r for r in opened.reports.select_related("organization")}
    assert set(reports) == {"甲协会", "乙服务中心", "丙服务中心", "丁慈善会"}
    assert reports["乙服务中心"].status == ReportStatus.EXEMPT and "6" in reports["乙服务中心"].exemption
    assert reports["丙服务中心"].status == ReportStatus.DRAFT
    assert reports["丁慈善会"].kind == ReportKind.CHARITY and reports["甲协会"].kind == ReportKind.INSPECTION
    assert plain.pk and late_institution.pk and boundary.pk
    with pytest.raises(DomainError):
        inspection.open_campaign(authority=region(LIYANG), year=2025, by=county_officer)


def test_only_staff_with_the_permission_open_campaigns(daibu_officer: User, regions: None) -> None:
    with pytest.raises(PermissionRefused):
        inspection.open_campaign(authority=region(LIYANG), year=2025, by=daibu_officer)


def test_an_organization_files_and_the_officer_fails_it_with_a_reason(
    county_officer: User, organization_account: User, login: Login
) -> None:
    org = registered()
    org.accounts.add(organization_account)
    opened = inspection.open_campaign(
        authority=region(LIYANG), year=timezone.localdate().year - 1, by=county_officer
    )
    client = login(organization_account)
    report = AnnualReport.objects.get(organization=org)
    data = {
        "activities": "开展调解培训12场",
        "income": "120000",
        "expenditure": "98000",
        "net_assets": "50000",
        "staff": "3",
        "version": report.version,
    }
    assert (
        client.post(f"/supervision/campaigns/{opened.pk}/report/", {**data, "submit": "1"}).status_code == 302
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    officer = login(county_officer)
    officer.post(
        f"/supervision/reports/{report.pk}/", {"action": "fail", "reasons": "", "version": report.version}
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # a fail without reasons is refused
    officer.post(
        f"/supervision/reports/{report.pk}/",
        {"action": "fail", "reasons": "财务报告与账簿不符", "version": report.version},
    )
    report.refresh_from_db()
    assert (report.status, report.conclusion) == (ReportStatus.DECIDED, "fail")
    assert "财务报告与账簿不符" in client.get(f"/supervision/reports/{report.pk}/").content.decode()
    # The organization cannot decide, and cannot see another organization's report.
    assert (
        client.post(
            f"/supervision/reports/{report.pk}/", {"action": "pass", "version": report.version}
        ).status_code
        == 403
    )
    other = AnnualReport.objects.create(campaign=opened, organization=registered("别家协会"))
    assert client.get(f"/supervision/reports/{other.pk}/").status_code == 404


# The rules at their boundaries ---------------------------------------------------------


def test_one_year_missed_proposes_a_warning_the_day_after_the_deadline(regions: None) -> None:
    org = registered()
    outcome(org, 2024, "pass")
    outcome(org, 2025)
    assert proposals(org, datetime.date(2026, 5, 31)) == []  # the deadline day itself
    assert proposals(org, DAY_AFTER_2025) == ["missed_once"]


def test_two_consecutive_bad_years_propose_revocation_but_not_apart(regions: None) -> None:
    consecutive = registered("连续协会")
    outcome(consecutive, 2024, "fail")
    outcome(consecutive, 2025)
    assert proposals(consecutive, DAY_AFTER_2025) == ["two_bad_years"]
    apart = registered("间隔协会")
    outcome(apart, 2023, "fail")
    outcome(apart, 2024, "pass")
    outcome(apart, 2025)
    assert proposals(apart, DAY_AFTER_2025) == ["missed_once"]
    draft = next(d for d in rules.run(DAY_AFTER_2025) if d.organization_id == consecutive.pk)
    assert any("2024" in fact for fact in draft.facts) and any("2025" in fact for fact in draft.facts)


def test_basic_pass_twice_proposes_a_downgrade_only_with_a_grade(regions: None) -> None:
    graded, ungraded = registered("有等级"), registered("无等级")
    for org in (graded, ungraded):
        outcome(org, 2024, "basic_pass")
        outcome(org, 2025, "basic_pass")
    Grade.objects.create(
        organization=graded,
        level=3,
        awarded_on=datetime.date(2023, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    assert proposals(graded, DAY_AFTER_2025) == ["basic_pass_twice"]
    assert proposals(ungraded, DAY_AFTER_2025) == []


def test_a_late_report_proposes_the_abnormal_list(regions: None) -> None:
    on_time, late = registered("准时"), registered("迟交")
    outcome(on_time, 2025, submitted=datetime.date(2026, 5, 31))
    outcome(late, 2025, submitted=datetime.date(2026, 6, 1))
    today = datetime.date(2026, 6, 2)
    assert proposals(on_time, today) == []
    assert proposals(late, today) == ["late_report", "missed_once"]


def test_fines_and_warnings_at_their_thresholds(regions: None) -> None:
    big, small, twice, apart = (registered(n) for n in ("大额", "小额", "两次", "相隔"))
    Sanction.objects.create(
        organization=big, kind="fine", amount=Decimal(50_000), decided_on=datetime.date(2026, 1, 5)
    )
    Sanction.objects.create(
        organization=small, kind="fine", amount=Decimal("49999.99"), decided_on=datetime.date(2026, 1, 5)
    )
    for day in (datetime.date(2024, 3, 1), datetime.date(2026, 2, 1)):
        Sanction.objects.create(organization=twice, kind="warning", decided_on=day)
    for day in (datetime.date(2023, 3, 1), datetime.date(2026, 3, 2)):
        Sanction.objects.create(organization=apart, kind="warning", decided_on=day)
    today = datetime.date(2026, 3, 2)
    assert proposals(big, today) == ["large_fine"]
    assert proposals(small, today) == ["warning_or_small_fine"]
    assert proposals(twice, today) == ["repeated_penalties", "warning_or_small_fine", "warning_or_small_fine"]
    assert "repeated_penalties" not in proposals(apart, today)  # the first is three years and a day before


def test_unreachable_twice_twenty_days_apart(regions: None) -> None:
    from peiyu.supervision.models import Visit

    org = registered()
    for day in (datetime.date(2026, 3, 1), datetime.date(2026, 3, 20)):
        Visit.objects.create(
            organization=org, planned_on=day, inspected_on=day, status="done", unreachable=True
        )
    assert proposals(org, datetime.date(2026, 4, 1)) == []  # 19 days apart
    Visit.objects.create(
        organization=org,
        planned_on=datetime.date(2026, 3, 21),
        inspected_on=datetime.date(2026, 3, 21),
        status="done",
        unreachable=True,
    )
    assert proposals(org, datetime.date(2026, 4, 1)) == ["unreachable"]


def test_running_the_rules_twice_adds_nothing_new(regions: None) -> None:
    org = registered()
    outcome(org, 2025)
    first = credit.run_rules(today=DAY_AFTER_2025)
    second = credit.run_rules(today=DAY_AFTER_2025)
    assert (first.created, second.created) == (1, 0)
    assert Proposal.objects.get().organization == org


def test_the_command_runs_dry_and_for_real(regions: None, capsys: pytest.CaptureFixture[str]) -> None:
    org = registered()
    outcome(org, 2024, "fail")
    outcome(
        org,
        timezone.localdate().year - 1
        if timezone.localdate() > datetime.date(timezone.localdate().year, 5, 31)
        else 2025,
    )
    call_command("run_supervision_rules", "--dry-run", "--date", "2026-06-01")
    assert Proposal.objects.count() == 0
    call_command("run_supervision_rules", "--date", "2026-06-01")
    assert Proposal.objects.filter(organization=org).exists()


# Decisions -------------------------------------------------------------------------------


def test_accepting_a_revocation_revokes_and_prints_both_years(county_officer: User, login: Login) -> None:
    org = registered("溧阳市某某协会")
    outcome(org, 2024, "fail")
    outcome(org, 2025)
    credit.run_rules(today=DAY_AFTER_2025)
    proposal = Proposal.objects.get()
    client = login(county_officer)
    page = client.get(f"/supervision/proposals/{proposal.pk}/").content.decode()
    assert "2024" in page and "2025" in page
    client.post(
        f"/supervision/proposals/{proposal.pk}/", {"accept": "1", "note": "", "version": proposal.version}
    )
    proposal.refresh_from_db()
    org.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and org.status == Status.REVOKED
    document = client.get(f"/supervision/proposals/{proposal.pk}/document/")
    text = text_of(document.content)
    assert "溧阳市某某协会" in text and "2024" in text and "2025" in text and proposal.document.number in text


def test_rejecting_needs_a_reason_and_an_illegal_second_decision_is_refused(county_officer: User) -> None:
    org = registered()
    outcome(org, 2025)
    credit.run_rules(today=DAY_AFTER_2025)
    proposal = Proposal.objects.get()
    with pytest.raises(DomainError):
        credit.decide_proposal(proposal, accept=False, note=" ", by=county_officer)
    credit.decide_proposal(proposal, accept=False, note="已补交并通过", by=county_officer)
    with pytest.raises(DomainError):
        credit.decide_proposal(proposal, accept=True, note="", by=county_officer)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.document is not None


def test_accepting_a_warning_records_it_and_the_abnormal_listing_follows(county_officer: User) -> None:
    org = registered()
    outcome(org, 2025)
    credit.run_rules(today=DAY_AFTER_2025)
    credit.decide_proposal(Proposal.objects.get(), accept=True, note="", by=county_officer)
    assert Sanction.objects.get(organization=org).kind == "warning"
    credit.run_rules()
    listing_proposal = Proposal.objects.get(rule="warning_or_small_fine")
    credit.decide_proposal(listing_proposal, accept=True, note="", by=county_officer)
    listing = Listing.objects.get()
    assert listing.status == ListingStatus.NOTIFIED and not listing.needs_rectification
    credit.confirm_listing(listing, by=county_officer)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LISTED and listing.listed_on == timezone.localdate()
    assert not standing.good_standing(org).ok


def test_a_listing_that_needs_no_rectification_ends_on_the_day_six_months_later(regions: None) -> None:
    org = registered()
    due = Listing.objects.create(
        organization=org,
        list=CreditList.ABNORMAL,
        ground=ListingGround.UNREACHABLE,
        needs_rectification=False,
        status=ListingStatus.LISTED,
        listed_on=datetime.date(2026, 1, 31),
    )
    assert credit.expiry_of(due) == datetime.date(2026, 7, 31)
    assert credit.expire_listings(today=datetime.date(2026, 7, 30), by=None) == 0
    assert credit.expire_listings(today=datetime.date(2026, 7, 31), by=None) == 1
    due.refresh_from_db()
    assert due.status == ListingStatus.REMOVED and due.removed_on == datetime.date(2026, 7, 31)
    month_end = Listing(
        organization=org,
        list=CreditList.ABNORMAL,
        ground=ListingGround.UNREACHABLE,
        needs_rectification=False,
        listed_on=datetime.date(2025, 8, 31),
    )
    assert credit.expiry_of(month_end) == datetime.date(2026, 2, 28)


def test_removal_after_rectification_is_due_within_five_working_days(county_officer: User) -> None:
    org = registered()
    listing = Listing.objects.create(
        organization=org,
        list=CreditList.ABNORMAL,
        ground=ListingGround.LATE_REPORT,
        status=ListingStatus.LISTED,
        listed_on=datetime.date(2026, 3, 1),
    )
    credit.record_rectification(listing, on=datetime.date(2026, 11, 20), by=county_officer)  # a Friday
    listing.refresh_from_db()
    assert credit.removal_due(listing) == datetime.date(2026, 11, 27)


def test_two_years_on_the_abnormal_list_and_two_clean_years_on_the_serious_one(regions: None) -> None:
    org = registered()
    Listing.objects.create(
        organization=org,
        list=CreditList.ABNORMAL,
        ground=ListingGround.LATE_REPORT,
        status=ListingStatus.LISTED,
        listed_on=datetime.date(2024, 6, 2),
    )
    assert "abnormal_two_years" not in proposals(org, datetime.date(2026, 6, 1))
    assert "abnormal_two_years" in proposals(org, datetime.date(2026, 6, 2))
    clean = registered("已改正")
    Listing.objects.create(
        organization=clean,
        list=CreditList.SERIOUS,
        ground=ListingGround.LARGE_FINE,
        status=ListingStatus.LISTED,
        listed_on=datetime.date(2024, 6, 2),
    )
    assert proposals(clean, datetime.date(2026, 6, 2)) == ["serious_clean"]
    Sanction.objects.create(organization=clean, kind="warning", decided_on=datetime.date(2025, 1, 1))
    assert "serious_clean" not in proposals(clean, datetime.date(2026, 6, 2))


def test_good_standing_gives_its_reasons(regions: None) -> None:
    org = registered()
    assert standing.good_standing(org).ok
    outcome(org, 2025, "fail")
    result = standing.good_standing(org, datetime.date(2026, 6, 1))
    assert not result.ok and any("2025" in reason for reason in result.reasons)


def test_a_grade_downgrade_lowers_one_level(county_officer: User) -> None:
    org = registered()
    outcome(org, 2024, "basic_pass")
    outcome(org, 2025, "basic_pass")
    Grade.objects.create(
        organization=org,
        level=3,
        awarded_on=datetime.date(2023, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    credit.run_rules(today=DAY_AFTER_2025)
    credit.decide_proposal(
        Proposal.objects.get(rule="basic_pass_twice"), accept=True, note="", by=county_officer
    )
    assert list(Grade.objects.order_by("pk").values_list("level", "status")) == [
        (3, GradeStatus.DOWNGRADED),
        (2, GradeStatus.VALID),
    ]


# Scope and the portal ------------------------------------------------------------------


def test_denials(
    county_officer: User, village_worker: User, organization_account: User, login: Login, client: Client
) -> None:
    org = registered()
    outcome(org, 2025)
    credit.run_rules(today=DAY_AFTER_2025)
    proposal = Proposal.objects.get()
    assert client.get("/supervision/proposals/").status_code == 302
    assert login(village_worker).get("/supervision/proposals/").status_code == 403
    assert login(organization_account).get(f"/supervision/proposals/{proposal.pk}/").status_code == 403
    jintan = make_user("jintan-county", "county_officer", "320413")
    assert login(jintan).get(f"/supervision/proposals/{proposal.pk}/").status_code == 404
    assert (
        login(jintan)
        .post(f"/supervision/proposals/{proposal.pk}/", {"accept": "1", "version": 1})
        .status_code
        == 404
    )
    with pytest.raises(PermissionRefused):
        credit.decide_proposal(proposal, accept=True, note="", by=jintan)
    assert login(county_officer).get(f"/supervision/proposals/{proposal.pk}/").status_code == 200


def test_the_portal_publishes_listed_organizations_only(client: Client, regions: None) -> None:
    listed, notified = registered("已列入"), registered("已告知")
    Listing.objects.create(
        organization=listed,
        list=CreditList.ABNORMAL,
        ground=ListingGround.LATE_REPORT,
        status=ListingStatus.LISTED,
        listed_on=datetime.date(2026, 1, 1),
    )
    Listing.objects.create(
        organization=notified,
        list=CreditList.ABNORMAL,
        ground=ListingGround.LATE_REPORT,
        status=ListingStatus.NOTIFIED,
    )
    html = client.get("/credit/").content.decode()
    assert "已列入" in html and "已告知" not in html
    assert "已列入" not in client.get("/credit/?list=serious").content.decode()


def test_denials_on_campaigns_sanctions_listings_and_standing(
    county_officer: User, village_worker: User, organization_account: User, login: Login, client: Client
) -> None:
    org = registered()
    listing = Listing.objects.create(
        organization=org, list=CreditList.ABNORMAL, ground=ListingGround.LATE_REPORT
    )
    jintan = make_user("jintan-county", "county_officer", "320413")
    for url in (
        "/supervision/campaigns/new/",
        f"/supervision/sanctions/new/{org.pk}/",
        f"/supervision/standing/{org.pk}/",
    ):
        assert client.get(url).status_code == 302
    assert login(village_worker).get("/supervision/campaigns/new/").status_code == 403
    assert (
        login(village_worker)
        .post(f"/supervision/sanctions/new/{org.pk}/", {"kind": "warning", "decided_on": "2026-01-01"})
        .status_code
        == 403
    )
    assert (
        login(organization_account)
        .post(f"/supervision/lists/{listing.pk}/", {"action": "confirm"})
        .status_code
        == 403
    )
    for url in (
        f"/supervision/sanctions/new/{org.pk}/",
        f"/supervision/standing/{org.pk}/",
        f"/supervision/lists/{listing.pk}/",
    ):
        assert login(jintan).get(url).status_code == 404
    assert login(jintan).post(f"/supervision/lists/{listing.pk}/", {"action": "confirm"}).status_code == 404
    assert not Sanction.objects.exists()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.NOTIFIED
    assert login(county_officer).get(f"/supervision/standing/{org.pk}/").status_code == 200
