"""Word segmentation with jieba and this genre's dictionary. Each section is segmented once;
its term counts feed keywords and search."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from .masks import is_mask_token
from .rules import load_lines

_WORDLIKE = re.compile(r"^(?:[\u4e00-\u9fff]{2,}|[A-Za-z][A-Za-z0-9]{1,})$")
# Quantities such as 万亩, 亿元, 千瓦时 come from masked or real figures: never keywords.
_UNIT = re.compile(
    r"^[万亿千百十余多]*(亩|元|吨|人|户|个|家|头|只|株|平方米|立方米|公里|千米|千瓦|千瓦时|度|斤|"
    r"平方公里|人次|次|件|项|台|辆|套|座|所|条|处|倍|美元|万元|亿元|万人|万户|万吨|万亩)$"
)


@cache
def tokenizer():
    """A jieba tokenizer with the genre dictionary (built once per process)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    for line in load_lines("dictionary.txt"):
        parts = line.split()
        tk.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None)
    return tk


@cache
def stopwords() -> frozenset[str]:
    words: set[str] = set()
    for line in load_lines("stopwords.txt"):
        words.update(line.split())
    return frozenset(words)


def tokenize(text: str) -> list[str]:
    return tokenizer().lcut(text, HMM=True)


def is_term(token: str) -> bool:
    """A token that can be a keyword: a word of two or more characters, not a stop word, not a
    number and not a mask such as `xx` or `**`."""
    return (
        bool(_WORDLIKE.match(token))
        and token not in stopwords()
        and not is_mask_token(token)
        and not _UNIT.match(token)
        and not token.lower().startswith("xx")
    )


def term_counts(text: str) -> Counter:
    return Counter(t for t in tokenize(text) if is_term(t))
