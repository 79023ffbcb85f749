"""The registry of scheduled jobs, their schedules, and the claim that makes each firing
happen once. The jobs themselves live with the concept they serve (report firings in
reports.scheduled, the overdue sweep in models.notifications, the apology check in
models.dossiers.apologies, the staged-evidence sweep in models.plans.evidence, the reporting
rounds' reminders in models.rounds.reminders).

A firing is identified by its schedule and its scheduled time; ``fire`` inserts that pair into
``job_run`` (unique) before doing anything, so two scheduler processes, or a catch-up after a
restart, never run the same firing twice. The jobs themselves are idempotent too: a report is
claimed per (kind, period, scope), a notification by its dedupe key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from anyio import to_thread
from apscheduler.triggers.cron import CronTrigger

from core.background import job_outcome
from core.clock import local_zone, utcnow
from core.db import one_writer_at_a_time, update_versioned, write_transaction
from core.errors import InvalidInput, NotFound
from core.process import is_dead, this_process
from core.settings import get_settings
from models.dossiers.apologies import late_dossier_check
from models.notifications.service import overdue_sweep
from models.plans.evidence import staged_evidence_sweep
from models.rounds.reminders import round_reminders
from models.vocabulary import JobState
from reports.periods import Calendar
from reports.scheduled import report_job
from scheduler.tables import JobRun, Schedule

CATCH_UP_DAYS = 40  # a missed firing older than this is not run on start-up
HISTORY = 10


def trigger_for(cron: str) -> CronTrigger:
    """A cron expression (minute hour day month weekday) in the province's time zone."""
    try:
        return CronTrigger.from_crontab(cron, timezone=local_zone())
    except ValueError as exc:
        raise InvalidInput.field(
            "cron", f"not a cron expression: {exc}", "Biểu thức lịch chạy không hợp lệ."
        ) from None


NEVER_FIRES = "Lịch này không bao giờ chạy (ví dụ ngày 31 tháng 2)."


async def fires_ever(trigger: CronTrigger, now: datetime) -> bool:
    """The trigger fires some day after ``now`` (APScheduler's own answer: "0 6 31 2 *" never
    does). Its search for a day that never comes takes about a second: in a worker thread."""
    return await to_thread.run_sync(trigger.get_next_fire_time, None, now) is not None


def last_fire_time(
    cron: str, now: datetime, lookback: timedelta = timedelta(days=CATCH_UP_DAYS)
) -> datetime | None:
    """The latest scheduled time at or before ``now`` (within ``lookback``)."""
    trigger = trigger_for(cron)
    moment = trigger.get_next_fire_time(None, now - lookback)
    last = None
    while moment is not None and moment <= now:
        last = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return last


def next_fire_time(cron: str, now: datetime) -> datetime | None:
    return trigger_for(cron).get_next_fire_time(None, now)


# --- the jobs: each concept owns its scheduled work -------------------------------------------

JOBS: dict[str, Callable[[dict, datetime], Awaitable[str]]] = {
    "report": report_job,
    "overdue_sweep": overdue_sweep,
    "late_dossier_check": late_dossier_check,
    "staged_evidence_sweep": staged_evidence_sweep,
    "round_reminders": round_reminders,
}


def default_schedules(calendar: Calendar) -> list[dict]:
    """Reports the morning after each cut-off; sweeps every morning (province time)."""
    decree = calendar is Calendar.DECREE_09
    return [
        {
            "key": "report-half-year",
            "job": "report",
            "cron": "0 7 15 6 *" if decree else "0 7 1 7 *",
            "params": {"period_kind": "half_year"},
            "enabled": True,
        },
        {
            "key": "report-annual",
            "job": "report",
            "cron": "0 7 15 12 *" if decree else "0 7 1 1 *",
            "params": {"period_kind": "annual"},
            "enabled": True,
        },
        {
            "key": "report-quarter",
            "job": "report",
            "cron": "0 7 15 3,6,9,12 *" if decree else "0 7 1 1,4,7,10 *",
            "params": {"period_kind": "quarter"},
            "enabled": False,
        },
        {"key": "overdue-sweep", "job": "overdue_sweep", "cron": "0 6 * * *", "params": {}, "enabled": True},
        {
            "key": "late-dossier-check",
            "job": "late_dossier_check",
            "cron": "30 6 * * *",
            "params": {},
            "enabled": True,
        },
        {
            "key": "round-reminders",
            "job": "round_reminders",
            "cron": "0 7 * * *",
            "params": {},
            "enabled": True,
        },
        {
            "key": "staged-evidence-sweep",
            "job": "staged_evidence_sweep",
            "cron": "15 3 * * *",
            "params": {},
            "enabled": True,
        },
    ]


