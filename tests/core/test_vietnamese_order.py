"""Vietnamese alphabetical order: letters (a ă â … đ … ơ … ư), then tones, then case."""

from __future__ import annotations

import unicodedata

import pytest

from core.text import vietnamese_sort_key


@pytest.mark.parametrize(
    "before, after",
    [
        ("Anh", "Ăn"),  # a < ă, whatever follows
        ("Ăn", "Ân"),  # ă < â
        ("Dương", "Đông Triều"),  # d < đ (byte order puts Đ after every ASCII letter, and so do we)
        ("Đông Triều", "Hạ Long"),
        ("Cẩm Phả", "Cô Tô"),  # â < ô
        ("Hạ Long", "Hà Nội"),  # letters decide before tones: l < n
        ("Hà Long", "Hạ Long"),  # the same letters: huyền before nặng
        ("Ha", "Hà"),  # no tone first
        ("Hà", "Hả"),
        ("Hả", "Hã"),
        ("Hã", "Há"),
        ("Há", "Hạ"),
        ("Sở Nội vụ", "Sở Tài chính"),
        ("Sở Tài chính", "Sở Thông tin và Truyền thông"),  # "Ta" < "Th"
        ("Ơn", "Ưu"),
        ("Uông Bí", "Ưu"),
        ("UBND huyện Ba Chẽ", "UBND thành phố Cẩm Phả"),
        ("1 Ban", "An"),  # digits before letters
        ("Tổ 1: Văn phòng", "Tổ 10"),  # punctuation before digits, though ":" comes after "0" in Unicode
        ("Ba Chẽ", "Bạch"),  # the space comes first
        ("hà", "Hà"),  # lower case first, only as the last resort
    ],
)
def test_pairs_sort_as_in_a_vietnamese_dictionary(before, after):
    assert vietnamese_sort_key(before) < vietnamese_sort_key(after)


def test_composed_and_decomposed_spellings_are_one_name():
    name = "Đầm Hà"
    assert vietnamese_sort_key(unicodedata.normalize("NFD", name)) == vietnamese_sort_key(name)


def test_a_list_of_units():
    units = [
        "Sở Xây dựng",
        "Công an tỉnh",
        "Sở Tài nguyên và Môi trường",
        "Ban Dân tộc",
        "Sở Y tế",
        "Đài PT-TH",
    ]
    assert sorted(units, key=vietnamese_sort_key) == [
        "Ban Dân tộc",
        "Công an tỉnh",
        "Đài PT-TH",
        "Sở Tài nguyên và Môi trường",
        "Sở Xây dựng",
        "Sở Y tế",
    ]
