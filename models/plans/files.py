"""A plan's task list as a file (XLSX or CSV): the appendix table a plan is issued with.

Import validates every row and writes nothing unless all rows are valid. Export writes the
import's columns (units by name, dates as dates, numbers as numbers), then three columns for
readers (overdue, completion date, last update) that the import accepts and ignores, so an
exported file edited in Excel re-imports as an update (tasks matched by code). The XLSX has a
bold frozen header with filters and columns as wide as their contents.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date

from core.clock import local_zone, utcnow
from core.db import write_transaction
from core.errors import FieldError, InvalidInput
from core.paging import MAX_LIMIT, PageRequest
from core.tabular import (
    lookup,
    neutralise,
    parse_all,
    parse_date,
    plain_cell,
    read_records,
    row_error,
    write_workbook,
)
from core.text import fold, strict_int
from models.permissions import Action, Principal
from models.plans.plans import get_plan
from models.plans.rules import status_title
from models.plans.tables import Task
from models.plans.tasks import (
    ProgressReport,
    TaskDefinition,
    TaskFilter,
    create_task,
    edit_task,
    list_tasks,
    report_progress,
)
from models.units.tables import Unit
from models.vocabulary import Area, TaskEventKind, TaskStatus

COLUMNS = (
    ("code", "Mã nhiệm vụ"),
    ("area", "Lĩnh vực"),
    ("title", "Nhiệm vụ"),
    ("expected_output", "Sản phẩm"),
    ("lead_unit", "Đơn vị chủ trì"),
    ("coordinating_units", "Đơn vị phối hợp"),
    ("deadline", "Thời hạn"),
    ("weight", "Trọng số"),
    ("status", "Trạng thái"),
    ("progress", "Tiến độ (%)"),
    ("note", "Ghi chú"),
)
# What the export adds for people reading it; an import accepts these columns and ignores them.
READER_COLUMNS = (
    ("overdue", "Quá hạn"),
    ("completed_on", "Ngày hoàn thành"),
    ("updated_at", "Cập nhật lần cuối"),
)
REQUIRED = {"code", "area", "title", "lead_unit", "deadline"}

ONGOING = "Thường xuyên"
MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportRow:
    row: int
    definition: TaskDefinition
    lead_unit_code: str
    status: str | None
    progress: int | None
    note: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


# --- reading --------------------------------------------------------------------------------


def _parse_deadline(text: str) -> tuple[date | None, bool]:
    if fold(text) == fold(ONGOING):
        return None, True
    return parse_date(text), False


def _parse_row(
    number: int, cells: dict[str, str], units: dict[str, int]
) -> tuple[ImportRow | None, list[FieldError]]:
    errors: list[FieldError] = []

    def fail(key: str, reason: str, message: str) -> None:
        errors.append(row_error(dict(COLUMNS)[key], reason, message, number, cells[key]))

    area = lookup(Area, cells["area"])
    if area is None:
        fail("area", "unknown reform area", "Lĩnh vực cải cách không hợp lệ.")
    lead_code = cells["lead_unit"].strip()
    lead_id = units.get(lead_code) or units.get(fold(lead_code))
    if lead_id is None:
        fail(
            "lead_unit",
            f"unknown unit {lead_code!r}",
            f"Đơn vị chủ trì '{lead_code}' không có (ghi mã hoặc tên đơn vị).",
        )
    coordinating, unknown = _unit_list(cells["coordinating_units"], units)
    if unknown:
        fail(
            "coordinating_units",
            f"unknown units {unknown}",
            f"Đơn vị phối hợp không có: {'; '.join(unknown)} (ghi mã hoặc tên, cách nhau bằng dấu ;).",
        )
    deadline, ongoing = None, False
    try:
        deadline, ongoing = _parse_deadline(cells["deadline"])
    except ValueError:
        fail(
            "deadline",
            "expected dd/mm/yyyy or 'Thường xuyên'",
            "Thời hạn phải là ngày dd/mm/yyyy hoặc 'Thường xuyên'.",
        )
    weight = 1.0
    if cells["weight"].strip():
        try:
            weight = float(cells["weight"].replace(",", "."))
        except ValueError:
            fail("weight", "not a number", "Trọng số phải là số.")
    status = None
    if cells["status"].strip():
        member = lookup(TaskStatus, cells["status"])
        if member is None:
            fail("status", "unknown status", "Trạng thái không hợp lệ.")
        status = member.value if member else None
    progress = None
    if cells["progress"].strip():
        progress = strict_int(cells["progress"].strip().rstrip("%"))
        if progress is None or not 0 <= progress <= 100:
            fail("progress", "a whole number from 0 to 100", "Tiến độ là số nguyên từ 0 đến 100.")
    if status == TaskStatus.COMPLETED and not cells["note"].strip():
        fail("note", "completing a task needs a note", "Nhiệm vụ hoàn thành cần ghi chú kết quả.")
    if not cells["code"].strip():
        fail("code", "required", "Thiếu mã nhiệm vụ.")
    if not cells["title"].strip():
        fail("title", "required", "Thiếu tên nhiệm vụ.")
    if errors:
        return None, errors
    definition = TaskDefinition(
        code=cells["code"].strip(),
        area=area.value,
        title=cells["title"],
        lead_unit_id=lead_id,
        expected_output=cells["expected_output"],
        coordinating_unit_ids=coordinating,
        deadline=deadline,
        ongoing=ongoing,
        weight=weight,
    )
    return ImportRow(number, definition, lead_code, status, progress, cells["note"]), []


def _unit_list(text: str, units: dict[str, int]) -> tuple[tuple[int, ...], list[str]]:
    """Units named by code or name, separated by ";" (or "," between codes: a name such as
    "Sở Văn hóa, Thể thao và Du lịch" keeps its comma); the ids and the names not found."""
    ids: list[int] = []
    unknown: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if (unit_id := units.get(part) or units.get(fold(part))) is not None:
            ids.append(unit_id)
            continue
        for piece in (p.strip() for p in part.split(",")):
            if piece and (unit_id := units.get(piece) or units.get(fold(piece))) is not None:
                ids.append(unit_id)
            elif piece:
                unknown.append(piece)
    return tuple(ids), unknown


async def unit_keys() -> dict[str, int]:
    """Unit ids by code and by name folded (no case, no diacritics); where a closed unit and
    a current one share a name, the name is the current one's."""
    rows = await Unit.select(Unit.id, Unit.code, Unit.name, Unit.valid_to)
    keys = {row["code"]: row["id"] for row in rows}
    for row in sorted(rows, key=lambda r: r["valid_to"] is None):
        keys.setdefault(fold(row["name"]), row["id"])
        if row["valid_to"] is None:
            keys[fold(row["name"])] = row["id"]
    return keys


