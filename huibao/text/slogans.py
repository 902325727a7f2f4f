"""Slogans and formulas (提法): “两个确立”, “四个意识”, “1234”防返贫工作法, 三区三线.

Quoted phrases of this genre are coined formulas, campaign names and slogans, so every short
quoted phrase counts; a quoted number is extended with the descriptor that follows it
(“1234”防返（致）贫工作法 → 1234防返贫工作法). Known formulas (`data/slogans.yaml`), and the
numbered formulas a report quotes somewhere, are also counted where they appear bare.
Normalisation: NFKC, no spaces, no bracketed asides.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from .chars import HAN
from .rules import load_yaml

_QUOTED = re.compile(r"[“\"「]([^“”\"「」\n]{1,24})[”\"」]")
_SENTENCE = re.compile(r"[，。；：！？,;:!?]")
_NUMBERED = re.compile(r"^[0-9一二三四五六七八九十两百千+＋·.\-—xX*]+$")
_NUMERAL_FORMULA = re.compile(rf"^[一二三四五六七八九十两百0-9][{HAN}]{{1,9}}$")
_ASIDE = re.compile(r"[（(][^（）()]{0,6}[）)]")


@cache
def _data():
    data = load_yaml("slogans.yaml")
    ends = "|".join(map(re.escape, sorted(data["descriptor_ends"], key=len, reverse=True)))
    descriptor = re.compile(rf"^[{HAN}（）()]{{0,10}}?(?:{ends})")
    return frozenset(data["formulas"]), descriptor


def formulas() -> frozenset[str]:
    """The known slogans and formulas (`data/slogans.yaml`)."""
    return _data()[0]


def normalise(phrase: str) -> str:
    phrase = unicodedata.normalize("NFKC", phrase)
    phrase = _ASIDE.sub("", phrase)
    return re.sub(r"\s+", "", phrase).strip("“”\"'、")


def quoted_slogans(text: str) -> list[tuple[str, int, int]]:
    """(normalised slogan, start, end) of each quoted formula in `text`."""
    _, descriptor = _data()
    out = []
    for m in _QUOTED.finditer(text):
        inner = m.group(1)
        numbered = bool(_NUMBERED.match(inner)) and len(inner) <= 16
        if (_SENTENCE.search(inner) or not 2 <= len(inner) <= 16) and not numbered:
            continue
        end = m.end()
        if _NUMBERED.match(inner):
            tail = descriptor.match(text[m.end() : m.end() + 14])
            if tail and not tail.group(0).startswith(("是", "为", "即", "指", "就")):
                inner += tail.group(0)
                end += tail.end()
            elif len(inner) < 2:
                continue
        slogan = normalise(inner)
        if len(slogan) >= 2 and re.search(f"[{HAN}]", slogan):
            out.append((slogan, m.start(), end))
    return out


def find_slogans(text: str, extra_formulas: frozenset[str] = frozenset()) -> Counter:
    """Counts of slogans in `text`: quoted ones, plus bare known formulas."""
    formulas, _ = _data()
    counts: Counter = Counter()
    covered: list[tuple[int, int]] = []
    for slogan, start, end in quoted_slogans(text):
        counts[slogan] += 1
        covered.append((start, end))
    bare = formulas | extra_formulas
    if bare:
        pattern = _bare_pattern(bare)
        for m in pattern.finditer(text):
            if not any(s <= m.start() < e for s, e in covered):
                counts[m.group(0)] += 1
    return counts


def numbered_formulas(text: str) -> frozenset[str]:
    """Quoted numbered formulas of a document (“三落实一巩固”): also counted where bare."""
    return frozenset(s for s, _, _ in quoted_slogans(text) if _NUMERAL_FORMULA.match(s))


@cache
def _bare_pattern(words: frozenset[str]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
