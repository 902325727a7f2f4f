"""The rows a parsed source adds, and COPY to write them.

Each table's COPY names its columns (`*_COLUMNS`), in the order its rows are built here;
`tests/test_rows.py` checks that every name is a column of the model and that no column
without a default is left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from huibao.text import ParsedSource

DOCUMENT_COLUMNS = (
    "id", "source_id", "ordinal", "title", "year", "period", "admin_level", "org", "kind",
    "place", "display_title", "clean_text", "char_count", "start", "end", "section_count",
    "masked_count", "figure_count", "masked_ratio", "pipeline_version",
)  # fmt: skip
SECTION_COLUMNS = (
    "id", "document_id", "ordinal", "parent_id", "path", "level", "kind", "marker", "heading",
    "body", "start", "end", "body_start", "body_end", "role", "role_split", "topics", "terms",
    "term_counts",
)  # fmt: skip
SECTION_TOPIC_COLUMNS = ("section_id", "topic", "document_id", "rank", "evidence")
SLOGAN_COLUMNS = ("document_id", "section_id", "slogan", "count")
INDICATOR_COLUMNS = (
    "document_id", "section_id", "indicator", "name", "value", "unit", "value_masked", "growth",
    "growth_unit", "growth_masked", "direction", "masked", "target", "start", "end", "text",
)  # fmt: skip
GLOSSARY_COLUMNS = ("document_id", "term", "definition")
CLEANING_EDIT_COLUMNS = (
    "source_id", "ordinal", "rule", "raw_start", "raw_end", "clean_start", "before", "after",
)  # fmt: skip

# table → the columns its rows fill, in order
COPIED = {
    "documents": DOCUMENT_COLUMNS,
    "sections": SECTION_COLUMNS,
    "section_topics": SECTION_TOPIC_COLUMNS,
    "slogans": SLOGAN_COLUMNS,
    "indicators": INDICATOR_COLUMNS,
    "glossary": GLOSSARY_COLUMNS,
    "cleaning_edits": CLEANING_EDIT_COLUMNS,
}


class Rows:
    """The rows of the reports of some sources, by table, with the counts of each source."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple]] = {table: [] for table in COPIED}
        # per source: reports, sections, characters, (report id, its section ids), fingerprints
        self.sources: list[tuple[int, int, int, list[tuple[int, list[int]]], list]] = []
        self.fingerprints: list = []  # (report id, huibao.db.reuse.Fingerprints)

    def add_source(
        self,
        source_id: int,
        parsed: ParsedSource,
        version: str,
        doc_ids,
        section_ids,
        fingerprint=None,
    ) -> None:
        """The rows of one source's reports, given ids from iterators over new ids of
        `documents` and `sections`; `fingerprint(text)`, when given, what text reuse
        stores of each report."""
        chars, given, found = 0, [], []
        for ordinal, doc in enumerate(parsed.documents):
            doc_id = next(doc_ids)
            if fingerprint is not None:
                found.append(fingerprint(doc.text))
                self.fingerprints.append((doc_id, found[-1]))
            chars += len(doc.text)
            self.tables["documents"].append(
                (
                    doc_id, source_id, ordinal, doc.title, doc.year, doc.period, doc.admin_level,
                    doc.org, doc.kind, doc.place, doc.display_title, doc.text, len(doc.text),
                    doc.start, doc.end, len(doc.sections), doc.masked_count, doc.figure_count,
                    doc.masked_ratio, version,
                )
            )  # fmt: skip
            self.tables["glossary"] += [(doc_id, t, d) for t, d in doc.glossary]
            ids = [next(section_ids) for _ in doc.sections]
            given.append((doc_id, ids))
            self._sections(doc, doc_id, ids)
        # Postgres text cannot hold NUL: a removed NUL is stored as its visible symbol ␀
        self.tables["cleaning_edits"] += [
            (source_id, k, e.rule, e.raw_start, e.raw_end, e.clean_start, _no_nul(e.before),
             e.after)
            for k, e in enumerate(parsed.cleaned.edits)
        ]  # fmt: skip
        sections = sum(len(ids) for _, ids in given)
        self.sources.append((len(parsed.documents), sections, chars, given, found))

    def _sections(self, doc, doc_id: int, ids: list[int]) -> None:
        text, tables = doc.text, self.tables
        for k, (s, sid) in enumerate(zip(doc.sections, ids, strict=True)):
            terms = sorted(s.terms.items())
            tables["sections"].append(
                (
                    sid, doc_id, k, ids[s.parent] if s.parent is not None else None, s.path,
                    s.level, s.kind, s.marker, s.heading, text[s.body_start : s.body_end],
                    s.start, s.end, s.body_start, s.body_end, s.role, s.role_split,
                    array_literal(s.topics), array_literal([t for t, _ in terms]),
                    array_literal([str(n) for _, n in terms]),
                )
            )  # fmt: skip
            evidence = s.topic_evidence
            tables["section_topics"] += [
                (sid, topic, doc_id, rank, array_literal(evidence.get(topic, [])))
                for rank, topic in enumerate(s.topics, 1)
            ]
            tables["slogans"] += [(doc_id, sid, slogan, n) for slogan, n in s.slogans.items()]
            tables["indicators"] += [
                (
                    doc_id, sid, m.key, m.name, m.value, m.unit, m.value_masked, m.growth,
                    m.growth_unit, m.growth_masked, m.direction, m.masked, m.target, m.start,
                    m.end, text[m.start : m.end],
                )
                for m in s.indicators
            ]  # fmt: skip

    def copy(self, conn: psycopg.Connection) -> None:
        for table, columns in COPIED.items():
            copy_rows(conn, table, columns, self.tables[table])


def new_ids(conn: psycopg.Connection, documents: int, sections: int) -> list[list[int]]:
    """New ids from the sequences of `documents` and `sections`, that many of each."""
    row = conn.execute(
        "select array(select nextval(pg_get_serial_sequence('documents', 'id')) "
        "from generate_series(1, %s)), array(select nextval(pg_get_serial_sequence('sections', "
        "'id')) from generate_series(1, %s))",
        (documents, sections),
    ).fetchone()
    return [row[0], row[1]]


def _no_nul(text: str) -> str:
    return text.replace("\x00", "\u2400") if "\x00" in text else text


def array_literal(items: Sequence[str]) -> str:
    """A Postgres array literal, every element quoted: COPY takes it for a `text[]` or
    `integer[]` column at a fraction of the cost of adapting a Python list element by element
    (which was a third of the loader's own time)."""
    if not items:
        return "{}"
    body = '","'.join(items)
    if "\\" in body or '"' in body:
        body = '","'.join(i.replace("\\", "\\\\").replace('"', '\\"') for i in items)
    return '{"' + body + '"}'


def copy_rows(conn: psycopg.Connection, table: str, columns: Sequence[str], rows: Sequence) -> None:
    if not rows:
        return  # a COPY is a round trip to Postgres
    cols = ", ".join(f'"{c}"' for c in columns)
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
