from datetime import date

from core.text import fold, format_date_long, format_date_short, format_int, format_percent, nfc


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


def test_vietnamese_dates():
    assert format_date_long(date(2024, 6, 14)) == "ngày 14 tháng 6 năm 2024"
    assert format_date_short(date(2024, 6, 4)) == "04/06/2024"
