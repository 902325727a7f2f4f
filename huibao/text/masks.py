"""Masked figures and names: `**亿元`, `增长*%`, `xx.xx万亩`, `x月xx日`, `xx市`.

Material sites hide numbers and place names behind `*` or `x`. A mask is never a value: later
stages (keywords, indicators) must see it as a mask. A mask followed by a unit, a percent sign,
a date part or a counter word stands for a figure; before a place or organisation word it
stands for a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .chars import is_han
from .measures import alternation
from .model import Mask

# Runs of x/X/*/＊ (with an optional decimal part) not touching Latin letters or digits. What
# comes before a run is looked at from its first character: a pattern that starts with a
# character class is searched for by that class, several times faster than one that starts
# by looking behind at every position.
MASK = re.compile(
    r"(?:[xX×](?<![A-Za-z0-9_][xX×])[xX×]*|[*＊](?<![A-Za-z0-9_][*＊])[*＊]*)"
    r"(?:[.．][xX*＊]+)?(?:[-—–~～至][xX*＊]+)?(?![A-Za-z0-9_])"
)
# what follows a masked figure: a unit, a magnitude, a word of time (**亿元, xx%, ×月)
_FIGURE_AFTER = re.compile(
    f"^(?:{alternation('percent', 'units', 'magnitudes', 'approximate', 'time')})"
)
_FIGURE_BEFORE = re.compile(
    r"(?:增长|下降|增加|减少|提高|降低|达到|达|约|近|超|超过|共|计|第|为|占|率|额|量|值|收入|投资|完成|实现|新增|累计|同比|环比|年均|比重)$"
)
# a figure written in digits: a number with its unit, magnitude or date word
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?"
    f"(?=\\s*(?:{alternation('percent', 'units', 'magnitudes')}|年|月|日|天))"
)


def find_masks(text: str) -> Iterator[Mask]:
    for m in MASK.finditer(text):
        token = m.group(0)
        if token in ("x", "X", "×") and not _single_letter_mask(text, m.start(), m.end()):
            continue
        after = text[m.end() : m.end() + 4]
        before = text[max(0, m.start() - 4) : m.start()]
        figure = bool(_FIGURE_AFTER.match(after)) or bool(_FIGURE_BEFORE.search(before))
        if token == "×" and not figure:
            continue  # a multiplication sign
        yield Mask(m.start(), m.end(), token, "figure" if figure else "name")


def _single_letter_mask(text: str, start: int, end: int) -> bool:
    # A lone "x" is a mask only next to Chinese text or a figure context (x月, 第x次, x.xx).
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return is_han(before) or is_han(after) or after in "%％.．月日年"


def count_figures(text: str) -> int:
    """Unmasked numbers in figure positions (followed by a unit or a counter word)."""
    return sum(1 for _ in _NUMBER.finditer(text))


def is_mask_token(token: str) -> bool:
    """True for tokens such as `xx`, `**`, `x.xx` that segmenters return for masks."""
    return bool(re.fullmatch(r"[xX*＊×.．]+", token)) and any(c in "xX*＊" for c in token)
