"""Read the spreadsheets offices upload (.xlsx, .xls, .csv) into rows for an all-or-nothing import.

``read`` checks the file and its header row and returns every non-empty data row as strings keyed by
column name, with the row number the user sees in Excel; any problem with the file as a whole raises
``SpreadsheetError``, whose ``str()`` is a message for the user. Checking the values of each row is
the caller's job (``parse_date`` and ``is_formula`` help).

Workbooks are parsed by python-calamine in a child process with a memory and CPU limit: a crafted
file of a few kilobytes can make calamine ask for hundreds of gigabytes (a cell in A1 and another in
XFD1048576 is enough, it allocates the whole rectangle) or panic, and a failed allocation aborts the
whole process, which no ``except`` can catch.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # its import loads django.db.models, which the child process does not need
    from django_stubs_ext import StrOrPromise

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000

_NOT_SPREADSHEET = _("This file is not an Excel workbook (.xlsx, .xls) or a CSV file.")
_TOO_LARGE = _(
    "The file is larger than %(limit)s MB. Split it into smaller files and upload them one by one."
)
_EMPTY = _("The file is empty.")
_UNREADABLE = _(
    "The file cannot be read; it may be damaged. Open it in Excel, save it again and upload the saved file."
)
_PASSWORD = _("The workbook is protected by a password. Remove the password in Excel and upload it again.")
_NO_SHEET = _("The workbook has no visible sheet.")
_NO_DATA = _("No data was found: the file, or the workbook's first visible sheet, is empty.")
_MISSING = _("Missing columns: %(columns)s")
_DUPLICATE = _("The column “%(column)s” appears more than once.")
_TOO_MANY_ROWS = _(
    "The file has more than %(limit)s rows of data. Split it into smaller files and upload them one by one."
)

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0"
# Names a workbook's zip (xlsx, xlsb, ods) holds; a .docx or any other zip has none of them.
_WORKBOOK_PARTS = frozenset({"xl/workbook.xml", "xl/workbook.bin", "content.xml"})
# An OLE2 file is an .xls if it has a "Workbook" (BIFF8) or "Book" (BIFF5) stream; a password-protected
# .xlsx is an OLE2 file with an "EncryptedPackage" stream. Directory entry names are UTF-16LE.
_XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_TEXT_EXTENSIONS = frozenset({".csv", ".txt"})
# Look this many non-empty rows down for the header, below titles such as "XX区社会组织名单".
_HEADER_SEARCH = 10
_HEADER = re.compile(r"\s*[*＊]*\s*(.*?)\s*(?:[*＊]|[(（]\s*必填\s*[)）])*\s*", re.DOTALL)

_ROOT = Path(__file__).resolve().parents[2]
_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from peiyu.lib.spreadsheet import _child; _child()"
_CHILD_MEMORY = 3 * 1024**3
_CHILD_CPU_SECONDS = 90
_CHILD_TIMEOUT = 120
_EXIT_UNREADABLE, _EXIT_PASSWORD, _EXIT_NO_SHEET = 3, 4, 5

logger = logging.getLogger(__name__)

Records = list[tuple[int, list[str]]]


def _interpolate(message: StrOrPromise, params: Mapping[str, object]) -> str:
    return str(message) % params if params else str(message)


# Translate when the message is shown, in the language active then.
_lazy_interpolate = lazy(_interpolate, str)


class SpreadsheetError(Exception):
    """The file as a whole cannot be imported; ``str(error)`` says why, in the active language."""

    def __init__(self, msgid: StrOrPromise, **params: object) -> None:
        self.message: StrOrPromise = _lazy_interpolate(msgid, params)
        self.params = params
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it: the header in row 1 means the first data row is 2
    values: dict[str, str]  # every required and optional column, "" where empty or absent


@dataclass(frozen=True)
class Sheet:
    headers: list[str]  # the expected columns the file has, by their canonical names, in file order
    rows: list[Row]
    ignored: list[str] = field(default_factory=list)  # the file's other column headers


def read(
    data: bytes,
    filename: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Sheet:
    """Read an uploaded .xlsx, .xls (or .xlsb, .ods) or .csv file; raise ``SpreadsheetError`` if unusable.

    The header row is the first non-empty row that names an expected column (or else the first
    non-empty row). ``aliases`` maps other spellings of a header to its name in ``required`` or
    ``optional``. Rows whose expected columns are all empty are skipped.
    """
    if len(data) > max_bytes:
        raise SpreadsheetError(_TOO_LARGE, limit=f"{max_bytes / 1024**2:g}")
    if not data.strip():
        raise SpreadsheetError(_EMPTY)
    # Enough non-empty rows for titles above the header, the header and one row too many.
    cap = max_rows + _HEADER_SEARCH + 1
    if data.startswith(_ZIP):
        _check_zip(data)
        records, truncated = _workbook_records(data, cap)
    elif data.startswith(_OLE2):
        if _ENCRYPTED_PACKAGE in data:
            raise SpreadsheetError(_PASSWORD)
        if not any(name in data for name in _XLS_STREAMS):
            raise SpreadsheetError(_NOT_SPREADSHEET)
        records, truncated = _workbook_records(data, cap)
    elif PurePath(filename).suffix.lower() in _TEXT_EXTENSIONS:
        records, truncated = _csv_records(data, cap)
    else:
        raise SpreadsheetError(_NOT_SPREADSHEET)
    if truncated:
        raise SpreadsheetError(_TOO_MANY_ROWS, limit=max_rows)
    return _sheet(records, required, optional, aliases or {}, max_rows)


def is_formula(value: str) -> bool:
    """Whether a cell's text would be a formula if typed into Excel (a formula or an injection attempt)."""
    return value.strip().startswith(("=", "@"))


