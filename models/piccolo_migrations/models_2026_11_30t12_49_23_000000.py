"""The yearly unit tally is unique by its key (its upserts rely on it), and is filled by summing
the monthly one: a statistic's history before its first year reads a row per year."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-30T12:49:23:000000"
VERSION = "1.38.0"
DESCRIPTION = "yearly unit tally key, filled from the monthly tally"

KEY = "CREATE UNIQUE INDEX dossier_unit_year_key ON dossier_unit_year (day, unit, level, channel)"
# The measures as they are at this migration (a later measure comes with its own migration).
MEASURES = (
    "received, received_cashless, closed_early, closed_on_time, closed_late, closed_returned, "
    "closed_withdrawn, overdue_started, overdue_ended, apology_due_started, apology_due_ended, late_apologised"
)


class RawTable(Table):
    pass


def fill(postgres: bool) -> str:
    year = "CAST(date_trunc('year', day) AS date)" if postgres else "substr(day, 1, 5) || '01-01'"
    sums = ", ".join(f"SUM({name.strip()})" for name in MEASURES.split(","))
    return (
        f"INSERT INTO dossier_unit_year (day, unit, level, channel, {MEASURES}) "
        f"SELECT {year}, unit, level, channel, {sums} FROM dossier_unit_month GROUP BY {year}, unit, level, channel"
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def create_key_and_fill():
        await RawTable.raw(KEY)
        await RawTable.raw(fill(isinstance(RawTable._meta.db, PostgresEngine)))

    async def drop_key():
        await RawTable.raw("DROP INDEX dossier_unit_year_key")

    manager.add_raw(create_key_and_fill)
    manager.add_raw_backwards(drop_key)
    return manager
