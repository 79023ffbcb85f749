"""Dossier benchmark (``make bench``): a province's year, 1,191,036 dossiers, on each engine.

* import: ``cchc dossiers import`` of the demo file for 2020 (validation, staging, upsert,
  job bookkeeping) beside a baseline in the same run: a plain driver insert of the same rows
  (sqlite3 ``executemany`` / asyncpg ``copy_records_to_table``), the codes looked up but
  nothing validated. Each side runs as its own process on a fresh copy of the same migrated
  demo database; wall time and the peak memory of the process tree (sampled every 50 ms,
  the child that parses included) are recorded.
  On PostgreSQL the baseline is a plain ``COPY`` of the file into a table of its columns with
  a unique code (the import itself stages with COPY too). On SQLite a second baseline does the
  same with ``executemany`` (``ratio_to_plain_table``): the first one writes into ``dossier``
  and so pays for its indexes and columns as the import does, this one only for a unique code.
* statistics: the year's figures grouped by unit through ``models.dossiers.stats`` (summed
  from the tallies) beside one hand-written SQL query computing the same figures over the
  rows; then the statistics of 2024 on a database holding five generated years (2020-2024),
  as a ratio to those of 2020 on the one-year database.
* increment: a day's push from the one-stop system (BENCH_INCREMENT_UPDATES open dossiers
  resolved, BENCH_INCREMENT_NEW new ones) through ``ingest_records`` in calls of 1,000,
  tallies included, beside a plain driver upsert of the same rows (rolled back).

Figures are medians over the repeats; targets are reported, never asserted. Results go to
tests/bench/results.json under "dossiers" (other keys are kept). PostgreSQL is measured when a
server answers at BENCH_PG_DSN (default postgresql://postgres@127.0.0.1:5432/test).

Each timed figure has its CPU time beside it (``cpu_s``: the process tree's user + system time)
and the load average while it ran: on a shared machine the wall time is the CPU time stretched by
the queue for the cores, so both are needed to read a run.

Knobs (environment): BENCH_DOSSIER_SCALE (1.0), BENCH_DOSSIER_REPEATS (3),
BENCH_STATS_REPEATS (5), BENCH_PG_DSN, BENCH_FIVE_YEARS (the engines that build the five-year
database: sqlite,postgres; 1 both, 0 none), BENCH_INCREMENT_UPDATES (2000),
BENCH_INCREMENT_NEW (2000), BENCH_ENGINES (sqlite,postgres).
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import asyncpg

from tests.bench.results import record_section

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCALE = float(os.environ.get("BENCH_DOSSIER_SCALE", "1.0"))
REPEATS = int(os.environ.get("BENCH_DOSSIER_REPEATS", "3"))
STATS_REPEATS = int(os.environ.get("BENCH_STATS_REPEATS", "5"))
PG_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def _five_year_engines(setting: str) -> list[str]:
    """BENCH_FIVE_YEARS: 1 (both engines), 0 (none) or the engines by name."""
    return {"1": ["sqlite", "postgres"], "0": []}.get(setting, setting.split(","))


FIVE_YEARS = _five_year_engines(os.environ.get("BENCH_FIVE_YEARS", "1"))
INCREMENT_UPDATES = int(os.environ.get("BENCH_INCREMENT_UPDATES", "2000"))
INCREMENT_NEW = int(os.environ.get("BENCH_INCREMENT_NEW", "2000"))
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
TARGETS = {
    "import_ratio": 2.0,
    "import_peak_mb": 300,
    "stats_s": 0.05,
    "stats_five_years_ratio": 1.5,
    "increment_s": 1.0,
    "annual_report_s": 1.5,
}
YEARS = (2021, 2022, 2023, 2024)  # with 2020, the five-year database (the demo catalogue starts in 2020)
# The year's figures by unit, written by hand: what dossier_stats computes for 2020.
HAND_SQL = """
SELECT unit,
  COUNT(*) FILTER (WHERE received_on < '2020-01-01') AS carried_over,
  COUNT(*) FILTER (WHERE received_on >= '2020-01-01' AND channel = 'direct') AS received_direct,
  COUNT(*) FILTER (WHERE received_on >= '2020-01-01' AND channel = 'online') AS received_online,
  COUNT(*) FILTER (WHERE received_on >= '2020-01-01' AND channel = 'postal') AS received_postal,
  COUNT(*) FILTER (WHERE closed_on <= '2020-12-31' AND timeliness = 'early') AS early,
  COUNT(*) FILTER (WHERE closed_on <= '2020-12-31' AND timeliness = 'on_time') AS on_time,
  COUNT(*) FILTER (WHERE closed_on <= '2020-12-31' AND timeliness = 'late') AS late,
  COUNT(*) FILTER (WHERE closed_on <= '2020-12-31' AND outcome = 'returned') AS returned,
  COUNT(*) FILTER (WHERE closed_on <= '2020-12-31' AND outcome = 'withdrawn') AS withdrawn,
  COUNT(*) FILTER (WHERE (closed_on IS NULL OR closed_on > '2020-12-31') AND due_on > '2020-12-31') AS open_ok,
  COUNT(*) FILTER (WHERE (closed_on IS NULL OR closed_on > '2020-12-31') AND due_on <= '2020-12-31') AS overdue,
  COUNT(*) FILTER (WHERE ((closed_on <= '2020-12-31' AND timeliness = 'late')
      OR ((closed_on IS NULL OR closed_on > '2020-12-31') AND due_on <= '2020-12-31'))
      AND apology_issued_on <= '2020-12-31') AS apologised,
  COUNT(*) FILTER (WHERE received_on >= '2020-01-01' AND cashless = true) AS cashless
