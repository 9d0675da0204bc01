"""The incubation app's Word documents (the residency agreement and the attendance sheet), read
back as real .docx files, and the growth chart drawn as SVG."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO

import docx
import pytest
from django.test import Client
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.incubation import chart
from peiyu.incubation.models import Incubator, Residency
from peiyu.incubation.services import residencies
from peiyu.lib.docx import DOCX_TYPE, chinese_date, text_of

Login = Callable[[User], Client]
Admit = Callable[..., Residency]
TODAY = timezone.localdate
SVG = "{http://www.w3.org/2000/svg}"


# The residency agreement


@pytest.mark.django_db
def test_the_agreement_is_a_word_document_with_the_parties_dates_and_services(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    response = login(incubator_operator).get(f"/incubation/residents/{resident.pk}/agreement.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert "attachment" in response["Content-Disposition"]
    docx.Document(BytesIO(response.content))  # opens as a real Word file
    text = text_of(response.content)
    assert "社会组织孵化入驻协议" in text
    assert resident.name in text
    assert incubator.name in text
    assert resident.agreement_number in text
    assert chinese_date(resident.started_on) in text
    assert chinese_date(resident.planned_end_on) in text
    assert "不少于3个月、不超过6个月" in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.django_db
def test_the_agreement_is_in_chinese_whatever_the_interface_language(
    incubator: Incubator, admit: Admit, county_officer: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    client = login(county_officer)
    client.cookies["django_language"] = "en"
    text = text_of(client.get(f"/incubation/residents/{resident.pk}/agreement.docx").content)
    assert "甲方（孵化单位）" in text and "乙方的义务" in text


@pytest.mark.django_db
def test_another_operator_cannot_download_the_agreement(
    incubator: Incubator, admit: Admit, other_operator: User, login: Login
) -> None:
    resident = admit(incubator, months=2)
    assert login(other_operator).get(f"/incubation/residents/{resident.pk}/agreement.docx").status_code == 404


# The attendance sheet


@pytest.mark.django_db
def test_the_attendance_sheet_lists_the_residents_of_the_day(
    incubator: Incubator, admit: Admit, incubator_operator: User, login: Login
) -> None:
    first = admit(incubator, "邻里守望队", months=2)
    second = admit(incubator, "调解志愿队", months=1)
    gone = admit(incubator, "文体队", months=3)
    residencies.exit_residency(
        gone, reason="解散", ended_on=TODAY() - datetime.timedelta(days=5), by=incubator_operator
    )
    event = residencies.create_training_event(
        incubator,
        values=residencies.EventValues(
            title="项目设计培训",
            held_on=TODAY(),
            hours=Decimal("2.0"),
            provider="溧阳市社会工作协会",
            place="二楼会议室",
        ),
        by=incubator_operator,
    )
    residencies.record_attendance(event, attendance={first.pk: 3}, by=incubator_operator)
    response = login(incubator_operator).get(f"/incubation/events/{event.pk}/sheet.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    text = text_of(response.content)
    assert "项目设计培训签到表" in text
    assert chinese_date(TODAY()) in text and "2小时" in text
    assert "二楼会议室" in text and "溧阳市社会工作协会" in text
    assert "序号\t组织名称\t参加人数\t签名" in text
    assert f"1\t{first.name}\t3\t" in text  # the number recorded, the signature left blank
    assert f"2\t{second.name}\t\t" in text
    assert gone.name not in text


# The growth chart


def labels() -> chart.Labels:
    return chart.Labels(title="成长", axis="得分率（%）", total="总分", empty="尚未评估")


def bars(svg: str) -> list[dict[str, str]]:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    return [dict(rect.attrib) for rect in root.iter(f"{SVG}rect") if "data-stage" in rect.attrib]


@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_the_chart_draws_a_bar_per_stage_and_dimension_and_the_total(count: int) -> None:
    keys = ["intake", "midway", "exit"][:count]
    stages = [
        chart.Stage(key=key, label=key, shares=[Decimal("0.5"), None], total=Decimal("0.25")) for key in keys
    ]
    svg = chart.growth_svg(dimensions=["治理结构", "团队建设"], stages=stages, labels=labels())
    drawn = bars(svg)
    assert len(drawn) == 2 * count  # the unscored dimension has no bar; the total always has one
    assert {b["data-stage"] for b in drawn} == set(keys)
    assert sorted({b["data-value"] for b in drawn}) == (["25.0", "50.0"] if count else [])
    assert ("尚未评估" in svg) == (count == 0)
    assert "总分" in svg and "得分率（%）" in svg


def test_the_chart_escapes_text_and_caps_shares() -> None:
    stages = [chart.Stage(key="intake", label="<b>入驻</b>", shares=[Decimal("1.5")], total=Decimal("-1"))]
    svg = chart.growth_svg(dimensions=['a"<script>'], stages=stages, labels=labels())
    assert "<script>" not in svg and "<b>" not in svg
    assert [b["data-value"] for b in bars(svg)] == ["100.0", "0.0"]
