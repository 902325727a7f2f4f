"""Clean raw report text faithfully: every change is an `Edit` that can be audited and undone.

All rules are decided on the raw text and applied in one pass, so the edits are exact spans of
the raw text and `restore_raw(clean(raw))` gives back `raw`:

* drop site watermarks, adverts, pay-wall markers and page furniture (rules in
  `data/cleaning.yaml`), blank lines and the spaces around lines;
* re-join lines broken mid-sentence, but never a heading or title to its body;
* normalise width where it matters (`(三)` → `（三）`, `％` → `%`, full-width digits, `,` between
  Chinese characters → `，`);
* restore censoring artefacts (`D的二十大` → `党的二十大`, `巩x` → `巩固`) where the restored
  character forms a word (`data/censor.yaml`), leaving masked figures such as `x月xx日` alone.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from .chars import is_han
from .headings import LABEL_MAX, heading_span, is_bare_marker, is_complete, line_marker
from .limits import Limits
from .model import Edit
from .rules import (
    censor_rules,
    drop_inline_rules,
    drop_line_rules,
    drop_trailer_rules,
    markdown_prefix,
)
from .titles import is_collection_title, is_date_line, is_strong_title, is_title
from .wrapping import wrap_of


@dataclass(slots=True)
class Cleaned:
    raw: str
    text: str
    edits: list[Edit]
    _ends: list[int] = field(default_factory=list, repr=False)
    _shifts: list[int] = field(default_factory=list, repr=False)

    def to_raw(self, offset: int) -> int:
        """Map an offset in the clean text to the raw text (inside an edit: to its start)."""
        if not self._ends and self.edits:
            shift = 0
            for e in self.edits:
                shift += (e.raw_end - e.raw_start) - len(e.after)
                self._ends.append(e.clean_end)
                self._shifts.append(shift)
        # edits that end at or before `offset` shift it by their length change
        i = bisect.bisect_right(self._ends, offset) - 1
        if i + 1 < len(self.edits) and self.edits[i + 1].clean_start < offset:
            return self.edits[i + 1].raw_start  # inside a replacement
        return offset + (self._shifts[i] if i >= 0 else 0)

    def counts_by_rule(self) -> Counter:
        return Counter(e.rule for e in self.edits)


def restore_raw(text: str, edits: list[Edit]) -> str:
    """Undo every edit: the inverse of `clean`. Edits must be in clean-text order."""
    out, pos = [], 0
    for e in edits:
        out.append(text[pos : e.clean_start])
        out.append(e.before)
        pos = e.clean_end
    out.append(text[pos:])
    return "".join(out)


# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _RawLine:
    start: int  # raw offset of the first kept character
    end: int  # raw offset after the last kept character
    nl_start: int  # raw offset of the line break that follows (== nl_end on the last line)
    nl_end: int
    text: str  # the line as it reads after its own edits
    blank_before: bool  # a blank or dropped line separates it from the previous kept line
    continued: bool = False  # the previous line was joined to it: it holds a broken sentence
    indented: bool = False  # it begins with white space


_Op = tuple[int, int, str, str]  # raw_start, raw_end, replacement, rule


def clean(raw: str, *, fmt: str = "txt", limits: Limits | None = None) -> Cleaned:
    """Clean `raw`; returns the clean text (one paragraph per line) and the edits made."""
    limits = limits or Limits()
    ops: list[_Op] = []
    lines: list[_RawLine] = []
    gap = False
    trailer_at, trailer_rule = _trailer(raw)
    for start, end, nl_end in _raw_lines(raw):
        if start >= trailer_at:
            if nl_end > start:
                ops.append((start, nl_end, "", trailer_rule))
            continue
        content = raw[start:end]
        stripped = content.strip()
        if not stripped:
            if nl_end > start:
                ops.append((start, nl_end, "", "blank_line"))
            gap = True
            continue
        rule = _drop_rule(stripped)
        if rule:
            ops.append((start, nl_end, "", rule))
            gap = True
            continue
        line_ops = _line_ops(raw, start, end, fmt)
        text = _apply(raw, start, end, line_ops)
        if not text.strip():
            ops.append((start, nl_end, "", "blank_line"))
            gap = True
            continue
        ops.extend(line_ops)
        lead = len(content) - len(content.lstrip())
        trail = len(content) - len(content.rstrip())
        lines.append(_RawLine(start + lead, end - trail, end, nl_end, text, gap, indented=lead > 0))
        gap = False

    wrapped = _broken_by_layout(raw, lines)
    for i, line in enumerate(lines):
        newline = raw[line.nl_start : line.nl_end]
        if i == len(lines) - 1:
            if newline:
                ops.append((line.nl_start, line.nl_end, "", "newline"))
        elif _should_join(lines, i, wrapped[i]):
            ops.append((line.nl_start, line.nl_end, "", "join_line"))
            lines[i + 1].text = line.text + lines[i + 1].text  # joined lines are judged as one
            lines[i + 1].blank_before = line.blank_before
            lines[i + 1].continued = True
        elif newline != "\n":
            ops.append((line.nl_start, line.nl_end, "\n", "newline"))

    ops.extend(_long_line_breaks(raw, ops, limits.max_line_chars))
    return _build(raw, ops)


def _raw_lines(raw: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, end including the line break) for each line; \\r\\n, \\r and \\n all count."""
    pos, n = 0, len(raw)
    for m in re.finditer(r"\r\n|\r|\n", raw):
        yield pos, m.start(), m.end()
        pos = m.end()
    if pos < n:
        yield pos, n, n


