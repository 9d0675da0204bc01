"""On-site inspection and rectification through the back-office pages, as each persona sees
them: plans, visits with a finding per checklist item, the rectification notice with its Word
document, the re-check, overdue notices and the to-do entry."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.core.todos import PROVIDERS
from peiyu.lib.docx import text_of
from peiyu.orgs.models import Organization
from peiyu.people.tests.conftest import make_organization
from peiyu.supervision.models import (
    ChecklistItem,
    Finding,
    FindingResult,
    InspectionPlan,
    NoticeStatus,
    RectificationNotice,
    SupervisionEvent,
    Visit,
    VisitStatus,
)
from peiyu.supervision.services import onsite as services
from peiyu.supervision.todos import overdue_notices
from peiyu.testing import DAIBU, TIANMUHU, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def own_org(organization_account: User) -> Organization:
    """戴埠镇's organization run by the organization persona."""
    org = make_organization("戴埠镇邻里守望互助会", DAIBU)
    org.accounts.add(organization_account)
    return org


@pytest.fixture
def daibu_org(regions: None) -> Organization:
    return make_organization("戴埠镇老年协会", DAIBU)


@pytest.fixture
def tianmuhu_org(regions: None) -> Organization:
    return make_organization("天目湖镇文体队", TIANMUHU)


def items() -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(is_active=True))


def results(problem: str = "会议纪要缺失") -> list[services.Result]:
    """The first item has a problem (when ``problem`` is given), the rest are in order."""
    listed = items()
    first = services.Result(listed[0], FindingResult.PROBLEM, problem) if problem else None
    rest = [services.Result(item, FindingResult.OK) for item in listed[1:]]
    return [first, *rest] if first else [services.Result(listed[0], FindingResult.OK), *rest]


def inspected(by: User, organization: Organization, problem: str = "会议纪要缺失") -> Visit:
    visit = services.plan_visit(organization=organization, planned_on=TODAY(), by=by)
    return services.record_visit(
        visit, inspected_on=TODAY(), inspectors="张三、李四", results=results(problem), by=by
    )


def noticed(by: User, organization: Organization, days: int = 30) -> RectificationNotice:
    return services.issue_notice(
        inspected(by, organization), requirements="补齐会议纪要", deadline=TODAY() + days * DAY, by=by
    )


def record_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "record",
        "inspected_on": TODAY().isoformat(),
        "inspectors": "张三、李四",
        "version": 1,
        "summary": "",
    }
    for item in items():
        data[f"result_{item.pk}"], data[f"note_{item.pk}"] = "ok", ""
    return {**data, **changes}


# The whole way: plan → visit → findings → notice with its document → re-check


