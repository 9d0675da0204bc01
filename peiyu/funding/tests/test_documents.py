"""The Word contract: two-party (甲方, 乙方) or three-party (丙方 with its supervising duties),
the amount in figures and in Chinese capitals, the tranche schedule, the outputs, numbered with
the contract number; and the 大写金额 helper."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import docx
import pytest
from django.test import Client
from django.urls import reverse

from peiyu.accounts.models import User
from peiyu.funding.docx import capital_amount
from peiyu.funding.models import Contract, Round
from peiyu.funding.services import contracts, rounds
from peiyu.funding.tests.conftest import TODAY, apply
from peiyu.lib.docx import DOCX_TYPE, text_of
from peiyu.orgs.models import Organization
from peiyu.people.models import Expert

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("100000", "壹拾万元整"),
        ("50000.5", "伍万元伍角整"),
        ("30000.30", "叁万元叁角整"),
        ("100050", "壹拾万零伍拾元整"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("1001", "壹仟零壹元整"),
        ("1010", "壹仟零壹拾元整"),
        ("10001000", "壹仟万壹仟元整"),  # a section starting with 仟 needs no 零
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        ("100000000", "壹亿元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("2600000", "贰佰陆拾万元整"),
        ("1.05", "壹元零伍分"),
        ("0.5", "伍角整"),
        ("0.07", "柒分"),
        ("0", "零元整"),
    ],
)
def test_amounts_in_chinese_capitals(amount: str, capitals: str) -> None:
    assert capital_amount(Decimal(amount)) == capitals


def test_a_negative_amount_has_no_capitals() -> None:
    with pytest.raises(ValueError):
        capital_amount(Decimal(-1))


def _award(
    round: Round, organization: Organization, by: User, advance: Callable[..., Round], **kwargs: object
) -> Contract:
    application = apply(round, organization, by, **kwargs)  # type: ignore[arg-type]
    advance(round, "awarded")
    return Contract.objects.get(application=application)


def _document(client: Client, contract: Contract) -> str:
    answer = client.get(reverse("funding:contract-document", args=[contract.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == DOCX_TYPE
    document = docx.Document(BytesIO(answer.content))  # opens in python-docx
    assert document.paragraphs
    return text_of(answer.content)


def test_a_two_party_venture_contract(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    experts: list[Expert],
    advance: Callable[..., Round],
    county_officer: User,
    login: Login,
) -> None:
    contract = _award(open_round, organizations[0], organization_account, advance)
    text = _document(login(county_officer), contract)
    assert "公益创投项目协议书" in text and f"合同编号：{contract.number}" in text
    assert "甲方（购买方）：溧阳市民政局" in text
    assert "乙方（承接方）：溧阳市阳光法律服务中心" in text and organizations[0].uscc in text
    assert "人民币100,000.00元（大写：壹拾万元整）" in text
    for row in ("第1期\t本合同签订后\t50%\t50,000.00", "第2期\t中期评估合格后\t30%\t30,000.00"):
        assert row in text
    assert "第3期\t结项评估合格后\t20%\t20,000.00" in text
    assert "开展法治讲座\t场次\t12场" in text
    assert "不得将项目转包" in text and "进展报告" in text and "40%、30%、30%" in text
    assert "丙方" not in text and "一式两份" in text and "七、绩效评估" in text
    assert "{{" not in text and "{%" not in text


def test_a_three_party_purchase_contract(
    make_round: Callable[..., Round],
    organizations: list[Organization],
    organization_account: User,
    experts: list[Expert],
    advance: Callable[..., Round],
    county_officer: User,
    login: Login,
) -> None:
    round = make_round(kind="purchase", supervisor=organizations[2])
    round = rounds.open_round(round, by=county_officer)
    contract = _award(round, organizations[0], organization_account, advance, amount=123_456)
    assert contract.three_party
    contract = contracts.sign_contract(contract, signed_on=TODAY, by=county_officer)
    text = _document(login(organization_account), contract)
    assert "政府购买服务合同" in text
    assert "丙方（第三方监管机构）：溧阳市青少年法治教育中心" in text
    assert "项目监管、评估" in text and "七、丙方的职责" in text and "八、绩效评估" in text
    assert "壹拾贰万叁仟肆佰伍拾陆元整" in text and "123,456.00" in text
    assert "一式三份" in text and f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in text


def test_the_document_is_only_for_those_who_see_the_contract(
    open_round: Round,
    organizations: list[Organization],
    organization_account: User,
    other_org_account: User,
    experts: list[Expert],
    advance: Callable[..., Round],
    daibu_officer: User,
    client: Client,
    login: Login,
) -> None:
    contract = _award(open_round, organizations[0], organization_account, advance)
    url = reverse("funding:contract-document", args=[contract.pk])
    assert login(other_org_account).get(url).status_code == 404
    assert login(daibu_officer).get(url).status_code == 404  # a town's officer: outside the county's round
    assert client.get(url).status_code == 302
