"""The case file (人民调解卷宗) as Word: the parts in the 司法部 order for a written agreement
with its records, visits and judicial confirmation; an oral agreement registered instead of the
agreement document; a failed case closed with its reason and the routes told; a case still open;
the parties' phones and identity numbers masked throughout, as the footer says; and Chinese
whatever the officer's interface language."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import docx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.activities import docx as case_docx
from peiyu.activities.models import (
    AgreementForm,
    CaseSource,
    DisputeType,
    MediationCase,
    Mediator,
    PartyRole,
    Performance,
)
from peiyu.activities.services import mediation
from peiyu.activities.services.mediation import PartyValues
from peiyu.activities.tests.test_mediation import agreed
from peiyu.lib import idcard
from peiyu.lib.docx import DOCX_TYPE, text_of
from peiyu.testing import DAIBU, first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = timezone.localdate()
PHONE = "13912345678"
ID_NUMBER = idcard.make(region="320481", birth=datetime.date(1970, 3, 1), sequence=12)
PARTS_OF_A_WRITTEN_AGREEMENT = [
    "人民调解卷宗",
    "卷内目录",
    "人民调解受理登记表",
    "人民调解记录",
    "人民调解协议书",
    "人民调解回访记录",
    "司法确认情况",
    "卷宗情况说明",
    "卷宗封底",
]


def _registered(by: User) -> MediationCase:
    return mediation.register_case(
        region=first_village(DAIBU),
        committee="大溪村人民调解委员会",
        dispute_type="neighbour",
        source="application",
        summary="两家因排水沟堵塞引发争执。",
        claims="请求疏通排水沟。",
        registered_on=TODAY - datetime.timedelta(days=20),
        parties=[
            PartyValues(
                role="respondent", name="李小红", sex="女", age=48, phone="13812345679", address="某村3号"
            ),
            PartyValues(
                role="applicant",
                name="王大明",
                sex="男",
                ethnicity="汉族",
                age=56,
                occupation="农民",
                phone=PHONE,
                id_number=ID_NUMBER,
                address="某村12号",
            ),
        ],
        by=by,
    )


def _titles(content: bytes) -> list[str]:
    document = docx.Document(BytesIO(content))
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == "公文标题"]


def _footer(content: bytes) -> str:
    return str(docx.Document(BytesIO(content)).sections[0].footer.paragraphs[0].text)


def test_a_written_agreement_file_holds_every_part_in_order(
    login: Login, village_worker: User, mediator: Mediator
) -> None:
    case = agreed(_registered(village_worker), village_worker, mediator, days_ago=10)
    mediation.record_follow_up(
        case, visited_on=TODAY, visitor="周调解", performance="performed", satisfied=True, by=village_worker
    )
    mediation.record_confirmation(
        case, applied_on=TODAY, court="溧阳市人民法院", by=village_worker, confirmed_on=TODAY
    )
    answer = login(village_worker).get(reverse("activities:case-file", args=[case.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == DOCX_TYPE
    assert "filename*=UTF-8''" in answer["Content-Disposition"]
    content = answer.content
    assert _titles(content) == PARTS_OF_A_WRITTEN_AGREEMENT

    text = text_of(content)
    cover = text.split("卷内目录")[0]
    assert case.number in cover and "王大明与李小红邻里纠纷" in cover and "周调解" in cover
    assert "大溪村人民调解委员会" in cover
    # The contents list the parts that follow, in order.
    contents = text.split("卷内目录")[1].split("人民调解受理登记表\n")[0]
    listed = [line.split("\t")[1] for line in contents.splitlines() if line.split("\t")[0].isdigit()]
    assert listed == [
        "人民调解受理登记表",
        "人民调解记录（第1次）",
        "人民调解协议书",
        "人民调解回访记录（第1次）",
        "司法确认情况",
        "卷宗情况说明",
        "卷宗封底",
    ]
    agreement = text.split("人民调解协议书\n")[1].split("人民调解回访记录")[0]
    # Applicants first; basic information with the phone and identity number masked.
    assert agreement.index("申请人：王大明，男，汉族，56岁，农民，联系电话139****5678") < agreement.index(
        "被申请人：李小红"
    )
    assert f"身份证号码{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}" in agreement
    assert "王大明清理排水沟，李小红承担一半费用800元。" in agreement
    due = f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"
    assert f"现金支付，于{due}前履行完毕" in agreement and "协议涉及金额1,600.00元" in agreement
    assert "一式三份" in agreement
    visit = text.split("人民调解回访记录\n")[1]
    assert "已履行" in visit and "满意" in visit and "周调解" in visit
    assert "溧阳市人民法院" in text.split("司法确认情况\n")[1]
    closing = text.split("卷宗情况说明\n")[1]
    assert "调解成功，达成书面调解协议" in closing and "已履行" in closing
    assert "已申请，人民法院已确认" in closing

    # Masked throughout, and the footer says so.
    assert PHONE not in text and "13812345679" not in text and ID_NUMBER not in text
    assert "已遮蔽" in _footer(content)


def test_an_oral_agreement_is_registered_instead_of_the_agreement_document(
    village_worker: User, mediator: Mediator
) -> None:
    case = agreed(_registered(village_worker), village_worker, mediator, form=AgreementForm.ORAL)
    titles = _titles(case_docx.case_file_document(case))
    assert "口头调解协议登记表" in titles and "人民调解协议书" not in titles
    assert "司法确认情况" not in titles and "人民调解回访记录" not in titles
    assert titles.index("人民调解记录") < titles.index("口头调解协议登记表") < titles.index("卷宗情况说明")
    text = text_of(case_docx.case_file_document(case))
    assert "调解成功，达成口头调解协议" in text and "尚未到期或尚未回访" in text


def test_a_failed_case_closes_with_its_reason_and_the_routes_told(village_worker: User) -> None:
    case = mediation.end_without_agreement(
        _registered(village_worker),
        reason="被申请人拒绝调解",
        routes_told="告知双方可向溧阳市人民法院提起诉讼",
        by=village_worker,
    )
    content = case_docx.case_file_document(case)
    assert _titles(content) == ["人民调解卷宗", "卷内目录", "人民调解受理登记表", "卷宗情况说明", "卷宗封底"]
    closing = text_of(content).split("卷宗情况说明\n")[1]
    assert "调解不成功，终止调解" in closing
    assert "被申请人拒绝调解" in closing and "告知双方可向溧阳市人民法院提起诉讼" in closing
    assert "无调解协议" in closing


def test_an_open_case_prints_its_registration(login: Login, village_worker: User) -> None:
    case = _registered(village_worker)
    # An officer reading the interface in English still prints the Chinese file.
    client = login(village_worker)
    answer = client.get(reverse("activities:case-file", args=[case.pk]), headers={"accept-language": "en"})
    text = text_of(answer.content)
    assert _titles(answer.content) == [
        "人民调解卷宗",
        "卷内目录",
        "人民调解受理登记表",
        "卷宗情况说明",
        "卷宗封底",
    ]
    registration = text.split("人民调解受理登记表\n")[1].split("卷宗情况说明")[0]
    assert "当事人申请" in registration and "邻里纠纷" in registration
    assert "两家因排水沟堵塞引发争执。" in registration and "请求疏通排水沟。" in registration
    assert "住址：某村12号" in registration and "已遮蔽显示" in registration
    assert "调解中，尚未结案" in text
    assert PHONE not in text and ID_NUMBER not in text


def test_every_choice_has_its_words_in_the_file() -> None:
    assert set(case_docx.DISPUTE_TYPES) == set(DisputeType)
    assert set(case_docx.SOURCES) == set(CaseSource)
    assert set(case_docx.ROLES) == set(PartyRole)
    assert set(case_docx.PERFORMANCE) == set(Performance)


def test_the_committed_template_is_what_the_script_builds(tmp_path: Path) -> None:
    from peiyu.activities.documents.build_templates import case_file
    from peiyu.orgs.documents.build_templates import save

    built = tmp_path / "case_file.docx"
    save(case_file(), built)
    assert built.read_bytes() == (case_docx.TEMPLATES / "case_file.docx").read_bytes()
