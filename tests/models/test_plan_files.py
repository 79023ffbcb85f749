"""Plan import/export: all errors by row, nothing written on error, and export re-imports."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from core.errors import InvalidInput, PermissionDenied
from core.paging import PageRequest
from models.plans.files import COLUMNS, export_plan_file, import_plan_file
from models.plans.progress import plan_summary
from models.plans.tables import Task
from models.plans.tasks import TaskFilter, get_task, list_tasks
from tests.world import build_world

pytestmark = pytest.mark.anyio
HEADER = [label for _, label in COLUMNS]


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return ("\ufeff" + out.getvalue()).encode()


GOOD = [
    [
        "III.1",
        "Cải cách thủ tục hành chính",
        "Công bố danh mục TTHC",
        "Quyết định",
        "STP",
        "SYT",
        "31/03/2024",
        "",
        "",
        "",
        "",
    ],
    [
        "I.2",
        "leadership",
        "Tuyên truyền CCHC",
        "Tin bài",
        "SYT",
        "",
        "Thường xuyên",
        "2",
        "Đang thực hiện",
        "30",
        # the tests run after 2024: the task is overdue, and an overdue task's update says why
        "Đang triển khai; chậm do thiếu kinh phí, đã đề nghị bổ sung.",
    ],
]


async def test_import_creates_tasks_from_xlsx(db):
    w = await build_world()
    result = await import_plan_file(w.staff, w.plan_id, "kh.xlsx", xlsx(GOOD))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    tasks, total = await list_tasks(w.plan_id, TaskFilter(), PageRequest())
    by_code = {t["code"]: t for t in tasks}
    assert total == 4
    assert (
        by_code["I.2"]["ongoing"]
        and by_code["I.2"]["status"] == "in_progress"
        and by_code["I.2"]["progress"] == 30
    )
    assert by_code["III.1"]["coordinating_unit_ids"] == [w.unit_b]


async def test_every_bad_row_is_reported_and_nothing_is_written(db):
    w = await build_world()
    bad = [
        GOOD[0],
        [
            "III.2",
            "Không có lĩnh vực này",
            "x",
            "",
            "NOPE",
            "SYT;ZZZ",
            "32/13/2024",
            "abc",
            "xong",
            "150",
            "",
        ],
        ["III.1", "procedures", "", "", "STP", "", "01/04/2024", "", "Hoàn thành", "", ""],
    ]
    with pytest.raises(InvalidInput) as error:
        await import_plan_file(w.staff, w.plan_id, "kh.csv", csv_bytes(bad))
    found = {(e.row, e.field) for e in error.value.errors}
    assert {
        (3, "Lĩnh vực"),
        (3, "Đơn vị chủ trì"),
        (3, "Đơn vị phối hợp"),
        (3, "Thời hạn"),
        (3, "Trọng số"),
        (3, "Trạng thái"),
        (3, "Tiến độ (%)"),
        (4, "Nhiệm vụ"),
        (4, "Ghi chú"),
        (4, "Mã nhiệm vụ"),
    } <= found
    quoted = {(e.row, e.field): e.value for e in error.value.errors}
    assert (quoted[(3, "Đơn vị chủ trì")], quoted[(3, "Thời hạn")], quoted[(4, "Nhiệm vụ")]) == (
        "NOPE",
        "32/13/2024",
        "",
    )  # each bad cell as it was written (an empty one empty), for the error table
    assert await Task.count() == 2


async def test_missing_and_unknown_columns(db):
    w = await build_world()
    book = Workbook()
    book.active.append(["Mã nhiệm vụ", "Nhiệm vụ", "Cột lạ"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InvalidInput) as error:
        await import_plan_file(w.staff, w.plan_id, "x.xlsx", out.getvalue())
    assert error.value.errors[0].field == "Cột lạ"


async def test_only_staff_import(db):
    w = await build_world()
    with pytest.raises(PermissionDenied):
        await import_plan_file(w.head_a, w.plan_id, "kh.xlsx", xlsx(GOOD))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_export_edit_reimport_updates_by_code(db, fmt):
    w = await build_world()
    await import_plan_file(w.staff, w.plan_id, "kh.xlsx", xlsx(GOOD))
    exported = await export_plan_file(w.plan_id, fmt)
    again = await import_plan_file(w.staff, w.plan_id, f"kh.{fmt}", exported)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)

    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(exported))
        rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    else:
        import csv

        rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert rows[0][: len(HEADER)] == HEADER  # then the reader columns, which the import ignores
    for row in rows[1:]:
        if row[0] == "II.1":
            row[6] = "15/07/2024"  # new deadline
            row[8] = "Hoàn thành"
            row[10] = "Đã ban hành báo cáo"
    edited = xlsx(rows[1:]) if fmt == "xlsx" else csv_bytes(rows[1:])
    result = await import_plan_file(w.staff, w.plan_id, f"kh.{fmt}", edited)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    task = await get_task(w.task_a)
    assert task["status"] == "completed" and str(task["deadline"]) == "2024-07-15"
    assert (await plan_summary(w.plan_id))["completed"] == 1


async def test_export_neutralises_formulas_and_reimport_restores_them(db):
    w = await build_world()
    rows = [["=HYPERLINK(1)", "leadership", "+cmd", "@x", "STP", "", "01/02/2024", "", "", "", "-note"]]
    await import_plan_file(w.staff, w.plan_id, "kh.csv", csv_bytes(rows))
    exported = (await export_plan_file(w.plan_id, "csv")).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in exported and "'+cmd" in exported
    again = await import_plan_file(w.staff, w.plan_id, "kh.csv", exported.encode())
    assert again.unchanged == 3


async def test_non_utf8_csv_and_fake_xlsx_are_rejected(db):
    from core.errors import UnsupportedMediaType

    w = await build_world()
    with pytest.raises(UnsupportedMediaType):
        await import_plan_file(w.staff, w.plan_id, "kh.csv", b"M\xe3 s\xf4,T\xean")
    with pytest.raises(UnsupportedMediaType):
        await import_plan_file(w.staff, w.plan_id, "kh.xlsx", b"not a workbook")
