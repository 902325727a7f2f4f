"""The documentation's examples run: the SQL recipes of docs/sql.md on the published file and
on Postgres, and every setting the code reads is in the README's table."""

from __future__ import annotations

import re
import sqlite3

from conftest import ROOT, query

SQL_DOC = ROOT / "docs" / "sql.md"


def recipes() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", SQL_DOC.read_text(encoding="utf-8"), re.S)


def test_every_sql_recipe_runs_on_the_published_file(samples_published):
    assert len(recipes()) >= 3
    db = sqlite3.connect(f"file:{samples_published.path}?mode=ro", uri=True)
    results = [db.execute(sql).fetchall() for sql in recipes()]
    assert all(results), "each worked query finds something in the samples"
    gdp = results[1]
    assert any(row[0] == "青山县" and row[2] == 356.8 for row in gdp)


def test_every_sql_recipe_is_valid_on_postgres(pg_url):
    for sql in recipes():
        query(pg_url, "explain " + sql)


def test_every_setting_the_code_reads_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    config = (ROOT / "huibao" / "config.py").read_text(encoding="utf-8")
    limits = (ROOT / "huibao" / "text" / "limits.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"(HUIBAO_[A-Z_]+)"', config))
    names |= {f"HUIBAO_{n.upper()}" for n in re.findall(r"^    (\w+): int", limits, re.M)}
    missing = sorted(n for n in names if n not in readme)
    assert not missing, f"settings missing from the README's table: {missing}"
