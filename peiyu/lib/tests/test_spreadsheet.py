"""Reading uploaded spreadsheets: real files built here (xlsx with openpyxl, CSV in two encodings), a
real .xls fixture, and junk, which must always end in SpreadsheetError and nothing else."""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import os
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.functional import Promise
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from peiyu.lib.spreadsheet import (
    MAX_BYTES,
    MAX_ROWS,
    Row,
    Sheet,
    SpreadsheetError,
    is_formula,
    parse_date,
    read,
)

FIXTURES = Path(__file__).parent / "fixtures"
REQUIRED = ("名称", "统一社会信用代码", "来源")
OPTIONAL = ("成立日期",)
NOT_SPREADSHEET = "This file is not an Excel workbook (.xlsx, .xls) or a CSV file."
UNREADABLE = "The file cannot be read"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def xlsx(*rows: Sequence[object], hidden_first: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    if hidden_first:
        sheet.title = "说明"
        sheet.append(["请勿修改"])
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet("数据")
        book.active = 1
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[str]], encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def read_default(data: bytes, filename: str, **kwargs: object) -> Sheet:
    return read(data, filename, required=REQUIRED, optional=OPTIONAL, **kwargs)  # type: ignore[arg-type]


def error(data: bytes, filename: str, **kwargs: object) -> str:
    with pytest.raises(SpreadsheetError) as raised:
        read_default(data, filename, **kwargs)
    return str(raised.value)


HEADER = ["名称", "统一社会信用代码", "来源", "成立日期"]
ORG = ["幸福社区志愿者协会", "51320481MJ1234567X", "民政局", "2024-03-05"]


# --- xlsx -------------------------------------------------------------------------------------------


def test_xlsx_rows_numbers_and_values() -> None:
    sheet = read_default(xlsx(HEADER, ORG, ["阳光养老服务中心", "", "街道", ""]), "单位.xlsx")
    assert sheet.headers == HEADER
    assert sheet.ignored == []
    assert sheet.rows == [
        Row(2, dict(zip(HEADER, ORG, strict=True))),
        Row(3, {"名称": "阳光养老服务中心", "统一社会信用代码": "", "来源": "街道", "成立日期": ""}),
    ]


def test_cell_types_become_text() -> None:
    header = [*REQUIRED, "电话", "代码", "比例", "日期", "时间", "布尔", "空"]
    values = [
        "  甲  ",
        "X",
        "Y",
        13912345678.0,
        320481103000,
        1.5,
        datetime.date(2024, 3, 5),
        datetime.datetime(2024, 3, 5, 10, 30),  # noqa: DTZ001 (Excel has no time zones)
        True,
        None,
    ]
    sheet = read(xlsx(header, values), "a.xlsx", required=header)
    assert sheet.rows[0].values == {
        "名称": "甲",
        "统一社会信用代码": "X",
        "来源": "Y",
        "电话": "13912345678",
        "代码": "320481103000",
        "比例": "1.5",
        "日期": "2024-03-05",
        "时间": "2024-03-05",
        "布尔": "TRUE",
        "空": "",
    }


def test_header_markers_spaces_and_aliases() -> None:
    header = ["\u3000名称*", "社会信用代码（必填）", " 来源 (必填)", "＊成立日期", "备注", "序号"]
    sheet = read(
        xlsx(header, ["甲", "5132", "民政", "2024/3/5", "无", 1]),
        "a.xlsx",
        required=REQUIRED,
        optional=OPTIONAL,
        aliases={"社会信用代码": "统一社会信用代码"},
    )
    assert sheet.headers == HEADER
    assert sheet.ignored == ["备注", "序号"]
    assert sheet.rows[0].values == {
        "名称": "甲",
        "统一社会信用代码": "5132",
        "来源": "民政",
        "成立日期": "2024/3/5",
    }


def test_optional_column_may_be_absent() -> None:
    sheet = read_default(xlsx(REQUIRED, ["甲", "5132", "民政"]), "a.xlsx")
    assert sheet.headers == list(REQUIRED)
    assert sheet.rows[0].values["成立日期"] == ""


def test_missing_columns_are_listed_together() -> None:
    assert error(xlsx(["名称", "备注"], ["甲", ""]), "a.xlsx") == "Missing columns: 统一社会信用代码, 来源"


