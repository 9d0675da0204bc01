"""Render Word documents from docxtpl templates, serve them, and read their text back.

Values are escaped (a user's ``<``, ``&`` or quotes come out literally and cannot break the
XML), every variable a template uses must be in the context (a typo raises instead of leaving a
blank in an official document), ``None`` renders as nothing, a ``date`` as 2026年11月21日, and
each line of a multi-line value becomes a paragraph of its own with the template's formatting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docx
from django.http import HttpResponse
from django.utils import timezone
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Characters XML 1.0 forbids (Word pastes some, such as the vertical tab); docxtpl itself turns
# \a, \f and \t in the output into new paragraphs, page breaks and tabs.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def chinese_date(value: date) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return chinese_date(value)
    if isinstance(value, str) and not hasattr(value, "__html__"):
        text = _NOT_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        return text.replace("\n", "\a")  # docxtpl: start a new paragraph with the same style
    return value


def _environment() -> SandboxedEnvironment:
    # Sandboxed: a bureau may bring its own template, which should reach no more than the context.
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)


def render(template: Path, context: Mapping[str, Any]) -> bytes:
    document = DocxTemplate(template)
    document.render(dict(context), jinja_env=_environment(), autoescape=True)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    return response


def text_of(content: bytes) -> str:
    """The document's text: a line per paragraph, a line per table row with its cells tab-separated."""
    return "\n".join(_lines(docx.Document(BytesIO(content)).iter_inner_content()))


def _lines(blocks: Iterator[Paragraph | Table]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
            continue
        for row in block.rows:
            # Each <w:tc> once: a merged-across cell is one cell, a merged-down one is empty below.
            cells = [
                "" if tc.vMerge == "continue" else "\n".join(_lines(_Cell(tc, block).iter_inner_content()))
                for tc in row._tr.tc_lst
            ]
            yield "\t".join(cells)
