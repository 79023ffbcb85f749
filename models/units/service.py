"""Units (đơn vị) and their history: a unit is closed with valid_to and a successor,
never deleted, so figures for past periods still name the units that existed then."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from piccolo.query.base import Query

from core.db import write_transaction
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.paging import PageRequest, apply_sort, contains, valid_on
from core.text import fold, format_date_short, identifier, nfc
from models.permissions import Action, Principal
from models.units.tables import Unit
from models.vocabulary import UnitKind, UnitLevel

UNIT_COLUMNS = (
    Unit.id,
    Unit.code,
    Unit.name,
    Unit.kind,
    Unit.level,
    Unit.parent,
    Unit.valid_from,
    Unit.valid_to,
    Unit.successor,
)
SORT_KEYS = {"code": Unit.code, "name": Unit.name, "level": Unit.level, "valid_from": Unit.valid_from}
# The level each kind of unit is at: the province's People's Committee and its departments are
# provincial, a district's committee district-level, a commune's (xã, phường, đặc khu)
# commune-level. Any other unit (a hospital, a centre) may be at any level.
KIND_LEVELS = {
    UnitKind.PROVINCIAL_COMMITTEE: UnitLevel.PROVINCE,
    UnitKind.DEPARTMENT: UnitLevel.PROVINCE,
    UnitKind.DISTRICT_COMMITTEE: UnitLevel.DISTRICT,
    UnitKind.COMMUNE_COMMITTEE: UnitLevel.COMMUNE,
}
# The levels from the top: a unit sits under one at its own level or above (a commune under a
# district until 1 July 2025, under the province since; a district under the province).
LEVEL_RANKS = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
PARENT_IN_ITSELF = "Đơn vị cấp trên không được là chính đơn vị hoặc đơn vị trực thuộc nó."


@dataclass(frozen=True)
class UnitData:
    code: str
    name: str
    kind: str
    level: str
    parent_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: int | None = None


@dataclass(frozen=True)
class UnitFilter:
    level: str | None = None
    kind: str | None = None
    parent_id: int | None = None
    active_on: date | None = None
    q: str | None = None


def in_force(valid_to: date | None, day: date) -> bool:
    """A unit with this last valid day may still be given work or accounts on ``day``."""
    return valid_to is None or valid_to >= day


def _invalid(field: str, reason: str, message: str) -> InvalidInput:
    return InvalidInput.field(field, reason, message)


def code_key(code: str) -> str:
    """What a code is compared by (``same_code``), to look codes up in a dict."""
    return code.casefold()


def same_code(a: str, b: str) -> bool:
    """A code is one code whatever its case: "stp" is the unit code "STP" already taken, and
    "qn-test-1" the procedure code "QN-TEST-1" (models.procedures uses this rule too)."""
    return code_key(a) == code_key(b)


def kind_level_error(kind: str, level: str, field: str = "level") -> FieldError | None:
    """A committee or a department at another level than its kind's (KIND_LEVELS), told on
    ``field``: a "department" at the commune level, a commune's committee at the province's."""
    expected = KIND_LEVELS.get(UnitKind(kind))
    if expected is None or expected == level:
        return None
    return FieldError(
        field,
        f"a {kind} unit is at the {expected.value} level",
        f"Đơn vị loại “{UnitKind(kind).label}” phải ở {expected.label.lower()}, "
        f"không phải {UnitLevel(level).label.lower()}.",
    )


def parent_level_error(level: str, parent_level: str, field: str = "parent_id") -> FieldError | None:
    """A unit under one at a lower level than its own (a district under a commune), on ``field``."""
    if (
        parent_level not in LEVEL_RANKS
        or LEVEL_RANKS[UnitLevel(parent_level)] <= LEVEL_RANKS[UnitLevel(level)]
    ):
        return None
    return FieldError(
        field,
        f"the parent is at the {parent_level} level, below the unit's {level} level",
        f"Đơn vị cấp trên ở {UnitLevel(parent_level).label.lower()}, thấp hơn "
        f"{UnitLevel(level).label.lower()} của đơn vị này.",
    )


def is_within(unit_id: int, other_id: int, parents: dict[int, int | None]) -> bool:
    """``other_id`` is the unit itself or a unit under it (following ``parents``, each unit's
    parent): putting the unit under it would make a loop. A loop already stored ends the walk."""
    seen: set[int] = set()
    node: int | None = other_id
    while node is not None and node not in seen:
        if node == unit_id:
            return True
        seen.add(node)
        node = parents.get(node)
    return False


async def _parent_within(unit_id: int, parent_id: int) -> bool:
    """The new parent is the unit or under it: read over every unit's parent at once (a few
    hundred), rather than one query a level."""
    rows = await Unit.select(Unit.id, Unit.parent)
    return is_within(unit_id, parent_id, {row["id"]: row["parent"] for row in rows})


async def _children_level_error(unit_id: int, level: str) -> FieldError | None:
    """The unit, moved to ``level``, would sit below a unit under it."""
    rows = await Unit.select(Unit.level).where(Unit.parent == unit_id)
    higher = sorted(
        {row["level"] for row in rows if row["level"] in LEVEL_RANKS},
        key=lambda child: LEVEL_RANKS[UnitLevel(child)],
    )
    if not higher or LEVEL_RANKS[UnitLevel(higher[0])] >= LEVEL_RANKS[UnitLevel(level)]:
        return None
    return FieldError(
        "level",
        f"a unit under it is at the {higher[0]} level",
        f"Đơn vị có đơn vị trực thuộc ở {UnitLevel(higher[0]).label.lower()}, cao hơn "
        f"{UnitLevel(level).label.lower()}.",
    )


async def _code_taken(code: str, unit_id: int | None) -> bool:
    """Another unit has ``code``, in any case. Codes are compared here rather than in the
    database (whose unique index is on the code as written), over a few hundred units."""
    rows = await Unit.select(Unit.id, Unit.code).where(Unit.id != (unit_id or 0))
    return any(same_code(row["code"], code) for row in rows)


async def _problems(
    data: UnitData, unit_id: int | None = None, *, changed: frozenset[str] | None = None
) -> tuple[list[FieldError], list[FieldError]]:
    """Everything wrong with ``data`` at once: the invalid fields (422) and the conflicts with
    other units (409: a code taken). ``changed`` names the fields a change touches (None: all,
    a new unit): a rule between two fields is told on the one changed, and a code kept as it
    was is not compared again (units stored before codes were compared in any case keep theirs).
    The hierarchy: a parent is neither the unit nor under it, a committee or department is at
    its kind's level, a unit sits under one at its level or above (and above the units under
    it); each checked when a field it is about changes."""
    errors: list[FieldError] = []
    code, name = identifier(data.code), nfc(data.name)
    if not code or len(code) > 32:
        errors.append(FieldError("code", "1 to 32 characters", "Mã đơn vị dài 1–32 ký tự."))
    if not name or len(name) > 255:
        errors.append(FieldError("name", "1 to 255 characters", "Tên đơn vị dài 1–255 ký tự."))
    if data.kind not in set(UnitKind):
        errors.append(FieldError("kind", f"one of {', '.join(UnitKind)}", "Loại đơn vị không hợp lệ."))
    if data.level not in set(UnitLevel):
        errors.append(FieldError("level", f"one of {', '.join(UnitLevel)}", "Cấp đơn vị không hợp lệ."))

    def touched(*names: str) -> bool:
        return changed is None or any(name in changed for name in names)

    def told_on(own: str, other: str) -> str:
        """A rule between two fields is told on ``own`` unless only ``other`` was changed."""
        return other if changed is not None and other in changed and own not in changed else own

    level_known = data.level in set(UnitLevel)
    if level_known and data.kind in set(UnitKind) and touched("kind", "level"):
        errors += filter(None, [kind_level_error(data.kind, data.level, told_on("level", "kind"))])
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        if changed is not None and "valid_from" in changed and "valid_to" not in changed:
            # Only the first day was changed (the edit form): the message sits beside it.
            errors.append(
                FieldError(
                    "valid_from",
                    f"after valid_to ({data.valid_to.isoformat()})",
                    f"Ngày có hiệu lực không được sau ngày hết hiệu lực ({format_date_short(data.valid_to)}).",
                )
            )
        else:
            errors.append(
                FieldError("valid_to", "before valid_from", "Ngày hết hiệu lực trước ngày có hiệu lực.")
            )
    if data.successor_id is not None and data.valid_to is None:
        # A successor takes over from a day on: without the closing day nothing says which
        # periods stay with this unit.
        errors.append(
            FieldError(
                "valid_to",
                "a unit with a successor needs its last valid day",
                "Đơn vị có đơn vị kế thừa phải có ngày cuối cùng còn hiệu lực.",
            )
        )
    parent_level: str | None = None
    for field, ref in (("parent_id", data.parent_id), ("successor_id", data.successor_id)):
        if ref is None:
            continue
        # Under itself or under a unit under it: a loop (a kept parent is not walked again).
        if field == "parent_id" and (
            ref == unit_id
            or (unit_id is not None and touched("parent_id") and await _parent_within(unit_id, ref))
        ):
            errors.append(FieldError(field, "the unit itself or a unit under it", PARENT_IN_ITSELF))
        elif ref == unit_id:
            errors.append(FieldError(field, "a unit cannot refer to itself", "Không thể tự tham chiếu."))
        elif (row := await Unit.select(Unit.level).where(Unit.id == ref).first()) is None:
            errors.append(FieldError(field, "no such unit", "Đơn vị không tồn tại."))
        elif field == "parent_id":
            parent_level = row["level"]
    if level_known and parent_level is not None and touched("parent_id", "level"):
        errors += filter(None, [parent_level_error(data.level, parent_level, told_on("parent_id", "level"))])
    if level_known and unit_id is not None and changed is not None and "level" in changed:
        errors += filter(None, [await _children_level_error(unit_id, data.level)])
    conflicts: list[FieldError] = []
    compare = changed is None or "code" in changed
    if code and len(code) <= 32 and compare and await _code_taken(code, unit_id):
        conflicts.append(FieldError("code", "already used (codes ignore case)", "Mã đơn vị đã tồn tại."))
    return errors, conflicts


async def _validate(
    data: UnitData, unit_id: int | None = None, *, changed: frozenset[str] | None = None
) -> dict:
    errors, conflicts = await _problems(data, unit_id, changed=changed)
    if errors:
        raise InvalidInput("invalid unit", errors)
    if conflicts:
        raise Conflict(f"unit code {identifier(data.code)!r} exists", conflicts)
    code, name = identifier(data.code), nfc(data.name)
    return {
        Unit.code: code,
        Unit.name: name,
        Unit.kind: data.kind,
        Unit.level: data.level,
        Unit.parent: data.parent_id,
        Unit.valid_from: data.valid_from,
        Unit.valid_to: data.valid_to,
        Unit.successor: data.successor_id,
        Unit.search_text: fold(f"{code} {name}"),
    }


async def unit_problems(data: UnitData) -> list[FieldError]:
    """Everything ``create_unit`` would refuse in ``data``, all at once (a form shows them
    with its own): the invalid fields, then a code already taken."""
    errors, conflicts = await _problems(data)
    return errors + conflicts


async def create_unit(actor: Principal, data: UnitData) -> dict:
    actor.require(Action.MANAGE_UNITS)
    return await create_unit_unchecked(data)


async def create_unit_unchecked(data: UnitData) -> dict:
    # Checked and written in one transaction: a unit written meanwhile is seen by the checks.
    async with write_transaction(Unit._meta.db):
        values = await _validate(data)
        rows = await Unit.insert(Unit(**{col._meta.name: v for col, v in values.items()})).returning(Unit.id)
    return await get_unit(rows[0]["id"])


def _merged(current: dict, changes: dict) -> tuple[UnitData, frozenset[str]]:
    """The unit as ``changes`` would leave it, and the fields they change."""
    merged = {
        "code": current["code"],
        "name": current["name"],
        "kind": current["kind"],
        "level": current["level"],
        "parent_id": current["parent"],
        "valid_from": current["valid_from"],
        "valid_to": current["valid_to"],
        "successor_id": current["successor"],
    }
    allowed = {f.name for f in fields(UnitData)}
    given = {k: v for k, v in changes.items() if k in allowed}
    changed = frozenset(k for k, v in given.items() if v != merged[k])
    merged.update(given)
    return UnitData(**merged), changed


async def _changed(unit_id: int, changes: dict) -> dict:
    """The unit's columns after ``changes``, checked (InvalidInput, Conflict), not written."""
    data, changed = _merged(await get_unit(unit_id), changes)
    return await _validate(data, unit_id, changed=changed)


