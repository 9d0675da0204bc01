"""Needs (群众需求) through the services, the back-office pages and the portal: submission by a
resident or a village worker, possible duplicates and merging (the supporters add up), the
office's decisions along the status map, the coverage view of needs by place and field against
the organizations active there, and who may see and do what."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.funding.models import FundingEvent, Need, NeedSource, NeedStatus
from peiyu.funding.services import needs as services
from peiyu.funding.tests.conftest import field, registered
from peiyu.orgs.models import Status as OrganizationStatus
from peiyu.orgs.models import TargetGroup
from peiyu.regions.models import Region
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, DAIBU, LIYANG, TIANMUHU, first_village, make_user, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
PHONE = "13912345678"
MASKED = "139****5678"


@pytest.fixture
def login() -> Login:
    """Signed-in clients that read the interface in English, the language of the msgids."""

    def sign_in(user: User) -> Client:
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def anonymous() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def jintan_officer(regions: None) -> User:
    """A county officer of another county (金坛区): funding permissions, another region."""
    return make_user("jintan-county", "county_officer", CHANGZHOU_OTHER_COUNTY)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Refusals are asserted in English, whatever the Chinese catalogue says."""
    with translation.override("en"):
        yield


def jintan_village() -> Region:
    found = (
        Region.objects.filter(code__startswith=CHANGZHOU_OTHER_COUNTY, level="village")
        .order_by("code")
        .first()
    )
    assert found is not None
    return found


def second_village(town: str) -> Region:
    return Region.objects.filter(parent_id=town.ljust(12, "0")).order_by("code")[1]


def raise_need(
    title: str = "老年人法律咨询",
    *,
    place: Region | None = None,
    code: str = "legal_education",
    by: User | None = None,
    contact: str = "",
    **extra: Any,
) -> Need:
    """A need from the portal (``by`` None) or entered by ``by``, in the first village of 戴埠镇."""
    source = NeedSource.PORTAL if by is None else NeedSource.VILLAGE
    return services.submit_need(
        title=title,
        description="村里老人多，缺少法律咨询。",
        field=field(code),
        region=place or first_village(DAIBU),
        source=source,
        by=by,
        contact=contact,
        **extra,
    )


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


# Submission


def test_a_resident_raises_a_need_on_the_portal_as_new_with_a_reference(regions: None) -> None:
    need = raise_need(contact="139 1234 5678", submitter_name="王大妈")
    assert need.status == NeedStatus.NEW
    assert need.source == NeedSource.PORTAL
    assert len(need.reference) == 10
    assert need.contact == PHONE and need.masked_contact == MASKED
    assert need.supporters == 1
    event = FundingEvent.objects.get(subject="need", subject_id=need.pk)
    assert (event.action, event.to_status, event.actor) == ("submitted", NeedStatus.NEW, None)


def test_a_need_is_raised_for_a_village_or_a_town_not_a_county(regions: None) -> None:
    assert raise_need(place=region(DAIBU)).region_id == region(DAIBU).code
    with pytest.raises(DomainError, match="village"):
        raise_need(place=region(LIYANG))
    with pytest.raises(DomainError):
        raise_need(title="   ")


def test_a_village_worker_records_needs_of_their_own_village_only(
    village_worker: User, organization_account: User
) -> None:
    need = raise_need(by=village_worker)
    assert need.source == NeedSource.VILLAGE and need.submitted_by == village_worker
    with pytest.raises(PermissionRefused):
        raise_need(by=village_worker, place=second_village(DAIBU))
    with pytest.raises(PermissionRefused):
        raise_need(by=organization_account)
    with pytest.raises(DomainError):
        services.submit_need(
            title="调解", description="", field=field(), region=first_village(DAIBU), source="staff", by=None
        )


# Duplicates and merging


def test_duplicates_are_open_needs_of_the_same_place_and_field_with_a_shared_pair_of_characters(
    regions: None, county_officer: User
) -> None:
    need = raise_need("老年人法律咨询")
    similar = raise_need("老人需要法律咨询服务")
    raise_need("法律援助", code="legal_aid")  # another field
    raise_need("老年人法律咨询", place=second_village(DAIBU))  # another village
    raise_need("青少年心理辅导")  # nothing in common
    declined = raise_need("法律咨询进村")
    services.decide_need(declined, action="decline", note="已有法律顾问", by=county_officer)
    assert Need.objects.duplicates_of(need) == [similar]
    assert Need.objects.duplicates_of(similar) == [need]


