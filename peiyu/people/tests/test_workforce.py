"""Social workers, the expert pool and legal advisers, through the back-office pages, as each
persona sees them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.models import AuditEntry
from peiyu.lib import idcard
from peiyu.orgs.models import Field, Organization
from peiyu.people.models import Affiliation, Assignment, Expert, LegalAdviser, SocialWorker, WorkKind, WorkLog
from peiyu.people.services.workforce import (
    add_affiliation,
    assign_adviser,
    save_adviser,
    save_expert,
    save_social_worker,
)
from peiyu.people.tests.conftest import id_number, make_organization
from peiyu.regions.models import Region
from peiyu.testing import DAIBU, TIANMUHU, first_village, make_user, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
PHONE = "13812345678"
URBAN = "320481103001"  # 集镇社区居委会, 戴埠镇: an urban community
RURAL = "320481103200"  # 戴南村村委会, 戴埠镇: a rural village


def add_worker(by: User, name: str = "张社工", community: str = URBAN, **extra: Any) -> SocialWorker:
    values = {"name": name, "id_number": id_number(), "phone": PHONE, "community": region(community), **extra}
    return save_social_worker(instance=None, values=values, by=by)


def add_expert(by: User, name: str = "李专家", account: User | None = None, where: str = DAIBU) -> Expert:
    values = {"name": name, "region": region(where), "phone": PHONE, "account": account}
    return save_expert(instance=None, values=values, fields=[], by=by)


def add_adviser(by: User, name: str = "王律师", where: str = DAIBU) -> LegalAdviser:
    return save_adviser(
        instance=None, values={"name": name, "firm": "天目律师事务所", "region": region(where)}, by=by
    )


def rows_of(response: Any) -> list[tuple[Any, ...]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]


def worker_form(**changes: Any) -> dict[str, Any]:
    return {
        "name": "赵社工",
        "id_number": id_number(),
        "phone": PHONE,
        "community": URBAN,
        "is_active": "on",
        **changes,
    }


# Social workers: identity


def test_an_invalid_check_character_is_explained(daibu_officer: User, login: Login) -> None:
    number = id_number()
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    response = login(daibu_officer).post("/people/social-workers/new/", worker_form(id_number=wrong))
    assert response.status_code == 200
    errors = response.context["form"].errors["id_number"]
    assert number[17] in errors[0]  # the message names the check character it should be
    assert not SocialWorker.objects.exists()


def test_a_valid_identity_number_gives_the_sex(daibu_officer: User, login: Login) -> None:
    man = idcard.make(region="320481", birth=datetime.date(1988, 3, 9), sequence=111)
    woman = idcard.make(region="320481", birth=datetime.date(1991, 7, 2), sequence=112)
    client = login(daibu_officer)
    response = client.post("/people/social-workers/new/", worker_form(id_number=man.lower(), name="男社工"))
    created = SocialWorker.objects.get(name="男社工")
    assert response.status_code == 302
    assert response["Location"] == f"/people/social-workers/{created.pk}/"
    assert (created.sex, created.id_number, created.community_id) == ("male", man, URBAN)
    client.post("/people/social-workers/new/", worker_form(id_number=woman, name="女社工"))
    assert SocialWorker.objects.get(name="女社工").sex == "female"


def test_one_identity_number_is_one_social_worker(daibu_officer: User, login: Login) -> None:
    number = id_number()
    client = login(daibu_officer)
    client.post("/people/social-workers/new/", worker_form(id_number=number))
    response = client.post("/people/social-workers/new/", worker_form(id_number=number, name="重复"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert SocialWorker.objects.count() == 1


def test_the_community_is_a_village_in_the_officers_area(
    daibu_officer: User, tianmuhu_officer: User, login: Login
) -> None:
    client = login(daibu_officer)
    town = client.post("/people/social-workers/new/", worker_form(community=DAIBU + "000"))
    assert "community" in town.context["form"].errors
    elsewhere = client.post(
        "/people/social-workers/new/", worker_form(community=first_village(TIANMUHU).code)
    )
    assert "community" in elsewhere.context["form"].errors
    with pytest.raises(DomainError):
        add_worker(tianmuhu_officer, community=URBAN)
    assert not SocialWorker.objects.exists()


def test_list_and_export_show_identity_and_phone_masked(
    daibu_officer: User, organization: Organization, login: Login
) -> None:
    worker = add_worker(daibu_officer, employer=organization)
    masked_id = worker.id_number[:6] + "********" + worker.id_number[-4:]
    client = login(daibu_officer)
    html = client.get("/people/social-workers/").content.decode()
    assert masked_id in html
    assert "138****5678" in html
    assert worker.id_number not in html
    assert PHONE not in html
    rows = rows_of(client.get("/people/social-workers/?format=xlsx"))
    assert rows[1][0] == worker.name
    assert masked_id in rows[1]
    assert "138****5678" in rows[1]
    flat = " ".join(str(v) for row in rows for v in row)
    assert worker.id_number not in flat
    assert PHONE not in flat
    for page in (f"/people/social-workers/{worker.pk}/", f"/people/social-workers/{worker.pk}/edit/"):
        html = client.get(page).content.decode()
        assert worker.id_number not in html
        assert PHONE not in html


def test_an_edit_keeps_identity_and_phone_left_empty(daibu_officer: User, login: Login) -> None:
    worker = add_worker(daibu_officer)
    response = login(daibu_officer).post(
        f"/people/social-workers/{worker.pk}/edit/",
        {"name": "张社工", "id_number": "", "phone": "", "community": RURAL, "level": "assistant"},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.phone, worker.community_id, worker.level, worker.is_active) == (
        PHONE,
        RURAL,
        "assistant",
        False,
    )
    assert len(worker.id_number) == 18


def test_filters_search_by_name_level_region_and_employer(
    county_officer: User, organization: Organization, login: Login
) -> None:
    add_worker(county_officer, "陈一", level="senior", employer=organization)
    add_worker(county_officer, "陈二", community=RURAL)
    add_worker(county_officer, "周三", community=first_village(TIANMUHU).code)
    client = login(county_officer)

    def names(query: str) -> list[str]:
        return [w.name for w in client.get(f"/people/social-workers/?{query}").context["page"]]

    assert names("q=陈") == ["陈一", "陈二"]
    assert names("level=senior") == ["陈一"]
    assert names("level=none") == ["周三", "陈二"]
    assert names(f"region={TIANMUHU}000") == ["周三"]
    assert names(f"region={RURAL}") == ["陈二"]
    assert names(f"employer={organization.pk}") == ["陈一"]
    assert len(names("level=nonsense&region=abc")) == 3


def test_a_reveal_needs_the_permission_and_is_audited(
    daibu_officer: User, village_worker: User, login: Login
) -> None:
    worker = add_worker(daibu_officer)
    client = login(daibu_officer)
    assert 'data-testid="reveal"' in client.get(f"/people/social-workers/{worker.pk}/").content.decode()
    revealed = client.post(f"/people/social-workers/{worker.pk}/reveal/").content.decode()
    assert worker.id_number in revealed
    assert PHONE in revealed
    entry = AuditEntry.objects.get(event="people.reveal_identity")
    assert (entry.actor, entry.object_pk) == (daibu_officer, str(worker.pk))
    other = login(village_worker)
    assert 'data-testid="reveal"' not in other.get(f"/people/social-workers/{worker.pk}/").content.decode()
    assert other.post(f"/people/social-workers/{worker.pk}/reveal/").status_code == 403
    assert other.get(f"/people/social-workers/{worker.pk}/reveal/").status_code == 405
    assert AuditEntry.objects.filter(event="people.reveal_identity").count() == 1


def test_trainings_are_recorded_on_the_record(daibu_officer: User, login: Login) -> None:
    worker = add_worker(daibu_officer)
    client = login(daibu_officer)
    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(
        f"/people/social-workers/{worker.pk}/trainings/new/",
        {"title": "社会工作实务", "provider": "市社工协会", "held_on": day.isoformat(), "hours": "16"},
    )
    assert response.status_code == 302
    assert [(t.title, t.hours) for t in worker.trainings.all()] == [("社会工作实务", Decimal(16))]
    future = client.post(
        f"/people/social-workers/{worker.pk}/trainings/new/",
        {
            "title": "预排",
            "held_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
            "hours": "2",
        },
    )
    assert "held_on" in future.context["form"].errors
    assert "社会工作实务" in client.get(f"/people/social-workers/{worker.pk}/").content.decode()


# Social workers per community


def test_community_counts_against_the_urban_and_rural_targets(daibu_officer: User, login: Login) -> None:
    assert Region.objects.get(code=URBAN).is_urban
    assert not Region.objects.get(code=RURAL).is_urban
    client = login(daibu_officer)

    def count(code: str) -> Any:
        return next(
            c
            for c in client.get("/people/social-workers/communities/").context["counts"]
            if c.community.code == code
        )

    add_worker(daibu_officer, "甲")
    add_worker(daibu_officer, "乙")
    add_worker(daibu_officer, "已离职", is_active=False)
    urban = count(URBAN)
    assert (urban.workers, urban.target, urban.below_target) == (2, 3, True)
    rural = count(RURAL)
    assert (rural.workers, rural.target, rural.below_target) == (0, 1, True)
    add_worker(daibu_officer, "丙")
    add_worker(daibu_officer, "丁", community=RURAL)
    assert (count(URBAN).workers, count(URBAN).below_target) == (3, False)
    assert (count(RURAL).workers, count(RURAL).below_target) == (1, False)
    below = client.get("/people/social-workers/communities/?below=on").context["counts"]
    assert URBAN not in {c.community.code for c in below}
    assert all(c.below_target for c in below)


def test_community_counts_follow_the_area_and_the_town_filter(
    county_officer: User, daibu_officer: User, login: Login
) -> None:
    daibu = Region.objects.filter(parent_id=DAIBU + "000").count()
    mine = login(daibu_officer).get("/people/social-workers/communities/").context["counts"]
    assert len(mine) == daibu
    assert all(c.community.code.startswith(DAIBU) for c in mine)
    client = login(county_officer)
    assert len(client.get("/people/social-workers/communities/").context["counts"]) > daibu
    filtered = client.get(f"/people/social-workers/communities/?town={TIANMUHU}000").context["counts"]
    assert filtered
    assert all(c.community.code.startswith(TIANMUHU) for c in filtered)
    add_worker(daibu_officer, "甲")
    rows = rows_of(client.get(f"/people/social-workers/communities/?town={DAIBU}000&format=xlsx"))
    assert len(rows) == daibu + 1
    urban = next(r for r in rows if r[2] == URBAN)
    assert (urban[4], urban[5]) == (1, 3)


# The expert pool


def test_affiliations_current_and_ended(
    county_officer: User, organization: Organization, other_organization: Organization, login: Login
) -> None:
    client = login(county_officer)
    response = client.post(
        "/people/experts/new/",
        {"name": "孙专家", "region": DAIBU + "000", "is_available": "on", "fields_of_expertise": ["dispute"]},
    )
    expert = Expert.objects.get(name="孙专家")
    assert response["Location"] == f"/people/experts/{expert.pk}/"
    assert [f.code for f in expert.fields.all()] == ["dispute"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    new = f"/people/experts/{expert.pk}/affiliations/new/"
    client.post(new, {"organization": organization.pk, "relation": "adviser", "since": "2020-01-01"})
    client.post(
        new, {"organization": other_organization.pk, "relation": "member", "until": yesterday.isoformat()}
    )
    assert expert.conflicting_organization_ids() == {organization.pk}
    page = client.get(f"/people/experts/{expert.pk}/")
    assert [a.organization for a in page.context["current"]] == [organization]
    assert [a.organization for a in page.context["ended"]] == [other_organization]
    assert "data-confirm" in page.content.decode()

    current = Affiliation.objects.get(organization=organization)
    client.post(f"/people/affiliations/{current.pk}/end/", {"on": timezone.localdate().isoformat()})
    assert expert.conflicting_organization_ids() == {organization.pk}  # it still counts today
    current.until = None
    current.save(update_fields=["until"])
    client.post(f"/people/affiliations/{current.pk}/end/", {"on": yesterday.isoformat()})
    assert expert.conflicting_organization_ids() == set()
    ended = client.post(f"/people/affiliations/{current.pk}/end/", {"on": yesterday.isoformat()}, follow=True)
    assert ended.status_code == 200
    assert list(ended.context["messages"])[-1].level_tag == "error"  # already ended


def test_expert_filters(county_officer: User, login: Login) -> None:
    mediator = add_expert(county_officer, "调解专家")
    mediator.fields.set([Field.objects.get(code="dispute")])
    away = add_expert(county_officer, "外出专家")
    away.is_available = False
    away.save(update_fields=["is_available"])
    client = login(county_officer)

    def names(query: str) -> list[str]:
        return [e.name for e in client.get(f"/people/experts/?{query}").context["page"]]

    assert names("field=dispute") == ["调解专家"]
    assert names("available=no") == ["外出专家"]
    assert names("q=调解") == ["调解专家"]
    assert PHONE not in client.get("/people/experts/").content.decode()


def test_an_expert_keeps_their_own_profile_only(
    county_officer: User, expert: User, organization: Organization, login: Login
) -> None:
    own = add_expert(county_officer, "本人", account=expert)
    other = add_expert(county_officer, "他人")
    client = login(expert)
    page = client.get("/people/experts/me/")
    assert page.status_code == 200
    assert page.context["expert"] == own
    response = client.post("/people/experts/me/", {"note": "六月底前外出"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.is_available, own.availability_note) == (False, "六月底前外出")
    # Experts declare ties to any organization of the public directory.
    declare = client.post(
        f"/people/experts/{own.pk}/affiliations/new/",
        {"organization": organization.pk, "relation": "employee"},
    )
    assert declare["Location"] == "/people/experts/me/"
    assert own.conflicting_organization_ids() == {organization.pk}
    affiliation = own.affiliations.get()
    assert client.post(f"/people/affiliations/{affiliation.pk}/end/").status_code == 302
    # Nothing else of the pool is theirs.
    assert client.get("/people/experts/").status_code == 403
    assert client.get(f"/people/experts/{other.pk}/").status_code == 403
    assert client.get(f"/people/experts/{own.pk}/edit/").status_code == 403
    assert client.get(f"/people/experts/{other.pk}/affiliations/new/").status_code == 404
    staffs = add_affiliation(
        other,
        organization=organization,
        relation="member",
        since=None,
        until=None,
        note="",
        by=county_officer,
    )
    assert client.post(f"/people/affiliations/{staffs.pk}/end/").status_code == 404
    with pytest.raises(PermissionRefused):
        add_affiliation(
            other, organization=organization, relation="member", since=None, until=None, note="", by=expert
        )


def test_expert_me_is_404_without_a_profile(expert: User, county_officer: User, login: Login) -> None:
    assert login(expert).get("/people/experts/me/").status_code == 404
    assert login(county_officer).get("/people/experts/me/").status_code == 404
    assert Client().get("/people/experts/me/").status_code == 302


def test_an_expert_account_is_linked_once(county_officer: User, expert: User, login: Login) -> None:
    add_expert(county_officer, "本人", account=expert)
    response = login(county_officer).post(
        "/people/experts/new/", {"name": "冒名", "region": DAIBU + "000", "account": "expert"}
    )
    assert response.context["form"].non_field_errors()
    staff = login(county_officer).post(
        "/people/experts/new/", {"name": "冒名", "region": DAIBU + "000", "account": county_officer.username}
    )
    assert "account" in staff.context["form"].errors
    assert Expert.objects.count() == 1


# Legal advisers


def test_adviser_totals_sum_each_kind_within_the_year(county_officer: User, login: Login) -> None:
    adviser = add_adviser(county_officer)
    idle = add_adviser(county_officer, "闲律师")
    year = timezone.localdate().year - 1
    client = login(county_officer)
    new = f"/people/advisers/{adviser.pk}/work/new/"
    for kind, day, hours in [
        ("consultation", datetime.date(year, 1, 1), "1.5"),
        ("consultation", datetime.date(year, 12, 31), "2"),
        ("mediation", datetime.date(year, 6, 1), "3.5"),
        ("lecture", datetime.date(year - 1, 12, 31), "9"),  # the year before
        ("lecture", datetime.date(year + 1, 1, 1), "9"),  # the year after
    ]:
        response = client.post(
            new, {"kind": kind, "held_on": day.isoformat(), "hours": hours, "summary": "工作"}
        )
        assert response.status_code == 302
    page = client.get(f"/people/advisers/totals/?year={year}")
    rows = {row["adviser"].name: row for row in page.context["totals"]}
    mine = rows[adviser.name]
    assert mine["by_kind"]["consultation"] == {"count": 2, "hours": Decimal("3.5")}
    assert mine["by_kind"]["mediation"] == {"count": 1, "hours": Decimal("3.5")}
    assert mine["by_kind"]["lecture"] == {"count": 0, "hours": Decimal(0)}
    assert (mine["count"], mine["hours"]) == (3, Decimal(7))
    assert (rows[idle.name]["count"], rows[idle.name]["hours"]) == (0, Decimal(0))
    sheet = rows_of(client.get(f"/people/advisers/totals/?year={year}&format=xlsx"))
    line = next(r for r in sheet if r[0] == adviser.name)
    assert line[-2:] == (3, 7)
    assert len(sheet[0]) == 2 + 2 * len(WorkKind.values) + 2


def test_assignments_have_one_target_and_end(
    daibu_officer: User, organization: Organization, login: Login
) -> None:
    adviser = add_adviser(daibu_officer)
    client = login(daibu_officer)
    new = f"/people/advisers/{adviser.pk}/assignments/new/"
    both = client.post(new, {"organization": organization.pk, "village": RURAL, "starts_on": "2024-01-01"})
    assert both.context["form"].non_field_errors()
    town = client.post(new, {"village": DAIBU + "000", "starts_on": "2024-01-01"})
    assert "village" in town.context["form"].errors
    with pytest.raises(DomainError):
        assign_adviser(adviser, village=region(DAIBU), starts_on=datetime.date(2024, 1, 1), by=daibu_officer)
    assert client.post(new, {"village": RURAL, "starts_on": "2024-01-01"}).status_code == 302
    again = client.post(new, {"village": RURAL, "starts_on": "2024-02-01"})
    assert again.context["form"].non_field_errors()  # already serves there
    assert client.post(new, {"organization": organization.pk, "starts_on": "2024-03-01"}).status_code == 302
    village = Assignment.objects.get(village_id=RURAL)
    early = client.post(
        f"/people/advisers/{adviser.pk}/work/new/",
        {
            "assignment": village.pk,
            "kind": "consultation",
            "held_on": "2023-12-01",
            "hours": "1",
            "summary": "咨询",
        },
    )
    assert early.context["form"].non_field_errors()  # before the assignment began
    client.post(f"/people/assignments/{village.pk}/end/", {"on": "2024-06-30"})
    village.refresh_from_db()
    assert village.ends_on == datetime.date(2024, 6, 30)
    listed = client.get("/people/advisers/").context["page"][0]
    assert [str(s) for s in listed.current_assignments] == [organization.name]
    assert not WorkLog.objects.exists()


# Denials


def test_anonymous_visitors_are_sent_to_sign_in(regions: None) -> None:
    client = Client()
    for url in (
        "/people/social-workers/",
        "/people/social-workers/new/",
        "/people/social-workers/communities/",
        "/people/experts/",
        "/people/experts/new/",
        "/people/advisers/",
        "/people/advisers/new/",
        "/people/advisers/totals/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


def test_a_village_worker_sees_but_does_not_add(
    daibu_officer: User, village_worker: User, login: Login
) -> None:
    worker = add_worker(daibu_officer)
    adviser = add_adviser(daibu_officer, where=URBAN)
    expert = add_expert(daibu_officer, where=URBAN)  # in the village worker's own village
    client = login(village_worker)
    assert client.get("/people/social-workers/").status_code == 200
    for url in (
        "/people/social-workers/new/",
        f"/people/social-workers/{worker.pk}/edit/",
        f"/people/social-workers/{worker.pk}/trainings/new/",
        "/people/experts/new/",
        f"/people/experts/{expert.pk}/edit/",
        f"/people/experts/{expert.pk}/affiliations/new/",
        "/people/advisers/new/",
        f"/people/advisers/{adviser.pk}/edit/",
        f"/people/advisers/{adviser.pk}/assignments/new/",
        f"/people/advisers/{adviser.pk}/work/new/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/people/social-workers/new/", worker_form()).status_code == 403
    with pytest.raises(PermissionRefused):
        add_worker(village_worker)
    assert SocialWorker.objects.count() == 1


def test_another_towns_records_are_missing(daibu_officer: User, tianmuhu_officer: User, login: Login) -> None:
    worker = add_worker(daibu_officer)
    adviser = add_adviser(daibu_officer)
    expert = add_expert(daibu_officer)
    assignment = assign_adviser(
        adviser, village=region(RURAL), starts_on=datetime.date(2024, 1, 1), by=daibu_officer
    )
    client = login(tianmuhu_officer)
    for url in (
        f"/people/social-workers/{worker.pk}/",
        f"/people/social-workers/{worker.pk}/edit/",
        f"/people/social-workers/{worker.pk}/trainings/new/",
        f"/people/experts/{expert.pk}/",
        f"/people/experts/{expert.pk}/affiliations/new/",
        f"/people/advisers/{adviser.pk}/",
        f"/people/advisers/{adviser.pk}/work/new/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/people/social-workers/{worker.pk}/reveal/").status_code == 404
    assert client.post(f"/people/assignments/{assignment.pk}/end/").status_code == 404
    assert not AuditEntry.objects.filter(event="people.reveal_identity").exists()
    assert client.get("/people/social-workers/").context["page"].paginator.count == 0
    assert client.get("/people/advisers/totals/").context["totals"] == []


# Query counts


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_cost_the_same_queries_for_more_rows(
    county_officer: User, organization: Organization, login: Login
) -> None:
    add_worker(county_officer, employer=organization)
    add_expert(county_officer).fields.set(Field.objects.all()[:2])
    adviser = add_adviser(county_officer)
    assign_adviser(adviser, organization=organization, starts_on=datetime.date(2024, 1, 1), by=county_officer)
    client = login(county_officer)
    urls = [
        "/people/social-workers/",
        "/people/social-workers/communities/",
        "/people/experts/",
        "/people/advisers/",
        "/people/advisers/totals/",
    ]
    few = [_queries(client, url) for url in urls]
    for index in range(5):
        employer = make_organization(f"天目湖第{index}社工站", TIANMUHU)
        add_worker(county_officer, f"社工{index}", community=first_village(TIANMUHU).code, employer=employer)
        add_expert(county_officer, f"专家{index}").fields.set(Field.objects.all()[:3])
        other = add_adviser(county_officer, f"律师{index}", where=TIANMUHU)
        assign_adviser(other, organization=employer, starts_on=datetime.date(2024, 1, 1), by=county_officer)
        assign_adviser(
            other, village=first_village(TIANMUHU), starts_on=datetime.date(2024, 1, 1), by=county_officer
        )
    more = [_queries(client, url) for url in urls]
    assert more == few


def test_empty_lists_explain_what_to_do(county_officer: User, login: Login) -> None:
    client = login(county_officer)
    for url in (
        "/people/social-workers/",
        "/people/experts/",
        "/people/advisers/",
        "/people/advisers/totals/",
    ):
        assert 'data-testid="empty"' in client.get(url).content.decode(), url


def test_another_county_administrator_sees_nothing_here(regions: None, login: Login) -> None:
    outsider = make_user("outsider", "county_officer", "320413")
    worker = add_worker(make_user("liyang", "county_officer", "320481"))
    assert login(outsider).get(f"/people/social-workers/{worker.pk}/").status_code == 404


def test_every_page_renders_for_an_officer(
    daibu_officer: User, expert: User, organization: Organization, login: Login
) -> None:
    worker = add_worker(daibu_officer, employer=organization)
    profile = add_expert(daibu_officer, account=expert)
    add_affiliation(
        profile, organization=organization, relation="member", since=None, until=None, note="", by=expert
    )
    adviser = add_adviser(daibu_officer)
    assignment = assign_adviser(
        adviser, organization=organization, starts_on=datetime.date(2024, 1, 1), by=daibu_officer
    )
    WorkLog.objects.create(
        adviser=adviser,
        assignment=assignment,
        kind="consultation",
        held_on=datetime.date(2024, 2, 1),
        hours=2,
        summary="章程咨询",
    )
    client = login(daibu_officer)
    for url in (
        "/people/social-workers/new/",
        f"/people/social-workers/{worker.pk}/edit/",
        f"/people/social-workers/{worker.pk}/trainings/new/",
        "/people/experts/new/",
        f"/people/experts/{profile.pk}/",
        f"/people/experts/{profile.pk}/edit/",
        f"/people/experts/{profile.pk}/affiliations/new/",
        "/people/advisers/new/",
        f"/people/advisers/{adviser.pk}/edit/",
        f"/people/advisers/{adviser.pk}/assignments/new/",
        f"/people/advisers/{adviser.pk}/work/new/",
        "/people/advisers/totals/?year=2024",
    ):
        assert client.get(url).status_code == 200, url
    detail = client.get(f"/people/advisers/{adviser.pk}/").content.decode()
    assert "章程咨询" in detail
    assert organization.name in detail
    assert PHONE not in detail
    assert login(expert).get(f"/people/experts/{profile.pk}/affiliations/new/").status_code == 200


def test_an_expert_edit_keeps_the_phone_left_empty(county_officer: User, login: Login) -> None:
    profile = add_expert(county_officer)
    client = login(county_officer)
    assert PHONE not in client.get(f"/people/experts/{profile.pk}/edit/").content.decode()
    response = client.post(
        f"/people/experts/{profile.pk}/edit/",
        {
            "name": "李专家",
            "title": "教授",
            "region": DAIBU + "000",
            "phone": "",
            "fields_of_expertise": ["dispute"],
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.title, profile.phone, profile.is_available) == ("教授", PHONE, False)
    assert [f.code for f in profile.fields.all()] == ["dispute"]
