"""Regenerate the residency agreement template: .venv/bin/python peiyu/incubation/documents/build_agreement.py

Built with the registry's helpers (peiyu/orgs/documents/build_templates.py): the same fonts and
page, byte-for-byte reproducible. An agreement is signed by two parties, not issued by an office,
so it has no red header.

Variables of ``residency_agreement.docx`` (社会组织孵化入驻协议):
- ``number``: the agreement number given on admission;
- ``incubator``, ``address``, ``operator``: party A, its address and the organization running
  it (empty when the office runs it);
- ``resident``, ``region``, ``contact_name``: party B, where it works and its contact person;
- ``started_on``, ``planned_end_on``: the start and the day it must leave by (dates);
- ``min_months``, ``max_months``: the shortest and the longest residency;
- ``workspace``: the space it uses (may be empty);
- ``services``: the services the incubator provides, as one string;
- ``date``: the day it is signed (the day of admission).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the project root, when run as a script

from docx.document import Document as DocumentObject  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402

from peiyu.orgs.documents.build_templates import body, new_document, save, title  # noqa: E402


def without_header(doc: DocumentObject) -> DocumentObject:
    """Drop the office's red header (bureau and number) that ``new_document`` starts with."""
    for paragraph in doc.paragraphs[:2]:
        paragraph._p.getparent().remove(paragraph._p)
    return doc


def line(doc: DocumentObject, text: str) -> None:
    doc.add_paragraph(text, style="Normal")


def heading(doc: DocumentObject, text: str) -> None:
    paragraph = doc.add_paragraph(style="公文正文")
    paragraph.add_run(text).bold = True


def signatures(doc: DocumentObject) -> None:
    grid = doc.add_table(rows=0, cols=2)
    for left, right in (
        ("甲方（盖章）：{{ incubator }}", "乙方（盖章）：{{ resident }}"),
        ("代表（签字）：", "代表（签字）："),
        ("日期：{{ date }}", "日期：{{ date }}"),
    ):
        cells = grid.add_row().cells
        for cell, text in zip(cells, (left, right), strict=True):
            cell.width = Cm(7.8)
            cell.paragraphs[0].style = doc.styles["表格文字"]
            cell.paragraphs[0].text = text
            cell.paragraphs[0].paragraph_format.space_before = Pt(12)


def residency_agreement() -> DocumentObject:
    doc = without_header(new_document("社会组织孵化入驻协议"))
    title(doc, "社会组织孵化入驻协议")
    number = doc.add_paragraph("协议编号：{{ number }}", style="Normal")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    line(doc, "甲方（孵化单位）：{{ incubator }}")
    doc.add_paragraph("{%p if operator %}")
    line(doc, "运营单位：{{ operator }}")
    doc.add_paragraph("{%p endif %}")
    line(doc, "地址：{{ address }}")
    line(doc, "乙方（入驻组织）：{{ resident }}")
    line(doc, "所在地区：{{ region }}")
    line(doc, "联系人：{{ contact_name }}")
    body(
        doc,
        "为培育发展社会组织，经甲方审核，同意乙方入驻{{ incubator }}接受孵化。"
        "双方本着平等自愿、诚实守信的原则，订立本协议。",
    )
    heading(doc, "一、孵化期限")
    body(
        doc,
        "孵化期自{{ started_on }}起，乙方至迟应于{{ planned_end_on }}出壳或者退出。"
        "孵化周期不少于{{ min_months }}个月、不超过{{ max_months }}个月；"
        "乙方入驻满{{ min_months }}个月后方可申请出壳。期满前确需延长的，应当说明理由，经批准后延期。",
    )
    doc.add_paragraph("{%p if workspace %}")
    body(doc, "甲方为乙方提供的场地：{{ workspace }}。")
    doc.add_paragraph("{%p endif %}")
    heading(doc, "二、甲方提供的服务")
    body(doc, "甲方根据乙方的需要，为其提供以下孵化服务：{{ services }}。")
    heading(doc, "三、甲方的责任")
    body(
        doc,
        "甲方引导、监管乙方自我成长与发展，在入驻时、中期和出壳时对乙方进行成长评估，"
        "记录为乙方提供的各项服务，并协助乙方依法办理备案或者登记。",
    )
    heading(doc, "四、乙方的义务")
    body(doc, "（一）按时参加甲方组织的培训和活动；")
    body(doc, "（二）定期向甲方报告活动开展、人员和财务情况，重大事项及时报告；")
    body(doc, "（三）爱护并合理使用甲方提供的场地和设施，遵守孵化基地的管理制度，出壳或者退出时按时退还；")
    body(doc, "（四）遵守法律法规，坚持非营利性，不得以孵化单位的名义开展与其宗旨无关的活动。")
    heading(doc, "五、提前退出")
    body(
        doc,
        "乙方违反本协议或者不再具备孵化条件的，甲方可以说明理由终止孵化；乙方也可以申请提前退出。",
    )
    heading(doc, "六、其他")
    body(doc, "本协议一式两份，甲乙双方各执一份，自双方签字盖章之日起生效。")
    signatures(doc)
    return doc


def main() -> None:
    path = HERE / "residency_agreement.docx"
    save(residency_agreement(), path)
    print(path)


if __name__ == "__main__":
    main()
