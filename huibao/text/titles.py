"""What a report title and a compilation title look like.

Titles name the kind of report at their end (`…工作总结`, `…工作汇报`, `…政府工作报告`,
`…下半年工作计划`), optionally followed by a note in brackets (`（镇乡）`), and stand on a line of
their own with no sentence punctuation.
"""

from __future__ import annotations

import re

from .headings import line_marker

REPORT_KINDS = (
    "政府工作报告",
    "述职述廉报告",
    "述职报告",
    "督查汇报",
    "督查报告",
    "调研报告",
    "自查报告",
    "情况报告",
    "情况汇报",
    "工作汇报",
    "工作总结",
    "工作报告",
    "工作计划",
    "工作要点",
    "工作思路",
    "工作打算",
    "工作安排",
    "工作方案",
    "总结",
    "汇报",
    "报告",
    "计划",
    "要点",
)
_KIND = "|".join(REPORT_KINDS)
_NOTE = r"(?:[（(][^（）()]{1,12}[）)])*"
_TITLE = re.compile(rf"^(?P<body>.{{0,56}}?(?:{_KIND})){_NOTE}$")
_COLLECTION = re.compile(r"汇编|合集|选编|大全|[（(]\s*\d+\s*篇\s*[）)]|\d+篇")
_SENTENCE_PUNCT = re.compile(r"[。！？；，：:]")
_DATE_LINE = re.compile(
    r"^[\dxX*〇零一二三四五六七八九十]{2,4}年[\dxX*一二三四五六七八九十]{1,2}月([\dxX*一二三四五六七八九十]{1,3}日)?$"
)
_YEAR = re.compile(r"(?:19|20)\d\d年|[xX*]{4}年|[二〇零一三四五六七八九]{4}年")


def is_title(line: str) -> bool:
    """A report title: `林业局2023年上半年工作总结`, `2023年上半年工作总结和下半年工作思路（镇乡）`.

    >>> is_title("二、下半年工作计划")
    False
    """
    s = line.strip()
    if not 4 <= len(s) <= 70 or _SENTENCE_PUNCT.search(s) or line_marker(s):
        return False
    return bool(_TITLE.match(s))


def is_strong_title(line: str) -> bool:
    """A title that names a year, an issuer or a government report, not just `工作总结`."""
    s = line.strip()
    return is_title(s) and (bool(_YEAR.search(s)) or "政府工作报告" in s or _has_issuer(s))


def is_collection_title(line: str) -> bool:
    """`2023年上半年工作总结和下半年工作思路汇编（9篇）`: the title of a compilation."""
    s = line.strip()
    return (
        4 <= len(s) <= 80
        and not _SENTENCE_PUNCT.search(s)
        and not line_marker(s)
        and bool(_COLLECTION.search(s))
    )


def is_date_line(line: str) -> bool:
    return bool(_DATE_LINE.match(line.strip()))


_ISSUER = re.compile(
    r"(局|委|办|办公室|站|中心|所|院|厅|部|处|科|队|会|政府|街道|镇|乡|县|区|市|省)"
)


def _has_issuer(s: str) -> bool:
    kind = _TITLE.match(s)
    head = kind.group("body") if kind else s
    return bool(_ISSUER.search(head))
