"""Chinese full-text search with SQLite's stock FTS5 tokenizer.

FTS5's `unicode61` tokenizer treats a run of Chinese characters as one token, so `招商引资`
typed into a search box finds nothing. Instead of a custom tokenizer (which would make the
published file unreadable to tools without it), the index is fed pre-tokenised text: every run
of Chinese characters becomes its overlapping bigrams plus its last character,

    招商引资工作  →  招商 商引 引资 资工 工作 作

and a query is tokenised the same way into a phrase (`"招商 商引 引资"`). Consecutive bigrams
at consecutive positions can only come from consecutive characters, so a query matches exactly
the texts that contain it, like `LIKE '%招商引资%'`, but from an index. A one-character query
is a prefix query (`招*`), which matches every bigram that starts with it and the run-final
character. Latin words and numbers stay whole and lower-cased.
"""

from __future__ import annotations

import re
from operator import add

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+")


def _is_cjk(ch: str) -> bool:
    return not ch.isascii()


def tokens(text: str) -> list[str]:
    """Index tokens of `text` (see the module docstring)."""
    out: list[str] = []
    for m in _RUN.finditer(text):
        run = m.group(0)
        if not _is_cjk(run[0]):
            out.append(run.lower())
            continue
        out.extend(map(add, run, run[1:]))  # the bigrams, made in C
        out.append(run[-1])
    return out


def index_text(text: str) -> str:
    """The text to store in the FTS5 column: tokens separated by spaces."""
    return " ".join(tokens(text))


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression for what a user typed into a search box.

    Space-separated terms must all occur (AND); each term matches as a phrase. Double quotes
    group words with spaces into one phrase. An empty query matches nothing.

    >>> match_expression("招商引资")
    '"招商 商引 引资"'
    >>> match_expression("党建 乡村振兴")
    '"党建" AND "乡村 村振 振兴"'
    >>> match_expression("招")
    '"招" *'
    """
    terms = re.findall(r'"([^"]*)"|(\S+)', query)
    parts = []
    for quoted, bare in terms:
        toks, prefix = _query_tokens(quoted or bare)
        if toks:
            phrase = '"' + " ".join(toks) + '"'
            parts.append(phrase + " *" if prefix else phrase)
    return " AND ".join(parts) if parts else '""'


def _query_tokens(term: str) -> tuple[list[str], bool]:
    """Tokens of a query term, and whether its last token is a prefix.

    Every run but the last is tokenised as in the index (bigrams and final character). The
    last run contributes only its bigrams, so that it also matches inside a longer run; when it
    is a single Chinese character, or Latin letters and digits, its token is a prefix.
    """
    runs = [m.group(0) for m in _RUN.finditer(term)]
    out: list[str] = []
    for k, run in enumerate(runs):
        last = k == len(runs) - 1
        if not _is_cjk(run[0]):
            out.append(run.lower())
        elif not last:
            out.extend(tokens(run))
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    prefix = bool(runs) and (not _is_cjk(runs[-1][0]) or len(runs[-1]) == 1)
    return out, prefix
