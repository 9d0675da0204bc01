"""Expert review through the expert's pages: the assignments by round, the declaration of no
conflict before the file opens, recusal with a replacement drawn, and scoring on the rubric
that brings the application's review score in line (a trimmed mean with five experts)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peiyu.accounts.models import User
from peiyu.funding.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    DrawPurpose,
    ReviewScore,
    Round,
)
from peiyu.funding.services import review, rounds
from peiyu.funding.tests.conftest import apply
from peiyu.orgs.models import Organization
from peiyu.people.models import Expert

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
SUMMARY = "进村入户开展法治宣传。"  # what apply() writes in the file
BUDGET_ITEM = "宣传活动"


@pytest.fixture
def login() -> Login:
    """Signed-in clients that read the interface in English, the language of the msgids."""

    def sign_in(user: User) -> Client:
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def reviewing(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    county_officer: User,
    experts: list[Expert],
) -> Round:
    """Three applications with their panels of five drawn from the pool of eight."""
    apply(open_round, organizations[0], organization_account, title="阳光普法")
    apply(open_round, organizations[1], other_org_account, title="邻里调解")
    apply(open_round, organizations[2], county_officer, title="青少年法治课堂")
    round = rounds.start_review(open_round, by=county_officer)
    review.draw_panels(round, by=county_officer, seed="views")
    return round


def mine(expert: User) -> Assignment:
    return Assignment.objects.filter(expert__account=expert).select_related("application").order_by("pk")[0]


def scores(round: Round, value: int) -> dict[str, Any]:
    return {f"c{c.pk}": value for c in round.criteria.all()}


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_expert_lists_their_assignments_by_round_others_are_refused(
    reviewing: Round,
    expert: User,
    county_officer: User,
    organization_account: User,
    login: Login,
) -> None:
    response = login(expert).get("/funding/reviews/")
    assert response.status_code == 200
    assigned = Assignment.objects.filter(expert__account=expert)
    assert assigned.exists()
    page = response.content.decode()
    assert f'data-testid="round-{reviewing.pk}"' in page
    for assignment in assigned.select_related("application"):
        assert assignment.application.title in page
    others = Application.objects.filter(round=reviewing).exclude(assignments__expert__account=expert)
    for application in others:
        assert application.title not in page
    for user in (county_officer, organization_account):
        assert login(user).get("/funding/reviews/").status_code == 403
    assert Client().get("/funding/reviews/").status_code == 302


def test_the_file_stays_closed_until_the_expert_declares_no_conflict(
    reviewing: Round, expert: User, login: Login
) -> None:
    assignment = mine(expert)
    client = login(expert)
    # The applications page sends the expert to the review page, which holds the file back.
    response = client.get(f"/funding/applications/{assignment.application_id}/")
    assert response.status_code == 302 and response["Location"] == f"/funding/reviews/{assignment.pk}/"
    page = client.get(f"/funding/reviews/{assignment.pk}/").content.decode()
    assert assignment.application.title in page and 'data-testid="applicant"' in page
    assert 'data-testid="declaration-form"' in page
    assert SUMMARY not in page and BUDGET_ITEM not in page and 'data-testid="score-form"' not in page
    # Scoring before declaring is refused.
    response = client.post(f"/funding/reviews/{assignment.pk}/score/", scores(reviewing, 4), follow=True)
    assert not ReviewScore.objects.filter(assignment=assignment).exists()
    assert "Declare that you have no conflict before the file opens." in messages_of(response)

    response = client.post(f"/funding/reviews/{assignment.pk}/declare/", {"declaration": "none"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.OPEN and assignment.declared_at is not None
    page = client.get(f"/funding/reviews/{assignment.pk}/").content.decode()
    assert SUMMARY in page and BUDGET_ITEM in page and 'data-testid="score-form"' in page
    assert "优秀" in page and "weight 30" in page  # anchors and weights next to the scores
    # Declaring twice is an illegal move, refused with a message.
    response = client.post(f"/funding/reviews/{assignment.pk}/declare/", {"declaration": "none"})
    assert response.status_code == 200 and messages_of(response)


def test_an_expert_sees_only_what_is_assigned_to_them(
    reviewing: Round, experts: list[Expert], county_officer: User, organization_account: User, login: Login
) -> None:
    application = Application.objects.filter(round=reviewing).order_by("pk").first()
    assert application is not None
    panel = set(application.assignments.values_list("expert_id", flat=True))
    outsider = next(e for e in experts if e.pk not in panel)
    assert outsider.account is not None
    client = login(outsider.account)
    assert client.get(f"/funding/applications/{application.pk}/").status_code == 404
    someone_elses = application.assignments.order_by("pk").first()
    assert someone_elses is not None
    assert client.get(f"/funding/reviews/{someone_elses.pk}/").status_code == 404
    response = client.post(f"/funding/reviews/{someone_elses.pk}/declare/", {"declaration": "none"})
    assert response.status_code == 404
    response = client.post(f"/funding/reviews/{someone_elses.pk}/score/", scores(reviewing, 5))
    assert response.status_code == 404
    listed = client.get("/funding/applications/").context["page"]
    assert application.pk not in [a.pk for a in listed]
    assert {a.pk for a in listed} == set(
        Application.objects.filter(assignments__expert=outsider).values_list("pk", flat=True)
    )
    # Staff and organizations have no review of their own to score.
    for user in (county_officer, organization_account):
        assert login(user).post(f"/funding/reviews/{someone_elses.pk}/score/").status_code == 403
    assert Client().post(f"/funding/reviews/{someone_elses.pk}/declare/").status_code == 302
    someone_elses.refresh_from_db()
    assert someone_elses.status == AssignmentStatus.DRAWN


def test_declaring_a_conflict_recuses_the_expert_and_draws_a_replacement(
    reviewing: Round, expert: User, login: Login
) -> None:
    assignment = mine(expert)
    application = assignment.application
    before = set(application.assignments.values_list("expert_id", flat=True))
    client = login(expert)
    response = client.post(
        f"/funding/reviews/{assignment.pk}/declare/", {"declaration": "conflict", "note": ""}
    )
    assert response.status_code == 200 and response.context["declaration_form"].errors
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DRAWN

    response = client.post(
        f"/funding/reviews/{assignment.pk}/declare/",
        {"declaration": "conflict", "note": "我是该机构的法律顾问"},
    )
    assert response.status_code == 302 and response["Location"] == "/funding/reviews/"
    assignment.refresh_from_db()
    assert (
        assignment.status == AssignmentStatus.RECUSED and assignment.conflict_note == "我是该机构的法律顾问"
    )
    replacement = application.assignments.exclude(expert_id__in=before).get()
    assert (
        replacement.draw.purpose == DrawPurpose.REPLACEMENT and replacement.status == AssignmentStatus.DRAWN
    )
    assert application.assignments.active().count() == reviewing.experts_per_application
    assert review.verify_draw(replacement.draw)
    # The recused expert's file stays closed and they cannot score.
    page = client.get(f"/funding/reviews/{assignment.pk}/").content.decode()
    assert 'data-testid="recused"' in page and SUMMARY not in page and 'data-testid="score-form"' not in page
    response = client.post(f"/funding/reviews/{assignment.pk}/score/", scores(reviewing, 5), follow=True)
    assert not ReviewScore.objects.filter(assignment=assignment).exists()
    assert messages_of(response)
    assignment.refresh_from_db()
    assert assignment.total is None


def test_scores_make_the_trimmed_mean_and_can_be_changed_during_the_review(
    reviewing: Round, login: Login
) -> None:
    application = Application.objects.filter(round=reviewing).order_by("pk").first()
    assert application is not None
    panel = list(application.assignments.select_related("expert__account").order_by("pk"))
    assert len(panel) == 5
    # Every line at 5, 5, 4, 2 and 0: totals 100, 100, 80, 40, 0. Trimmed (five experts): drop
    # one 100 and the 0, then (100 + 80 + 40) / 3 = 73.33; the plain mean would be 64.
    for assignment, value in zip(panel, [5, 5, 4, 2, 0], strict=True):
        client = login(assignment.expert.account)
        client.post(f"/funding/reviews/{assignment.pk}/declare/", {"declaration": "none"})
        response = client.post(
            f"/funding/reviews/{assignment.pk}/score/", {**scores(reviewing, value), "comment": "设计合理"}
        )
        assert response.status_code == 302
    application.refresh_from_db()
    assert [a.total for a in application.assignments.order_by("pk")] == [
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("80.00"),
        Decimal("40.00"),
        Decimal("0.00"),
    ]
    assert application.status == ApplicationStatus.SCORED
    assert application.review_score == Decimal("73.33")

    # The first expert changes their mind: 3 everywhere, total 60. The totals are now 0, 40,
    # 60, 80, 100; trimmed: (40 + 60 + 80) / 3 = 60.
    first = panel[0]
    client = login(first.expert.account)
    form = client.get(f"/funding/reviews/{first.pk}/").context["score_form"]
    assert {field.initial for name, field in form.fields.items() if name != "comment"} == {5}
    response = client.post(f"/funding/reviews/{first.pk}/score/", scores(reviewing, 3))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.review_score == Decimal("60.00")
    # A missing line or a score off the scale is refused; nothing changes.
    partial = scores(reviewing, 4)
    partial.pop(next(iter(partial)))
    response = client.post(f"/funding/reviews/{first.pk}/score/", partial)
    assert response.status_code == 200 and response.context["score_form"].errors
    response = client.post(f"/funding/reviews/{first.pk}/score/", scores(reviewing, 6))
    assert response.status_code == 200 and response.context["score_form"].errors
    first.refresh_from_db()
    assert first.total == Decimal("60.00")


def test_the_review_list_takes_as_many_queries_for_many_assignments(
    open_round: Round,
    organizations: list[Organization],
    county_officer: User,
    experts: list[Expert],
    expert: User,
    login: Login,
) -> None:
    client = login(expert)
    with CaptureQueriesContext(connection) as none:
        client.get("/funding/reviews/")
    for index in range(6):
        apply(open_round, organizations[index % 3], county_officer, title=f"项目{index}")
    round = rounds.start_review(open_round, by=county_officer)
    review.draw_panels(round, by=county_officer, seed="many")
    assert Assignment.objects.filter(expert__account=expert).count() >= 2
    with CaptureQueriesContext(connection) as many:
        response = client.get("/funding/reviews/")
    assert response.status_code == 200
    assert len(many) == len(none)
