"""The catalogue of administrative procedures (thủ tục hành chính): what citizens file,
at which level, handled by which unit, in how many days, and how far online."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from piccolo.query.base import Query
from piccolo.query.functions.aggregate import Count

from core.db import write_transaction
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.paging import PageRequest, apply_sort, contains, valid_on
from core.tabular import lookup, parse_all, parse_date, read_records, row_error
from core.text import fold, identifier, nfc, vietnamese_sort_key
from models.permissions import Action, Principal
from models.procedures.tables import Procedure
from models.units.service import code_key, same_code
from models.units.tables import Unit
from models.vocabulary import OnlineLevel, UnitLevel

PROCEDURE_COLUMNS = (
    Procedure.id,
    Procedure.code,
    Procedure.name,
    Procedure.field,
    Procedure.level,
    Procedure.handling_unit,
    Procedure.processing_days,
    Procedure.online_level,
    Procedure.valid_from,
    Procedure.valid_to,
)
SORT_KEYS = {
    "code": Procedure.code,
    "name": Procedure.name,
    "field": Procedure.field,
    "level": Procedure.level,
}
FILE_COLUMNS = (
    ("code", "Mã thủ tục"),
    ("name", "Tên thủ tục"),
    ("field", "Lĩnh vực"),
    ("level", "Cấp thực hiện"),
    ("handling_unit", "Đơn vị giải quyết"),
    ("processing_days", "Thời hạn giải quyết (ngày)"),
    ("online_level", "Mức độ trực tuyến"),
    ("valid_from", "Hiệu lực từ"),
    ("valid_to", "Hiệu lực đến"),
)
FILE_REQUIRED = {"code", "name", "field", "level", "online_level"}
MAX_FILE_ROWS = 20_000


@dataclass(frozen=True)
class ProcedureData:
    code: str
    name: str
    field: str
    level: str
    online_level: str
    handling_unit_id: int | None = None
    processing_days: float | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class ProcedureFilter:
    level: str | None = None
    field: str | None = None
    online_level: str | None = None
    handling_unit_id: int | None = None
    active_on: date | None = None
    q: str | None = None


def _check(data: ProcedureData, known_units: set[int]) -> list[FieldError]:
    """What is wrong with ``data``, as field errors (empty when valid)."""
    errors: list[FieldError] = []
    if not identifier(data.code) or len(identifier(data.code)) > 64:
        errors.append(FieldError("code", "1 to 64 characters", "Mã thủ tục dài 1–64 ký tự."))
    if not nfc(data.name) or len(data.name) > 2000:
        errors.append(FieldError("name", "1 to 2000 characters", "Tên thủ tục dài 1–2000 ký tự."))
    if not nfc(data.field) or len(data.field) > 255:
        errors.append(FieldError("field", "1 to 255 characters", "Lĩnh vực dài 1–255 ký tự."))
    if data.level not in set(UnitLevel):
        errors.append(FieldError("level", f"one of {', '.join(UnitLevel)}", "Cấp thực hiện không hợp lệ."))
    if data.online_level not in set(OnlineLevel):
        errors.append(
            FieldError("online_level", f"one of {', '.join(OnlineLevel)}", "Mức độ trực tuyến không hợp lệ.")
        )
    if data.handling_unit_id is not None and data.handling_unit_id not in known_units:
        errors.append(FieldError("handling_unit_id", "no such unit", "Đơn vị giải quyết không tồn tại."))
    if data.processing_days is not None and not 0 < data.processing_days <= 3650:
        errors.append(
            FieldError("processing_days", "greater than 0, at most 3650", "Thời hạn giải quyết không hợp lệ.")
        )
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        errors.append(
            FieldError("valid_to", "before valid_from", "Ngày hết hiệu lực trước ngày có hiệu lực.")
        )
    return errors


def _values(data: ProcedureData) -> dict:
    code, name = identifier(data.code), nfc(data.name)
    return {
        Procedure.code: code,
        Procedure.name: name,
        Procedure.field: nfc(data.field),
        Procedure.level: data.level,
        Procedure.handling_unit: data.handling_unit_id,
        Procedure.processing_days: data.processing_days,
        Procedure.online_level: data.online_level,
        Procedure.valid_from: data.valid_from,
        Procedure.valid_to: data.valid_to,
        Procedure.search_text: fold(f"{code} {name} {data.field}"),
    }


async def _known_units(data: ProcedureData) -> set[int]:
    if data.handling_unit_id is None:
        return set()
    return {row["id"] for row in await Unit.select(Unit.id).where(Unit.id == data.handling_unit_id)}


async def _code_taken(code: str) -> bool:
    """A procedure has ``code`` already, in any case (units.same_code: "qn-test-1" is the code
    "QN-TEST-1"). Compared here, over the catalogue's few thousand codes, rather than by the
    database, whose unique index is on the code as written."""
    return any(same_code(row["code"], code) for row in await Procedure.select(Procedure.code))


async def create_procedure(actor: Principal, data: ProcedureData) -> dict:
    actor.require(Action.MANAGE_PROCEDURES)
    if errors := _check(data, await _known_units(data)):
        raise InvalidInput("invalid procedure", errors)
    values = _values(data)
    # Checked and written in one transaction: a procedure written meanwhile is seen.
    async with write_transaction(Procedure._meta.db):
        if await _code_taken(values[Procedure.code]):
            raise Conflict(
                "procedure code exists (codes ignore case)",
                [FieldError("code", "already used (codes ignore case)", "Mã thủ tục đã tồn tại.")],
            )
        row = Procedure(**{column._meta.name: value for column, value in values.items()})
        procedure_id = (await Procedure.insert(row).returning(Procedure.id))[0]["id"]
    return await get_procedure(procedure_id)


async def get_procedure(procedure_id: int) -> dict:
    row = await Procedure.select(*PROCEDURE_COLUMNS).where(Procedure.id == procedure_id).first()
    if row is None:
        raise NotFound(f"procedure {procedure_id} not found", "Không tìm thấy thủ tục hành chính này.")
    return row


def _filtered(query: Query, flt: ProcedureFilter) -> Query:
    if flt.level:
        query = query.where(Procedure.level == flt.level)
    if flt.field:
        query = query.where(Procedure.field == nfc(flt.field))
    if flt.online_level:
        query = query.where(Procedure.online_level == flt.online_level)
    if flt.handling_unit_id is not None:
        query = query.where(Procedure.handling_unit == flt.handling_unit_id)
    if flt.active_on is not None:
        query = query.where(valid_on(Procedure.valid_from, Procedure.valid_to, flt.active_on))
    if flt.q:
        query = query.where(contains(Procedure.search_text, fold(flt.q)))
    return query


async def list_procedures(flt: ProcedureFilter, page: PageRequest) -> tuple[list[dict], int]:
    query = apply_sort(_filtered(Procedure.select(*PROCEDURE_COLUMNS), flt), page.sort, SORT_KEYS, ["code"])
    return await query.limit(page.limit).offset(page.offset), await _filtered(Procedure.count(), flt)


async def catalogue_fields() -> list[str]:
    """The fields (lĩnh vực) the catalogue names, in Vietnamese order: what a statistics page
    offers to choose from."""
    rows = await Procedure.select(Procedure.field).distinct()
    return sorted((row["field"] for row in rows if row["field"]), key=vietnamese_sort_key)


async def procedure_id_by_code(code: str) -> int | None:
    """The catalogue's procedure with this code (typed as stored: NFC, no invisible characters)."""
    row = await Procedure.select(Procedure.id).where(Procedure.code == identifier(code)).first()
    return None if row is None else row["id"]


