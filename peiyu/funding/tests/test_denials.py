"""Every funding page, taken from the URL configuration so that a new one cannot escape: an
anonymous visitor is sent to sign in, and an account without funding permissions (a volunteer)
is refused; nothing answers 200 to either. Then the review of a county round stays with the
county: a town officer reads the published call but not its ranking, panels or objections,
and an applicant sees no score through the API before the notice."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from peiyu.accounts.models import User
from peiyu.funding.models import Draw, Objection, Round
from peiyu.funding.services import review, selection
from peiyu.funding.tests.conftest import TODAY, apply
from peiyu.orgs.models import Organization
from peiyu.people.models import Expert

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def funding_urls() -> list[str]:
    patterns = get_resolver().url_patterns
    funding = next(p for p in patterns if getattr(p, "namespace", None) == "funding")
    urls = []
    for pattern in funding.url_patterns:
        assert isinstance(pattern, URLPattern)
        args = [1] if "<int:pk>" in str(pattern.pattern) else []
        urls.append(reverse(f"funding:{pattern.name}", args=args))
    return urls


def test_every_funding_page_needs_an_account_and_a_permission(volunteer: User, login: Login) -> None:
    urls = funding_urls()
    assert len(urls) > 60
    anonymous, unprivileged = Client(), login(volunteer)
    for url in urls:
        for method in (anonymous.get, anonymous.post):
            response = method(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        codes = {unprivileged.get(url).status_code, unprivileged.post(url).status_code}
        assert codes <= {403, 405} and 403 in codes, (url, codes)


def test_a_town_officer_reads_the_call_but_not_the_review_of_a_county_round(
    open_round: Round,
    county_officer: User,
    daibu_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Callable[..., Round],
    login: Login,
) -> None:
    apply(open_round, organizations[0], organization_account)
    round = advance(open_round, "selected")
    round = selection.start_notice(round, by=county_officer, starts_on=TODAY - datetime.timedelta(days=1))
    selection.record_objection(round, text="评分不公", by=None, received_on=TODAY)
    draw = Draw.objects.get(round=round)
    objection = Objection.objects.get(round=round)
    town = login(daibu_officer)
    page = town.get(reverse("funding:round-detail", args=[round.pk]))
    assert page.status_code == 200 and round.title in page.text
    assert reverse("funding:round-ranking", args=[round.pk]) not in page.text
    assert "评分不公" not in page.text  # the history with objections is the county's
    for name, pk in (("round-ranking", round.pk), ("objection-list", round.pk), ("draw-detail", draw.pk)):
        assert town.get(reverse(f"funding:{name}", args=[pk])).status_code == 404, name
    assert town.post(reverse("funding:objection-answer", args=[objection.pk])).status_code == 403
    county = login(county_officer)
    assert county.get(reverse("funding:round-ranking", args=[round.pk])).status_code == 200
    assert county.get(reverse("funding:draw-detail", args=[draw.pk])).status_code == 200
    assert review.verify_draw(draw)


def test_an_applicant_sees_no_score_through_the_api_before_the_notice(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Expert],
    advance: Callable[..., Round],
    login: Login,
) -> None:
    apply(open_round, organizations[0], organization_account)
    round = advance(open_round, "selected")
    client = login(organization_account)
    (item,) = client.get("/api/v1/funding/applications").json()["items"]
    assert item["status"] == "reviewing"
    assert (item["final_score"], item["review_score"], item["rank"], item["awarded"]) == (
        None,
        None,
        None,
        None,
    )
    staff = login(county_officer).get("/api/v1/funding/applications").json()["items"][0]
    assert staff["status"] == "selected" and staff["rank"] == 1 and staff["final_score"] is not None
    selection.start_notice(round, by=county_officer)
    (item,) = client.get("/api/v1/funding/applications").json()["items"]
    assert item["status"] == "selected" and item["rank"] == 1
