"""Regenerate the case file template: .venv/bin/python peiyu/activities/documents/build_templates.py

Built with the registry's helpers (peiyu/orgs/documents/build_templates.py): the same fonts and
page, byte-for-byte reproducible. A case file is kept by the mediation committee, not issued by
an office, so it has no red header.

``case_file.docx`` is the 人民调解卷宗 in the order of the 司法部 formats (2010): the cover
(卷宗封面), the contents (卷内目录), the registration (人民调解受理登记表), each mediation
record (人民调解记录), the agreement — written (人民调解协议书) or oral (口头调解协议登记表) —,
each follow-up visit (人民调解回访记录), the judicial confirmation (司法确认情况), the closing
statement (卷宗情况说明) and the back cover (卷宗封底). Each part starts on a new page; parts
the case does not have are left out. Every page's footer says that the parties' phones and
identity numbers are masked.

Variables (all strings unless said; dates render as 2026年3月1日, ``None`` as nothing):
- ``number`` (卷号 and agreement number), ``title`` (卷名), ``committee``, ``organization``
  (may be empty), ``place`` (the village or town), ``dispute_type``, ``source``;
- ``parties``: rows of ``role`` (申请人 …) and ``text`` (name, sex, ethnicity, age, occupation,
  masked phone and identity number, address, as one sentence); ``party_names``;
- ``mediators``: their names; ``recorder``: who registered the case;
- ``registered_on``, ``closed_on``, ``filed_on`` (dates), ``filer``;
- ``summary``, ``claims``;
- ``contents``: rows of ``index`` and ``name``, the parts present in order;
- ``sessions``: rows of ``index``, ``held_at``, ``place``, ``participants``, ``record``,
  ``result``, ``recorder``;
- ``written``, ``oral`` (bools) and ``agreement``: ``terms``, ``agreed_on`` (date),
  ``method``, ``due`` (date), ``amount``, ``copies``;
- ``follow_ups``: rows of ``visited_on`` (date), ``visitor``, ``performance``, ``satisfied``,
  ``note``;
- ``confirmation`` (bool), ``applied_on`` (date), ``court``, ``confirmed_on`` (text);
- ``outcome``, ``failed`` (bool), ``failure_reason``, ``routes_told``, ``performance``,
  ``prevented``, ``confirmation_state`` (applied for, confirmed, not applied for, or not
  applicable).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the project root, when run as a script

from docx.document import Document as DocumentObject  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402

from peiyu.incubation.documents.build_agreement import heading, line, without_header  # noqa: E402
from peiyu.orgs.documents.build_templates import body, new_document, save, title  # noqa: E402

LABEL, VALUE = Cm(4), Cm(11.6)  # the text is 15.6 cm wide
CONTENTS_WIDTHS = (Cm(2), Cm(10.6), Cm(3))
MASKED = "注：当事人的联系电话和身份证号码已遮蔽显示（个人信息保护），完整信息以纸质原件为准。"


def grid(doc: DocumentObject, rows: list[tuple[str, str]]) -> None:
    """A two-column table of labels and values; a row whose label is a ``{%tr %}`` tag is the tag."""
    table = doc.add_table(rows=0, cols=2, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.columns[0].width, table.columns[1].width = LABEL, VALUE
    for label, value in rows:
        cells = table.add_row().cells
        for cell, width, text in zip(cells, (LABEL, VALUE), (label, value), strict=True):
            cell.width = width
            cell.paragraphs[0].style = doc.styles["表格文字"]
            cell.paragraphs[0].text = text
        cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def part(doc: DocumentObject, text: str) -> None:
    """A part's title, on a new page."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    title(doc, text)


def tag(doc: DocumentObject, text: str) -> None:
    doc.add_paragraph(text)


def cover(doc: DocumentObject) -> None:
    title(doc, "人民调解卷宗")
    number = doc.add_paragraph("卷号：{{ number }}", style="Normal")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.space_after = Pt(24)
    grid(
        doc,
        [
            ("卷名", "{{ title }}"),
            ("调解委员会", "{{ committee }}"),
            ("纠纷类型", "{{ dispute_type }}"),
            ("当事人", "{{ party_names }}"),
            ("调解员", "{{ mediators }}"),
            ("受理日期", "{{ registered_on }}"),
            ("结案日期", "{{ closed_on }}"),
            ("立卷人", "{{ filer }}"),
            ("立卷日期", "{{ filed_on }}"),
            ("保管期限", ""),
        ],
    )


