"""Constraints Piccolo's column API cannot express: one active plan per year, unique task
codes within a plan, and the index the as-of-date summaries read history through."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T22:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "plan and task constraints, history index"

STATEMENTS = (
    "CREATE UNIQUE INDEX plan_one_active_per_year ON plan (year) WHERE status = 'active'",
    "CREATE UNIQUE INDEX task_code_per_plan ON task (plan, code)",
    "CREATE UNIQUE INDEX task_coordinator_pair ON task_coordinator (task, unit)",
    "CREATE INDEX task_event_plan_time ON task_event (plan, changed_at, task)",
    "CREATE UNIQUE INDEX task_event_task_version ON task_event (task, version)",
)

DROPS = (
    "DROP INDEX task_event_task_version",
    "DROP INDEX task_event_plan_time",
    "DROP INDEX task_coordinator_pair",
    "DROP INDEX task_code_per_plan",
    "DROP INDEX plan_one_active_per_year",
)


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)

    async def create_constraints():
        for statement in STATEMENTS:
            await RawTable.raw(statement)

    async def drop_constraints():
        for statement in DROPS:
            await RawTable.raw(statement)

    manager.add_raw(create_constraints)
    manager.add_raw_backwards(drop_constraints)
    return manager
