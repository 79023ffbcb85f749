"""kill -9 of the API during an import, a task update and a report, and of the scheduler
mid-run; after a restart: no half-written rows, no duplicate or missing report, the import
cleanly failed, all of it visible in the job's state."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from demo.loader import DEMO_PASSWORD, load_demo
from models.dossiers import service_tally
from models.dossiers.ingest import import_file
from models.dossiers.service_tally import rebuild_service_tally
from models.dossiers.tables import Dossier, ImportJob
from models.dossiers.tallies import TALLY_TABLES, rebuild_tallies
from models.plans.tables import Task, TaskEvent
from reports.tables import ReportRun
from scheduler.jobs import ensure_default_schedules
from scheduler.tables import JobRun, Schedule
from tests.bench.run import free_port, start_server, stop_server
from tests.cli.test_main import cchc
from tests.dossier_data import build_catalogue, dossier, write_csv
from tests.waiting import wait_until
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


class Server:
    """The real API (uvicorn) on the test database, killed and restarted at will."""

    def __init__(self, database_url: str, tmp_path) -> None:
        self.env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "data")}
        self.port = free_port()
        self.log = tmp_path / "server.log"
        self.process = None

    def start(self) -> None:
        self.process = start_server(self.env, self.port, self.log)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def client(self, username: str, password: str):
        return _Client(f"http://127.0.0.1:{self.port}", username, password)


class _Client:
    def __init__(self, base: str, username: str, password: str) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=60)
        self.credentials = {"username": username, "password": password}

    async def __aenter__(self) -> httpx.AsyncClient:
        token = (await self.http.post("/api/auth/login", json=self.credentials)).json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        return self.http

    async def __aexit__(self, *exc) -> None:
        await self.http.aclose()


@pytest.fixture
def server(database_url, tmp_path):
    server = Server(database_url, tmp_path)
    yield server
    if server.process is not None:
        stop_server(server.process)


async def test_killed_during_a_report_it_is_generated_after_restart(db, server):
    await load_demo()
    server.start()
    async with server.client("noivu", DEMO_PASSWORD) as client:
        run_url = (await client.post("/api/reports", json={"period": "2023-H1"})).headers["location"]
        await wait_until(lambda: _state_is(client, run_url, "running"), interval=0.02)
    server.kill()
    server.start()  # start-up resumes the run the dead process held
    async with server.client("noivu", DEMO_PASSWORD) as client:
        run = await wait_until(lambda: _state_is(client, run_url, "done"), seconds=120, interval=0.2)
    assert run["attempts"] == 2 and run["size"] > 0
    assert await ReportRun.count() == 1


async def _state_is(client, url: str, state: str):
    run = (await client.get(url)).json()
    return run if run["state"] == state else None


async def test_killed_late_in_an_import_nothing_is_written_no_reader_or_file_is_left(db, server, tmp_path):
    world = await build_world()
    await build_catalogue(world)
    path = write_csv(tmp_path / "big.csv", [dossier(f"K-{n:06d}") for n in range(120_000)])
    server.start()
    async with server.client("staff", PASSWORD) as client:
        job_url = await post_import(client, path)

        async def late_in_reading():  # the reader child has sent most of its batches
            job = (await client.get(job_url)).json()
            return job if job["state"] == "running" and job["rows_done"] > 60_000 else None

        await wait_until(late_in_reading, seconds=120)
    readers = descendants(server.process.pid)
    assert readers, "the file is read by a child process"
    server.kill()
    await wait_until(
        lambda: asyncio.sleep(0, not any(alive(pid) for pid in readers)), seconds=15, interval=0.2
    )
    server.start()
    async with server.client("staff", PASSWORD) as client:
        job = (await client.get(job_url)).json()
    assert job["state"] == "failed" and "nothing was written" in job["message"]
    assert await Dossier.count() == 0
    assert await ImportJob.count() == 1
    assert await rebuild_tallies() == dict.fromkeys(TALLY_TABLES, 0), "the tallies are as before"
    assert not any((await rebuild_service_tally()).values()), "the service-index tallies are as before"
    assert list((tmp_path / "data" / "imports").glob("job-*")) == []  # the uploaded file is gone


async def test_killed_while_writing_over_stored_dossiers_they_and_their_tallies_are_as_before(
    db, database_url, server, tmp_path
):
    """Killed once every row is read, while the import writes (the stage, the upsert and the
    tallies in one transaction) over 2,000 stored open dossiers it would resolve: the stored
    rows and every tally table are as they were, and `cchc dossiers rebuild-aggregates`
    finds them in step."""
    world = await build_world()
    await build_catalogue(world)
    opened = {"resolved_at": "", "outcome": "open", "due_at": "2024-03-29T17:00:00+07:00"}
    stored = [dossier(f"K-{n:06d}", **opened) for n in range(2_000)]
    await import_file(write_csv(tmp_path / "stored.csv", stored))
    before = await _dossiers_and_tallies()
    rows = 120_000
    path = write_csv(tmp_path / "big.csv", [dossier(f"K-{n:06d}") for n in range(rows)])
    server.start()
    async with server.client("staff", PASSWORD) as client:
        job_url = await post_import(client, path)

        async def writing():  # every row read (the last batch's progress), not yet committed
            job = (await client.get(job_url)).json()
            assert job["state"] in ("queued", "running"), "the kill came too late: the import was done"
            return job if job["rows_done"] == rows else None

        await wait_until(writing, seconds=120, interval=0.01)
    server.kill()
    server.start()
    async with server.client("staff", PASSWORD) as client:
        job = (await client.get(job_url)).json()
    assert job["state"] == "failed" and "nothing was written" in job["message"]
    assert await _dossiers_and_tallies() == before
    rebuilt = cchc(database_url, "dossiers", "rebuild-aggregates")
    assert rebuilt.returncode == 0 and "differed" not in rebuilt.stdout, rebuilt.stdout


async def _dossiers_and_tallies() -> dict[str, list[dict]]:
    """Every dossier's code and outcome, and every row of every tally table."""
    tables = (*TALLY_TABLES, *(grain.table for grain in service_tally.GRAINS))
    found = {"dossier": await Dossier.raw("SELECT code, outcome, closed_on FROM dossier ORDER BY code")}
    for table in tables:
        found[table] = await Dossier.raw(f"SELECT * FROM {table} ORDER BY id")
    assert found["dossier_tally"], "the stored dossiers are counted"
    return found


