"""Dossier statistics read one covering index (unit first, then every column they test)
instead of the wide rows; it replaces the plain index on unit."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey
from piccolo.table import Table

ID = "2026-11-24T01:07:55:369776"
VERSION = "1.38.0"
DESCRIPTION = "covering index for dossier statistics"

CREATE = (
    "CREATE INDEX dossier_stats_cover ON dossier (unit, received_on, closed_on, due_on, "
    '"procedure", channel, outcome, timeliness, cashless, apology_issued_on)'
)


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Dossier",
        tablename="dossier",
        column_name="unit",
        db_column_name="unit",
        params={"index": False},
        old_params={"index": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    async def create_index():
        await RawTable.raw(CREATE)

    async def drop_index():
        await RawTable.raw("DROP INDEX dossier_stats_cover")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