def test_a_plan_leads_to_a_visit_findings_a_notice_and_its_recheck(
    daibu_officer: User, own_org: Organization, login: Login
) -> None:
    client = login(daibu_officer)
    response = client.post(
        "/supervision/plans/new/",
        {
            "title": "2026年戴埠镇社会组织抽查",
            "region": DAIBU,
            "starts_on": TODAY().isoformat(),
            "ends_on": (TODAY() + 60 * DAY).isoformat(),
        },
    )
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/visits/?plan={plan.pk}"
    assert client.get(f"/supervision/visits/new/?plan={plan.pk}").status_code == 200

    response = client.post(
        "/supervision/visits/new/",
        {"organization": own_org.pk, "plan": plan.pk, "planned_on": TODAY().isoformat()},
    )
    visit = Visit.objects.get()
    assert response["Location"] == f"/supervision/visits/{visit.pk}/"
    page = client.get(f"/supervision/visits/{visit.pk}/").content.decode()
    for item in items():
        assert item.name in page  # the configurable checklist is on the form

    archives = items()[0]
    response = client.post(
        f"/supervision/visits/{visit.pk}/",
        record_form(**{f"result_{archives.pk}": "problem", f"note_{archives.pk}": "印章未登记备案"}),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.inspectors, visit.version) == (VisitStatus.DONE, "张三、李四", 2)
    assert Finding.objects.filter(visit=visit).count() == len(items())
    assert Finding.objects.get(visit=visit, result=FindingResult.PROBLEM).item == archives

    assert "印章未登记备案" in client.get(f"/supervision/visits/{visit.pk}/notice/").content.decode()
    deadline = TODAY() + 20 * DAY
    response = client.post(
        f"/supervision/visits/{visit.pk}/notice/",
        {"requirements": "到登记管理机关办理印章备案", "deadline": deadline.isoformat()},
    )
    notice = RectificationNotice.objects.get()
    assert response["Location"] == f"/supervision/notices/{notice.pk}/"
    assert notice.number == f"戴埠镇改〔{TODAY().year}〕1号"
    assert (notice.status, notice.organization, notice.issued_by) == (
        NoticeStatus.OPEN,
        own_org,
        daibu_officer,
    )

    download = client.get(f"/supervision/notices/{notice.pk}/document/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    text = text_of(download.content)
    for expected in (own_org.name, notice.number, chinese(deadline), "到登记管理机关办理印章备案"):
        assert expected in text
    assert "印章未登记备案" in text and "戴埠镇人民政府" in text and "整改通知书" in text

    response = client.post(
        f"/supervision/notices/{notice.pk}/",
        {"outcome": "rectified", "rechecked_on": TODAY().isoformat(), "note": "已完成备案", "version": 1},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.rechecked_on, notice.recheck_note) == (
        NoticeStatus.CLOSED,
        TODAY(),
        "已完成备案",
    )
    steps = SupervisionEvent.objects.filter(organization=own_org).values_list("subject", "action")
    assert list(steps) == [
        ("visit", "planned"),
        ("visit", "done"),
        ("rectificationnotice", "issued"),
        ("rectificationnotice", "closed"),
    ]


def test_every_active_checklist_item_needs_a_result(
    daibu_officer: User, daibu_org: Organization, login: Login
) -> None:
    visit = services.plan_visit(organization=daibu_org, planned_on=TODAY(), by=daibu_officer)
    first = items()[0]
    client = login(daibu_officer)
    missing = client.post(f"/supervision/visits/{visit.pk}/", record_form(**{f"result_{first.pk}": ""}))
    assert missing.status_code == 200
    assert missing.context["record"].errors[f"result_{first.pk}"]
    vague = client.post(f"/supervision/visits/{visit.pk}/", record_form(**{f"result_{first.pk}": "problem"}))
    assert vague.context["record"].errors[f"note_{first.pk}"]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and not visit.findings.exists()
    with pytest.raises(DomainError):
        services.record_visit(
            visit, inspected_on=TODAY(), inspectors="张三", results=results()[1:], by=daibu_officer
        )


def test_nobody_found_is_recorded_without_findings_and_needs_no_notice(
    daibu_officer: User, daibu_org: Organization, login: Login
) -> None:
    visit = services.plan_visit(organization=daibu_org, planned_on=TODAY(), by=daibu_officer)
    client = login(daibu_officer)
    data = {
        "action": "record",
        "inspected_on": TODAY().isoformat(),
        "inspectors": "张三",
        "unreachable": "on",
        "version": 1,
    }
    assert client.post(f"/supervision/visits/{visit.pk}/", data).status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.unreachable and not visit.findings.exists()
    response = client.post(
        f"/supervision/visits/{visit.pk}/notice/",
        {"requirements": "x", "deadline": (TODAY() + 10 * DAY).isoformat()},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not RectificationNotice.objects.exists()


def test_the_checklist_is_configurable_by_administrators(
    administrator: User, county_officer: User, daibu_officer: User, daibu_org: Organization, login: Login
) -> None:
    admin = login(administrator)
    response = admin.post(
        "/supervision/checklist/",
        {"code": "safety", "name": "活动场所安全", "position": 5, "is_active": "on"},
    )
    assert response.status_code == 302
    archives = ChecklistItem.objects.get(code="archives")
    admin.post(
        "/supervision/checklist/?edit=archives",
        {"code": "ignored", "name": archives.name, "position": 1},  # unticked: out of use
    )
    archives.refresh_from_db()
    assert not archives.is_active and archives.code == "archives"
    visit = services.plan_visit(organization=daibu_org, planned_on=TODAY(), by=daibu_officer)
    page = login(daibu_officer).get(f"/supervision/visits/{visit.pk}/").content.decode()
    assert "活动场所安全" in page and archives.name not in page
    assert login(county_officer).get("/supervision/checklist/").status_code == 403
    with pytest.raises(PermissionRefused):
        services.save_checklist_item(code="x", name="x", position=1, is_active=True, by=county_officer)
    with pytest.raises(DomainError):
        services.save_checklist_item(
            code="other", name="活动场所安全", position=1, is_active=True, by=administrator
        )


def test_a_plans_visits_stay_inside_its_region_and_dates(
    daibu_officer: User, county_officer: User, daibu_org: Organization, tianmuhu_org: Organization
) -> None:
    plan = services.create_plan(
        title="戴埠镇抽查",
        region=region(DAIBU),
        starts_on=TODAY(),
        ends_on=TODAY() + 10 * DAY,
        by=county_officer,
    )
    with pytest.raises(DomainError):
        services.plan_visit(organization=tianmuhu_org, planned_on=TODAY(), plan=plan, by=county_officer)
    with pytest.raises(DomainError):
        services.plan_visit(
            organization=daibu_org, planned_on=TODAY() + 11 * DAY, plan=plan, by=county_officer
        )
    with pytest.raises(DomainError):  # a town officer cannot plan for the whole county
        services.create_plan(
            title="全市", region=region("320481"), starts_on=TODAY(), ends_on=TODAY(), by=daibu_officer
        )
    visit = services.plan_visit(organization=daibu_org, planned_on=TODAY(), plan=plan, by=county_officer)
    assert visit.plan == plan


# Illegal moves


def test_a_closed_notice_cannot_be_rechecked_again(
    daibu_officer: User, daibu_org: Organization, login: Login
) -> None:
    notice = noticed(daibu_officer, daibu_org)
    services.recheck_notice(notice, rectified=True, rechecked_on=TODAY(), note="已整改", by=daibu_officer)
    with pytest.raises(TransitionError):
        services.recheck_notice(notice, rectified=False, rechecked_on=TODAY(), note="再查", by=daibu_officer)
    response = login(daibu_officer).post(
        f"/supervision/notices/{notice.pk}/",
        {"outcome": "failed", "rechecked_on": TODAY().isoformat(), "note": "再查", "version": 2},
        follow=True,
    )
    assert response.status_code == 200
    notice.refresh_from_db()
    assert (notice.status, notice.recheck_note) == (NoticeStatus.CLOSED, "已整改")
    assert SupervisionEvent.objects.filter(subject="rectificationnotice", subject_id=notice.pk).count() == 2


def test_visits_move_only_along_their_transitions(daibu_officer: User, daibu_org: Organization) -> None:
    done = inspected(daibu_officer, daibu_org)
    with pytest.raises(TransitionError):
        services.cancel_visit(done, note="取消", by=daibu_officer)
    with pytest.raises(TransitionError):
        services.record_visit(
            done, inspected_on=TODAY(), inspectors="张三", results=results(), by=daibu_officer
        )
    planned = services.plan_visit(organization=daibu_org, planned_on=TODAY(), by=daibu_officer)
    services.cancel_visit(planned, note="组织负责人外出", by=daibu_officer)
    planned.refresh_from_db()
    assert planned.status == VisitStatus.CANCELLED
    with pytest.raises(DomainError):  # nothing to rectify on a cancelled visit
        services.issue_notice(planned, requirements="x", deadline=TODAY() + DAY, by=daibu_officer)


def test_one_open_notice_per_visit_and_a_deadline_after_today(
    daibu_officer: User, daibu_org: Organization
) -> None:
    visit = inspected(daibu_officer, daibu_org)
    with pytest.raises(DomainError):
        services.issue_notice(visit, requirements="补齐", deadline=TODAY(), by=daibu_officer)
    services.issue_notice(visit, requirements="补齐", deadline=TODAY() + DAY, by=daibu_officer)
    with pytest.raises(DomainError):
        services.issue_notice(visit, requirements="补齐", deadline=TODAY() + DAY, by=daibu_officer)
    assert visit.notices.count() == 1


def test_not_rectified_waits_until_the_deadline_has_passed(
    daibu_officer: User, daibu_org: Organization
) -> None:
    notice = noticed(daibu_officer, daibu_org)
    with pytest.raises(DomainError):
        services.recheck_notice(
            notice, rectified=False, rechecked_on=TODAY(), note="未整改", by=daibu_officer
        )
    RectificationNotice.objects.filter(pk=notice.pk).update(deadline=TODAY() - DAY)
    notice.refresh_from_db()
    services.recheck_notice(notice, rectified=False, rechecked_on=TODAY(), note="未整改", by=daibu_officer)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED  # the credit rules read this


# Overdue notices and the to-do entry


def test_a_notice_is_overdue_from_the_day_after_its_deadline(
    daibu_officer: User,
    tianmuhu_officer: User,
    county_officer: User,
    daibu_org: Organization,
    own_org: Organization,
    login: Login,
) -> None:
    due_today, due_yesterday = noticed(daibu_officer, daibu_org), noticed(daibu_officer, own_org)
    RectificationNotice.objects.filter(pk=due_today.pk).update(deadline=TODAY())
    RectificationNotice.objects.filter(pk=due_yesterday.pk).update(deadline=TODAY() - DAY)
    assert list(RectificationNotice.objects.overdue(TODAY())) == [due_yesterday]

    client = login(daibu_officer)
    listed = client.get("/supervision/visits/?tab=notices").content.decode()
    assert listed.count('data-overdue="true"') == 1
    overdue = client.get("/supervision/visits/?tab=notices&status=overdue")
    assert [n.pk for n in overdue.context["page"]] == [due_yesterday.pk]
    assert client.get(f"/supervision/notices/{due_yesterday.pk}/").context["overdue"] is True
    assert client.get(f"/supervision/notices/{due_today.pk}/").context["overdue"] is False

    [todo] = overdue_notices(daibu_officer)
    assert (todo.count, todo.url) == (1, "/supervision/visits/?tab=notices&status=overdue")
    assert overdue_notices(county_officer)[0].count == 1
    assert overdue_notices(tianmuhu_officer) == []  # none in 天目湖镇
    assert overdue_notices(own_org.accounts.get()) == []  # organizations do not inspect
    assert overdue_notices in PROVIDERS
    services.recheck_notice(
        due_yesterday, rectified=True, rechecked_on=TODAY(), note="已整改", by=daibu_officer
    )
    assert overdue_notices(daibu_officer) == []


# Who may do what


def test_anonymous_visitors_are_sent_to_sign_in(
    daibu_officer: User, daibu_org: Organization, client: Client
) -> None:
    notice = noticed(daibu_officer, daibu_org)
    for url in (
        "/supervision/visits/",
        "/supervision/visits/new/",
        "/supervision/plans/",
        "/supervision/plans/new/",
        f"/supervision/visits/{notice.visit_id}/",
        f"/supervision/visits/{notice.visit_id}/notice/",
        f"/supervision/notices/{notice.pk}/",
        f"/supervision/notices/{notice.pk}/document/",
        "/supervision/checklist/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_village_workers_have_no_access(
    village_worker: User, daibu_officer: User, daibu_org: Organization, login: Login
) -> None:
    notice = noticed(daibu_officer, daibu_org)
    client = login(village_worker)
    for url in (
        "/supervision/visits/",
        "/supervision/visits/new/",
        "/supervision/plans/",
        "/supervision/plans/new/",
        f"/supervision/visits/{notice.visit_id}/",
        f"/supervision/visits/{notice.visit_id}/notice/",
        f"/supervision/notices/{notice.pk}/",
        f"/supervision/notices/{notice.pk}/document/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        "/supervision/visits/new/", {"organization": daibu_org.pk, "planned_on": "2026-01-01"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionRefused):
        services.plan_visit(organization=daibu_org, planned_on=TODAY(), by=village_worker)


def test_another_towns_officer_gets_not_found(
    tianmuhu_officer: User, daibu_officer: User, daibu_org: Organization, login: Login
) -> None:
    notice = noticed(daibu_officer, daibu_org)
    planned = services.plan_visit(organization=daibu_org, planned_on=TODAY(), by=daibu_officer)
    client = login(tianmuhu_officer)
    for url in (
        f"/supervision/visits/{notice.visit_id}/",
        f"/supervision/visits/{notice.visit_id}/notice/",
        f"/supervision/notices/{notice.pk}/",
        f"/supervision/notices/{notice.pk}/document/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/supervision/visits/{planned.pk}/", record_form()).status_code == 404
    recheck = {"outcome": "rectified", "rechecked_on": TODAY().isoformat(), "note": "x", "version": 1}
    assert client.post(f"/supervision/notices/{notice.pk}/", recheck).status_code == 404
    response = client.post("/supervision/visits/new/", {"organization": daibu_org.pk, "planned_on": TODAY()})
    assert response.status_code == 200 and response.context["form"].errors["organization"]
    with pytest.raises(PermissionRefused):
        services.record_visit(
            planned, inspected_on=TODAY(), inspectors="王五", results=results(), by=tianmuhu_officer
        )
    with pytest.raises(PermissionRefused):
        services.recheck_notice(notice, rectified=True, rechecked_on=TODAY(), note="x", by=tianmuhu_officer)
    assert client.get("/supervision/visits/?tab=notices").context["page"].paginator.count == 0


def test_an_organization_sees_its_own_notices_and_acts_on_none(
    organization_account: User,
    daibu_officer: User,
    own_org: Organization,
    daibu_org: Organization,
    login: Login,
) -> None:
    own, other = noticed(daibu_officer, own_org), noticed(daibu_officer, daibu_org)
    client = login(organization_account)
    listed = client.get("/supervision/visits/")
    assert listed.context["tab"] == "notices"
    assert [n.pk for n in listed.context["page"]] == [own.pk]
    page = client.get(f"/supervision/notices/{own.pk}/")
    assert page.status_code == 200 and page.context["form"] is None
    assert own.number in page.content.decode()
    assert own_org.name in text_of(client.get(f"/supervision/notices/{own.pk}/document/").content)
    assert client.get(f"/supervision/notices/{other.pk}/").status_code == 404
    assert client.get(f"/supervision/notices/{other.pk}/document/").status_code == 404
    recheck = {
        "outcome": "rectified",
        "rechecked_on": TODAY().isoformat(),
        "note": "我们已整改",
        "version": 1,
    }
    assert client.post(f"/supervision/notices/{own.pk}/", recheck).status_code == 403
    assert client.get(f"/supervision/visits/{own.visit_id}/").status_code == 403
    assert client.get(f"/supervision/visits/{own.visit_id}/notice/").status_code == 403
    own.refresh_from_db()
    assert own.status == NoticeStatus.OPEN
    with pytest.raises(PermissionRefused):
        services.recheck_notice(own, rectified=True, rechecked_on=TODAY(), note="x", by=organization_account)


def test_empty_lists_explain_what_to_do(
    daibu_officer: User, organization_account: User, login: Login
) -> None:
    for client, url in (
        (login(daibu_officer), "/supervision/visits/"),
        (login(daibu_officer), "/supervision/visits/?tab=notices"),
        (login(daibu_officer), "/supervision/plans/"),
        (login(organization_account), "/supervision/visits/"),
    ):
        response = client.get(url)
        assert response.status_code == 200 and 'data-testid="empty"' in response.content.decode(), url


# Lists cost the same queries for more rows


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_cost_the_same_queries_for_more_rows(daibu_officer: User, login: Login) -> None:
    client = login(daibu_officer)
    urls = ("/supervision/visits/", "/supervision/visits/?tab=notices", "/supervision/plans/")

    def add(index: int) -> None:
        org = make_organization(f"戴埠镇第{index}志愿队", DAIBU)
        plan = services.create_plan(
            title=f"抽查{index}", region=region(DAIBU), starts_on=TODAY(), ends_on=TODAY(), by=daibu_officer
        )
        visit = services.plan_visit(organization=org, planned_on=TODAY(), plan=plan, by=daibu_officer)
        visit = services.record_visit(
            visit, inspected_on=TODAY(), inspectors="张三", results=results(), by=daibu_officer
        )
        services.issue_notice(visit, requirements="补齐", deadline=TODAY() + DAY, by=daibu_officer)

    add(0)
    few = [_queries(client, url) for url in urls]
    for index in range(1, 6):
        add(index)
    assert [_queries(client, url) for url in urls] == few
    assert len(client.get(urls[1]).context["page"]) == 6