async def parse_plan_file(filename: str, data: bytes, units: dict[str, int]) -> list[ImportRow]:
    """Every row parsed, or InvalidInput listing every error with its row number."""
    records = await read_records(filename, data, COLUMNS + READER_COLUMNS, REQUIRED, MAX_ROWS)
    return parse_all(records, lambda number, cells: _parse_row(number, cells, units), "code", "Mã nhiệm vụ")


# --- applying -------------------------------------------------------------------------------


async def import_plan_file(actor: Principal, plan_id: int, filename: str, data: bytes) -> ImportResult:
    """Create new tasks and update existing ones (by code) in one transaction."""
    actor.require(Action.MANAGE_PLANS)
    await get_plan(plan_id)
    rows = await parse_plan_file(filename, data, await unit_keys())
    now = utcnow()
    existing = {
        row["code"]: row
        for row in await Task.select(Task.id, Task.code, Task.status, Task.progress).where(
            Task.plan == plan_id
        )
    }
    created = updated = unchanged = 0
    async with write_transaction(Task._meta.db):
        for row in rows:
            try:
                current = existing.get(row.definition.code)
                updated_now = False
                if current is None:
                    task = await create_task(actor, plan_id, row.definition, now=now)
                    created += 1
                else:
                    before = await _version(current["id"])
                    task = await edit_task(
                        actor, current["id"], vars(row.definition), now=now, kind=TaskEventKind.IMPORTED
                    )
                    updated_now = task["version"] != before
                wants = {"status": row.status or task["status"], "progress": row.progress}
                if wants["progress"] is None:
                    wants["progress"] = task["progress"] if wants["status"] != TaskStatus.NOT_STARTED else 0
                if (wants["status"], wants["progress"]) != (task["status"], task["progress"]) or (
                    row.note.strip() and row.note != task["note"]
                ):
                    await report_progress(
                        actor,
                        task["id"],
                        ProgressReport(status=wants["status"], progress=wants["progress"], note=row.note),
                        now=now,
                        kind=TaskEventKind.IMPORTED,
                    )
                    updated_now = True
                if current is not None:
                    updated += int(updated_now)
                    unchanged += int(not updated_now)
            except InvalidInput as exc:  # a rule of the domain: name the row and column
                raise _at_row(exc, row.row) from None
    return ImportResult(created, updated, unchanged)


