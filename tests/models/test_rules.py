"""The plan and task rules (models.plans.rules) at their boundaries, and their SQL twins giving
the same answers as the Python predicates on both engines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.plans.plans import active_or_first
from models.plans.progress import plan_summary
from models.plans.rules import (
    ProgressTotals,
    is_overdue,
    overdue_where,
    plan_progress,
    status_title,
    timeliness,
)
from models.plans.tables import Task
from models.plans.tasks import TaskDefinition, create_task_unchecked
from tests.world import build_world

DAY = date(2024, 6, 14)
BEFORE, AFTER = DAY - timedelta(days=1), DAY + timedelta(days=1)


@pytest.mark.parametrize(
    ("deadline", "status", "expected"),
    [
        (BEFORE, "not_started", True),
        (BEFORE, "in_progress", True),
        (DAY, "in_progress", False),  # due today: not yet overdue
        (AFTER, "not_started", False),
        (BEFORE, "completed", False),
        (BEFORE, "cancelled", False),
    ],
)
def test_is_overdue(deadline, status, expected):
    assert is_overdue(deadline, status, DAY) is expected


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [(BEFORE, "on_time"), (DAY, "on_time"), (AFTER, "late"), (None, None)],
)
def test_timeliness_against_the_deadline(completed_on, expected):
    assert timeliness(DAY, completed_on) == expected


@pytest.mark.parametrize(
    ("status", "overdue", "title"),
    [
        ("not_started", False, "Chưa triển khai"),
        ("in_progress", True, "Đang thực hiện (quá hạn)"),
        ("completed", False, "Hoàn thành"),
        ("cancelled", False, "Dừng / điều chỉnh"),
    ],
)
def test_status_title(status, overdue, title):
    assert status_title(status, overdue) == title


TASKS = [
    {"status": "completed", "progress": 100, "weight": 3.0},
    {"status": "in_progress", "progress": 50, "weight": 1.0},
    {"status": "not_started", "progress": 0, "weight": 1.0},
    {"status": "cancelled", "progress": 80, "weight": 5.0},  # counted in no figure
]


@pytest.mark.parametrize(
    ("method", "manual", "percent"),
    [
        ("task_count", None, 100 / 3),
        ("average", None, 50.0),
        ("weighted", None, 70.0),  # (3*100 + 1*50) / 5
        ("manual", 42.5, 42.5),
        ("manual", None, 0.0),
    ],
)
def test_plan_progress_by_method(method, manual, percent):
    assert plan_progress(method, ProgressTotals.of(TASKS), manual) == pytest.approx(percent)


@pytest.mark.parametrize("method", ["task_count", "average", "weighted"])
def test_a_plan_without_tasks_is_at_zero(method):
    assert plan_progress(method, ProgressTotals.of([TASKS[3]])) == 0.0


def test_progress_totals_leave_cancelled_tasks_out():
    assert ProgressTotals.of(TASKS) == ProgressTotals(3, 1, 150, 5.0, 350.0)


@pytest.mark.parametrize(
    ("statuses", "chosen"),
    [(["draft", "active", "active"], 1), (["closed", "draft"], 0), ([], None)],
)
def test_active_plan_else_the_first(statuses, chosen):
    plans = [{"id": index, "status": status} for index, status in enumerate(statuses)]
    assert (active_or_first(plans) or {}).get("id") == chosen


@pytest.mark.anyio
async def test_overdue_query_and_summary_agree_with_the_predicate(db, today):
    """Every (status, deadline) pair around today: the list filter, its negation and the plan
    summary count the tasks ``is_overdue`` says are overdue."""
    w = await build_world()  # today: 30/06/2024 by the stopped clock, inside the plan's year
    for index, (status, deadline) in enumerate(
        (status, today + timedelta(days=days))
        for status in ("not_started", "in_progress", "completed", "cancelled")
        for days in (-1, 0, 1)
    ):
        row = await create_task_unchecked(
            w.plan_id,
            TaskDefinition(f"R.{index}", "institutions", "Nhiệm vụ", w.unit_a, "", (), deadline),
            actor=None,
        )
        completed_on = today - timedelta(days=2) if status == "completed" else None
        await Task.update({Task.status: status, Task.completed_on: completed_on}).where(Task.id == row["id"])
    rows = await Task.select(Task.id, Task.deadline, Task.status).where(Task.plan == w.plan_id)
    every = {row["id"] for row in rows}
    expected = {row["id"] for row in rows if is_overdue(row["deadline"], row["status"], today)}
    overdue = await Task.select(Task.id).where((Task.plan == w.plan_id) & overdue_where(today))
    not_overdue = await Task.select(Task.id).where((Task.plan == w.plan_id) & overdue_where(today, False))
    assert {row["id"] for row in overdue} == expected and len(expected) >= 2
    assert {row["id"] for row in not_overdue} == every - expected
    assert (await plan_summary(w.plan_id))["overdue"] == len(expected)
