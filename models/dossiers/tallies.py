"""Dossier tallies: counts of dossier events by day, kept in the same transaction as the rows.

A dossier contributes events on up to four days, each a count in the tally of its unit,
procedure and channel:

- on ``received_on``: ``received`` (and ``received_cashless``);
- on ``closed_on``: one ``closed_<class>`` (early, on time, late, returned, withdrawn);
- the interval it is overdue at a day's end, ``[due_on, closed_on)`` when not empty:
  ``overdue_started`` on due_on, ``overdue_ended`` on closed_on;
- the interval it is overdue with an apology issued, ``[max(due_on, apology), closed_on)``:
  ``apology_due_started`` / ``apology_due_ended``;
- ``late_apologised`` on closed_on for a late result whose apology came no later than it.

A period's figures are then sums: flows over its days, and balances at a day's end (open,
overdue) as the sum of every event up to that day, since a dossier is open at the end of
day E exactly when ``received_on <= E < closed_on``. The one figure that needs two dates at
once, a late result apologised only after it, is counted by both dates in
``dossier_late_apology``.

Writers (the bulk import and the push, models.dossiers.ingest) run ``change_statements`` in the
transaction that writes the rows: the old rows' events are subtracted and the new ones added.
``rebuild`` recomputes everything from the rows and reports what differed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from piccolo.engine.postgres import PostgresEngine

from core.db import write_transaction
from models.dossiers.tables import Dossier, TallyMeasures
from models.vocabulary import DossierOutcome, Timeliness

MEASURES = tuple(name for name in vars(TallyMeasures) if not name.startswith("_"))
# The dossier columns the events read: a change elsewhere (apology_new_due) changes no tally.
SOURCE_COLUMNS = (
    "unit",
    "procedure",
    "channel",
    "received_on",
    "due_on",
    "closed_on",
    "apology_issued_on",
    "timeliness",
    "outcome",
    "cashless",
)
_CLOSED_CLASS = {
    "closed_early": f"timeliness = '{Timeliness.EARLY}'",
    "closed_on_time": f"timeliness = '{Timeliness.ON_TIME}'",
    "closed_late": f"timeliness = '{Timeliness.LATE}'",
    "closed_returned": f"outcome = '{DossierOutcome.RETURNED}'",
    "closed_withdrawn": f"outcome = '{DossierOutcome.WITHDRAWN}'",
}


@dataclass(frozen=True)
class Grain:
    """A tally table and the keys it is summed by; a ``span`` of month or year keys its rows
    by the span's first day."""

    table: str
    keys: tuple[str, ...]
    span: str = "day"


FINE = Grain("dossier_tally", ("day", "unit", "procedure", "channel"))
UNIT_DAY = Grain("dossier_unit_day", ("day", "unit", "level", "channel"))
UNIT_MONTH = Grain("dossier_unit_month", ("day", "unit", "level", "channel"), span="month")
UNIT_YEAR = Grain("dossier_unit_year", ("day", "unit", "level", "channel"), span="year")
GRAINS = (FINE, UNIT_DAY, UNIT_MONTH, UNIT_YEAR)
LATE_KEYS = ("closed_on", "apology_on", "unit", "procedure", "channel")


