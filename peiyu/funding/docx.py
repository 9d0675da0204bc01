"""The funding app's Word document: the contract (政府购买服务合同 / 公益创投项目协议书), two- or
three-party, rendered from ``documents/contract.docx`` in Chinese whatever the user's interface
language. It is printed on demand to be signed on paper, so nothing is stored."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from peiyu.core.options import value_of
from peiyu.funding import options
from peiyu.funding.models import Contract, RoundKind
from peiyu.lib import docx
from peiyu.orgs.docx import office_name, official

TEMPLATES = Path(__file__).resolve().parent / "documents"

TITLES = {RoundKind.PURCHASE: "政府购买服务合同", RoundKind.VENTURE: "公益创投项目协议书"}
# When each milestone's tranche is paid, as the contract words it.
CONDITIONS = {
    "signing": "本合同签订后",
    "mid_term": "中期评估合格后",
    "final": "结项评估合格后",
}
# The articles after the parties' duties move down by one when party C has an article (七).
NUMERALS = "一二三四五六七八九十"
DIGITS = "零壹贰叁肆伍陆柒捌玖"
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group(value: int) -> str:
    """1–9999 in capitals: 1010 is 壹仟零壹拾."""
    text, zero = "", False
    for unit, digit in zip(("仟", "佰", "拾", ""), f"{value:04d}", strict=True):
        if digit == "0":
            zero = bool(text)
            continue
        if zero:
            text, zero = text + "零", False
        text += DIGITS[int(digit)] + unit
    return text


def _whole(value: int) -> str:
    groups = []
    while value:
        value, group = divmod(value, 10_000)
        groups.append(group)
    text, skipped = "", False
    for position in reversed(range(len(groups))):
        group = groups[position]
        if not group:
            skipped = True
            continue
        if text and (skipped or group < 1000):
            text += "零"
        text += _group(group) + GROUP_UNITS[position]
        skipped = False
    return text


def capital_amount(amount: Decimal) -> str:
    """An amount of yuan in Chinese capitals as written on contracts and vouchers (大写金额):
    100000 is 壹拾万元整, 100050.5 is 壹拾万零伍拾元伍角整, 1.05 is 壹元零伍分."""
    cents = int((amount * 100).quantize(Decimal(1), ROUND_HALF_UP))
    if cents < 0:
        raise ValueError("a negative amount has no capitals")
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    text = _whole(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    return text + (DIGITS[fen] + "分" if fen else "整")


def figures(amount: Decimal) -> str:
    return f"{amount:,.2f}"


@official
def contract_document(contract: Contract) -> bytes:
    application = contract.application
    round, organization = application.round, application.organization
    weights = value_of(options.EVALUATION_WEIGHTS.key, round.region_id)
    first = 7 if contract.three_party else 6  # the index of 七 or 八
    context = {
        "title": TITLES[RoundKind(round.kind)],
        "number": contract.number,
        "purchaser": office_name(round.region),
        "organization": organization.name,
        "code": organization.code,
        "leader": organization.leader_name,
        "three_party": contract.three_party,
        "supervisor": contract.supervisor.name if contract.supervisor else "",
        "round": round.title,
        "project": application.title,
        "area": application.area.path_name(),
        "summary": application.summary,
        "beneficiaries": application.beneficiaries,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "amount": figures(contract.amount),
        "amount_capital": capital_amount(contract.amount),
        "tranches": [
            {
                "position": tranche.position,
                "condition": CONDITIONS.get(tranche.milestone, tranche.milestone),
                "percent": tranche.percent,
                "amount": figures(tranche.amount),
            }
            for tranche in contract.tranches.order_by("position")
        ],
        "outputs": [
            {
                "description": output.description,
                "indicator": output.indicator,
                "target": f"{output.target.normalize():f}",
                "unit": output.unit,
            }
            for output in application.outputs.all()
        ],
        "weights": {"purchaser": weights[0], "beneficiaries": weights[1], "third_party": weights[2]},
        "pass_mark": value_of(options.EVALUATION_PASS_MARK.key, round.region_id),
        "sections": dict(zip(("evaluation", "breach", "other"), NUMERALS[first : first + 3], strict=True)),
        "copies": "三" if contract.three_party else "两",
        "signed_on": contract.signed_on,
    }
    return docx.render(TEMPLATES / "contract.docx", context)
