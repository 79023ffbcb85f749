"""`cchc backup` and `cchc restore`: a restored database equals the original, table by table."""

from __future__ import annotations

import os

import pytest

from models.dossiers.ingest import ingest_records
from piccolo_app import TABLES
from tests.cli.test_main import cchc
from tests.conftest import PG_ADMIN_DSN, migrate, pg_admin
from tests.dossier_data import build_catalogue, dossier
from tests.world import build_world

pytestmark = pytest.mark.anyio


async def _rows(table) -> list[dict]:
    return await table.select().order_by(table._meta.primary_key)


async def test_a_restored_database_has_every_row(db, database_url, engine_name, tmp_path):
    world = await build_world()
    await build_catalogue(world)
    await ingest_records(world.admin, [dossier(f"B-{n}") for n in range(20)])
    original = {table._meta.tablename: await _rows(table) for table in TABLES}

    backup_file = tmp_path / "cchc.backup"
    made = cchc(database_url, "backup", str(backup_file))
    assert made.returncode == 0, made.stdout + made.stderr
    assert cchc(database_url, "backup", str(backup_file)).returncode == 1  # never overwrites

    if engine_name == "sqlite":
        restored_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    else:
        name = f"cchc_restore_{os.getpid()}"
        await pg_admin(f"DROP DATABASE IF EXISTS {name}")
        await pg_admin(f"CREATE DATABASE {name}")
        restored_url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    try:
        done = cchc(database_url, "restore", str(backup_file), "--database-url", restored_url)
        assert done.returncode == 0, done.stdout + done.stderr
        again = cchc(database_url, "restore", str(backup_file), "--database-url", restored_url)
        assert again.returncode == 1, "restoring over a database that has data is refused"
        migrate(restored_url)  # nothing to apply: the migrations table came with the backup
        from core.db import close_engine, engine_from_url
        from piccolo_app import use_engine

        engine = engine_from_url(restored_url)
        use_engine(engine)
        try:
            restored = {table._meta.tablename: await _rows(table) for table in TABLES}
        finally:
            await close_engine(engine)
            use_engine(db)
        assert restored == original
        assert len(restored["dossier"]) == 20
    finally:
        if engine_name == "postgres":
            await pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
