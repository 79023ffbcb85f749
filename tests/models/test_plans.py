from __future__ import annotations

import pytest

from core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from models.plans.plans import PlanData, create_plan, update_plan
from tests.world import build_world

pytestmark = pytest.mark.anyio


async def test_one_active_plan_per_year(db):
    w = await build_world()
    draft = await create_plan(w.staff, PlanData(2024, "Kế hoạch điều chỉnh"))
    with pytest.raises(Conflict):
        await update_plan(w.staff, draft["id"], {"status": "active"}, None)
    with pytest.raises(Conflict):
        await create_plan(w.staff, PlanData(2024, "Thêm", status="active"))
    await update_plan(w.staff, w.plan_id, {"status": "closed"}, None)
    assert (await update_plan(w.staff, draft["id"], {"status": "active"}, None))["status"] == "active"


async def test_plan_rules(db):
    w = await build_world()
    with pytest.raises(PermissionDenied):
        await create_plan(w.head_a, PlanData(2025, "x"))
    with pytest.raises(PermissionDenied):
        await update_plan(w.viewer, w.plan_id, {"title": "x"}, None)
    with pytest.raises(InvalidInput) as error:
        await create_plan(w.staff, PlanData(1999, "", status="open", progress_method="manual"))
    assert {e.field for e in error.value.errors} == {"year", "title", "status", "manual_progress"}
    updated = await update_plan(w.staff, w.plan_id, {"doc_number": "7/KH-UBND"}, 1)
    assert updated["version"] == 2
    with pytest.raises(StaleVersion):
        await update_plan(w.staff, w.plan_id, {"doc_number": "8/KH-UBND"}, 1)
