"""The taxonomies of the rule files, written to their tables before a run loads."""

from __future__ import annotations

import psycopg


def sync(conn: psycopg.Connection) -> None:
    """Write the topic and indicator taxonomies of the rule files to their tables."""
    from huibao.text.indicators import indicator_labels
    from huibao.text.topics import taxonomy

    with conn.transaction():
        for t in taxonomy():
            conn.execute(
                "insert into topics (key, zh, en) values (%s, %s, %s) on conflict (key) do "
                "update set zh = excluded.zh, en = excluded.en",
                (t.key, t.zh, t.en),
            )
        for key, zh in indicator_labels().items():
            conn.execute(
                "insert into indicator_types (key, zh) values (%s, %s) on conflict (key) do "
                "update set zh = excluded.zh",
                (key, zh),
            )
