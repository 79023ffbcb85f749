"""The plan summary's rules (models/plans/progress.py), table-driven over a plan whose groups are
uneven, on both engines: the tallies per plan, per area and per lead unit, the overdue count now
and as of a past day, each progress method and its rounding."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.plans.plans import update_plan
from models.plans.progress import Tally, overdue_as_of, plan_summary
from models.plans.tasks import ProgressReport, TaskDefinition, create_task, report_progress
from tests.world import World, build_world

pytestmark = pytest.mark.anyio

JUNE_10 = datetime(2024, 6, 10, 3, 0, tzinfo=UTC)  # every report below is made by then
# code: (area, unit "A" or "B", deadline or None for ongoing, weight, status, progress, completed_on)
TASKS = {
    "I.2": ("institutions", "A", date(2024, 3, 1), 2, "completed", None, date(2024, 2, 20)),
    "I.3": ("institutions", "B", date(2024, 3, 1), 1, "completed", None, date(2024, 4, 10)),
    "I.4": ("institutions", "B", date(2024, 6, 29), 1, "in_progress", 20, None),
    "D.2": ("digital_government", "A", date(2024, 7, 1), 4, "in_progress", 60, None),
    "D.3": ("digital_government", "A", date(2024, 5, 1), 1, "completed", None, date(2024, 5, 1)),
    "D.4": ("digital_government", "B", date(2024, 5, 1), 1, "cancelled", None, None),
    # late completions in a second group, so a total that kept only one group's count is wrong
    "D.5": ("digital_government", "B", date(2024, 4, 1), 1, "completed", None, date(2024, 4, 15)),
    "D.6": ("digital_government", "B", date(2024, 4, 1), 3, "completed", None, date(2024, 4, 20)),
    "L.1": ("leadership", "A", None, 1, "not_started", None, None),
    "L.2": ("leadership", "B", date(2024, 1, 31), 1, "cancelled", None, None),
    "L.3": ("leadership", "B", date(2024, 6, 1), 2, "not_started", None, None),
}
# With the world's II.1 (institutions, A, due 30/06, not started) and VII.1 (digital government,
# B, due 31/03, not started), as of 30/06/2024 — the tallies, then the percent by method:
# (total, completed on time, late, in progress, not started, cancelled, overdue)
TALLIES = {
    "plan": (11, 2, 3, 2, 4, 2, 3),
    "institutions": (4, 1, 1, 1, 1, 0, 1),
    "digital_government": (5, 1, 2, 1, 1, 1, 1),
    "leadership": (2, 0, 0, 0, 2, 1, 1),
    "STP": (5, 2, 0, 1, 2, 0, 0),
    "SYT": (6, 0, 3, 1, 2, 2, 3),
}
PERCENTS = {
    # 5/11; (5×100 + 20 + 60)/11; (2×100 + 100 + 20 + 4×60 + 100 + 100 + 3×100)/18
    "task_count": {"plan": 45.45, "institutions": 50.0, "digital_government": 60.0, "leadership": 0.0},
    "average": {"plan": 52.73, "institutions": 55.0, "digital_government": 72.0, "leadership": 0.0},
    "weighted": {"plan": 58.89, "institutions": 64.0, "digital_government": 74.0, "leadership": 0.0},
}
UNIT_PERCENTS = {
    "task_count": {"STP": 40.0, "SYT": 50.0},
    "average": {"STP": 52.0, "SYT": 53.33},
    "weighted": {"STP": 60.0, "SYT": 57.78},
}
LABELS = {
    "task_count": "5/11 nhiệm vụ, 45%",
    "average": "5/11 nhiệm vụ, 53%",
    "weighted": "5/11 nhiệm vụ, 59%",
}


def tally(figures: dict) -> tuple:
    keys = (
        "total",
        "completed_on_time",
        "completed_late",
        "in_progress",
        "not_started",
        "cancelled",
        "overdue",
    )
    return tuple(figures[key] for key in keys)


async def build_plan(w: World) -> None:
    units = {"A": w.unit_a, "B": w.unit_b}
    created = datetime(2024, 1, 5, 3, 0, tzinfo=UTC)
    for code, (area, unit, deadline, weight, status, progress, completed_on) in TASKS.items():
        definition = TaskDefinition(
            code,
            area,
            f"Nhiệm vụ {code}",
            units[unit],
            deadline=deadline,
            ongoing=deadline is None,
            weight=weight,
        )
        task = await create_task(w.staff, w.plan_id, definition, now=created)
        if status != "not_started":
            report = ProgressReport(status, progress, note="Cập nhật", completed_on=completed_on)
            await report_progress(w.staff, task["id"], report, now=JUNE_10)


@pytest.fixture
async def uneven_plan(db, today) -> World:
    w = await build_world()
    await build_plan(w)
    return w


def by_name(summary: dict) -> dict[str, dict]:
    return {
        "plan": summary,
        **{area["area"]: area for area in summary["by_area"]},
        **{unit["unit_code"]: unit for unit in summary["by_lead_unit"]},
    }


async def test_tallies_per_plan_area_and_unit_over_uneven_groups(uneven_plan):
    """Rule: each task counts once in its status (cancelled apart, not in the total), completed
    ones split on time / late, open ones past their deadline as overdue — in every group."""
    figures = by_name(await plan_summary(uneven_plan.plan_id))
    assert {name: tally(figures[name]) for name in TALLIES} == TALLIES
    assert [area["area"] for area in figures["plan"]["by_area"]] == [
        "leadership",
        "institutions",
        "digital_government",
    ]  # in the order of the official outline
    assert [unit["unit_code"] for unit in figures["plan"]["by_lead_unit"]] == ["STP", "SYT"]
    assert figures["plan"]["completed"] == 5 and figures["STP"]["completed"] == 2
    assert figures["plan"]["plan_id"] == uneven_plan.plan_id
    assert [area["area_label"] for area in figures["plan"]["by_area"]] == [
        "Công tác chỉ đạo, điều hành",
        "Cải cách thể chế",
        "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số",
    ]
    assert [unit["unit_id"] for unit in figures["plan"]["by_lead_unit"]] == [
        uneven_plan.unit_a,
        uneven_plan.unit_b,
    ]
    # open tasks on track: I.4 is the only one in progress and overdue; L.3 and VII.1 not started and overdue
    assert (figures["plan"]["in_progress_on_track"], figures["plan"]["not_started_on_track"]) == (1, 2)


@pytest.mark.parametrize("method", ["task_count", "average", "weighted"])
async def test_each_progress_method_per_plan_area_and_unit_rounded(uneven_plan, method):
    """Rule: the plan's progress method applies to the plan, each area and each unit; percents are
    rounded to 2 decimals and the label to whole percent."""
    await update_plan(uneven_plan.staff, uneven_plan.plan_id, {"progress_method": method}, None)
    summary = await plan_summary(uneven_plan.plan_id)
    figures = by_name(summary)
    assert {name: figures[name]["percent"] for name in PERCENTS[method]} == PERCENTS[method]
    assert {name: figures[name]["percent"] for name in UNIT_PERCENTS[method]} == UNIT_PERCENTS[method]
    assert (summary["progress_method"], summary["label"]) == (method, LABELS[method])


async def test_a_manual_percent_is_the_plans_own_figure(uneven_plan):
    """Rule: under the manual method the plan shows the percent entered, rounded to 2 decimals."""
    changes = {"progress_method": "manual", "manual_progress": 66.666}
    await update_plan(uneven_plan.staff, uneven_plan.plan_id, changes, None)
    summary = await plan_summary(uneven_plan.plan_id)
    assert (summary["percent"], summary["label"]) == (66.67, "5/11 nhiệm vụ, 67%")


@pytest.mark.parametrize(
    ("as_of", "overdue", "why"),
    [
        (date(2024, 6, 29), 2, "history: I.4, due that day, is not yet overdue"),
        (date(2024, 6, 30), 3, "today: I.4 is; II.1, due today, is not"),
        (None, 3, "no date: today by the clock"),
    ],
)
async def test_overdue_count_as_of_a_day(uneven_plan, as_of, overdue, why):
    """Rule: open tasks whose deadline is before the day asked (today when none is asked)."""
    summary = await plan_summary(uneven_plan.plan_id, as_of=as_of)
    assert summary["overdue"] == overdue, why
    assert summary["as_of"] == (as_of or date(2024, 6, 30))


def grouped(status: str, tasks: int, overdue: int = 0, late: int = 0) -> dict:
    """One row of the summary's grouped count (one area, unit and status)."""
    return {"status": status, "tasks": tasks, "late": late, "overdue": overdue} | dict.fromkeys(
        ("progress_sum", "weight_sum", "weighted_sum"), 0
    )


