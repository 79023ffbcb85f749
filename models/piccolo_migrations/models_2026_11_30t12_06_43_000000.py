"""One run per request key and report (kind, period, scope): the unique index behind
reports.runs._insert_run's look-up (a partial index: runs without a key are not concerned)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T12:06:43:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique request key per report run"

INDEX = "report_run_request"
CREATE = (
    f"CREATE UNIQUE INDEX {INDEX} ON report_run (kind, period_key, scope_key, request_key) "
    "WHERE request_key <> ''"
)


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def create_index():
        await RawTable.raw(CREATE)

    async def drop_index():
        await RawTable.raw(f"DROP INDEX {INDEX}")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
