"""The plan and task rules (models.plans.rules) at their boundaries, and their SQL twins giving
the same answers as the Python predicates on both engines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.plans.plans import active_or_first
from models.plans.progress import plan_summary
from models.plans.rules import (
    ProgressTotals,
    completion_date_error,
    deadline_error,
    delay_note_error,
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


def test_weights_that_add_up_to_nothing_weigh_nothing():
    """Rule: under the weighted method, tasks whose weights are all 0 put the plan at 0%."""
    weightless = [{"status": "completed", "progress": 100, "weight": 0.0}]
    assert plan_progress("weighted", ProgressTotals.of(weightless)) == 0.0


# Rule: a completion date (models.plans.rules.completion_date_error) is not in the future, not
# before the task was created, and within the plan's window (the year before to the year after);
# a refusal says why in English and Vietnamese.
WINDOW = "must lie between 2023-01-01 and 2025-12-31"
WINDOW_VI = "Ngày hoàn thành phải từ 01/01/2023 đến 31/12/2025."


@pytest.mark.parametrize(
    ("completed_on", "created_on", "today", "refusal"),
    [
        (DAY, DAY, DAY, None),
        (AFTER, BEFORE, DAY, ("must not be in the future", "Ngày hoàn thành không được ở tương lai.")),
        (
            BEFORE,
            DAY,
            AFTER,
            (
                "must not be before the task was created (2024-06-14)",
                "Ngày hoàn thành không được trước ngày giao nhiệm vụ (14/06/2024).",
            ),
        ),
        (date(2023, 1, 1), date(2022, 6, 1), DAY, None),
        (date(2022, 12, 31), date(2022, 6, 1), DAY, (WINDOW, WINDOW_VI)),
        (date(2025, 12, 31), date(2022, 6, 1), date(2026, 3, 1), None),
        (date(2026, 1, 1), date(2022, 6, 1), date(2026, 3, 1), (WINDOW, WINDOW_VI)),
    ],
)
def test_completion_date_error(completed_on, created_on, today, refusal):
    error = completion_date_error(completed_on, 2024, created_on, today)
    if refusal is None:
        assert error is None
    else:
        assert (error.field, error.reason, error.message) == ("completed_on", *refusal)


# Rule: a completion date is not before the day of the task's latest update that said it was not
# complete (in progress on 01/12, it was not done on 01/11): that day itself is allowed.
UNFINISHED_REASON = "must not be before 2024-06-14, when an update said the task was not complete"
UNFINISHED_VI = (
    "Ngày hoàn thành không được trước ngày 14/06/2024: cập nhật tiến độ ngày đó ghi nhiệm vụ chưa hoàn thành."
)


@pytest.mark.parametrize(
    ("completed_on", "unfinished_on", "refusal"),
    [
        (BEFORE, DAY, (UNFINISHED_REASON, UNFINISHED_VI)),
        (DAY, DAY, None),
        (AFTER, DAY, None),
        (BEFORE, None, None),
    ],
)
def test_a_completion_date_is_not_before_an_update_saying_not_complete(completed_on, unfinished_on, refusal):
    error = completion_date_error(completed_on, 2024, date(2024, 1, 5), AFTER, unfinished_on)
    if refusal is None:
        assert error is None
    else:
        assert (error.field, error.reason, error.message) == ("completed_on", *refusal)


# Rule: an update leaving a task overdue, or recording its completion after the deadline, gives
# the reason in its note (models.plans.rules.delay_note_error); a note of spaces is none.
OVERDUE_VI = "Nhiệm vụ đã quá hạn (hạn 14/06/2024): nêu lý do chậm và giải pháp."
LATE_VI = "Nhiệm vụ hoàn thành sau thời hạn (hạn 14/06/2024): nêu lý do chậm."


@pytest.mark.parametrize(
    ("status", "completed_on", "today", "note", "message"),
    [
        ("in_progress", None, DAY, "", None),  # due today: not yet overdue
        ("in_progress", None, AFTER, "", OVERDUE_VI),
        ("in_progress", None, AFTER, "  ", OVERDUE_VI),
        ("in_progress", None, AFTER, "Chậm do thiếu kinh phí", None),
        ("not_started", None, AFTER, "", OVERDUE_VI),
        ("cancelled", None, AFTER, "", None),
        ("completed", DAY, AFTER, "", None),  # done on the due day
        ("completed", AFTER, AFTER, "", LATE_VI),
        ("completed", AFTER, AFTER, "Chậm do chờ ý kiến bộ", None),
        ("completed", None, AFTER, "", None),  # keeps its completion date: judged when recorded
    ],
)
def test_a_delay_is_explained_in_the_note(status, completed_on, today, note, message):
    error = delay_note_error(DAY, status, completed_on, today, note)
    assert (error and (error.field, error.message)) == (message and ("note", message))


# Rule: a deadline (models.plans.rules.deadline_error) lies within the plan's window.
@pytest.mark.parametrize(
    ("deadline", "refused"),
    [
        (date(2023, 1, 1), False),
        (date(2022, 12, 31), True),
        (date(2025, 12, 31), False),
        (date(2026, 1, 1), True),
    ],
)
def test_deadline_error(deadline, refused):
    error = deadline_error(deadline, 2024)
    if not refused:
        assert error is None
    else:
        assert (error.field, error.reason, error.message) == (
            "deadline",
            "must lie between 2023-01-01 and 2025-12-31",
            "Thời hạn phải từ 01/01/2023 đến 31/12/2025.",
        )


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