def test_duplicate_column_is_named() -> None:
    message = error(xlsx([*HEADER, "单位名称"], ORG), "a.xlsx", aliases={"单位名称": "名称"})
    assert message == "The column “名称” appears more than once."


def test_empty_rows_are_skipped_and_numbers_stay_true() -> None:
    # A title above the header, blank rows above it and between records, a serial-number column
    # filled further down than the records.
    data = xlsx(
        [],
        ["XX区社会组织名单"],
        ["序号", *HEADER],
        [1, *ORG],
        [],
        [2],
        [3, "阳光养老服务中心", "", "街道"],
        [4, None, "  ", "\u3000"],
    )
    sheet = read_default(data, "a.xlsx")
    assert [row.number for row in sheet.rows] == [4, 7]
    assert sheet.ignored == ["序号"]


def test_header_below_leading_blank_rows_and_columns() -> None:
    book = Workbook()
    sheet = book.active
    for column, name in zip("CDE", REQUIRED, strict=True):
        sheet[f"{column}3"] = name
    sheet["C5"] = "甲"
    buffer = io.BytesIO()
    book.save(buffer)
    rows = read(buffer.getvalue(), "a.xlsx", required=REQUIRED).rows
    assert rows == [Row(5, {"名称": "甲", "统一社会信用代码": "", "来源": ""})]


def test_first_visible_sheet_is_read() -> None:
    sheet = read_default(xlsx(HEADER, ORG, hidden_first=True), "a.xlsx")
    assert sheet.rows[0].values["名称"] == ORG[0]


def test_header_only_gives_no_rows() -> None:
    assert read_default(xlsx(HEADER), "a.xlsx").rows == []


def test_empty_sheet() -> None:
    assert "No data was found" in error(xlsx(), "a.xlsx")


def test_formula_text_is_kept_for_the_caller_to_refuse() -> None:
    book = Workbook()
    book.active.append(list(REQUIRED))
    book.active.append(["甲", "x", "y"])
    cell = book.active["A2"]
    cell.value = "=HYPERLINK(1)"
    cell.data_type = "s"  # text that looks like a formula, as Excel stores what is typed after '
    buffer = io.BytesIO()
    book.save(buffer)
    value = read(buffer.getvalue(), "a.xlsx", required=REQUIRED).rows[0].values["名称"]
    assert value == "=HYPERLINK(1)"
    assert is_formula(value)


def test_too_many_rows() -> None:
    rows = [[f"组织{i}", "x", "y"] for i in range(20)]
    assert len(read(xlsx(REQUIRED, *rows[:3]), "a.xlsx", required=REQUIRED, max_rows=3).rows) == 3
    # Counted here, and in the child process that stops reading early.
    for count in (4, 20):
        with pytest.raises(SpreadsheetError, match="more than 3 rows"):
            read(xlsx(REQUIRED, *rows[:count]), "a.xlsx", required=REQUIRED, max_rows=3)
    assert MAX_ROWS == 200_000


def test_far_corner_cell_does_not_take_the_process_down() -> None:
    # calamine allocates the rectangle from A1 to the last cell: here 2^34 cells, an abort in-process.
    book = Workbook()
    book.active["A1"] = "名称"
    book.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    assert UNREADABLE in error(buffer.getvalue(), "a.xlsx")


# --- xls --------------------------------------------------------------------------------------------

# sample.xls is a BIFF8 workbook written by xlwt 1.3.0 (LibreOffice is not installed here): a hidden
# first sheet "说明", then "社会组织" with headers 名称* | 统一社会信用代码 | 来源（必填） | 成立日期 |
# 联系电话, a row, an empty row, a row. 成立日期 is a date cell, then a text cell; 联系电话 numbers.
SAMPLE_XLS = (FIXTURES / "sample.xls").read_bytes()


def test_xls() -> None:
    sheet = read(SAMPLE_XLS, "单位.xls", required=REQUIRED, optional=[*OPTIONAL, "联系电话"])
    assert sheet.headers == [*HEADER, "联系电话"]
    assert sheet.rows == [
        Row(
            2,
            {
                "名称": "幸福社区志愿者协会",
                "统一社会信用代码": "51320481MJ1234567X",
                "来源": "民政局",
                "成立日期": "2024-03-05",
                "联系电话": "13912345678",
            },
        ),
        Row(
            4,
            {
                "名称": "阳光养老服务中心",
                "统一社会信用代码": "",
                "来源": "街道",
                "成立日期": "2023/12/1",
                "联系电话": "320481103000",
            },
        ),
    ]