FROM dossier
WHERE received_on <= '2020-12-31' AND (closed_on IS NULL OR closed_on >= '2020-01-01')
GROUP BY unit
"""


# --- processes and their memory --------------------------------------------------------------


def _tree_rss_kb(pid: int) -> int:
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, StopIteration):
            continue
        pending.extend(int(child) for child in children)
    return total


def children_cpu_s() -> float:
    """User + system time of the finished child processes so far (and of their own children)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


def timed(command: list[str], env: dict[str, str]) -> dict:
    """Run a command; its wall and CPU time, the peak resident memory of its process tree and
    the load average when it ended."""
    cpu_before = children_cpu_s()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0].decode(errors="replace")
    elapsed = time.perf_counter() - started
    sampler.join()
    if process.returncode:
        raise RuntimeError(f"{command} failed:\n{output[-2000:]}")
    cpu = children_cpu_s() - cpu_before
    return {
        "seconds": elapsed,
        "cpu_s": round(cpu, 2),
        "peak_mb": round(peak / 1024, 1),
        "load": load_average(),
    }


def cchc(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "cli.main", *args], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True
    )


# --- baselines (run as ``python -m tests.bench.dossiers baseline-<engine> URL FILE``) -----------


def baseline_sqlite(url: str, path: str) -> None:
    """The file's rows inserted as they are (codes looked up, the local dates cut from the
    moments, empty cells as NULL), nothing validated."""
    connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    references = {
        "procedure": dict(connection.execute("SELECT code, id FROM admin_procedure")),
        "unit": dict(connection.execute("SELECT code, id FROM unit")),
    }
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        width = len(header)
        lookups = [references.get(name) for name in header]
        moments = [header.index(name) for name in ("received_at", "due_at", "resolved_at")]
        columns = ", ".join([*header, "received_on", "due_on", "closed_on"])
        rows = (
            (
                *(
                    (lookup[cell] if lookup is not None else cell) if cell else None
                    for cell, lookup in zip(r + [""] * (width - len(r)), lookups, strict=True)
                ),
                *(r[index][:10] or None for index in moments),
            )
            for r in reader
        )
        connection.execute("BEGIN")
        marks = ", ".join("?" * (width + 3))
        connection.executemany(f"INSERT INTO dossier ({columns}) VALUES ({marks})", rows)
        connection.execute("COMMIT")


def baseline_sqlite_plain(url: str, path: str) -> None:
    """The file's rows inserted as they are into a table of its columns with a unique code (what
    the PostgreSQL baseline COPYs into): no other index, no reference looked up."""
    connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        connection.execute(
            f"CREATE TABLE plain_dossier ({', '.join(f'{name} TEXT' for name in header)}, UNIQUE (code))"
        )
        connection.execute("BEGIN")
        connection.executemany(f"INSERT INTO plain_dossier VALUES ({', '.join('?' * len(header))})", reader)
        connection.execute("COMMIT")


