"""The service-index tally is unique by its key (its upserts rely on it); it is then filled
from the dossiers already stored."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

from models.dossiers.service_tally import BY_UNIT, rebuild_service_tally

ID = "2026-11-30T12:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "service-index tally key, filled from the stored dossiers"

KEY = (
    "CREATE UNIQUE INDEX dossier_service_tally_key ON dossier_service_tally "
    '(month, unit, closed_month, due_month, supplemented_twice)'
)


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def create_key_and_fill():
        await RawTable.raw(KEY)
        await rebuild_service_tally((BY_UNIT,))

    async def drop_key():
        await RawTable.raw("DROP INDEX dossier_service_tally_key")

    manager.add_raw(create_key_and_fill)
    manager.add_raw_backwards(drop_key)
    return manager