async def post_import(client, path: Path) -> str:
    """Upload ``path`` as a dossier import job; the job's address."""
    with path.open("rb") as handle:
        response = await client.post("/api/dossiers/imports", files={"file": (path.name, handle)})
    return response.headers["location"]


def descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            children = [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            continue
        found.extend(children)
        pending.extend(children)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie has exited; only its parent's wait is missing)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


async def test_killed_during_task_updates_no_row_is_half_written(db, server):
    world = await build_world()
    server.start()
    async with server.client("staff", PASSWORD) as client:
        saved = 0

        async def keep_updating(seed: int):
            nonlocal saved
            for n in range(1000):
                task = (world.task_a, world.task_b)[(seed + n) % 2]
                body = {"status": "in_progress", "progress": (seed * 7 + n) % 99 + 1, "note": "tải"}
                try:
                    saved += (await client.post(f"/api/tasks/{task}/updates", json=body)).status_code == 201
                except httpx.HTTPError:
                    return

        async def some_saved() -> bool:  # killed mid-stream, not before the first update
            return saved >= 20

        workers = [asyncio.create_task(keep_updating(seed)) for seed in range(8)]
        await wait_until(some_saved, "20 updates saved", seconds=120)
        server.kill()
        await asyncio.gather(*workers)
    for task_id in (world.task_a, world.task_b):
        task = await Task.select(Task.version, Task.status, Task.progress).where(Task.id == task_id).first()
        events = (
            await TaskEvent.select(TaskEvent.version, TaskEvent.status, TaskEvent.progress)
            .where(TaskEvent.task == task_id)
            .order_by(TaskEvent.version)
        )
        assert [e["version"] for e in events] == list(range(1, task["version"] + 1)), "one event per version"
        assert (events[-1]["status"], events[-1]["progress"]) == (task["status"], task["progress"])
        assert task["version"] > 1


async def test_killed_scheduler_mid_run_makes_one_report(db, database_url, tmp_path):
    await load_demo()
    await ensure_default_schedules()
    await Schedule.update({Schedule.enabled: False}).where(Schedule.key != "report-half-year")
    await Schedule.update({Schedule.cron: "0 0 * * *"}).where(Schedule.key == "report-half-year")
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "data")}
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "scheduler"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        async def generating():
            return await ReportRun.exists().where(ReportRun.state == "running")

        await wait_until(generating, seconds=90, interval=0.02)
    finally:
        scheduler.send_signal(signal.SIGKILL)
        scheduler.wait(timeout=10)
    again = subprocess.run(
        [sys.executable, "-m", "cli.main", "scheduler", "--catch-up-only"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    runs = await ReportRun.select(ReportRun.state, ReportRun.attempts, ReportRun.trigger)
    assert runs == [{"state": "done", "attempts": 2, "trigger": "schedule"}]
    firings = await JobRun.select(JobRun.state, JobRun.detail)
    assert [f["state"] for f in firings] == ["failed"] and "interrupted" in firings[0]["detail"]
