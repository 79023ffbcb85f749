"""The plan export people can work with in Excel: real dates and numbers, units by name, the
page's filters and order, a bold frozen header with filters, fitted widths, the reader columns
(overdue, completed on, last update), and an import that takes the file back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from core.errors import InvalidInput
from models.plans.files import COLUMNS, READER_COLUMNS, export_plan_file, import_plan_file
from models.plans.tasks import ProgressReport, TaskFilter, get_task, report_progress
from models.units.service import UnitData, create_unit_unchecked
from tests.world import build_world

pytestmark = pytest.mark.anyio
HEADER = [label for _, label in COLUMNS + READER_COLUMNS]


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


async def test_dates_are_dates_numbers_numbers_units_names(db):
    w = await build_world()
    await report_progress(w.head_a, w.task_a, ProgressReport("completed", note="Xong"))
    sheet = sheet_of(await export_plan_file(w.plan_id, "xlsx"))
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    by_code = {row[0]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    done, open_task = by_code["II.1"], by_code["VII.1"]
    assert done["Thời hạn"] == datetime(2024, 6, 30)  # a date cell (openpyxl reads dates as datetimes)
    assert sheet["G2"].is_date and sheet["G2"].number_format == "dd/mm/yyyy"
    assert done["Trọng số"] == 1 and isinstance(done["Trọng số"], int | float)  # a number, not "1"
    assert done["Tiến độ (%)"] == 100 and isinstance(open_task["Tiến độ (%)"], int)
    assert done["Đơn vị chủ trì"] == "Sở Tư pháp" and done["Đơn vị phối hợp"] == "Sở Y tế"
    assert done["Ngày hoàn thành"].date() == (await get_task(w.task_a))["completed_on"]
    assert isinstance(done["Cập nhật lần cuối"], datetime)
    assert (done["Quá hạn"], open_task["Quá hạn"]) == (None, "Quá hạn")  # VII.1 due 31/03/2024


async def test_a_bold_frozen_header_with_filters_and_fitted_widths(db):
    w = await build_world()
    sheet = sheet_of(await export_plan_file(w.plan_id, "xlsx"))
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{sheet.max_row}"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ACGN"}
    # The code column fits "Mã nhiệm vụ", the title its longest title, dates their dd/mm/yyyy.
    assert widths["A"] == len("Mã nhiệm vụ") + 2
    assert widths["C"] == len("Rà soát văn bản quy phạm pháp luật") + 2
    assert widths["G"] == len("30/06/2024") + 2
    assert widths["N"] == len("Cập nhật lần cuối") + 2


@pytest.mark.parametrize(
    ("flt", "sort", "codes"),
    [
        (TaskFilter(), "code", ["II.1", "VII.1"]),
        (TaskFilter(), "deadline", ["VII.1", "II.1"]),
        (TaskFilter(), "-deadline", ["II.1", "VII.1"]),
        (TaskFilter(area="digital_government"), "code", ["VII.1"]),
        (TaskFilter(q="ra soat"), "code", ["II.1"]),
        (TaskFilter(overdue=True, today=date(2024, 5, 1)), "code", ["VII.1"]),
        (TaskFilter(status="completed"), "code", []),
    ],
)
async def test_the_export_keeps_the_page_filters_and_order(db, flt, sort, codes):
    w = await build_world()
    content = await export_plan_file(w.plan_id, "csv", flt, sort)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADER and [row[0] for row in rows[1:]] == codes


async def test_the_csv_writes_dates_as_dd_mm_yyyy_and_reimports(db):
    w = await build_world()
    content = await export_plan_file(w.plan_id, "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][6] == "30/06/2024" and rows[1][7] == "1" and rows[1][4] == "Sở Tư pháp"
    again = await import_plan_file(w.staff, w.plan_id, "kh.csv", content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


async def test_the_import_takes_its_own_export_back_with_unit_names(db):
    w = await build_world()
    # A name with a comma (Sở Văn hóa, Thể thao và Du lịch) among the coordinating units.
    culture = await create_unit_unchecked(
        UnitData("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "department", "province", w.province_id)
    )
    exported = await export_plan_file(w.plan_id, "xlsx")
    sheet = sheet_of(exported)
    sheet["F2"] = "Sở Y tế; Sở Văn hóa, Thể thao và Du lịch"  # II.1's coordinating units, by name
    sheet["E3"] = "so tu phap"  # VII.1 moves to STP, typed without diacritics
    out = io.BytesIO()
    sheet.parent.save(out)
    result = await import_plan_file(w.staff, w.plan_id, "kh.xlsx", out.getvalue())
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    assert (await get_task(w.task_a))["coordinating_unit_ids"] == sorted([w.unit_b, culture["id"]])
    assert (await get_task(w.task_b))["lead_unit"] == w.unit_a
    sheet["E3"] = "Sở Không Có"
    out = io.BytesIO()
    sheet.parent.save(out)
    with pytest.raises(InvalidInput) as refused:
        await import_plan_file(w.staff, w.plan_id, "kh.xlsx", out.getvalue())
    (error,) = refused.value.errors
    assert (error.row, error.field) == (3, "Đơn vị chủ trì") and "Sở Không Có" in error.message
