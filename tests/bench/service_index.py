"""Service-index benchmark (``make bench``): the Decision 766 index of the demo year 2020
(1,191,036 dossiers at scale 1.0) ranked by unit, on each engine.

Three timings on the same database, each in a fresh process, medians over the repeats:

* ours: ``service_index(2020, group_by="unit")`` as the API answers it (the year and the
  year before, the ranking and its change; from the monthly tally);
* rows: the same year's counts by unit from the dossier rows (``count_dossiers``, the
  reference implementation the tests compare the tally with): what reading the rows costs;
* report calendar: ``index_between(15/12/2019, 14/12/2020)`` as the annual report of the
  default Decree 09 calendar asks it (totals and ranking; the whole months from the tally, the
  days at the ends and the last month's undecided dossiers from the rows);
* baseline: one hand-written ``SELECT unit, COUNT(*) ... GROUP BY unit`` over the year's rows,
  the cheapest query that looks at each of its dossiers.

The figures are ratios to the baseline measured in the same run (never asserted); they go to
tests/bench/results.json under "service_index". Knobs: BENCH_DOSSIER_SCALE (1.0),
BENCH_STATS_REPEATS (5), BENCH_PG_DSN, BENCH_ENGINES (sqlite,postgres).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.bench.dossiers import (
    ENGINES,
    PROJECT_ROOT,
    SCALE,
    STATS_REPEATS,
    PostgresSide,
    SQLiteSide,
    cchc,
    postgres_available,
)
from tests.bench.results import record_section

BASELINE_SQL = (
    "SELECT unit, COUNT(*) FROM dossier WHERE received_on >= '2020-01-01' AND received_on <= '2020-12-31' "
    "GROUP BY unit"
)
TIMED = {
    "ours": "await service.service_index(service.parse_period('2020'), group_by='unit')",
    "rows": "await service.count_dossiers(date(2020, 1, 1), date(2020, 12, 31), None, ('unit',))",
    "report_calendar": "await service.index_between(date(2019, 12, 15), date(2020, 12, 14))",
    "baseline": f"await Dossier.raw({BASELINE_SQL!r})",
}


def timed_in_process(url: str, env: dict, statement: str) -> float:
    """``statement`` timed inside a fresh process's event loop, after a warm-up call."""
    code = (
        "import asyncio, time\n"
        "from datetime import date\n"
        "from core.db import engine_from_url, close_engine\n"
        "from piccolo_app import use_engine\n"
        "from models.dossiers.tables import Dossier\n"
        "from models.service_index import service\n"
        "async def main():\n"
        f"    engine = engine_from_url({url!r}); use_engine(engine)\n"
        f"    if {url.startswith('postgres')}:  # a pool, as the API has (api/app.py)\n"
        "        await engine.start_connection_pool(min_size=1, max_size=4)\n"
        "    await service.service_index(service.parse_period('2019-01'))  # connect, load units\n"
        "    started = time.perf_counter()\n"
        f"    {statement}\n"
        "    print(time.perf_counter() - started)\n"
        "    await close_engine(engine)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True, text=True
    )
    return float(done.stdout.split()[-1])


def measure(side, env: dict, csv_path: Path) -> dict:
    template = side.prepare_template(env)
    if not csv_path.exists():
        cchc(
            {**env, "DATABASE_URL": template},
            "demo",
            "dossiers",
            "--year",
            "2020",
            "--scale",
            str(SCALE),
            "--output",
            str(csv_path),
        )
    url = side.fresh("service_index")
    cchc({**env, "DATABASE_URL": url}, "dossiers", "import", str(csv_path))
    runs = {
        name: [timed_in_process(url, env, statement) for _ in range(STATS_REPEATS)]
        for name, statement in TIMED.items()
    }
    side.drop_all()
    median = {name: statistics.median(values) for name, values in runs.items()}
    return {
        "seconds_median": round(median["ours"], 3),
        "rows_seconds_median": round(median["rows"], 3),
        "baseline_seconds_median": round(median["baseline"], 3),
        "ratio_to_baseline": round(median["ours"] / median["baseline"], 3),
        "rows_ratio_to_baseline": round(median["rows"] / median["baseline"], 2),
        "report_calendar_seconds_median": round(median["report_calendar"], 3),
        "report_calendar_ratio_to_baseline": round(median["report_calendar"] / median["baseline"], 3),
        "runs": {name: [round(value, 3) for value in values] for name, values in runs.items()},
    }


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="cchc-bench-service-index-"))
    env = {**os.environ, "DATA_DIR": str(work / "data"), "SECRET_KEY": "bench"}
    csv_path = work / "dossiers-2020.csv"
    report: dict = {
        "scale": SCALE,
        "repeats": STATS_REPEATS,
        "figures": "medians in seconds; ours = service_index(2020, group_by=unit), rows = the same counts "
        "over the dossier rows, report_calendar = index_between(2019-12-15, 2020-12-14), baseline = a plain "
        "GROUP BY unit count of the year's rows",
    }
    try:
        if "sqlite" in ENGINES:
            report["sqlite"] = measure(SQLiteSide(work), env, csv_path)
        if "postgres" in ENGINES:
            why = postgres_available()
            report["postgres"] = {"skipped": why} if why else measure(PostgresSide(), env, csv_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    record_section("service_index", report)
    for engine in ENGINES:
        figures = report.get(engine, {})
        if "seconds_median" in figures:
            print(
                f"{engine}: service index 2020 by unit {figures['seconds_median']} s "
                f"({figures['ratio_to_baseline']}x a plain count of the rows; from the rows "
                f"{figures['rows_ratio_to_baseline']}x); 15/12/2019-14/12/2020 "
                f"{figures['report_calendar_seconds_median']} s ({figures['report_calendar_ratio_to_baseline']}x)"
            )


if __name__ == "__main__":
    main()
