from datetime import date
from decimal import Decimal

import pytest

from core.text import (
    fold,
    format_date_formal,
    format_date_long,
    format_date_short,
    format_file_size,
    format_fixed,
    format_int,
    format_number,
    format_percent,
    identifier,
    legacy_vietnamese,
    nfc,
    period_name,
    round_half_up,
    rounded,
    sentence_start,
    strict_int,
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
    assert format_percent(100.0) == "100,00%"
    assert format_percent(48.7) == "48,70%"  # never "48,7%" beside "50,94%" in one column
    assert format_percent(1234.5) == "1.234,50%"
    assert format_number(91.49) == "91,49"
    assert format_number(2.5) == "2,5"
    assert format_number(7.0) == "7"
    assert format_number(0.0) == "0"
    assert format_number(1234.567) == "1.234,57"
    assert format_fixed(8.5) == "8,50"  # a change in points beside "23,16": never "8,5"
    assert format_fixed(0.0) == "0,00"
    assert format_fixed(1234.5) == "1.234,50"


def test_vietnamese_dates():
    assert format_date_long(date(2024, 6, 14)) == "ngày 14 tháng 6 năm 2024"
    assert format_date_short(date(2024, 6, 4)) == "04/06/2024"


def test_decree30_place_and_date_line_pads_small_days_and_the_first_two_months():
    assert format_date_formal(date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert format_date_formal(date(2024, 2, 29)) == "ngày 29 tháng 02 năm 2024"
    assert format_date_formal(date(2024, 6, 14)) == "ngày 14 tháng 6 năm 2024"
    assert format_date_formal(date(2024, 3, 1)) == "ngày 01 tháng 3 năm 2024"
    assert format_date_formal(date(2024, 12, 9)) == "ngày 09 tháng 12 năm 2024"


@pytest.mark.parametrize(
    ("kind", "year", "number", "name"),
    [
        ("month", 2024, 1, "tháng 1 năm 2024"),  # never "tháng 01" nor the key "2024-01"
        ("month", 2026, 11, "tháng 11 năm 2026"),
        ("month", 2023, 12, "tháng 12 năm 2023"),
        ("quarter", 2023, 1, "quý I năm 2023"),  # Roman numerals, never "Quý 1" nor "2023-Q1"
        ("quarter", 2023, 2, "quý II năm 2023"),
        ("quarter", 2023, 3, "quý III năm 2023"),
        ("quarter", 2023, 4, "quý IV năm 2023"),
        ("half_year", 2023, 0, "6 tháng đầu năm 2023"),
        ("nine_months", 2023, 0, "9 tháng đầu năm 2023"),
        ("annual", 2026, 0, "năm 2026"),
        ("year", 2026, 0, "năm 2026"),  # the service index's word for it
    ],
)
def test_a_period_is_named_one_way(kind, year, number, name):
    """Rule: every period people read is "<tháng n | quý R | 6 tháng đầu | 9 tháng đầu> năm YYYY"
    (lower case inside a sentence), as a document's trích yếu says it."""
    assert period_name(kind, year, number) == name


def test_a_period_name_opening_a_sentence_keeps_its_numeral():
    assert sentence_start("quý IV năm 2023") == "Quý IV năm 2023"  # str.capitalize: "Quý iv năm 2023"
    assert sentence_start("tháng 12 năm 2023") == "Tháng 12 năm 2023"
    assert sentence_start("6 tháng đầu năm 2023") == "6 tháng đầu năm 2023"
    assert sentence_start("") == ""


@pytest.mark.parametrize(
    ("kind", "number", "why"),
    [
        ("month", 0, "no month 0"),
        ("month", 13, "no month 13"),
        ("quarter", 0, "no quarter 0"),
        ("quarter", 5, "no quarter 5"),
        ("week", 1, "no period kind 'week'"),
    ],
)
def test_a_period_that_does_not_exist_has_no_name(kind, number, why):
    with pytest.raises(ValueError, match=f"^{why}$"):
        period_name(kind, 2024, number)


@pytest.mark.parametrize("kind", ["month", "quarter"])
def test_a_month_or_quarter_without_its_number_has_no_name(kind):
    with pytest.raises(ValueError, match=f"^no {kind} 0$"):
        period_name(kind, 2024)


def test_format_percent_keeps_the_digits_asked_for():
    """Rule: a percentage is printed with the number of decimals the caller asks for."""
    assert format_percent(95.114, 1) == "95,1%"
    assert format_percent(95.114, 0) == "95%"
    assert format_percent(95.116, 2) == "95,12%"
    assert format_number(1234.5, 0) == "1.235"  # a half goes up (test_a_half_is_rounded_up)
    assert format_number(10.0) == "10"
    assert format_number(100.5, 1) == "100,5"


# Rule: legacy-encoding detection (core.text.legacy_vietnamese), at each of its thresholds.
@pytest.mark.parametrize(
    ("text", "legacy", "why"),
    [
        ("STP 2024", False, "plain ASCII"),
        ("Müller", False, "one never-Vietnamese letter alone is a foreign name"),
        ("Müllër", True, "two accented letters, one never Vietnamese: the threshold is 2"),
        ("Café José", False, "two accented letters that Vietnamese also has"),
        ("Àbÿ", True, "À (U+00C0) and ÿ (U+00FF) are the first and last accented letters counted"),
        ("a\x80b", True, "U+0080, the first C1 control: bytes read in the wrong code page"),
        ("a\x9fb", True, "U+009F, the last C1 control"),
        ("Café\x7f", False, "DEL is not a C1 control"),
        ("Café\xa0bar", False, "a no-break space is neither a C1 control nor a symbol in a word"),
        ("Qu¶ng", True, "a symbol inside a word (TCVN3 ả)"),
        ("lµ", True, "a symbol ending a word (TCVN3 là)"),
        ("Ạ Müllër", False, "Ạ (U+1EA0), the first precomposed Vietnamese letter, is Unicode Vietnamese"),
        ("ỹ Müllër", False, "ỹ (U+1EF9), the last precomposed Vietnamese letter"),
        ("Ả Müllër", False, "a precomposed letter inside that range"),
        ("Müllër\u0300", False, "U+0300, the first combining mark: NFD Vietnamese"),
        ("Müllër\u036f", False, "U+036F, the last combining mark"),
        ("ơ Müllër", False, "ơ is a letter only Unicode Vietnamese has"),
        ("Qu¶ng ư", False, "ư among symbols: the text is Unicode Vietnamese"),
        ("Ḟ Müllër", True, "U+1E1E lies before the Vietnamese range"),
        ("Ỻ Müllër", True, "U+1EFA lies after the Vietnamese range"),
    ],
)
def test_legacy_encoding_detector_thresholds(text, legacy, why):
    assert legacy_vietnamese(text) is legacy, why


# Rule: text as stored (core.text.nfc): NFC, line breaks as "\n", no other control characters.
@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "ab"),
        ("a\vb\fc", "a\nb\nc"),  # Word's Shift+Enter pastes a vertical tab: a line break
        ("a\x85b\u2028c\u2029d", "a\nb\nc\nd"),
        ("a\x00b\x1fc\x7fd\x9fe", "abcde"),
        ("a\tb", "a\tb"),
        ("  Sở Nội vụ \n", "Sở Nội vụ"),
    ],
)
def test_stored_text_keeps_line_breaks_and_drops_controls(raw, stored):
    assert nfc(raw) == stored


