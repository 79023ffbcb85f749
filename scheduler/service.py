"""The scheduler: APScheduler 3 (the stable line) in one asyncio process, province time.

Its jobs only call ``scheduler.jobs.fire_now``; everything that makes a firing happen once
lives in the database (scheduler.jobs), so a second scheduler process, or the API running one
too (SCHEDULER_IN_API), is harmless. On start it catches up the latest firing of each schedule
missed while it was down, and re-runs report runs a dead process left behind. Every minute it
reloads the schedules, so an admin's edit through the API takes effect without a restart.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.clock import local_zone
from reports.runs import resume_runs
from scheduler import jobs

log = logging.getLogger(__name__)
SYNC_JOB = "sync-schedules"
JOB_DEFAULTS = {
    "coalesce": True,  # several missed firings run once
    "misfire_grace_time": 6 * 3600,  # a firing up to 6 h late (a busy or paused process) still runs
    "max_instances": 1,
}


class SchedulerService:
    def __init__(self) -> None:
        self.scheduler = AsyncIOScheduler(timezone=local_zone(), job_defaults=JOB_DEFAULTS)
        self._loaded: dict[str, str] = {}  # key -> cron of the jobs currently scheduled

    async def start(self) -> None:
        await jobs.ensure_default_schedules()
        await jobs.fail_dead_firings()
        await self.sync()
        self.scheduler.add_job(self.sync, "interval", minutes=1, id=SYNC_JOB)
        self.scheduler.start()
        caught_up = await jobs.catch_up()
        if caught_up:
            log.info("caught up missed firings: %s", ", ".join(caught_up))

    async def sync(self) -> None:
        """Make the scheduled jobs match the enabled schedules in the database, and resume
        report runs whose process died or whose lease ran out."""
        await resume_runs()
        wanted = {s["key"]: s["cron"] for s in await jobs.load_schedules() if s["enabled"]}
        for key in set(self._loaded) - set(wanted):
            self.scheduler.remove_job(key)
            del self._loaded[key]
        for key, cron in wanted.items():
            if self._loaded.get(key) == cron:
                continue
            self.scheduler.add_job(
                jobs.fire_now, jobs.trigger_for(cron), args=[key], id=key, replace_existing=True
            )
            self._loaded[key] = cron

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
