"""Keywords by TF-IDF. The IDF comes from the loaded corpus when one is given (see
`huibao.db.idf`); without a corpus, jieba's general-language IDF table stands in."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

TOP_K = 10


@cache
def default_idf() -> tuple[dict[str, float], float]:
    import jieba.analyse

    path = Path(jieba.analyse.__file__).parent / "idf.txt"
    idf: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, value = line.partition(" ")
        if value:
            idf[word] = float(value)
    values = sorted(idf.values())
    return idf, values[len(values) // 2]


def corpus_idf(sections: Iterable[Iterable[str]]) -> dict[str, float]:
    """The IDF of every term over `sections` (each given by its terms): ln((N+1)/(df+1)) + 1,
    the formula `huibao.db.idf` computes in Postgres over the loaded sections."""
    df: Counter = Counter()
    n = 0
    for terms in sections:
        n += 1
        df.update(set(terms))
    return {term: math.log((n + 1) / (count + 1)) + 1 for term, count in df.items()}


def top_keywords(
    counts: Counter, idf: Mapping[str, float] | None = None, k: int = TOP_K
) -> list[tuple[str, float]]:
    """The k terms with the highest tf × idf, as (term, weight) rounded to 4 places."""
    if not counts:
        return []
    if idf is None:
        idf, default = default_idf()
    else:
        default = max(idf.values(), default=math.log(2))
    total = sum(counts.values())
    scored = [(term, n / total * idf.get(term, default)) for term, n in counts.items()]
    scored.sort(key=lambda x: (-x[1], x[0]))
    return [(term, round(weight, 4)) for term, weight in scored[:k]]
