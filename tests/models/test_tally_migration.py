"""A database holding dossiers from before the tallies existed gets them filled by `cchc
migrate`, after the last migration, with today's code (the migrations that created the tally
keys no longer call it, since it follows today's schema): on both engines, the tallies then
count every stored dossier and `cchc dossiers rebuild-aggregates` finds them in step; a second
`cchc migrate` has nothing to do."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys

import asyncpg
import pytest

from tests.conftest import _TMP, ROOT, migrate, scratch_postgres

BEFORE = "2026-11-30T08:22:05:888024"  # the tally tables exist, their keys and contents do not
SETUP = (
    "INSERT INTO unit (id, code, name, kind, level) VALUES (1, 'U1', 'Sở Tư pháp', 'department', 'province')",
    "INSERT INTO admin_procedure (id, code, name, level, online_level) "
    "VALUES (1, '1.001', 'Cấp phiếu lý lịch tư pháp', 'province', 'full')",
)
DOSSIERS = (  # code, received, due, resolved, outcome, received_on, due_on, closed_on, timeliness
    (
        "HS-1",
        "2020-03-02 01:00:00+00:00",
        "2020-03-05 10:00:00+00:00",
        "2020-03-04 02:00:00+00:00",
        "resolved",
        "2020-03-02",
        "2020-03-05",
        "2020-03-04",
        "early",
    ),
    (
        "HS-2",
        "2020-03-02 02:00:00+00:00",
        "2020-03-03 10:00:00+00:00",
        "2020-03-09 02:00:00+00:00",
        "resolved",
        "2020-03-02",
        "2020-03-03",
        "2020-03-09",
        "late",
    ),
    (
        "HS-3",
        "2020-04-01 02:00:00+00:00",
        "2020-04-10 10:00:00+00:00",
        None,
        "open",
        "2020-04-01",
        "2020-04-10",
        None,
        None,
    ),
)
INSERT = (
    "INSERT INTO dossier (code, procedure, unit, channel, received_at, due_at, resolved_at, outcome, "
    "received_on, due_on, closed_on, timeliness) VALUES ({})"
)
KINDS = ("timestamptz", "timestamptz", "timestamptz", "text", "date", "date", "date", "text")
COUNTS = {  # table: the sum of its "received" over all its rows
    "dossier_tally": 3,
    "dossier_unit_month": 3,
    "dossier_unit_year": 3,
    "dossier_service_tally": 3,
    "dossier_service_procedure_tally": 3,
}


def cchc(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )


def migrate_and_check(url: str, received_sums) -> None:
    done = cchc(url, "migrate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Dossier tallies computed from the dossiers already stored." in done.stdout
    assert received_sums() == COUNTS
    in_step = cchc(url, "dossiers", "rebuild-aggregates")
    assert in_step.returncode == 0, in_step.stdout + in_step.stderr
    again = cchc(url, "migrate")
    assert again.returncode == 0 and "tallies" not in again.stdout, again.stdout


def test_sqlite_tallies_are_filled_after_the_migrations():
    path = _TMP / "tally-migration.sqlite"
    url = f"sqlite:///{path}"
    migrate(url, BEFORE)
    with sqlite3.connect(path) as connection:
        for statement in SETUP:
            connection.execute(statement)
        connection.executemany(INSERT.format(", ".join(["?", "1", "1", "'direct'"] + ["?"] * 8)), DOSSIERS)

    def received_sums() -> dict[str, int]:
        with sqlite3.connect(path) as connection:
            return {t: connection.execute(f"SELECT SUM(received) FROM {t}").fetchone()[0] for t in COUNTS}

    migrate_and_check(url, received_sums)


def test_postgres_tallies_are_filled_after_the_migrations():
    with scratch_postgres(f"cchc_tally_migration_{os.getpid()}") as url:
        migrate(url, BEFORE)

        async def run(work):
            connection = await asyncpg.connect(url)
            try:
                return await work(connection)
            finally:
                await connection.close()

        async def insert(connection):
            for statement in SETUP:
                await connection.execute(statement)
            # each parameter sent as text and cast (asyncpg binds a date or an instant from objects only)
            values = ["$1", "1", "1", "'direct'"] + [f"${n}::text::{kind}" for n, kind in enumerate(KINDS, 2)]
            await connection.executemany(INSERT.format(", ".join(values)), DOSSIERS)

        async def sums(connection):
            return {t: await connection.fetchval(f"SELECT SUM(received) FROM {t}") for t in COUNTS}

        asyncio.run(run(insert))
        migrate_and_check(url, lambda: asyncio.run(run(sums)))


@pytest.mark.parametrize(
    "newly_run, fill",
    [
        (frozenset(), False),
        (frozenset({"2026-11-30T08:22:05:888024", "2026-11-30T16:00:00:000000"}), False),
        (frozenset({"2026-11-30T08:22:06:000000"}), True),
        (frozenset({"2026-11-30T12:30:00:000000"}), True),
        (frozenset({"2026-11-30T13:19:47:000000", "2026-12-01T06:00:00:000000"}), True),
    ],
)
def test_which_migrations_leave_the_tallies_to_fill(newly_run, fill):
    from models.dossiers.aggregates import tallies_to_fill

    assert tallies_to_fill(newly_run) is fill