async def unit_change_problems(unit_id: int, changes: dict) -> list[FieldError]:
    """Everything ``update_unit`` would refuse in ``changes``, all at once (for a form)."""
    data, changed = _merged(await get_unit(unit_id), changes)
    errors, conflicts = await _problems(data, unit_id, changed=changed)
    return errors + conflicts


async def check_unit_change(actor: Principal, unit_id: int, changes: dict) -> None:
    """Would ``update_unit`` accept these changes? (Asked before confirming a closure.)"""
    actor.require(Action.MANAGE_UNITS)
    await _changed(unit_id, changes)


async def update_unit(actor: Principal, unit_id: int, changes: dict) -> dict:
    """Apply a partial change; closing a unit is ``valid_to`` (and ``successor_id``) here."""
    actor.require(Action.MANAGE_UNITS)
    # Checked and written in one transaction: two units moved under each other at once are
    # not both accepted (on SQLite the writers queue; see core.db.write_transaction).
    async with write_transaction(Unit._meta.db):
        values = await _changed(unit_id, changes)
        await Unit.update(values).where(Unit.id == unit_id)
    return await get_unit(unit_id)


async def get_unit(unit_id: int) -> dict:
    row = await Unit.select(*UNIT_COLUMNS).where(Unit.id == unit_id).first()
    if row is None:
        raise NotFound(f"unit {unit_id} not found", "Không tìm thấy đơn vị này.")
    return row


