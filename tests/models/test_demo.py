from __future__ import annotations

from datetime import date

import pytest

from demo.loader import load_demo
from models.plans.progress import plan_summary
from models.plans.tables import Plan, TaskEvent
from models.units.tables import Unit

pytestmark = pytest.mark.anyio


async def test_demo_states_24_of_32_by_30_june_2023_and_loads_once(db):
    first = await load_demo()
    assert first["tasks"] == 32 and first["accounts"] == 6 and first["current_tasks"] == 18
    assert await load_demo() == dict.fromkeys(first, 0)  # a second load creates nothing
    plan = await Plan.select(Plan.id).first()
    mid_year = await plan_summary(plan["id"], as_of=date(2023, 6, 30))
    assert (mid_year["completed"], mid_year["total"]) == (24, 32)
    assert mid_year["label"] == "24/32 nhiệm vụ, 75%"
    assert len(mid_year["by_area"]) == 7
    year_end = await plan_summary(plan["id"], as_of=date(2023, 12, 31))
    assert year_end["completed"] == 26 and year_end["completed_late"] == 1
    assert await TaskEvent.count() > 64
    districts = await Unit.select(Unit.valid_to).where(Unit.level == "district")
    assert len(districts) == 13 and {d["valid_to"] for d in districts} == {date(2025, 6, 30)}
