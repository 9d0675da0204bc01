"""Exports: text that starts with "=" stays text, and the sheet keeps its layout."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from peiyu.lib.xlsx import workbook_bytes

FORMULAS = ['=HYPERLINK("http://example.com","点击查看")', "=1+2", "=cmd|' /C calc'!A0", "="]


def load(content: bytes) -> Worksheet:
    book = load_workbook(io.BytesIO(content))
    assert len(book.worksheets) == 1
    sheet: Worksheet = book.worksheets[0]
    return sheet


def test_text_starting_with_equals_is_written_as_text() -> None:
    content = workbook_bytes("导出", ["名称"], [[text] for text in FORMULAS])
    sheet = load(content)
    for row, text in enumerate(FORMULAS, start=2):
        cell = sheet.cell(row, 1)
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix  # stays text when edited in Excel too
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    # Another reader sees the text itself, not the (absent) cached value of a formula.
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert [row[0] for row in rows[1:]] == FORMULAS


def test_layout() -> None:
    headers = ["名称", "成立日期", "人数"]
    rows = (
        [name, datetime.date(2024, 3, 5), count]
        for name, count in [("幸福社区志愿者协会", 12), ("x" * 100, 3), ("=SUM(1)", None)]
    )
    sheet = load(workbook_bytes("社会组织" * 10, headers, rows))
    assert sheet.title == ("社会组织" * 10)[:31]
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == headers
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    widths = [sheet.column_dimensions[column].width for column in "ABC"]
    assert widths == [60, len("2024-03-05") + 2, len("人数") * 2 + 2]
    assert sheet["B2"].value == datetime.datetime(2024, 3, 5)  # noqa: DTZ001 (Excel has no time zones)
    assert sheet["B2"].is_date
    assert sheet["C3"].value == 3
    assert sheet["A4"].value == "=SUM(1)"
    assert sheet["C4"].value is None
    assert sheet.max_row == 4


def test_aware_datetimes_are_local_wall_clock_time() -> None:
    moment = datetime.datetime(2024, 3, 5, 2, 0, tzinfo=datetime.UTC)
    sheet = load(workbook_bytes("t", ["时间"], [[moment]]))
    assert sheet["A2"].value == datetime.datetime(2024, 3, 5, 10, 0)  # noqa: DTZ001 (Asia/Shanghai)


def test_control_characters_are_dropped_instead_of_failing() -> None:
    sheet = load(workbook_bytes("t", ["名称"], [["幸福\x0b社区\x00协会"]]))
    assert sheet["A2"].value == "幸福社区协会"


def test_rows_may_be_a_generator() -> None:
    def rows() -> Iterator[list[object]]:
        yield from ([i, f"第{i}行"] for i in range(1, 301))

    sheet = load(workbook_bytes("t", ["序号", "内容"], rows()))
    assert sheet.max_row == 301
    assert sheet["B301"].value == "第300行"


@given(st.lists(st.one_of(st.text(), st.text().map(lambda text: "=" + text)), max_size=10))
def test_any_text_round_trips(texts: list[str]) -> None:
    sheet = load(workbook_bytes("t", ["文本"], [[text] for text in texts]))
    # openpyxl reads an empty string back as no value.
    expected = [ILLEGAL_CHARACTERS_RE.sub("", text) for text in texts]
    assert [sheet.cell(row, 1).value or "" for row in range(2, len(texts) + 2)] == expected
