"""Database engines: SQLite (embedded default) or PostgreSQL, chosen by DATABASE_URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

SQLITE_BUSY_TIMEOUT_S = 30


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///path`` URL, or None for other engines."""
    if not url.startswith("sqlite:"):
        return None
    return Path(url.removeprefix("sqlite:///").removeprefix("sqlite://"))


def prepare_sqlite_file(path: Path) -> None:
    """Create the file and switch it to WAL (a persistent, per-file setting)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def engine_from_url(url: str) -> Engine:
    """Build the Piccolo engine for a DATABASE_URL (sqlite:///file or postgresql://...)."""
    if (path := sqlite_path(url)) is not None:
        prepare_sqlite_file(path)
        # Piccolo turns foreign keys on for every connection; `timeout` is the busy timeout.
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
    scheme = urlparse(url).scheme
    if scheme in {"postgres", "postgresql"}:
        return PostgresEngine(config={"dsn": url})
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {scheme!r}")


def write_transaction(engine: Engine):
    """A transaction that takes the write lock up front on SQLite.

    A deferred SQLite transaction that reads and then writes can fail with "database is
    locked" when another writer got in between; IMMEDIATE waits on the busy timeout instead.
    """
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()
