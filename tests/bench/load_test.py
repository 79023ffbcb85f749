"""Load test (``make load``): 50 clients against the real server on 127.0.0.1, per engine.

For LOAD_SECONDS (60) the clients loop over a mix of task updates (half; random tasks of a
plan of LOAD_TASKS (200), so several clients often update the same task at once), plan
summaries and task lists. Held means: no error response, and no lost update: the versions the
tasks gained equal the updates the server accepted. Throughput and p50/p99 per kind go to
tests/bench/results.json under "load". Each engine runs in a child process (settings are
read once per process); PostgreSQL is skipped, with the reason, when no server answers.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import asyncpg
import httpx

from tests.bench.load import median, percentile
from tests.bench.results import record_section

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
TASKS = int(os.environ.get("LOAD_TASKS", "200"))
PG_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
MIX = (("update", 0.5), ("summary", 0.25), ("list", 0.25))


async def versions(base: str, headers: dict, task_ids: list[int]) -> dict[int, int]:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        return {
            task_id: (await client.get(f"/api/tasks/{task_id}")).json()["version"] for task_id in task_ids
        }


async def hammer(base: str, username: str, password: str, plan_id: int, task_ids: list[int]) -> dict:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        token = (
            await client.post("/api/auth/login", json={"username": username, "password": password})
        ).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        before = await versions(base, dict(client.headers), task_ids)
        latencies: dict[str, list[float]] = defaultdict(list)
        statuses: dict[str, Counter] = defaultdict(Counter)
        accepted: Counter = Counter()
        samples: list[str] = []
        deadline = time.perf_counter() + SECONDS

        async def one_client(seed: int) -> None:
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
                task_id = rng.choice(task_ids)
                if kind == "update":
                    body = {"status": "in_progress", "progress": rng.randint(1, 99), "note": f"tải {seed}"}
                    request = client.post(f"/api/tasks/{task_id}/updates", json=body)
                elif kind == "summary":
                    request = client.get(f"/api/plans/{plan_id}/summary")
                else:
                    request = client.get(f"/api/plans/{plan_id}/tasks?limit=50&sort=-deadline")
                started = time.perf_counter()
                try:
                    response = await request
                    status = response.status_code
                except httpx.HTTPError as exc:
                    response, status = None, type(exc).__name__
                latencies[kind].append((time.perf_counter() - started) * 1000)
                statuses[kind][status] += 1
                if response is not None and response.is_success and kind == "update":
                    accepted[task_id] += 1
                elif (response is None or not response.is_success) and len(samples) < 5:
                    samples.append(f"{kind} -> {status}: {response.text[:200] if response else ''}")

        started = time.perf_counter()
        await asyncio.gather(*(one_client(seed) for seed in range(CLIENTS)))
        elapsed = time.perf_counter() - started
        after = await versions(base, dict(client.headers), task_ids)
    gained = sum(after[t] - before[t] for t in task_ids)
    lost = {t: accepted[t] - (after[t] - before[t]) for t in task_ids if accepted[t] != after[t] - before[t]}
    errors = sum(
        n for counter in statuses.values() for status, n in counter.items() if not str(status).startswith("2")
    )
    return {
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "requests": sum(len(v) for v in latencies.values()),
        "throughput_rps": round(sum(len(v) for v in latencies.values()) / elapsed, 1),
        "errors": errors,
        "error_samples": samples,
        "accepted_updates": sum(accepted.values()),
        "versions_gained": gained,
        "lost_updates": sum(lost.values()),
        "held": errors == 0 and not lost,
        "by_kind": {
            kind: {
                "requests": len(values),
                "throughput_rps": round(len(values) / elapsed, 1),
                "p50_ms": round(median(values), 1),
                "p99_ms": round(percentile(values, 99), 1),
                "statuses": {str(k): v for k, v in statuses[kind].items()},
            }
            for kind, values in latencies.items()
        },
    }


def run_engine(engine: str) -> dict:
    """In this (child) process: a fresh database, the server, the load, the check."""
    from tests.bench.run import free_port, migrate, start_server, stop_server

    tmp = Path(tempfile.mkdtemp(prefix=f"cchc-load-{engine}-"))
    name = f"cchc_load_{os.getpid()}"
    url = f"sqlite:///{tmp / 'load.sqlite'}" if engine == "sqlite" else PG_DSN.rsplit("/", 1)[0] + f"/{name}"
    if engine == "postgres":
        asyncio.run(_pg(f"CREATE DATABASE {name}"))
    os.environ.update({"DATA_DIR": str(tmp), "DATABASE_URL": url})
    env = {**os.environ}
    try:
        migrate(env)
        from tests.bench.seed import seed

        seeded = asyncio.run(seed(TASKS))
        server = start_server(env, port := free_port(), tmp / "server.log")
        try:
            base = f"http://127.0.0.1:{port}"
            return asyncio.run(
                hammer(base, seeded.username, seeded.password, seeded.plan_id, seeded.task_ids)
            )
        finally:
            stop_server(server)
    finally:
        if engine == "postgres":
            asyncio.run(_pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


async def _pg(statement: str) -> None:
    connection = await asyncpg.connect(PG_DSN, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def main() -> int:
    report: dict = {"mix": dict(MIX)}
    for engine in ("sqlite", "postgres"):
        if engine == "postgres":
            try:
                asyncio.run(_pg("SELECT 1"))
            except (OSError, asyncpg.PostgresError) as exc:
                report[engine] = {"skipped": f"no PostgreSQL server at {PG_DSN}: {exc}"}
                continue
        done = subprocess.run(
            [sys.executable, "-m", "tests.bench.load_test", engine],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            report[engine] = {"failed": done.stderr[-2000:]}
            continue
        report[engine] = json.loads(done.stdout.strip().splitlines()[-1])
        side = report[engine]
        print(
            f"{engine}: {side['requests']} requests in {side['seconds']} s ({side['throughput_rps']} req/s), "
            f"errors {side['errors']}, accepted updates {side['accepted_updates']} = versions gained "
            f"{side['versions_gained']}: {'held' if side['held'] else 'NOT held'}; "
            + ", ".join(f"{k} p50 {v['p50_ms']} / p99 {v['p99_ms']} ms" for k, v in side["by_kind"].items())
        )
    record_section("load", report)
    held = all(report[e].get("held", "skipped" in report[e]) for e in ("sqlite", "postgres"))
    return 0 if held else 1


if __name__ == "__main__":
    if len(sys.argv) == 2:
        print(json.dumps(run_engine(sys.argv[1])))
    else:
        sys.exit(main())
