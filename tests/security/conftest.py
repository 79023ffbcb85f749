"""The API fixtures (an app on each engine, the test world, each role's credentials), and a
client for concurrent bursts."""

import httpx
import pytest

from piccolo_app import use_engine
from tests.api.conftest import app, client, headers, world  # noqa: F401
from tests.api.web.conftest import browser  # noqa: F401


@pytest.fixture
async def concurrent_client(db, app):  # noqa: F811 (the fixture imported above)
    """A client whose requests really run at once, on the test's event loop (Litestar's test
    client hands each request to a portal, one at a time): for bursts."""
    use_engine(db)  # on PostgreSQL, as in production, through a pool (the db fixture's, on this loop)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as bursts:
        yield bursts