def _trailer(raw: str) -> tuple[int, str]:
    """Where a block of site furniture that runs to the end of the file begins (a licence
    notice under the text), and its rule; (len(raw), "") when there is none."""
    for r in drop_trailer_rules():
        for m in r.start.finditer(raw):
            if r.confirm.search(raw, m.start()):
                return m.start(), r.rule
    return len(raw), ""


def _drop_rule(stripped: str) -> str | None:
    for r in drop_line_rules():
        if r.pattern.search(stripped):
            return r.rule
    return None


def _apply(raw: str, start: int, end: int, ops: list[_Op]) -> str:
    out, pos = [], start
    for s, e, after, _ in sorted(ops, key=lambda o: (o[0], o[1])):
        out.append(raw[pos:s])
        out.append(after)
        pos = e
    out.append(raw[pos:end])
    return "".join(out)


def _line_ops(raw: str, start: int, end: int, fmt: str) -> list[_Op]:
    """Edits inside one kept line: surrounding spaces, inline drops, width and censoring."""
    content = raw[start:end]
    lead = len(content) - len(content.lstrip())
    trail = len(content) - len(content.rstrip())
    ops: list[_Op] = []
    if lead:
        ops.append((start, start + lead, "", "whitespace"))
    if trail:
        ops.append((end - trail, end, "", "whitespace"))
    body_start, body_end = start + lead, end - trail
    body = raw[body_start:body_end]

    blocked = [False] * len(body)  # characters already removed by an earlier rule
    if fmt == "md":
        m = markdown_prefix().match(body)
        if m:
            ops.append((body_start, body_start + m.end(), "", "markdown"))
            blocked[: m.end()] = [True] * m.end()
    for r in drop_inline_rules():
        for m in r.pattern.finditer(body):
            if not any(blocked[m.start() : m.end()]):
                ops.append((body_start + m.start(), body_start + m.end(), "", r.rule))
                blocked[m.start() : m.end()] = [True] * (m.end() - m.start())

    for m in _SPACED_LETTERS.finditer(body) if _spaced_out(body) else ():
        ops.append((body_start + m.start(), body_start + m.end(), "", "spacing"))
        blocked[m.start() : m.end()] = [True] * (m.end() - m.start())

    for i, after, rule in _char_edits(body):
        if not blocked[i]:
            ops.append((body_start + i, body_start + i + 1, after, rule))
    return ops


