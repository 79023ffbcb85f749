from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Date, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T08:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index results: when and where published, and whether the value is an assumption"

_COMMON = {
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)
    for name, column_class, params in (
        ("published_on", Date, {"default": None, "null": True}),
        ("source", Varchar, {"default": "", "null": False, "length": 500}),
        ("assumed", Boolean, {"default": False, "null": False}),
    ):
        manager.add_column(
            table_class_name="IndexResult",
            tablename="index_result",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params={**_COMMON, **params},
            schema=None,
        )
    return manager
