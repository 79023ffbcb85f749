"""Rule: a sheet's name is one Excel takes (core.tabular.sheet_title), at each of its limits."""

from __future__ import annotations

import pytest

from core.tabular import sheet_title


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