@dataclass(frozen=True)
class Dialect:
    """The few spellings SQLite and PostgreSQL disagree on."""

    postgres: bool
    # SQLite: the schema the working tables go in; an attached file's shares them with
    # another connection (models.dossiers.ingest works a big import's changes out on one).
    scratch: str = "temp"

    def greatest(self, left: str, right: str) -> str:
        return f"GREATEST({left}, {right})" if self.postgres else f"MAX({left}, {right})"

    def first_day(self, span: str, day: str) -> str:
        """The first day of the month or year of ``day``."""
        if self.postgres:
            return f"CAST(date_trunc('{span}', {day}) AS date)"
        return f"substr({day}, 1, 8) || '01'" if span == "month" else f"substr({day}, 1, 5) || '01-01'"

    def distinct(self) -> str:
        return "IS DISTINCT FROM" if self.postgres else "IS NOT"

    def unindexed(self, column: str) -> str:
        """``column`` where SQLite must not search by its index: without statistics of ranges,
        SQLite would read the received_on index over whole months rather than a narrower one
        (closed_on, service_due_on) over a day or a month (a unary + hides a column from the
        planner; PostgreSQL, which has the statistics, needs no hint)."""
        return column if self.postgres else f"+{column}"

    def temp_table(self, name: str, select: str) -> list[str]:
        if self.postgres:
            return [f"DROP TABLE IF EXISTS {name}", f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {select}"]
        return [
            f"DROP TABLE IF EXISTS {self.scratch}.{name}",
            f"CREATE TABLE {self.scratch}.{name} AS {select}",
        ]

    def drop(self, name: str) -> str:
        return (
            f"DROP TABLE IF EXISTS {name}" if self.postgres else f"DROP TABLE IF EXISTS {self.scratch}.{name}"
        )


@dataclass(frozen=True)
class Changes:
    """Statements that bring tallies in step with an upsert of a stage, in its transaction:
    ``compute`` works the changes out into working tables, reading the stage and the rows as
    they were before the upsert; ``apply`` adds them to the tallies (before or after the
    upsert); ``cleanup`` drops the working tables."""

    compute: tuple[str, ...]
    apply: tuple[str, ...]
    cleanup: tuple[str, ...]

    def __add__(self, other: Changes) -> Changes:
        return Changes(self.compute + other.compute, self.apply + other.apply, self.cleanup + other.cleanup)

    @property
    def in_order(self) -> tuple[str, ...]:
        """All of them on one connection, before the upsert."""
        return self.compute + self.apply + self.cleanup


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN sign ELSE 0 END"


def _event(day: str, where: str, values: dict[str, str]) -> str:
    columns = ", ".join(f"{values.get(name, '0')} AS {name}" for name in MEASURES)
    return f'SELECT {day} AS day, unit, "procedure", channel, {columns} FROM tally_source WHERE {where}'


def _events(dialect: Dialect) -> str:
    """Every event of the rows in ``tally_source`` (their columns and a ``sign``), as rows."""
    apology_from = dialect.greatest("due_on", "apology_issued_on")
    return " UNION ALL ".join(
        (
            _event("received_on", "true", {"received": "sign", "received_cashless": _flag("cashless")}),
            _event(
                "closed_on",
                "closed_on IS NOT NULL",
                {
                    **{name: _flag(condition) for name, condition in _CLOSED_CLASS.items()},
                    "overdue_ended": _flag("closed_on > due_on"),
                    "apology_due_ended": _flag(
                        f"apology_issued_on IS NOT NULL AND closed_on > {apology_from}"
                    ),
                    "late_apologised": _flag(
                        f"timeliness = '{Timeliness.LATE}' AND apology_issued_on <= closed_on"
                    ),
                },
            ),
            _event("due_on", "closed_on IS NULL OR closed_on > due_on", {"overdue_started": "sign"}),
            _event(
                apology_from,
                f"apology_issued_on IS NOT NULL AND (closed_on IS NULL OR closed_on > {apology_from})",
                {"apology_due_started": "sign"},
            ),
        )
    )


def sums(measures: tuple[str, ...] = MEASURES, prefix: str = "") -> str:
    """``SUM(name) AS name`` of each measure (of ``prefix``'s table)."""
    return ", ".join(f"SUM({prefix}{name}) AS {name}" for name in measures)


def any_nonzero(values) -> str:
    """SQL true when any of ``values`` (SQL expressions) is not zero."""
    return " OR ".join(f"{value} <> 0" for value in values)


def _summed_nonzero() -> str:
    """A HAVING condition that leaves out groups whose every sum is zero: a dossier updated
    without a change to some day's events subtracts and adds the same counts there, and
    adding zeros would only rewrite the stored rows."""
    return any_nonzero(f"SUM({name})" for name in MEASURES)


def _delta_statements(dialect: Dialect) -> list[str]:
    """From ``tally_source``, the signed changes by day, unit, procedure and channel
    (``tally_delta``), the same by unit and level (``unit_delta``, which the month tally sums
    in turn) and the late results apologised after them (``late_delta``), in temp tables."""
    fine = (
        f'SELECT day, unit, "procedure", channel, {sums()} FROM ({_events(dialect)}) events '
        f'GROUP BY day, unit, "procedure", channel HAVING {_summed_nonzero()}'
    )
    by_unit = (
        f"SELECT t.day, t.unit, p.level, t.channel, {sums(prefix='t.')} FROM tally_delta t "
        'JOIN admin_procedure p ON p.id = t."procedure" GROUP BY t.day, t.unit, p.level, t.channel'
    )
    late = (
        'SELECT closed_on, apology_issued_on AS apology_on, unit, "procedure", channel, SUM(sign) AS dossiers '
        f"FROM tally_source WHERE timeliness = '{Timeliness.LATE}' AND apology_issued_on > closed_on "
        'GROUP BY closed_on, apology_issued_on, unit, "procedure", channel'
    )
    return [
        *dialect.temp_table("tally_delta", fine),
        *dialect.temp_table("unit_delta", by_unit),
        *dialect.temp_table("late_delta", late),
    ]


def rollup_select(grain: Grain, dialect: Dialect) -> str:
    """The delta (or, when rebuilding, the expected tally) of ``grain``."""
    if grain is FINE:
        return f'SELECT day, unit, "procedure", channel, {", ".join(MEASURES)} FROM tally_delta WHERE true'
    if grain.span == "day":
        return f"SELECT day, unit, level, channel, {', '.join(MEASURES)} FROM unit_delta WHERE true"
    first = dialect.first_day(grain.span, "day")
    return (
        f"SELECT {first} AS day, unit, level, channel, {sums()} FROM unit_delta "
        f"WHERE true GROUP BY {first}, unit, level, channel"
    )


def _quoted(names) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _add_statements(dialect: Dialect) -> list[str]:
    """Add the deltas to the stored tallies."""
    statements = []
    for grain in GRAINS:
        additions = ", ".join(f"{name} = {grain.table}.{name} + excluded.{name}" for name in MEASURES)
        statements.append(
            f"INSERT INTO {grain.table} ({_quoted((*grain.keys, *MEASURES))}) {rollup_select(grain, dialect)} "
            f"ON CONFLICT ({_quoted(grain.keys)}) DO UPDATE SET {additions}"
        )
    statements.append(
        f"INSERT INTO dossier_late_apology ({_quoted((*LATE_KEYS, 'dossiers'))}) "
        f"SELECT {_quoted((*LATE_KEYS, 'dossiers'))} FROM late_delta WHERE true "
        f"ON CONFLICT ({_quoted(LATE_KEYS)}) DO UPDATE SET dossiers = dossier_late_apology.dossiers + excluded.dossiers"
    )
    return statements


def _cleanup(dialect: Dialect) -> list[str]:
    return [dialect.drop(name) for name in ("tally_source", "tally_delta", "unit_delta", "late_delta")]


def signed_changes(dialect: Dialect, stage: str, columns: tuple[str, ...]) -> str:
    """``columns`` of the stored rows an upsert of ``stage`` is about to change (``sign`` −1)
    and of the staged rows that change them or are new (+1); rows whose ``columns`` stay the
    same are left out."""
    changed = " OR ".join(f'd."{name}" {dialect.distinct()} s."{name}"' for name in columns)
    old = ", ".join(f'd."{name}"' for name in columns)
    new = ", ".join(f's."{name}"' for name in columns)
    return (
        f"SELECT {old}, -1 AS sign FROM dossier d JOIN {stage} s ON s.code = d.code WHERE {changed} "
        f"UNION ALL SELECT {new}, 1 AS sign FROM {stage} s LEFT JOIN dossier d ON d.code = s.code "
        f"WHERE d.code IS NULL OR {changed}"
    )


def change_statements(dialect: Dialect, stage: str) -> Changes:
    """What brings the tallies in step with an upsert of ``stage`` into ``dossier``, in the
    same transaction: the events of the rows about to change are subtracted, those of the
    staged rows added (rows that will not change are skipped)."""
    return Changes(
        compute=(
            *dialect.temp_table("tally_source", signed_changes(dialect, stage, SOURCE_COLUMNS)),
            *_delta_statements(dialect),
        ),
        apply=tuple(_add_statements(dialect)),
        cleanup=tuple(_cleanup(dialect)),
    )


# --- rebuilding ---------------------------------------------------------------------------------


def _stored(grain: Grain) -> str:
    return f"SELECT {_quoted((*grain.keys, *MEASURES))} FROM {grain.table} WHERE {any_nonzero(MEASURES)}"


def _difference(expected: str, stored: str, keys: tuple[str, ...]) -> str:
    """How many keys have a stored row missing, extra or with other counts."""
    columns = _quoted(keys)
    return (
        f"SELECT COUNT(*) AS n FROM (SELECT {columns} FROM ({expected} EXCEPT {stored}) AS missing "
        f"UNION SELECT {columns} FROM ({stored} EXCEPT {expected}) AS extra) AS differing"
    )


def _expected_nonzero(grain: Grain, dialect: Dialect) -> str:
    nonzero = any_nonzero(f"x.{name}" for name in MEASURES)
    return f"SELECT {_quoted((*grain.keys, *MEASURES))} FROM ({rollup_select(grain, dialect)}) AS x WHERE {nonzero}"


LATE_STORED = f"SELECT {_quoted((*LATE_KEYS, 'dossiers'))} FROM dossier_late_apology WHERE dossiers <> 0"
LATE_EXPECTED = f"SELECT {_quoted((*LATE_KEYS, 'dossiers'))} FROM late_delta WHERE dossiers <> 0"
TALLY_TABLES = (*(grain.table for grain in GRAINS), "dossier_late_apology")

Fetch = Callable[[str], Awaitable[list[dict]]]
Execute = Callable[[str], Awaitable[object]]


async def rebuild(dialect: Dialect, execute: Execute, fetch: Fetch) -> dict[str, int]:
    """Recompute every tally from the dossier rows (inside the caller's write transaction),
    replace the stored ones, and return, per table, how many keys differed (a row missing,
    extra or with other counts); all zeros when the tallies were in step."""
    source = f"SELECT {_quoted(SOURCE_COLUMNS)}, 1 AS sign FROM dossier"
    for statement in (*dialect.temp_table("tally_source", source), *_delta_statements(dialect)):
        await execute(statement)
    differences = {}
    for grain in GRAINS:
        rows = await fetch(_difference(_expected_nonzero(grain, dialect), _stored(grain), grain.keys))
        differences[grain.table] = int(rows[0]["n"])
    rows = await fetch(_difference(LATE_EXPECTED, LATE_STORED, LATE_KEYS))
    differences["dossier_late_apology"] = int(rows[0]["n"])
    for table in TALLY_TABLES:
        await execute(f"DELETE FROM {table}")
    for statement in (*_add_statements(dialect), *_cleanup(dialect)):
        await execute(statement)
    return differences


def dialect_of(engine) -> Dialect:
    return Dialect(postgres=isinstance(engine, PostgresEngine))


async def rebuild_tallies() -> dict[str, int]:
    """``rebuild`` in a write transaction of the dossiers' database."""
    engine = Dossier._meta.db
    async with write_transaction(engine):
        return await rebuild(dialect_of(engine), Dossier.raw, Dossier.raw)