_SERIAL = re.compile(r"\d{1,5}")
_DATES = (
    re.compile(r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"),
    re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日?"),
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"),
)
_TIME = re.compile(r"(?:\s+|T)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?$")
_LAST_SERIAL = 73050  # 2099-12-31
_MIN_YEAR, _MAX_YEAR = 1900, 2100


def parse_date(value: str) -> datetime.date | None:
    """Parse a date as offices type it; None if empty; ValueError if it is not a real date.

    Accepts 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, a time after any of these, and an
    Excel serial number (45356 is 2024-03-05) up to 73050 (2099-12-31). A bare year such as 2024 is
    refused rather than read as the serial number it also is (2024 would be 1905-07-16).
    """
    text = value.strip()
    if not text:
        return None
    if _SERIAL.fullmatch(text):
        serial = int(text)
        if _MIN_YEAR <= serial <= _MAX_YEAR:
            raise ValueError(f"{text!r} is a year, not a date")
        return _from_serial(serial)
    text = _TIME.sub("", text)
    match = next((m for m in (pattern.fullmatch(text) for pattern in _DATES) if m), None)
    if match is None:
        raise ValueError(f"{value.strip()!r} is not a date")
    year, month, day = (int(match[part]) for part in ("year", "month", "day"))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"{value.strip()!r}: the year must be between {_MIN_YEAR} and {_MAX_YEAR}")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value.strip()!r} is not a date that exists") from None


def _from_serial(serial: int) -> datetime.date:
    # Excel counts 1900-01-01 as 1 and, like Lotus 1-2-3, has a 1900-02-29 (serial 60).
    if not 1 <= serial <= _LAST_SERIAL:
        raise ValueError(f"{serial} is not an Excel date number (1 to {_LAST_SERIAL})")
    if serial == 60:
        raise ValueError("60 is Excel's 1900-02-29, a day that does not exist")
    start = datetime.date(1899, 12, 31) if serial < 60 else datetime.date(1899, 12, 30)
    return start + datetime.timedelta(days=serial)


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise SpreadsheetError(_UNREADABLE) from None
    if not names & _WORKBOOK_PARTS:
        raise SpreadsheetError(_NOT_SPREADSHEET)


