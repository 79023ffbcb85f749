"""The Decision 766 service index's counts by received month, kept in the same transaction as
the dossier rows (like models.dossiers.tallies), so a month, quarter or year of the index reads
a few thousand rows instead of every dossier.

An indicator judges each dossier received in the period at the period's end (FORMATS.md). For
a period ending on a month's last day that judgement needs only months: a dossier is closed by
the end when it was closed in that month or before, and its appointment has passed when it
falls in that month or before. So a dossier is counted under (month received, unit, month
closed, month of its appointment, asked to supplement twice), with counts of what never depends
on the period: its E-free conditions from models.service_index.indicators (those of resolved
dossiers counted apart, gated by the month closed when read). ``on_time_closed`` counts the
closed ones finished by their appointment; an open one is on time exactly when its row says
neither "twice" nor an appointment month already passed.

Writers (models.dossiers.ingest) run ``change_statements`` in the transaction that upserts a
stage of rows; ``rebuild`` recomputes the table from the rows and says how many keys differed.
"""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.engine.postgres import PostgresEngine

from core.db import write_transaction
from models.dossiers.tables import Dossier, ServiceMeasures
from models.dossiers.tallies import Changes, Dialect, any_nonzero, signed_changes, sums
from models.service_index.indicators import (
    DOSSIER_INDICATORS,
    ON_TIME,
    ON_TIME_WHEN_CLOSED,
    RESOLVED,
    SUPPLEMENTED_TWICE,
)


@dataclass(frozen=True)
class ServiceGrain:
    """A service tally and the dossier column it is kept by besides the months (a unit, or a
    procedure for the list by procedure)."""

    table: str
    dimension: str

    @property
    def keys(self) -> tuple[str, ...]:
        return ("month", self.dimension, "closed_month", "due_month", "supplemented_twice")


BY_UNIT = ServiceGrain("dossier_service_tally", "unit")
BY_PROCEDURE = ServiceGrain("dossier_service_procedure_tally", "procedure")
GRAINS = (BY_UNIT, BY_PROCEDURE)
MEASURES = tuple(name for name in vars(ServiceMeasures) if not name.startswith("_"))
NEVER = 999_999  # the month of a dossier still open, or of an appointment not running
# The dossier columns the counts read: a change elsewhere changes nothing here.
SOURCE_COLUMNS = (
    "unit",
    "procedure",
    "received_on",
    "closed_on",
    "service_due_on",
    "supplement_requests",
    "outcome",
    "channel",
    "fee_bearing",
    "paid_online",
    "electronic_result",
    "digitised",
    "reused_data",
    "service_on_time",
    "handling_minutes",
)


def month_number(day: str, postgres: bool) -> str:
    """year × 12 + month − 1 of a date column (NEVER when it is NULL)."""
    if postgres:
        number = f"CAST(EXTRACT(YEAR FROM {day}) * 12 + EXTRACT(MONTH FROM {day}) - 1 AS INTEGER)"
    else:
        number = f"(CAST(substr({day}, 1, 4) AS INTEGER) * 12 + CAST(substr({day}, 6, 2) AS INTEGER) - 1)"
    return f"COALESCE({number}, {NEVER})"


def _signed(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN sign ELSE 0 END)"


def _measure_sums() -> dict[str, str]:
    """Each measure as a signed sum over ``tally_rows d`` (the indicators' conditions)."""
    sums = {"received": "SUM(sign)", "on_time_closed": _signed(ON_TIME_WHEN_CLOSED)}
    for indicator in DOSSIER_INDICATORS:
        if indicator is ON_TIME:
            continue
        gate = f"{RESOLVED} AND " if indicator.resolved else ""
        sums[f"{indicator.key}_applies"] = _signed(gate + indicator.applies)
        sums[f"{indicator.key}_meets"] = _signed(f"{gate}{indicator.applies} AND {indicator.meets}")
        if indicator.unknown:
            sums[f"{indicator.key}_unknown"] = _signed(gate + indicator.unknown)
    sums["handled"] = _signed("d.handling_minutes IS NOT NULL")
    sums["handling_minutes"] = "SUM(sign * COALESCE(d.handling_minutes, 0))"
    assert set(sums) == set(MEASURES), "every measure of the table is counted"
    return {name: sums[name] for name in MEASURES}


