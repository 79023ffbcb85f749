"""Schedules and the firings claimed from them. Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class Schedule(Table):
    """A scheduled job and its cron expression (province time), editable by admins."""

    key = Varchar(length=64, unique=True)
    job = Varchar(length=32)  # report | overdue_sweep | late_dossier_check
    cron = Varchar(length=100)
    enabled = Boolean(default=True)
    params = JSON(default={})
    version = Integer(default=1)  # bumped by every change (If-Match)
    updated_at = Timestamptz()


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# job_run_firing: unique (schedule_key, fire_time).
class JobRun(Table):
    """One firing of a scheduled job, claimed by its unique (schedule_key, fire_time): two
    scheduler processes, or a restart, never run the same firing twice."""

    schedule_key = Varchar(length=64)
    fire_time = Timestamptz()
    state = Varchar(length=16)
    owner = Varchar(length=128, default="")  # host:pid of the scheduler running it
    detail = Text(default="")
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)


class SchedulerProcess(Table):
    """A running scheduler (its own process, or embedded in the API), seen each minute: the
    pages say plainly when none has been seen lately, because then nothing scheduled runs."""

    owner = Varchar(length=128, unique=True)  # host:pid
    embedded = Boolean(default=False)
    started_at = Timestamptz()
    seen_at = Timestamptz()


TABLES = (
    Schedule,
    JobRun,
    SchedulerProcess,
)
