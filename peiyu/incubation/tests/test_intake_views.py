"""Intake through the back-office pages: the list of applications, an application entered by
staff, reviews on the incubator's scoring form, and the decision that admits a resident."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.incubation.models import (
    Call,
    Criterion,
    Incubator,
    IntakeApplication,
    IntakeStatus,
    Residency,
    Review,
)
from peiyu.incubation.services import incubators, intake
from peiyu.orgs.models import Organization
from peiyu.people.tests.conftest import make_organization
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, DAIBU, first_village, region

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


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def submitted(incubator: Incubator, by: User, name: str = "戴埠镇邻里守望队") -> IntakeApplication:
    return intake.submit_intake(
        incubator=incubator,
        applicant=intake.Applicant(
            name=name,
            region=first_village(DAIBU),
            contact_name="李四",
            contact_phone="13812345678",
            plan="组织村民开展邻里守望和矛盾纠纷排查。",
            members=8,
        ),
        by=by,
    )


def open_call(incubator: Incubator, by: User) -> Call:
    today = timezone.localdate()
    call = incubators.create_call(
        incubator,
        values=incubators.CallValues(
            title="第一期招募", text="招募正在筹建的社区社会组织。", places=3, opens_on=today, closes_on=today
        ),
        by=by,
    )
    return incubators.move_call(call, to="open", by=by)


def scores_for(incubator: Incubator, points: list[int]) -> dict[str, Any]:
    criteria = Criterion.objects.filter(incubator=incubator, is_active=True).order_by("order", "id")
    return {f"c{c.pk}": p for c, p in zip(criteria, points, strict=True)}


def application_form(**changes: Any) -> dict[str, Any]:
    values = {
        "applicant_kind": "group",
        "name": "戴埠镇银发调解队",
        "region": first_village(DAIBU).code,
        "members": 6,
        "contact_name": "张三",
        "contact_phone": "13900001111",
        "plan": "组织退休干部参与村内矛盾纠纷调解。",
        "support_needed": "调解技能培训",
        "activity_fields": ["dispute"],
    }
    return {**values, **changes}


# Who sees what -----------------------------------------------------------------------------


def test_every_page_renders_for_the_operator_and_the_county_officer(
    incubator: Incubator, incubator_operator: User, county_officer: User, login: Login
) -> None:
    application = submitted(incubator, county_officer)
    for user in (incubator_operator, county_officer):
        client = login(user)
        for url in (
            "/incubation/intake/",
            "/incubation/intake/new/",
            f"/incubation/intake/{application.pk}/",
        ):
            assert client.get(url).status_code == 200, (user, url)
        page = client.get(f"/incubation/intake/{application.pk}/").content.decode()
        assert 'data-testid="review-form"' in page
        assert 'data-testid="decision-form"' in page and "data-confirm=" in page
        assert "138****5678" in page and "13812345678" not in page


def test_the_other_operator_and_another_town_get_404(
    incubator: Incubator,
    other_incubator: Incubator,
    other_operator: User,
    tianmuhu_officer: User,
    county_officer: User,
    login: Login,
) -> None:
    application = submitted(incubator, county_officer)
    for user in (other_operator, tianmuhu_officer):
        client = login(user)
        assert client.get(f"/incubation/intake/{application.pk}/").status_code == 404
        assert client.get(f"/incubation/{incubator.pk}/").status_code == 404
        assert client.post(f"/incubation/intake/{application.pk}/review/", {}).status_code == 404
        decide = client.post(f"/incubation/intake/{application.pk}/decide/", {"decision": "withdrawn"})
        assert decide.status_code == 404
        assert [a.pk for a in client.get("/incubation/intake/?status=all").context["page"]] == []
    # Nor can the other operator enter an application for this incubator.
    form = login(other_operator).get("/incubation/intake/new/").context["form"]
    assert list(form.incubators) == [other_incubator.pk]
    application.refresh_from_db()
    assert application.status == IntakeStatus.SUBMITTED


def test_the_village_worker_has_no_intake_pages(
    incubator: Incubator, village_worker: User, county_officer: User, login: Login
) -> None:
    application = submitted(incubator, county_officer)
    client = login(village_worker)
    assert client.get("/incubation/intake/").status_code == 403
    assert client.get("/incubation/intake/new/").status_code == 403
    assert client.get(f"/incubation/intake/{application.pk}/").status_code == 403
    assert client.post(f"/incubation/intake/{application.pk}/decide/", {}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(
    incubator: Incubator, county_officer: User, client: Client
) -> None:
    application = submitted(incubator, county_officer)
    for url in ("/incubation/intake/", "/incubation/intake/new/", f"/incubation/intake/{application.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"]
    assert "/login" in client.post(f"/incubation/intake/{application.pk}/decide/", {})["Location"]


def test_the_list_filters_and_opens_on_the_waiting(
    incubator: Incubator, other_incubator: Incubator, county_officer: User, login: Login
) -> None:
    waiting = submitted(incubator, county_officer, "戴埠镇邻里守望队")
    other = submitted(other_incubator, county_officer, "天目湖镇护河队")
    declined = submitted(incubator, county_officer, "戴埠镇舞蹈队")
    intake.decide_intake(declined, decision="declined", note="不属于培育方向", by=county_officer)
    client = login(county_officer)

    def listed(query: str = "") -> set[str]:
        return {a.name for a in client.get(f"/incubation/intake/?{query}").context["page"]}

    assert listed() == {waiting.name, other.name}
    assert listed("status=all") == {waiting.name, other.name, declined.name}
    assert listed("status=declined") == {declined.name}
    assert listed(f"status=all&incubator={incubator.pk}") == {waiting.name, declined.name}
    assert listed("q=护河") == {other.name}
    assert listed(f"q={waiting.reference.lower()}") == {waiting.name}
    # Nonsense filters fall back to the waiting list rather than fail.
    assert listed("incubator=abc") == {waiting.name, other.name}


def test_the_list_costs_the_same_queries_for_more_applications(
    incubator: Incubator, county_officer: User, incubator_operator: User, login: Login
) -> None:
    client = login(county_officer)
    first = submitted(incubator, county_officer, "第0队")
    intake.review_intake(first, scores=scores_by_pk(incubator, [20, 15, 15, 15, 10]), by=county_officer)
    with CaptureQueriesContext(connection) as few:
        client.get("/incubation/intake/")
    for index in range(1, 5):
        application = submitted(incubator, county_officer, f"第{index}队")
        intake.review_intake(
            application, scores=scores_by_pk(incubator, [10, 10, 10, 10, 10]), by=incubator_operator
        )
    with CaptureQueriesContext(connection) as more:
        response = client.get("/incubation/intake/")
    assert len(response.context["page"]) == 5
    assert len(more) == len(few)


def scores_by_pk(incubator: Incubator, points: list[int]) -> dict[int, int]:
    criteria = Criterion.objects.filter(incubator=incubator, is_active=True).order_by("order", "id")
    return {c.pk: p for c, p in zip(criteria, points, strict=True)}


# Entering, reviewing and deciding ----------------------------------------------------------


def test_entered_reviewed_by_two_and_admitted(
    incubator: Incubator, incubator_operator: User, county_officer: User, login: Login
) -> None:
    operator = login(incubator_operator)
    call = open_call(incubator, county_officer)
    response = operator.post(
        "/incubation/intake/new/", application_form(incubator=incubator.pk, call=call.pk)
    )
    application = IntakeApplication.objects.get(name="戴埠镇银发调解队")
    assert response["Location"] == f"/incubation/intake/{application.pk}/"
    assert (application.channel, application.call, application.submitted_by) == (
        "office",
        call,
        incubator_operator,
    )
    assert list(application.fields.values_list("code", flat=True)) == ["dispute"]

    url = f"/incubation/intake/{application.pk}/"
    assert (
        operator.post(
            url + "review/", {**scores_for(incubator, [20, 18, 16, 14, 12]), "comment": "骨干稳定"}
        ).status_code
        == 302
    )
    officer = login(county_officer)
    assert officer.post(url + "review/", scores_for(incubator, [24, 20, 18, 16, 12])).status_code == 302
    assert Review.objects.filter(application=application).count() == 2
    page = officer.get(url)
    assert page.context["average"] == Decimal("85.0")
    assert "Average 85.0 of 100" in page.content.decode()
    assert "骨干稳定" in page.content.decode()
    listed = officer.get("/incubation/intake/").context["page"][0]
    assert (listed.review_count, listed.average) == (2, Decimal("85"))

    decided = officer.post(
        url + "decide/",
        {
            "decision": "admitted",
            "started_on": timezone.localdate().isoformat(),
            "workspace": "A-203",
            "seen_version": application.version,
        },
    )
    application.refresh_from_db()
    residency = Residency.objects.get(intake=application)
    assert application.status == IntakeStatus.ADMITTED
    assert decided["Location"] == f"/incubation/residents/{residency.pk}/"
    assert (residency.workspace, residency.call) == ("A-203", call)
    after = officer.get(url).content.decode()
    assert 'data-testid="residency"' in after
    assert 'data-testid="decision-form"' not in after and 'data-testid="review-form"' not in after
    timeline = [label for _event, label in officer.get(url).context["events"]]
    assert timeline == ["Submitted", "Scored", "Scored", "Admitted"]


def test_a_score_above_the_maximum_is_refused(
    incubator: Incubator, incubator_operator: User, county_officer: User, login: Login
) -> None:
    application = submitted(incubator, county_officer)
    response = login(incubator_operator).post(
        f"/incubation/intake/{application.pk}/review/", scores_for(incubator, [99, 18, 16, 14, 12])
    )
    assert response.status_code == 200
    assert "less than or equal to 25" in response.content.decode()
    assert not Review.objects.exists()


def test_declining_needs_a_reason(
    incubator: Incubator, incubator_operator: User, county_officer: User, login: Login
) -> None:
    application = submitted(incubator, county_officer)
    client = login(incubator_operator)
    url = f"/incubation/intake/{application.pk}/decide/"
    refused = client.post(url, {"decision": "declined", "note": "  ", "seen_version": application.version})
    assert refused.status_code == 200
    assert "Give the reason for declining." in refused.content.decode()
    application.refresh_from_db()
    assert application.status == IntakeStatus.SUBMITTED
    done = client.post(
        url, {"decision": "declined", "note": "活动内容与孵化方向不符", "seen_version": application.version}
    )
    assert done["Location"] == f"/incubation/intake/{application.pk}/"
    application.refresh_from_db()
    assert (application.status, application.decision_note) == (
        IntakeStatus.DECLINED,
        "活动内容与孵化方向不符",
    )
    assert not Residency.objects.exists()
    again = client.post(url, {"decision": "admitted", "seen_version": application.version}, follow=True)
    assert "This application was already decided; nothing was changed." in messages_of(again)
    rescored = client.post(
        f"/incubation/intake/{application.pk}/review/", scores_for(incubator, [1, 1, 1, 1, 1])
    )
    assert rescored.status_code == 302
    assert not Review.objects.exists()


def test_a_stale_decision_is_refused(incubator: Incubator, county_officer: User, login: Login) -> None:
    application = submitted(incubator, county_officer)
    response = login(county_officer).post(
        f"/incubation/intake/{application.pk}/decide/",
        {"decision": "admitted", "seen_version": application.version + 1},
    )
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    application.refresh_from_db()
    assert application.status == IntakeStatus.SUBMITTED
    assert not Residency.objects.exists()


def test_an_organization_applies_from_the_registry(
    incubator: Incubator, county_officer: User, login: Login
) -> None:
    organization: Organization = make_organization("戴埠镇乡贤议事会", DAIBU)
    response = login(county_officer).post(
        "/incubation/intake/new/",
        application_form(
            incubator=incubator.pk,
            applicant_kind="organization",
            organization=organization.pk,
            name="",
            region="",
        ),
    )
    assert response.status_code == 302
    application = IntakeApplication.objects.get(organization=organization)
    assert (application.name, application.region_id) == (organization.name, organization.region_id)


def test_the_form_refuses_what_does_not_fit(
    incubator: Incubator, other_incubator: Incubator, county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    other_call = open_call(other_incubator, county_officer)
    wrong_call = client.post(
        "/incubation/intake/new/", application_form(incubator=incubator.pk, call=other_call.pk)
    )
    assert "This call belongs to another incubator." in wrong_call.content.decode()
    outside = region(CHANGZHOU_OTHER_COUNTY)
    elsewhere = client.post(
        "/incubation/intake/new/", application_form(incubator=incubator.pk, region=outside.code)
    )
    assert elsewhere.status_code == 200
    no_org = client.post(
        "/incubation/intake/new/", application_form(incubator=incubator.pk, applicant_kind="organization")
    )
    assert "Name the organization in the registry." in no_org.content.decode()
    submitted(incubator, county_officer, "戴埠镇银发调解队")
    twice = client.post("/incubation/intake/new/", application_form(incubator=incubator.pk))
    assert "already has an application waiting" in twice.content.decode()
    assert IntakeApplication.objects.count() == 1
