"""Constraints Piccolo's column API cannot express for index scores: one result per index
and year, one component per position within a result."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-24T00:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index score constraints"

STATEMENTS = (
    "CREATE UNIQUE INDEX index_result_kind_year ON index_result (kind, year)",
    "CREATE UNIQUE INDEX index_component_position ON index_component (result, position)",
)

DROPS = (
    "DROP INDEX index_component_position",
    "DROP INDEX index_result_kind_year",
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
