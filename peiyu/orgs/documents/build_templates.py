"""Regenerate the Word templates in this folder: .venv/bin/python peiyu/orgs/documents/build_templates.py

The templates follow the look of Chinese official documents (GB/T 9704): A4, the issuing
bureau's name in red above its document number and a red rule, a 小标宋 title, 仿宋 三号 body.
The output is byte-for-byte reproducible, so regenerating leaves git clean unless this changes.
See README.md for each template's variables.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import cast

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

HERE = Path(__file__).resolve().parent

TITLE_FONT = ("方正小标宋简体", "SimSun")  # (east-asian name, fallback)
BODY_FONT = ("仿宋_GB2312", "FangSong")
RED = RGBColor(0xFF, 0x00, 0x00)
BODY_SIZE = Pt(16)  # 三号
INDENT = Pt(32)  # two characters
LABEL_WIDTH, VALUE_WIDTH = Cm(4), Cm(11.5)  # the text is 15.6 cm wide
# Declare the Chinese fonts with their fallbacks (w:altName) and the GB2312 character set.
FONT_TABLE = "".join(
    f'<w:font w:name="{name}"><w:altName w:val="{fallback}"/><w:charset w:val="86"/>'
    '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
    for name, fallback in (TITLE_FONT, BODY_FONT)
).encode()
REMEDY = (
    "如对本决定不服，可以自收到本{kind}之日起六十日内依法申请行政复议，"
    "或者自收到本{kind}之日起六个月内依法向人民法院提起行政诉讼。"
)


def set_font(style: ParagraphStyle, font: tuple[str, str], size: Pt) -> None:
    east_asian, fallback = font
    style.font.name = fallback  # w:ascii and w:hAnsi
    style.font.size = size
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def paragraph_style(doc: DocumentObject, name: str, font: tuple[str, str], size: Pt) -> ParagraphStyle:
    style = cast(ParagraphStyle, doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH))
    style.base_style = doc.styles["Normal"]
    set_font(style, font, size)
    return style


def new_document(title: str) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    normal = cast(ParagraphStyle, doc.styles["Normal"])
    set_font(normal, BODY_FONT, BODY_SIZE)
    # Chinese line breaking and punctuation rules for the east-asian text.
    normal.element.get_or_add_rPr().insert_element_before(
        parse_xml(f'<w:lang {nsdecls("w")} w:eastAsia="zh-CN"/>'),
        "w:eastAsianLayout",
        "w:specVanish",
        "w:oMath",
    )
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)

    bureau = paragraph_style(doc, "发文机关标志", TITLE_FONT, Pt(26))
    bureau.font.color.rgb = RED
    bureau.font.bold = True
    bureau.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    bureau.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    bureau.paragraph_format.space_after = Pt(12)

    heading = paragraph_style(doc, "公文标题", TITLE_FONT, Pt(22))  # 二号
    heading.font.bold = True
    heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    heading.paragraph_format.space_before = Pt(24)
    heading.paragraph_format.space_after = Pt(24)

    body = paragraph_style(doc, "公文正文", BODY_FONT, BODY_SIZE)
    body.paragraph_format.first_line_indent = INDENT
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    cell = paragraph_style(doc, "表格文字", BODY_FONT, Pt(14))  # 四号
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cell.paragraph_format.space_before = cell.paragraph_format.space_after = Pt(3)

    signature = paragraph_style(doc, "署名", BODY_FONT, BODY_SIZE)
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.right_indent = INDENT

    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = title, "Peiyu", "Peiyu", ""
    props.created = props.modified = datetime(2026, 1, 1)  # noqa: DTZ001 - fixed, for reproducible files
    props.revision = 1

    # 发文机关标志 and 发文字号 above a red rule.
    doc.add_paragraph("{{ bureau }}", style="发文机关标志")
    number = doc.add_paragraph("{{ number }}", style="Normal")
    # The border goes in first: python-docx inserts what follows in schema order after it.
    number._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="12" w:space="4" w:color="FF0000"/></w:pBdr>'
        )
    )
    number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.space_after = Pt(4)
    return doc


def title(doc: DocumentObject, text: str) -> None:
    doc.add_paragraph(text, style="公文标题")


def addressee(doc: DocumentObject, text: str) -> None:
    doc.add_paragraph(f"{text}：", style="Normal")


def body(doc: DocumentObject, text: str) -> None:
    doc.add_paragraph(text, style="公文正文")


def table(doc: DocumentObject, rows: list[tuple[str, str]]) -> None:
    grid = doc.add_table(rows=0, cols=2, style="Table Grid")
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.columns[0].width, grid.columns[1].width = LABEL_WIDTH, VALUE_WIDTH
    for label, value in rows:
        cells = grid.add_row().cells
        cells[0].width, cells[1].width = LABEL_WIDTH, VALUE_WIDTH
        cells[0].paragraphs[0].style = cells[1].paragraphs[0].style = doc.styles["表格文字"]
        cells[0].paragraphs[0].text, cells[1].paragraphs[0].text = label, value
        cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def signature(doc: DocumentObject) -> None:
    first = doc.add_paragraph("{{ bureau }}", style="署名")
    first.paragraph_format.space_before = Pt(56)  # two blank lines for the seal
    doc.add_paragraph("{{ date }}", style="署名")


def filing_certificate() -> DocumentObject:
    doc = new_document("社区社会组织备案证明")
    title(doc, "社区社会组织备案证明")
    body(doc, "经审核，{{ org.name }}符合社区社会组织备案条件，准予备案。备案事项如下：")
    table(
        doc,
        [
            ("组织名称", "{{ org.name }}"),
            ("备案编号", "{{ org.filing_number }}"),
            ("负责人", "{{ org.leader_name }}"),
            ("所在地区", "{{ org.region }}"),
            ("活动领域", "{{ org.fields }}"),
            ("指导单位", "{{ org.guidance_unit }}"),
            ("备案日期", "{{ org.filed_on }}"),
        ],
    )
    body(
        doc,
        "该组织经备案后，可以在所在社区范围内开展公益性、互助性等非营利性活动；"
        "该组织不具有法人资格，不得以法人名义开展活动。",
    )
    body(doc, "特此证明。")
    signature(doc)
    return doc


def approval_notice() -> DocumentObject:
    doc = new_document("准予决定书")
    title(doc, "{{ title }}")
    addressee(doc, "{{ org.name }}")
    body(doc, "{{ body }}")
    # {%p %} and {%tr %} tags take their whole paragraph or row with them; a table without
    # rows is invalid in Word, so the table is left out when there are none.
    doc.add_paragraph("{%p if rows %}")
    table(
        doc, [("{%tr for row in rows %}", ""), ("{{ row.label }}", "{{ row.value }}"), ("{%tr endfor %}", "")]
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if note %}")
    body(doc, "{{ note }}")
    doc.add_paragraph("{%p endif %}")
    signature(doc)
    return doc


def rejection_notice() -> DocumentObject:
    doc = new_document("不予决定通知书")
    title(doc, "{{ title }}")
    addressee(doc, "{{ applicant }}")
    body(doc, "{{ body }}")
    body(doc, "理由：{{ reason }}")
    body(doc, REMEDY.format(kind="通知书"))
    signature(doc)
    return doc


def revocation_decision() -> DocumentObject:
    doc = new_document("撤销登记决定书")
    title(doc, "撤销登记决定书")
    doc.add_paragraph("当事人：{{ org.name }}", style="Normal")
    doc.add_paragraph("统一社会信用代码：{{ org.uscc }}", style="Normal")
    body(doc, "经查：{{ reason }}")
    body(doc, "依据{{ basis }}，本机关决定：撤销{{ org.name }}的登记。")
    body(
        doc,
        "被撤销登记后，该组织不得再以社会组织名义开展活动，登记证书和印章由本机关依法收缴。",
    )
    body(doc, REMEDY.format(kind="决定书"))
    signature(doc)
    return doc


def save(doc: DocumentObject, path: Path) -> None:
    """Save with fixed timestamps inside the zip, so an unchanged template is an unchanged file."""
    raw = BytesIO()
    doc.save(raw)
    out = BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, (2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info)
            if info.filename == "word/fontTable.xml":
                data = data.replace(b"</w:fonts>", FONT_TABLE + b"</w:fonts>")
            target.writestr(entry, data)
    path.write_bytes(out.getvalue())


def main() -> None:
    for build in (filing_certificate, approval_notice, rejection_notice, revocation_decision):
        path = HERE / f"{build.__name__}.docx"
        save(build(), path)
        print(path)


if __name__ == "__main__":
    main()
