"""Rules: a sheet's name is one Excel takes (core.tabular.sheet_title), at each of its limits; a
header that does not match the template is one problem naming every unknown and missing column
(core.tabular.header_positions)."""

from __future__ import annotations

import pytest

from core.tabular import HeaderMismatch, header_positions, sheet_title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Bộ chỉ số 2024-03", "Bộ chỉ số 2024-03"),
        ("x" * 31, "x" * 31),  # Excel's longest
        ("x" * 32, "x" * 31),
        ("A[1]:2*3?4/5\\6", "A-1--2-3-4-5-6"),  # characters Excel refuses in a sheet's name
        ("'Quý II'", "Quý II"),  # nor may it begin or end with an apostrophe
        ("Bộ chỉ số 2024-03 " + "x" * 20, "Bộ chỉ số 2024-03 " + "x" * 13),
    ],
)
def test_a_sheet_title_is_one_excel_takes(text, title):
    assert sheet_title(text) == title


COLUMNS = (("code", "Mã nhiệm vụ"), ("title", "Nhiệm vụ"), ("deadline", "Thời hạn"), ("note", "Ghi chú"))
REQUIRED = {"code", "title", "deadline"}


@pytest.mark.parametrize(
    ("header", "positions", "unknown", "missing"),
    [
        (["Mã nhiệm vụ", "Nhiệm vụ", "Thời hạn"], {"code": 0, "title": 1, "deadline": 2}, [], []),
        (["ma nhiem vu", "NHIỆM VỤ", "", "deadline"], {"code": 0, "title": 1, "deadline": 3}, [], []),
        (
            ["Mã", "Tên nhiệm vụ", "Hạn"],
            None,
            ["Mã", "Tên nhiệm vụ", "Hạn"],
            ["Mã nhiệm vụ", "Nhiệm vụ", "Thời hạn"],
        ),
        (["Mã nhiệm vụ", "Nhiệm vụ", "Thời hạn", "Hạn"], None, ["Hạn"], []),  # one column too many
        (["Mã nhiệm vụ", "Thời hạn", "Ghi chú"], None, [], ["Nhiệm vụ"]),  # one required missing
    ],
)
def test_a_header_names_every_unknown_and_missing_column_at_once(header, positions, unknown, missing):
    if positions is not None:
        assert header_positions(header, COLUMNS, REQUIRED) == positions
        return
    with pytest.raises(HeaderMismatch) as refused:
        header_positions(header, COLUMNS, REQUIRED, row=3)
    assert refused.value.row == 3
    assert [(e.field, e.reason, e.row) for e in refused.value.errors] == [
        (cell, "unknown column", 3) for cell in unknown
    ] + [(label, "required column missing", 3) for label in missing]
    template = "Cột bắt buộc của mẫu: “Mã nhiệm vụ”, “Nhiệm vụ”, “Thời hạn”."
    every_required_missing = missing == ["Mã nhiệm vụ", "Nhiệm vụ", "Thời hạn"]
    assert (template in refused.value.lines) is not every_required_missing  # not the same list twice
    assert refused.value.lines[-1] == "Cột không bắt buộc: “Ghi chú”."
