"""Text of a .docx in reading order: paragraphs with Word's automatic numbering, tables as rows.

Word keeps list numbers such as `一、` or `（一）` out of the run text (they come from
numbering.xml), so a plain text dump loses exactly the markers the heading tree needs. This
module renders them the way Word shows them.
"""

from __future__ import annotations

import io
import zipfile

from .limits import Limits
from .numerals import to_chinese_numeral
from .rejected import Rejected

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_text(data: bytes, limits: Limits) -> tuple[str, list[str]]:
    _check_zip(data, limits)
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise Rejected(f"corrupt .docx: {type(exc).__name__}: {exc}") from exc

    numbering = _Numbering(document)
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == W + "p":
            paragraph = Paragraph(child, document)
            label = numbering.label(child, paragraph.style)
            text = paragraph.text
            lines.append(label + text if label else text)
        elif child.tag == W + "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or cells[-1] != value:  # merged cells repeat their text
                        cells.append(value)
                lines.append("\t".join(cells))
    return "\n".join(lines), []


DOCUMENT_PART = "word/document.xml"  # what makes a zip package a Word document


def is_docx(data: bytes) -> bool:
    """True for a zip package holding a Word document (whatever the file is called)."""
    try:
        return DOCUMENT_PART in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False


def _check_zip(data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise Rejected(f"corrupt .docx (bad zip): {exc}") from exc
    names = {i.filename for i in infos}
    if DOCUMENT_PART not in names:
        raise Rejected(f"not a .docx: the zip has no {DOCUMENT_PART}")
    total = sum(i.file_size for i in infos)
    if total > limits.max_docx_unzipped_bytes:
        raise Rejected(
            f".docx unpacks to {total / 1e6:.0f} MB, over the "
            f"{limits.max_docx_unzipped_bytes / 1e6:.0f} MB limit "
            "(possible zip bomb; HUIBAO_MAX_DOCX_UNZIPPED_BYTES)"
        )
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > 1000:
            raise Rejected(
                f".docx member {info.filename} expands {info.file_size // info.compress_size}x: zip bomb"
            )


class _Numbering:
    """Counters for Word list numbering (numbering.xml), advanced paragraph by paragraph."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, dict]] = {}  # numId -> ilvl -> definition
        self.counters: dict[str, dict[int, int]] = {}
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            return
        root = part.element
        abstract: dict[str, dict[int, dict]] = {}
        for an in root.iterchildren(W + "abstractNum"):
            levels = {}
            for lvl in an.iterchildren(W + "lvl"):
                ilvl = int(lvl.get(W + "ilvl", "0"))
                levels[ilvl] = {
                    "start": int(_val(lvl, "start") or 1),
                    "fmt": _val(lvl, "numFmt") or "decimal",
                    "text": _val(lvl, "lvlText") or "",
                }
            abstract[an.get(W + "abstractNumId")] = levels
        for num in root.iterchildren(W + "num"):
            ref = num.find(W + "abstractNumId")
            if ref is None:
                continue
            levels = {k: dict(v) for k, v in abstract.get(ref.get(W + "val"), {}).items()}
            for override in num.iterchildren(W + "lvlOverride"):
                ilvl = int(override.get(W + "ilvl", "0"))
                start = override.find(W + "startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl]["start"] = int(start.get(W + "val"))
            self.levels[num.get(W + "numId")] = levels

    def label(self, p, style) -> str:
        num_id, ilvl = self._num_pr(p, style)
        if num_id is None or num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        definition = levels[ilvl]
        if definition["fmt"] in ("bullet", "none"):
            return ""
        text = definition["text"]
        for k in range(ilvl + 1):
            if f"%{k + 1}" in text:
                value = counters.get(k, levels.get(k, {}).get("start", 1))
                fmt = levels.get(k, {}).get("fmt", "decimal")
                text = text.replace(f"%{k + 1}", _format_number(value, fmt))
        return text

    @staticmethod
    def _num_pr(p, style) -> tuple[str | None, int]:
        ppr = p.find(W + "pPr")
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        while num_pr is None and style is not None:
            sppr = style.element.find(W + "pPr")
            num_pr = sppr.find(W + "numPr") if sppr is not None else None
            style = style.base_style
        if num_pr is None:
            return None, 0
        num_id = num_pr.find(W + "numId")
        ilvl = num_pr.find(W + "ilvl")
        return (
            num_id.get(W + "val") if num_id is not None else None,
            int(ilvl.get(W + "val")) if ilvl is not None else 0,
        )


def _val(el, name: str) -> str | None:
    child = el.find(W + name)
    return child.get(W + "val") if child is not None else None


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith("chinese") or fmt in ("japaneseCounting", "taiwaneseCounting"):
        return to_chinese_numeral(n)
    if fmt == "ideographTraditional":
        return _HEAVENLY[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 0 < n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return str(n).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, sym in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out += sym
            n -= value
    return out
