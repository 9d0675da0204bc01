"""Applications (申报) through the back-office pages: an organization starts a draft, fills the
project, its budget lines and outputs, sees every reason it would not be eligible, submits and
withdraws; staff enter paper applications, decide outlines, re-check eligibility, enter defense
scores and override the selection with a reason. Each organization sees only its own; staff
only their region's; an applicant never sees an expert's name or score."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peiyu.accounts.models import User
from peiyu.funding.models import Application, ApplicationStatus, Round
from peiyu.funding.services import review, rounds, selection
from peiyu.funding.tests.conftest import TODAY, apply, field, score_all
from peiyu.orgs.models import Organization
from peiyu.people.models import Expert
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, make_user

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


@pytest.fixture
def login() -> Login:
    """Signed-in clients that read the interface in English, the language of the msgids."""

    def sign_in(user: User) -> Client:
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def jintan_officer(regions: None) -> User:
    """A county officer of another county (金坛区), with every funding permission."""
    return make_user("jintan-county", "county_officer", CHANGZHOU_OTHER_COUNTY)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def project(**changes: Any) -> dict[str, Any]:
    values = {
        "title": "阳光普法进万家",
        "field": field().pk,
        "summary": "进村入户开展法治宣传和法律咨询。",
        "need_statement": "村民法律知识薄弱。",
        "beneficiaries": 800,
        "co_funding": "5000",
    }
    return {**values, **changes}


def rows(prefix: str, entries: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(entries),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, entry in enumerate(entries):
        data |= {f"{prefix}-{index}-{key}": value for key, value in entry.items()}
    return data


LINES = [
    {"category": "activities", "item": "法治讲座", "amount": "60000", "note": "12场×5000元"},
    {"category": "materials", "item": "宣传资料", "amount": "20000.50", "note": ""},
]
OUTPUTS = [{"description": "开展法治讲座", "indicator": "场次", "target": "12", "unit": "场"}]


def edit_data(
    application: Application, lines: list[dict[str, Any]] = LINES, **changes: Any
) -> dict[str, Any]:
    return {
        **project(**changes),
        "seen_version": application.version,
        **rows("lines", lines),
        **rows("outputs", OUTPUTS),
    }


def start(client: Client, round: Round, organization: Organization, **changes: Any) -> Application:
    response = client.post(
        f"/funding/rounds/{round.pk}/apply/", {"organization": organization.pk, **project(**changes)}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(
        round=round, organization=organization, title=project(**changes)["title"]
    )
    assert response["Location"] == f"/funding/applications/{application.pk}/edit/"
    return application


# Filling, eligibility, submission, withdrawal ------------------------------------------------


def test_the_organization_fills_sees_every_reason_submits_and_withdraws(
    make_round: Callable[..., Round],
    county_officer: User,
    organizations: list[Organization],
    organization_account: User,
    login: Login,
) -> None:
    round = rounds.open_round(make_round(min_grade=3, legal_forms=["association"]), by=county_officer)
    client = login(organization_account)
    form = client.get(f"/funding/rounds/{round.pk}/apply/")
    assert form.status_code == 200
    assert form.context["form"].initial["organization"] == organizations[0]
    application = start(client, round, organizations[0])
    assert application.created_by == organization_account and application.status == ApplicationStatus.DRAFT

    page = client.get(f"/funding/applications/{application.pk}/edit/").content.decode()
    assert 'data-testid="reasons"' in page
    assert "The round asks for a valid grade of 3A or above; it has no valid grade." in page
    assert "The round is open to" in page and organizations[0].name in page
    assert "The budget has no lines." in page and "State at least one output with its indicator." in page

    response = client.post(f"/funding/applications/{application.pk}/edit/", edit_data(application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.requested == Decimal("80000.50")
    assert application.beneficiaries == 800 and application.co_funding == Decimal(5000)
    assert [line.item for line in application.budget_lines.all()] == ["法治讲座", "宣传资料"]
    assert application.outputs.get().indicator == "场次"
    page = client.get(f"/funding/applications/{application.pk}/edit/").content.decode()
    assert "80000.50" in page
    assert "The budget has no lines." not in page and "3A or above" in page

    response = client.post(f"/funding/applications/{application.pk}/submit/", follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE
    assert any("3A or above" in reason for reason in application.eligibility_reasons)
    assert len(application.eligibility_reasons) == 2
    page = response.content.decode()
    assert 'data-testid="ineligible"' in page and "The round is open to" in page
    # Sent: no more edits.
    response = client.post(
        f"/funding/applications/{application.pk}/edit/", edit_data(application, title="改")
    )
    application.refresh_from_db()
    assert application.title == "阳光普法进万家"

    response = client.post(f"/funding/applications/{application.pk}/withdraw/", {"reason": " "})
    assert response.status_code == 200 and response.context["withdraw_form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE
    response = client.post(f"/funding/applications/{application.pk}/withdraw/", {"reason": "机构人员调整"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    page = client.get(f"/funding/applications/{application.pk}/").content.decode()
    assert "机构人员调整" in page and 'data-testid="withdraw-form"' not in page


def test_a_complete_application_is_eligible_and_the_lines_make_the_request(
    open_round: Round, organizations: list[Organization], organization_account: User, login: Login
) -> None:
    client = login(organization_account)
    application = start(client, open_round, organizations[0])
    client.post(f"/funding/applications/{application.pk}/edit/", edit_data(application))
    page = client.get(f"/funding/applications/{application.pk}/").content.decode()
    assert "As things stand, this application would be eligible." in page
    assert 'data-testid="budget-total">80000.50<' in page
    # A bad row keeps everything as it was and says what is wrong.
    application.refresh_from_db()
    bad = edit_data(application, lines=[{"category": "activities", "item": "讲座", "amount": "-5"}])
    response = client.post(f"/funding/applications/{application.pk}/edit/", bad)
    assert response.status_code == 200 and not response.context["budget"].is_valid()
    # Someone else's save in between is refused, not overwritten.
    stale = edit_data(application, title="旧版本")
    stale["seen_version"] = application.version - 1
    response = client.post(f"/funding/applications/{application.pk}/edit/", stale)
    assert response.status_code == 200 and "Someone else changed this" in response.content.decode()
    application.refresh_from_db()
    assert application.title == "阳光普法进万家" and application.requested == Decimal("80000.50")

    response = client.post(f"/funding/applications/{application.pk}/submit/", follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE and application.submitted_at is not None
    assert "The application was sent and is eligible." in messages_of(response)
    # Submitting twice is refused with the service's reason, not a 500.
    response = client.post(f"/funding/applications/{application.pk}/submit/", follow=True)
    assert response.status_code == 200 and messages_of(response)


def test_staff_enter_a_paper_application_for_an_organization_of_their_region(
    open_round: Round, organizations: list[Organization], county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    page = client.get(f"/funding/rounds/{open_round.pk}/apply/").content.decode()
    assert organizations[2].name in page
    application = start(client, open_round, organizations[2], title="青少年法治课堂")
    assert application.organization == organizations[2] and application.created_by == county_officer


def test_a_round_not_taking_applications_says_so(
    make_round: Callable[..., Round],
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    login: Login,
) -> None:
    draft = make_round()
    client = login(organization_account)
    # A draft round is not public: an organization cannot reach it.
    assert client.get(f"/funding/rounds/{draft.pk}/apply/").status_code == 404
    round = rounds.open_round(draft, by=county_officer)
    apply(round, organizations[1], county_officer)
    round = rounds.start_review(round, by=county_officer)
    assert 'data-testid="closed"' in client.get(f"/funding/rounds/{round.pk}/apply/").content.decode()
    response = client.post(
        f"/funding/rounds/{round.pk}/apply/", {"organization": organizations[0].pk, **project()}
    )
    assert response.status_code == 200 and "Not possible while the round is" in response.content.decode()
    assert not Application.objects.filter(round=round, organization=organizations[0]).exists()


def test_withdrawal_is_refused_once_the_review_has_started(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    experts: list[Expert],
    login: Login,
) -> None:
    application = apply(open_round, organizations[0], organization_account)
    round = rounds.start_review(open_round, by=county_officer)
    review.draw_panels(round, by=county_officer, seed="test")
    client = login(organization_account)
    response = client.post(
        f"/funding/applications/{application.pk}/withdraw/", {"reason": "不做了"}, follow=True
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWING
    assert any("cannot go from" in m for m in messages_of(response))


# Outlines of a two-stage round and re-checks -----------------------------------------------


def test_a_two_stage_round_takes_outlines_that_staff_invite_or_stop(
    make_round: Callable[..., Round],
    county_officer: User,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    login: Login,
) -> None:
    round = rounds.open_round(make_round(two_stage=True, outline_closes_on=TODAY), by=county_officer)
    first = apply(round, organizations[0], organization_account)
    second = apply(round, organizations[1], other_org_account)
    assert first.status == second.status == ApplicationStatus.OUTLINE
    staff = login(county_officer)
    assert 'data-testid="outline-form"' in staff.get(f"/funding/applications/{first.pk}/").content.decode()
    response = staff.post(f"/funding/applications/{first.pk}/outline/", {"invite": "0", "note": ""})
    assert response.status_code == 200 and response.context["outline_form"].errors
    first.refresh_from_db()
    assert first.status == ApplicationStatus.OUTLINE
    staff.post(f"/funding/applications/{first.pk}/outline/", {"invite": "0", "note": "与本轮重点不符"})
    staff.post(f"/funding/applications/{second.pk}/outline/", {"invite": "1", "note": ""})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ApplicationStatus.NOT_INVITED and first.outline_note == "与本轮重点不符"
    assert second.status == ApplicationStatus.INVITED
    # The organization sees the reason; the invited one may edit its full proposal again.
    page = login(organization_account).get(f"/funding/applications/{first.pk}/").content.decode()
    assert "与本轮重点不符" in page
    assert login(other_org_account).get(f"/funding/applications/{second.pk}/edit/").status_code == 200
    # Deciding again is an illegal move, refused with a message.
    response = staff.post(f"/funding/applications/{first.pk}/outline/", {"invite": "1"}, follow=True)
    first.refresh_from_db()
    assert first.status == ApplicationStatus.NOT_INVITED and messages_of(response)
    # Organizations decide no outline.
    assert (
        login(organization_account)
        .post(f"/funding/applications/{first.pk}/outline/", {"invite": "1"})
        .status_code
        == 403
    )


def test_outline_decisions_only_in_two_stage_rounds(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    login: Login,
) -> None:
    application = apply(open_round, organizations[0], organization_account, submit=False)
    response = login(county_officer).post(f"/funding/applications/{application.pk}/outline/", {"invite": "1"})
    assert response.status_code == 404


def test_staff_check_eligibility_again_after_a_record_is_corrected(
    make_round: Callable[..., Round],
    county_officer: User,
    organizations: list[Organization],
    organization_account: User,
    login: Login,
) -> None:
    round = rounds.open_round(make_round(legal_forms=["association"]), by=county_officer)
    application = apply(round, organizations[0], organization_account)
    assert application.status == ApplicationStatus.INELIGIBLE
    assert (
        login(organization_account).post(f"/funding/applications/{application.pk}/recheck/").status_code
        == 403
    )
    # The registry's record was wrong: it is an association.
    Organization.objects.filter(pk=organizations[0].pk).update(legal_form="association")
    response = login(county_officer).post(f"/funding/applications/{application.pk}/recheck/", follow=True)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE and application.eligibility_reasons == []
    assert "Checked again: the application is eligible." in messages_of(response)


# Who sees what -------------------------------------------------------------------------------


def test_denials(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    county_officer: User,
    jintan_officer: User,
    daibu_officer: User,
    expert: User,
    village_worker: User,
    login: Login,
) -> None:
    application = apply(open_round, organizations[0], organization_account, submit=False)
    base = f"/funding/applications/{application.pk}"
    writes = [
        f"/funding/rounds/{open_round.pk}/apply/",
        f"{base}/edit/",
        f"{base}/submit/",
        f"{base}/withdraw/",
        f"{base}/outline/",
        f"{base}/recheck/",
        f"{base}/defense/",
        f"{base}/override/",
    ]
    for url in [*writes, base + "/", "/funding/applications/"]:
        response = Client().post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    # Without the permission: 403.
    for url in [
        f"/funding/rounds/{open_round.pk}/apply/",
        f"{base}/edit/",
        f"{base}/submit/",
        f"{base}/withdraw/",
    ]:
        assert login(expert).post(url).status_code == 403, url
    for url in [f"{base}/outline/", f"{base}/recheck/", f"{base}/defense/", f"{base}/override/"]:
        assert login(organization_account).post(url).status_code == 403, url
    assert login(village_worker).get("/funding/applications/").status_code == 403
    # Another organization, staff of another county, a town that does not run the round: 404.
    for user in (other_org_account, jintan_officer, daibu_officer):
        assert login(user).get(base + "/").status_code == 404, user
    for url in [f"{base}/edit/", f"{base}/submit/", f"{base}/withdraw/"]:
        assert login(other_org_account).post(url, {"reason": "x"}).status_code == 404, url
    for url in writes[1:]:
        assert login(jintan_officer).post(url, {"reason": "x"}).status_code == 404, url
    assert login(jintan_officer).get(f"/funding/rounds/{open_round.pk}/apply/").status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.version == 2


def test_each_sees_only_their_own_in_the_list(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    county_officer: User,
    jintan_officer: User,
    login: Login,
) -> None:
    mine = apply(open_round, organizations[0], organization_account, title="我的项目")
    theirs = apply(open_round, organizations[1], other_org_account, title="别人的项目")
    apply(open_round, organizations[2], county_officer, title="纸质申报项目")
    page = login(organization_account).get("/funding/applications/").content.decode()
    assert mine.title in page and theirs.title not in page
    assert 'data-testid="export"' not in page
    staff = login(county_officer)
    assert len(staff.get("/funding/applications/").context["page"]) == 3
    searched = staff.get("/funding/applications/", {"q": "邻里调解"}).context["page"]
    assert [a.pk for a in searched] == [theirs.pk]
    assert len(staff.get("/funding/applications/", {"status": "draft"}).context["page"]) == 0
    assert (
        len(
            staff.get("/funding/applications/", {"round": open_round.pk, "field": field().pk}).context["page"]
        )
        == 3
    )
    export = staff.get("/funding/applications/", {"format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(login(jintan_officer).get("/funding/applications/").context["page"]) == 0


def test_the_list_takes_as_many_queries_for_many_rows(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    login: Login,
) -> None:
    client = login(county_officer)
    apply(open_round, organizations[0], organization_account, title="项目0")
    with CaptureQueriesContext(connection) as few:
        client.get("/funding/applications/")
    for index in range(1, 6):
        apply(open_round, organizations[index % 3], county_officer, title=f"项目{index}")
    with CaptureQueriesContext(connection) as more:
        response = client.get("/funding/applications/")
    assert len(response.context["page"]) == 6
    assert len(more) == len(few)


# Review results, defense, override -------------------------------------------------------------


def test_an_applicant_never_sees_expert_names_and_scores_only_after_the_notice_starts(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    county_officer: User,
    experts: list[Expert],
    advance: Callable[..., Round],
    login: Login,
) -> None:
    application = apply(open_round, organizations[0], organization_account)
    apply(open_round, organizations[1], other_org_account)
    advance(open_round, "scored")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCORED and application.final_score == Decimal("80.00")
    staff = login(county_officer).get(f"/funding/applications/{application.pk}/").content.decode()
    assert 'data-testid="panel"' in staff and "专家" in staff
    assert 'data-testid="final-score">80.00' in staff
    client = login(organization_account)
    page = client.get(f"/funding/applications/{application.pk}/").content.decode()
    assert "专家" not in page and "expert-" not in page and 'data-testid="panel"' not in page
    assert 'data-testid="not-published"' in page and "80.00" not in page
    assert "Being reviewed" in page and "Scored" not in page

    selection.select_projects(open_round, by=county_officer)
    selection.start_notice(open_round, by=county_officer)
    page = client.get(f"/funding/applications/{application.pk}/").content.decode()
    assert "专家" not in page and "expert-" not in page and 'data-testid="panel"' not in page
    assert 'data-testid="final-score">80.00' in page and 'data-testid="review-score">80.00' in page


def test_staff_enter_the_defense_scores_of_the_panel(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    jintan_officer: User,
    experts: list[Expert],
    login: Login,
) -> None:
    application = apply(open_round, organizations[0], organization_account)
    round = rounds.start_review(open_round, by=county_officer)
    review.draw_panels(round, by=county_officer, seed="defense")
    score_all(round)
    client = login(county_officer)
    page = client.get(f"/funding/applications/{application.pk}/defense/")
    assert page.status_code == 200
    panel = list(application.assignments.active().select_related("expert"))
    assert len(page.context["form"].fields) == 5
    assert all(a.expert.name in page.content.decode() for a in panel)
    partial = {f"e{a.expert_id}": "90" for a in panel[:4]}
    response = client.post(f"/funding/applications/{application.pk}/defense/", partial)
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        f"/funding/applications/{application.pk}/defense/", {f"e{a.expert_id}": "101" for a in panel}
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        f"/funding/applications/{application.pk}/defense/", {f"e{a.expert_id}": "90" for a in panel}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    # Review 80 (every line 4 of 5), defense 90 weighing 40%: 80 × 0.6 + 90 × 0.4 = 84.
    assert application.review_score == Decimal("80.00") and application.defense_score == Decimal("90.00")
    assert application.final_score == Decimal("84.00")
    assert login(jintan_officer).get(f"/funding/applications/{application.pk}/defense/").status_code == 404
    assert (
        login(organization_account).get(f"/funding/applications/{application.pk}/defense/").status_code == 403
    )


def test_an_override_needs_a_reason(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    county_officer: User,
    experts: list[Expert],
    advance: Callable[..., Round],
    login: Login,
) -> None:
    application = apply(open_round, organizations[0], organization_account)
    advance(open_round, "selected")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SELECTED
    client = login(county_officer)
    assert client.get(f"/funding/applications/{application.pk}/override/").status_code == 200
    response = client.post(
        f"/funding/applications/{application.pk}/override/", {"selected": "0", "reason": "  "}
    )
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SELECTED and not application.overridden
    response = client.post(
        f"/funding/applications/{application.pk}/override/",
        {"selected": "0", "reason": "实地核查发现场地不具备条件"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_SELECTED and application.overridden
    assert application.override_reason == "实地核查发现场地不具备条件" and application.awarded is None
    page = client.get(f"/funding/applications/{application.pk}/").content.decode()
    assert 'data-testid="override-reason">实地核查发现场地不具备条件' in page
    # More than the request is refused by the service, with its message.
    response = client.post(
        f"/funding/applications/{application.pk}/override/",
        {"selected": "1", "amount": "999999", "reason": "复核"},
    )
    assert response.status_code == 200 and "no more than the request" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_SELECTED
