"""The Decision 766 service-index fields of a dossier, all NULL ("the source did not say") for
the dossiers already stored, and their derived timing computed for those rows as the import
derives it when there is no supplement data (models.dossiers.records.service_timing): the
appointment is the deadline, a closed dossier is on time when finished by it, and its handling
time is from receipt to result (whole minutes). Re-importing their file then changes nothing."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-30T12:06:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "derived Decision 766 timing of the dossiers already stored"

MINUTES = {
    False: "CAST(ROUND((julianday(resolved_at) - julianday(received_at)) * 86400) AS INTEGER) / 60",
    True: "CAST(FLOOR(EXTRACT(EPOCH FROM resolved_at - received_at) / 60) AS INTEGER)",
}


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def derive_timing():
        postgres = isinstance(RawTable._meta.db, PostgresEngine)
        await RawTable.raw(
            "UPDATE dossier SET service_due_on = due_on, "
            "service_on_time = CASE WHEN resolved_at IS NULL THEN NULL ELSE resolved_at <= due_at END, "
            f"handling_minutes = CASE WHEN resolved_at IS NULL THEN NULL ELSE {MINUTES[postgres]} END"
        )

    manager.add_raw(derive_timing)
    return manager
