"""Each dossier tally is unique by its key (the upserts of models.dossiers.tallies rely on
it). The tallies of the dossiers already stored are computed by ``cchc migrate`` once every
migration has run (models.dossiers.aggregates.FILLED_AFTER names this one): code called from
here would follow the schema of its day, not this migration's."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T08:22:06:000000"
VERSION = "1.38.0"
DESCRIPTION = "dossier tally keys"

KEYS = {
    "dossier_tally_key": 'dossier_tally (day, unit, "procedure", channel)',
    "dossier_unit_day_key": "dossier_unit_day (day, unit, level, channel)",
    "dossier_unit_month_key": "dossier_unit_month (day, unit, level, channel)",
    "dossier_late_apology_key": 'dossier_late_apology (closed_on, apology_on, unit, "procedure", channel)',
}


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def create_keys():
        for name, columns in KEYS.items():
            await RawTable.raw(f"CREATE UNIQUE INDEX {name} ON {columns}")

    async def drop_keys():
        for name in KEYS:
            await RawTable.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_keys)
    manager.add_raw_backwards(drop_keys)
    return manager
