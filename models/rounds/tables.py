"""Reporting rounds: the indicator catalogue, rounds, the units' submissions and their history.
Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from models.accounts.tables import Account
from models.units.tables import Unit


class Indicator(Table, tablename="round_indicator"):
    """A figure a period report needs (chỉ tiêu), maintained by the department as data."""

    code = Varchar(length=32, unique=True)
    name = Varchar(length=500)
    section = Varchar(length=32)  # the report outline key it belongs to: "I", "II.1" … "II.6"
    measure = Varchar(length=16)  # models.vocabulary.Measure
    unit_kinds = JSON(default=[])  # the UnitKind values that report it
    rule = Varchar(length=16)  # models.vocabulary.ConsolidationRule
    denominator = Varchar(length=32, default="")  # a weighted share's weight: another indicator's code
    minimum = DoublePrecision(null=True, default=None)
    maximum = DoublePrecision(null=True, default=None)
    integer = Boolean(default=False)
    required = Boolean(default=False)
    position = Integer(default=0)
    version = Integer(default=1)  # bumped by every replacement (If-Match)
    active = Boolean(default=True)
    updated_at = Timestamptz()


class Round(Table, tablename="report_round"):
    """A reporting round for one report period: which units report which indicators by when,
    and one narrative question per outline section."""

    period_key = Varchar(length=16, unique=True)  # reports.periods.Period.key: "2023-H1"
    period_label = Varchar(length=64)  # "6 tháng đầu năm 2023"
    period_start = Date()
    period_end = Date()  # the data cut-off
    title = Varchar(length=500)
    deadline = Date()
    status = Varchar(length=16)  # models.vocabulary.RoundStatus
    indicator_codes = JSON(default=[])  # in the form's order
    questions = JSON(default=[])  # [{"section": "II.1", "text": "Kết quả nổi bật …"}]
    opened_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    opened_at = Timestamptz()


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# round_submission_round_unit: unique (round, unit).
class Submission(Table, tablename="round_submission"):
    """One unit's answer to a round: its figures, notes and narrative answers, the current state.
    Every change bumps ``version`` and appends a SubmissionEvent with the full state after it."""

    round = ForeignKey(Round, on_delete=OnDelete.cascade, index=True)
    unit = ForeignKey(Unit, on_delete=OnDelete.restrict)
    status = Varchar(length=16)  # models.vocabulary.SubmissionStatus
    figures = JSON(default={})  # indicator code -> number, bool or text
    notes = JSON(default={})  # indicator code -> the unit's (or staff's) note on the figure
    answers = JSON(default={})  # outline section key -> the narrative answer
    comments = JSON(default={})  # field -> the reviewer's comment when returned
    version = Integer(default=1)
    first_submitted_at = Timestamptz(null=True, default=None)  # lateness is judged by the first sending
    submitted_at = Timestamptz(null=True, default=None)  # the latest sending
    updated_at = Timestamptz()


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# round_submission_event_version: unique (submission, version).
class SubmissionEvent(Table, tablename="round_submission_event"):
    """One change to a submission, append-only, with a snapshot of the state after it."""

    submission = ForeignKey(Submission, on_delete=OnDelete.cascade, index=True)
    version = Integer()
    kind = Varchar(length=24)  # saved, uploaded, submitted, returned, accepted, entered_by_staff
    actor = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    changed_at = Timestamptz()
    status = Varchar(length=16)
    figures = JSON(default={})
    notes = JSON(default={})
    answers = JSON(default={})
    comments = JSON(default={})
    note = Text(default="")


class SubmissionFile(Table, tablename="round_submission_file"):
    """An evidence file attached to a submission (stored under its SHA-256, see
    models.plans.evidence)."""

    submission = ForeignKey(Submission, on_delete=OnDelete.cascade, index=True)
    uploaded_by = ForeignKey(Account, on_delete=OnDelete.restrict)
    sha256 = Varchar(length=64)
    filename = Varchar(length=255)
    content_type = Varchar(length=128)
    size = Integer()
    uploaded_at = Timestamptz()


TABLES = (
    Indicator,
    Round,
    Submission,
    SubmissionEvent,
    SubmissionFile,
)
