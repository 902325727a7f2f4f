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

import hashlib
import re
from operator import add

from .chars import HAN, is_han

_RUN = re.compile(rf"[{HAN}]+|[A-Za-z0-9]+")


def tokens(text: str) -> list[str]:
    """Index tokens of `text` (see the module docstring)."""
    out: list[str] = []
    for m in _RUN.finditer(text):
        run = m.group(0)
        if not is_han(run[0]):
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
        if not is_han(run[0]):
            out.append(run.lower())
        elif not last:
            out.extend(tokens(run))
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    prefix = bool(runs) and (not is_han(runs[-1][0]) or len(runs[-1]) == 1)
    return out, prefix


# -- the rows a parsed file adds to the search index -------------------------------------------

FINGERPRINT_EVERY = 64  # ids of rows whose digest is kept (and the first rows of each file)

# An indexed row: (id, its index text, the digest of its text when it is kept, else None)
Row = tuple[int, str, str | None]


def search_texts(parsed, ids: list[tuple[int, list[int]]]) -> dict[str, list[Row]]:
    """The rows a loaded file adds to each FTS table, given the ids its documents and sections
    were stored under: the same texts as `huibao.publish.search_index.SOURCES` reads back from
    Postgres."""
    out: dict[str, list[Row]] = {"sections_fts": [], "documents_fts": []}
    first = True
    for doc, (doc_id, section_ids) in zip(parsed.documents, ids, strict=True):
        out["documents_fts"].append(_row(doc_id, (doc.title or "") + "\n" + doc.text, first))
        for s, sid in zip(doc.sections, section_ids, strict=True):
            text = s.heading + "\n" + doc.text[s.body_start : s.body_end]
            out["sections_fts"].append(_row(sid, text, first))
            first = False
    return out


def _row(row_id: int, text: str, keep: bool) -> Row:
    keep = keep or row_id % FINGERPRINT_EVERY == 0
    return row_id, index_text(text), digest(text) if keep else None


def digest(text: str) -> str:
    """A short digest of an indexed text (to tell whether the index still holds it)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
