from datetime import date

from core.text import (
    fold,
    format_date_formal,
    format_date_long,
    format_date_short,
    format_int,
    format_number,
    format_percent,
    nfc,
)


def test_fold_ignores_case_diacritics_and_d_stroke():
    assert fold("Quảng Ninh") == "quang ninh"
    assert fold("ĐẦM HÀ") == "dam ha"
    assert fold("  Sở   Tư pháp ") == "so tu phap"


def test_nfd_and_nfc_forms_are_the_same_name():
    decomposed = "Quảng Ninh".encode().decode()  # NFC literal
    import unicodedata

    nfd = unicodedata.normalize("NFD", decomposed)
    assert nfd != decomposed
    assert nfc(nfd) == decomposed
    assert fold(nfd) == fold(decomposed)


def test_vietnamese_number_formats():
    assert format_int(1191036) == "1.191.036"
    assert format_int(532950) == "532.950"
    assert format_percent(95.114) == "95,11%"
    assert format_percent(75.0, 0) == "75%"
    assert format_percent(100.0) == "100%"
    assert format_number(91.49) == "91,49"
    assert format_number(2.5) == "2,5"
    assert format_number(7.0) == "7"
    assert format_number(0.0) == "0"
    assert format_number(1234.567) == "1.234,57"


def test_vietnamese_dates():
    assert format_date_long(date(2024, 6, 14)) == "ngày 14 tháng 6 năm 2024"
    assert format_date_short(date(2024, 6, 4)) == "04/06/2024"


def test_decree30_place_and_date_line_pads_small_days_and_the_first_two_months():
    assert format_date_formal(date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert format_date_formal(date(2024, 2, 29)) == "ngày 29 tháng 02 năm 2024"
    assert format_date_formal(date(2024, 6, 14)) == "ngày 14 tháng 6 năm 2024"
    assert format_date_formal(date(2024, 3, 1)) == "ngày 01 tháng 3 năm 2024"
    assert format_date_formal(date(2024, 12, 9)) == "ngày 09 tháng 12 năm 2024"