# Rule: a code or username as stored (core.text.identifier) has no invisible characters.
@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("tuphap\u200b", "tuphap"),
        ("\ufeffSTP\u00ad", "STP"),
        ("II.\u200d1 ", "II.1"),
        ("Quảng Ninh", "Quảng Ninh"),
    ],
)
def test_identifiers_lose_invisible_characters(raw, stored):
    assert identifier(raw) == stored


# Rule: numbers typed in a form or a file are ASCII digits (core.text.strict_int).
@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", 42),
        (" -7 ", -7),
        ("0", 0),
        ("²", None),
        ("١٢", None),
        ("12a", None),
        ("", None),
        ("9" * 19, None),
    ],
)
def test_strict_integers_are_ascii_digits(text, number):
    assert strict_int(text) == number


@pytest.mark.parametrize(
    "value, digits, percent, number",
    [
        (53.125, 2, "53,13%", "53,13"),  # 17/32: a half goes up, as people count (was "53,12%")
        (53.124, 2, "53,12%", "53,12"),
        (2.675, 2, "2,68%", "2,68"),  # the float is 2.67499…: the written value is what counts
        (0.285, 2, "0,29%", "0,29"),
        (7.25, 1, "7,3%", "7,3"),  # one decimal: 7,25 ngày -> 7,3 (was 7,2)
        (7.24, 1, "7,2%", "7,2"),
        (-1.005, 2, "-1,01%", "-1,01"),  # a fall by half a hundredth is shown as a fall
        (1234.565, 2, "1.234,57%", "1.234,57"),
        (75.0, 0, "75%", "75"),
        (74.5, 0, "75%", "75"),
    ],
)
def test_a_half_is_rounded_up(value, digits, percent, number):
    assert format_percent(value, digits) == percent
    assert format_number(value, digits) == number


@pytest.mark.parametrize(
    "value, stored",
    [(53.125, 53.13), (53.124999, 53.12), (2.675, 2.68), (75.0, 75.0), (-1.005, -1.01), (99.995, 100.0)],
)
def test_a_figure_stored_rounded_prints_as_when_computed_afresh(value, stored):
    """The plan's percentage is stored rounded (the summary, the API): 17/32 was stored 53.12 by
    round(), so the report's body said 53,12% beside its appendix's 53,13%."""
    assert round_half_up(value) == stored
    assert format_percent(round_half_up(value)) == format_percent(value)


def test_rounding_keeps_two_decimals_unless_told_otherwise():
    assert rounded(53.125) == Decimal("53.13") and rounded(53.125, 1) == Decimal("53.1")
    assert round_half_up(7.25, 1) == 7.3 and round_half_up(7.25, 0) == 7.0


# Rule: a file's size in bytes below 1 KB, then KB and MB with one decimal after a comma.
@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 byte"),
        (60, "60 byte"),
        (1023, "1.023 byte"),
        (1024, "1 KB"),
        (1536, "1,5 KB"),
        (1024 * 1024 - 52, "1.023,9 KB"),
        (1024 * 1024 - 51, "1 MB"),  # 1.023,95 KB rounds up to 1.024 KB: shown as 1 MB
        (1024 * 1024, "1 MB"),
        (int(2.25 * 1024 * 1024), "2,3 MB"),
        (20 * 1024 * 1024, "20 MB"),
        (1024**3 - 52 * 1024, "1.023,9 MB"),
        (1024**3, "1 GB"),
        (5 * 1024**3 + 1024**3 // 2, "5,5 GB"),
        (2048 * 1024**3, "2.048 GB"),  # no larger unit: a file never comes near it
    ],
)
def test_file_sizes_are_read_in_bytes_kb_and_mb(size, text):
    assert format_file_size(size) == text
