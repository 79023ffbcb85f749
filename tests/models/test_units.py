from __future__ import annotations

from datetime import date

import pytest

from core.errors import Conflict, InvalidInput, PermissionDenied
from core.paging import PageRequest
from models.units.service import (
    UnitData,
    UnitFilter,
    check_unit_change,
    create_unit,
    get_unit,
    list_units,
    update_unit,
)
from tests.world import build_world

pytestmark = pytest.mark.anyio


async def test_admin_closes_a_district_with_a_successor_and_history_stays(db):
    w = await build_world()
    district = await create_unit(
        w.admin, UnitData("HALONG", "UBND thành phố Hạ Long", "district_committee", "district", w.province_id)
    )
    commune = await create_unit(
        w.admin,
        UnitData(
            "P-HONGGAI", "UBND phường Hồng Gai", "commune_committee", "commune", valid_from=date(2025, 7, 1)
        ),
    )
    closed = await update_unit(
        w.admin, district["id"], {"valid_to": date(2025, 6, 30), "successor_id": commune["id"]}
    )
    assert closed["valid_to"] == date(2025, 6, 30) and closed["successor"] == commune["id"]
    in_2024, _ = await list_units(UnitFilter(level="district", active_on=date(2024, 12, 31)), PageRequest())
    in_2026, _ = await list_units(UnitFilter(active_on=date(2026, 1, 1), level="district"), PageRequest())
    assert [u["code"] for u in in_2024] == ["HALONG"] and in_2026 == []
    assert (await get_unit(district["id"]))["name"] == "UBND thành phố Hạ Long"


async def test_only_admin_manages_units(db):
    w = await build_world()
    for who in (w.staff, w.head_a, w.viewer):
        with pytest.raises(PermissionDenied):
            await create_unit(who, UnitData("X", "X", "department", "province"))
        with pytest.raises(PermissionDenied):
            await update_unit(who, w.unit_a, {"name": "Đổi tên"})


async def test_unit_validation(db):
    w = await build_world()
    with pytest.raises(InvalidInput) as error:
        await create_unit(
            w.admin, UnitData("", "", "castle", "galaxy", 9999, date(2025, 1, 2), date(2025, 1, 1))
        )
    assert {e.field for e in error.value.errors} == {"code", "name", "kind", "level", "valid_to", "parent_id"}
    with pytest.raises(Conflict):
        await create_unit(w.admin, UnitData("STP", "Trùng mã", "department", "province"))
    with pytest.raises(InvalidInput):
        await update_unit(w.admin, w.unit_a, {"successor_id": w.unit_a})


@pytest.mark.parametrize(
    ("valid_to", "with_successor", "refused"),
    [
        (None, True, "Đơn vị có đơn vị kế thừa phải có ngày cuối cùng còn hiệu lực."),
        (date(2025, 6, 30), True, None),
        (None, False, None),
        (date(2025, 6, 30), False, None),
    ],
)
async def test_a_unit_with_a_successor_needs_its_last_day(db, valid_to, with_successor, refused):
    w = await build_world()
    change = {"valid_to": valid_to, "successor_id": w.unit_a if with_successor else None}
    if refused is None:
        closed = await update_unit(w.admin, w.unit_b, change)
        assert closed["valid_to"] == valid_to
        return
    with pytest.raises(InvalidInput) as error:
        await check_unit_change(w.admin, w.unit_b, change)
    assert [(e.field, e.message) for e in error.value.errors] == [("valid_to", refused)]
    with pytest.raises(InvalidInput):
        await update_unit(w.admin, w.unit_b, change)
    assert (await get_unit(w.unit_b))["successor"] is None  # nothing written


async def test_search_ignores_diacritics(db):
    await build_world()
    found, total = await list_units(UnitFilter(q="so tu phap"), PageRequest())
    assert total == 1 and found[0]["code"] == "STP"
