"""The file `datasette --inspect-file` reads, written by each publish next to the SQLite file.

Without it Datasette counts every table when its index page is first asked for and hashes the
whole file (seconds on a large corpus), and it cannot count the contentless search tables at
all, which makes it show no row counts anywhere on that page. Here the counts come from the
export (a search table counts the rows it indexes) and the hash is taken once, at publish.
It is written before the new file is renamed into place and records that file's size and
modification time (a rename keeps both), so the server never takes it for another file's.
`huibao serve` reads it through `ReloadingDatabase`, again for each new publish.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from . import swap
from .search_index import SOURCES


def inspect_path(output: Path) -> Path:
    return output.with_name(output.stem + ".inspect.json")


def write_inspect(built: Path, output: Path, counts: dict[str, int]) -> Path:
    """Write the inspect data of `built`, about to be renamed to `output`, whose exported
    tables hold `counts` rows."""
    db = sqlite3.connect(f"file:{built}?mode=ro", uri=True)
    try:
        names = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
        tables = {}
        for name in names:
            if name in counts:
                tables[name] = counts[name]
            elif name in SOURCES:
                tables[name] = counts.get(SOURCES[name][0])
            else:
                tables[name] = db.execute(f"select count(*) from [{name}]").fetchone()[0]
    finally:
        db.close()
    with open(built, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    stat = built.stat()
    data = {
        output.stem: {
            "hash": digest,
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "file": str(output),
            "tables": {name: {"count": count} for name, count in tables.items()},
        }
    }
    return swap.write_text(inspect_path(output), json.dumps(data, ensure_ascii=False, indent=1))


def read_inspect(output: Path) -> dict | None:
    """The inspect data of `output` (Datasette's entry for it) if it describes this very file."""
    try:
        entry = json.loads(inspect_path(output).read_text(encoding="utf-8"))[output.stem]
        stat = output.stat()
        if (entry["size"], entry["mtime_ns"]) == (stat.st_size, stat.st_mtime_ns):
            return entry
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None
