"""The service-index tally by procedure is unique by its key (its upserts rely on it).
The tallies of the dossiers already stored are computed by ``cchc migrate`` once every
migration has run (models.dossiers.aggregates.FILLED_AFTER names this one): code called from
here would follow the schema of its day, not this migration's."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:19:47:000000"
VERSION = "1.38.0"
DESCRIPTION = "service-index tally by procedure: key"

KEY = (
    "CREATE UNIQUE INDEX dossier_service_procedure_tally_key ON dossier_service_procedure_tally "
    '(month, "procedure", closed_month, due_month, supplemented_twice)'
)


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def create_key():
        await RawTable.raw(KEY)

    async def drop_key():
        await RawTable.raw("DROP INDEX dossier_service_procedure_tally_key")

    manager.add_raw(create_key)
    manager.add_raw_backwards(drop_key)
    return manager
