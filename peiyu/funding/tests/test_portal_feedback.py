"""The beneficiaries' satisfaction form on the portal, reached by a contract's QR code: answers
for a signed contract, a friendly page for one not yet signed, 404 for an unknown code, the
thank-you page, and the answers as the beneficiaries' score on the contract's page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from peiyu.accounts.models import User
from peiyu.funding.models import Contract, Round, SatisfactionResponse
from peiyu.funding.services import contracts
from peiyu.funding.tests.conftest import TODAY, apply
from peiyu.orgs.models import Organization
from peiyu.people.models import Expert
from peiyu.portal.feedback import ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    experts: list[Expert],
    advance: Callable[..., Round],
) -> Contract:
    """A draft contract, awarded and not yet signed."""
    application = apply(open_round, organizations[0], organization_account, title="阳光法治宣传进万家")
    advance(open_round, "awarded")
    return Contract.objects.get(application=application)


@pytest.fixture
def signed(contract: Contract, county_officer: User) -> Contract:
    return contracts.sign_contract(contract, signed_on=TODAY, by=county_officer)


def _url(contract: Contract) -> str:
    return reverse("portal:feedback", args=[contract.feedback_token])


def test_a_beneficiary_answers_on_the_phone(signed: Contract, client: Client) -> None:
    form = client.get(_url(signed))
    assert form.status_code == 200
    assert "阳光法治宣传进万家" in form.text and "溧阳市阳光法律服务中心" in form.text
    answer = client.post(_url(signed), {"rating": "5", "helpful": "4", "comment": "讲座很实用"})
    thanks = reverse("portal:feedback-thanks", args=[signed.feedback_token])
    assert answer.status_code == 302 and answer["Location"] == thanks
    saved = SatisfactionResponse.objects.get(contract=signed)
    assert (saved.rating, saved.helpful, saved.comment) == (5, 4, "讲座很实用")
    page = client.get(thanks)
    assert page.status_code == 200 and 'data-testid="thanks"' in page.text
    assert 'data-testid="again"' in page.text  # someone helping others answer may go on


def test_answers_out_of_the_scale_are_refused(signed: Contract, client: Client) -> None:
    answer = client.post(_url(signed), {"rating": "7", "helpful": "0"})
    assert answer.status_code == 200 and "invalid-feedback" in answer.text
    assert not SatisfactionResponse.objects.exists()


def test_an_unknown_code_is_not_found(signed: Contract, client: Client) -> None:
    assert client.get(reverse("portal:feedback", args=["0" * 32])).status_code == 404
    assert client.get(reverse("portal:feedback-thanks", args=["nope"])).status_code == 404


def test_a_project_not_yet_delivering_says_so(contract: Contract, client: Client) -> None:
    page = client.get(_url(contract))
    assert page.status_code == 200 and 'data-testid="not-yet"' in page.text
    assert 'data-testid="feedback-form"' not in page.text
    sent = client.post(_url(contract), {"rating": "5", "helpful": "5"})
    assert sent.status_code == 200 and 'data-testid="not-yet"' in sent.text
    assert not SatisfactionResponse.objects.exists()


def test_one_phone_answers_a_limited_number_of_times(signed: Contract, client: Client) -> None:
    for _ in range(ANSWERS.cap + 2):
        client.post(_url(signed), {"rating": "4", "helpful": "4"})
    assert SatisfactionResponse.objects.count() == ANSWERS.cap
    assert client.get(_url(signed)).status_code == 302
    # Another phone still may.
    Client().post(_url(signed), {"rating": "4", "helpful": "4"})
    assert SatisfactionResponse.objects.count() == ANSWERS.cap + 1


def test_the_answers_make_up_the_beneficiaries_score(
    signed: Contract, county_officer: User, login: Callable[[User], Client]
) -> None:
    for rating, helpful in ((5, 5), (3, 4)):
        Client().post(_url(signed), {"rating": rating, "helpful": helpful})
    page = login(county_officer).get(reverse("funding:contract-detail", args=[signed.pk])).text
    # (5 + 5 + 3 + 4) / 4 × 20 = 85.00
    assert 'data-testid="responses">2<' in page and 'data-testid="score">85.00<' in page