@pytest.mark.parametrize(
    ("offset", "byte"),
    [
        (1495, 0x64),  # calamine panics (pyo3's PanicException, a BaseException)
        (1821, 0xC8),  # calamine asks for 37 GB and aborts the process
    ],
)
def test_damaged_xls(offset: int, byte: int) -> None:
    data = bytearray(SAMPLE_XLS)
    data[offset] = byte
    assert UNREADABLE in error(bytes(data), "a.xls")


# --- csv --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv(encoding: str, delimiter: str) -> None:
    data = csv_bytes(
        [HEADER, ORG, ["", "", "", ""], ["阳光, “养老”\n服务中心", "", "街道", ""]], encoding, delimiter
    )
    sheet = read_default(data, "单位.CSV")
    assert sheet.rows == [
        Row(2, dict(zip(HEADER, ORG, strict=True))),
        Row(4, {"名称": "阳光, “养老”\n服务中心", "统一社会信用代码": "", "来源": "街道", "成立日期": ""}),
    ]


def test_csv_record_numbers_count_records_not_lines() -> None:
    data = csv_bytes([[], REQUIRED, ["甲\n(两行)", "x", "y"], ["乙", "x", "y"]])
    assert [row.number for row in read(data, "a.csv", required=REQUIRED).rows] == [3, 4]


def test_unicode_text_from_excel() -> None:
    data = "\ufeff" + "\t".join(REQUIRED) + "\r\n甲\tx\ty\r\n"
    assert read(data.encode("utf-16-le"), "a.txt", required=REQUIRED).rows[0].values["名称"] == "甲"


def test_csv_keeps_formula_text() -> None:
    data = csv_bytes([REQUIRED, ['=HYPERLINK("http://x","点击")', "@SUM(A1)", "y"]])
    values = read(data, "a.csv", required=REQUIRED).rows[0].values
    assert is_formula(values["名称"])
    assert is_formula(values["统一社会信用代码"])
    assert not is_formula(values["来源"])


def test_csv_with_workbook_name_is_refused() -> None:
    assert error(csv_bytes([HEADER, ORG]), "a.xlsx") == NOT_SPREADSHEET


@given(
    st.lists(
        st.tuples(
            st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n")), st.text()
        ),
        max_size=8,
    ),
    st.sampled_from(["utf-8-sig", "gb18030"]),
)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_csv_round_trip(records: list[tuple[str, str]], encoding: str) -> None:
    records = [(name, source.replace("\x00", "").replace("\r", "")) for name, source in records]
    data = csv_bytes([["名称", "来源"], *records], encoding)
    expected = [
        Row(number, {"名称": name.strip(), "来源": source.strip()})
        for number, (name, source) in enumerate(records, start=2)
        if name.strip() or source.strip()
    ]
    assert read(data, "a.csv", required=["名称", "来源"]).rows == expected


# --- junk -------------------------------------------------------------------------------------------


