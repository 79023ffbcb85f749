"""Fixtures shared by the dossier property tests."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import empty_tables, opened_database
from tests.dossier_data import build_catalogue
from tests.world import build_world


@pytest.fixture
def catalogued_world(database_url):
    """Empty tables, the test world and its procedure catalogue, built on the test's engine
    before Hypothesis runs its examples (each on a loop of its own)."""

    async def build():
        async with opened_database(database_url) as engine:
            await empty_tables(engine)
            world = await build_world()
            await build_catalogue(world)
            return world

    return asyncio.run(build())