# The domain's field names for a task, as the file's columns.
FIELD_COLUMNS = {"lead_unit_id": "lead_unit", "coordinating_unit_ids": "coordinating_units"}


def _at_row(exc: InvalidInput, number: int) -> InvalidInput:
    labels = dict(COLUMNS)
    errors = [
        replace(error, field=labels.get(FIELD_COLUMNS.get(error.field, error.field), error.field), row=number)
        for error in exc.errors
    ]
    return InvalidInput(f"row {number}: {exc.detail}; nothing was imported", errors)


async def _version(task_id: int) -> int:
    return (await Task.select(Task.version).where(Task.id == task_id).first())["version"]


# --- writing --------------------------------------------------------------------------------


async def _filtered_tasks(plan_id: int, flt: TaskFilter, sort: str) -> list[dict]:
    """Every task the filter keeps, in the order ``sort`` names (then by code)."""
    found: list[dict] = []
    while True:
        rows, total = await list_tasks(plan_id, flt, PageRequest(MAX_LIMIT, len(found), f"{sort},code"))
        found.extend(rows)
        if not rows or len(found) >= total:
            return found


async def _export_rows(plan_id: int, flt: TaskFilter, sort: str) -> list[list]:
    """Rows of typed values: dates, numbers and texts (a text that starts like a formula is
    neutralised); a local time for the last update."""
    tasks = await _filtered_tasks(plan_id, flt, sort)
    names = {row["id"]: row["name"] for row in await Unit.select(Unit.id, Unit.name)}
    zone = local_zone()
    return [
        [
            neutralise(t["code"]),
            Area(t["area"]).label,
            neutralise(t["title"]),
            neutralise(t["expected_output"]),
            neutralise(t["lead_unit_name"]),
            neutralise("; ".join(names[unit_id] for unit_id in t["coordinating_unit_ids"])),
            ONGOING if t["ongoing"] else t["deadline"],
            t["weight"],
            status_title(t["status"]),
            t["progress"],
            neutralise(t["note"]),
            "Quá hạn" if t["overdue"] else "",
            t["completed_on"],
            t["updated_at"].astimezone(zone).replace(tzinfo=None),
        ]
        for t in tasks
    ]


async def export_plan_file(
    plan_id: int, fmt: str, flt: TaskFilter | None = None, sort: str = "code"
) -> bytes:
    """The plan's tasks (those ``flt`` keeps, ordered by ``sort``) in the import format plus
    the reader columns: ``xlsx`` or ``csv`` (UTF-8 with BOM for Excel)."""
    await get_plan(plan_id)
    header = [label for _, label in COLUMNS + READER_COLUMNS]
    rows = await _export_rows(plan_id, flt or TaskFilter(), sort)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([plain_cell(value) for value in row] for row in rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return write_workbook("Nhiệm vụ", header, rows)
