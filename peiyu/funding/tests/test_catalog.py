"""The procurement catalog and the project library through the services and the back-office
pages: items drafted from needs (linking accepts the new ones), edited while drafts, published
and retired; projects written top-down from a published item or proposed bottom-up by an
organization and decided by the office; and who may see and do what."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.core.exceptions import ConflictError, DomainError, PermissionRefused, TransitionError
from peiyu.funding.models import (
    CatalogItem,
    CatalogStatus,
    FundingEvent,
    Need,
    NeedSource,
    NeedStatus,
    Origin,
    Project,
    ProjectStatus,
)
from peiyu.funding.services import catalog as services
from peiyu.funding.services.needs import decide_need, merge_needs, submit_need
from peiyu.funding.tests.conftest import field
from peiyu.orgs.models import Organization, TargetGroup
from peiyu.regions.models import Region
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, DAIBU, LIYANG, TIANMUHU, first_village, make_user, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
YEAR = 2026


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Refusals are asserted in English, whatever the Chinese catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def login() -> Login:
    def sign_in(user: User) -> Client:
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def jintan_officer(regions: None) -> User:
    """A county officer of another county (金坛区)."""
    return make_user("jintan-county", "county_officer", CHANGZHOU_OTHER_COUNTY)


def raise_need(
    title: str = "老年人法律咨询", place: Region | None = None, code: str = "legal_education"
) -> Need:
    return submit_need(
        title=title,
        description="",
        field=field(code),
        region=place or first_village(DAIBU),
        source=NeedSource.PORTAL,
        by=None,
    )


def draft(by: User, *, code: str = "2026-01", needs: list[Need] | None = None, **changes: Any) -> CatalogItem:
    values: dict[str, Any] = {
        "region": region(LIYANG),
        "year": YEAR,
        "code": code,
        "title": "老年人法律服务",
        "field": field(),
        "scope": "全市各镇（街道）村（社区）老年人",
        "requirements": "每月每村开展一次法律咨询",
        "eligible_applicants": "在本市登记的社会服务机构",
        "budget_min": Decimal(50_000),
        "budget_max": Decimal(100_000),
        "needs": needs or [],
    } | changes
    return services.create_catalog_item(by=by, **values)


def published(by: User, **changes: Any) -> CatalogItem:
    return services.set_catalog_status(draft(by, **changes), to=CatalogStatus.PUBLISHED, by=by)


def top_down(by: User, item: CatalogItem, **changes: Any) -> Project:
    values: dict[str, Any] = {
        "region": region(DAIBU),
        "title": "戴埠镇老年人法律服务",
        "field": field(),
        "summary": "每月进村开展法律咨询",
        "budget": Decimal(80_000),
        "origin": Origin.TOP_DOWN,
        "catalog_item": item,
    } | changes
    return services.create_project(by=by, **values)


def proposal(by: User, organization: Organization, **changes: Any) -> Project:
    values: dict[str, Any] = {
        "region": first_village(DAIBU),
        "title": "青少年法治夏令营",
        "field": field(),
        "summary": "暑期开展法治教育",
        "budget": Decimal(60_000),
        "origin": Origin.BOTTOM_UP,
        "organization": organization,
    } | changes
    return services.create_project(by=by, **values)


def url(name: str, pk: int | None = None) -> str:
    return reverse(f"funding:{name}", args=[pk] if pk is not None else [])


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    return list(sheet.values)


# Catalog services


def test_an_item_links_its_needs_and_accepts_the_new_ones(county_officer: User) -> None:
    new, answered = raise_need(), raise_need("法律援助", code="legal_aid")
    decide_need(answered, action="answer", note="已转法律援助中心", by=county_officer)
    item = draft(county_officer, needs=[new, answered])
    assert item.status == CatalogStatus.DRAFT
    assert set(item.needs.all()) == {new, answered}
    new.refresh_from_db()
    answered.refresh_from_db()
    assert new.status == NeedStatus.ACCEPTED and answered.status == NeedStatus.ANSWERED
    note = FundingEvent.objects.get(subject="need", subject_id=new.pk, action="accepted").note
    assert item.code in note
    assert FundingEvent.objects.filter(subject="catalogitem", subject_id=item.pk, action="created").exists()


def test_an_item_refuses_merged_and_outside_needs_a_bad_budget_a_taken_number_and_a_town(
    county_officer: User,
) -> None:
    keep, gone = raise_need(), raise_need("老人法律咨询")
    merge_needs(gone, into=keep, by=county_officer)
    jintan = Region.objects.filter(code__startswith=CHANGZHOU_OTHER_COUNTY, level="village").first()
    assert jintan is not None
    outside = raise_need(place=jintan)
    with pytest.raises(DomainError, match="stands"):
        draft(county_officer, needs=[Need.objects.get(pk=gone.pk)])
    with pytest.raises(DomainError, match="outside"):
        draft(county_officer, needs=[outside])
    with pytest.raises(DomainError, match="budget"):
        draft(county_officer, budget_min=Decimal(100_000), budget_max=Decimal(50_000))
    draft(county_officer)
    with pytest.raises(DomainError, match="already"):
        draft(county_officer)
    with pytest.raises(DomainError, match="county"):
        draft(county_officer, code="2026-02", region=region(DAIBU))
    assert CatalogItem.objects.count() == 1


def test_only_county_staff_with_the_catalog_permission_draft_items(
    county_officer: User, daibu_officer: User, organization_account: User, jintan_officer: User
) -> None:
    for user in (daibu_officer, organization_account, jintan_officer):
        with pytest.raises(PermissionRefused):
            draft(user)
    assert not CatalogItem.objects.exists()


def test_a_draft_is_edited_with_its_version_a_published_item_is_not(county_officer: User) -> None:
    item = draft(county_officer)
    need = raise_need()
    changed = services.update_catalog_item(
        item, by=county_officer, seen_version=item.version, title="老年人法律顾问服务", needs=[need]
    )
    assert changed.title == "老年人法律顾问服务" and changed.version == item.version + 1
    assert list(changed.needs.all()) == [need]
    with pytest.raises(ConflictError):
        services.update_catalog_item(item, by=county_officer, seen_version=item.version, title="旧")
    with pytest.raises(DomainError, match="budget"):
        services.update_catalog_item(
            changed, by=county_officer, seen_version=changed.version, budget_min=Decimal(200_000)
        )
    services.set_catalog_status(changed, to=CatalogStatus.PUBLISHED, by=county_officer)
    fresh = CatalogItem.objects.get(pk=item.pk)
    with pytest.raises(DomainError, match="published"):
        services.update_catalog_item(fresh, by=county_officer, seen_version=fresh.version, title="改")


def test_the_status_goes_draft_published_retired_and_no_other_way(county_officer: User) -> None:
    item = draft(county_officer)
    with pytest.raises(TransitionError):
        services.set_catalog_status(item, to=CatalogStatus.RETIRED, by=county_officer)
    services.set_catalog_status(item, to=CatalogStatus.PUBLISHED, by=county_officer)
    retired = services.set_catalog_status(item, to=CatalogStatus.RETIRED, by=county_officer)
    assert retired.status == CatalogStatus.RETIRED
    with pytest.raises(TransitionError):
        services.set_catalog_status(item, to=CatalogStatus.PUBLISHED, by=county_officer)


# Project library services


def test_the_office_writes_a_project_from_a_published_item_into_the_library(county_officer: User) -> None:
    item = published(county_officer)
    project = top_down(county_officer, item, target_groups=[TargetGroup.objects.get(code="elderly")])
    assert (project.status, project.origin, project.organization) == (
        ProjectStatus.ACCEPTED,
        "top_down",
        None,
    )
    assert [g.code for g in project.target_groups.all()] == ["elderly"]
    with pytest.raises(DomainError, match="budget"):
        top_down(county_officer, item, budget=Decimal(200_000))
    with pytest.raises(DomainError, match="published"):
        top_down(county_officer, draft(county_officer, code="2026-09"))
    with pytest.raises(DomainError, match="county"):
        top_down(
            county_officer,
            item,
            region=Region.objects.filter(code__startswith=CHANGZHOU_OTHER_COUNTY).first(),
        )


def test_an_organization_proposes_for_itself_only(
    organizations: list[Organization], organization_account: User, county_officer: User
) -> None:
    mine, theirs = organizations[0], organizations[1]
    project = proposal(organization_account, mine)
    assert (project.status, project.origin, project.organization) == (
        ProjectStatus.PROPOSED,
        "bottom_up",
        mine,
    )
    with pytest.raises(PermissionRefused):
        proposal(organization_account, theirs)
    with pytest.raises(PermissionRefused):
        proposal(county_officer, mine)  # the office does not propose in an organization's name
    item = published(county_officer)
    with pytest.raises(PermissionRefused):
        top_down(organization_account, item)
    under_item = proposal(organization_account, mine, catalog_item=item, budget=Decimal(90_000))
    assert under_item.catalog_item == item


def test_the_office_decides_a_proposal_and_declines_only_with_a_reason(
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    tianmuhu_officer: User,
) -> None:
    first, second = (
        proposal(organization_account, organizations[0]),
        proposal(organization_account, organizations[0], title="社区普法"),
    )
    with pytest.raises(PermissionRefused):
        services.decide_project(first, accept=True, note="", by=organization_account)
    with pytest.raises(PermissionRefused):  # no funding.change_project for town officers
        services.decide_project(first, accept=True, note="", by=tianmuhu_officer)
    with pytest.raises(DomainError, match="reason"):
        services.decide_project(first, accept=False, note=" ", by=county_officer)
    accepted = services.decide_project(first, accept=True, note="", by=county_officer)
    assert accepted.status == ProjectStatus.ACCEPTED
    declined = services.decide_project(second, accept=False, note="与已有项目重复", by=county_officer)
    assert (declined.status, declined.decision_note) == (ProjectStatus.DECLINED, "与已有项目重复")
    with pytest.raises(TransitionError):
        services.decide_project(accepted, accept=False, note="改变主意", by=county_officer)


# Catalog pages


def test_the_catalog_list_filters_and_exports(county_officer: User, login: Login) -> None:
    need = raise_need()
    item = published(county_officer, needs=[need])
    other = draft(county_officer, code="2026-02", title="青少年心理辅导", field=field("mental_health"))
    client = login(county_officer)
    page = client.get(url("catalog-list")).content.decode()
    assert f'data-item="{item.pk}"' in page and f'data-item="{other.pk}"' in page
    drafts = client.get(url("catalog-list") + "?status=draft").content.decode()
    assert f'data-item="{other.pk}"' in drafts and f'data-item="{item.pk}"' not in drafts
    searched = client.get(url("catalog-list") + "?q=心理").content.decode()
    assert f'data-item="{other.pk}"' in searched and f'data-item="{item.pk}"' not in searched
    earlier = draft(county_officer, code="2025-01", year=YEAR - 1)
    last_year = client.get(url("catalog-list") + f"?year={YEAR - 1}").content.decode()
    assert f'data-item="{earlier.pk}"' in last_year and f'data-item="{item.pk}"' not in last_year
    assert 'data-testid="empty"' in client.get(url("catalog-list") + "?q=没有这样的服务").content.decode()
    rows = sheet_rows(client.get(url("catalog-list") + "?format=xlsx&status=published"))
    assert len(rows) == 2
    assert rows[1][1] == item.code and rows[1][10] == 1 and rows[1][11] == 1


def test_the_catalog_list_costs_the_same_queries_for_one_or_many_items(
    county_officer: User, login: Login
) -> None:
    draft(county_officer, needs=[raise_need()])
    client = login(county_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("catalog-list")).status_code == 200
        return len(queries)

    one = count()
    for i in range(5):
        draft(county_officer, code=f"2026-1{i}", needs=[raise_need(f"需求{i}")])
    assert count() == one


def test_an_item_is_drafted_from_a_need_on_the_page(county_officer: User, login: Login) -> None:
    need = raise_need()
    client = login(county_officer)
    form = client.get(url("catalog-create") + f"?need={need.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["needs"] == [need]
    data = {
        "region": region(LIYANG).code,
        "year": YEAR,
        "code": "2026-03",
        "title": "老年人法律服务",
        "field": field().pk,
        "scope": "全市",
        "requirements": "每月一次",
        "eligible_applicants": "社会服务机构",
        "budget_min": "50000",
        "budget_max": "80000",
        "needs": [need.pk],
    }
    response = client.post(url("catalog-create"), data)
    item = CatalogItem.objects.get(code="2026-03")
    assert response.status_code == 302 and response["Location"] == url("catalog-detail", item.pk)
    assert Need.objects.get(pk=need.pk).status == NeedStatus.ACCEPTED
    wrong = client.post(url("catalog-create"), {**data, "code": "2026-04", "budget_max": "1000"})
    assert "The upper end cannot be below the lower end." in wrong.content.decode()
    taken = client.post(url("catalog-create"), data)
    assert "already in the 2026 catalog" in taken.content.decode()


def test_an_item_is_edited_published_and_then_only_retired(county_officer: User, login: Login) -> None:
    item = draft(county_officer)
    client = login(county_officer)
    edit = {
        "year": YEAR,
        "code": item.code,
        "title": "老年人法律顾问",
        "field": field().pk,
        "scope": item.scope,
        "requirements": item.requirements,
        "eligible_applicants": item.eligible_applicants,
        "budget_min": "50000",
        "budget_max": "100000",
        "version": item.version,
    }
    assert client.post(url("catalog-edit", item.pk), edit).status_code == 302
    stale = client.post(url("catalog-edit", item.pk), edit)
    assert "Someone else changed this" in stale.content.decode()
    wrong = client.post(url("catalog-status", item.pk), {"to": "retired"}, follow=True)
    assert any("cannot go from" in m for m in messages_of(wrong))
    client.post(url("catalog-status", item.pk), {"to": "published"})
    item.refresh_from_db()
    assert item.status == CatalogStatus.PUBLISHED and item.title == "老年人法律顾问"
    page = client.get(url("catalog-detail", item.pk)).content.decode()
    assert 'data-testid="add-project"' in page and 'data-testid="edit"' not in page
    assert 'data-testid="timeline"' in page
    refused = client.get(url("catalog-edit", item.pk), follow=True)
    assert any("retire it" in m for m in messages_of(refused))


def test_catalog_pages_refuse_who_may_not_and_hide_other_counties(
    county_officer: User,
    daibu_officer: User,
    organization_account: User,
    jintan_officer: User,
    login: Login,
) -> None:
    item = draft(county_officer)
    anonymous = Client()
    for target in (url("catalog-list"), url("catalog-create"), url("catalog-detail", item.pk)):
        response = anonymous.get(target)
        assert response.status_code == 302 and "/login" in response["Location"]
    assert anonymous.post(url("catalog-status", item.pk), {"to": "published"}).status_code == 302
    org = login(organization_account)
    for target in (url("catalog-list"), url("catalog-create"), url("catalog-detail", item.pk)):
        assert org.get(target).status_code == 403
    town = login(daibu_officer)
    # A town officer reads the county's published catalog, not its drafts, and changes neither.
    assert town.get(url("catalog-detail", item.pk)).status_code == 404
    assert town.get(url("catalog-create")).status_code == 403
    assert town.get(url("catalog-edit", item.pk)).status_code == 403
    assert town.post(url("catalog-status", item.pk), {"to": "published"}).status_code == 403
    CatalogItem.objects.filter(pk=item.pk).update(status=CatalogStatus.PUBLISHED)
    assert town.get(url("catalog-detail", item.pk)).status_code == 200
    assert town.post(url("catalog-status", item.pk), {"to": "retired"}).status_code == 403
    CatalogItem.objects.filter(pk=item.pk).update(status=CatalogStatus.DRAFT)
    other = login(jintan_officer)
    assert other.get(url("catalog-detail", item.pk)).status_code == 404
    assert other.get(url("catalog-edit", item.pk)).status_code == 404
    assert other.post(url("catalog-status", item.pk), {"to": "published"}).status_code == 404
    assert CatalogItem.objects.get(pk=item.pk).status == CatalogStatus.DRAFT


# Project library pages


def test_an_organization_proposes_and_sees_only_its_own_projects(
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    county_officer: User,
    login: Login,
) -> None:
    client = login(organization_account)
    form = client.get(url("project-create"))
    assert form.status_code == 200 and form.context["form"].origin == Origin.BOTTOM_UP
    data = {
        "organization": organizations[0].pk,
        "title": "青少年法治夏令营",
        "field": field().pk,
        "region": first_village(DAIBU).code,
        "summary": "暑期开展法治教育",
        "budget": "60000",
    }
    response = client.post(url("project-create"), data)
    mine = Project.objects.get(title="青少年法治夏令营")
    assert response["Location"] == url("project-detail", mine.pk)
    assert mine.status == ProjectStatus.PROPOSED
    theirs = proposal(other_org_account, organizations[1], title="邻里调解")
    listed = client.get(url("project-list")).content.decode()
    assert f'data-project="{mine.pk}"' in listed and f'data-project="{theirs.pk}"' not in listed
    assert client.get(url("project-detail", theirs.pk)).status_code == 404
    refused = client.post(url("project-create"), {**data, "organization": organizations[1].pk})
    assert "Select a valid choice" in refused.content.decode()
    assert (
        client.post(url("project-decide", mine.pk), {"decision": "accept", "version": 1}).status_code == 403
    )
    staff = login(county_officer).get(url("project-list")).content.decode()
    assert f'data-project="{mine.pk}"' in staff and f'data-project="{theirs.pk}"' in staff


def test_the_office_writes_a_project_from_an_item_and_decides_proposals(
    organizations: list[Organization], organization_account: User, county_officer: User, login: Login
) -> None:
    item = published(county_officer)
    client = login(county_officer)
    form = client.get(url("project-create") + f"?item={item.pk}")
    assert form.context["form"].initial["catalog_item"] == item
    data = {
        "catalog_item": item.pk,
        "title": "天目湖镇老年人法律服务",
        "field": field().pk,
        "region": region(TIANMUHU).code,
        "summary": "每月进村",
        "budget": "70000",
    }
    assert client.post(url("project-create"), data).status_code == 302
    written = Project.objects.get(title="天目湖镇老年人法律服务")
    assert (written.status, written.catalog_item) == (ProjectStatus.ACCEPTED, item)
    over = client.post(url("project-create"), {**data, "budget": "500000"})
    assert "budget runs from 50000.00 to 100000.00 yuan" in over.content.decode()
    proposed = proposal(organization_account, organizations[0])
    page = client.get(url("project-detail", proposed.pk)).content.decode()
    assert 'data-testid="decide"' in page
    no_reason = client.post(
        url("project-decide", proposed.pk), {"decision": "decline", "version": proposed.version}
    )
    assert "Give the reason for declining." in no_reason.content.decode()
    client.post(url("project-decide", proposed.pk), {"decision": "accept", "version": proposed.version})
    proposed.refresh_from_db()
    assert proposed.status == ProjectStatus.ACCEPTED
    twice = client.post(
        url("project-decide", proposed.pk),
        {"decision": "decline", "note": "x", "version": proposed.version},
        follow=True,
    )
    assert any("cannot go from" in m for m in messages_of(twice))


def test_the_library_filters_exports_and_costs_the_same_queries(
    organizations: list[Organization], organization_account: User, county_officer: User, login: Login
) -> None:
    item = published(county_officer)
    written = top_down(county_officer, item)
    proposed = proposal(organization_account, organizations[0])
    client = login(county_officer)
    bottom = client.get(url("project-list") + "?origin=bottom_up").content.decode()
    assert f'data-project="{proposed.pk}"' in bottom and f'data-project="{written.pk}"' not in bottom
    waiting = client.get(url("project-list") + "?status=proposed").content.decode()
    assert f'data-project="{proposed.pk}"' in waiting and f'data-project="{written.pk}"' not in waiting
    rows = sheet_rows(client.get(url("project-list") + "?format=xlsx"))
    assert {r[0] for r in rows[1:]} == {written.title, proposed.title}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("project-list")).status_code == 200
        return len(queries)

    before = count()
    for i in range(4):
        top_down(county_officer, item, title=f"项目{i}", region=first_village(TIANMUHU))
        proposal(organization_account, organizations[0], title=f"提案{i}")
    assert count() == before


def test_library_pages_refuse_who_may_not(
    organizations: list[Organization],
    organization_account: User,
    county_officer: User,
    daibu_officer: User,
    jintan_officer: User,
    expert: User,
    login: Login,
) -> None:
    proposed = proposal(organization_account, organizations[0])
    anonymous = Client()
    for target in (url("project-list"), url("project-create"), url("project-detail", proposed.pk)):
        assert anonymous.get(target).status_code == 302
    assert anonymous.post(url("project-decide", proposed.pk), {"decision": "accept"}).status_code == 302
    for target in (url("project-list"), url("project-create"), url("project-detail", proposed.pk)):
        assert login(expert).get(target).status_code == 403
    town = login(daibu_officer)
    assert town.get(url("project-detail", proposed.pk)).status_code == 200
    assert town.get(url("project-create")).status_code == 403
    decide = {"decision": "accept", "version": proposed.version}
    assert town.post(url("project-decide", proposed.pk), decide).status_code == 403
    other = login(jintan_officer)
    assert other.get(url("project-detail", proposed.pk)).status_code == 404
    assert other.post(url("project-decide", proposed.pk), decide).status_code == 404
    assert Project.objects.get(pk=proposed.pk).status == ProjectStatus.PROPOSED