async def baseline_postgres(url: str, path: str) -> None:
    """A plain COPY of the file into a table of its columns, the code unique."""
    connection = await asyncpg.connect(url)
    with open(path, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f"{name} text" for name in header)
    async with connection.transaction():
        await connection.execute(f"CREATE TABLE plain_dossier ({columns}, UNIQUE (code))")
        await connection.copy_to_table("plain_dossier", source=path, format="csv", header=True)
    await connection.close()


# --- the daily increment (``python -m tests.bench.dossiers increment URL``) -----------------------

INCREMENT_DAY = "2021-01-04"


async def _increment_records() -> list[dict]:
    """Open dossiers resolved on INCREMENT_DAY, and new ones received that day."""
    from models.dossiers.tables import Dossier

    open_rows = (
        await Dossier.select(
            Dossier.code,
            Dossier.procedure.code.as_alias("procedure"),
            Dossier.unit.code.as_alias("unit"),
            Dossier.channel,
            Dossier.received_at,
            Dossier.due_at,
        )
        .where(Dossier.outcome == "open")
        .limit(INCREMENT_UPDATES)
    )
    resolved = [
        {
            **row,
            "received_at": row["received_at"].isoformat(),
            "due_at": row["due_at"].isoformat(),
            "resolved_at": f"{INCREMENT_DAY}T10:00:00+07:00",
            "outcome": "resolved",
        }
        for row in open_rows
    ]
    new = [
        {
            **open_rows[n % len(open_rows)],
            "code": f"INC-{n:06d}",
            "received_at": f"{INCREMENT_DAY}T08:00:00+07:00",
            "due_at": "2021-01-15T17:00:00+07:00",
            "outcome": "open",
        }
        for n in range(INCREMENT_NEW)
    ]
    return resolved + new


async def _plain_upsert(url: str, records: list[dict]) -> float:
    """The same rows written by the driver alone (an upsert by code), then rolled back."""
    from models.dossiers.records import STORED_COLUMNS, RowParser, cells_from_record, load_references

    postgres = url.startswith("postgres")
    parser = RowParser(await load_references(), as_text=not postgres)
    rows = [parser.parse(n, cells_from_record(record))[0] for n, record in enumerate(records, start=1)]
    names = list(STORED_COLUMNS)
    columns = ", ".join(f'"{name}"' for name in names)
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in names[1:])
    started = time.perf_counter()
    if postgres:
        connection = await asyncpg.connect(url)
        marks = ", ".join(f"${n}" for n in range(1, len(names) + 1))
        transaction = connection.transaction()
        await transaction.start()
        await connection.executemany(
            f"INSERT INTO dossier ({columns}) VALUES ({marks}) ON CONFLICT (code) DO UPDATE SET {updates}",
            rows,
        )
        elapsed = time.perf_counter() - started
        await transaction.rollback()
        await connection.close()
        return elapsed
    connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    connection.execute("BEGIN")
    connection.executemany(
        f"INSERT INTO dossier ({columns}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT (code) DO UPDATE SET {updates}",
        rows,
    )
    elapsed = time.perf_counter() - started
    connection.execute("ROLLBACK")
    connection.close()
    return elapsed


async def increment(url: str) -> dict:
    from core.db import close_engine, engine_from_url
    from models.accounts.service import operator
    from models.dossiers.ingest import MAX_INGEST_RECORDS, ingest_records
    from models.dossiers.tallies import rebuild_tallies
    from piccolo_app import use_engine

    engine = engine_from_url(url)
    use_engine(engine)
    try:
        records = await _increment_records()
        baseline = await _plain_upsert(url, records)
        actor = await operator()
        started, cpu_started = time.perf_counter(), time.process_time()
        for first in range(0, len(records), MAX_INGEST_RECORDS):
            await ingest_records(actor, records[first : first + MAX_INGEST_RECORDS])
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        differences = await rebuild_tallies()
    finally:
        await close_engine(engine)
    return {
        "records": len(records),
        "updates": INCREMENT_UPDATES and len(records) - INCREMENT_NEW,
        "seconds": round(elapsed, 3),
        "cpu_s": round(cpu, 3),  # this process: its SQLite threads included, the server's work not
        "load": round(os.getloadavg()[0], 1),
        "plain_upsert_seconds": round(baseline, 3),
        "ratio_to_plain_upsert": round(elapsed / baseline, 2),
        "tallies_in_step": not any(differences.values()),
    }


