"""Piccolo tables. Schema changes go through migrations in models/piccolo_migrations.

Enumerated columns hold the values of models.vocabulary; the domain modules validate them.
Timestamps are UTC; dates are calendar dates in the province's time zone.
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class Unit(Table):
    """An agency or local government (đơn vị). Never deleted: it is closed with valid_to."""

    code = Varchar(length=32, unique=True)
    name = Varchar(length=255)
    kind = Varchar(length=32)
    level = Varchar(length=16)
    parent = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    successor = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    search_text = Varchar(length=600, default="")


class Account(Table, tablename="account"):
    """A person (or machine client owner) who signs in."""

    username = Varchar(length=64, unique=True)
    full_name = Varchar(length=255)
    role = Varchar(length=16)
    unit = ForeignKey(Unit, null=True, on_delete=OnDelete.restrict)
    active = Boolean(default=True)
    password_hash = Varchar(length=255, secret=True)
    created_at = Timestamptz()


class Credential(Table):
    """A bearer token (session, expires) or an API key (no expiry), stored as a keyed digest."""

    digest = Varchar(length=64, unique=True)
    account = ForeignKey(Account, on_delete=OnDelete.cascade)
    kind = Varchar(length=16)
    name = Varchar(length=128, default="")
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


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


class TaskCoordinator(Table):
    """A coordinating unit (đơn vị phối hợp) of a task."""

    task = ForeignKey(Task, on_delete=OnDelete.cascade, index=True)
    unit = ForeignKey(Unit, on_delete=OnDelete.restrict)


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


class Procedure(Table, tablename="admin_procedure"):
    """An administrative procedure (thủ tục hành chính) of the province's catalogue."""

    code = Varchar(length=64, unique=True)
    name = Text()
    field = Varchar(length=255, index=True)
    level = Varchar(length=16)
    handling_unit = ForeignKey(Unit, null=True, on_delete=OnDelete.restrict)
    processing_days = Real(null=True, default=None)
    online_level = Varchar(length=16)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    search_text = Text(default="")


class Dossier(Table):
    """A dossier (hồ sơ TTHC) filed by a citizen or business, as the one-stop system records it.

    The ``*_on`` columns and ``timeliness`` are derived on write (local calendar dates in the
    province's time zone) so that period statistics are plain comparisons of indexed dates."""

    code = Varchar(length=64, unique=True)
    procedure = ForeignKey(Procedure, on_delete=OnDelete.restrict)
    # Indexed by dossier_stats_cover (unit first, then every column statistics read).
    unit = ForeignKey(Unit, on_delete=OnDelete.restrict)
    channel = Varchar(length=8)
    received_at = Timestamptz()
    due_at = Timestamptz()
    resolved_at = Timestamptz(null=True, default=None)
    outcome = Varchar(length=12)
    cashless = Boolean(default=False)
    apology_issued_on = Date(null=True, default=None)
    apology_new_due = Date(null=True, default=None)
    received_on = Date(index=True)
    due_on = Date()
    closed_on = Date(null=True, default=None)
    timeliness = Varchar(length=8, null=True, default=None)


class ImportJob(Table):
    """A bulk import running in the background: its state and counts, for the API to show."""

    kind = Varchar(length=32)
    filename = Varchar(length=255)
    state = Varchar(length=16)
    keep_valid = Boolean(default=False)
    requested_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    rows_done = Integer(default=0)
    rows_rejected = Integer(default=0)
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    errors = JSON(default=[])
    message = Text(default="")
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class IndexResult(Table):
    """A province's score on a national index for one year (PAR INDEX, SIPAS, PAPI, PCI).
    One per (kind, year): a unique index in the migrations."""

    kind = Varchar(length=16)
    year = Integer()
    score = DoublePrecision()
    scale = DoublePrecision()
    rank = Integer(null=True, default=None)
    out_of = Integer(null=True, default=None)
    target = DoublePrecision(null=True, default=None)
    note = Text(default="")
    updated_at = Timestamptz()
    updated_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)


class IndexComponent(Table):
    """A component criterion of a year's index result, e.g. "phát triển ứng dụng, dịch vụ
    phục vụ người dân, tổ chức: 2,57/7"; replaced with the result."""

    result = ForeignKey(IndexResult, on_delete=OnDelete.cascade)  # indexed with position
    position = Integer()
    name = Varchar(length=500)
    score = DoublePrecision()
    max_score = DoublePrecision()


class ReportRun(Table):
    """One generation of an official report. Versions of a (kind, period, scope) are kept;
    an issued run is never overwritten or deleted. Scheduled runs are claimed by a partial
    unique index on (kind, period_key, scope_key) where trigger = 'schedule'."""

    kind = Varchar(length=16)
    period_key = Varchar(length=16)
    scope_key = Integer(default=0)  # 0: the province; else the unit's id
    scope_unit = ForeignKey(Unit, null=True, on_delete=OnDelete.restrict)
    version = Integer()
    state = Varchar(length=16)
    trigger = Varchar(length=16)  # manual | schedule
    requested_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    schedule = Varchar(length=64, default="")
    error = Text(default="")
    file_name = Varchar(length=255, default="")
    size = Integer(null=True, default=None)
    sha256 = Varchar(length=64, default="")
    pdf_size = Integer(null=True, default=None)
    issued = Boolean(default=False)
    issued_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)
    lease_until = Timestamptz(null=True, default=None)
    lease_owner = Varchar(length=128, default="")  # host:pid of the process generating it
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class ReportDraft(Table):
    """The narrative paragraphs staff write for a report (kind, period, scope)."""

    kind = Varchar(length=16)
    period_key = Varchar(length=16)
    scope_key = Integer(default=0)
    sections = JSON(default={})
    version = Integer(default=1)
    updated_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    updated_at = Timestamptz()


class Schedule(Table):
    """A scheduled job and its cron expression (province time), editable by admins."""

    key = Varchar(length=64, unique=True)
    job = Varchar(length=32)  # report | overdue_sweep | late_dossier_check
    cron = Varchar(length=100)
    enabled = Boolean(default=True)
    params = JSON(default={})
    updated_at = Timestamptz()


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


class Notification(Table):
    """A message for one account (a reminder, an overdue task, a late dossier), shown in the
    API and mailed when SMTP is configured. ``dedupe_key`` makes each daily sweep idempotent."""

    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=32)
    subject = Varchar(length=255)
    body = Text(default="")
    task = ForeignKey(Task, null=True, on_delete=OnDelete.cascade)
    dedupe_key = Varchar(length=128, unique=True)
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
    mailed_at = Timestamptz(null=True, default=None)


class AuditEntry(Table):
    """One change requested through the API or the web pages: who, when, what, from where.
    Append-only: nothing in the application updates or deletes these rows."""

    at = Timestamptz(index=True)
    account = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    username = Varchar(length=64, default="")
    role = Varchar(length=16, default="")
    method = Varchar(length=8)
    path = Varchar(length=500)
    operation = Varchar(length=128, default="")
    status = Integer()
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=200, default="")


TABLES = (
    Unit,
    Account,
    Credential,
    Plan,
    Task,
    TaskCoordinator,
    TaskEvent,
    Evidence,
    Procedure,
    Dossier,
    ImportJob,
    IndexResult,
    IndexComponent,
    ReportRun,
    ReportDraft,
    Schedule,
    JobRun,
    Notification,
    AuditEntry,
)


def use_engine(engine) -> None:
    """Point every table at ``engine`` (instead of the one piccolo_conf names)."""
    for table in TABLES:
        table._meta.db = engine