def test_merging_adds_the_supporters_and_follows_the_chain(regions: None, county_officer: User) -> None:
    keep = raise_need("老年人法律咨询")
    middle = raise_need("老人法律咨询")
    last = raise_need("法律咨询服务")
    services.merge_needs(last, into=middle, by=county_officer)
    middle.refresh_from_db()
    assert middle.supporters == 2
    merged = services.merge_needs(middle, into=keep, by=county_officer)
    keep.refresh_from_db()
    assert keep.supporters == 3
    assert merged.status == NeedStatus.MERGED and merged.merged_into == keep
    assert Need.objects.get(pk=last.pk).merged_into == middle
    actions = list(
        FundingEvent.objects.filter(subject="need", subject_id=keep.pk).values_list("action", flat=True)
    )
    assert actions == ["submitted", "merged_in"]


def test_a_merge_across_fields_is_allowed(regions: None, county_officer: User) -> None:
    keep = raise_need("法律咨询")
    other = raise_need("法律援助咨询", code="legal_aid")
    services.merge_needs(other, into=keep, by=county_officer)
    keep.refresh_from_db()
    assert keep.supporters == 2


def test_a_merge_into_itself_a_merged_or_a_declined_need_or_across_counties_is_refused(
    regions: None, county_officer: User
) -> None:
    need, gone, refused = raise_need("法律咨询"), raise_need("法律咨询二"), raise_need("法律咨询三")
    target = raise_need("法律咨询四")
    services.merge_needs(gone, into=target, by=county_officer)
    services.decide_need(refused, action="decline", note="不属于购买服务范围", by=county_officer)
    with pytest.raises(DomainError, match="itself"):
        services.merge_needs(need, into=need, by=county_officer)
    with pytest.raises(DomainError):
        services.merge_needs(need, into=Need.objects.get(pk=gone.pk), by=county_officer)
    with pytest.raises(DomainError):
        services.merge_needs(need, into=Need.objects.get(pk=refused.pk), by=county_officer)
    with pytest.raises(TransitionError):  # a merged need cannot be merged again
        services.merge_needs(Need.objects.get(pk=gone.pk), into=need, by=county_officer)
    elsewhere = raise_need(place=jintan_village())
    root = make_user("root", "county_officer", LIYANG)
    User.objects.filter(pk=root.pk).update(is_superuser=True)
    root.refresh_from_db()
    with pytest.raises(DomainError, match="counties"):
        services.merge_needs(need, into=elsewhere, by=root)
    with pytest.raises(PermissionRefused):  # a Liyang officer cannot reach a Jintan need at all
        services.merge_needs(need, into=elsewhere, by=county_officer)
    need.refresh_from_db()
    assert need.status == NeedStatus.NEW and need.supporters == 1


# Decisions


def test_accept_then_answer_stores_the_answer_and_its_day(regions: None, daibu_officer: User) -> None:
    need = raise_need()
    services.decide_need(need, action="accept", by=daibu_officer)
    answered = services.decide_need(need, action="answer", note="已纳入2026年购买服务目录", by=daibu_officer)
    assert answered.status == NeedStatus.ANSWERED
    assert answered.answer == "已纳入2026年购买服务目录"
    assert answered.answered_on == timezone.localdate()
    moves = FundingEvent.objects.filter(subject="need", subject_id=need.pk).values_list(
        "from_status", "to_status"
    )
    assert list(moves)[1:] == [("new", "accepted"), ("accepted", "answered")]


def test_decline_and_answer_need_a_text_and_illegal_moves_are_refused(
    regions: None, daibu_officer: User
) -> None:
    need = raise_need()
    with pytest.raises(DomainError, match="reason"):
        services.decide_need(need, action="decline", note=" ", by=daibu_officer)
    with pytest.raises(DomainError):
        services.decide_need(need, action="answer", note="", by=daibu_officer)
    with pytest.raises(DomainError):
        services.decide_need(need, action="close", by=daibu_officer)
    services.decide_need(need, action="accept", by=daibu_officer)
    with pytest.raises(TransitionError):
        services.decide_need(need, action="decline", note="重复", by=daibu_officer)
    services.decide_need(need, action="answer", note="已安排", by=daibu_officer)
    with pytest.raises(TransitionError):
        services.decide_need(need, action="accept", by=daibu_officer)


