"""The form layer's rules at their edges: dates as dd/mm/yyyy, whole numbers with Vietnamese
thousands dots, decimals with a comma, required and too-long fields, every error at once."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import api.web
from api.web.forms import (
    DATE_INVALID,
    FormSpec,
    date_field,
    decimal_field,
    parse_day,
    parse_decimal,
    parse_whole,
    text_field,
    whole_field,
)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("30/06/2025", date(2025, 6, 30)),
        ("5/1/2024", date(2024, 1, 5)),
        ("29/02/2024", date(2024, 2, 29)),
        ("2025-06-30", date(2025, 6, 30)),  # what an older page or a script sends
        (" 01/01/2000 ", date(2000, 1, 1)),
        ("29/02/2025", None),  # not a leap year
        ("31/04/2025", None),
        ("06/30/2025", None),  # month/day (an English browser's order) is refused, not swapped
        ("30-06-2025", None),
        ("30/06/25", None),
        ("", None),
    ],
)
def test_dates_are_read_as_day_month_year(typed, day):
    if day is None:
        with pytest.raises(ValueError):
            parse_day(typed)
    else:
        assert parse_day(typed) == day


@pytest.mark.parametrize(
    ("typed", "low", "high", "number"),
    [
        ("0", 0, 100, 0),
        ("100", 0, 100, 100),
        ("101", 0, 100, None),
        ("-1", 0, 100, None),
        ("1.200", None, None, 1200),  # a Vietnamese thousands dot
        ("12,5", 0, 100, None),
        ("tám mươi", 0, 100, None),
        ("150%", 0, 100, None),
    ],
)
def test_whole_numbers(typed, low, high, number):
    if number is None:
        with pytest.raises(ValueError):
            parse_whole(typed, low, high)
    else:
        assert parse_whole(typed, low, high) == number


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("95,5", 95.5),
        ("95.5", 95.5),
        ("0", 0.0),
        ("100", 100.0),
        ("100,01", None),
        ("-0,1", None),
        ("nan", None),
    ],
)
def test_decimals_take_a_comma_or_a_point(typed, number):
    if number is None:
        with pytest.raises(ValueError):
            parse_decimal(typed, 0, 100)
    else:
        assert parse_decimal(typed, 0, 100) == number


SPEC = FormSpec(
    text_field("name", "Tên", required="Vui lòng nhập tên.", max_length=10),
    whole_field("year", "Năm không hợp lệ.", low=2000, high=2100),
    date_field("day"),
    decimal_field("share", "Tỷ lệ không hợp lệ.", low=0, high=100),
)


def test_every_error_at_once_with_what_was_typed_kept():
    sent = SPEC.read({"name": "   ", "year": "20x5", "day": "31/02/2024", "share": "12,5"})
    assert dict(sent.errors) == {
        "name": "Vui lòng nhập tên.",
        "year": "Năm không hợp lệ.",
        "day": DATE_INVALID,
    }
    assert sent.typed == {"name": "", "year": "20x5", "day": "31/02/2024", "share": "12,5"}
    assert sent["share"] == 12.5 and not sent.ok


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        ({"name": "x" * 10}, {}),  # the longest text taken
        ({"name": "x" * 11}, {"name": "Tên tối đa 10 ký tự."}),  # named: a summary lists several
        ({"name": "x", "day": "1" * 33}, {"day": DATE_INVALID}),  # a long non-text: what it should be
    ],
)
def test_too_long_text_is_an_error_not_cut_short(typed, errors):
    sent = SPEC.read(typed)
    assert dict(sent.errors) == errors
    assert sent.typed["name"] == typed.get("name", "")


def test_a_length_message_without_a_label_leaves_naming_to_the_summary():
    assert FormSpec(text_field("note", max_length=1000)).read({"note": "x" * 1001}).errors == {
        "note": "Tối đa 1.000 ký tự."
    }


def test_a_blank_form_shows_dates_as_dd_mm_yyyy():
    blank = SPEC.blank(name="Kế hoạch", year=2025, day=date(2025, 6, 30))
    assert blank.typed == {"name": "Kế hoạch", "year": "2025", "day": "30/06/2025", "share": ""}
    assert blank.ok


def test_no_page_uses_the_browsers_date_picker():
    """A date picker shows the browser's own format (mm/dd/yyyy in an English browser); every
    date on every page is typed as dd/mm/yyyy through ``_macros.date_input``."""
    templates = Path(api.web.__file__).parent.parent / "templates"
    pickers = [
        f"{path.relative_to(templates)}: {line.strip()}"
        for path in sorted(templates.rglob("*.html"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"""type=["']?(date|datetime-local)\b""", line)
    ]
    assert list(templates.rglob("*.html")) and pickers == []


FIELD_MARKS = ("<select", "<textarea", 'type="text"', 'type="search"', 'type="file"', 'type="password"')
FIELD_MACROS = ("date_input(", "period_fields(")


def test_every_form_with_fields_leaves_checking_to_the_server():
    """A form whose fields the browser could check itself (a date's pattern, a required file)
    says ``novalidate``: else the browser stops it with its own English bubble ("Please match the
    requested format.") instead of the page's Vietnamese summary and messages beside the fields."""
    templates = Path(api.web.__file__).parent.parent / "templates"
    checked_by_the_browser = []
    for path in sorted(templates.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for found in re.finditer(r"<form\b[^>]*>(.*?)</form>", source, re.DOTALL):
            opening, body = found.group(0)[: found.group(0).index(">") + 1], found.group(1)
            if any(mark in body for mark in FIELD_MARKS + FIELD_MACROS) and "novalidate" not in opening:
                checked_by_the_browser.append(f"{path.relative_to(templates)}: {opening}")
    assert checked_by_the_browser == []
