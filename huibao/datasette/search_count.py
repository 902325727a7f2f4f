"""Count a search's matches from the full-text index alone.

Datasette counts the rows a search box finds with

    select count(*) from sections where id in
        (select rowid from sections_fts where sections_fts match escape_fts(:search))

which looks every match up in the table: at a million sections, a word found in a tenth of them
takes hundreds of milliseconds, more than the page itself. Every rowid of the index is either a
row of the table or an orphan left by a deleted row, whose id a published file lists in
`search_orphans`; so counting the index's matches less the orphans gives the same number from
the index alone, 10 to 40 times faster. Only this exact form (a search box and no other filter)
is rewritten; anything else keeps Datasette's own count.
"""

from __future__ import annotations

import re

_SEARCH_COUNT = re.compile(
    r"select count\(\*\) from (?P<table>\[?\w+\]?) where (?P<pk>\[?\w+\]?) in "
    r"\(select rowid from (?P<fts>\[?\w+\]?) where (?P=fts) match "
    r"(?P<match>escape_fts\(:search\)|:search)\)\s*",
)


def index_count_sql(sql: str, counted: frozenset[str]) -> str | None:
    """The index-only form of Datasette's search count `sql`, if it is one over an index of
    `counted` (the indexes whose orphans the file lists), else None."""
    m = _SEARCH_COUNT.fullmatch(sql.strip() + " ")
    if not m:
        return None
    fts = m["fts"].strip("[]")
    if fts not in counted:
        return None
    return (
        f"select count(*) from [{fts}] where [{fts}] match {m['match']} "
        f"and rowid not in (select id from search_orphans where fts = '{fts}')"
    )