async def ensure_default_schedules() -> int:
    """Create the default schedules that do not exist yet (never changes edited ones)."""
    existing = {row["key"] for row in await Schedule.select(Schedule.key)}
    missing = [
        s for s in default_schedules(Calendar(get_settings().report.calendar)) if s["key"] not in existing
    ]
    if missing:
        async with write_transaction(Schedule._meta.db):
            await Schedule.insert(*(Schedule(**s, updated_at=utcnow()) for s in missing)).on_conflict(
                action="DO NOTHING"
            )
    return len(missing)


STALE_SCHEDULE = "Lịch chạy đã được người khác thay đổi trước; vui lòng tải lại và thử lại."


async def change_schedule(key: str, changes: dict, expected_version: int | None = None) -> dict:
    """Change a schedule's ``cron`` (checked: 422 on a bad expression or one that never fires)
    or ``enabled``, bumping its version. ``expected_version`` (If-Match): the version the
    caller read; StaleVersion when someone changed the schedule since. None: applied to the
    latest state (the other field stays as the other admin left it)."""
    if "cron" in changes and not await fires_ever(trigger_for(changes["cron"]), utcnow()):
        raise InvalidInput.field("cron", "never fires", NEVER_FIRES)
    async with write_transaction(Schedule._meta.db):
        await one_writer_at_a_time(Schedule, f"schedule:{key}")
        current = await get_schedule(key)
        values = {getattr(Schedule, k): v for k, v in changes.items()} | {Schedule.updated_at: utcnow()}
        await update_versioned(
            Schedule, current["id"], values, current["version"], expected_version, STALE_SCHEDULE
        )
        return await get_schedule(key)  # as this change left it, whatever comes next


async def load_schedules() -> list[dict]:
    return await Schedule.select().order_by(Schedule.key).output(load_json=True)


async def get_schedule(key: str) -> dict:
    row = await Schedule.select().where(Schedule.key == key).output(load_json=True).first()
    if row is None:
        raise NotFound(f"schedule {key!r} not found", "Không tìm thấy lịch chạy này.")
    return row


async def _claim_firing(key: str, fire_time: datetime) -> int | None:
    """The new firing's id; None when the unique (schedule_key, fire_time) says another
    process has it."""
    async with write_transaction(JobRun._meta.db):
        row = JobRun(
            schedule_key=key,
            fire_time=fire_time,
            state=JobState.RUNNING.value,
            owner=this_process(),
            started_at=utcnow(),
        )
        rows = await JobRun.insert(row).on_conflict(action="DO NOTHING").returning(JobRun.id)
    return rows[0]["id"] if rows else None


async def fire(key: str, fire_time: datetime) -> str | None:
    """Run the schedule's firing at ``fire_time`` unless some process already has; the
    outcome goes to the job history. None when it was not ours to run."""
    job_run_id = await _claim_firing(key, fire_time)
    if job_run_id is None:
        return None
    schedule = await get_schedule(key)
    detail, error = await job_outcome(
        JOBS[schedule["job"]](schedule, fire_time), f"scheduled job {key} at {fire_time}"
    )
    state = (JobState.DONE if error is None else JobState.FAILED).value
    detail = detail if error is None else error
    async with write_transaction(JobRun._meta.db):
        await JobRun.update({JobRun.state: state, JobRun.detail: detail, JobRun.finished_at: utcnow()}).where(
            JobRun.id == job_run_id
        )
    return detail


async def fire_now(key: str) -> str | None:
    """What APScheduler calls: the firing this call belongs to is the latest one due."""
    schedule = await get_schedule(key)
    fire_time = last_fire_time(schedule["cron"], utcnow())
    return None if fire_time is None else await fire(key, fire_time)


async def catch_up(now: datetime | None = None) -> list[str]:
    """Run, once, each enabled schedule's latest firing missed while no scheduler ran."""
    now = now or utcnow()
    done = []
    for schedule in await load_schedules():
        if not schedule["enabled"]:
            continue
        fire_time = last_fire_time(schedule["cron"], now)
        if fire_time is not None and await fire(schedule["key"], fire_time) is not None:
            done.append(schedule["key"])
    return done


async def fail_dead_firings() -> int:
    """Firings whose scheduler process died mid-run are recorded as failed (the report they
    were making is resumed through its own lease, see reports.runs)."""
    running = await JobRun.select(JobRun.id, JobRun.owner).where(JobRun.state == JobState.RUNNING.value)
    dead = [row["id"] for row in running if is_dead(row["owner"])]
    if dead:
        async with write_transaction(JobRun._meta.db):
            await JobRun.update(
                {
                    JobRun.state: JobState.FAILED.value,
                    JobRun.detail: "interrupted: the scheduler process stopped during this run",
                    JobRun.finished_at: utcnow(),
                }
            ).where(JobRun.id.is_in(dead))
    return len(dead)


async def schedule_history(key: str) -> list[dict]:
    return (
        await JobRun.select(
            JobRun.fire_time, JobRun.state, JobRun.detail, JobRun.started_at, JobRun.finished_at
        )
        .where(JobRun.schedule_key == key)
        .order_by(JobRun.fire_time, ascending=False)
        .limit(HISTORY)
    )
