"""Scheduled work you can see: each schedule said in words, whether any scheduler runs (the
API's embedded one by default, or its own process), and never a firing run twice when both do."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from api.app import start_scheduler, stop_scheduler
from core.settings import get_settings
from scheduler import jobs
from scheduler.service import SchedulerService, record_alive, running_schedulers
from scheduler.tables import JobRun, Schedule, SchedulerProcess
from scheduler.wording import describe_cron
from tests.world import build_world


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        ("30 6 * * *", "Hằng ngày lúc 06:30"),
        ("0 6 * * *", "Hằng ngày lúc 06:00"),
        ("0 7 15 6 *", "Ngày 15/6 hằng năm lúc 07:00"),
        ("0 7 1 1 *", "Ngày 1/1 hằng năm lúc 07:00"),
        ("0 7 15 3,6,9,12 *", "Ngày 15 các tháng 3, 6, 9, 12 hằng năm lúc 07:00"),
        ("5 23 1 * *", "Ngày 1 hằng tháng lúc 23:05"),
        ("0 8 * * 1", "Thứ Hai hằng tuần lúc 08:00"),
        ("0 8 * * 0", "Chủ nhật hằng tuần lúc 08:00"),
        ("0 8 * * 7", "Chủ nhật hằng tuần lúc 08:00"),
        # What the words cannot say exactly is shown as the expression itself.
        ("*/15 * * * *", "Theo biểu thức */15 * * * *"),
        ("0 7 1-5 * *", "Theo biểu thức 0 7 1-5 * *"),
        ("0 7 15 6 1", "Theo biểu thức 0 7 15 6 1"),
        ("0 24 * * *", "Theo biểu thức 0 24 * * *"),
        ("0 7 32 6 *", "Theo biểu thức 0 7 32 6 *"),
        ("0 7 15 13 *", "Theo biểu thức 0 7 15 13 *"),
        ("0 7 * 6 *", "Theo biểu thức 0 7 * 6 *"),
        ("0 7 15 6", "Theo biểu thức 0 7 15 6"),
    ],
)
def test_a_schedule_in_words(cron, words):
    assert describe_cron(cron) == words


def test_the_api_runs_the_scheduler_unless_told_not_to(monkeypatch):
    monkeypatch.delenv("SCHEDULER_IN_API", raising=False)
    assert get_settings.__wrapped__().scheduler_in_api is True
    monkeypatch.setenv("SCHEDULER_IN_API", "false")
    assert get_settings.__wrapped__().scheduler_in_api is False


@pytest.mark.anyio
async def test_the_embedded_scheduler_says_it_runs_and_when_it_stopped(db):
    assert await running_schedulers() == []
    await start_scheduler()
    try:
        (alive,) = await running_schedulers()
        assert alive["embedded"] is True
    finally:
        await stop_scheduler()
    assert await running_schedulers() == []


@pytest.mark.anyio
async def test_a_scheduler_not_seen_for_minutes_is_not_running(db):
    seen = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    await record_alive(embedded=False, now=seen)
    await record_alive(embedded=False, now=seen + timedelta(minutes=1))  # the same one, seen again
    assert len(await running_schedulers(seen + timedelta(minutes=4))) == 1
    assert await running_schedulers(seen + timedelta(minutes=4, seconds=1)) == []
    await record_alive(embedded=True, now=seen + timedelta(days=2))  # a day later: the old row goes
    assert await SchedulerProcess.count() == 1


@pytest.mark.anyio
async def test_embedded_and_separate_schedulers_never_double_fire(db):
    await build_world()
    await jobs.ensure_default_schedules()
    # Reports need the demo's province; the daily sweeps are enough to race on.
    await Schedule.update({Schedule.enabled: False}).where(Schedule.job == "report")
    embedded, separate = SchedulerService(embedded=True), SchedulerService()
    try:
        await asyncio.gather(embedded.start(), separate.start())
    finally:
        await asyncio.gather(embedded.stop(), separate.stop())
    firings = await JobRun.select(JobRun.schedule_key, JobRun.fire_time)
    enabled = await Schedule.select(Schedule.key).where(Schedule.enabled == True)  # noqa: E712
    # Each enabled schedule's missed firing ran once, though both schedulers caught it up.
    assert sorted(row["schedule_key"] for row in firings) == sorted(row["key"] for row in enabled)
    assert "overdue-sweep" in {row["schedule_key"] for row in firings}
