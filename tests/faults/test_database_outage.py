"""The database out of reach for a while: 503 with a clear body, then recovery by itself."""

from __future__ import annotations

import asyncio
import os
import time

import httpx
import pytest

from tests.bench.run import free_port, start_server, stop_server
from tests.conftest import PG_ADMIN_DSN, migrate, pg_admin

pytestmark = pytest.mark.anyio


@pytest.fixture
async def outage_database(database_url, engine_name):
    if engine_name != "postgres":
        pytest.skip("an outage is simulated on PostgreSQL (a SQLite file is opened in-process)")
    name = f"cchc_outage_{os.getpid()}"
    await pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await pg_admin(f"CREATE DATABASE {name}")
    url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    migrate(url)
    yield name, url
    await pg_admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    await pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def test_requests_fail_with_503_and_recover(outage_database, tmp_path):
    name, url = outage_database
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(tmp_path)}
    server = start_server(env, port := free_port(), tmp_path / "server.log")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            login = {"username": "nobody", "password": "wrong-password"}
            assert (await client.post("/api/auth/login", json=login)).status_code == 401

            await pg_admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            await pg_admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            down = await client.post("/api/auth/login", json=login)
            assert down.status_code == 503, (tmp_path / "server.log").read_text()[-2000:]
            assert down.headers["content-type"].startswith("application/problem+json")
            assert down.headers["retry-after"] == "5"
            assert "database is unavailable" in down.json()["detail"]
            assert (await client.get("/healthz")).status_code == 200  # the process itself lives

            await pg_admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
            deadline = time.monotonic() + 30
            while (status := (await client.post("/api/auth/login", json=login)).status_code) == 503:
                assert time.monotonic() < deadline, "did not recover"
                await asyncio.sleep(0.5)
            assert status == 401
    finally:
        stop_server(server)
    assert "unhandled error" not in (tmp_path / "server.log").read_text()  # no request fell through to a 500