def test_only_staff_of_the_needs_region_decide(
    regions: None, tianmuhu_officer: User, organization_account: User, volunteer: User
) -> None:
    need = raise_need()
    for user in (tianmuhu_officer, organization_account, volunteer):
        with pytest.raises(PermissionRefused):
            services.decide_need(need, action="accept", by=user)
    need.refresh_from_db()
    assert need.status == NeedStatus.NEW


# The list, the page, the export


def test_the_list_shows_the_waiting_needs_and_filters_them(
    regions: None, county_officer: User, login: Login
) -> None:
    elderly = raise_need("老年人法律咨询")
    youth = raise_need("青少年心理辅导", code="mental_health", place=first_village(TIANMUHU))
    answered = raise_need("矛盾调解", code="dispute")
    services.decide_need(answered, action="answer", note="村调委会已受理", by=county_officer)
    client = login(county_officer)
    page = client.get(url("need-list")).content.decode()
    assert elderly.title in page and youth.title in page
    assert answered.title not in page  # the list opens on what waits
    assert answered.title in client.get(url("need-list") + "?status=answered").content.decode()
    assert answered.title in client.get(url("need-list") + "?status=all").content.decode()
    by_field = client.get(url("need-list") + "?field=" + str(field("mental_health").pk)).content.decode()
    assert youth.title in by_field and elderly.title not in by_field
    by_town = client.get(url("need-list") + f"?town={region(TIANMUHU).code}").content.decode()
    assert youth.title in by_town and elderly.title not in by_town
    by_text = client.get(url("need-list") + f"?q={elderly.reference.lower()}").content.decode()
    assert elderly.title in by_text and youth.title not in by_text
    year = timezone.localdate().year
    assert elderly.title in client.get(url("need-list") + f"?year={year}").content.decode()
    empty = client.get(url("need-list") + "?q=没有这样的需求").content.decode()
    assert 'data-testid="empty"' in empty


def test_a_town_officer_sees_the_needs_of_the_town_only(
    regions: None, daibu_officer: User, login: Login
) -> None:
    here = raise_need("老年人法律咨询")
    there = raise_need("青少年心理辅导", place=first_village(TIANMUHU))
    page = login(daibu_officer).get(url("need-list")).content.decode()
    assert here.title in page and there.title not in page


def test_the_export_opens_and_masks_the_phone(regions: None, county_officer: User, login: Login) -> None:
    need = raise_need(contact=PHONE, submitter_name="王大妈")
    response = login(county_officer).get(url("need-list") + "?format=xlsx")
    rows = sheet_rows(response)
    assert len(rows) == 2
    assert rows[1][0] == need.reference and rows[1][2] == need.title
    assert MASKED in rows[1] and PHONE not in rows[1]
    assert PHONE.encode() not in response.content


def test_the_list_costs_the_same_queries_for_one_or_many_needs(
    regions: None, county_officer: User, login: Login
) -> None:
    raise_need("第一条需求")
    client = login(county_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("need-list")).status_code == 200
        return len(queries)

    one = count()
    group = TargetGroup.objects.first()
    for i in range(6):
        raise_need(f"需求{i}", place=second_village(TIANMUHU), code="dispute", target_group=group)
    assert count() == one


def test_the_need_page_shows_duplicates_history_and_a_masked_phone(
    regions: None, county_officer: User, login: Login
) -> None:
    need = raise_need("老年人法律咨询", contact=PHONE)
    similar = raise_need("老人法律咨询")
    page = login(county_officer).get(url("need-detail", need.pk)).content.decode()
    assert 'data-testid="duplicates"' in page and f'data-duplicate="{similar.pk}"' in page
    assert MASKED in page and PHONE not in page
    assert 'data-testid="timeline"' in page and 'data-testid="decide"' in page


