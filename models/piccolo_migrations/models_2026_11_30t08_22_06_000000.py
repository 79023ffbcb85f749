"""Each dossier tally is unique by its key (the upserts of models.dossiers.tallies rely on
it); the tallies of the dossiers already stored are then computed from them."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

from models.dossiers.tallies import FINE, UNIT_DAY, UNIT_MONTH, rebuild_tallies

ID = "2026-11-30T08:22:06:000000"
VERSION = "1.38.0"
DESCRIPTION = "dossier tally keys, filled from the stored dossiers"

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

    async def create_keys_and_fill():
        for name, columns in KEYS.items():
            await RawTable.raw(f"CREATE UNIQUE INDEX {name} ON {columns}")
        await rebuild_tallies((FINE, UNIT_DAY, UNIT_MONTH))  # the tally tables of this migration's time

    async def drop_keys():
        for name in KEYS:
            await RawTable.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_keys_and_fill)
    manager.add_raw_backwards(drop_keys)
    return manager
