"""A covering index for plan summaries: the grouped count reads only the index."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T23:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering index for plan summaries"

CREATE = (
    "CREATE INDEX task_summary_cover ON task "
    "(plan, area, lead_unit, status, deadline, completed_on, progress, weight)"
)


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def create_index():
        await RawTable.raw(CREATE)

    async def drop_index():
        await RawTable.raw("DROP INDEX task_summary_cover")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
