"""A version on units, accounts, index results, indicators and schedules.

Their edits were last-writer-wins: an administrator saving a unit's form opened before a
colleague renamed the unit put the old name back without a word. Each edit now bumps the
version, and a form or request naming an older one is refused (412) instead."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "version columns for optimistic concurrency"

VERSIONED = (
    ("Unit", "unit"),
    ("Account", "account"),
    ("IndexResult", "index_result"),
    ("Indicator", "round_indicator"),
    ("Schedule", "schedule"),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)
    for class_name, tablename in VERSIONED:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name="version",
            db_column_name="version",
            column_class_name="Integer",
            column_class=Integer,
            params={
                "default": 1,
                "null": False,
                "primary_key": False,
                "unique": False,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": None,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )
    return manager
