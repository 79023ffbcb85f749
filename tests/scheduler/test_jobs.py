"""Scheduled jobs: fire times in province time, one report per firing and period however
many schedulers race, catch-up after downtime, retried runs, idempotent sweeps."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from demo.loader import load_demo
from models.accounts.service import operator
from models.notifications.service import sweep_tasks
from models.notifications.tables import Notification
from reports.periods import Calendar, PeriodKind
from reports.runs import RunRequest, _claim, execute_run, request_run, runs_to_resume
from reports.scheduled import latest_period
from reports.tables import ReportRun
from scheduler import jobs
from scheduler.tables import JobRun
from tests.world import build_world

pytestmark = pytest.mark.anyio


def test_fire_times_are_in_province_time():
    now = datetime(2024, 6, 20, tzinfo=UTC)
    last = jobs.last_fire_time("0 7 15 6 *", now)
    assert last == datetime(2024, 6, 15, 0, 0, tzinfo=UTC)  # 07:00 in Hà Nội is 00:00 UTC
    assert jobs.next_fire_time("0 7 15 6 *", now).year == 2025
    assert (
        jobs.last_fire_time("0 7 15 6 *", datetime(2024, 6, 14, tzinfo=UTC)) is None
    )  # beyond the look-back


def test_the_period_a_report_firing_covers():
    half = latest_period(PeriodKind.HALF_YEAR, Calendar.DECREE_09, date(2024, 6, 15))
    assert (half.key, half.end) == ("2024-H1", date(2024, 6, 14))
    assert latest_period(PeriodKind.HALF_YEAR, Calendar.DECREE_09, date(2024, 6, 14)).key == "2023-H1"
    assert latest_period(PeriodKind.ANNUAL, Calendar.CALENDAR, date(2025, 1, 1)).key == "2024-Y"
    assert latest_period(PeriodKind.QUARTER, Calendar.CALENDAR, date(2024, 4, 1)).key == "2024-Q1"


def test_a_bad_cron_expression_is_a_422():
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as excinfo:
        jobs.trigger_for("every day")
    assert excinfo.value.errors[0].field == "cron"


@pytest.fixture
async def demo(db):
    await load_demo()
    await jobs.ensure_default_schedules()


async def test_racing_firings_produce_one_report(demo):
    fire_time = datetime(2024, 1, 1, 0, 0, tzinfo=UTC)
    outcomes = await asyncio.gather(*(jobs.fire("report-annual", fire_time) for _ in range(3)))
    assert sum(outcome is not None for outcome in outcomes) == 1
    # Another firing for the same period (a re-run, another process's clock) makes no second report.
    again = await jobs.fire("report-annual", fire_time + timedelta(minutes=1))
    assert again == "Kỳ báo cáo năm 2023: đã có báo cáo do lịch tự động tạo"  # its name, not "2023-Y"
    runs = await ReportRun.select(ReportRun.period_key, ReportRun.state).where(
        ReportRun.trigger == "schedule"
    )
    assert len(runs) == 1 and runs[0]["state"] == "done"
    assert await JobRun.count() == 2


async def test_catch_up_runs_a_missed_firing_once(demo):
    now = datetime.now(UTC)
    first = await jobs.catch_up(now)
    assert "overdue-sweep" in first and "late-dossier-check" in first
    assert await jobs.catch_up(now) == []


async def test_a_run_left_by_a_dead_process_is_retried(demo):
    run = await request_run(await operator(), RunRequest("2023-H1"))
    assert await _claim(run["id"])  # a process took it, then died: its lease runs out
    await ReportRun.update({ReportRun.lease_until: datetime.now(UTC) - timedelta(minutes=1)}).where(
        ReportRun.id == run["id"]
    )
    assert await runs_to_resume() == [run["id"]]
    done = await execute_run(run["id"])
    assert (done["state"], done["attempts"]) == ("done", 2)
    assert await runs_to_resume() == []


async def test_the_task_sweep_is_idempotent(db):
    world = await build_world()
    created = await sweep_tasks(date(2024, 4, 2))  # VII.1 (SYT) was due 31/03, II.1 (STP) is not due soon
    assert created == 1
    row = await Notification.select(Notification.account, Notification.kind, Notification.subject).first()
    assert (row["account"], row["kind"]) == (world.head_b.account_id, "task_overdue")
    assert "quá hạn" in row["subject"]
    assert await sweep_tasks(date(2024, 4, 3)) == 0
    assert await sweep_tasks(date(2024, 6, 25)) == 1  # II.1 due 30/06: a reminder to STP's head


@pytest.mark.parametrize(
    ("cron", "fires"),
    [
        ("0 6 31 2 *", False),
        ("0 6 30 2 *", False),
        ("0 0 31 4,6,9,11 *", False),
        ("0 6 29 2 *", True),  # leap years
        ("0 6 31 12 *", True),
        ("0 7 15 3,6,9,12 *", True),
    ],
)
async def test_a_schedule_fires_some_day_or_never(cron, fires):
    now = datetime(2025, 3, 1, tzinfo=UTC)
    assert await jobs.fires_ever(jobs.trigger_for(cron), now) is fires


async def test_a_schedule_that_never_fires_is_refused_and_not_saved(db):
    from core.errors import InvalidInput

    await jobs.ensure_default_schedules()
    with pytest.raises(InvalidInput) as refused:
        await jobs.change_schedule("overdue-sweep", {"cron": "0 6 31 2 *", "enabled": True})
    assert [(e.field, e.message) for e in refused.value.errors] == [("cron", jobs.NEVER_FIRES)]
    assert (await jobs.get_schedule("overdue-sweep"))["cron"] == "0 6 * * *"
