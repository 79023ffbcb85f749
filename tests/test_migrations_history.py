"""A database made by the previous layout (commit 9afbbed, when the tables lived in
models/tables.py and the app in models/piccolo_app.py) carries on with the current one: its
migration history is this app's ("models"), so `piccolo migrations forwards all` runs only
the migrations written since (none of the old ones again), `piccolo migrations check` then
lists every migration as run, and the tables as declared now match what the migrations
built (no auto-migration would change anything)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from piccolo_app import APP_CONFIG
from tests.conftest import scratch_postgres

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS_LAYOUT = "9afbbed"
MIGRATION_ID = re.compile(r'^ID = "([^"]+)"', re.MULTILINE)


def piccolo(cwd: Path, url: str, *args: str) -> str:
    """Run a Piccolo command with the code in ``cwd`` on the database at ``url``."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(cwd)}
    done = subprocess.run(
        [sys.executable, "-m", "piccolo.main", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def previous_layout(tmp_path_factory) -> Path:
    """The code of the previous layout, exported from git into a temporary folder."""
    known = subprocess.run(["git", "cat-file", "-e", f"{PREVIOUS_LAYOUT}^{{commit}}"], cwd=ROOT)
    if known.returncode:
        pytest.skip(f"commit {PREVIOUS_LAYOUT} is not in this clone (a shallow clone?)")
    archive = subprocess.run(["git", "archive", PREVIOUS_LAYOUT], cwd=ROOT, capture_output=True, check=True)
    folder = tmp_path_factory.mktemp("previous-layout")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    assert (folder / "models" / "piccolo_app.py").exists()  # the layout this test is about
    return folder


@pytest.fixture(params=["sqlite", "postgres"])
def old_database(request, previous_layout, tmp_path):
    """A database created and migrated by the previous layout's code."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'previous.sqlite'}"
        piccolo(previous_layout, url, "migrations", "forwards", "all")
        yield url
        return
    with scratch_postgres(f"cchc_previous_{os.getpid()}") as url:
        piccolo(previous_layout, url, "migrations", "forwards", "all")
        yield url


def migration_ids(root: Path) -> set[str]:
    """The IDs of the migrations in a checkout's history."""
    folder = root / "models" / "piccolo_migrations"
    return {MIGRATION_ID.search(path.read_text()).group(1) for path in folder.glob("models_*.py")}


def test_a_database_of_the_previous_layout_takes_only_the_newer_migrations(old_database, previous_layout):
    forwards = piccolo(ROOT, old_database, "migrations", "forwards", "all")
    ran = set(re.findall(r"- (\S+) \[forwards\]", forwards))
    assert ran == migration_ids(ROOT) - migration_ids(previous_layout)
    again = piccolo(ROOT, old_database, "migrations", "forwards", "all")
    assert "No migrations need to be run" in again
    statuses = [
        line.rsplit("|", 1)[1].strip()
        for line in piccolo(ROOT, old_database, "migrations", "check").splitlines()
        if line.startswith("models ")
    ]
    assert statuses == ["True"] * len(migration_ids(ROOT))


@pytest.mark.anyio
async def test_the_tables_match_the_migration_history():
    """What `piccolo migrations new models --auto` would write: nothing."""
    changes = await AutoMigrationManager().get_alter_statements(app_config=APP_CONFIG)
    assert [statement for change in changes for statement in change.statements] == []