# Rule: a group's open tasks split into overdue and on track, in progress and not started apart,
# each added up over every grouped row (several areas and units make one plan's figures).
@pytest.mark.parametrize(
    ("rows", "split"),
    [
        ([grouped("in_progress", 4, overdue=1), grouped("in_progress", 3, overdue=2)], (7, 3, 4, 0, 0)),
        ([grouped("not_started", 5, overdue=2), grouped("not_started", 1, overdue=1)], (0, 0, 0, 6, 3)),
        ([grouped("in_progress", 2, overdue=2), grouped("not_started", 2)], (2, 2, 0, 2, 2)),
    ],
)
def test_open_tasks_split_into_overdue_and_on_track(rows, split):
    tally = Tally()
    for row in rows:
        tally.add(row)
    figures = tally.as_dict("task_count", None)
    in_progress, overdue_in_progress, in_progress_on_track, not_started, not_started_on_track = split
    assert (figures["in_progress"], figures["in_progress_on_track"], figures["not_started"]) == (
        in_progress,
        in_progress_on_track,
        not_started,
    )
    assert figures["not_started_on_track"] == not_started_on_track
    assert figures["overdue"] == overdue_in_progress + (not_started - not_started_on_track)


@pytest.mark.parametrize(
    ("as_of", "limit", "codes", "count", "why"),
    [
        (
            date(2024, 6, 1),
            50,
            ["L.2", "I.2", "I.3", "VII.1", "D.5", "D.6", "D.3", "D.4"],
            8,
            "before the reports of 10/06 every task was open: cancelled and completed ones were overdue then",
        ),
        (date(2024, 6, 29), 50, ["VII.1", "L.3"], 2, "I.4, due that day, is not yet overdue"),
        (date(2024, 6, 30), 50, ["VII.1", "L.3", "I.4"], 3, "I.4 is; II.1, due that day, is not"),
        (date(2024, 6, 30), 2, ["VII.1", "L.3"], 3, "the first two, and how many there were"),
    ],
)
async def test_the_tasks_overdue_as_of_a_past_day(uneven_plan, as_of, limit, codes, count, why):
    """Rule: the tasks overdue at the end of a past day as they stood that day, deadline first
    (then code), as the report lists them."""
    rows, total = await overdue_as_of(uneven_plan.plan_id, as_of, limit)
    assert ([row["code"] for row in rows], total) == (codes, count), why
    assert all(row["ongoing"] is False for row in rows)  # a bool on both engines, not SQLite's 0


@pytest.mark.parametrize(
    "completed, total, percent",
    [(17, 32, 53.13), (1, 8, 12.5), (1, 3, 33.33), (2, 3, 66.67), (32, 32, 100.0)],
)
def test_the_plans_percentage_rounds_a_half_up(completed, total, percent):
    """17/32 = 53,125%: the summary (the dashboard, the API, the report's body) said 53,12% while
    the report's appendix, counting afresh, said 53,13%."""
    tally = Tally(completed_on_time=completed, in_progress=total - completed)
    assert tally.as_dict("task_count", None)["percent"] == percent