async def procedure_counts(flt: ProcedureFilter) -> dict:
    """Counts by level and online level: the "1.882 thủ tục: 1.488 / 283 / 112" figures."""
    rows = await _filtered(
        Procedure.select(Procedure.level, Procedure.online_level, Count(alias="n")), flt
    ).group_by(Procedure.level, Procedure.online_level)
    by_level = {level.value: 0 for level in UnitLevel}
    by_online_level = {online.value: 0 for online in OnlineLevel}
    for row in rows:
        by_level[row["level"]] += row["n"]
        by_online_level[row["online_level"]] += row["n"]
    return {"total": sum(by_level.values()), "by_level": by_level, "by_online_level": by_online_level}


# --- the catalogue file ---------------------------------------------------------------------


def _parse_row(
    number: int, cells: dict[str, str], units: dict[str, int]
) -> tuple[ProcedureData | None, list[FieldError]]:
    labels = dict(FILE_COLUMNS)
    errors: list[FieldError] = []

    def fail(key: str, reason: str, message: str) -> None:
        errors.append(FieldError(labels[key], reason, message, row=number))

    level = lookup(UnitLevel, cells["level"])
    online = lookup(OnlineLevel, cells["online_level"])
    unit_code = cells["handling_unit"].strip()
    if unit_code and unit_code not in units:
        fail("handling_unit", f"unknown unit code {unit_code!r}", "Mã đơn vị giải quyết không tồn tại.")
    days = None
    if cells["processing_days"].strip():
        try:
            days = float(cells["processing_days"].replace(",", "."))
        except ValueError:
            fail("processing_days", "not a number", "Thời hạn giải quyết phải là số ngày.")
    dates: dict[str, date | None] = {}
    for key in ("valid_from", "valid_to"):
        try:
            dates[key] = parse_date(cells[key]) if cells[key].strip() else None
        except ValueError:
            fail(key, "expected dd/mm/yyyy", "Ngày phải có dạng dd/mm/yyyy.")
    data = ProcedureData(
        code=cells["code"],
        name=cells["name"],
        field=cells["field"],
        level=level.value if level else cells["level"],
        online_level=online.value if online else cells["online_level"],
        handling_unit_id=units.get(unit_code),
        processing_days=days,
        valid_from=dates.get("valid_from"),
        valid_to=dates.get("valid_to"),
    )
    field_to_column = {"handling_unit_id": "handling_unit"}
    for error in _check(data, set(units.values())):
        key = field_to_column.get(error.field, error.field)
        errors.append(FieldError(labels[key], error.reason, error.message, row=number))
    return (None if errors else data), errors


