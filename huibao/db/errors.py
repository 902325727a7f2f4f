"""What a database error means for a run: the server went away (wait and try again), the
server refused what one file brought (record the file as rejected, go on), or something else
(stop, saying what)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import psycopg
from psycopg import errors

# SQLSTATE classes of a server that cannot be reached or is going away: connection
# exceptions, shutdown and cannot-connect-now, too many connections, and transactions rolled
# back to be tried again (deadlock, serialisation)
_OUTAGE_STATES = ("08", "57P", "53300", "40")

# what the server refuses in the content it was given: bad values, broken constraints,
# statements it cannot run, and its size limits (an index row over 2,704 bytes)
REFUSED: tuple[type[Exception], ...] = (
    psycopg.DataError,
    psycopg.IntegrityError,
    psycopg.ProgrammingError,
    errors.ProgramLimitExceeded,
    errors.StatementTooComplex,
)


def is_outage(exc: BaseException) -> bool:
    """Whether `exc` says the database could not be reached or went away, as opposed to
    refusing a statement (psycopg raises both as OperationalError)."""
    if isinstance(exc, REFUSED) or not isinstance(exc, psycopg.OperationalError):
        return False
    state = exc.sqlstate
    return state is None or state.startswith(_OUTAGE_STATES)


def database_cause(exc: BaseException | None) -> psycopg.Error | None:
    """The psycopg error `exc` was raised from, if any (Prefect and threads wrap them)."""
    while exc is not None:
        if isinstance(exc, psycopg.Error):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def describe(exc: psycopg.Error) -> str:
    """One line for a user: the server's message and its SQLSTATE."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{text} (SQLSTATE {exc.sqlstate})" if exc.sqlstate else text


T = TypeVar("T")
OUTAGE_WAITS = (1, 2, 5, 10, 20, 30, 60)  # seconds between tries while the database is away


def retrying(attempt: Callable[[], T], waits: Sequence[float] = OUTAGE_WAITS) -> T:
    """`attempt()`, tried again after each wait while the database cannot be reached (about
    two minutes in all); other errors are raised at once."""
    for wait in (*waits, None):
        try:
            return attempt()
        except psycopg.OperationalError as exc:
            if wait is None or not is_outage(exc):
                raise
            time.sleep(wait)
    raise AssertionError("unreachable")