def _workbook_records(data: bytes, cap: int) -> tuple[Records, bool]:
    command = [sys.executable, "-I", "-c", _CHILD, str(_ROOT), str(cap)]
    try:
        # A fixed command line: the upload goes in on standard input.
        done = subprocess.run(  # noqa: S603
            command, input=data, capture_output=True, timeout=_CHILD_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        logger.warning("Reading a workbook took over %s s; gave up", _CHILD_TIMEOUT)
        raise SpreadsheetError(_UNREADABLE) from None
    if done.returncode == _EXIT_PASSWORD:
        raise SpreadsheetError(_PASSWORD)
    if done.returncode == _EXIT_NO_SHEET:
        raise SpreadsheetError(_NO_SHEET)
    if done.returncode != 0:
        if done.returncode != _EXIT_UNREADABLE:  # a panic, a refused allocation, a CPU limit
            lines = done.stderr.decode(errors="replace").strip().splitlines() or [""]
            logger.warning(
                "Reading a workbook failed (exit %s): %s",
                done.returncode,
                " … ".join(dict.fromkeys([lines[0], lines[-1]])),
            )
        raise SpreadsheetError(_UNREADABLE)
    try:
        payload = json.loads(done.stdout)
    except ValueError:
        logger.warning("Reading a workbook gave no JSON: %r", done.stdout[:200])
        raise SpreadsheetError(_UNREADABLE) from None
    records: Records = [(number, cells) for number, cells in payload["rows"]]
    return records, bool(payload["truncated"])


def _child() -> None:
    """Child process: read the workbook on standard input, write its non-empty rows as JSON."""
    import resource

    # Imported here so that the web process never loads calamine itself.
    from python_calamine import (
        CalamineError,
        CalamineWorkbook,
        PasswordError,
        SheetTypeEnum,
        SheetVisibleEnum,
    )

    resource.setrlimit(resource.RLIMIT_AS, (_CHILD_MEMORY, _CHILD_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (_CHILD_CPU_SECONDS, _CHILD_CPU_SECONDS))
    cap = int(sys.argv[2])
    data = sys.stdin.buffer.read()
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [
            index
            for index, meta in enumerate(book.sheets_metadata)
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet
        ]
        if not visible:
            sys.exit(_EXIT_NO_SHEET)
        sheet = book.get_sheet_by_index(visible[0])
        # iter_rows yields blank rows for those above the data, so the index is the sheet's row.
        rows: Iterable[Sequence[object]] = () if sheet.start is None else sheet.iter_rows()
        records, truncated = _non_empty(
            ((number, [_cell_text(cell) for cell in row]) for number, row in enumerate(rows, start=1)), cap
        )
    except PasswordError:
        sys.exit(_EXIT_PASSWORD)
    except CalamineError:
        sys.exit(_EXIT_UNREADABLE)
    # json.dumps uses the C encoder; json.dump would encode piece by piece in Python.
    sys.stdout.buffer.write(
        json.dumps({"rows": records, "truncated": truncated}, ensure_ascii=False).encode()
    )


def _cell_text(value: object) -> str:
    """A cell as text: integral numbers without ".0", dates as YYYY-MM-DD, booleans as TRUE/FALSE."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _csv_records(data: bytes, cap: int) -> tuple[Records, bool]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in data:
        raise SpreadsheetError(_NOT_SPREADSHEET)
    else:
        encodings = ("utf-8-sig", "gb18030")  # Excel in China saves CSV in GBK
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError(_NOT_SPREADSHEET)
    if "\x00" in text:
        raise SpreadsheetError(_NOT_SPREADSHEET)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first_line.count)  # ties go to the comma
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _non_empty(
            ((number, [cell.strip() for cell in record]) for number, record in enumerate(reader, start=1)),
            cap,
        )
    except csv.Error:
        raise SpreadsheetError(_UNREADABLE) from None


def _non_empty(records: Iterable[tuple[int, list[str]]], cap: int) -> tuple[Records, bool]:
    """The rows with any text, without their trailing empty cells, and whether there were over ``cap``."""
    kept: Records = []
    for number, cells in records:
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            if len(kept) == cap:
                return kept, True
            kept.append((number, cells))
    return kept, False


def _header_name(cell: str) -> str:
    """The header without spaces (full-width too) or a required-column marker: "名称*", "来源（必填）"."""
    match = _HEADER.fullmatch(cell)
    return match[1] if match else cell.strip()


def _sheet(
    records: Records,
    required: Sequence[str],
    optional: Sequence[str],
    aliases: Mapping[str, str],
    max_rows: int,
) -> Sheet:
    if not records:
        raise SpreadsheetError(_NO_DATA)
    expected = [*required, *optional]

    def canonical(cells: list[str]) -> list[str]:
        names = [_header_name(cell) for cell in cells]
        return [aliases.get(name, name) for name in names]

    position = next(
        (i for i, (_, cells) in enumerate(records[:_HEADER_SEARCH]) if set(canonical(cells)) & set(expected)),
        0,
    )
    names = canonical(records[position][1])
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, name in enumerate(names):
        if name in expected:
            if name in columns:
                raise SpreadsheetError(_DUPLICATE, column=name)
            columns[name] = index
        elif name and name not in ignored:
            ignored.append(name)
    missing = [name for name in required if name not in columns]
    if missing:
        raise SpreadsheetError(_MISSING, columns=", ".join(missing))
    rows: list[Row] = []
    for number, cells in records[position + 1 :]:
        values = dict.fromkeys(expected, "")
        for name, index in columns.items():
            if index < len(cells):
                values[name] = cells[index]
        if any(values.values()):
            if len(rows) == max_rows:
                raise SpreadsheetError(_TOO_MANY_ROWS, limit=max_rows)
            rows.append(Row(number, values))
    return Sheet(headers=list(columns), rows=rows, ignored=ignored)
