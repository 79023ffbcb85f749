"""The API fixtures (an app on each engine, the test world, each role's credentials), and a
client for concurrent bursts."""

import httpx
import pytest
from piccolo.engine.postgres import PostgresEngine

from api.app import create_app
from tests.api.conftest import client, headers, world  # noqa: F401
from tests.api.web.conftest import browser  # noqa: F401


@pytest.fixture
async def concurrent_client(db):
    """A client whose requests really run at once, on the test's event loop (Litestar's test
    client hands each request to a portal, one at a time): for bursts."""
    app = create_app(db, connection_pool=False)
    transport = httpx.ASGITransport(app=app)
    if isinstance(db, PostgresEngine):  # as in production: a pool, opened on this loop
        await db.start_connection_pool(min_size=1, max_size=10)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as bursts:
        yield bursts
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()
