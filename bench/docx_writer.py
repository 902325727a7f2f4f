"""Write .docx reports whose heading numbers come from Word's automatic numbering, the way
offices write them: the run text says `工作进展情况`, numbering.xml adds `一、`.

Used for the bundled sample, the synthetic benchmark corpus and the tests.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

# Level 0: 一、 (chineseCounting), level 1: （一）, level 2: 1.
_ABSTRACT = f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
"""
_NUM = f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def _numbered(paragraph, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
    )
    ppr.append(num_pr)


def write_docx(
    title: str | None,
    blocks: Iterable[tuple[str, str | list[list[str]]]],
) -> bytes:
    """Blocks are ("h1" | "h2" | "h3", heading text without its number), ("p", paragraph text)
    or ("table", rows). Returns the bytes of the .docx."""
    document = Document()
    numbering = document.part.numbering_part.element
    # abstractNum elements must precede num elements in numbering.xml
    first_num = numbering.find(qn("w:num"))
    abstract = parse_xml(_ABSTRACT)
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(_NUM))
    if title:
        document.add_paragraph(title)
    for kind, content in blocks:
        if kind in ("h1", "h2", "h3"):
            paragraph = document.add_paragraph(content)
            _numbered(paragraph, int(kind[1]) - 1)
        elif kind == "table":
            rows = content
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        else:
            document.add_paragraph(content)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
