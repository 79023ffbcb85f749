"""A service-index period that does not end on a month's last day reads from the dossier rows
the whole months' dossiers closed, or due, in the month it ends in
(models.service_index.service.pending_in_rows): indexes by closed_on and by service_due_on find
them, with received_on beside each so the months received are checked in the index."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "dossier indexes by closed_on and by service_due_on"

INDEXES = {
    "dossier_closed_on": "dossier (closed_on, received_on)",
    "dossier_service_due_on": "dossier (service_due_on, received_on)",
}


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def create_indexes():
        for name, columns in INDEXES.items():
            await RawTable.raw(f"CREATE INDEX {name} ON {columns}")

    async def drop_indexes():
        for name in INDEXES:
            await RawTable.raw(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
