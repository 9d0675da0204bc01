import re
from collections.abc import Callable

import pytest
from django.test import Client

from peiyu.accounts.models import User
from peiyu.regions.models import Region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def nav_urls(client: Client) -> set[str]:
    return {item["url"] for item in client.get("/workbench/").context["nav_items"]}


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    assert client.get("/workbench/")["Location"] == "/accounts/login/?next=/workbench/"


def test_navigation_follows_permissions(
    administrator: User,
    county_officer: User,
    village_worker: User,
    organization_account: User,
    volunteer: User,
    expert: User,
    incubator_operator: User,
    login: Login,
) -> None:
    registry = {"/orgs/", "/orgs/applications/"}
    incubation = {
        "/incubation/",
        "/incubation/intake/",
        "/incubation/residents/",
        "/incubation/events/",
        "/incubation/subsidies/",
    }
    funding = {
        "/funding/needs/",
        "/funding/catalog/",
        "/funding/projects/",
        "/funding/rounds/",
        "/funding/applications/",
        "/funding/contracts/",
        "/funding/case-subsidies/",
    }
    activities = {
        "/activities/",
        "/activities/cases/",
        "/activities/mediators/",
        "/activities/councils/",
        "/activities/satisfaction/",
    }
    people = {
        "/people/volunteers/",
        "/people/hours/",
        "/people/activities/",
        "/people/social-workers/",
        "/people/experts/",
        "/people/advisers/",
    }
    assert nav_urls(login(administrator)) == {
        "/workbench/",
        *registry,
        *people,
        "/regions/",
        "/accounts/users/",
        "/accounts/tokens/",
        "/audit/",
        "/orgs/lists/fields/",
        "/settings/",
        "/supervision/checklist/",
        "/supervision/grades/indicators/",
    }
    supervision = {
        "/supervision/campaigns/",
        "/supervision/proposals/",
        "/supervision/lists/",
        "/supervision/visits/",
        "/supervision/grades/",
        "/supervision/citizen-reports/",
    }
    assert nav_urls(login(county_officer)) == {
        "/workbench/",
        "/regions/",
        "/accounts/users/",
        *registry,
        *incubation,
        *funding,
        *activities,
        *people,
        *supervision,
    }
    assert nav_urls(login(village_worker)) == {
        "/workbench/",
        "/regions/",
        "/incubation/",
        "/funding/needs/",
        *registry,
        *activities,
        *people,
    }
    # An incubator's operator runs its incubator and nothing else.
    assert nav_urls(login(incubator_operator)) == {"/workbench/", *incubation}
    # An organization's own account sees its own record, applications, volunteers and hours.
    assert nav_urls(login(organization_account)) == {
        "/workbench/",
        *registry,
        "/people/hours/",
        "/people/activities/",
        "/supervision/campaigns/",
        "/supervision/grades/",
        "/supervision/visits/",
        *(funding - {"/funding/needs/", "/funding/catalog/"}),
        "/activities/",
    }
    assert nav_urls(login(volunteer)) == {"/workbench/", "/people/me/"}
    assert nav_urls(login(expert)) == {
        "/workbench/",
        "/people/experts/me/",
        "/supervision/grades/",
        "/funding/applications/",
        "/funding/reviews/",
    }


def test_workbench_shows_the_scope(daibu_officer: User, organization_account: User, login: Login) -> None:
    html = login(daibu_officer).get("/workbench/").content.decode()
    assert "戴埠镇" in html
    assert "溧阳市戴埠镇" in html
    html = login(organization_account).get("/workbench/").content.decode()
    assert 'data-testid="todos' in html


def test_todo_counts_villages_without_population_in_scope(daibu_officer: User, login: Login) -> None:
    client = login(daibu_officer)
    expected = Region.objects.filter(parent_id="320481103000", population__isnull=True).count()
    todos = {t.label: t.count for t in client.get("/workbench/").context["todos"]}
    assert todos["没有常住人口数的村（社区）"] == expected
    Region.objects.filter(parent_id="320481103000").update(population=1000)
    labels = {t.label for t in client.get("/workbench/").context["todos"]}
    assert "没有常住人口数的村（社区）" not in labels


def test_portal_home_is_public_and_mobile_ready(client: Client, regions: None) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport"' in html
    assert 'lang="zh-hans"' in html
    assert "社会组织" in html


def test_english_is_selectable(client: Client, regions: None) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert 'lang="en"' in response.content.decode()
    assert "Sign in" in response.content.decode()


EXTERNAL = re.compile(
    r"""(?:src|href|action|url\()\s*=?\s*["']?\s*(?:https?:)?//(?!127\.0\.0\.1|localhost)""", re.I
)


def test_no_rendered_page_refers_to_an_external_host(
    client: Client, administrator: User, organization_account: User, login: Login
) -> None:
    pages = {
        "anonymous": (client, ["/", "/accounts/login/", "/api/v1/docs"]),
        "administrator": (
            login(administrator),
            [
                "/workbench/",
                "/regions/320481/",
                "/regions/?q=戴埠",
                "/regions/320481103/edit/",
                "/accounts/users/",
                "/accounts/users/new/",
                f"/accounts/users/{administrator.pk}/",
                "/accounts/tokens/",
                "/audit/",
                "/accounts/profile/",
                "/accounts/password/",
                "/accounts/otp/",
            ],
        ),
        "organization": (login(organization_account), ["/workbench/", "/accounts/profile/"]),
    }
    checked = 0
    for persona, (browser, urls) in pages.items():
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, (persona, url)
            html = response.content.decode()
            assert not EXTERNAL.search(html), (persona, url, EXTERNAL.search(html))
            checked += 1
    assert checked == 17
