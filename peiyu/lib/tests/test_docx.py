import re
import zipfile
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import docx
import pytest
from docxtpl import DocxTemplate
from jinja2 import UndefinedError
from lxml import etree

from peiyu.lib.docx import DOCX_TYPE, chinese_date, docx_response, render, text_of

DOCUMENTS = Path(__file__).resolve().parents[2] / "orgs" / "documents"
TEMPLATES = ["filing_certificate", "approval_notice", "rejection_notice", "revocation_decision"]
NASTY = "<b>&\"'"


def organization(**changes: Any) -> SimpleNamespace:
    values = {
        "name": "平桥村夕阳红志愿服务队",
        "filing_number": "溧社备〔2026〕0031",
        "leader_name": "王秀英",
        "region": "溧阳市戴埠镇平桥村",
        "fields": "为老服务、邻里互助",
        "guidance_unit": "戴埠镇平桥村民委员会",
        "filed_on": "2026年11月20日",
        "uscc": "51320481MJ5123456X",
    }
    return SimpleNamespace(**{**values, **changes})


def context_for(name: str, org: SimpleNamespace | None = None) -> dict[str, Any]:
    org = org or organization()
    common = {
        "bureau": "溧阳市民政局",
        "number": "溧民社备〔2026〕12号",
        "date": "2026年11月21日",
        "org": org,
    }
    if name == "filing_certificate":
        return common
    if name == "approval_notice":
        return {
            **common,
            "title": "准予登记决定书",
            "body": f"你单位提交的{org.name}成立登记申请，经审查，符合法定条件，本机关决定准予登记。",
            "rows": [
                {"label": "名称", "value": org.name},
                SimpleNamespace(label="业务范围", value="扶贫济困、为老服务"),
            ],
            "note": "请于收到本决定书之日起三十日内领取登记证书。",
        }
    if name == "rejection_notice":
        return {
            **common,
            "title": "不予登记通知书",
            "applicant": org.name,
            "body": "你单位提交的成立登记申请，经审查，不符合法定条件，本机关决定不予登记。",
            "reason": "拟任负责人不符合任职条件。",
        }
    return {
        **common,
        "number": "溧民罚决〔2026〕3号",
        "reason": "该组织连续两年未参加年度检查。",
        "basis": "《社会团体登记管理条例》第三十条第一款的规定",
    }


def rendered(name: str, context: dict[str, Any] | None = None) -> bytes:
    return render(DOCUMENTS / f"{name}.docx", context if context is not None else context_for(name))


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_names_the_bureau_number_date_and_organization(name: str) -> None:
    context = context_for(name)
    text = text_of(rendered(name, context))
    lines = text.splitlines()
    assert lines[0] == "溧阳市民政局"
    assert lines[1] == context["number"]
    assert lines[-2:] == ["溧阳市民政局", "2026年11月21日"]
    assert "平桥村夕阳红志愿服务队" in text


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_tag_is_consumed(name: str) -> None:
    content = rendered(name)
    with zipfile.ZipFile(BytesIO(content)) as archive:
        xml = archive.read("word/document.xml").decode()
    for leftover in ("{{", "}}", "{%", "%}", "{#", "#}"):
        assert leftover not in text_of(content)
        assert leftover not in xml


@pytest.mark.parametrize("name", TEMPLATES)
def test_user_text_comes_out_literally_in_a_valid_document(name: str) -> None:
    org = organization(name=f"阳光{NASTY}志愿队", leader_name=NASTY, uscc=NASTY)
    context = context_for(name, org)
    context.update(bureau=f"溧阳市{NASTY}民政局", reason=NASTY, basis=NASTY)
    content = rendered(name, context)
    with zipfile.ZipFile(BytesIO(content)) as archive:
        etree.fromstring(archive.read("word/document.xml"))  # well-formed, strictly parsed
    document = docx.Document(BytesIO(content))
    assert document.paragraphs[0].text == f"溧阳市{NASTY}民政局"
    text = text_of(content)
    assert f"阳光{NASTY}志愿队" in text
    assert "&amp;" not in text
    assert "&lt;" not in text


def test_filing_certificate_lists_the_filing() -> None:
    text = text_of(rendered("filing_certificate"))
    assert "社区社会组织备案证明" in text
    for row in [
        "组织名称\t平桥村夕阳红志愿服务队",
        "备案编号\t溧社备〔2026〕0031",
        "负责人\t王秀英",
        "所在地区\t溧阳市戴埠镇平桥村",
        "活动领域\t为老服务、邻里互助",
        "指导单位\t戴埠镇平桥村民委员会",
        "备案日期\t2026年11月20日",
    ]:
        assert row in text.splitlines()
    assert "不具有法人资格" in text
    assert "非营利性活动" in text


