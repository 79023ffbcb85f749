"""A plan's task list as a file (XLSX or CSV): the appendix table a plan is issued with.

Import validates every row and writes nothing unless all rows are valid; export writes
exactly the import format, so an exported file edited in Excel re-imports as an update
(tasks matched by code).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date

from openpyxl import Workbook

from core.clock import utcnow
from core.db import write_transaction
from core.errors import FieldError, InvalidInput
from core.tabular import lookup, neutralise, parse_all, parse_date, read_records
from core.text import fold, format_date_short, strict_int
from models.permissions import Action, Principal
from models.plans.plans import get_plan
from models.plans.rules import status_title
from models.plans.tables import Task, TaskCoordinator
from models.plans.tasks import ProgressReport, TaskDefinition, create_task, edit_task, report_progress
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
        errors.append(FieldError(dict(COLUMNS)[key], reason, message, row=number))

    area = lookup(Area, cells["area"])
    if area is None:
        fail("area", "unknown reform area", "Lĩnh vực cải cách không hợp lệ.")
    lead_code = cells["lead_unit"].strip()
    if lead_code not in units:
        fail("lead_unit", f"unknown unit code {lead_code!r}", "Mã đơn vị chủ trì không tồn tại.")
    coordinating = [c.strip() for c in cells["coordinating_units"].replace(",", ";").split(";") if c.strip()]
    if unknown := [c for c in coordinating if c not in units]:
        fail("coordinating_units", f"unknown unit codes {unknown}", "Mã đơn vị phối hợp không tồn tại.")
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
        lead_unit_id=units[lead_code],
        expected_output=cells["expected_output"],
        coordinating_unit_ids=tuple(units[c] for c in coordinating),
        deadline=deadline,
        ongoing=ongoing,
        weight=weight,
    )
    return ImportRow(number, definition, lead_code, status, progress, cells["note"]), []


def parse_plan_file(filename: str, data: bytes, units: dict[str, int]) -> list[ImportRow]:
    """Every row parsed, or InvalidInput listing every error with its row number."""
    records = read_records(filename, data, COLUMNS, REQUIRED, MAX_ROWS)
    return parse_all(records, lambda number, cells: _parse_row(number, cells, units), "code", "Mã nhiệm vụ")


# --- applying -------------------------------------------------------------------------------


async def import_plan_file(actor: Principal, plan_id: int, filename: str, data: bytes) -> ImportResult:
    """Create new tasks and update existing ones (by code) in one transaction."""
    actor.require(Action.MANAGE_PLANS)
    await get_plan(plan_id)
    units = {row["code"]: row["id"] for row in await Unit.select(Unit.id, Unit.code)}
    rows = parse_plan_file(filename, data, units)
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


async def _export_rows(plan_id: int) -> list[list]:
    tasks = (
        await Task.select(
            Task.id,
            Task.code,
            Task.area,
            Task.title,
            Task.expected_output,
            Task.lead_unit.code.as_alias("lead_unit_code"),
            Task.deadline,
            Task.ongoing,
            Task.weight,
            Task.status,
            Task.progress,
            Task.note,
        )
        .where(Task.plan == plan_id)
        .order_by(Task.id)
    )
    links = await TaskCoordinator.select(
        TaskCoordinator.task, TaskCoordinator.unit.code.as_alias("code")
    ).where(TaskCoordinator.task.is_in([t["id"] for t in tasks] or [0]))
    coordinating: dict[int, list[str]] = {}
    for link in links:
        coordinating.setdefault(link["task"], []).append(link["code"])
    return [
        [
            neutralise(t["code"]),
            Area(t["area"]).label,
            neutralise(t["title"]),
            neutralise(t["expected_output"]),
            neutralise(t["lead_unit_code"]),
            neutralise("; ".join(sorted(coordinating.get(t["id"], [])))),
            ONGOING if t["ongoing"] else format_date_short(t["deadline"]),
            f"{t['weight']:g}",
            status_title(t["status"]),
            t["progress"],
            neutralise(t["note"]),
        ]
        for t in tasks
    ]


async def export_plan_file(plan_id: int, fmt: str) -> bytes:
    """The plan's tasks in the import format: ``xlsx`` or ``csv`` (UTF-8 with BOM for Excel)."""
    await get_plan(plan_id)
    header = [label for _, label in COLUMNS]
    rows = await _export_rows(plan_id)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhiệm vụ"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJK", (12, 28, 60, 30, 16, 22, 14, 10, 18, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
