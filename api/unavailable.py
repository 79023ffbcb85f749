"""The database out of reach: 503 with a problem body and Retry-After, never a 500.

Nothing needs restarting when it comes back: PostgreSQL's pool replaces broken connections
on the next acquire, and SQLite opens its file again.
"""

from __future__ import annotations

import sqlite3

import asyncpg
from litestar import Request, Response

from api.errors import log, problem, server_error

RETRY_AFTER_S = 5
# Messages of sqlite3.OperationalError that mean "the file is out of reach or busy", not a bug.
SQLITE_UNAVAILABLE = (
    "unable to open database file",
    "database is locked",
    "disk i/o error",
    "readonly database",
)
POSTGRES_UNAVAILABLE = (
    asyncpg.exceptions.PostgresConnectionError,  # the connection failed or was lost
    asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.AdminShutdownError,  # terminated by the administrator
    asyncpg.exceptions.InvalidCatalogNameError,  # the database is gone
    asyncpg.exceptions.ObjectInUseError,
    asyncpg.exceptions.ObjectNotInPrerequisiteStateError,  # not accepting connections (55000)
    asyncpg.exceptions.InterfaceError,  # the connection is closed
    asyncpg.exceptions.InternalClientError,  # a connection cut mid-operation ("cannot switch to state")
)


def unavailable(request: Request, exc: Exception) -> Response:
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    response = problem(
        request, 503, "Service unavailable", "the database is unavailable; try again in a moment"
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def sqlite_operational(request: Request, exc: sqlite3.OperationalError) -> Response:
    if any(text in str(exc).lower() for text in SQLITE_UNAVAILABLE):
        return unavailable(request, exc)
    return server_error(request, exc)


UNAVAILABLE_HANDLERS = {
    ConnectionError: unavailable,  # refused, reset, aborted (OSError subclasses)
    sqlite3.OperationalError: sqlite_operational,
    **dict.fromkeys(POSTGRES_UNAVAILABLE, unavailable),
}
