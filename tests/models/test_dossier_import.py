"""Bulk dossier import: every format, errors by row, idempotent re-import, all or nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tempfile
import threading

import pytest

from models.dossiers import import_jobs
from models.dossiers import ingest as dossier_import
from models.dossiers.ingest import ImportResult, import_file
from models.dossiers.records import get_dossier
from models.dossiers.service_tally import rebuild_service_tally
from models.dossiers.tables import (
    Dossier,
    DossierServiceProcedureTally,
    DossierServiceTally,
    DossierTally,
    DossierUnitYear,
    ImportJob,
)
from models.dossiers.tallies import rebuild_tallies
from tests.dossier_data import build_catalogue, dossier, write_csv, write_jsonl, write_xlsx
from tests.world import build_world

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(db):
    world = await build_world()
    await build_catalogue(world)
    return world


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """The system's temporary directory, for a big file's import (staged in files on SQLite)."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    monkeypatch.setattr(dossier_import, "PROCESS_THRESHOLD_BYTES", 0)
    return directory


async def run_file(world, path, keep_valid=False) -> dict:
    job = await import_jobs.create_job(world.staff, path.name, keep_valid)
    return await import_jobs.run_dossier_job(job["id"], path)


ROWS = [
    dossier("HS-1"),
    dossier("HS-2", channel="Trực tiếp", resolved_at="2024-03-15T16:00:00+07:00"),
    dossier(
        "HS-3",
        resolved_at="2024-03-16T09:00:00+07:00",
        apology_issued_on="2024-03-16",
        apology_new_due="2024-03-20",
    ),
    dossier("HS-4", procedure="2.001", outcome="open", resolved_at="", due_at="05/03/2024"),
    dossier("HS-5", outcome="Trả lại hồ sơ", channel="postal"),
]


@pytest.fixture(params=["thread", "process"])
def reader(request, monkeypatch):
    """Small files are parsed in a thread, big ones in a child process: test both."""
    if request.param == "process":
        monkeypatch.setattr(dossier_import, "PROCESS_THRESHOLD_BYTES", 0)
    return request.param


@pytest.mark.parametrize("writer", [write_csv, write_jsonl, write_xlsx], ids=["csv", "jsonl", "xlsx"])
async def test_each_format_imports_and_derives_the_statistics_columns(world, tmp_path, writer, reader):
    suffix = {"write_csv": ".csv", "write_jsonl": ".jsonl", "write_xlsx": ".xlsx"}[writer.__name__]
    job = await run_file(world, writer(tmp_path / f"year{suffix}", ROWS))
    assert (job["state"], job["created"], job["rows_done"], job["rows_rejected"]) == ("done", 5, 5, 0)
    rows = {
        r["code"]: r
        for r in await Dossier.select(
            Dossier.code,
            Dossier.timeliness,
            Dossier.channel,
            Dossier.closed_on,
            Dossier.due_on,
            Dossier.outcome,
        )
    }
    assert [rows[f"HS-{i}"]["timeliness"] for i in range(1, 6)] == ["early", "on_time", "late", None, None]
    assert rows["HS-2"]["channel"] == "direct"
    assert rows["HS-5"]["outcome"] == "returned"
    assert str(rows["HS-4"]["due_on"]) == "2024-03-05" and rows["HS-4"]["closed_on"] is None
    assert not list((tmp_path.parent).glob("job-*")), "the upload is deleted"


async def test_reimport_changes_nothing_and_a_changed_row_is_updated_by_code(world, tmp_path):
    path = tmp_path / "a.csv"
    await run_file(world, write_csv(path, ROWS))
    again = await run_file(world, write_csv(path, ROWS))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    changed = [*ROWS[:4], dossier("HS-5", outcome="withdrawn"), dossier("HS-6")]
    third = await run_file(world, write_csv(path, changed))
    assert (third["created"], third["updated"], third["unchanged"]) == (1, 1, 4)
    assert (await get_dossier("HS-5"))["outcome"] == "withdrawn"
    assert await Dossier.count() == 6


async def test_a_big_files_tallies_stay_in_step_through_new_changed_and_unchanged_rows(
    world, tmp_path, monkeypatch
):
    """A big file's tallies are worked out on connections of their own while the upsert runs (on
    SQLite); they must read the rows as they were before it. After an import and a re-import
    that changes some rows (closed, now late, now withdrawn), adds one and leaves the rest, the
    rebuild finds every tally in step."""
    monkeypatch.setattr(dossier_import, "PROCESS_THRESHOLD_BYTES", 0)
    path = tmp_path / "year.csv"
    await run_file(world, write_csv(path, ROWS))
    changed = [
        ROWS[0],
        dossier("HS-2", resolved_at="2024-03-20T16:00:00+07:00", apology_issued_on="2024-03-18"),
        ROWS[2],
        dossier("HS-4", procedure="2.001", due_at="05/03/2024", resolved_at="2024-03-07T09:00:00+07:00"),
        dossier("HS-5", outcome="withdrawn", channel="postal"),
        dossier("HS-6", unit="SYT", channel="postal", outcome="open", resolved_at=""),
    ]
    job = await run_file(world, write_csv(path, changed))
    assert (job["state"], job["created"], job["updated"], job["unchanged"]) == ("done", 1, 3, 2)
    assert (await get_dossier("HS-2"))["timeliness"] == "late"
    assert set((await rebuild_tallies()).values()) == {0}
    assert set((await rebuild_service_tally()).values()) == {0}


