from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from models.accounts.service import sign_in
from piccolo_app import use_engine
from tests.world import PASSWORD, build_world


@pytest.fixture
async def world(db):
    return await build_world()


@pytest.fixture(scope="session")
def app():
    """One app for the whole run: building it (its ~200 handlers' signatures, the OpenAPI
    plugin) took more CPU than most API tests. It keeps no engine of its own: the tables
    point at each test's database (``use_engine`` in ``client``), and its start-up hooks run
    again as each test's client starts it: recovery, the default schedules, and on PostgreSQL
    a pool on the client's own event loop (tests.conftest.LoopPooledPostgresEngine)."""
    return create_app()


@pytest.fixture
async def client(db, app):
    use_engine(db)  # building the app pointed the tables at the default database
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
async def headers(world):
    """Authorization headers for each demo role of the test world."""
    result = {}
    for username in ("admin", "staff", "head_a", "head_b", "viewer"):
        token, _ = await sign_in(username, PASSWORD)
        result[username] = {"Authorization": f"Bearer {token}"}
    return result
