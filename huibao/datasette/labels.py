"""Chinese labels of huibao's codes and columns (`site.yaml`), for pages, facets and filters.

Codes stay what the data holds; pages show labels, and a filter or canned query given a label
is given the code it stands for (`?role=问题` → `?role=problems`). Topics and indicators take
their labels from the published file's own taxonomy tables.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import yaml

SITE = Path(__file__).with_name("site.yaml")


@cache
def site() -> dict:
    return yaml.safe_load(SITE.read_text(encoding="utf-8"))


class Labels:
    """Every vocabulary of the site, the database's taxonomies included."""

    def __init__(self, vocabularies: dict[str, dict[str, str]]) -> None:
        self.vocabularies = vocabularies
        self.codes = {
            name: {label: code for code, label in vocab.items()}
            for name, vocab in vocabularies.items()
        }

    @classmethod
    def of_file(cls, path: str | Path | None) -> Labels:
        vocab = {k: dict(v) for k, v in site()["vocabularies"].items()}
        vocab["topics"], vocab["indicators"] = {}, {}
        if path:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                for name, table in (("topics", "topics"), ("indicators", "indicator_types")):
                    # a file without the table keeps its codes
                    with contextlib.suppress(sqlite3.Error):
                        vocab[name] = dict(db.execute(f"select key, zh from {table}"))
        return cls(vocab)

    def vocabulary(self, column: str, table: str | None = None) -> str | None:
        columns = site()["columns"]
        return columns.get(f"{table}.{column}") or columns.get(column)

    def label(self, value, column: str, table: str | None = None) -> str | None:
        """The label of `value` in `column`, or None when the column has no vocabulary or the
        value is not one of its codes."""
        name = self.vocabulary(column, table)
        if name is None or value is None:
            return None
        if name == "topics" and isinstance(value, str) and value.startswith("["):
            try:
                keys = json.loads(value)
            except ValueError:
                return None
            return "、".join(self.vocabularies["topics"].get(k, k) for k in keys)
        return self.vocabularies.get(name, {}).get(str(value))

    def code(self, value: str, column: str, table: str | None = None) -> str:
        """The code a label stands for (the value itself when it is no label)."""
        name = self.vocabulary(column, table)
        if name is None:
            return value
        return self.codes.get(name, {}).get(value, value)

    def translate_query(self, query_string: str, table: str | None) -> str:
        """Query-string arguments given as labels, turned into codes: `role=问题` → `role=problems`
        (also `role__exact=`, `_facet` untouched)."""
        args = parse_qsl(query_string, keep_blank_values=True)
        out = []
        changed = False
        for key, value in args:
            column = key.split("__", 1)[0]
            if not key.startswith("_") and value:
                code = self.code(value, column, table)
                changed |= code != value
                value = code
            out.append((key, value))
        return urlencode(out) if changed else query_string

    def options(self) -> dict[str, list[tuple[str, str]]]:
        """(code, label) choices of each canned-query parameter that takes a code."""
        names = {"role": "role", "admin_level": "level", "period": "period", "topic": "topics",
                 "indicator": "indicators"}  # fmt: skip
        return {param: sorted(self.vocabularies[v].items()) for param, v in names.items()}


def header(column: str) -> str:
    """A column's Chinese header: `admin_level` → `层级`."""
    return site()["headers"].get(column, column)


def hidden_columns(table: str) -> list[str]:
    return list(site()["hidden_columns"].get(table, []))


def is_long_text(column: str) -> bool:
    return column in site()["long_text"]
