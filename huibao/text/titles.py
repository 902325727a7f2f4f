"""What a report title and a compilation title look like.

Titles name the kind of report at their end (`…工作总结`, `…工作汇报`, `…政府工作报告`,
`…下半年工作计划`), optionally followed by a note in brackets (`（镇乡）`), and stand on a line of
their own with no sentence punctuation. The kind words are data (`data/kinds.yaml`).
"""

from __future__ import annotations

import re
from functools import cache

from .headings import line_marker
from .numerals import ONE_TO_TEN, YEAR_DIGITS
from .places import names_an_issuer
from .rules import load_yaml

_NOTE = r"(?:[（(][^（）()]{1,12}[）)])*"
_COLLECTION = re.compile(r"汇编|合集|选编|大全|[（(]\s*\d+\s*篇\s*[）)]|\d+篇")
_SENTENCE_PUNCT = re.compile(r"[。！？；，：:]")
_DATE_LINE = re.compile(
    rf"^[\dxX*{YEAR_DIGITS}十]{{2,4}}年[\dxX*{ONE_TO_TEN}]{{1,2}}月([\dxX*{ONE_TO_TEN}]{{1,3}}日)?$"
)
_YEAR = re.compile(rf"(?:19|20)\d\d年|[xX*]{{4}}年|[{YEAR_DIGITS}]{{4}}年")


@cache
def _kinds() -> dict:
    return load_yaml("kinds.yaml")


@cache
def report_kinds() -> dict[str, str]:
    """Title ending → kind, longest ending first."""
    endings = _kinds()["title_endings"]
    return {k: endings[k] for k in sorted(endings, key=len, reverse=True)}


@cache
def briefing_kinds() -> dict[str, str]:
    endings = _kinds()["briefing_endings"]
    return {k: endings[k] for k in sorted(endings, key=len, reverse=True)}


@cache
def _title_pattern(briefing: bool) -> re.Pattern:
    kinds = briefing_kinds() if briefing else report_kinds()
    alternation = "|".join(map(re.escape, kinds))
    return re.compile(rf"^(?P<body>.{{0,56}}?(?:{alternation})){_NOTE}$")


def is_title(line: str) -> bool:
    """A report title: `林业局2023年上半年工作总结`, `2023年上半年工作总结和下半年工作思路（镇乡）`.

    >>> is_title("二、下半年工作计划")
    False
    """
    s = line.strip()
    if not 4 <= len(s) <= 70 or _SENTENCE_PUNCT.search(s) or line_marker(s):
        return False
    return bool(_title_pattern(False).match(s))


def is_strong_title(line: str) -> bool:
    """A title that names a year, an issuer or a government report, not just `工作总结`."""
    s = line.strip()
    return is_title(s) and _names_someone(s, _title_pattern(False))


def is_briefing_title(line: str) -> bool:
    """The opening line of a briefing titled by its subject: `××县2024年上半年经济运行情况`,
    `关于乡村振兴工作的汇报材料`. It must name a year, an issuer or `关于` its subject."""
    s = line.strip()
    if not 6 <= len(s) <= 70 or _SENTENCE_PUNCT.search(s) or line_marker(s):
        return False
    pattern = _title_pattern(True)
    return bool(pattern.match(s)) and (s.startswith("关于") or _names_someone(s, pattern))


def _names_someone(s: str, pattern: re.Pattern) -> bool:
    if _YEAR.search(s) or "政府工作报告" in s:
        return True
    kind = pattern.match(s)
    head = kind.group("body") if kind else s
    for ending in (*report_kinds(), *briefing_kinds()):
        if head.endswith(ending):
            head = head[: -len(ending)]
            break
    return names_an_issuer(head)


def title_kind(title: str) -> str | None:
    """The kind a title names: `…上半年工作总结和下半年工作计划` → 工作总结 (the first kind
    named is what the report is), `…经济运行情况` → 情况汇报."""
    found = [(title.find(k), -len(k), kind) for k, kind in report_kinds().items() if k in title]
    if found:
        return min(found)[2]
    s = re.sub(f"{_NOTE}$", "", title.strip())
    return next((kind for k, kind in briefing_kinds().items() if s.endswith(k)), None)


def is_generic_title(title: str) -> bool:
    """A title that is only a kind (`政府工作报告`): it names no one."""
    s = re.sub(f"{_NOTE}$", "", title.strip())
    return s in _kinds()["generic_titles"]


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
