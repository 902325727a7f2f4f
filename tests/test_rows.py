"""The rows a parsed source becomes: every COPY names columns of its table, leaves out only
columns Postgres fills, and each value lands under its column's name."""

from __future__ import annotations

import itertools

import pytest

from conftest import SAMPLES
from huibao.db.rows import COPIED, Rows
from huibao.models import (
    CleaningEdit,
    Document,
    GlossaryEntry,
    Indicator,
    Section,
    SectionTopic,
    Slogan,
)
from huibao.text import parse_path, parse_text

MODELS = {
    m.__tablename__: m
    for m in (Document, Section, SectionTopic, Slogan, Indicator, GlossaryEntry, CleaningEdit)
}


def _filled_by_postgres(column) -> bool:
    return (
        column.computed is not None
        or column.server_default is not None
        or (column.primary_key and column.autoincrement in (True, "auto") and column.name == "id")
    )


@pytest.mark.parametrize("table", sorted(COPIED))
def test_each_copy_names_columns_of_its_table_once(table):
    names = COPIED[table]
    columns = {c.name for c in MODELS[table].__table__.columns}
    assert len(set(names)) == len(names)
    assert set(names) <= columns, set(names) - columns


@pytest.mark.parametrize("table", sorted(COPIED))
def test_a_copy_leaves_out_only_what_postgres_fills(table):
    model = MODELS[table]
    left_out = [c for c in model.__table__.columns if c.name not in COPIED[table]]
    assert all(_filled_by_postgres(c) for c in left_out), [c.name for c in left_out]


@pytest.fixture(scope="module")
def sample_rows():
    """The rows of every sample report, the first with source id 7 and report ids from 100."""
    glossary = (
        "一、工作回顾\n正文。\n名词解释\n1.“两重”：是指国家重大战略实施和重点领域安全能力建设。"
    )
    sources = [parse_path(p) for p in sorted(SAMPLES.glob("*.txt"))] + [parse_text(glossary)]
    rows, doc_ids, section_ids = Rows(), itertools.count(100), itertools.count(1000)
    for source_id, parsed in enumerate(sources, 7):
        rows.add_source(source_id, parsed, "v-test", doc_ids, section_ids, len)
    parsed = sources[0]
    named = {
        table: [dict(zip(COPIED[table], row, strict=True)) for row in found]
        for table, found in rows.tables.items()
    }
    return parsed, rows, named


def test_every_row_is_as_wide_as_its_copy(sample_rows):
    _, rows, _ = sample_rows
    for table, found in rows.tables.items():
        assert found, f"the sample makes no {table} rows"
        assert {len(r) for r in found} == {len(COPIED[table])}, table


def test_report_values_land_under_their_columns(sample_rows):
    parsed, rows, named = sample_rows
    doc, first = parsed.documents[0], named["documents"][0]
    assert (first["id"], first["source_id"], first["ordinal"]) == (100, 7, 0)
    assert first["title"] == doc.title and first["year"] == doc.year
    assert first["clean_text"] == doc.text and first["char_count"] == len(doc.text)
    assert first["section_count"] == len(doc.sections)
    assert first["pipeline_version"] == "v-test"
    assert rows.fingerprints[0] == (100, len(doc.text))  # the fingerprint function's result


def test_section_values_land_under_their_columns(sample_rows):
    parsed, _, named = sample_rows
    doc = parsed.documents[0]
    for section, row in zip(doc.sections, named["sections"], strict=False):
        assert row["document_id"] == 100
        assert row["heading"] == section.heading and row["level"] == section.level
        assert row["body"] == doc.text[section.body_start : section.body_end]
        assert (row["start"], row["end"]) == (section.start, section.end)
    texts = {row["id"]: row["clean_text"] for row in named["documents"]}
    for indicator in named["indicators"]:
        text = texts[indicator["document_id"]]
        assert indicator["text"] == text[indicator["start"] : indicator["end"]]
    edit = named["cleaning_edits"][0]
    assert edit["source_id"] == 7 and edit["rule"] == parsed.cleaned.edits[0].rule
