"""The procedure catalogue: validation, import by code, filters and counts by level."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from core.errors import Conflict, InvalidInput, PermissionDenied
from core.paging import PageRequest
from models.procedures.service import (
    FILE_COLUMNS,
    ProcedureData,
    ProcedureFilter,
    create_procedure,
    import_procedures,
    list_procedures,
    procedure_counts,
)
from tests.world import build_world

pytestmark = pytest.mark.anyio
HEADER = [label for _, label in FILE_COLUMNS]
ROWS = [
    ["1.001", "Cấp giấy phép xây dựng", "Xây dựng", "Cấp tỉnh", "STP", "15", "Toàn trình", "01/01/2020", ""],
    ["1.002", "Đăng ký khai sinh", "Hộ tịch", "commune", "", "1", "Một phần", "", ""],
    [
        "1.003",
        "Cấp phiếu lý lịch tư pháp",
        "Lý lịch tư pháp",
        "province",
        "STP",
        "10",
        "partial",
        "",
        "30/06/2025",
    ],
    [
        "2.001",
        "Chứng thực bản sao",
        "Chứng thực",
        "Cấp huyện",
        "",
        "0,5",
        "Không trực tuyến",
        "",
        "30/06/2025",
    ],
]


def csv_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


async def test_import_creates_then_updates_by_code(db):
    w = await build_world()
    first = await import_procedures(w.staff, "tthc.csv", csv_file(ROWS))
    assert first == {"created": 4, "updated": 0, "unchanged": 0}
    changed = [row[:] for row in ROWS]
    changed[1][5] = "3"
    again = await import_procedures(w.staff, "tthc.csv", csv_file(changed))
    assert again == {"created": 0, "updated": 1, "unchanged": 3}
    found, total = await list_procedures(ProcedureFilter(q="khai sinh"), PageRequest())
    assert total == 1 and found[0]["processing_days"] == 3.0


async def test_counts_by_level_and_online_level_respect_validity(db):
    w = await build_world()
    await import_procedures(w.staff, "tthc.csv", csv_file(ROWS))
    counts = await procedure_counts(ProcedureFilter())
    assert counts["total"] == 4
    assert counts["by_level"] == {"province": 2, "district": 1, "commune": 1}
    assert counts["by_online_level"] == {"full": 1, "partial": 2, "none": 1}
    after_merge = await procedure_counts(ProcedureFilter(active_on=date(2025, 7, 1)))
    assert after_merge["by_level"] == {"province": 1, "district": 0, "commune": 1}


async def test_bad_rows_are_listed_and_nothing_is_written(db):
    w = await build_world()
    bad = [ROWS[0], ["1.009", "", "Y tế", "cấp thôn", "NOPE", "-2", "đôi khi", "31/02/2024", ""], ROWS[0]]
    with pytest.raises(InvalidInput) as error:
        await import_procedures(w.staff, "tthc.csv", csv_file(bad))
    found = {(e.row, e.field) for e in error.value.errors}
    assert {
        (3, "Tên thủ tục"),
        (3, "Cấp thực hiện"),
        (3, "Đơn vị giải quyết"),
        (3, "Thời hạn giải quyết (ngày)"),
        (3, "Mức độ trực tuyến"),
        (3, "Hiệu lực từ"),
        (4, "Mã thủ tục"),
    } <= found
    assert (await procedure_counts(ProcedureFilter()))["total"] == 0


async def test_only_staff_change_the_catalogue(db):
    w = await build_world()
    data = ProcedureData("9.1", "Thủ tục", "Đất đai", "province", "full")
    for who in (w.head_a, w.viewer):
        with pytest.raises(PermissionDenied):
            await create_procedure(who, data)
        with pytest.raises(PermissionDenied):
            await import_procedures(who, "tthc.csv", csv_file(ROWS))
    await create_procedure(w.admin, data)
    with pytest.raises(Conflict):
        await create_procedure(w.staff, data)


# --- procedure codes are one code whatever their case (units.same_code) ----------------------


@pytest.mark.parametrize(
    ("code", "taken"),
    [
        ("QN-TEST-1", True),  # the code as stored
        ("qn-test-1", True),  # lower case
        ("Qn-Test-1", True),
        (" qn-TEST-1 ", True),  # spaces around are not part of a code
        ("QN-TEST-10", False),
        ("QN-TEST-2", False),
    ],
)
async def test_a_new_procedure_code_is_refused_in_any_case_of_one_taken(db, code, taken):
    w = await build_world()
    await create_procedure(w.staff, ProcedureData("QN-TEST-1", "Thủ tục gốc", "Đất đai", "province", "full"))
    data = ProcedureData(code, "Thủ tục mới", "Đất đai", "province", "full")
    if not taken:
        assert (await create_procedure(w.staff, data))["code"] == code.strip()  # kept as typed
        return
    with pytest.raises(Conflict) as error:
        await create_procedure(w.staff, data)
    assert [(e.field, e.message) for e in error.value.errors] == [("code", "Mã thủ tục đã tồn tại.")]
    _, total = await list_procedures(ProcedureFilter(q="thu tuc moi"), PageRequest())
    assert total == 0  # nothing written


async def test_an_import_updates_the_procedure_whose_code_differs_only_in_case(db):
    """A file's "qn-dd-0001" is the catalogue's "QN-DD-0001": one procedure, its code kept."""
    w = await build_world()
    await create_procedure(w.staff, ProcedureData("QN-DD-0001", "Giao đất", "Đất đai", "province", "full"))
    row = ["qn-dd-0001", "Giao đất, cho thuê đất", "Đất đai", "Cấp tỉnh", "", "20", "Toàn trình", "", ""]
    result = await import_procedures(w.staff, "tthc.csv", csv_file([row]))
    assert result == {"created": 0, "updated": 1, "unchanged": 0}
    found, total = await list_procedures(ProcedureFilter(), PageRequest())
    assert total == 1 and (found[0]["code"], found[0]["name"]) == ("QN-DD-0001", "Giao đất, cho thuê đất")
    again = await import_procedures(w.staff, "tthc.csv", csv_file([row]))
    assert again == {"created": 0, "updated": 0, "unchanged": 1}


async def test_a_file_giving_one_code_in_two_cases_is_refused(db):
    w = await build_world()
    rows = [
        ["QN-X-1", *ROWS[0][1:]],
        ROWS[1],
        ["qn-x-1", "Trùng mã khác chữ", "Xây dựng", "province", "", "", "full", "", ""],
    ]
    with pytest.raises(InvalidInput) as error:
        await import_procedures(w.staff, "tthc.csv", csv_file(rows))
    assert [(e.row, e.field, e.value) for e in error.value.errors] == [(4, "Mã thủ tục", "qn-x-1")]
    assert "dòng 2" in error.value.errors[0].message
    assert (await procedure_counts(ProcedureFilter()))["total"] == 0  # nothing written
