from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from models.accounts.service import sign_in
from tests.world import PASSWORD, build_world


@pytest.fixture
async def world(db):
    return await build_world()


@pytest.fixture
async def client(db):
    async with AsyncTestClient(app=create_app(db, connection_pool=False)) as test_client:
        yield test_client


@pytest.fixture
async def headers(world):
    """Authorization headers for each demo role of the test world."""
    result = {}
    for username in ("admin", "staff", "head_a", "head_b", "viewer"):
        token, _ = await sign_in(username, PASSWORD)
        result[username] = {"Authorization": f"Bearer {token}"}
    return result
