"""The embedded engine's settings: WAL, synchronous NORMAL, busy timeout, foreign keys; URL parsing."""

from __future__ import annotations

import sqlite3
import threading
import time

import anyio
import pytest
from piccolo.engine.postgres import PostgresEngine

from core.db import PooledSQLiteEngine, WalCheckpointer, close_engine, engine_from_url, sqlite_path

pytestmark = pytest.mark.anyio


async def test_sqlite_engine_is_wal_normal_sync_with_busy_timeout_and_foreign_keys(tmp_path):
    engine = engine_from_url(f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert isinstance(engine, PooledSQLiteEngine)
    assert engine.connection_kwargs["timeout"] == 30
    with sqlite3.connect(tmp_path / "x.sqlite") as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = await engine._run_in_new_connection("PRAGMA foreign_keys")
    assert rows == [{"foreign_keys": 1}]
    rows = await engine._run_in_new_connection("PRAGMA synchronous")
    assert rows == [{"synchronous": 1}]  # NORMAL: a commit does not wait for an fsync
    await close_engine(engine)


def test_database_urls():
    assert str(sqlite_path("sqlite:///data/cchc.sqlite")) == "data/cchc.sqlite"
    assert sqlite_path("postgresql://postgres@127.0.0.1/test") is None
    assert isinstance(engine_from_url("postgresql://postgres@127.0.0.1:5432/test"), PostgresEngine)
    with pytest.raises(ValueError):
        engine_from_url("mysql://root@localhost/db")


async def test_sqlite_commits_leave_the_checkpoint_to_a_thread_that_runs_it_a_moment_later(tmp_path):
    """A commit never copies the write-ahead log into the database file (SQLite's automatic
    checkpoint is off on the pooled connections); the engine's checkpointer does, unprompted,
    shortly after, and stops with the engine."""
    path = tmp_path / "x.sqlite"
    engine = engine_from_url(f"sqlite:///{path}")
    try:
        assert await engine._run_in_new_connection("PRAGMA wal_autocheckpoint") == [{"wal_autocheckpoint": 0}]
        await engine._run_in_new_connection("CREATE TABLE filler (data BLOB)")
        before = path.stat().st_size
        await engine._run_in_new_connection(  # some 2,500 pages, past SQLite's 1,000-page trigger
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
            "INSERT INTO filler SELECT randomblob(4000) FROM n"
        )
        assert path.stat().st_size == before
        deadline = time.monotonic() + 30
        while path.stat().st_size < before + 2500 * 4000 and time.monotonic() < deadline:
            await anyio.sleep(0.05)
        assert path.stat().st_size >= before + 2500 * 4000
    finally:
        await close_engine(engine)
    assert not [thread for thread in threading.enumerate() if thread.name == f"wal-checkpoint {path}"]


def test_a_failed_checkpoint_is_logged_and_the_next_write_tries_again(tmp_path, caplog):
    """A checkpoint that fails (here: the file is not a database) is a warning naming the file;
    the thread carries on, checkpoints again after the next write, and stops when asked."""
    path = tmp_path / "not-a-database.sqlite"
    path.write_bytes(b"plain text, not SQLite" * 100)
    checkpointer = WalCheckpointer(str(path))
    try:
        for attempt in (1, 2):
            checkpointer.written()
            deadline = time.monotonic() + 30
            while len(caplog.records) < attempt and time.monotonic() < deadline:
                time.sleep(0.05)
            assert [(record.levelname, record.getMessage()) for record in caplog.records][attempt - 1] == (
                "WARNING",
                f"WAL checkpoint of {path} failed: file is not a database",
            )
    finally:
        checkpointer.stop()
    assert len(caplog.records) == 2
    assert not [thread for thread in threading.enumerate() if thread.name == f"wal-checkpoint {path}"]
