"""The demo's current year: a plan issued in January with tasks in every state relative to
today, and the units after the 2025 reorganisation, each change with its public source."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.clock import local_date, utcnow
from core.paging import PageRequest
from demo.current_year import PLAN_NUMBER, load_current_plan
from demo.loader import (
    DEPARTMENT_MERGERS,
    REORGANISATION_SOURCES,
    _accounts,
    _principal,
    _units,
    load_demo,
)
from models.plans.progress import plan_summary
from models.plans.tables import Plan, TaskEvent
from models.plans.tasks import TaskFilter, list_tasks
from models.units.tables import Unit

pytestmark = pytest.mark.anyio


async def _tasks(plan_id: int, today: date) -> dict[str, dict]:
    rows, _ = await list_tasks(plan_id, TaskFilter(today=today), PageRequest(500))
    return {row["code"]: row for row in rows}


async def test_the_current_plan_has_every_state_relative_to_today(db):
    await load_demo()
    today = local_date(utcnow())
    plan = await Plan.select().where((Plan.year == today.year) & (Plan.doc_number == PLAN_NUMBER)).first()
    assert plan["status"] == "active" and plan["doc_date"] == min(date(today.year, 1, 8), today)
    assert (await Plan.select(Plan.status).where(Plan.year == 2023).first())["status"] == "closed"
    tasks = await _tasks(plan["id"], today)
    states = {
        "done on time": [c for c, t in tasks.items() if t["timeliness"] == "on_time"],
        "done late": [c for c, t in tasks.items() if t["timeliness"] == "late"],
        "overdue, started": [c for c, t in tasks.items() if t["overdue"] and t["status"] == "in_progress"],
        "overdue, not started": [
            c for c, t in tasks.items() if t["overdue"] and t["status"] == "not_started"
        ],
        "due this week": [
            c
            for c, t in tasks.items()
            if not t["overdue"]
            and t["status"] == "in_progress"
            and 0 <= (t["deadline"] - today).days <= 7
            and not t["ongoing"]
        ],
        "time left, not started": [
            c for c, t in tasks.items() if t["status"] == "not_started" and (t["deadline"] - today).days > 7
        ],
        "ongoing": [c for c, t in tasks.items() if t["ongoing"]],
        "stopped": [c for c, t in tasks.items() if t["status"] == "cancelled"],
    }
    if date(today.year, 4, 15) <= today <= date(today.year, 12, 15):  # room for every state
        assert all(states.values()), states
    summary = await plan_summary(plan["id"])
    assert summary["total"] == 17 and summary["cancelled"] == 1
    assert summary["overdue"] == len(states["overdue, started"]) + len(states["overdue, not started"])


@pytest.mark.parametrize("today", [date(2026, 1, 2), date(2026, 1, 9), date(2026, 6, 15)])
async def test_the_plan_loads_on_any_day_of_the_year(db, today):
    """Histories stay between the plan's issue and yesterday, whatever the day."""
    await _units()
    await _accounts()
    assert await load_current_plan(await _principal("noivu"), today) == 18
    assert await load_current_plan(await _principal("noivu"), today) == 0  # once
    plan = await Plan.select(Plan.id, Plan.doc_date).where(Plan.year == 2026).first()
    last_event = max(local_date(row["changed_at"]) for row in await TaskEvent.select(TaskEvent.changed_at))
    assert plan["doc_date"] <= last_event <= max(plan["doc_date"], today - timedelta(days=1))
    assert len(await _tasks(plan["id"], today)) == 18


async def test_the_departments_merged_on_1_march_2025_each_with_its_source(db):
    await load_demo()
    units = {row["code"]: row for row in await Unit.select()}
    for closed, successor, source in DEPARTMENT_MERGERS:
        assert units[closed]["valid_to"] == date(2025, 2, 28)
        assert units[closed]["successor"] == units[successor]["id"]
        assert "http" in REORGANISATION_SOURCES[source]
    assert units["STTTT"]["successor"] == units["SKHCN"]["id"]  # Information and Communications
    assert units["SNNMT"]["valid_from"] == date(2025, 3, 1)
    assert units["SKHCN"]["valid_to"] is None and units["SNV"]["valid_to"] is None
    assert "1679/NQ-UBTVQH15" in REORGANISATION_SOURCES["communes"]
