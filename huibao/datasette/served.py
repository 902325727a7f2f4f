"""The one database a huibao site serves."""

from __future__ import annotations

from datasette.utils.asgi import NotFound


def database(datasette):
    """The published huibao database: the one file Datasette serves, as (name, database)."""
    for name, db in datasette.databases.items():
        if name != "_internal" and not db.is_memory:
            return name, db
    raise NotFound("no huibao database is served")
