"""Regenerate the attendance sheet template: .venv/bin/python peiyu/incubation/documents/build_sheet.py

Built with the registry's helpers (peiyu/orgs/documents/build_templates.py): the same fonts and
page, byte-for-byte reproducible, without the office's red header.

Variables of ``attendance_sheet.docx`` (培训签到表):
- ``title``: the training event; ``incubator``: who holds it;
- ``held_on`` (a date), ``hours``, ``place``, ``provider``;
- ``rows``: one per resident, with ``number`` (序号), ``name`` and ``people`` (the number who
  came when attendance is recorded, else empty); a few blank rows follow for late-comers.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the project root, when run as a script

from docx.document import Document as DocumentObject  # noqa: E402
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Cm  # noqa: E402

from peiyu.incubation.documents.build_agreement import line, without_header  # noqa: E402
from peiyu.orgs.documents.build_templates import new_document, save, title  # noqa: E402

WIDTHS = (Cm(1.6), Cm(7.0), Cm(2.6), Cm(4.4))  # the text is 15.6 cm wide
BLANK_ROWS = 3


def sheet_table(doc: DocumentObject, rows: list[tuple[str, str, str, str]]) -> None:
    grid = doc.add_table(rows=0, cols=len(WIDTHS), style="Table Grid")
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(grid.columns, WIDTHS, strict=True):
        column.width = width
    for values in rows:
        row = grid.add_row()
        row.height, row.height_rule = Cm(1.0), WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, width, text in zip(row.cells, WIDTHS, values, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles["表格文字"]
            paragraph.text = text
            if cell is not row.cells[1]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def attendance_sheet() -> DocumentObject:
    doc = without_header(new_document("培训签到表"))
    title(doc, "{{ title }}签到表")
    line(doc, "主办单位：{{ incubator }}")
    line(doc, "时间：{{ held_on }}（{{ hours }}小时）")
    line(doc, "地点：{{ place }}")
    line(doc, "授课：{{ provider }}")
    sheet_table(
        doc,
        [
            ("序号", "组织名称", "参加人数", "签名"),
            ("{%tr for row in rows %}", "", "", ""),
            ("{{ row.number }}", "{{ row.name }}", "{{ row.people }}", ""),
            ("{%tr endfor %}", "", "", ""),
            *[("", "", "", "")] * BLANK_ROWS,
        ],
    )
    return doc


def main() -> None:
    path = HERE / "attendance_sheet.docx"
    save(attendance_sheet(), path)
    print(path)


if __name__ == "__main__":
    main()
