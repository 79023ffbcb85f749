"""Stored drafts on both engines: two people saving the same version at once never both win,
whether the draft exists yet (the unique key decides) or not (the version compare-and-set)."""

from __future__ import annotations

import asyncio

import pytest

from core.errors import StaleVersion
from reports.runs import DraftChange, change_draft, open_draft
from tests.world import build_world

pytestmark = pytest.mark.anyio


async def save_twice(staff, version: int) -> list:
    changes = [DraftChange("add", "V", text=f"Kiến nghị {n}.") for n in (1, 2)]
    return await asyncio.gather(
        *(change_draft(staff, "2024-H1", None, change, version) for change in changes), return_exceptions=True
    )


@pytest.mark.parametrize("existing", [False, True], ids=["first save", "later save"])
async def test_concurrent_saves_of_one_version_lose_no_update(db, existing):
    world = await build_world()
    version = 0
    if existing:
        version = (
            await change_draft(world.staff, "2024-H1", None, DraftChange("add", "V", text="Đầu."), 0)
        ).stored.version
    results = await save_twice(world.staff, version)
    assert sorted(type(result).__name__ for result in results) == ["DraftView", "StaleVersion"]
    stale = next(result for result in results if isinstance(result, StaleVersion))
    assert stale.status_code == 412
    view = await open_draft(world.viewer, "2024-H1", None)
    assert view.stored.version == version + 1
    written = [
        p.text for s in view.applied if s.key == "V" for p in s.paragraphs if p.key.startswith("staff:")
    ]
    assert len(written) == (2 if existing else 1)  # the winner's paragraph, and nothing of the loser's
