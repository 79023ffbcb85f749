"""The embedded engine's settings: WAL, synchronous NORMAL, busy timeout, foreign keys; URL parsing."""

from __future__ import annotations

import sqlite3

import pytest
from piccolo.engine.postgres import PostgresEngine

from core.db import PooledSQLiteEngine, close_engine, engine_from_url, sqlite_path

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
