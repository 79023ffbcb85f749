"""Administrative-procedure dossiers (hồ sơ TTHC) and their import jobs. Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from models.accounts.tables import Account
from models.procedures.tables import Procedure
from models.units.tables import Unit


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


TABLES = (
    Dossier,
    ImportJob,
)
