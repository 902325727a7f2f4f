"""What a request asks, as Datasette understands it: arguments given as Chinese labels become
the codes they stand for, and a table page leaves its bookkeeping columns out unless the
request names columns (`site.yaml`)."""

from __future__ import annotations

from urllib.parse import unquote

from . import pages
from .labels import hidden_columns


def rewrite(datasette, scope: dict) -> dict:
    parts = [unquote(p) for p in scope.get("path", "").strip("/").split("/")]
    if len(parts) != 2 or parts[0].startswith("-"):
        return scope
    table = parts[1].removesuffix(".json").removesuffix(".csv")
    query = scope.get("query_string", b"").decode("utf-8", "replace")
    new = pages.labels_of(datasette).translate_query(query, table)
    if not parts[1].endswith((".json", ".csv")) and "_col=" not in new and "_nocol=" not in new:
        hide = "&".join(f"_nocol={c}" for c in hidden_columns(table))
        if hide:
            new = f"{new}&{hide}" if new else hide
    if new == query:
        return scope
    return {**scope, "query_string": new.encode("utf-8")}
