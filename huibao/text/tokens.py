"""Word segmentation with jieba's dictionary and this genre's own. Each section is segmented
once; its term counts feed keywords and the corpus IDF.

Two segmenters give the same words: `rjieba` (jieba's algorithm in Rust, about 35 times
faster) when it is installed, and `jieba` itself, the reference. On the shared and provincial
corpora they differ in 1 Chinese token out of 355 000 (and in how they split dates such as
2026-02-09, which are never keywords). HUIBAO_SEGMENTER=jieba forces the reference.

A term is a noun-like word: jieba's dictionary tags each word, and verbs (深化, 打造),
adjectives and adverbs are dropped without running the slower part-of-speech tagger. Words the
dictionary does not know (new words found by jieba's HMM) are kept.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from functools import cache
from pathlib import Path

from .chars import HAN
from .masks import is_mask_token
from .measures import alternation
from .rules import load_lines
from .slogans import formulas

_CJK_WORD = re.compile(rf"^[{HAN}]+$")
_WORDLIKE = re.compile(rf"^(?:[{HAN}]{{2,}}|[A-Za-z][A-Za-z0-9]{{1,}})$")
# Quantities such as 万亩, 亿元, 千瓦时 come from masked or real figures: never keywords.
_UNIT = re.compile(f"^(?:{alternation('magnitudes', 'approximate')})*(?:{alternation('units')})$")
# Tags of jieba's dictionary that can name a topic: nouns, names, verbal nouns, foreign words.
_KEEP_TAGS = ("n", "vn", "eng")
NEW_WORD_MIN = 3  # characters a word unknown to both dictionaries needs to be a term
# the longest term: no word of the genre (the longest in the dictionaries has 16 characters) is
# longer; a longer "word" is a pasted image, a URL or a run of letters, and a term is a key of
# the database (a B-tree entry holds at most 2,704 bytes)
TERM_MAX = 30


@cache
def segmenter_name() -> str:
    wanted = os.environ.get("HUIBAO_SEGMENTER", "rjieba")
    if wanted == "rjieba":
        try:
            import rjieba  # noqa: F401
        except ImportError:
            return "jieba"
    return "jieba" if wanted != "rjieba" else "rjieba"


@cache
def tokenizer():
    """A jieba tokenizer with the genre dictionary (built once per process)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    for word, freq, _tag in genre_words():
        tk.add_word(word, freq)
    return tk


@cache
def _segment():
    """The function that cuts text into words, with the genre dictionary loaded."""
    if segmenter_name() == "rjieba":
        import rjieba

        rj = rjieba.Jieba()
        for word, freq, tag in genre_words():
            rj.add_word(word, freq, tag)
        return lambda text: rj.cut(text, True)
    tk = tokenizer()
    return lambda text: tk.lcut(text, HMM=True)


def warm_up() -> None:
    """Load the dictionaries now (worker processes do this before their first file)."""
    _segment()
    word_tags()


@cache
def genre_words() -> tuple[tuple[str, int | None, str], ...]:
    """The genre's terms for jieba: `data/dictionary.txt`, and the slogans and formulas of
    `data/slogans.yaml` (四个不摘, 一老一小), so that they are segmented whole."""
    out = []
    for line in load_lines("dictionary.txt"):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 else None
        out.append((parts[0], freq, parts[2] if len(parts) > 2 else "n"))
    known = {word for word, _, _ in out}
    out += [(f, 20000, "n") for f in formulas() if f not in known]
    return tuple(out)


@cache
def word_tags() -> dict[str, str]:
    """Part of speech of every word in jieba's dictionary, plus the genre dictionary."""
    import jieba

    tags: dict[str, str] = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    for word, _freq, tag in genre_words():
        tags[word] = tag
    return tags


@cache
def stopwords() -> frozenset[str]:
    words: set[str] = set()
    for line in load_lines("stopwords.txt"):
        words.update(line.split())
    return frozenset(words)


def tokenize(text: str) -> list[str]:
    return _segment()(text)


def is_term(token: str) -> bool:
    """A token that can be a keyword: a noun-like word of two or more characters, not a stop
    word, not a number and not a mask such as `xx` or `**`."""
    return _TERMS[token]


class _Decided(dict):
    """Words already judged (the vocabulary of a corpus repeats: each word is judged once)."""

    def __missing__(self, token: str) -> bool:
        known = _is_term(token)
        if len(self) < 500_000:
            self[token] = known
        return known


_TERMS = _Decided()


def _is_term(token: str) -> bool:
    if len(token) > TERM_MAX or not _WORDLIKE.match(token) or token in stopwords():
        return False
    if is_mask_token(token) or token.lower().startswith("xx") or _UNIT.match(token):
        return False
    tag = word_tags().get(token)
    if tag is None:
        # a word jieba's HMM made up: two characters are mostly a piece of a phrase it did
        # not know (一点一策 → 一策, 四个不摘 → 不摘); longer ones are mostly names
        return len(token) >= NEW_WORD_MIN
    return tag.startswith(_KEEP_TAGS)


def term_counts(text: str) -> Counter:
    """Counts of the terms among the words of `text`, in the order they first occur.

    A term that stands, nearly every time it occurs, beside the same noun is a piece of a
    compound the dictionaries do not know (个体 + 工商户, 天府 + 粮仓): the compound is counted
    instead."""
    words = tokenize(text)
    counts = Counter(words)  # counted in C; then each distinct word judged once
    terms = _TERMS
    out = Counter({t: n for t, n in counts.items() if terms[t]})
    repeated = {t for t, n in out.items() if n >= COMPOUND_MIN}
    if repeated:
        _merge_compounds(words, repeated, out)
    return out


COMPOUND_MIN = 2  # occurrences a word needs before its neighbours are judged
COMPOUND_SHARE = 0.8  # share of them beside one same noun that makes it a piece of a compound


def _merge_compounds(words: list[str], repeated: set[str], out: Counter) -> None:
    sides: dict[str, Counter] = {}
    for i, w in enumerate(words):
        if w in repeated:
            c = sides.setdefault(w, Counter())
            if i > 0:
                c["<", words[i - 1]] += 1
            if i + 1 < len(words):
                c[">", words[i + 1]] += 1
    for term, c in sides.items():
        (side, neighbour), n = c.most_common(1)[0]
        if n < COMPOUND_SHARE * out[term] or not _noun(neighbour):
            continue
        compound = neighbour + term if side == "<" else term + neighbour
        if len(compound) > TERM_MAX:
            continue
        out[compound] += n
        out[term] -= n
        if out[term] <= 0:
            del out[term]


def _noun(word: str) -> bool:
    """A word that can be part of a compound term: a noun of the dictionaries (one character
    will do: 三江 + 源), not a stop word."""
    if not _CJK_WORD.match(word) or word in stopwords():
        return False
    tag = word_tags().get(word)
    return tag is not None and tag.startswith(("n", "ns", "nz"))
