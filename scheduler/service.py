"""The scheduler: APScheduler 3 (the stable line) in one asyncio process, province time.

Its jobs only call ``scheduler.jobs.fire_now``; everything that makes a firing happen once
lives in the database (scheduler.jobs), so a second scheduler process, or the API running one
too (SCHEDULER_IN_API, the default), is harmless. On start it catches up the latest firing of
each schedule missed while it was down, and re-runs report runs a dead process left behind.
Every minute it reloads the schedules, so an admin's edit through the API takes effect without
a restart, and records that it is alive (scheduler_process), so the pages can say whether any
scheduler runs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.clock import local_zone, utcnow
from core.db import write_transaction
from core.process import this_process
from reports.runs import resume_runs
from scheduler import jobs
from scheduler.tables import SchedulerProcess

log = logging.getLogger(__name__)
SYNC_JOB = "sync-schedules"
SYNC_MINUTES = 1
ALIVE_WITHIN = timedelta(minutes=3 * SYNC_MINUTES)  # seen this recently: still running
FORGET_AFTER = timedelta(days=1)
JOB_DEFAULTS = {
    "coalesce": True,  # several missed firings run once
    "misfire_grace_time": 6 * 3600,  # a firing up to 6 h late (a busy or paused process) still runs
    "max_instances": 1,
}


async def record_alive(embedded: bool, now: datetime | None = None) -> None:
    """This process runs a scheduler at ``now``; schedulers not seen for a day are forgotten."""
    now = now or utcnow()
    async with write_transaction(SchedulerProcess._meta.db):
        await SchedulerProcess.delete().where(SchedulerProcess.seen_at < now - FORGET_AFTER)
        await SchedulerProcess.insert(
            SchedulerProcess(owner=this_process(), embedded=embedded, started_at=now, seen_at=now)
        ).on_conflict(target=SchedulerProcess.owner, action="DO UPDATE", values=[SchedulerProcess.seen_at])


async def record_stopped() -> None:
    async with write_transaction(SchedulerProcess._meta.db):
        await SchedulerProcess.delete().where(SchedulerProcess.owner == this_process())


async def running_schedulers(now: datetime | None = None) -> list[dict]:
    """The schedulers seen within the last few minutes, the longest running first."""
    now = now or utcnow()
    return (
        await SchedulerProcess.select(
            SchedulerProcess.owner, SchedulerProcess.embedded, SchedulerProcess.started_at
        )
        .where(SchedulerProcess.seen_at >= now - ALIVE_WITHIN)
        .order_by(SchedulerProcess.started_at)
    )


class SchedulerService:
    def __init__(self, *, embedded: bool = False) -> None:
        self.scheduler = AsyncIOScheduler(timezone=local_zone(), job_defaults=JOB_DEFAULTS)
        self.embedded = embedded  # in the API process rather than its own
        self._loaded: dict[str, str] = {}  # key -> cron of the jobs currently scheduled

    async def start(self) -> None:
        await jobs.ensure_default_schedules()
        await jobs.fail_dead_firings()
        await self.sync()
        self.scheduler.add_job(self.sync, "interval", minutes=SYNC_MINUTES, id=SYNC_JOB)
        self.scheduler.start()
        caught_up = await jobs.catch_up()
        if caught_up:
            log.info("caught up missed firings: %s", ", ".join(caught_up))

    async def sync(self) -> None:
        """Make the scheduled jobs match the enabled schedules in the database, resume
        report runs whose process died or whose lease ran out, and say this one is alive."""
        await record_alive(self.embedded)
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

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await record_stopped()
