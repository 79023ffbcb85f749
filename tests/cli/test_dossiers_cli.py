"""`cchc dossiers import`: progress and counts, and a process killed mid-import leaves nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest

from models.dossiers.import_jobs import fail_interrupted_jobs
from models.dossiers.tables import Dossier, ImportJob
from tests.cli.test_main import cchc
from tests.dossier_data import build_catalogue, dossier, write_csv
from tests.world import build_world

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(db):
    world = await build_world()
    await build_catalogue(world)
    return world


async def test_import_prints_counts_and_rejects_bad_files(world, database_url, tmp_path):
    path = write_csv(tmp_path / "ho-so.csv", [dossier(f"HS-{n}") for n in range(300)])
    done = cchc(database_url, "dossiers", "import", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "300 created, 0 updated, 0 unchanged" in done.stdout
    assert path.exists(), "the operator's file is kept"
    bad = write_csv(tmp_path / "bad.csv", [dossier("A", unit="NOPE")])
    failed = cchc(database_url, "dossiers", "import", str(bad))
    assert failed.returncode == 1
    assert "row 2: unit 'NOPE': unknown unit code" in failed.stdout  # the bad value, as written


async def test_killing_the_import_midway_leaves_the_database_as_it_was(world, database_url, tmp_path):
    path = write_csv(tmp_path / "big.csv", [dossier(f"K-{n:06d}") for n in range(150_000)])
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "dossiers", "import", str(path)],
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = await ImportJob.select(ImportJob.rows_done).first()
            if job and job["rows_done"] > 0:
                break
            await asyncio.sleep(0.05)
        assert job and 0 < job["rows_done"] < 150_000, "killed while rows were being read"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert await Dossier.count() == 0
    assert await fail_interrupted_jobs() == 1
    job = await ImportJob.select(ImportJob.state, ImportJob.message).first()
    assert job["state"] == "failed" and "nothing was written" in job["message"]