def _key_sql(postgres: bool) -> dict[str, str]:
    """Every key a service tally can be kept by, as SQL over ``d`` (a dossier row)."""
    return {
        "month": month_number("d.received_on", postgres),
        "unit": 'd."unit"',
        "procedure": 'd."procedure"',
        "closed_month": month_number("d.closed_on", postgres),
        "due_month": month_number("d.service_due_on", postgres),
        "supplemented_twice": f"({SUPPLEMENTED_TWICE})",
    }


def tally_select(keys: tuple[str, ...], source: str, postgres: bool) -> str:
    """The tally rows (``keys`` and measures) of the signed dossier rows in ``source``."""
    key_sql = {name: sql for name, sql in _key_sql(postgres).items() if name in keys}
    select = [f"{sql} AS {name}" for name, sql in key_sql.items()]
    select += [f"{sql} AS {name}" for name, sql in _measure_sums().items()]
    return f"SELECT {', '.join(select)} FROM {source} d GROUP BY {', '.join(key_sql.values())}"


def _rolled_up(grain: ServiceGrain, delta: str) -> str:
    """``grain``'s rows summed from a tally kept by both unit and procedure."""
    keys = _quoted(grain.keys)
    return f"SELECT {keys}, {sums(MEASURES)} FROM {delta} GROUP BY {keys}"


def _quoted(names) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _add(grain: ServiceGrain, select: str) -> str:
    additions = ", ".join(f"{name} = {grain.table}.{name} + excluded.{name}" for name in MEASURES)
    return (
        f"INSERT INTO {grain.table} ({_quoted((*grain.keys, *MEASURES))}) SELECT * FROM ({select}) AS delta "
        f"WHERE true ON CONFLICT ({_quoted(grain.keys)}) DO UPDATE SET {additions}"
    )


def change_statements(dialect: Dialect, stage: str) -> Changes:
    """What brings the tally in step with an upsert of ``stage`` into ``dossier``, in the same
    transaction: the rows about to change are subtracted, the staged ones added (rows that
    will not change are skipped)."""
    # The conditions are evaluated once a row, by unit and procedure at once (a year's 1.2
    # million rows fall into some 170,000 such keys), and each grain is summed from that.
    both = tuple(dict.fromkeys((*BY_UNIT.keys, *BY_PROCEDURE.keys)))
    changed = f"({signed_changes(dialect, stage, SOURCE_COLUMNS)})"
    return Changes(
        compute=tuple(dialect.temp_table("service_delta", tally_select(both, changed, dialect.postgres))),
        apply=tuple(_add(grain, _rolled_up(grain, "service_delta")) for grain in GRAINS),
        cleanup=(dialect.drop("service_delta"),),
    )


def _from_rows(grain: ServiceGrain, postgres: bool) -> str:
    return tally_select(grain.keys, f"(SELECT {_quoted(SOURCE_COLUMNS)}, 1 AS sign FROM dossier)", postgres)


async def rebuild(grain: ServiceGrain, postgres: bool, execute, fetch) -> int:
    """Recompute a tally from the dossier rows (in the caller's write transaction), replace
    it, and return how many keys differed (a row missing, extra or with other counts)."""
    columns = _quoted((*grain.keys, *MEASURES))
    nonzero = any_nonzero(f"x.{name}" for name in MEASURES)
    expected = f"SELECT {columns} FROM ({_from_rows(grain, postgres)}) AS x WHERE {nonzero}"
    stored = f"SELECT {columns} FROM {grain.table} x WHERE {nonzero}"
    keys = _quoted(grain.keys)
    rows = await fetch(
        f"SELECT COUNT(*) AS n FROM (SELECT {keys} FROM ({expected} EXCEPT {stored}) AS missing "
        f"UNION SELECT {keys} FROM ({stored} EXCEPT {expected}) AS extra) AS differing"
    )
    await execute(f"DELETE FROM {grain.table}")
    await execute(_add(grain, _from_rows(grain, postgres)))
    return int(rows[0]["n"])


async def rebuild_service_tally() -> dict[str, int]:
    """``rebuild`` of each grain in a write transaction of the dossiers' database: how many keys
    differed, by table."""
    engine = Dossier._meta.db
    postgres = isinstance(engine, PostgresEngine)
    async with write_transaction(engine):
        return {grain.table: await rebuild(grain, postgres, Dossier.raw, Dossier.raw) for grain in GRAINS}
