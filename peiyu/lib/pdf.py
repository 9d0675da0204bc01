"""Render PDFs with reportlab: the vendored CJK font and a one-page certificate.

reportlab cannot embed CFF-outline fonts (Noto Sans CJK, Source Han), so the PDFs use the
TrueType WenQuanYi Micro Hei vendored in ``static/vendor/fonts``; reportlab embeds the subset of
glyphs a document uses.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import TopPadder

from peiyu.lib.docx import chinese_date

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = "static/vendor/fonts/WenQuanYiMicroHei.ttf"
SEAL_RED = colors.HexColor("#c0392b")
RULE_GREY = colors.HexColor("#555555")
LABEL_FILL = colors.HexColor("#f3f3f3")


@functools.cache
def register_cjk_font() -> str:
    """Register the vendored CJK font with reportlab (once per process) and return its name."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(settings.BASE_DIR / FONT_FILE)))
    # Map bold and italic to the one face, so markup such as <b> cannot fail on a missing variant.
    pdfmetrics.registerFontFamily(
        FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
    )
    return FONT_NAME


def style(
    name: str, *, size: float, align: int = TA_LEFT, leading: float = 1.5, **more: Any
) -> ParagraphStyle:
    """Return a paragraph style in the CJK font that wraps between any two Chinese characters."""
    return ParagraphStyle(
        name,
        fontName=register_cjk_font(),
        fontSize=size,
        leading=size * leading,
        alignment=align,
        wordWrap="CJK",
        **more,
    )


def text(value: str, paragraph_style: ParagraphStyle) -> Paragraph:
    """Return a paragraph of plain text: markup characters are escaped, line breaks kept."""
    return Paragraph(escape(value).replace("\n", "<br/>"), paragraph_style)


def qr_code(value: str, size: float) -> Drawing:
    """Return a square QR code drawing of the given side (points), quiet zone included."""
    widget = QrCodeWidget(value, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


class SpacedTitle(Flowable):
    """One centred line with its characters spread apart, shrunk to fit if it is long."""

    def __init__(self, title: str, *, size: float, spacing: float) -> None:
        super().__init__()
        self.title = title
        self.size = size
        self.spacing = spacing

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        gaps = max(len(self.title) - 1, 1)
        natural = pdfmetrics.stringWidth(self.title, register_cjk_font(), self.size)
        self.char_space = max(0.0, min(self.spacing, (available_width - natural) / gaps))
        self.font_size = min(self.size, self.size * available_width / max(natural, 1.0))
        return available_width, self.size * 1.4

    def draw(self) -> None:
        self.canv.setFont(register_cjk_font(), self.font_size)
        self.canv.drawCentredString(self.width / 2, self.size * 0.3, self.title, charSpace=self.char_space)


class SealedSignature(Flowable):
    """The issuer's name and the date, centred, under a dashed circle marking where the seal goes."""

    def __init__(self, issuer: str, date_text: str, *, diameter: float = 40 * mm) -> None:
        super().__init__()
        self.diameter = diameter
        self.name = text(issuer, style("issuer", size=13, align=TA_CENTER, leading=1.3))
        self.date = text(date_text, style("issued-on", size=12, align=TA_CENTER))
        self.label = text("（盖章）", style("seal", size=9, align=TA_CENTER, textColor=SEAL_RED))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.name_height = self.name.wrap(available_width, available_height)[1]
        self.date_height = self.date.wrap(available_width, available_height)[1]
        self.label_height = self.label.wrap(available_width, available_height)[1]
        self.height = max(self.diameter, self.name_height + self.date_height + 6 * mm)
        return available_width, self.height

    def draw(self) -> None:
        canvas, middle = self.canv, self.height / 2
        canvas.saveState()
        canvas.setStrokeColor(SEAL_RED)
        canvas.setLineWidth(1)
        canvas.setDash(4, 3)
        canvas.circle(self.width / 2, middle, self.diameter / 2, stroke=1, fill=0)
        canvas.restoreState()
        self.name.drawOn(canvas, 0, middle + 1 * mm)
        self.date.drawOn(canvas, 0, middle - 1 * mm - self.date_height)
        self.label.drawOn(canvas, 0, middle - self.diameter / 2 + 2 * mm)


@dataclass(frozen=True)
class CertificateContent:
    title: str
    number: str
    body: list[tuple[str, str]]
    paragraphs: list[str]
    issuer: str
    issuer_lines: list[str]
    issued_on: datetime.date
    verify_url: str


def _details(rows: list[tuple[str, str]], width: float) -> Table:
    label_style = style("label", size=11.5, align=TA_CENTER)
    value_style = style("value", size=11.5)
    label_width = 32 * mm
    table = Table(
        [[text(label, label_style), text(value, value_style)] for label, value in rows],
        colWidths=[label_width, width - label_width],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, RULE_GREY),
                ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _footer(content: CertificateContent, width: float) -> Table:
    qr_width = 50 * mm
    small = style("url", size=8, leading=1.3, textColor=RULE_GREY)
    verify = [qr_code(content.verify_url, 30 * mm), text("扫码核验", small), text(content.verify_url, small)]
    lines = style("issuer-line", size=10.5)
    issuer = [text(line, lines) for line in content.issuer_lines]
    issuer += [Spacer(0, 3 * mm), SealedSignature(content.issuer, chinese_date(content.issued_on))]
    table = Table([[verify, issuer]], colWidths=[qr_width, width - qr_width])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 30 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _border(canvas: Any, document: Any) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setStrokeColor(RULE_GREY)
    canvas.setLineWidth(1.6)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.5)
    canvas.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)
    canvas.restoreState()


def certificate_pdf(content: CertificateContent) -> bytes:
    """Render a certificate as an A4 PDF: title, number, details table, text, issuer and QR code."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=content.title,
        author=content.issuer,
        subject=content.number,
        creator="Peiyu",
    )
    width = document.width
    body = style("body", size=12, align=TA_JUSTIFY, leading=1.8, firstLineIndent=24, spaceAfter=4)
    story = [
        text(f"编号：{content.number}", style("number", size=10.5, align=TA_RIGHT)),
        Spacer(0, 12 * mm),
        SpacedTitle(content.title, size=26, spacing=12),
        Spacer(0, 10 * mm),
        _details(content.body, width),
        Spacer(0, 6 * mm),
        *(text(paragraph, body) for paragraph in content.paragraphs),
        Spacer(0, 8 * mm),
        TopPadder(_footer(content, width)),
    ]
    document.build(story, onFirstPage=_border, onLaterPages=_border)
    return buffer.getvalue()
