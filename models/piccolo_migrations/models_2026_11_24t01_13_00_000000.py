"""The keys that make reports and scheduled jobs happen once: a version per (kind, period,
scope); one scheduled run per (kind, period, scope); one run per schedule firing; one draft
per (kind, period, scope)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-24T01:13:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique keys for report runs, drafts and job runs"

INDEXES = {
    "report_run_version": "CREATE UNIQUE INDEX report_run_version ON report_run (kind, period_key, scope_key, version)",
    "report_run_scheduled": (
        "CREATE UNIQUE INDEX report_run_scheduled ON report_run (kind, period_key, scope_key) "
        "WHERE trigger = 'schedule'"
    ),
    "report_draft_key": "CREATE UNIQUE INDEX report_draft_key ON report_draft (kind, period_key, scope_key)",
    "job_run_firing": "CREATE UNIQUE INDEX job_run_firing ON job_run (schedule_key, fire_time)",
}


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def create_indexes():
        for statement in INDEXES.values():
            await RawTable.raw(statement)

    async def drop_indexes():
        for name in INDEXES:
            await RawTable.raw(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