def zip_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_junk() -> None:
    docx = zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    assert error(docx, "a.docx") == NOT_SPREADSHEET
    assert error(docx, "a.xlsx") == NOT_SPREADSHEET
    assert error(zip_of({"a.txt": "hi"}), "a.xlsx") == NOT_SPREADSHEET
    assert UNREADABLE in error(zip_of({"xl/workbook.xml": "not xml"}), "a.xlsx")
    good = xlsx(HEADER, ORG)
    assert UNREADABLE in error(good[: len(good) // 2], "a.xlsx")
    assert UNREADABLE in error(b"PK\x03\x04", "a.xlsx")
    assert error(b"%PDF-1.7\n...", "a.pdf") == NOT_SPREADSHEET
    assert error(b"\x00\x01binary\x00", "a.csv") == NOT_SPREADSHEET
    assert error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000, "a.doc") == NOT_SPREADSHEET
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le")
    assert "password" in error(encrypted, "a.xlsx")


def test_zip_needing_a_newer_unzipper() -> None:
    data = bytearray(xlsx(HEADER, ORG))
    data[data.index(b"PK\x01\x02") + 6] = (
        0xFF  # "version needed to extract": zipfile raises NotImplementedError
    )
    assert UNREADABLE in error(bytes(data), "a.xlsx")


def test_empty_files() -> None:
    assert error(b"", "a.xlsx") == "The file is empty."
    assert error(b" \r\n", "a.csv") == "The file is empty."
    assert "No data was found" in error(b"\xef\xbb\xbf\r\n,,\r\n", "a.csv")


def test_size_limit() -> None:
    assert MAX_BYTES == 10 * 1024 * 1024
    message = error(b"\x00" * (MAX_BYTES + 1), "a.xlsx")
    assert message.startswith("The file is larger than 10 MB.")
    assert "larger than 0.5 MB" in error(b"x" * (512 * 1024 + 1), "a.csv", max_bytes=512 * 1024)


def test_message_is_translated_when_shown() -> None:
    with pytest.raises(SpreadsheetError) as raised:
        read_default(b"", "a.xlsx")
    assert isinstance(raised.value.message, Promise)
    assert str(raised.value) == "The file is empty."


@given(st.binary(), st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a.txt", "a.CSV", "a", ""]))
@settings(deadline=None)
def test_random_bytes_raise_only_spreadsheet_error(data: bytes, filename: str) -> None:
    with pytest.raises(SpreadsheetError):
        read_default(data, filename)


_WORKBOOKS = [xlsx(HEADER, ORG, ORG), SAMPLE_XLS]


@given(
    st.sampled_from(_WORKBOOKS),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=6),
    st.booleans(),
)
@settings(deadline=None, max_examples=25)
def test_damaged_workbooks_raise_only_spreadsheet_error(
    workbook: bytes, changes: list[tuple[float, int]], truncate: bool
) -> None:
    data = bytearray(workbook)
    for where, byte in changes:
        data[8 + int(where * (len(data) - 8))] = byte  # keep the magic bytes: reach the parser
    if truncate:
        data = data[: 8 + int(changes[0][0] * (len(data) - 8))]
    with contextlib.suppress(SpreadsheetError):
        read(bytes(data), "a.xlsx", required=["名称"])


# --- parse_date -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05",
        "2024/3/5",
        "2024.3.5",
        "2024.03.05",
        "2024年3月5日",
        "2024 年 3 月 5 日",
        "2024年03月05",
        "20240305",
        "45356",
        " 2024-3-5 ",
        "2024-03-05 00:00:00",
        "2024/3/5 10:30",
        "2024-03-05T10:30:00",
        "２０２４年３月５日",
    ],
)
def test_parse_date(text: str) -> None:
    assert parse_date(text) == datetime.date(2024, 3, 5)


def test_parse_date_serial_numbers() -> None:
    assert parse_date("1") == datetime.date(1900, 1, 1)
    assert parse_date("59") == datetime.date(1900, 2, 28)
    assert parse_date("61") == datetime.date(1900, 3, 1)
    assert parse_date("73050") == datetime.date(2099, 12, 31)


@pytest.mark.parametrize("text", ["", "  ", "\u3000"])
def test_parse_date_empty(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024/3-5",
        "2024-3",
        "2024年3月",
        "24-3-5",
        "3/5/2024",
        "0224-03-05",
        "2224-03-05",
        "20241305",
        "0",
        "60",
        "73051",
        "2024",
        "1998",
        "45356.5",
        "-45356",
        "yesterday",
        "2024-03-05 25:00",
    ],
)
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"\S") as raised:
        parse_date(text)
    assert not isinstance(raised.value, SpreadsheetError)


@given(st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)))
def test_parse_date_round_trip(day: datetime.date) -> None:
    y, m, d = day.year, day.month, day.day
    for text in (
        f"{y}-{m}-{d}",
        f"{y}/{m:02}/{d:02}",
        f"{y}.{m}.{d}",
        f"{y}年{m}月{d}日",
        f"{y}{m:02}{d:02}",
    ):
        assert parse_date(text) == day
    serial = (day - datetime.date(1899, 12, 30)).days
    if day >= datetime.date(1900, 3, 1) and serial <= 73050 and not 1900 <= serial <= 2100:
        assert parse_date(str(serial)) == day


def test_is_formula() -> None:
    assert is_formula("=1+2")
    assert is_formula("  =HYPERLINK()")
    assert is_formula("@SUM(A1)")
    assert not is_formula("1+2")
    assert not is_formula("")
    assert not is_formula("a=b")


def test_large_random_csv() -> None:
    with pytest.raises(SpreadsheetError):
        read_default(os.urandom(MAX_BYTES), "a.csv")