def _one_code_per_procedure(parse_row):
    """``parse_row`` refusing a code an earlier row gave in another case ("qn-1" after "QN-1":
    one procedure, same_code); the same code as written is parse_all's duplicate already."""
    seen: dict[str, tuple[int, str]] = {}

    def parse(number: int, cells: dict[str, str]):
        item, errors = parse_row(number, cells)
        code = identifier(cells["code"])
        first = seen.setdefault(code_key(code), (number, code))
        if code and first[1] != code:  # the same code (code_key) in another case
            label = dict(FILE_COLUMNS)["code"]
            message = (
                f"{label} trùng với mã {first[1]} ở dòng {first[0]} (mã không phân biệt chữ hoa, chữ thường)."
            )
            errors = [
                *errors,
                row_error(label, f"same code as row {first[0]} in another case", message, number, code),
            ]
        return item, errors

    return parse


def _stored_as(code: str, existing: dict[str, dict], by_key: dict[str, dict]) -> dict | None:
    """The catalogue's procedure a file's ``code`` names: the one written so, else the one whose
    code differs only in case (``by_key``: the procedures by ``code_key``)."""
    return existing.get(code) or by_key.get(code_key(code))


async def import_procedures(actor: Principal, filename: str, content: bytes) -> dict[str, int]:
    """Create or update (by code, in any case) every procedure of the file, or nothing if any
    row is bad."""
    actor.require(Action.MANAGE_PROCEDURES)
    units = {row["code"]: row["id"] for row in await Unit.select(Unit.id, Unit.code)}
    records = await read_records(filename, content, FILE_COLUMNS, FILE_REQUIRED, MAX_FILE_ROWS)
    parse_row = _one_code_per_procedure(lambda number, cells: _parse_row(number, cells, units))
    parsed = parse_all(records, parse_row, "code", "Mã thủ tục")
    created = updated = 0
    async with write_transaction(Procedure._meta.db):
        existing = {row["code"]: row for row in await Procedure.select(*PROCEDURE_COLUMNS)}
        by_key = {code_key(code): row for code, row in existing.items()}
        for data in parsed:
            current = _stored_as(identifier(data.code), existing, by_key)
            # A code the catalogue has in another case names that procedure; its code stays.
            values = _values(data if current is None else replace(data, code=current["code"]))
            if current is None:
                await Procedure.insert(Procedure(**{c._meta.name: v for c, v in values.items()}))
                created += 1
            elif any(current[c._meta.name] != v for c, v in values.items() if c is not Procedure.search_text):
                await Procedure.update(values).where(Procedure.id == current["id"])
                updated += 1
    return {"created": created, "updated": updated, "unchanged": len(parsed) - created - updated}