def contents(doc: DocumentObject) -> None:
    part(doc, "卷内目录")
    table = doc.add_table(rows=0, cols=3, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for values in (
        ("序号", "材料名称", "页次"),
        ("{%tr for c in contents %}", "", ""),
        ("{{ c.index }}", "{{ c.name }}", ""),
        ("{%tr endfor %}", "", ""),
    ):
        cells = table.add_row().cells
        for cell, width, text in zip(cells, CONTENTS_WIDTHS, values, strict=True):
            cell.width = width
            cell.paragraphs[0].style = doc.styles["表格文字"]
            cell.paragraphs[0].text = text
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def registration(doc: DocumentObject) -> None:
    part(doc, "人民调解受理登记表")
    grid(
        doc,
        [
            ("编号", "{{ number }}"),
            ("受理日期", "{{ registered_on }}"),
            ("案件来源", "{{ source }}"),
            ("纠纷类型", "{{ dispute_type }}"),
            ("调解委员会", "{{ committee }}"),
            ("{%tr if organization %}", ""),
            ("承办组织", "{{ organization }}"),
            ("{%tr endif %}", ""),
            ("纠纷发生地", "{{ place }}"),
        ],
    )
    heading(doc, "当事人基本情况")
    tag(doc, "{%p for p in parties %}")
    body(doc, "{{ p.role }}：{{ p.text }}")
    tag(doc, "{%p endfor %}")
    heading(doc, "纠纷简要情况")
    body(doc, "{{ summary }}")
    heading(doc, "申请事项")
    body(doc, "{% if claims %}{{ claims }}{% else %}无{% endif %}")
    line(doc, "登记人：{{ recorder }}")
    note = doc.add_paragraph(MASKED, style="表格文字")
    note.paragraph_format.space_before = Pt(12)


def sessions(doc: DocumentObject) -> None:
    tag(doc, "{%p for s in sessions %}")
    part(doc, "人民调解记录")
    line(doc, "第{{ s.index }}次调解")
    grid(
        doc,
        [
            ("时间", "{{ s.held_at }}"),
            ("地点", "{{ s.place }}"),
            ("参加人", "{{ s.participants }}"),
            ("调解记录", "{{ s.record }}"),
            ("调解结果", "{{ s.result }}"),
            ("记录人", "{{ s.recorder }}"),
        ],
    )
    line(doc, "当事人（签名）：")
    line(doc, "调解员（签名）：")
    tag(doc, "{%p endfor %}")


def written_agreement(doc: DocumentObject) -> None:
    tag(doc, "{%p if written %}")
    part(doc, "人民调解协议书")
    number = doc.add_paragraph("编号：{{ number }}", style="Normal")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    tag(doc, "{%p for p in parties %}")
    line(doc, "{{ p.role }}：{{ p.text }}")
    tag(doc, "{%p endfor %}")
    heading(doc, "纠纷主要事实、争议事项：")
    body(doc, "{{ summary }}")
    tag(doc, "{%p if claims %}")
    body(doc, "{{ claims }}")
    tag(doc, "{%p endif %}")
    heading(doc, "经调解，自愿达成如下协议：")
    body(doc, "{{ agreement.terms }}")
    heading(doc, "履行方式、时限：")
    body(
        doc,
        "{% if agreement.method %}{{ agreement.method }}{% else %}按协议约定履行{% endif %}"
        "{% if agreement.due %}，于{{ agreement.due }}前履行完毕{% endif %}。"
        "{% if agreement.amount %}协议涉及金额{{ agreement.amount }}元。{% endif %}",
    )
    body(
        doc,
        "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
        "本协议书一式{{ agreement.copies }}份，当事人、人民调解委员会各执一份。"
        "人民调解委员会对协议的履行情况进行监督。"
        "当事人可以自协议生效之日起三十日内共同向人民法院申请司法确认。",
    )
    signatures = doc.add_table(rows=0, cols=1)
    for text in (
        "当事人（签名盖章或者按指印）：",
        "人民调解员（签名）：{{ mediators }}",
        "人民调解委员会（盖章）：{{ committee }}",
        "{{ agreement.agreed_on }}",
    ):
        cell = signatures.add_row().cells[0]
        cell.paragraphs[0].style = doc.styles["表格文字"]
        cell.paragraphs[0].text = text
        cell.paragraphs[0].paragraph_format.space_before = Pt(12)
    tag(doc, "{%p endif %}")


def oral_agreement(doc: DocumentObject) -> None:
    tag(doc, "{%p if oral %}")
    part(doc, "口头调解协议登记表")
    grid(
        doc,
        [
            ("编号", "{{ number }}"),
            ("当事人", "{{ party_names }}"),
            ("纠纷简要情况", "{{ summary }}"),
            ("协议内容", "{{ agreement.terms }}"),
            ("履行方式", "{{ agreement.method }}"),
            ("履行期限", "{{ agreement.due }}"),
            ("涉及金额（元）", "{{ agreement.amount }}"),
            ("达成日期", "{{ agreement.agreed_on }}"),
            ("调解员", "{{ mediators }}"),
        ],
    )
    body(doc, "口头调解协议自各方当事人达成协议之日起生效（《人民调解法》第三十条）。")
    tag(doc, "{%p endif %}")


def follow_ups(doc: DocumentObject) -> None:
    tag(doc, "{%p for f in follow_ups %}")
    part(doc, "人民调解回访记录")
    grid(
        doc,
        [
            ("调解协议编号", "{{ number }}"),
            ("回访事由", "了解调解协议履行情况及当事人满意度"),
            ("回访时间", "{{ f.visited_on }}"),
            ("回访人", "{{ f.visitor }}"),
            ("履行情况", "{{ f.performance }}"),
            ("当事人满意度", "{{ f.satisfied }}"),
            ("回访情况", "{{ f.note }}"),
        ],
    )
    tag(doc, "{%p endfor %}")


def confirmation(doc: DocumentObject) -> None:
    tag(doc, "{%p if confirmation %}")
    part(doc, "司法确认情况")
    grid(
        doc,
        [
            ("调解协议编号", "{{ number }}"),
            ("申请日期", "{{ applied_on }}"),
            ("受理法院", "{{ court }}"),
            ("确认情况", "{{ confirmed_on }}"),
        ],
    )
    body(
        doc,
        "经人民法院确认有效的调解协议，一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。",
    )
    tag(doc, "{%p endif %}")


def closing(doc: DocumentObject) -> None:
    part(doc, "卷宗情况说明")
    grid(
        doc,
        [
            ("受案时间", "{{ registered_on }}"),
            ("结案时间", "{{ closed_on }}"),
            ("调解结果", "{{ outcome }}"),
            ("{%tr if failed %}", ""),
            ("终止调解的原因", "{{ failure_reason }}"),
            ("告知的其他途径", "{{ routes_told }}"),
            ("{%tr endif %}", ""),
            ("协议履行情况", "{{ performance }}"),
            ("司法确认", "{{ confirmation_state }}"),
            ("防止激化", "{{ prevented }}"),
        ],
    )
    line(doc, "立卷人：{{ filer }}")
    line(doc, "立卷日期：{{ filed_on }}")


def back_cover(doc: DocumentObject) -> None:
    part(doc, "卷宗封底")
    body(doc, "本卷宗共　　页。")
    line(doc, "立卷人：{{ filer }}")
    line(doc, "检查人：")


def footer(doc: DocumentObject) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.text = MASKED
    paragraph.style = doc.styles["表格文字"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.runs[0].font.size = Pt(9)


def case_file() -> DocumentObject:
    doc = without_header(new_document("人民调解卷宗"))
    cover(doc)
    contents(doc)
    registration(doc)
    sessions(doc)
    written_agreement(doc)
    oral_agreement(doc)
    follow_ups(doc)
    confirmation(doc)
    closing(doc)
    back_cover(doc)
    footer(doc)
    return doc


def main() -> None:
    path = HERE / "case_file.docx"
    save(case_file(), path)
    print(path)


if __name__ == "__main__":
    main()