@pytest.mark.parametrize("failing", list(dossier_import.SHARED_CHANGES))
async def test_a_failure_working_out_the_tallies_beside_the_upsert_writes_nothing(
    world, tmp_path, monkeypatch, engine_name, scratch, failing
):
    """SQLite: when one of the connections working out the tallies' changes fails, after the
    other's changes were added, the upsert and those changes are rolled back too, its error
    is the import's, and the scratch files go."""
    if engine_name != "sqlite":
        pytest.skip("PostgreSQL works the tallies out on the upsert's own connection")
    other_added = threading.Event()
    stage = dossier_import.SQLiteFileStage
    compute, apply = stage._compute_changes, stage._apply_changes

    def failing_late(self, name: str) -> str:
        if name != failing:
            return compute(self, name)
        assert other_added.wait(timeout=30)
        raise sqlite3.OperationalError("no such table: no_such_table")

    async def noting(self, name: str) -> None:
        await apply(self, name)
        other_added.set()

    monkeypatch.setattr(stage, "_compute_changes", failing_late)
    monkeypatch.setattr(stage, "_apply_changes", noting)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        await import_file(write_csv(tmp_path / "a.csv", ROWS))
    assert other_added.is_set()
    for table in (Dossier, DossierTally, DossierUnitYear, DossierServiceTally, DossierServiceProcedureTally):
        assert await table.count() == 0, table
    assert list(scratch.iterdir()) == []


BAD_ROWS = [
    dossier("OK-1"),
    dossier("BAD-2", procedure="9.999"),
    dossier("BAD-3", unit="NOPE"),
    dossier("BAD-4", due_at="2024-03-01T08:00:00+07:00"),
    dossier("BAD-5", resolved_at="2024-03-01T08:00:00+07:00"),
    dossier("BAD-6", received_at="31/02/2024"),
    dossier("OK-1"),
    dossier("BAD-8", outcome="open"),
    dossier("BAD-9", outcome="resolved", resolved_at=""),
]
EXPECTED_ERRORS = {
    (3, "procedure"),
    (4, "unit"),
    (5, "due_at"),
    (6, "resolved_at"),
    (7, "received_at"),
    (8, "code"),
    (9, "resolved_at"),
    (10, "resolved_at"),
}


async def test_invalid_rows_are_listed_by_row_and_nothing_is_written(world, tmp_path, reader):
    job = await run_file(world, write_csv(tmp_path / "bad.csv", BAD_ROWS))
    assert job["state"] == "failed"
    assert {(e["row"], e["field"]) for e in job["errors"]} == EXPECTED_ERRORS
    assert job["rows_rejected"] == 8
    assert all(e["message"] for e in job["errors"]), "a Vietnamese message for every error"
    assert await Dossier.count() == 0