def test_approval_notice_repeats_a_table_row_per_item() -> None:
    text = text_of(rendered("approval_notice"))
    lines = text.splitlines()
    assert "准予登记决定书" in lines
    assert "平桥村夕阳红志愿服务队：" in lines
    assert "名称\t平桥村夕阳红志愿服务队" in lines
    assert "业务范围\t扶贫济困、为老服务" in lines
    assert "请于收到本决定书之日起三十日内领取登记证书。" in lines
    document = docx.Document(BytesIO(rendered("approval_notice")))
    assert len(document.tables) == 1
    assert len(document.tables[0].rows) == 2


def test_approval_notice_leaves_out_an_empty_table_and_note() -> None:
    context = {**context_for("approval_notice"), "rows": [], "note": ""}
    content = rendered("approval_notice", context)
    assert docx.Document(BytesIO(content)).tables == []
    lines = text_of(content).splitlines()
    assert lines[-3].startswith("你单位提交的")  # the body, then the signature
    assert lines[-2:] == ["溧阳市民政局", "2026年11月21日"]


def test_rejection_notice_gives_reasons_and_remedies() -> None:
    text = text_of(rendered("rejection_notice"))
    assert "不予登记通知书" in text
    assert "平桥村夕阳红志愿服务队：" in text
    assert "理由：拟任负责人不符合任职条件。" in text
    assert "六十日内依法申请行政复议" in text
    assert "六个月内依法向人民法院提起行政诉讼" in text


def test_revocation_decision_states_facts_basis_and_remedies() -> None:
    text = text_of(rendered("revocation_decision"))
    assert "撤销登记决定书" in text
    assert "溧民罚决〔2026〕3号" in text
    assert "统一社会信用代码：51320481MJ5123456X" in text
    assert "经查：该组织连续两年未参加年度检查。" in text
    assert (
        "依据《社会团体登记管理条例》第三十条第一款的规定，本机关决定：撤销平桥村夕阳红志愿服务队的登记。"
        in text
    )
    assert "申请行政复议" in text
    assert "提起行政诉讼" in text


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("filing_certificate", {"bureau", "number", "date", "org"}),
        ("approval_notice", {"bureau", "number", "date", "org", "title", "body", "rows", "note"}),
        ("rejection_notice", {"bureau", "number", "date", "title", "applicant", "body", "reason"}),
        ("revocation_decision", {"bureau", "number", "date", "org", "reason", "basis"}),
    ],
)
def test_templates_use_the_documented_variables(name: str, variables: set[str]) -> None:
    template = DocxTemplate(DOCUMENTS / f"{name}.docx")
    assert template.get_undeclared_template_variables() == variables


def test_a_missing_variable_is_an_error_not_a_blank() -> None:
    context = context_for("revocation_decision")
    del context["basis"]
    with pytest.raises(UndefinedError):
        rendered("revocation_decision", context)
    with pytest.raises(UndefinedError):
        rendered(
            "filing_certificate", {**context_for("filing_certificate"), "org": SimpleNamespace(name="x")}
        )


def test_values_are_made_presentable() -> None:
    org = organization(guidance_unit=None, filed_on=date(2026, 3, 5))
    lines = text_of(rendered("filing_certificate", context_for("filing_certificate", org))).splitlines()
    assert "指导单位\t" in lines
    assert "备案日期\t2026年3月5日" in lines
    assert chinese_date(datetime(2026, 11, 20, 17, 0, tzinfo=UTC)) == "2026年11月21日"  # Beijing time


def test_each_line_of_a_value_is_a_paragraph_in_the_same_style() -> None:
    context = {**context_for("rejection_notice"), "body": "第一段。\r\n第二段\x0b含垂直制表符。\n第三段。"}
    content = rendered("rejection_notice", context)
    document = docx.Document(BytesIO(content))
    paragraphs = {p.text: p for p in document.paragraphs}
    assert {"第一段。", "第二段含垂直制表符。", "第三段。"} <= paragraphs.keys()
    styles = {paragraphs[t].style.name for t in ("第一段。", "第二段含垂直制表符。", "第三段。")}
    assert styles == {"公文正文"}


def test_text_of_reads_merged_cells_once() -> None:
    document = docx.Document()
    document.add_paragraph("前言")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "甲"
    table.cell(0, 2).merge(table.cell(1, 2)).text = "乙"
    table.cell(1, 0).text, table.cell(1, 1).text = "丙", "丁"
    document.add_paragraph("结语")
    buffer = BytesIO()
    document.save(buffer)
    assert text_of(buffer.getvalue()) == "前言\n甲\t乙\n丙\t丁\t\n结语"


def test_docx_response_is_an_attachment_with_an_encoded_chinese_name() -> None:
    content = rendered("filing_certificate")
    response = docx_response("备案证明 平桥村/夕阳红.docx", content)
    assert response["Content-Type"] == DOCX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    encoded = disposition.removeprefix("attachment; filename*=UTF-8''")
    assert re.fullmatch(r"[A-Za-z0-9%._~-]+", encoded)
    assert unquote(encoded) == "备案证明 平桥村/夕阳红.docx"
    assert response.content == content
