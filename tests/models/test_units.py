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
    is_within,
    kind_level_error,
    list_units,
    parent_level_error,
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


# --- the hierarchy: no loops, levels that fit the kind and the parent --------------------------


@pytest.mark.parametrize(
    ("unit_id", "other_id", "within"),
    [
        (1, 1, True),  # the unit itself
        (1, 2, True),  # its child
        (1, 3, True),  # its grandchild
        (2, 1, False),  # its parent
        (3, 4, False),  # a unit elsewhere in the tree
        (1, 99, False),  # a unit not in the table: no loop (refused as unknown elsewhere)
        (1, 5, False),  # a loop stored before loops were refused ends the walk
    ],
)
def test_a_unit_is_within_itself_and_the_units_under_it(unit_id, other_id, within):
    parents = {1: None, 2: 1, 3: 2, 4: None, 5: 6, 6: 5}
    assert is_within(unit_id, other_id, parents) is within


@pytest.mark.parametrize(
    ("kind", "level", "expected"),
    [
        ("provincial_committee", "province", None),
        ("provincial_committee", "district", "province"),
        ("department", "province", None),
        ("department", "commune", "province"),
        ("district_committee", "district", None),
        ("district_committee", "province", "district"),
        ("commune_committee", "commune", None),
        ("commune_committee", "district", "commune"),
        ("other", "province", None),  # a hospital, a centre: at any level
        ("other", "district", None),
        ("other", "commune", None),
    ],
)
def test_a_committee_or_department_is_at_its_kinds_level(kind, level, expected):
    error = kind_level_error(kind, level)
    if expected is None:
        assert error is None
        return
    assert (error.field, error.reason) == ("level", f"a {kind} unit is at the {expected} level")


def test_the_kind_and_level_mismatch_reads_in_vietnamese():
    assert kind_level_error("department", "commune").message == (
        "Đơn vị loại “Sở, ban, ngành” phải ở cấp tỉnh, không phải cấp xã."
    )
    assert kind_level_error("department", "commune", "kind").field == "kind"


@pytest.mark.parametrize(
    ("level", "parent_level", "refused"),
    [
        ("province", "province", False),  # a department under the provincial committee
        ("district", "province", False),
        ("commune", "province", False),  # a commune since 1 July 2025
        ("commune", "district", False),  # a commune until 30 June 2025
        ("commune", "commune", False),
        ("district", "district", False),
        ("province", "district", True),
        ("province", "commune", True),
        ("district", "commune", True),
    ],
)
def test_a_unit_sits_under_one_at_its_level_or_above(level, parent_level, refused):
    error = parent_level_error(level, parent_level)
    assert (error is not None) is refused
    if refused:
        assert error.field == "parent_id"


async def _district_and_commune(w):
    district = await create_unit(
        w.admin, UnitData("HUYEN", "UBND huyện A", "district_committee", "district", w.province_id)
    )
    commune = await create_unit(
        w.admin, UnitData("XA", "UBND xã B", "commune_committee", "commune", district["id"])
    )
    return district["id"], commune["id"]


@pytest.mark.parametrize(
    ("unit", "parent", "refused"),
    [
        ("province", "province", True),  # itself
        ("province", "unit_a", True),  # its child
        ("province", "commune", True),  # its grandchild (a loop two levels down)
        ("district", "district", True),
        ("district", "commune", True),  # its child (and a lower level: the loop is said)
        ("unit_a", "unit_b", False),  # a department under another: same level, no loop
        ("commune", "province", False),  # the commune moved under the province (1 July 2025)
        ("district", None, False),
    ],
)
async def test_a_unit_is_never_put_under_itself_or_a_unit_under_it(db, unit, parent, refused):
    w = await build_world()
    district, commune = await _district_and_commune(w)
    ids = {
        "province": w.province_id,
        "unit_a": w.unit_a,
        "unit_b": w.unit_b,
        "district": district,
        "commune": commune,
        None: None,
    }
    unit_id, parent_id = ids[unit], ids[parent]
    before = (await get_unit(unit_id))["parent"]
    if not refused:
        assert await unit_change_problems(unit_id, {"parent_id": parent_id}) == []
        assert (await update_unit(w.admin, unit_id, {"parent_id": parent_id}))["parent"] == parent_id
        return
    expected = [("parent_id", "Đơn vị cấp trên không được là chính đơn vị hoặc đơn vị trực thuộc nó.")]
    problems = await unit_change_problems(unit_id, {"parent_id": parent_id})
    assert [(e.field, e.message) for e in problems] == expected
    with pytest.raises(InvalidInput) as error:
        await update_unit(w.admin, unit_id, {"parent_id": parent_id})
    assert [(e.field, e.message) for e in error.value.errors] == expected
    assert (await get_unit(unit_id))["parent"] == before  # nothing written


