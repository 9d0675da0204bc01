import datetime
import re
from dataclasses import replace

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFont

from peiyu.lib.pdf import FONT_FILE, FONT_NAME, CertificateContent, certificate_pdf, register_cjk_font
from peiyu.testing import ARTIFACTS

URL = "https://peiyu.example.gov.cn/verify/certificates/3f9c2a7e-1b4d-4c8e-9a61-2d0f5e7b8c90?code=K7Q2M9"
SERVICE = (
    "为老服务、邻里互助、环境整治、文明宣传、防汛值守、垃圾分类宣传引导、关爱留守儿童、助残帮扶、"
    "交通文明劝导、图书馆志愿服务等，共计参与活动四十二次。"
)


def certificate(**changes: object) -> CertificateContent:
    content = CertificateContent(
        title="志愿服务证明",
        number="溧志证〔2026〕第0123号",
        body=[
            ("姓名", "张三"),
            ("性别", "男"),
            ("证件号码", "320481********1234"),
            ("服务时长", "123.5 小时"),
            ("服务组织", "溧阳市戴埠镇平桥村夕阳红志愿服务队"),
            ("服务内容", SERVICE),
        ],
        paragraphs=[
            "兹证明张三同志自2025年1月1日至2026年11月20日在溧阳市戴埠镇参加志愿服务，"
            "累计服务时长壹佰贰拾叁点伍小时，特此证明。",
            "本证明涂改无效。扫描左下角二维码可核验真伪。",
        ],
        issuer="溧阳市戴埠镇平桥村夕阳红志愿服务队",
        issuer_lines=["负责人：王秀英", "经办人：李四", "联系电话：0519-87654321"],
        issued_on=datetime.date(2026, 11, 22),
        verify_url=URL,
    )
    return replace(content, **changes)


def page_texts(pdf: bytes) -> list[str]:
    with pdfium.PdfDocument(pdf) as document:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts


def flat(value: str) -> str:
    # Wrapped lines come back with line breaks between them.
    return re.sub(r"\s+", "", value)


def test_certificate_text_can_be_extracted() -> None:
    pdf = certificate_pdf(certificate())
    assert pdf.startswith(b"%PDF-")
    [page] = page_texts(pdf)
    text = flat(page)
    for expected in [
        "志愿服务证明",
        "编号：溧志证〔2026〕第0123号",
        "张三",
        "320481********1234",
        "123.5小时",
        flat(SERVICE),
        "壹佰贰拾叁点伍小时",
        "负责人：王秀英",
        "联系电话：0519-87654321",
        "溧阳市戴埠镇平桥村夕阳红志愿服务队",
        "2026年11月22日",
        "（盖章）",
        URL,
    ]:
        assert expected in text, expected


def test_certificate_renders_and_is_not_blank() -> None:
    with pdfium.PdfDocument(certificate_pdf(certificate())) as document:
        page = document[0]
        assert (page.get_width(), page.get_height()) == pytest.approx(A4)
        image = page.render(scale=150 / 72).to_pil()
        page.close()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "certificate.png")
    grey = image.convert("L")
    dark = sum(grey.histogram()[:128])
    total = grey.width * grey.height
    # Text, rules and the QR code: a few per cent of the page, far from blank or black.
    assert 0.01 * total < dark < 0.2 * total
    # The QR code sits in the bottom-left quarter: plenty of dark modules there.
    corner = grey.crop((0, grey.height * 3 // 4, grey.width // 3, grey.height))
    assert sum(corner.histogram()[:128]) > 0.05 * corner.width * corner.height


def test_font_is_embedded() -> None:
    pdf = certificate_pdf(certificate())
    assert b"/FontFile2" in pdf
    subsets = set(re.findall(rb"/BaseFont /([A-Z]{6})\+(\w+)", pdf))
    assert subsets
    assert {name for _, name in subsets} == {FONT_NAME.encode()}


def test_long_values_wrap_inside_the_page() -> None:
    long_url = URL + "&" + "x" * 200
    content = certificate(
        body=[("服务内容", SERVICE * 3), ("备注", "A" * 300)],
        issuer="溧阳市戴埠镇平桥村夕阳红志愿服务队与溧阳市戴埠镇新桥村青年志愿服务队联合",
        verify_url=long_url,
    )
    with pdfium.PdfDocument(certificate_pdf(content)) as document:
        assert len(document) == 1
        page = document[0]
        textpage = page.get_textpage()
        boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
        assert flat(textpage.get_text_range()).count("A" * 300) == 1
        textpage.close()
        page.close()
    width, height = A4
    # Every character lies inside the inner border (14 mm from the edges).
    for left, bottom, right, top in boxes:
        assert 14 * mm <= left and right <= width - 14 * mm
        assert 14 * mm <= bottom and top <= height - 14 * mm


def test_markup_in_values_is_printed_as_text() -> None:
    [page] = page_texts(
        certificate_pdf(certificate(body=[("姓名", "<b>张&三</b>")], paragraphs=["a < b\n第二行"]))
    )
    assert "<b>张&三</b>" in page
    assert "a < b" in page
    assert "第二行" in page


def test_long_content_moves_the_issuer_block_whole_to_a_second_page() -> None:
    pages = page_texts(certificate_pdf(certificate(paragraphs=[SERVICE * 4] * 4)))
    assert len(pages) == 2
    assert [flat(page).count("负责人：王秀英") for page in pages] == [0, 1]
    assert "2026年11月22日" in flat(pages[1])
    assert URL in flat(pages[1])


def test_font_is_registered_once_and_covers_common_text() -> None:
    assert register_cjk_font() == register_cjk_font() == FONT_NAME
    face = TTFont("coverage-check", str(settings.BASE_DIR / FONT_FILE)).face
    needed = "溧阳市志愿服务证明戴埠镇壹贰叁肆伍陆柒捌玖拾佰仟万亿元整〔〕，。：；、（）“”‘’《》【】！？…—·％０１２３ｘ"
    needed += "0123456789ABCXYZabcxyz:/.-?=&%*"
    assert [char for char in needed if ord(char) not in face.charToGlyph] == []
