"""Test harness: every database test runs on SQLite and on PostgreSQL.

Each engine gets one fresh database per session, migrated with the real `piccolo migrations
forwards` command; tables are emptied before each test. Outside CI the PostgreSQL half skips
(saying why) when no server answers; with CI=true it must run.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="cchc-tests-"))
# This process's databases and data folder go when it ends (each xdist worker has its own).
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
os.environ["DATA_DIR"] = str(_TMP / "data")
os.environ["SECRET_KEY"] = "test-secret-key"
os.environ["ARGON2_PROFILE"] = "test"  # cheap password hashes: the suite hashes hundreds
os.environ["SCHEDULER_IN_API"] = "false"  # tests start the scheduler themselves when they need one
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'default.sqlite'}"

import asyncpg  # noqa: E402
import pytest  # noqa: E402
from hypothesis import Phase, settings  # noqa: E402
from piccolo.engine.postgres import PostgresEngine  # noqa: E402
from piccolo.engine.sqlite import SQLiteEngine  # noqa: E402

from core.clock import stopped_at  # noqa: E402
from core.db import AppPostgresEngine, close_engine, engine_from_url  # noqa: E402
from models.accounts.throttle import THROTTLE  # noqa: E402
from piccolo_app import TABLES, use_engine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# make mutate (tests/mutation.py) runs the property tests under HYPOTHESIS_PROFILE=mutation: the
# same examples every run and no shrinking, since one failing example kills a mutant and
# shrinking it ran past mutmut's time limit.
settings.register_profile(
    "mutation", derandomize=True, database=None, phases=[Phase.explicit, Phase.generate]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def migrate(url: str, up_to: str | None = None) -> None:
    """Run the migrations on ``url``: all of them, or up to the one whose id is ``up_to``."""
    env = {**os.environ, "DATABASE_URL": url}
    target = ["all"] if up_to is None else ["models", up_to]
    subprocess.run(
        [sys.executable, "-m", "piccolo.main", "migrations", "forwards", *target],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


async def pg_admin(statement: str) -> None:
    """Run one statement on the server's admin database (create/drop test databases)."""
    connection = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{_TMP / name}.sqlite"


@contextmanager
def scratch_postgres(name: str):
    """A new, empty PostgreSQL database ``name``, dropped afterwards; the test skips (saying
    why) when no server answers, or fails with CI=true."""
    try:
        asyncio.run(pg_admin(f"DROP DATABASE IF EXISTS {name}"))
        asyncio.run(pg_admin(f"CREATE DATABASE {name}"))
    except (OSError, asyncpg.PostgresError) as exc:
        if IN_CI:
            pytest.fail(f"CI=true but PostgreSQL at {PG_ADMIN_DSN} is unusable: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: no server answers at {PG_ADMIN_DSN} ({exc})")
    try:
        yield PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request):
    """A migrated, empty database on each engine, for the whole session."""
    if request.param == "sqlite":
        url = _sqlite_url("suite")
        migrate(url)
        yield url
        return
    with scratch_postgres(f"cchc_test_{os.getpid()}") as url:
        migrate(url)
        yield url


async def empty_tables(engine) -> None:
    names = [table._meta.tablename for table in reversed(TABLES)]
    if isinstance(engine, PostgresEngine):
        await engine.run_ddl(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    else:
        # One plain connection, where foreign keys are off, so self-references do not matter.
        with sqlite3.connect(engine.path) as connection:
            for name in names:
                connection.execute(f"DELETE FROM {name}")


@pytest.fixture(autouse=True)
def fresh_login_throttle():
    """Failed sign-ins are counted in the process (models.accounts.throttle): every test starts
    with none, so one test's failures never lock another test's sign-in."""
    THROTTLE.reset()


TODAY = date(2024, 6, 30)  # in the world (tests/world.py): II.1 is due today, VII.1 overdue


@pytest.fixture
def today() -> Iterator[date]:
    """The clock stopped at 10:00 on 30 June 2024 in the province (core.clock), so a test sees
    tasks not yet due, due today and overdue whatever the real date is."""
    with stopped_at(datetime(2024, 6, 30, 3, 0, tzinfo=UTC)):
        yield TODAY


@pytest.fixture
def anyio_backend():
    return "asyncio"


class LoopPooledPostgresEngine(AppPostgresEngine):
    """The app's PostgreSQL engine with one connection pool per event loop.

    A test runs on its own loop, and Litestar's test client runs the app on another (a portal
    thread's); an asyncpg pool belongs to the loop that opened it. With one pool attribute the
    tests did without a pool, and every query opened a new connection, that is a new server
    process: loading the demo took 37 s instead of 4-6 s. Here the test's loop has its pool
    (``opened_database``) and the app opens and closes its own at start-up and shut-down.
    """

    def __init__(self, *args, **kwargs) -> None:
        self._pools: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        super().__init__(*args, **kwargs)

    @staticmethod
    def _loop():
        try:
            return asyncio.get_running_loop()
        except RuntimeError:  # not inside a coroutine (Piccolo's own set-up): no pool
            return None

    @property
    def pool(self):
        loop = self._loop()
        return None if loop is None else self._pools.get(loop)

    @pool.setter
    def pool(self, value) -> None:
        if (loop := self._loop()) is None:
            return
        if value is None:
            self._pools.pop(loop, None)
        else:
            self._pools[loop] = value


@asynccontextmanager
async def opened_database(url: str) -> AsyncIterator:
    """The tables pointed at ``url`` (a PostgreSQL database through a pool on the current
    event loop) until the block ends."""
    if url.startswith("postgresql"):
        engine = LoopPooledPostgresEngine(config={"dsn": url})
        await engine.start_connection_pool(min_size=1, max_size=10)
    else:
        engine = engine_from_url(url)
    use_engine(engine)
    try:
        yield engine
    finally:
        await close_engine(engine)


@pytest.fixture
async def db(database_url):
    """Point every table at this engine's database and start from empty tables."""
    async with opened_database(database_url) as engine:
        await empty_tables(engine)
        yield engine


@pytest.fixture
def engine_name(db) -> str:
    return "sqlite" if isinstance(db, SQLiteEngine) else "postgres"