# A title or heading whose letters are spaced out for layout: `政 府 工 作 报 告`,
# `××县 2024 年 工 作 总 结`: mostly single characters between spaces, none of them punctuation.
_SPACED_LINE = re.compile(
    r"^[^\s，。；：！？、]{1,4}(?:[ \u3000\xa0]+[^\s，。；：！？、]{1,4}){2,}$"
)
_SPACED_LETTERS = re.compile(r"(?<=\S)[ \u3000\xa0]+(?=\S)")


def _spaced_out(body: str) -> bool:
    if not _SPACED_LINE.match(body):
        return False
    tokens = body.split()
    singles = sum(1 for t in tokens if len(t) == 1 and is_han(t))
    return singles * 2 > len(tokens)


# --- width ----------------------------------------------------------------------------------

_FULLWIDTH_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH_ASCII.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH_ASCII.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH_ASCII["％"] = "%"
_SPACES = {"\u3000": " ", "\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " "}
# Zero-width characters, stray byte-order marks and DEL: invisible, and they break matching.
_INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\x7f")
_ASCII_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


_PAREN = re.compile(r"\(([^()\n]{1,40})\)")


# Every character some rule below may change; a line without any is skipped at C speed.
_CANDIDATES = re.compile(
    "["
    + re.escape("".join(_FULLWIDTH_ASCII) + "".join(_SPACES) + "".join(_INVISIBLE))
    + re.escape("．,;:?!()")
    + "\x00-\x08\x0a-\x1f"
    + "]"
)


def _char_edits(body: str) -> Iterator[tuple[int, str, str]]:
    """(index, replacement, rule) for single characters of a line."""
    seen: set[int] = set()
    for m in _CANDIDATES.finditer(body):
        i, ch = m.start(), m.group(0)
        if ch in _INVISIBLE or (ord(ch) < 32 and ch != "\t"):
            yield i, "", "control"
            seen.add(i)
        elif ch in _FULLWIDTH_ASCII:
            yield i, _FULLWIDTH_ASCII[ch], "width"
            seen.add(i)
        elif ch in _SPACES:
            yield i, " ", "width"
            seen.add(i)
        elif (
            ch == "．"
            and 0 < i < len(body) - 1
            and _digitish(body[i - 1])
            and _digitish(body[i + 1])
        ) or (ch == "．" and i > 0 and _digitish(body[i - 1]) and _marker_dot(body, i)):
            yield i, ".", "width"
            seen.add(i)
        elif (
            ch in _ASCII_PUNCT
            and i > 0
            and is_han(body[i - 1])
            and not _digitish(body[i + 1 : i + 2])
        ):
            yield i, _ASCII_PUNCT[ch], "width"
            seen.add(i)
    # Half-width brackets around Chinese text or a heading number: （三）, （1）, （镇乡）.
    for m in _PAREN.finditer(body):
        inner = m.group(1)
        if any(is_han(c) for c in inner) or (inner.isdigit() and m.start() == 0):
            yield m.start(), "（", "width"
            yield m.end() - 1, "）", "width"
    yield from _censor_edits(body, seen)


def _digitish(ch: str) -> bool:
    return bool(ch) and (ch.isdigit() or ch in "０１２３４５６７８９")


def _marker_dot(body: str, i: int) -> bool:
    # "1．" at the start of a line: a heading marker written with a full-width dot
    j = i - 1
    while j >= 0 and _digitish(body[j]):
        j -= 1
    return j < 0


# --- censoring ------------------------------------------------------------------------------


def _censor_edits(body: str, seen: set[int]) -> Iterator[tuple[int, str, str]]:
    rules = censor_rules()
    for m in _censor_letters().finditer(body):
        i, ch = m.start(), m.group(0)
        if i in seen:
            continue
        restored, words = rules[ch]
        if not _isolated_letter(body, i) or not _forms_word(body, i, ch, restored, words):
            continue
        yield i, restored, "censor"


@cache
def _censor_letters() -> re.Pattern:
    return re.compile("[" + re.escape("".join(censor_rules())) + "]")


def _isolated_letter(body: str, i: int) -> bool:
    """The letter stands alone between Chinese characters: not in `3D`, `xx`, `x.xx`, `DNA`."""
    before = body[i - 1] if i > 0 else ""
    after = body[i + 1] if i + 1 < len(body) else ""
    if before and ((before.isascii() and before.isalnum()) or before in "*.×·-"):
        return False
    if after and ((after.isascii() and after.isalnum()) or after in "*.×·-"):
        return False
    return is_han(before) or is_han(after)


def _forms_word(body: str, i: int, letter: str, restored: str, words: frozenset[str]) -> bool:
    longest = max(len(w) for w in words)
    lo, hi = max(0, i - longest + 1), min(len(body), i + longest)
    window = body[lo:hi].replace(letter, restored)
    k = i - lo
    for size in range(2, longest + 1):
        for begin in range(max(0, k - size + 1), k + 1):
            if begin + size <= len(window) and window[begin : begin + size] in words:
                return True
    return False


# --- line joining ---------------------------------------------------------------------------

_CONTINUATION = tuple("，。、；：！？）》」』”’…%")


def _broken_by_layout(raw: str, lines: list[_RawLine]) -> list[bool]:
    """Which lines the layout of a hard-wrapped file broke (huibao.text.wrapping). A heading
    alone on its line must fill the width (it may as well end just short of it); where the
    file indents the first line of its paragraphs, a line before an indented one ended its
    paragraph, whatever its width, and so did a line before a blank one, unless the file is
    double-spaced."""
    # the width is the layout's: measured on the raw lines, before width and censoring edits
    layout = [raw[ln.start : ln.end] for ln in lines]
    ended = [is_complete(ln.text) for ln in lines]
    heading_only = [_is_heading_only(ln.text) for ln in lines]
    # headings end without a full stop at any length: only the other lines tell the width
    body = [i for i, h in enumerate(heading_only) if not h]
    wrap = wrap_of([layout[i] for i in body], [ended[i] for i in body])
    if wrap is None:
        return [False] * len(lines)
    broke = [
        not e and wrap.reaches(line, strict=h)
        for line, e, h in zip(layout, ended, heading_only, strict=True)
    ]
    # a blank line after a broken line ends its paragraph, unless the file puts one after
    # every line (double spacing separates nothing)
    blank_after = [ln.blank_before for ln in lines[1:]] + [False]
    if not _mostly([b for x, b in zip(broke, blank_after, strict=True) if x]):
        broke = [x and not b for x, b in zip(broke, blank_after, strict=True)]
    next_indented = [ln.indented for ln in lines[1:]] + [False]
    after_end = [n for e, n in zip(ended, next_indented, strict=True) if e]
    after_break = [n for x, n in zip(broke, next_indented, strict=True) if x]
    if _mostly(after_end) and not _mostly(after_break, share=0.2):
        return [x and not n for x, n in zip(broke, next_indented, strict=True)]
    return broke


def _mostly(flags: list[bool], share: float = 0.8) -> bool:
    """Whether at least `share` of `flags` (and at least five) are true."""
    return sum(flags) >= max(5, share * len(flags))


def _should_join(lines: list[_RawLine], i: int, wrapped: bool = False) -> bool:
    """Join line i to line i+1 when line i was broken mid-sentence. `wrapped`: the file's
    layout broke line i at its width (huibao.text.wrapping)."""
    prev, nxt = lines[i].text, lines[i + 1].text
    if "\t" in prev or "\t" in nxt:  # table rows
        return False
    if nxt.startswith(_CONTINUATION) or is_bare_marker(prev):
        return True
    # a heading or a sentence the width broke (a marker after it is its text); a title or a
    # date may end just where the width does
    if wrapped and not (is_title(prev) or is_collection_title(prev) or is_date_line(prev)):
        return True
    if lines[i + 1].blank_before or is_complete(prev):
        return False
    if _unclosed(prev) and not line_marker(nxt) and not is_title(nxt):
        return (
            True  # a link or a `《` left open broke the line: `三、关于《` / `…纲要` / `》的说明`
        )
    if _split_title(prev, nxt):
        return True
    if prev.startswith("——") or _is_heading_only(prev) or is_title(prev):
        return False
    if is_collection_title(prev) or is_date_line(prev) or is_date_line(nxt):
        return False
    if line_marker(nxt) or is_title(nxt):
        return False
    # A short stand-alone label (an unnumbered heading such as `“十四五”时期工作回顾`, an office
    # line, a speaker's name) is a paragraph of its own; a line that continues a sentence
    # broken before it is not.
    return lines[i].continued or not _is_label(prev)


_PAIRS = ("《》", "“”", "（）", "「」", "『』")


def _unclosed(line: str) -> bool:
    return any(line.count(a) > line.count(b) for a, b in _PAIRS)


def _split_title(prev: str, nxt: str) -> bool:
    """A title the layout broke in two (`政府工作报` / `告`, `××镇2024年上半年` / `工作总结`):
    the first half is no title, the second no title of its own (at most a bare kind such as
    `工作总结`, where a title with a year or an issuer would open the next report), both
    together are a title."""
    return (
        _is_label(prev)
        and _is_label(nxt)
        and not is_title(prev)
        and not is_strong_title(nxt)
        and is_title(prev + nxt)
    )


def _is_heading_only(line: str) -> bool:
    marker = line_marker(line)
    if not marker:
        return False
    _head_end, body_start = heading_span(line, marker.end)
    return body_start >= len(line)


_INNER_PUNCT = re.compile(r"[。！？；，、]")


# A line ending in a function word cannot be a heading or a name: the sentence goes on.
_DANGLING = tuple("的和与及在对为是把将从以等了地得之其而并或向于给由被")


def _is_label(line: str) -> bool:
    return len(line) <= LABEL_MAX and not _INNER_PUNCT.search(line) and not line.endswith(_DANGLING)


# --- long lines -----------------------------------------------------------------------------


def _long_line_breaks(raw: str, ops: list[_Op], max_chars: int) -> list[_Op]:
    """Insert line breaks at sentence ends into clean lines longer than `max_chars`."""
    if max_chars <= 0:
        return []
    text_len_guess = len(raw)
    if text_len_guess <= max_chars:
        return []
    # Walk the raw text with the ops applied, tracking the length of the current clean line.
    ops_sorted = sorted(ops, key=lambda o: (o[0], o[1]))
    inserts: list[_Op] = []
    run = 0
    last_break = None
    pos = 0
    for s, e, after, _rule in [*ops_sorted, (len(raw), len(raw), "", "")]:
        for j in range(pos, s):
            ch = raw[j]
            if ch in "\r\n":
                run, last_break = 0, None
                continue
            run += 1
            if ch in "。！？；":
                last_break = j + 1
            if run > max_chars:
                cut = last_break if last_break and last_break > j - run + 1 else j
                inserts.append((cut, cut, "\n", "long_line"))
                run = j - cut + 1
                last_break = None
        if "\n" in after:
            run, last_break = 0, None
        else:
            run += len(after)
        pos = max(pos, e)
    return inserts


# --- assembling -----------------------------------------------------------------------------


def _build(raw: str, ops: list[_Op]) -> Cleaned:
    ops.sort(key=lambda o: (o[0], o[1] - o[0] > 0, o[1]))
    out: list[str] = []
    edits: list[Edit] = []
    pos = clean_len = 0
    for s, e, after, rule in ops:
        if s < pos:  # overlapping edit: an earlier rule already consumed this span
            continue
        segment = raw[pos:s]
        out.append(segment)
        clean_len += len(segment)
        edits.append(Edit(rule, s, e, clean_len, raw[s:e], after))
        out.append(after)
        clean_len += len(after)
        pos = e
    out.append(raw[pos:])
    return Cleaned(raw, "".join(out), edits)
