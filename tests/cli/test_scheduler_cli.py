"""`cchc scheduler --catch-up-only` in two processes at once: one report, one run per firing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from demo.loader import load_demo
from reports.tables import ReportRun
from scheduler.jobs import ensure_default_schedules
from scheduler.tables import JobRun, Schedule

pytestmark = pytest.mark.anyio


async def test_two_scheduler_processes_make_one_report(db, database_url):
    await load_demo()
    await ensure_default_schedules()
    # Only the half-year report, due every day at 00:00, so the latest firing was missed.
    await Schedule.update({Schedule.enabled: False}).where(Schedule.key != "report-half-year")
    await Schedule.update({Schedule.cron: "0 0 * * *"}).where(Schedule.key == "report-half-year")
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "cli.main", "scheduler", "--catch-up-only"]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)
    ]
    outputs = [p.communicate(timeout=180)[0].decode() for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert sum("report-half-year" in out.splitlines()[-1] for out in outputs) == 1, outputs
    runs = await ReportRun.select(ReportRun.state, ReportRun.trigger).where(ReportRun.trigger == "schedule")
    assert [run["state"] for run in runs] == ["done"]
    assert await JobRun.count() == 1
