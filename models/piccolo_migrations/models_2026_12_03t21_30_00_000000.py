"""How far an import job has read its file, so the pages and the API can show a percentage
(the rows read alone said nothing of how many were left)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import DoublePrecision
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "import job: fraction of the file read"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="models", description=DESCRIPTION)
    manager.add_column(
        table_class_name="ImportJob",
        tablename="import_job",
        column_name="read_fraction",
        db_column_name="read_fraction",
        column_class_name="DoublePrecision",
        column_class=DoublePrecision,
        params={
            "default": 0,
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
