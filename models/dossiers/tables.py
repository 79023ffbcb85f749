"""Administrative-procedure dossiers (hồ sơ TTHC) and their import jobs. Schema changes go through migrations in models/piccolo_migrations."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
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
    # Indexed with received_on by dossier_closed_on (a migration: the service index's split).
    closed_on = Date(null=True, default=None)
    timeliness = Varchar(length=8, null=True, default=None)
    # Decision 766 service-index fields: optional in every source, so NULL means "the source
    # did not say" (the indicator then reads "không có dữ liệu"), never "no".
    fee_bearing = Boolean(null=True, default=None)
    paid_online = Boolean(null=True, default=None)
    electronic_result = Boolean(null=True, default=None)
    digitised = Boolean(null=True, default=None)
    reused_data = Boolean(null=True, default=None)
    supplement_requests = Integer(null=True, default=None)
    supplement_requested_at = Timestamptz(null=True, default=None)  # the first request
    supplement_returned_at = Timestamptz(null=True, default=None)  # the citizen's answer to it
    # Derived on write (models.dossiers.records): the appointment after deducting the time the
    # citizen spent supplementing (NULL while that supplement is still awaited: the clock is
    # stopped), whether a closed dossier was finished by it, and its handling time net of it.
    service_due_on = Date(null=True, default=None)  # indexed with received_on: dossier_service_due_on
    service_on_time = Boolean(null=True, default=None)
    handling_minutes = Integer(null=True, default=None)


class ImportJob(Table):
    """A bulk import running in the background: its state and counts, for the API to show."""

    kind = Varchar(length=32)
    filename = Varchar(length=255)
    state = Varchar(length=16)
    keep_valid = Boolean(default=False)
    requested_by = ForeignKey(Account, null=True, on_delete=OnDelete.restrict)
    rows_done = Integer(default=0)
    read_fraction = DoublePrecision(default=0)  # how far through the file reading has got (0 to 1)
    rows_rejected = Integer(default=0)
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    errors = JSON(default=[])
    message = Text(default="")
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class TallyMeasures:
    """Counts of dossier events on one day (or month) for one key: what happened that day, so
    that any period's figures are sums (models.dossiers.tallies explains each count)."""

    received = Integer(default=0)
    received_cashless = Integer(default=0)
    closed_early = Integer(default=0)
    closed_on_time = Integer(default=0)
    closed_late = Integer(default=0)
    closed_returned = Integer(default=0)
    closed_withdrawn = Integer(default=0)
    overdue_started = Integer(default=0)
    overdue_ended = Integer(default=0)
    apology_due_started = Integer(default=0)
    apology_due_ended = Integer(default=0)
    late_apologised = Integer(default=0)


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# dossier_tally_key: unique (day, unit, procedure, channel).
class DossierTally(TallyMeasures, Table):
    """Dossier events by day, unit, procedure and channel (unique together): answers every
    scope and grouping."""

    day = Date()
    unit = Integer()
    procedure = Integer()
    channel = Varchar(length=8)


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# dossier_unit_day_key: unique (day, unit, level, channel).
class DossierUnitDay(TallyMeasures, Table):
    """The same events by day, unit, procedure level and channel: the statistics that name no
    field or procedure read this much smaller table."""

    day = Date()
    unit = Integer()
    level = Varchar(length=16)
    channel = Varchar(length=8)


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# dossier_unit_month_key: unique (day, unit, level, channel).
class DossierUnitMonth(TallyMeasures, Table):
    """DossierUnitDay summed by calendar month (``day`` is the month's first day): a period's
    whole months and the months of its first year before it are read here, only its edge days
    by day."""

    day = Date()
    unit = Integer()
    level = Varchar(length=16)
    channel = Varchar(length=8)


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# dossier_unit_year_key: unique (day, unit, level, channel).
class DossierUnitYear(TallyMeasures, Table):
    """DossierUnitDay summed by calendar year (``day`` is 1 January): the years before a
    period's first year, so that its history costs a row per year, not one per month."""

    day = Date()
    unit = Integer()
    level = Varchar(length=16)
    channel = Varchar(length=8)


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# dossier_late_apology_key: unique (closed_on, apology_on, unit, procedure, channel).
class DossierLateApology(Table):
    """Dossiers resolved late whose apology was issued after the result (rare; a period counts
    them only when both dates are known): counts by both dates, unit, procedure and channel."""

    closed_on = Date()
    apology_on = Date()
    unit = Integer()
    procedure = Integer()
    channel = Varchar(length=8)
    dossiers = Integer(default=0)


class ServiceMeasures:
    """Counts of the Decision 766 service index (models.dossiers.service_tally explains each)."""

    received = Integer(default=0)
    on_time_closed = Integer(default=0)
    online_submission_applies = Integer(default=0)
    online_submission_meets = Integer(default=0)
    online_payment_applies = Integer(default=0)
    online_payment_meets = Integer(default=0)
    online_payment_unknown = Integer(default=0)
    electronic_result_applies = Integer(default=0)
    electronic_result_meets = Integer(default=0)
    electronic_result_unknown = Integer(default=0)
    digitised_applies = Integer(default=0)
    digitised_meets = Integer(default=0)
    digitised_unknown = Integer(default=0)
    reused_data_applies = Integer(default=0)
    reused_data_meets = Integer(default=0)
    reused_data_unknown = Integer(default=0)
    handled = Integer(default=0)
    handling_minutes = BigInt(default=0)


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# dossier_service_tally_key: unique (month, unit, closed_month, due_month, supplemented_twice).
class DossierServiceTally(ServiceMeasures, Table):
    """Dossiers by the month they were received, their unit, the month they were closed and
    the month their appointment falls in (month numbers: year × 12 + month − 1; 999999 for
    never) and whether they were asked to supplement twice: enough to judge each one at the
    end of any month."""

    month = Integer()
    unit = Integer()
    closed_month = Integer()
    due_month = Integer()
    supplemented_twice = Boolean()


# Unique key, an index made by the migrations (why: COMPOSITE_UNIQUE in piccolo_app.py):
# dossier_service_procedure_tally_key: unique (month, procedure, closed_month, due_month, supplemented_twice).
class DossierServiceProcedureTally(ServiceMeasures, Table):
    """The same counts by procedure instead of unit: the list by procedure (the average
    handling time of each) for the province."""

    month = Integer()
    procedure = Integer()
    closed_month = Integer()
    due_month = Integer()
    supplemented_twice = Boolean()


TABLES = (
    Dossier,
    ImportJob,
    DossierTally,
    DossierUnitDay,
    DossierUnitMonth,
    DossierUnitYear,
    DossierLateApology,
    DossierServiceTally,
    DossierServiceProcedureTally,
)
