"""Heading markers of Chinese official writing and how a heading ends.

The conventional hierarchy is `一、` → `（一）` → `1.` → `（1）` → `①`; besides these,
enumerations such as `一是`/`二是`, `一要`, `第一，` and `其一，` mark points that sit either at
the start of their own paragraph or inside a paragraph after a sentence end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import NUMERAL_CHARS, parse_chinese_numeral

CN = f"[{NUMERAL_CHARS}]{{1,4}}"

# Rank = conventional depth; a marker of a smaller rank never nests under a larger one.
# (kind, rank, pattern). Patterns run on a line's start, after optional spaces.
_LINE_MARKERS = [
    ("part", 0, re.compile(rf"第({CN})(?:部分|篇|章)[、，,：:.．\s]*")),
    ("cn", 1, re.compile(rf"({CN})[、．.](?![{NUMERAL_CHARS}]+[、．.])\s*")),
    ("pcn", 2, re.compile(rf"[（(]({CN})[）)][、．.]?\s*")),
    ("num", 3, re.compile(r"(\d{1,3})(?:[.．](?!\d)|、)\s*")),
    ("pnum", 4, re.compile(r"[（(](\d{1,3})[）)][、．.]?\s*")),
    ("circled", 5, re.compile(r"([①-⑳])[、．.]?\s*")),
]
# Points: `一是` / `一要` / `第一，` / `其一，`. Rank 2.5: below `（一）`, above `1.`.
POINT_RANK = 2.5
_POINT = re.compile(rf"(?:({CN})(?:是|要)|第({CN})[，,、：:]|其({CN})[，,、：:])")

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# An unnumbered heading, a byline or a name stands on a short line of its own, with no sentence
# punctuation; a longer unpunctuated line is a sentence the layout broke.
LABEL_MAX = 30

# A heading runs to its first sentence end; the rest of the line is body.
HEADING_END = "。：！？"
SENTENCE_END = "。！？；：…"
CLOSERS = "”’）」』】》\"'"


@dataclass(frozen=True, slots=True)
class Marker:
    kind: str  # part | cn | pcn | num | pnum | circled | point
    rank: float
    number: int
    text: str  # the marker as written, spaces after it excluded
    end: int  # offset just after the marker and any spaces that follow it
    start: int = 0  # offset of the marker's first character

    @property
    def family(self) -> str:
        return self.kind


def line_marker(line: str) -> Marker | None:
    """The heading marker at the start of `line`, if any.

    >>> line_marker("（三）优化环境，服务民生").text
    '（三）'
    >>> line_marker("1.5万亩高标准农田") is None
    True
    """
    for kind, rank, pattern in _LINE_MARKERS:
        m = pattern.match(line)
        if not m:
            continue
        number = _number(m.group(1))
        if number is None or number == 0:
            continue
        end = m.end()
        if end >= len(line):  # a bare marker with nothing after it is not a heading
            return None
        if kind == "cn" and line[end] in "、，,":
            continue  # "二、三产业…" is a list of numerals, not a heading
        if kind in ("num", "pnum") and not _starts_text(line[end:]):
            continue  # "10、20个", "5.5%": numbers, not a heading
        return Marker(kind, rank, number, m.group(0).rstrip(), end)
    m = _POINT.match(line)
    if m:
        number = _number(next(g for g in m.groups() if g))
        if number:
            return Marker("point", POINT_RANK, number, m.group(0).rstrip("，,、：: "), m.end())
    return None


_BARE_MARKER = re.compile(
    rf"(?:第{CN}(?:部分|篇|章)|{CN}[、．.]|[（(]{CN}[）)]|{CN}(?:是|要)|[第其]{CN}[，,、：:]?)"
)


def is_bare_marker(line: str) -> bool:
    """A marker alone on its line (`一是`, `（三）`): its text is on the next line.

    >>> is_bare_marker("一是"), is_bare_marker("一是加快发展")
    (True, False)
    """
    return bool(_BARE_MARKER.fullmatch(line.strip()))


_INLINE_POINT = re.compile(rf"(?<=[。；：！？])\s*({CN})是")


def inline_points(text: str, start: int = 0, end: int | None = None) -> list[Marker]:
    """Points `一是…二是…` in `text[start:end]`, each after a sentence end (which may lie just
    before `start`), numbered from 一. Offsets are into `text`.

    Returns the run only when it counts up from one (`一是`, `二是`, …), which is what tells an
    enumeration from words such as `统一是` or `唯一是`.
    """
    found: list[Marker] = []
    end = len(text) if end is None else end
    for m in _INLINE_POINT.finditer(text, start, end):
        number = _number(m.group(1))
        expected = found[-1].number + 1 if found else 1
        if number != expected:
            continue
        marker = m.group(1) + "是"
        found.append(
            Marker("point", POINT_RANK, number, marker, m.start(1) + len(marker), m.start(1))
        )
    return found if len(found) >= 2 else []


def heading_span(line: str, begin: int, point: bool = False) -> tuple[int, int]:
    """(end of heading text, start of body) for a heading starting at `begin` in `line`.

    A heading is the text up to its first `。`, `：`, `！` or `？` (for a point such as `一是`,
    also `；`, which separates points); when the line has none, the whole line is the heading.
    """
    stops = HEADING_END + "；" if point else HEADING_END
    depth = 0
    for i in range(begin, len(line)):
        ch = line[i]
        if ch in "“《（(「":
            depth += 1
        elif ch in "”》）)」":
            depth = max(0, depth - 1)
        elif ch in stops and depth == 0:
            return i, i + 1
    return len(line), len(line)


def continued_points(line: str, first: Marker) -> list[Marker]:
    """`二是`, `三是`… later in the same paragraph as a paragraph-opening `一是`: its siblings."""
    found: list[Marker] = []
    expected = first.number + 1
    for m in re.finditer(rf"(?<=[。；！？])\s*({CN})是", line[first.end :]):
        if _number(m.group(1)) != expected:
            continue
        pos = first.end + m.start(1)
        text = m.group(1) + "是"
        found.append(Marker("point", POINT_RANK, expected, text, pos + len(text), pos))
        expected += 1
    return found


def is_complete(line: str) -> bool:
    """True when a line ends a sentence (so the next line starts a new paragraph)."""
    s = line.rstrip().rstrip(CLOSERS)
    return bool(s) and s[-1] in SENTENCE_END


def _number(token: str) -> int | None:
    if token in _CIRCLED:  # before isdigit(): "①".isdigit() is True
        return _CIRCLED.index(token) + 1
    if token.isdigit():
        return int(token)
    return parse_chinese_numeral(token)


def _starts_text(rest: str) -> bool:
    return bool(rest) and not rest[0].isdigit() and rest[0] not in "%％)）"
