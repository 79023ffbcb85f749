"""The annual report benchmark, run by tests/bench/dossiers.py on its imported year.

``python -m tests.bench.report DATABASE_URL`` adds a 2020 plan of 500 tasks (through the
domain functions, with their history), then times, in one process: ``collect_report`` for the
year 2020, ``render_report`` of what it collected (the whole report end to end, its wall and CPU
time), and the hand-written SQL of the same figures (the dossier counts by unit and level, the
resolutions by day, the tasks as of the cut-off). Prints one JSON object; medians of REPEATS.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime

from core.db import close_engine, engine_from_url
from core.settings import get_settings
from models.accounts.service import operator
from models.plans.plans import PlanData, create_plan_unchecked
from models.plans.tables import Plan, Task
from models.plans.tasks import TaskDefinition, create_task_unchecked
from models.units.service import existed_during
from models.units.tables import Unit
from models.vocabulary import Area
from piccolo_app import use_engine
from reports.collect import collect_report
from reports.document import compose
from reports.periods import Calendar, PeriodKind, period_for
from reports.render import render_report

REPEATS = 3
TASKS = 500
HAND_QUERIES = (
    """SELECT d.unit, p.level,
      COUNT(*) FILTER (WHERE d.received_on < '2020-01-01'),
      COUNT(*) FILTER (WHERE d.received_on >= '2020-01-01' AND d.channel = 'direct'),
      COUNT(*) FILTER (WHERE d.received_on >= '2020-01-01' AND d.channel = 'online'),
      COUNT(*) FILTER (WHERE d.received_on >= '2020-01-01' AND d.channel = 'postal'),
      COUNT(*) FILTER (WHERE d.closed_on <= '2020-12-31' AND d.timeliness = 'early'),
      COUNT(*) FILTER (WHERE d.closed_on <= '2020-12-31' AND d.timeliness = 'on_time'),
      COUNT(*) FILTER (WHERE d.closed_on <= '2020-12-31' AND d.timeliness = 'late'),
      COUNT(*) FILTER (WHERE d.closed_on <= '2020-12-31' AND d.outcome IN ('returned', 'withdrawn')),
      COUNT(*) FILTER (WHERE (d.closed_on IS NULL OR d.closed_on > '2020-12-31') AND d.due_on > '2020-12-31'),
      COUNT(*) FILTER (WHERE (d.closed_on IS NULL OR d.closed_on > '2020-12-31') AND d.due_on <= '2020-12-31'),
      COUNT(*) FILTER (WHERE d.apology_issued_on <= '2020-12-31' AND (d.timeliness = 'late' OR d.closed_on IS NULL))
    FROM dossier d JOIN admin_procedure p ON p.id = d.procedure
    WHERE d.received_on <= '2020-12-31' AND (d.closed_on IS NULL OR d.closed_on >= '2020-01-01')
    GROUP BY d.unit, p.level""",
    """SELECT closed_on, COUNT(*) FILTER (WHERE timeliness = 'early'), COUNT(*) FILTER (WHERE timeliness = 'on_time'),
      COUNT(*) FILTER (WHERE timeliness = 'late') FROM dossier
    WHERE closed_on >= '2020-01-01' AND closed_on <= '2020-12-31' AND timeliness IS NOT NULL GROUP BY closed_on""",
    """SELECT received_on FROM dossier WHERE received_on <= '2019-12-31' AND (closed_on IS NULL OR closed_on >= '2019-01-01') LIMIT 1""",
    """SELECT e.code, e.title, e.status, u.name FROM task_event e
    JOIN (SELECT task, MAX(version) AS version FROM task_event WHERE changed_at < '2021-01-01' GROUP BY task) latest
      ON e.task = latest.task AND e.version = latest.version JOIN unit u ON u.id = e.lead_unit""",
)

YEAR_START, YEAR_END = date(2020, 1, 1), date(2020, 12, 31)


async def seed_plan() -> None:
    if await Plan.exists().where(Plan.year == 2020):
        return
    plan = await create_plan_unchecked(
        PlanData(2020, "Kế hoạch cải cách hành chính năm 2020", "1/KH-UBND", status="active")
    )
    rows = await Unit.select(Unit.id, Unit.valid_from, Unit.valid_to).where(Unit.level == "province")
    # the departments of 2020 (the plan's year): not those set up by the 2025 mergers
    units = [
        row["id"] for row in rows if existed_during(row["valid_from"], row["valid_to"], YEAR_START, YEAR_END)
    ]
    actor = await operator()
    areas = list(Area)
    for number in range(TASKS):
        definition = TaskDefinition(
            f"T.{number + 1:03d}",
            areas[number % len(areas)].value,
            f"Nhiệm vụ cải cách hành chính số {number + 1}",
            units[number % len(units)],
            deadline=date(2020, 1 + number % 12, 28),
        )
        await create_task_unchecked(plan["id"], definition, actor=actor, now=datetime(2020, 1, 5, tzinfo=UTC))


async def hand_sql() -> float:
    started = time.perf_counter()
    for query in HAND_QUERIES:
        await Task.raw(query)
    return time.perf_counter() - started


async def main(url: str) -> dict:
    engine = engine_from_url(url)
    use_engine(engine)
    try:
        await seed_plan()
        settings = get_settings().report
        period = period_for(PeriodKind.ANNUAL, 2020, Calendar.CALENDAR)
        collect_s, render_s, hand_s, cpu_s, whole_s = [], [], [], [], []
        for _ in range(REPEATS):
            started, cpu_started = time.perf_counter(), time.process_time()
            data = await collect_report(period, settings)
            collected = time.perf_counter()
            document = render_report(data, compose(data), None)
            finished = time.perf_counter()
            collect_s.append(collected - started)
            render_s.append(finished - collected)
            whole_s.append(finished - started)
            cpu_s.append(time.process_time() - cpu_started)
            hand_s.append(await hand_sql())
        collect, render, hand = (statistics.median(x) for x in (collect_s, render_s, hand_s))
        return {
            "tasks": data.plan.total,
            "received": data.dossiers.current.received,
            "document_bytes": len(document),
            "collect_s": round(collect, 3),
            "render_s": round(render, 3),
            "whole_report_s": round(statistics.median(whole_s), 3),
            "whole_report_runs": [round(s, 3) for s in whole_s],
            # this process (SQLite's threads included, PostgreSQL's server not): wall / CPU is the load
            "whole_report_cpu_s": round(statistics.median(cpu_s), 3),
            "load": round(os.getloadavg()[0], 1),
            "hand_sql_s": round(hand, 3),
            "collect_ratio_to_hand_sql": round(collect / hand, 2),
        }
    finally:
        await close_engine(engine)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
