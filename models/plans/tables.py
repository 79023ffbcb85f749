"""The yearly reform plan, its tasks, their history and evidence files. Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from models.accounts.tables import Account
from models.units.tables import Unit


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# plan_one_active_per_year: unique (year) where status = 'active' (a partial index).
class Plan(Table):
    """A yearly reform plan (Kế hoạch CCHC). One active plan per year (a partial unique index)."""

    year = Integer()
    title = Varchar(length=500)
    doc_number = Varchar(length=64, default="")
    doc_date = Date(null=True, default=None)
    status = Varchar(length=16)
    progress_method = Varchar(length=16)
    manual_progress = Real(null=True, default=None)
    version = Integer(default=1)
    created_at = Timestamptz()


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# task_code_per_plan: unique (plan, code).
class Task(Table):
    """A task of a plan: the current state. Its full history is in TaskEvent."""

    plan = ForeignKey(Plan, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=32)
    area = Varchar(length=32)
    title = Text()
    expected_output = Text(default="")
    lead_unit = ForeignKey(Unit, on_delete=OnDelete.restrict, index=True)
    deadline = Date()
    ongoing = Boolean(default=False)
    status = Varchar(length=16)
    progress = Integer(default=0)
    weight = Real(default=1.0)
    completed_on = Date(null=True, default=None)
    note = Text(default="")
    search_text = Text(default="")
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# task_coordinator_pair: unique (task, unit).
class TaskCoordinator(Table):
    """A coordinating unit (đơn vị phối hợp) of a task."""

    task = ForeignKey(Task, on_delete=OnDelete.cascade, index=True)
    unit = ForeignKey(Unit, on_delete=OnDelete.restrict)


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# task_event_task_version: unique (task, version).
class TaskEvent(Table):
    """One change to a task, append-only: who, when, old and new values, and a full snapshot
    of the state after it, so that any past date's figures can be rebuilt."""

    task = ForeignKey(Task, on_delete=OnDelete.restrict, index=True)
    plan = ForeignKey(Plan, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=16)
    actor = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    changed_at = Timestamptz(index=True)
    version = Integer()
    old_status = Varchar(length=16, null=True, default=None)
    old_progress = Integer(null=True, default=None)
    changed_fields = JSON(default=[])
    note = Text(default="")
    # Snapshot after the change.
    code = Varchar(length=32)
    area = Varchar(length=32)
    title = Text()
    lead_unit = ForeignKey(Unit, on_delete=OnDelete.restrict)
    deadline = Date()
    status = Varchar(length=16)
    progress = Integer()
    weight = Real()
    completed_on = Date(null=True, default=None)


class Evidence(Table):
    """A file attached to a task update, stored under its SHA-256 outside the web root.

    Uploaded first (event is null, "staged"), then attached by the update that cites it."""

    task = ForeignKey(Task, on_delete=OnDelete.restrict, index=True)
    event = ForeignKey(TaskEvent, null=True, on_delete=OnDelete.restrict)
    uploaded_by = ForeignKey(Account, on_delete=OnDelete.restrict)
    sha256 = Varchar(length=64)
    filename = Varchar(length=255)
    content_type = Varchar(length=128)
    size = Integer()
    uploaded_at = Timestamptz()


TABLES = (
    Plan,
    Task,
    TaskCoordinator,
    TaskEvent,
    Evidence,
)