@pytest.mark.parametrize("writer", [write_csv, write_jsonl], ids=["csv", "jsonl"])
async def test_readers_taking_turns_keep_the_file_order_row_numbers_and_duplicates(
    world, tmp_path, monkeypatch, writer
):
    """Three child processes, each parsing every third batch of two rows: the rows, their
    numbers in errors and the duplicates across readers' batches are those of one reader."""
    monkeypatch.setattr(dossier_import, "PROCESS_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(dossier_import, "BATCH_ROWS", 2)
    monkeypatch.setattr(dossier_import, "MAX_READERS", 3)
    monkeypatch.setattr(dossier_import.os, "cpu_count", lambda: 3)
    rows = [dossier(f"T-{n}") for n in range(1, 12)]
    rows[6] = dossier("T-7", channel="fax")  # the 7th data row: the second batch of reader 0
    rows[9] = dossier("T-2")  # a duplicate, parsed by another reader than the first T-2
    suffix = ".csv" if writer is write_csv else ".jsonl"
    first_row = 2 if writer is write_csv else 1  # a CSV's header is line 1
    job = await run_file(world, writer(tmp_path / f"turns{suffix}", rows), keep_valid=True)
    assert (job["state"], job["rows_done"], job["rows_rejected"], job["created"]) == ("done", 11, 2, 9)
    assert {(e["row"], e["field"]) for e in job["errors"]} == {
        (first_row + 6, "channel"),
        (first_row + 9, "code"),
    }
    duplicate = next(e for e in job["errors"] if e["field"] == "code")
    assert str(first_row + 1) in duplicate["message"], "the first T-2 is named"
    codes = {r["code"] for r in await Dossier.select(Dossier.code)}
    assert codes == {f"T-{n}" for n in (1, 2, 3, 4, 5, 6, 8, 9, 11)}


@pytest.mark.parametrize("keep_valid", [False, True])
async def test_the_readers_staging_files_are_removed_whatever_the_outcome(
    world, tmp_path, scratch, keep_valid
):
    """On SQLite a big file's readers stage their rows in files of their own (in the system's
    temporary directory); written or refused, the import leaves none behind."""
    job = await run_file(world, write_csv(tmp_path / "bad.csv", BAD_ROWS), keep_valid=keep_valid)
    assert (job["state"], job["rows_rejected"]) == ("done" if keep_valid else "failed", 8)
    assert await Dossier.count() == (1 if keep_valid else 0)
    assert list(scratch.iterdir()) == []


async def test_a_killed_imports_staging_files_are_removed_by_the_next_import(world, tmp_path, scratch):
    """A killed import cannot remove its staging directory: the next big import removes those
    whose process is gone, and leaves a running one's alone."""
    gone = subprocess.Popen(["true"])  # its pid names no process once it is reaped
    gone.wait()
    stale = scratch / f"{dossier_import.SCRATCH_PREFIX}{gone.pid}-abc"
    running = scratch / f"{dossier_import.SCRATCH_PREFIX}{os.getpid()}-def"
    for directory in (stale, running):
        directory.mkdir()
        (directory / "reader-0.sqlite").write_bytes(b"x" * 10)
    job = await run_file(world, write_csv(tmp_path / "ok.csv", ROWS))
    assert job["state"] == "done"
    assert [path.name for path in scratch.iterdir()] == [running.name]


async def test_keep_valid_writes_the_valid_rows_only(world, tmp_path):
    job = await run_file(world, write_csv(tmp_path / "bad.csv", BAD_ROWS), keep_valid=True)
    assert (job["state"], job["created"], job["rows_rejected"]) == ("done", 1, 8)
    assert [r["code"] for r in await Dossier.select(Dossier.code)] == ["OK-1"]


async def test_a_failure_while_writing_rolls_the_whole_import_back(world, tmp_path):
    await run_file(world, write_csv(tmp_path / "a.csv", ROWS[:2]))
    path = write_csv(tmp_path / "b.csv", [dossier("HS-1", channel="postal"), *ROWS[2:]])

    def failing_finish(result: ImportResult):
        return "UPDATE no_such_table SET x = {}", [1]

    with pytest.raises(Exception, match=r"no_such_table|does not exist"):
        await import_file(path, finish=failing_finish)
    assert await Dossier.count() == 2
    assert (await get_dossier("HS-1"))["channel"] == "online"


async def test_a_file_without_the_required_columns_fails_the_job(world, tmp_path, reader):
    path = tmp_path / "x.csv"
    path.write_text("code,procedure\nA,1.001\n", encoding="utf-8")
    job = await run_file(world, path)
    assert job["state"] == "failed"
    assert "required columns" in job["message"]
    assert {e["field"] for e in job["errors"]} >= {"Mã đơn vị tiếp nhận", "Hạn trả kết quả"}


async def test_a_non_utf8_csv_fails_cleanly(world, tmp_path, reader):
    path = tmp_path / "legacy.csv"
    path.write_bytes(",".join(k for k in ROWS[0]).encode() + b"\n" + b"S\xf5 T\xdd ph\xe1p\n")  # Windows-1258
    job = await run_file(world, path)
    assert job["state"] == "failed"
    assert job["message"] == "CSV files must be UTF-8 encoded (line 2: byte 0xf5 is not UTF-8)"
    assert job["errors"][0]["row"] == 2 and "UTF-8" in job["errors"][0]["message"]


async def test_interrupted_jobs_are_marked_failed_at_start_up(world):
    job = await import_jobs.create_job(world.staff, "big.csv", False)
    assert await import_jobs.fail_interrupted_jobs() == 1
    row = await ImportJob.select(ImportJob.state, ImportJob.message).where(ImportJob.id == job["id"]).first()
    assert row["state"] == "failed" and "interrupted" in row["message"]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
async def test_progress_says_the_file_is_read_only_once_it_is(world, tmp_path, writer, reader, monkeypatch):
    """Batches report how far the file is read, never the whole of it: 1.0 (which the pages
    turn into "checking and writing") comes once, after the last batch; the job keeps it."""
    monkeypatch.setattr(dossier_import, "BATCH_ROWS", 2)
    seen: list[tuple[int, float]] = []

    async def record(result: ImportResult, fraction: float) -> None:
        seen.append((result.rows_done, fraction))

    path = writer(tmp_path / f"year.{writer.__name__.removeprefix('write_')}", ROWS)
    job = await import_jobs.create_job(world.staff, path.name, False)
    job = await import_jobs.run_dossier_job(job["id"], path, record, remove_file=False)
    assert job["state"] == "done" and job["read_fraction"] == 1.0
    fractions = [fraction for _, fraction in seen]
    assert fractions[-1] == 1.0 and all(0 <= f < 1 for f in fractions[:-1]) and len(fractions) >= 3
    assert [rows for rows, _ in seen][-2:] == [5, 5]  # the last batch, then "read"
