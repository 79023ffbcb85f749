"""`cchc dossiers import`: progress and counts, and a process killed mid-import leaves nothing;
`cchc dossiers rebuild-aggregates`: what it finds out of step, and its exit code."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest

from models.dossiers import service_tally
from models.dossiers.import_jobs import fail_interrupted_jobs
from models.dossiers.ingest import ingest_records
from models.dossiers.tables import Dossier, DossierServiceTally, DossierTally, ImportJob
from models.dossiers.tallies import TALLY_TABLES
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


async def test_rebuild_aggregates_reports_each_tally_that_was_out_of_step_and_mends_it(world, database_url):
    """In step: every table says so, exit 0. One day's count off and the service tally gone:
    those two tables name how many keys differed, exit 2; the next run finds all in step."""
    await ingest_records(world.admin, [dossier(f"R-{n}", unit=("STP", "SYT")[n % 2]) for n in range(6)])
    tables = (*TALLY_TABLES, *(grain.table for grain in service_tally.GRAINS))
    clean = cchc(database_url, "dossiers", "rebuild-aggregates")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert [line for line in clean.stdout.splitlines() if line] == [f"{table}: in step" for table in tables]
    service_keys = await DossierServiceTally.count()
    await DossierTally.raw(
        "UPDATE dossier_tally SET received = received + 1 WHERE id = (SELECT MIN(id) FROM dossier_tally)"
    )
    await DossierServiceTally.delete(force=True)
    mended = cchc(database_url, "dossiers", "rebuild-aggregates")
    assert mended.returncode == 2, mended.stdout + mended.stderr
    assert "dossier_tally: 1 keys differed" in mended.stdout
    assert f"dossier_service_tally: {service_keys:,} keys differed" in mended.stdout
    assert "dossier_unit_day: in step" in mended.stdout
    assert "The tallies have been recomputed from the dossiers." in mended.stdout
    again = cchc(database_url, "dossiers", "rebuild-aggregates")
    assert again.returncode == 0 and "differed" not in again.stdout
