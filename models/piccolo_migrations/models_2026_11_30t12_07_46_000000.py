"""Constraints Piccolo's column API cannot express for reporting rounds: one submission per
unit and round, one history entry per submission version."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T12:07:46:000000"
VERSION = "1.38.0"
DESCRIPTION = "reporting round constraints"

STATEMENTS = (
    "CREATE UNIQUE INDEX round_submission_round_unit ON round_submission (round, unit)",
    "CREATE UNIQUE INDEX round_submission_event_version ON round_submission_event (submission, version)",
)

DROPS = (
    "DROP INDEX round_submission_event_version",
    "DROP INDEX round_submission_round_unit",
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
