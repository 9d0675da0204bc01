"""Write simple tabular .xlsx files for exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return sheets_bytes([(title, headers, rows)])


def sheets_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx of one sheet per ``(title, headers, rows)``: a bold, frozen header row, columns
    as wide as their values (up to 60), text starting with "=" kept as text."""
    # Write-only mode streams cells to a temporary file instead of keeping an object (and its style)
    # per cell, but needs the column widths before the first row: measure the values first.
    book = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title[:31])
        table = [[_plain(v) for v in row] for row in rows]
        widths = [len(str(h)) * 2 + 2 for h in headers]
        for values in table:
            for i, value in enumerate(values[: len(widths)]):
                widths[i] = min(60, max(widths[i], len(str(value)) + 2))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        header_cells = [_text_cell(sheet, header) for header in headers]
        for cell in header_cells:
            cell.font = Font(bold=True)
        sheet.append(header_cells)
        for values in table:
            sheet.append(
                [_text_cell(sheet, v) if isinstance(v, str) and v.startswith("=") else v for v in values]
            )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet: Any, value: Any) -> Any:
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and value.startswith("="):
        # openpyxl takes any text starting with "=" for a formula: an exported name such as
        # =HYPERLINK(...) would come alive in Excel. Keep it text, shown as typed (quotePrefix is
        # what Excel sets for text typed after an apostrophe, so editing the cell keeps it text too).
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _plain(value: Any) -> Any:
    # Excel has no time zones: write aware datetimes as local wall-clock time.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    # Control characters (pasted from other programs) are not allowed in the file: openpyxl would raise.
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)