def test_deciding_on_the_page_answers_and_explains_refusals(
    regions: None, county_officer: User, login: Login
) -> None:
    need = raise_need()
    client = login(county_officer)
    missing = client.post(
        url("need-decide", need.pk), {"decide-action": "decline", "decide-version": need.version}
    )
    assert missing.status_code == 200
    assert "Give the reason for declining." in missing.content.decode()
    response = client.post(
        url("need-decide", need.pk),
        {"decide-action": "answer", "decide-note": "已安排律师每月驻村", "decide-version": need.version},
        follow=True,
    )
    assert "The decision was recorded." in messages_of(response)
    need.refresh_from_db()
    assert need.status == NeedStatus.ANSWERED and need.answer == "已安排律师每月驻村"
    again = client.post(
        url("need-decide", need.pk),
        {"decide-action": "accept", "decide-version": need.version},
        follow=True,
    )
    assert again.status_code == 200
    assert any("cannot go from" in m for m in messages_of(again))


def test_merging_on_the_page_by_reference(regions: None, county_officer: User, login: Login) -> None:
    keep, duplicate = raise_need("老年人法律咨询"), raise_need("老人法律咨询")
    client = login(county_officer)
    response = client.post(
        url("need-merge", duplicate.pk), {"merge-into": keep.reference.lower()}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("need-detail", keep.pk)
    keep.refresh_from_db()
    assert keep.supporters == 2
    unknown = client.post(url("need-merge", keep.pk), {"merge-into": "NOSUCHNEED"})
    assert "No need you may see has this reference number." in unknown.content.decode()
    itself = client.post(url("need-merge", keep.pk), {"merge-into": keep.reference})
    assert "cannot be merged into itself" in itself.content.decode()


def test_a_village_worker_records_a_need_on_the_page(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    assert client.get(url("need-create")).status_code == 200
    data = {
        "title": "留守儿童课后看护",
        "description": "放学后无人看护",
        "field": field("youth").pk,
        "region": first_village(DAIBU).code,
        "contact": PHONE,
    }
    response = client.post(url("need-create"), data)
    need = Need.objects.get(title="留守儿童课后看护")
    assert response.status_code == 302 and response["Location"] == url("need-detail", need.pk)
    assert need.source == NeedSource.VILLAGE and need.submitted_by == village_worker
    outside = client.post(url("need-create"), {**data, "region": second_village(DAIBU).code})
    assert (
        outside.status_code == 200
        and "is not a county, town or village in your area" in outside.content.decode()
    )


# Who may see and do what


def test_anonymous_visitors_are_sent_to_sign_in(regions: None, anonymous: Client) -> None:
    need = raise_need()
    for target in (url("need-list"), url("need-create"), url("need-coverage"), url("need-detail", need.pk)):
        response = anonymous.get(target)
        assert response.status_code == 302 and "/login" in response["Location"]
    for target in (url("need-decide", need.pk), url("need-merge", need.pk)):
        response = anonymous.post(target, {"decide-action": "accept", "merge-into": need.reference})
        assert response.status_code == 302 and "/login" in response["Location"]
    assert Need.objects.get(pk=need.pk).status == NeedStatus.NEW


def test_accounts_without_the_needs_desk_are_refused(
    regions: None, organization_account: User, expert: User, volunteer: User, login: Login
) -> None:
    need = raise_need()
    for user in (organization_account, expert, volunteer):
        client = login(user)
        for target in (
            url("need-list"),
            url("need-create"),
            url("need-coverage"),
            url("need-detail", need.pk),
        ):
            assert client.get(target).status_code == 403
        assert client.post(url("need-decide", need.pk), {"decide-action": "accept"}).status_code == 403
        assert client.post(url("need-merge", need.pk), {"merge-into": need.reference}).status_code == 403
    assert Need.objects.get(pk=need.pk).status == NeedStatus.NEW


def test_a_need_outside_the_region_answers_404(
    regions: None, jintan_officer: User, tianmuhu_officer: User, login: Login
) -> None:
    need = raise_need()
    for user in (jintan_officer, tianmuhu_officer):
        client = login(user)
        assert client.get(url("need-detail", need.pk)).status_code == 404
        decide = {"decide-action": "accept", "decide-version": need.version}
        assert client.post(url("need-decide", need.pk), decide).status_code == 404
        assert client.post(url("need-merge", need.pk), {"merge-into": need.reference}).status_code == 404
    assert Need.objects.get(pk=need.pk).status == NeedStatus.NEW


# The coverage view


@pytest.fixture
def coverage_fixture(regions: None, county_officer: User) -> dict[str, Any]:
    """戴埠镇: two legal-education needs (one merged from a duplicate, so 3 residents), one
    elderly-care need and a declined one; one active legal-education organization. 天目湖镇: one
    legal-education need and only a deregistered organization. Plus a need of last year."""
    daibu_1, daibu_2 = first_village(DAIBU), second_village(DAIBU)
    a = raise_need("老年人法律咨询", place=daibu_1)
    b = raise_need("普法讲座进村", place=daibu_2)
    dup_1, dup_2 = raise_need("老人法律咨询", place=daibu_1), raise_need("法律咨询", place=daibu_1)
    services.merge_needs(dup_1, into=a, by=county_officer)
    services.merge_needs(dup_2, into=a, by=county_officer)
    elderly = raise_need("助老服务", place=daibu_2, code="elderly_care")
    declined = raise_need("广场舞场地", place=daibu_1, code="elderly_care")
    services.decide_need(declined, action="decline", note="不属于购买服务", by=county_officer)
    t = raise_need("法治宣传", place=first_village(TIANMUHU))
    old = raise_need("去年的需求", place=first_village(TIANMUHU), code="dispute")
    Need.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    active = registered("戴埠法治宣传服务社")
    active.activity_fields.add(field())
    gone = registered("天目湖普法社", town=TIANMUHU)
    gone.activity_fields.add(field())
    gone.status = OrganizationStatus.DEREGISTERED
    gone.save(update_fields=["status"])
    return {"a": a, "b": b, "elderly": elderly, "t": t, "old": old}


def cell(table: services.Coverage, place: str, code: str) -> services.Cell:
    row = next(r for r in table.rows if r.region.code == place.ljust(12, "0"))
    column = [f.code for f in table.fields].index(code)
    return row.cells[column]


def test_the_coverage_counts_needs_and_organizations_by_town_and_field(
    coverage_fixture: dict[str, Any], county_officer: User, login: Login
) -> None:
    response = login(county_officer).get(url("need-coverage"))
    assert response.status_code == 200
    table: services.Coverage = response.context["table"]
    assert table.base.code == region(LIYANG).code
    legal = cell(table, DAIBU, "legal_education")
    assert (legal.needs, legal.supporters, legal.organizations, legal.uncovered) == (2, 4, 1, False)
    elderly = cell(table, DAIBU, "elderly_care")
    assert (elderly.needs, elderly.supporters, elderly.organizations, elderly.uncovered) == (1, 1, 0, True)
    tianmuhu = cell(table, TIANMUHU, "legal_education")
    assert (tianmuhu.needs, tianmuhu.organizations, tianmuhu.uncovered) == (1, 0, True)
    assert cell(table, TIANMUHU, "dispute").needs == 1  # no year chosen: every year
    assert table.needs == 5 and table.uncovered == 3
    page = response.content.decode()
    assert page.count("data-uncovered") == 3
    assert f'data-drill="{region(DAIBU).code}"' in page


def test_the_coverage_filters_by_year_and_drills_into_a_town(
    coverage_fixture: dict[str, Any], county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    year = timezone.localdate().year
    table = client.get(url("need-coverage") + f"?year={year}").context["table"]
    assert "dispute" not in [f.code for f in table.fields]
    assert table.needs == 4
    town = client.get(url("need-coverage") + f"?region={region(DAIBU).code}").context["table"]
    assert town.base.code == region(DAIBU).code
    village = cell(town, first_village(DAIBU).code, "legal_education")
    assert (village.needs, village.supporters, village.organizations) == (1, 3, 1)
    other = cell(town, second_village(DAIBU).code, "legal_education")
    assert (other.needs, other.organizations, other.uncovered) == (1, 0, True)


def test_a_town_officer_sees_the_villages_of_the_town_and_cannot_widen_it(
    coverage_fixture: dict[str, Any], daibu_officer: User, login: Login
) -> None:
    table = login(daibu_officer).get(url("need-coverage") + f"?region={region(LIYANG).code}").context["table"]
    assert table.base.code == region(DAIBU).code
    assert {r.region.code[:9] for r in table.rows} == {DAIBU}


def test_the_coverage_exports_to_excel(
    coverage_fixture: dict[str, Any], county_officer: User, login: Login
) -> None:
    rows = sheet_rows(login(county_officer).get(url("need-coverage") + "?format=xlsx"))
    header, totals = rows[0], rows[-1]
    assert header[0] == "Place" and header[-1] == "Needs in all"
    assert totals[0] == "Total" and totals[-1] == 5
    daibu = next(r for r in rows if r[0] == region(DAIBU).name)
    legal = header.index(f"{field().name}: needs")
    assert daibu[legal : legal + 3] == (2, 4, 1)


# The portal


def portal_data(**changes: Any) -> dict[str, Any]:
    return {
        "county": LIYANG,
        "title": "老年人法律咨询",
        "description": "希望每月有律师来村里",
        "field": field().pk,
        "target_group": TargetGroup.objects.get(code="elderly").pk,
        "region": first_village(DAIBU).code,
        "submitter_name": "王大妈",
        "contact": PHONE,
        "website": "",
    } | changes


def test_the_portal_asks_for_the_county_first_when_there_are_several(
    regions: None, anonymous: Client
) -> None:
    page = anonymous.get(reverse("portal:need-new")).content.decode()
    assert 'data-testid="counties"' in page and f"?county={LIYANG}" in page
    form = anonymous.get(reverse("portal:need-new") + f"?county={LIYANG}").content.decode()
    assert 'data-testid="need-form"' in form
    assert first_village(DAIBU).code in form and jintan_village().code not in form


def test_a_resident_raises_a_need_and_gets_the_reference(regions: None, anonymous: Client) -> None:
    response = anonymous.post(reverse("portal:need-new"), portal_data())
    assert response.status_code == 302 and response["Location"] == reverse("portal:need-done")
    need = Need.objects.get()
    assert (need.source, need.status, need.contact, need.submitted_by) == ("portal", "new", PHONE, None)
    assert need.target_group is not None and need.target_group.code == "elderly"
    done = anonymous.get(reverse("portal:need-done")).content.decode()
    assert need.reference in done


def test_the_portal_form_explains_what_is_wrong(regions: None, anonymous: Client) -> None:
    data = portal_data(title="", contact="12345", region=jintan_village().code)
    response = anonymous.post(reverse("portal:need-new"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "is not a phone number" in page
    assert "is not a county, town or village in your area" in page
    assert not Need.objects.exists()


def test_the_portal_ignores_a_robot_filling_the_hidden_field(regions: None, anonymous: Client) -> None:
    response = anonymous.post(reverse("portal:need-new"), portal_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not Need.objects.exists()


def test_the_status_lookup_shows_the_answer_and_never_the_phone(
    regions: None, county_officer: User, anonymous: Client
) -> None:
    need = raise_need(contact=PHONE, submitter_name="王大妈")
    services.decide_need(need, action="answer", note="已安排律师每月驻村", by=county_officer)
    page = anonymous.get(
        reverse("portal:need-status") + f"?reference={need.reference.lower()}"
    ).content.decode()
    assert 'data-testid="status"' in page and "已安排律师每月驻村" in page
    assert PHONE not in page and MASKED not in page and "王大妈" not in page
    missing = anonymous.get(reverse("portal:need-status") + "?reference=NOSUCH").content.decode()
    assert "No need has this reference number." in missing


def test_the_status_of_a_merged_need_shows_the_need_it_joined(
    regions: None, county_officer: User, anonymous: Client
) -> None:
    keep, duplicate = raise_need("老年人法律咨询"), raise_need("老人法律咨询")
    services.merge_needs(duplicate, into=keep, by=county_officer)
    services.decide_need(keep, action="answer", note="已纳入目录", by=county_officer)
    page = anonymous.get(reverse("portal:need-status") + f"?reference={duplicate.reference}").content.decode()
    assert 'data-testid="merged"' in page and 'data-testid="joined"' in page
    assert keep.reference in page and "已纳入目录" in page