# --- databases ----------------------------------------------------------------------------------


class SQLiteSide:
    name = "sqlite"
    # A second baseline: a table of the file's columns with only a unique code, as PostgreSQL's.
    plain_baseline = "baseline-sqlite-plain"

    def __init__(self, work: Path) -> None:
        self.work = work
        self.template = work / "template.sqlite"

    def url(self, name: str) -> str:
        return f"sqlite:///{self.work / name}.sqlite"

    def prepare_template(self, env: dict) -> str:
        url = f"sqlite:///{self.template}"
        cchc({**env, "DATABASE_URL": url}, "migrate")
        cchc({**env, "DATABASE_URL": url}, "demo")
        with sqlite3.connect(self.template) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return url

    def fresh(self, name: str) -> str:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.work / name}.sqlite{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, self.work / f"{name}.sqlite")
        return self.url(name)

    def hand_query(self, url: str) -> float:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            started = time.perf_counter()
            connection.execute(HAND_SQL).fetchall()
            return time.perf_counter() - started

    def drop_all(self) -> None:
        pass


class PostgresSide:
    name = "postgres"
    plain_baseline = None  # its baseline is the plain table already

    def __init__(self) -> None:
        self.prefix = f"bench_dossiers_{os.getpid()}"
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return PG_DSN.rsplit("/", 1)[0] + f"/{self.prefix}_{name}"

    def _admin(self, statement: str) -> None:
        async def run():
            connection = await asyncpg.connect(PG_DSN)
            try:
                await connection.execute(statement)
            finally:
                await connection.close()

        asyncio.run(run())

    def prepare_template(self, env: dict) -> str:
        self._admin(f"DROP DATABASE IF EXISTS {self.prefix}_template")
        self._admin(f"CREATE DATABASE {self.prefix}_template")
        self.created.append(f"{self.prefix}_template")
        url = self.url("template")
        cchc({**env, "DATABASE_URL": url}, "migrate")
        cchc({**env, "DATABASE_URL": url}, "demo")
        return url

    def fresh(self, name: str) -> str:
        self._admin(f"DROP DATABASE IF EXISTS {self.prefix}_{name} WITH (FORCE)")
        self._admin(f"CREATE DATABASE {self.prefix}_{name} TEMPLATE {self.prefix}_template")
        self.created.append(f"{self.prefix}_{name}")
        self._admin_on(name, "VACUUM ANALYZE")  # fresh statistics, like a database in service
        return self.url(name)

    def _admin_on(self, name: str, statement: str) -> None:
        async def run():
            connection = await asyncpg.connect(self.url(name))
            try:
                await connection.execute(statement)
            finally:
                await connection.close()

        asyncio.run(run())

    def hand_query(self, url: str) -> float:
        async def run():
            connection = await asyncpg.connect(url)
            try:
                started = time.perf_counter()
                await connection.fetch(HAND_SQL)
                return time.perf_counter() - started
            finally:
                await connection.close()

        return asyncio.run(run())

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def ours_stats(url: str, env: dict, year: int = 2020) -> float:
    """dossier_stats for ``year`` grouped by unit, timed inside a fresh process's event loop."""
    code = (
        "import asyncio, time\n"
        "from datetime import date\n"
        "from core.db import engine_from_url, close_engine\n"
        "from piccolo_app import use_engine\n"
        "from models.dossiers.stats import dossier_stats\n"
        "async def main():\n"
        f"    engine = engine_from_url({url!r}); use_engine(engine)\n"
        f"    if {url.startswith('postgres')}:  # a pool, as the API has (api/app.py)\n"
        "        await engine.start_connection_pool(min_size=1, max_size=4)\n"
        "    await dossier_stats(date(2020, 1, 1), date(2020, 1, 31))  # connect, load units\n"
        "    started = time.perf_counter()\n"
        f"    stats = await dossier_stats(date({year}, 1, 1), date({year}, 12, 31), group_by=('unit',))\n"
        "    print(time.perf_counter() - started, stats.total.received)\n"
        "    await close_engine(engine)\n"
        "asyncio.run(main())\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return float(output[0])


def measure_side(side, env: dict, csv_path: Path) -> dict:
    template_url = side.prepare_template(env)
    if not csv_path.exists():
        generated = timed(
            [
                sys.executable,
                "-m",
                "cli.main",
                "demo",
                "dossiers",
                "--year",
                "2020",
                "--scale",
                str(SCALE),
                "--output",
                str(csv_path),
            ],
            {**env, "DATABASE_URL": template_url},
        )
        print(f"generated {csv_path.name} in {generated['seconds']:.1f} s")
        full_width(csv_path)
    rows = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1
    baselines, plains, imports = [], [], []
    for repeat in range(REPEATS):
        url = side.fresh("baseline")
        baselines.append(
            timed(
                [sys.executable, "-m", "tests.bench.dossiers", f"baseline-{side.name}", url, str(csv_path)],
                env,
            )
        )
        if side.plain_baseline:
            url = side.fresh("plain")
            plains.append(
                timed(
                    [sys.executable, "-m", "tests.bench.dossiers", side.plain_baseline, url, str(csv_path)],
                    env,
                )
            )
        url = side.fresh("ours")
        imports.append(
            timed(
                [sys.executable, "-m", "cli.main", "dossiers", "import", str(csv_path)],
                {**env, "DATABASE_URL": url},
            )
        )
        print(
            f"{side.name} repeat {repeat + 1}: baseline {baselines[-1]['seconds']:.1f} s, import {imports[-1]['seconds']:.1f} s"
        )
    ours_s = [ours_stats(url, env) for _ in range(STATS_REPEATS)]
    hand_s = [side.hand_query(url) for _ in range(STATS_REPEATS)]
    report = _json_of([sys.executable, "-m", "tests.bench.report", url], env)
    increment_figures = _json_of([sys.executable, "-m", "tests.bench.dossiers", "increment", url], env)
    five = five_years(side, env, csv_path, template_url) if side.name in FIVE_YEARS else None
    side.drop_all()
    base_s = statistics.median(b["seconds"] for b in baselines)
    import_s = statistics.median(i["seconds"] for i in imports)
    return {
        "rows": rows,
        "import": {
            "seconds_median": round(import_s, 2),
            "cpu_s_median": statistics.median(i["cpu_s"] for i in imports),
            "rows_per_s": round(rows / import_s),
            "peak_mb_median": statistics.median(i["peak_mb"] for i in imports),
            "baseline_seconds_median": round(base_s, 2),
            "baseline_cpu_s_median": statistics.median(b["cpu_s"] for b in baselines),
            "baseline_rows_per_s": round(rows / base_s),
            "baseline_peak_mb_median": statistics.median(b["peak_mb"] for b in baselines),
            "ratio_to_baseline": round(import_s / base_s, 2),
            **(plain_table_figures(plains, import_s) if plains else {}),
            "runs": {"import": imports, "baseline": baselines, **({"plain_table": plains} if plains else {})},
        },
        "annual_report": report,
        "stats_by_unit": {
            "seconds_median": round(statistics.median(ours_s), 3),
            "hand_sql_seconds_median": round(statistics.median(hand_s), 3),
            "ratio_to_hand_sql": round(statistics.median(ours_s) / statistics.median(hand_s), 2),
            "runs": {"ours": [round(s, 3) for s in ours_s], "hand_sql": [round(s, 3) for s in hand_s]},
            **(five_years_figures(five, ours_s) if five else {}),
        },
        "increment": increment_figures,
    }


def plain_table_figures(plains: list[dict], import_s: float) -> dict:
    plain_s = statistics.median(p["seconds"] for p in plains)
    return {
        "plain_table_seconds_median": round(plain_s, 2),
        "plain_table_cpu_s_median": statistics.median(p["cpu_s"] for p in plains),
        "ratio_to_plain_table": round(import_s / plain_s, 2),
    }


def full_width(path: Path) -> None:
    """Give every row as many cells as the header (the generator leaves out empty optional
    cells at a row's end, which the import accepts and PostgreSQL's COPY does not), before
    either side reads the file."""
    padded = path.with_suffix(".full.csv")
    with (
        path.open(encoding="utf-8", newline="") as source,
        padded.open("w", encoding="utf-8", newline="") as out,
    ):
        reader, writer = csv.reader(source), csv.writer(out, lineterminator="\n")
        header = next(reader)
        writer.writerow(header)
        writer.writerows(row + [""] * (len(header) - len(row)) for row in reader)
    padded.replace(path)


def _json_of(command: list[str], env: dict) -> dict:
    output = subprocess.run(command, env=env, cwd=PROJECT_ROOT, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def five_years(side, env: dict, csv_path: Path, template_url: str) -> dict:
    """The statistics of the last year on a database holding five (the later years generated
    like 2020): how they grow with the history."""
    paths = []
    for year in YEARS:
        path = csv_path.with_name(f"dossiers-{year}.csv")
        if not path.exists():
            cchc(
                {**env, "DATABASE_URL": template_url},
                *("demo", "dossiers", "--year", str(year), "--scale", str(SCALE), "--output", str(path)),
            )
            full_width(path)
        paths.append(path)
    url = side.fresh("five")
    rows = 0
    for path in (csv_path, *paths):
        cchc({**env, "DATABASE_URL": url}, "dossiers", "import", str(path))
        rows += sum(1 for _ in path.open(encoding="utf-8")) - 1
    return {"rows": rows, "seconds": [ours_stats(url, env, YEARS[-1]) for _ in range(STATS_REPEATS)]}


def five_years_figures(five: dict, one_year_s: list[float]) -> dict:
    median = statistics.median(five["seconds"])
    return {
        "five_years_rows": five["rows"],
        "five_years_seconds_median": round(median, 3),
        "five_years_ratio_to_one_year": round(median / statistics.median(one_year_s), 2),
        "five_years_runs": [round(s, 3) for s in five["seconds"]],
    }


def postgres_available() -> str | None:
    async def probe():
        connection = await asyncpg.connect(PG_DSN, timeout=5)
        await connection.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError) as exc:
        return str(exc)
    return None


def measure_postgres(env: dict, csv_path: Path) -> dict:
    if (reason := postgres_available()) is not None:
        return {"skipped": f"no PostgreSQL server answers at {PG_DSN}: {reason}"}
    return measure_side(PostgresSide(), env, csv_path)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="cchc-bench-dossiers-"))
    env = {**os.environ, "DATA_DIR": str(work / "data"), "SECRET_KEY": "bench"}
    csv_path = work / "dossiers-2020.csv"
    report: dict = {
        "scale": SCALE,
        "repeats": REPEATS,
        "stats_repeats": STATS_REPEATS,
        "targets": TARGETS,
        "figures": "medians; import = `cchc dossiers import` as a process, memory = its process tree",
    }
    try:
        if "sqlite" in ENGINES:
            report["sqlite"] = measure_side(SQLiteSide(work), env, csv_path)
        if "postgres" in ENGINES:
            report["postgres"] = measure_postgres(env, csv_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    record_section("dossiers", report)
    for engine in ENGINES:
        side = report.get(engine, {})
        if "import" in side:
            i, s, r, n = side["import"], side["stats_by_unit"], side["annual_report"], side["increment"]
            print(
                f"{engine}: import {i['rows_per_s']:,} rows/s ({i['ratio_to_baseline']}x baseline, "
                f"{i.get('ratio_to_plain_table', i['ratio_to_baseline'])}x a plain table with a unique code, "
                f"peak {i['peak_mb_median']} MB); stats by unit {s['seconds_median']} s "
                f"({s['ratio_to_hand_sql']}x hand SQL; five years {s.get('five_years_ratio_to_one_year')}x); "
                f"annual report {r['whole_report_s']} s, CPU {r['whole_report_cpu_s']} s "
                f"(collect {r['collect_ratio_to_hand_sql']}x hand SQL); increment of {n['records']} in "
                f"{n['seconds']} s, CPU {n['cpu_s']} s ({n['ratio_to_plain_upsert']}x plain upsert)"
            )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "baseline-sqlite":
        baseline_sqlite(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "baseline-sqlite-plain":
        baseline_sqlite_plain(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "baseline-postgres":
        asyncio.run(baseline_postgres(sys.argv[2], sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "increment":
        print(json.dumps(asyncio.run(increment(sys.argv[2]))))
    else:
        main()
