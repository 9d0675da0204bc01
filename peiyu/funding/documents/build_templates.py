"""Regenerate the contract template: .venv/bin/python peiyu/funding/documents/build_templates.py

Built with the registry's helpers (peiyu/orgs/documents/build_templates.py): the same fonts and
page, byte-for-byte reproducible. A contract is signed by its parties, not issued by an office,
so it has no red header.

Variables of ``contract.docx`` (政府购买服务合同 / 公益创投项目协议书):
- ``title``: the kind of contract; ``number``: the contract number (购 series);
- ``purchaser``: party A, the county office; ``organization``, ``code``, ``leader``: party B,
  its credit code and its leader;
- ``three_party`` (bool) and ``supervisor``: party C, the supervising third party, whose
  paragraphs appear only in a three-party contract;
- ``round``, ``project``, ``area``, ``summary``, ``beneficiaries``: the project as awarded;
- ``starts_on``, ``ends_on``: the service period (dates);
- ``amount`` (figures, 100,000.00) and ``amount_capital`` (壹拾万元整);
- ``tranches``: rows of ``position``, ``condition`` (when it is paid), ``percent``, ``amount``;
- ``outputs``: rows of ``description``, ``indicator``, ``target``, ``unit`` (may be empty);
- ``weights`` (``purchaser``, ``beneficiaries``, ``third_party``, in %) and ``pass_mark``;
- ``sections``: the Chinese numerals of the articles after the parties' duties (``evaluation``,
  ``breach``, ``other``), which move down by one when party C has an article of its own;
- ``copies``: 两 or 三; ``signed_on``: the signing date, empty until signed.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the project root, when run as a script

from docx.document import Document as DocumentObject  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402

from peiyu.incubation.documents.build_agreement import heading, line, without_header  # noqa: E402
from peiyu.orgs.documents.build_templates import body, new_document, save, title  # noqa: E402

TRANCHE_WIDTHS = (Cm(2.4), Cm(6.2), Cm(2.4), Cm(4.6))  # the text is 15.6 cm wide
OUTPUT_WIDTHS = (Cm(7.0), Cm(4.6), Cm(4.0))


def grid(doc: DocumentObject, widths: tuple[Cm, ...], rows: list[tuple[str, ...]]) -> None:
    table = doc.add_table(rows=0, cols=len(widths), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for values in rows:
        cells = table.add_row().cells
        for cell, width, text in zip(cells, widths, values, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles["表格文字"]
            paragraph.text = text
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def signatures(doc: DocumentObject) -> None:
    table = doc.add_table(rows=0, cols=2)
    for left, right in (
        ("甲方（盖章）：{{ purchaser }}", "乙方（盖章）：{{ organization }}"),
        ("代表（签字）：", "代表（签字）："),
        ("日期：{{ signed_on }}", "日期：{{ signed_on }}"),
    ):
        cells = table.add_row().cells
        for cell, text in zip(cells, (left, right), strict=True):
            cell.width = Cm(7.8)
            cell.paragraphs[0].style = doc.styles["表格文字"]
            cell.paragraphs[0].text = text
            cell.paragraphs[0].paragraph_format.space_before = Pt(12)
    doc.add_paragraph("{%p if three_party %}")
    for text in ("丙方（盖章）：{{ supervisor }}", "代表（签字）：", "日期：{{ signed_on }}"):
        paragraph = doc.add_paragraph(text, style="表格文字")
        paragraph.paragraph_format.space_before = Pt(12)
    doc.add_paragraph("{%p endif %}")


def parties(doc: DocumentObject) -> None:
    line(doc, "甲方（购买方）：{{ purchaser }}")
    line(doc, "乙方（承接方）：{{ organization }}")
    line(doc, "统一社会信用代码：{{ code }}")
    line(doc, "负责人：{{ leader }}")
    doc.add_paragraph("{%p if three_party %}")
    line(doc, "丙方（第三方监管机构）：{{ supervisor }}")
    doc.add_paragraph("{%p endif %}")
    body(
        doc,
        "根据政府购买服务的有关规定和{{ round }}的评审、公示结果，甲方确定由乙方承接本项目"
        "{% if three_party %}，并委托丙方对项目实施监管和评估{% endif %}。"
        "各方本着平等自愿、诚实守信的原则，订立本合同。",
    )


def project_and_money(doc: DocumentObject) -> None:
    heading(doc, "一、项目内容")
    body(doc, "项目名称：{{ project }}；服务区域：{{ area }}；预计服务{{ beneficiaries }}人。")
    body(doc, "{{ summary }}")
    heading(doc, "二、服务期限")
    body(doc, "服务期限自{{ starts_on }}起至{{ ends_on }}止。")
    heading(doc, "三、项目资金和拨付")
    body(
        doc,
        "本项目资金总额为人民币{{ amount }}元（大写：{{ amount_capital }}），由甲方按下列进度分期拨付给乙方：",
    )
    grid(
        doc,
        TRANCHE_WIDTHS,
        [
            ("期次", "拨付条件", "比例", "金额（元）"),
            ("{%tr for t in tranches %}", "", "", ""),
            ("第{{ t.position }}期", "{{ t.condition }}", "{{ t.percent }}%", "{{ t.amount }}"),
            ("{%tr endfor %}", "", "", ""),
        ],
    )
    body(
        doc,
        "中期评估合格后，甲方拨付中期款项；结项评估合格后，甲方拨付最后一期款项。"
        "任何一次评估不合格的，甲方停止拨付尚未拨付的资金，乙方应当限期整改，经重新评估合格后方可恢复拨付。",
    )
    heading(doc, "四、产出和指标")
    doc.add_paragraph("{%p if outputs %}")
    body(doc, "乙方应当完成下列产出，达到相应指标：")
    grid(
        doc,
        OUTPUT_WIDTHS,
        [
            ("产出", "指标", "目标"),
            ("{%tr for o in outputs %}", "", ""),
            ("{{ o.description }}", "{{ o.indicator }}", "{{ o.target }}{{ o.unit }}"),
            ("{%tr endfor %}", "", ""),
        ],
    )
    doc.add_paragraph("{%p else %}")
    body(doc, "乙方应当完成申报书所列的产出和指标。")
    doc.add_paragraph("{%p endif %}")


def duties(doc: DocumentObject) -> None:
    heading(doc, "五、乙方的义务")
    body(
        doc,
        "（一）按照申报书和本合同的约定组织实施项目，按期保质完成服务，"
        "不得将项目转包或者变相转包给其他单位或者个人；",
    )
    body(doc, "（二）项目资金专款专用、单独核算，不得挪作他用，接受财政、审计部门和甲方的监督检查；")
    body(
        doc,
        "（三）按月或者按季度向甲方报送项目进展报告，说明活动开展、服务人数、资金使用和存在的问题"
        "{% if three_party %}，并抄送丙方{% endif %}；重大事项及时报告；",
    )
    body(
        doc,
        "（四）配合中期评估和结项评估，如实提供项目资料，并在服务场所张贴服务对象满意度评价二维码。",
    )
    heading(doc, "六、甲方的义务")
    body(doc, "（一）按照本合同约定及时拨付项目资金；")
    body(doc, "（二）对项目实施进行指导和监督，组织中期评估和结项评估，并将评价结果向社会公布；")
    body(doc, "（三）为乙方开展服务提供必要的协调和支持。")
    doc.add_paragraph("{%p if three_party %}")
    heading(doc, "七、丙方的职责")
    body(
        doc,
        "丙方受甲方委托，负责项目监管、评估：跟踪乙方的项目执行和资金使用，"
        "组织中期评估和结项评估，按期向甲方出具监管和评估报告，对发现的问题及时提出整改意见。"
        "丙方应当客观公正，不得与乙方存在利害关系。",
    )
    doc.add_paragraph("{%p endif %}")


def evaluation_and_terms(doc: DocumentObject) -> None:
    heading(doc, "{{ sections.evaluation }}、绩效评估")
    body(
        doc,
        "项目实行中期评估和结项评估，由甲方（购买方）、服务对象和第三方评估机构共同评价"
        "{% if three_party %}，第三方评估由丙方组织实施{% endif %}。"
        "三方评分分别按{{ weights.purchaser }}%、{{ weights.beneficiaries }}%、{{ weights.third_party }}%"
        "的权重计算总分，总分达到{{ pass_mark }}分为合格。"
        "服务对象通过扫描二维码或者填写纸质问卷评价服务满意度。评价结果向社会公布。",
    )
    heading(doc, "{{ sections.breach }}、违约责任")
    body(
        doc,
        "乙方转包项目、挪用项目资金、弄虚作假，或者评估不合格且逾期整改仍不合格的，"
        "甲方有权解除本合同，停止拨付并追回已拨付的相应资金；给甲方造成损失的，乙方应当依法赔偿。",
    )
    heading(doc, "{{ sections.other }}、其他")
    body(
        doc,
        "本合同未尽事宜，由各方协商解决；协商不成的，依法向甲方所在地人民法院提起诉讼。"
        "本合同一式{{ copies }}份，各方各执一份，自各方签字盖章之日起生效。",
    )


def contract() -> DocumentObject:
    doc = without_header(new_document("政府购买服务合同"))
    title(doc, "{{ title }}")
    number = doc.add_paragraph("合同编号：{{ number }}", style="Normal")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    parties(doc)
    project_and_money(doc)
    duties(doc)
    evaluation_and_terms(doc)
    signatures(doc)
    return doc


def main() -> None:
    path = HERE / "contract.docx"
    save(contract(), path)
    print(path)


if __name__ == "__main__":
    main()
