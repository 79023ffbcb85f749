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
    existed_during,
    get_unit,
    list_units,
    unit_change_problems,
    unit_problems,
    update_unit,
)
from models.units.service import in_force as unit_in_force
from models.units.tables import Unit
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


# --- a rule between two days is told on the day changed --------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        # the first day moved past the last (the edit form): beside the first day
        (
            {"valid_from": date(2026, 1, 1)},
            "valid_from",
            "Ngày có hiệu lực không được sau ngày hết hiệu lực (31/12/2025).",
        ),
        # the last day moved before the first (the close form): beside the last day
        ({"valid_to": date(2023, 12, 31)}, "valid_to", "Ngày hết hiệu lực trước ngày có hiệu lực."),
        # both at once: the last day, as for a new unit
        (
            {"valid_from": date(2026, 1, 1), "valid_to": date(2025, 11, 30)},
            "valid_to",
            "Ngày hết hiệu lực trước ngày có hiệu lực.",
        ),
        # the day it already had counts as unchanged: the first day, sent with it, is told
        (
            {"valid_from": date(2026, 1, 1), "valid_to": date(2025, 12, 31)},
            "valid_from",
            "Ngày có hiệu lực không được sau ngày hết hiệu lực (31/12/2025).",
        ),
        ({"valid_from": date(2025, 12, 31)}, None, None),  # the same day: in force for one day
        ({"valid_to": date(2024, 1, 1)}, None, None),
    ],
)
async def test_days_in_the_wrong_order_are_told_on_the_day_changed(db, change, field, message):
    w = await build_world()
    await update_unit(w.admin, w.unit_b, {"valid_from": date(2024, 1, 1), "valid_to": date(2025, 12, 31)})
    if field is None:
        assert await unit_change_problems(w.unit_b, change) == []
        changed = await update_unit(w.admin, w.unit_b, change)
        assert all(changed[name] == value for name, value in change.items())
        return
    assert [(e.field, e.message) for e in await unit_change_problems(w.unit_b, change)] == [(field, message)]
    with pytest.raises(InvalidInput) as error:
        await update_unit(w.admin, w.unit_b, change)
    assert [e.field for e in error.value.errors] == [field]
    unchanged = await get_unit(w.unit_b)
    assert (unchanged["valid_from"], unchanged["valid_to"]) == (date(2024, 1, 1), date(2025, 12, 31))


# --- unit codes are one code whatever their case ---------------------------------------------


@pytest.mark.parametrize(
    ("code", "taken"),
    [
        ("STP", True),  # the code as stored
        ("stp", True),  # lower case
        ("Stp", True),
        (" sTp ", True),  # spaces around are not part of a code
        ("STP2", False),
        ("SYT-CU", False),
    ],
)
async def test_a_new_unit_code_is_refused_in_any_case_of_one_taken(db, code, taken):
    w = await build_world()
    data = UnitData(code, "Đơn vị mới", "department", "province", w.province_id)
    if not taken:
        assert await unit_problems(data) == []
        assert (await create_unit(w.admin, data))["code"] == code.strip()  # kept as typed
        return
    assert [(e.field, e.message) for e in await unit_problems(data)] == [("code", "Mã đơn vị đã tồn tại.")]
    with pytest.raises(Conflict) as error:
        await create_unit(w.admin, data)
    assert [e.field for e in error.value.errors] == ["code"]
    found, _ = await list_units(UnitFilter(q="don vi moi"), PageRequest())
    assert found == []  # nothing written


@pytest.mark.parametrize(
    ("unit", "code", "taken"),
    [
        ("unit_b", "stp", True),  # another unit's code, lower case
        ("unit_b", "STP", True),
        ("unit_a", "stp", False),  # a unit's own code in another case
        ("unit_a", "STP", False),
    ],
)
async def test_a_changed_code_is_refused_in_any_case_of_another_units(db, unit, code, taken):
    w = await build_world()
    unit_id = getattr(w, unit)
    if not taken:
        assert (await update_unit(w.admin, unit_id, {"code": code}))["code"] == code
        return
    with pytest.raises(Conflict):
        await update_unit(w.admin, unit_id, {"code": code})
    assert (await get_unit(unit_id))["code"] == "SYT"


async def test_units_stored_with_codes_differing_only_in_case_can_still_be_changed(db):
    """Codes stored before they were compared in any case stay valid: a unit keeping its code is
    not refused for the other's."""
    w = await build_world()
    rows = await Unit.insert(
        Unit(code="stp", name="Sở Tư pháp (cũ)", kind="department", level="province", search_text="stp")
    ).returning(Unit.id)
    renamed = await update_unit(w.admin, rows[0]["id"], {"name": "Sở Tư pháp (trước 2020)"})
    assert (renamed["code"], renamed["name"]) == ("stp", "Sở Tư pháp (trước 2020)")
    closed = await update_unit(w.admin, w.unit_a, {"valid_to": date(2025, 6, 30)})
    assert closed["code"] == "STP"
    with pytest.raises(Conflict):
        await update_unit(w.admin, w.unit_b, {"code": "Stp"})


async def test_every_problem_with_a_new_unit_at_once_the_taken_code_with_the_rest(db):
    w = await build_world()
    problems = await unit_problems(UnitData("stp", "", "castle", "province", 9999))
    assert [e.field for e in problems] == ["name", "kind", "parent_id", "code"]
    assert problems[-1].message == "Mã đơn vị đã tồn tại."
    assert (await list_units(UnitFilter(), PageRequest()))[1] == 3  # nothing written
    assert w.unit_a


@pytest.mark.parametrize(
    ("valid_to", "in_force"),
    [(None, True), (date(2025, 6, 29), False), (date(2025, 6, 30), True), (date(2025, 7, 1), True)],
)
def test_a_unit_is_in_force_through_its_last_valid_day(valid_to, in_force):
    assert unit_in_force(valid_to, date(2025, 6, 30)) is in_force


# A period from 15/12/2024 to 14/06/2025 (the 2025 half-year): which units a report for it may name.
@pytest.mark.parametrize(
    ("valid_from", "valid_to", "existed"),
    [
        (None, None, True),
        (None, date(2024, 12, 14), False),  # closed the day before the period began
        (None, date(2024, 12, 15), True),  # its last day is the period's first
        (date(2025, 6, 14), None, True),  # set up on the period's last day
        (date(2025, 6, 15), None, False),  # set up the day after it ended
        (date(2025, 7, 1), None, False),  # a commune of the two-level government
        (None, date(2025, 2, 28), True),  # a department merged within the period
        (date(2020, 1, 1), date(2025, 6, 30), True),  # a district spanning it
    ],
)
def test_a_unit_existed_during_a_period_that_overlaps_its_validity(valid_from, valid_to, existed):
    assert existed_during(valid_from, valid_to, date(2024, 12, 15), date(2025, 6, 14)) is existed