async def test_two_units_are_not_put_under_each_other(db):
    """The probe's sequence: the first move is fine, the second would close a loop."""
    w = await build_world()
    assert (await update_unit(w.admin, w.unit_b, {"parent_id": w.unit_a}))["parent"] == w.unit_a
    with pytest.raises(InvalidInput) as error:
        await update_unit(w.admin, w.unit_a, {"parent_id": w.unit_b})
    assert [e.field for e in error.value.errors] == ["parent_id"]
    assert (await get_unit(w.unit_a))["parent"] == w.province_id


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        # a new unit: the kind's level on level, the parent's on parent_id
        (
            UnitData("XA1", "UBND xã Một", "commune_committee", "district", None),
            [("level", "Đơn vị loại “UBND cấp xã” phải ở cấp xã, không phải cấp huyện.")],
        ),
        (
            UnitData("S1", "Sở Một", "department", "commune"),
            [("level", "Đơn vị loại “Sở, ban, ngành” phải ở cấp tỉnh, không phải cấp xã.")],
        ),
        (
            UnitData("H1", "UBND huyện Một", "district_committee", "district", "commune"),
            [("parent_id", "Đơn vị cấp trên ở cấp xã, thấp hơn cấp huyện của đơn vị này.")],
        ),
        (UnitData("BV1", "Bệnh viện huyện", "other", "district", "district"), []),
        (UnitData("XA2", "UBND xã Hai", "commune_committee", "commune", "district"), []),
        (UnitData("UB2", "UBND tỉnh (mới)", "provincial_committee", "province"), []),
    ],
)
async def test_a_new_units_level_fits_its_kind_and_its_parent(db, data, problems):
    w = await build_world()
    district, commune = await _district_and_commune(w)
    parent = {"district": district, "commune": commune}.get(data.parent_id, data.parent_id)
    data = UnitData(data.code, data.name, data.kind, data.level, parent)
    assert [(e.field, e.message) for e in await unit_problems(data)] == problems
    if not problems:
        assert (await create_unit(w.admin, data))["level"] == data.level
        return
    with pytest.raises(InvalidInput):
        await create_unit(w.admin, data)
    found, _ = await list_units(UnitFilter(q=data.code), PageRequest())
    assert found == []  # nothing written


@pytest.mark.parametrize(
    ("unit", "change", "problems"),
    [
        # only the kind changed: told beside the kind
        ("unit_a", {"kind": "commune_committee"}, ["kind"]),
        # only the level changed: beside the level, both the kind's rule and the parent's
        ("commune", {"level": "province"}, ["level", "level"]),
        # kind and level together, consistently, the units under it now above it: on the level
        ("province", {"kind": "other", "level": "district"}, ["level"]),
        # kind and level together, still at or below its parent's level
        ("commune", {"kind": "district_committee", "level": "district"}, []),
        # the parent changed to one below: beside the parent
        ("district", {"parent_id": "commune"}, ["parent_id"]),
        # the kind and level kept, the name changed: nothing compared again
        ("unit_a", {"name": "Sở Tư pháp tỉnh"}, []),
    ],
)
async def test_a_level_rule_is_told_on_the_field_changed(db, unit, change, problems):
    w = await build_world()
    district, commune = await _district_and_commune(w)
    ids = {"province": w.province_id, "unit_a": w.unit_a, "district": district, "commune": commune}
    change = {k: ids.get(v, v) if k == "parent_id" else v for k, v in change.items()}
    before = await get_unit(ids[unit])
    assert [e.field for e in await unit_change_problems(ids[unit], change)] == problems
    if not problems:
        await update_unit(w.admin, ids[unit], change)
        return
    with pytest.raises(InvalidInput):
        await update_unit(w.admin, ids[unit], change)
    assert await get_unit(ids[unit]) == before  # nothing written


async def test_a_unit_is_not_moved_below_the_units_under_it(db):
    w = await build_world()
    district, _commune = await _district_and_commune(w)
    other = await create_unit(w.admin, UnitData("BVH", "Bệnh viện huyện", "other", "district", district))
    await create_unit(w.admin, UnitData("KHOA", "Khoa khám bệnh", "other", "district", other["id"]))
    problems = await unit_change_problems(other["id"], {"level": "commune"})
    assert [(e.field, e.message) for e in problems] == [
        ("level", "Đơn vị có đơn vị trực thuộc ở cấp huyện, cao hơn cấp xã.")
    ]
    # moved up instead: above its own parent, told beside the level changed
    problems = await unit_change_problems(other["id"], {"level": "province"})
    assert [(e.field, e.message) for e in problems] == [
        ("level", "Đơn vị cấp trên ở cấp huyện, thấp hơn cấp tỉnh của đơn vị này.")
    ]
    with pytest.raises(InvalidInput):
        await update_unit(w.admin, other["id"], {"level": "commune"})
    assert (await get_unit(other["id"]))["level"] == "district"
