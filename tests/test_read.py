"""Reading files: encodings, .docx numbering and tables, PDFs, and refusals with reasons."""

from __future__ import annotations

import io

import pytest

from bench.docx_writer import write_docx
from conftest import SAMPLES
from huibao.text.read import Rejected, read_bytes

REPORT = (
    "一、工作进展情况\n（一）招商引资成效明显。签约项目**个。\n二、存在的问题\n一是项目储备不足。"
)


class TestEncodings:
    @pytest.mark.parametrize(
        ("encode", "name"),
        [
            (lambda t: t.encode("utf-8"), "utf-8"),
            (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "utf-8-bom"),
            (lambda t: t.encode("gb18030"), "gb18030"),
            (lambda t: t.encode("gbk"), "gb18030"),
            (lambda t: t.encode("utf-16"), "utf-16-le"),
            (lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf-16-be"),
            (lambda t: t.encode("utf-16-le"), "utf-16-le"),
        ],
    )
    def test_text_is_decoded_and_its_encoding_recorded(self, encode, name):
        source = read_bytes(encode(REPORT), "report.txt")
        assert source.text == REPORT
        assert source.encoding == name

    def test_truncated_utf8_keeps_the_whole_characters_with_a_warning(self):
        data = REPORT.encode("utf-8")[:-1]
        source = read_bytes(data, "cut.txt")
        assert source.text == REPORT[:-1]
        assert "dropped" in source.warnings[0]

    def test_lines_in_two_encodings_are_each_decoded(self):
        data = (
            "一、工作情况\n".encode()
            + "（一）招商引资。\n".encode("gb18030")
            + "二、问题\n".encode()
        )
        source = read_bytes(data, "mixed.txt")
        assert source.text == "一、工作情况\n（一）招商引资。\n二、问题\n"
        assert source.encoding.startswith("mixed") and "mixed encodings" in source.warnings[0]

    def test_sha256_identifies_the_content(self):
        a = read_bytes(REPORT.encode(), "a.txt")
        b = read_bytes(REPORT.encode(), "b.txt")
        assert a.sha256 == b.sha256 and len(a.sha256) == 64


class TestRefusals:
    @pytest.mark.parametrize(
        ("data", "name", "reason"),
        [
            (b"", "empty.txt", "no text"),
            (b"  \n\t \r\n", "blank.txt", "no text"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image.txt", "PNG image"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old.doc", ".docx"),
            (bytes(range(256)) * 4, "noise.txt", "binary"),
            (b"PK\x03\x04garbage", "broken.docx", "corrupt .docx"),
            (b"%PDF-1.4 garbage", "broken.pdf", "PDF"),
            (b"hello", "table.xlsx", "unsupported file type"),
        ],
    )
    def test_unreadable_input_is_refused_with_a_reason(self, data, name, reason):
        with pytest.raises(Rejected, match=reason):
            read_bytes(data, name)

    def test_bytes_that_fit_no_encoding_are_refused(self):
        with pytest.raises(Rejected, match=r"no encoding fits|binary|not text"):
            read_bytes(b"\x81\x30\xff\xfe\x80" * 40, "odd.txt")


class TestDocx:
    def test_word_automatic_numbering_becomes_heading_markers(self):
        data = write_docx(
            "县文旅局2024年工作总结",
            [("h1", "工作完成情况"), ("h2", "文旅市场加快复苏。正文。"), ("h2", "公共文化服务提质。正文。"),
             ("h1", "存在的问题"), ("p", "一是产品同质化。")],
        )  # fmt: skip
        source = read_bytes(data, "report.docx")
        assert source.format == "docx"
        assert source.text.split("\n") == [
            "县文旅局2024年工作总结",
            "一、工作完成情况",
            "（一）文旅市场加快复苏。正文。",
            "（二）公共文化服务提质。正文。",
            "二、存在的问题",
            "一是产品同质化。",
        ]

    def test_tables_become_tab_separated_rows(self):
        data = write_docx(None, [("table", [["指标", "数值"], ["产值", "**亿元"]])])
        assert read_bytes(data, "t.docx").text == "指标\t数值\n产值\t**亿元"

    def test_a_zip_bomb_is_refused(self):
        import zipfile

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("word/document.xml", "<a>" + "0" * 30_000_000 + "</a>")
        with pytest.raises(Rejected, match="zip bomb"):
            read_bytes(buf.getvalue(), "bomb.docx")


def _pdf(pages: list[list[str]]) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for number, lines in enumerate(pages, 1):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 810, "xx县人民政府办公室")
        y = 770
        for line in lines:
            c.drawString(72, y, line)
            y -= 20
        c.drawString(290, 40, f"- {number} -")
        c.showPage()
    c.save()
    return buf.getvalue()


class TestPdf:
    def test_page_furniture_is_removed_and_wrapped_lines_rejoined(self):
        full = "全面贯彻落实中央和省市委系列会议精神，立足自身实际，抢抓发展机遇，狠抓"
        pages = [
            ["一、工作进展情况", full, "推进落实，成效明显。"],
            ["二、存在的问题", full, "落实不够。"],
            ["三、下步打算", "继续努力。"],
        ]
        text = read_bytes(_pdf(pages), "report.pdf").text
        lines = text.split("\n")
        assert "xx县人民政府办公室" not in text and "- 1 -" not in text
        assert lines[:2] == ["一、工作进展情况", full + "推进落实，成效明显。"]
        assert "三、下步打算" in lines

    def test_a_pdf_without_text_is_refused_as_a_scan(self):
        from reportlab.pdfgen import canvas

        buf = io.BytesIO()
        c = canvas.Canvas(buf)
        c.rect(100, 100, 300, 300, fill=1)
        c.showPage()
        c.save()
        with pytest.raises(Rejected, match="OCR"):
            read_bytes(buf.getvalue(), "scan.pdf")


class TestMarkdown:
    def test_markdown_heading_hashes_and_bullets_are_removed(self):
        from huibao.text import parse_bytes

        data = "# xx局2024年工作总结\n\n## 一、工作情况\n\n- （一）招商引资。正文。\n".encode()
        parsed = parse_bytes(data, "report.md", keywords=False)
        doc = parsed.documents[0]
        assert doc.title == "xx局2024年工作总结"
        assert [(s.level, s.heading) for s in doc.sections if s.level] == [
            (1, "工作情况"),
            (2, "招商引资"),
        ]
        assert {e.rule for e in parsed.cleaned.edits} >= {"markdown"}


def test_a_docx_renamed_doc_is_read_as_the_docx_it_is():
    data = (SAMPLES / "县文旅局2024年工作总结.docx").read_bytes()
    source = read_bytes(data, "县文旅局2024年工作总结.doc")
    assert source.format == "docx" and "县文化和旅游局2024年工作总结" in source.text
    assert read_bytes("一、工作情况\n正文。".encode(), "plain.doc").format == "txt"
