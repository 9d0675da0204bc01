"""Regenerate the cohort graduation report template: .venv/bin/python peiyu/incubation/documents/build_report.py

It uses the layout of the registry's templates (peiyu/orgs/documents/build_templates.py: GB/T
9704 look, red header, 仿宋 body) and is byte-for-byte reproducible the same way. The header
carries the incubator's name and the cohort instead of a bureau and a document number: the
report is the incubator's account of a cohort, not a decision.

Variables (every value a string, a number or a date):

- ``bureau`` — the incubator; ``number`` — the cohort (the call's title); ``date`` — the day
- ``cohort.title``, ``cohort.opens_on``, ``cohort.closes_on`` — the call for intake
- ``counts.admitted``, ``counts.graduated``, ``counts.filed``, ``counts.registered``,
  ``counts.left``, ``counts.current`` — residents by outcome
- ``rate`` — the graduation rate (e.g. 33.3%); ``months`` — average months in residence of graduates
- ``services`` — rows with ``label``, ``count``, ``hours``, ``attendees`` (the last is the total)
- ``growth.count``, ``growth.intake``, ``growth.exit`` — residents assessed at intake and exit,
  and their average share of the maximum at each
- ``subsidies`` — rows with ``label``, ``granted``, ``paid`` (the last is the total)
- ``residents`` — rows with ``name``, ``code``, ``started_on``, ``ended_on``, ``status``,
  ``reference`` (the registry application), ``hours``, ``growth``, ``subsidies``
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # run as a script, from anywhere
    sys.path.insert(0, str(ROOT))

from docx.document import Document as DocumentObject  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Pt  # noqa: E402

from peiyu.orgs.documents.build_templates import (  # noqa: E402
    BODY_FONT,
    body,
    new_document,
    paragraph_style,
    save,
    signature,
    table,
    title,
)

HERE = Path(__file__).resolve().parent


def heading(doc: DocumentObject, text: str) -> None:
    paragraph = doc.add_paragraph(text, style="公文正文")
    paragraph.runs[0].bold = True


def grid(doc: DocumentObject, headers: list[str], cells: list[str], loop: str) -> None:
    """A table with a header row and one row per item of ``loop`` (``for x in xs``)."""
    small = doc.styles["表格小字"]
    table_ = doc.add_table(rows=0, cols=len(headers), style="Table Grid")
    table_.alignment = WD_TABLE_ALIGNMENT.CENTER
    for values in (headers, [f"{{%tr {loop} %}}", *[""] * (len(headers) - 1)], cells):
        row = table_.add_row().cells
        for cell, value in zip(row, values, strict=True):
            cell.paragraphs[0].style = small
            cell.paragraphs[0].text = value
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    end = table_.add_row().cells
    end[0].paragraphs[0].text = "{%tr endfor %}"
    for cell in table_.rows[0].cells:
        cell.paragraphs[0].runs[0].bold = True


def cohort_report() -> DocumentObject:
    doc = new_document("孵化出壳报告")
    small = paragraph_style(doc, "表格小字", BODY_FONT, Pt(10.5))  # 五号
    small.paragraph_format.space_before = small.paragraph_format.space_after = Pt(2)
    title(doc, "孵化出壳报告")
    body(
        doc,
        "{{ cohort.title }}（招募期{{ cohort.opens_on }}至{{ cohort.closes_on }}）孵化工作情况报告如下。",
    )
    heading(doc, "一、入驻与出壳情况")
    table(
        doc,
        [
            ("入驻组织", "{{ counts.admitted }}家"),
            ("已出壳", "{{ counts.graduated }}家（备案{{ counts.filed }}家，登记{{ counts.registered }}家）"),
            ("中途退出", "{{ counts.left }}家"),
            ("仍在孵化", "{{ counts.current }}家"),
            ("出壳率", "{{ rate }}"),
            ("出壳组织平均在孵时长", "{{ months }}个月"),
        ],
    )
    heading(doc, "二、孵化服务")
    grid(
        doc,
        ["服务类型", "次数", "时长（小时）", "参与人次"],
        ["{{ s.label }}", "{{ s.count }}", "{{ s.hours }}", "{{ s.attendees }}"],
        "for s in services",
    )
    heading(doc, "三、成长评估")
    doc.add_paragraph("{%p if growth.count %}")
    body(
        doc,
        "{{ growth.count }}家组织完成了入驻评估和出壳评估，"
        "平均得分率由入驻时的{{ growth.intake }}提高到出壳时的{{ growth.exit }}。",
    )
    doc.add_paragraph("{%p else %}")
    body(doc, "本期尚无同时完成入驻评估和出壳评估的组织。")
    doc.add_paragraph("{%p endif %}")
    heading(doc, "四、补贴核定与拨付（元）")
    grid(
        doc,
        ["补贴类型", "已核定", "已拨付"],
        ["{{ s.label }}", "{{ s.granted }}", "{{ s.paid }}"],
        "for s in subsidies",
    )
    heading(doc, "五、入驻组织名单")
    grid(
        doc,
        [
            "组织名称",
            "统一社会信用代码或备案编号",
            "入驻日期",
            "离开日期",
            "状态",
            "登记申请编号",
            "服务时长（小时）",
            "成长评估得分率",
            "补贴（元）",
        ],
        [
            "{{ r.name }}",
            "{{ r.code }}",
            "{{ r.started_on }}",
            "{{ r.ended_on }}",
            "{{ r.status }}",
            "{{ r.reference }}",
            "{{ r.hours }}",
            "{{ r.growth }}",
            "{{ r.subsidies }}",
        ],
        "for r in residents",
    )
    signature(doc)
    return doc


def main() -> None:
    path = HERE / "cohort_report.docx"
    save(cohort_report(), path)
    print(path)


if __name__ == "__main__":
    main()
