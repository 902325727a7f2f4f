"""Foreign-key checks a loader may skip for the rows it writes."""

from __future__ import annotations

import weakref

import psycopg

_TRUSTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def skip_reference_checks(conn: psycopg.Connection) -> None:
    """Skip the foreign-key checks of the rows this transaction writes next, as pg_restore
    --disable-triggers does, for a caller that knows every row they reference stays (a loader:
    rows it has just written in the same transaction, or taxonomy keys synced before any
    load); the checks, a query per row and reference, only cost time (a third of Postgres's
    share of loading). Cascading deletes are triggers too: none may follow in the same
    transaction. Needs a superuser or the SET privilege on session_replication_role; without
    it the checks run as usual."""
    allowed = _TRUSTED.get(conn)
    if allowed is None:
        granted = (
            "has_parameter_privilege('session_replication_role', 'SET')"
            if conn.info.server_version >= 150000  # grantable settings came in Postgres 15
            else "false"
        )
        allowed = conn.execute(
            f"select rolsuper or {granted} from pg_roles where rolname = current_user"
        ).fetchone()[0]
        _TRUSTED[conn] = allowed
    if allowed:
        conn.execute("set local session_replication_role = replica")
