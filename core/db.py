"""Database engines: SQLite (embedded default) or PostgreSQL, chosen by DATABASE_URL."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import weakref
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path
from urllib.parse import urlparse

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from core.errors import StaleVersion

SQLITE_BUSY_TIMEOUT_S = 30
# aiosqlite logs every statement with its parameters (password hashes, token digests) at
# DEBUG: it never does here, whatever level the root logger is at.
logging.getLogger("aiosqlite").setLevel(logging.INFO)
IDLE_CONNECTIONS = 8
CHECKPOINT_DELAY_S = 1.0
log = logging.getLogger(__name__)


class AppPostgresEngine(PostgresEngine):
    """Piccolo's PostgreSQL engine, able to carry the app's per-engine caches."""


class PooledSQLiteTransaction(SQLiteTransaction):
    """Piccolo's transaction, on a pooled connection that goes back to the pool afterwards."""

    async def get_connection(self):
        return await self.engine.acquire()

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception and not self._rolled_back:
                await self.rollback()
            elif not exception and not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            await self.engine.release(self.connection)
            self.engine.current_transaction.reset(self.context)
        return exception is None


class WalCheckpointer:
    """Copies the write-ahead log back into the database file on a thread of its own, a moment
    (CHECKPOINT_DELAY_S) after the first write since the last copy.

    Left to itself, SQLite does this inside the commit that takes the log past 1,000 pages, so
    one request in many paid for everybody's pages: a fifth of a day's push from the one-stop
    system, and the slowest task updates. A PASSIVE checkpoint neither waits for nor blocks
    readers and writers. Nothing is left behind when a process stops without it: closing the
    last connection to a file checkpoints that file."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._due = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def written(self) -> None:
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(
                target=self._run, name=f"wal-checkpoint {self._path}", daemon=True
            )
            self._thread.start()
        self._due.set()

    def stop(self) -> None:
        """Finish the checkpoint under way, if any, and end the thread."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping.set()
            self._due.set()
            thread.join()

    def _run(self) -> None:
        connection = sqlite3.connect(self._path, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None)
        try:
            while self._due.wait() and not self._stopping.wait(CHECKPOINT_DELAY_S):
                self._due.clear()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as exc:  # the next write tries again
                    log.warning("WAL checkpoint of %s failed: %s", self._path, exc)
        finally:
            connection.close()


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine opens a connection (and a thread) for every query and runs a
    PRAGMA before each; this one keeps a few configured connections open and reuses them, and
    leaves checkpoints to a WalCheckpointer."""

    def __init__(self, path: str, **connection_kwargs) -> None:
        super().__init__(path=path, **connection_kwargs)
        self._idle: list[aiosqlite.Connection] = []
        self._changes_seen: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._checkpointer = WalCheckpointer(path)
        self._write_locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def write_lock(self) -> asyncio.Lock:
        """This process's queue of writers (an asyncio lock belongs to one event loop)."""
        return self._write_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())

    async def acquire(self) -> aiosqlite.Connection:
        if self._idle:
            return self._idle.pop()
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory
        await connection.execute("PRAGMA foreign_keys = ON")
        # WAL's recommended level: a commit no longer waits for an fsync (checkpoints still do).
        # A killed process loses nothing committed; a power cut may lose the last commits, never
        # the file's integrity. Each push from the one-stop system waited ~0.1 s for its fsync.
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute("PRAGMA wal_autocheckpoint = 0")
        return connection

    async def release(self, connection: aiosqlite.Connection) -> None:
        if connection.total_changes != self._changes_seen.get(connection, 0):  # it wrote
            self._changes_seen[connection] = connection.total_changes
            self._checkpointer.written()
        if connection.in_transaction:  # a failed COMMIT/ROLLBACK: never reuse that state
            await connection.close()
        elif len(self._idle) < IDLE_CONNECTIONS:
            self._idle.append(connection)
        else:
            await connection.close()

    async def close_connections(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()
        await asyncio.to_thread(self._checkpointer.stop)

    async def get_connection(self):
        return await self.acquire()

    def transaction(self, transaction_type=TransactionType.deferred, allow_nested=True):
        return PooledSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def _execute(self, connection, query, args, query_type, table):
        async with connection.execute(query, args or []) as cursor:
            rows = await cursor.fetchall()
            if query_type == "insert" and self.get_version_sync() < 3.35:
                return [{table._meta.primary_key._meta.db_column_name: cursor.lastrowid}]
            return rows

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        connection = await self.acquire()
        try:
            return await self._execute(connection, query, args, query_type, table)
        finally:
            await self.release(connection)

    async def _run_in_existing_connection(
        self, connection, query, args=None, query_type="generic", table=None
    ):
        return await self._execute(connection, query, args, query_type, table)


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


def engine_from_url(url: str, *, pooled: bool = True) -> Engine:
    """Build the Piccolo engine for a DATABASE_URL (sqlite:///file or postgresql://...).

    ``pooled=False`` gives Piccolo's own SQLite engine, which holds nothing open: piccolo_conf
    uses it so that Piccolo's commands (migrations) exit when done. The app and the CLI bind
    the pooled engine to the tables (piccolo_app.use_engine) and close it when they stop.
    """
    if (path := sqlite_path(url)) is not None:
        prepare_sqlite_file(path)
        # Foreign keys are turned on for every connection; `timeout` is the busy timeout.
        engine_class = PooledSQLiteEngine if pooled else SQLiteEngine
        return engine_class(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
    scheme = urlparse(url).scheme
    if scheme in {"postgres", "postgresql"}:
        return AppPostgresEngine(config={"dsn": url})
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {scheme!r}")


def write_lock_for(engine: Engine):
    """This process's writer queue for ``engine`` (nothing to queue on for PostgreSQL)."""
    return engine.write_lock() if isinstance(engine, PooledSQLiteEngine) else nullcontext()


@asynccontextmanager
async def write_transaction(engine: Engine):
    """A transaction for a read-then-write; joins the caller's transaction if one is open.

    On SQLite it takes the write lock up front (BEGIN IMMEDIATE): a deferred transaction that
    reads and then writes fails with "database is locked" when another writer got in between.
    Writers in this process also queue on an asyncio lock first, because SQLite's busy handler
    polls with growing sleeps and lets late arrivals overtake early ones (seconds of p99).
    """
    if engine.current_transaction.get() is not None or not isinstance(engine, SQLiteEngine):
        async with engine.transaction() as transaction:
            yield transaction
        return
    async with (
        write_lock_for(engine),
        engine.transaction(transaction_type=TransactionType.immediate) as transaction,
    ):
        yield transaction


async def start_pool(engine: Engine, max_size: int = 10) -> None:
    """On PostgreSQL, a pool of connections on the running event loop: without one, Piccolo
    opens a connection (a new server process) for every query, and loading the demo took 37 s
    instead of 4-6 s. Nothing on SQLite, whose pooled engine keeps its own connections."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=min(2, max_size), max_size=max_size)


async def close_engine(engine: Engine) -> None:
    """Close what an engine holds open (pooled SQLite connections keep a thread each, which
    would keep a finished process alive)."""
    if isinstance(engine, PooledSQLiteEngine):
        await engine.close_connections()
    elif isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()


async def one_writer_at_a_time(table: type, key: str) -> None:
    """Inside a ``write_transaction``: wait until no other transaction holds ``key``, and hold
    it to the end of this one. SQLite's write transactions already run one at a time; on
    PostgreSQL concurrent read-then-writes of one record (the next report version, a draft's
    first save, a task update) otherwise collide on a unique index or a version check and
    were answered 409 where SQLite gave 202, 412 or applied them all."""
    if isinstance(table._meta.db, PostgresEngine):
        await table.raw("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", key)


async def update_versioned(
    table: type,
    row_id: int,
    values: dict,
    current_version: int,
    expected_version: int | None,
    stale_message: str,
) -> None:
    """Write ``values`` to row ``row_id`` of ``table`` and bump its ``version``, only if it is
    still ``current_version`` (the version the caller's checks read). A caller naming another
    version (``expected_version``: a form's hidden field or an If-Match) edited an older state
    and gets StaleVersion with ``stale_message``; so does anyone whose write lost a race, the
    row having changed after it was read. None: the caller named no version (an API client
    without If-Match), and is still never applied over a change it did not read."""
    if expected_version is not None and expected_version != current_version:
        raise StaleVersion(current_version, stale_message)
    updated = (
        await table.update({**values, table.version: current_version + 1})
        .where((table.id == row_id) & (table.version == current_version))
        .returning(table.id)
    )
    if not updated:
        raise StaleVersion(current_version + 1, stale_message)