async def unit_ids_by_code(codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = await Unit.select(Unit.id, Unit.code).where(Unit.code.is_in(list(codes)))
    return {row["code"]: row["id"] for row in rows}


def _filtered(query: Query, flt: UnitFilter) -> Query:
    if flt.level:
        query = query.where(Unit.level == flt.level)
    if flt.kind:
        query = query.where(Unit.kind == flt.kind)
    if flt.parent_id is not None:
        query = query.where(Unit.parent == flt.parent_id)
    if flt.active_on is not None:
        query = query.where(valid_on(Unit.valid_from, Unit.valid_to, flt.active_on))
    if flt.q:
        query = query.where(contains(Unit.search_text, fold(flt.q)))
    return query


async def list_units(flt: UnitFilter, page: PageRequest) -> tuple[list[dict], int]:
    query = apply_sort(_filtered(Unit.select(*UNIT_COLUMNS), flt), page.sort, SORT_KEYS, ["code"])
    rows = await query.limit(page.limit).offset(page.offset)
    return rows, await _filtered(Unit.count(), flt)


def existed_during(valid_from: date | None, valid_to: date | None, first: date, last: date) -> bool:
    """A unit with these validity dates existed on some day from ``first`` to ``last``, so a
    report for that period may be about it: it began by the last day and was still in force
    on the first (a null date is open-ended)."""
    return (valid_from is None or valid_from <= last) and in_force(valid_to, first)
