"""The form layer's rules at their edges: dates as dd/mm/yyyy, whole numbers with Vietnamese
thousands dots, decimals with a comma, required and too-long fields, every error at once."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import api.web
from api.web.common import PAGE_ADVICE, PAGE_INVALID, read_id, read_page_number, shows_error_summary
from api.web.forms import (
    DATE_INVALID,
    FORM,
    FormErrors,
    FormSpec,
    date_field,
    decimal_field,
    parse_day,
    parse_decimal,
    parse_whole,
    text_field,
    whole_field,
)
from core.paging import MAX_OFFSET, PageRequest


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


# Rule (GOV.UK): a page that shows an error summary says so first in its title, "Lỗi: ", whatever
# the page names its errors; base.html decides once, from the page as drawn.
@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (
            '<div class="error-summary" role="alert" tabindex="-1" data-error-summary aria-labelledby="t">',
            True,
        ),
        ('<div class="notice warn" role="alert" tabindex="-1" data-error-summary>', True),  # not saved
        ("<div data-error-summary>", True),
        ('<div class="error-summary">', False),  # the look alone marks nothing
        ("<p>data-error-summary</p>", False),  # words a person typed, not an element
        ("<p>&lt;div data-error-summary&gt;</p>", False),  # the same, escaped as every page does
        ("<div data-error-summary-note>", False),
        ("", False),
    ],
)
def test_only_an_error_summary_marks_the_page_in_error(content, shown):
    assert shows_error_summary(content) is shown


TITLE = re.compile(r"<title>(.*?) · Theo dõi cải cách hành chính</title>")


@pytest.mark.anyio
@pytest.mark.usefixtures("today")  # 30/06/2024
@pytest.mark.parametrize(
    ("who", "path", "sent", "status", "title"),
    [
        ("viewer", "/?as_of=01/05/2024", None, 200, "Tổng quan"),
        ("viewer", "/?as_of=31/02/2024", None, 422, "Lỗi: Tổng quan"),  # the dashboard's date
        ("viewer", "/?as_of=01/07/2024", None, 422, "Lỗi: Tổng quan"),  # the day after today
        ("viewer", "/?plan_id=abc", None, 422, "Lỗi: Tổng quan"),
        (None, "/login", None, 200, "Đăng nhập"),
        (None, "/login", {"username": "", "password": ""}, 422, "Lỗi: Đăng nhập"),
        (None, "/login", {"username": "viewer", "password": "sai-mat-khau"}, 401, "Lỗi: Đăng nhập"),
        ("head_a", "/tasks/{task}", None, 200, "Nhiệm vụ II.1"),
        ("head_a", "/tasks/{task}/updates", {"version": "1", "progress": "150%"}, 422, "Lỗi: Nhiệm vụ II.1"),
        (
            "head_a",
            "/tasks/{task}/updates",
            {"version": "1", "progress": "150%", "return_to": "my-tasks"},
            422,
            "Lỗi: Nhiệm vụ của đơn vị tôi",  # the form on the unit's list: its errors are `sent.errors`
        ),
    ],
)
async def test_a_page_with_errors_says_so_first_in_its_title(browser, world, who, path, sent, status, title):
    await browser.sign_in_as(who)
    address = path.format(task=world.task_a)
    response = await (browser.get(address) if sent is None else browser.post(address, sent))
    assert response.status_code == status
    assert TITLE.search(response.text).group(1) == title
    assert ("data-error-summary" in response.text) is title.startswith("Lỗi: ")


# Rule: a list's page number is a whole number from 1 to the last page any list can reach (its
# first row within MAX_OFFSET); anything else, typed into the address, is "Số trang không hợp lệ."
LAST_REACHABLE = MAX_OFFSET // 50 + 1  # 42.949.673 pages of 50


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("", 1),  # no page asked for: the first
        ("1", 1),
        (" 2 ", 2),
        (str(LAST_REACHABLE), LAST_REACHABLE),
        (str(LAST_REACHABLE + 1), None),  # its first row past MAX_OFFSET
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("abc", None),
        ("1.200", None),  # the pager's links carry no thousands dots
        ("2,5", None),
        ("²", None),
    ],
)
def test_a_page_number_is_one_the_pager_could_have_made(typed, number):
    errors = FormErrors()
    read = read_page_number(typed, errors, 50)
    assert (read, dict(errors)) == ((number, {}) if number else (1, {FORM: PAGE_INVALID}))
    if number:
        PageRequest(50, (read - 1) * 50)  # the list can be asked for it


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("", None),
        ("1", 1),
        (str(2**31 - 1), 2**31 - 1),  # the largest id a database column holds
        (str(2**31), "refused"),
        ("0", "refused"),
        ("-3", "refused"),
        ("abc", "refused"),
        ("1e3", "refused"),
    ],
)
def test_an_id_in_the_address_is_one_the_database_can_hold(typed, number):
    errors = FormErrors()
    read = read_id(typed, "plan_id", errors, "Kế hoạch không hợp lệ.")
    if number == "refused":
        assert read is None and errors == {"plan_id": "Kế hoạch không hợp lệ."}
    else:
        assert read == number and not errors


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "status", "said"),
    [
        # shown on the page itself, in its error summary or beside its field
        ("/?plan_id=abc", 422, "Không có kế hoạch này; hãy chọn một kế hoạch trong danh sách."),
        ("/?plan_id=0", 422, "Không có kế hoạch này; hãy chọn một kế hoạch trong danh sách."),
        ("/?plan_id=99999", 422, "Không có kế hoạch này; hãy chọn một kế hoạch trong danh sách."),
        (
            "/?plan_id=99999999999999999999",
            422,
            "Không có kế hoạch này; hãy chọn một kế hoạch trong danh sách.",
        ),
        ("/?plan_id={plan}", 200, "Kế hoạch CCHC năm 2024"),
        ("/service-index/dossiers?period=2024-03&indicator=on_time&page_number=abc", 422, PAGE_INVALID),
        ("/service-index/dossiers?period=2024-03&indicator=on_time&page_number=0", 422, PAGE_INVALID),
        (
            f"/service-index/dossiers?period=2024-03&indicator=on_time&page_number={LAST_REACHABLE}",
            200,
            "Không có hồ sơ nào bị trừ điểm ở chỉ số này.",
        ),
        (
            f"/service-index/dossiers?period=2024-03&indicator=on_time&page_number={LAST_REACHABLE + 1}",
            422,
            PAGE_INVALID,
        ),
        (
            "/service-index/dossiers?period=2024-03&indicator=on_time&page_number=99999999999999999999",
            422,
            PAGE_INVALID,
        ),
        (
            "/service-index/dossiers?period=2024-03&indicator=on_time&unit_id=99999999999999999999",
            422,
            "Đơn vị không hợp lệ.",
        ),
        ("/notifications?page_number=abc", 422, PAGE_INVALID),
        ("/notifications?page_number=0", 422, PAGE_INVALID),
        ("/notifications?page_number=99999999999999999999", 422, PAGE_INVALID),
        ("/notifications?page_number=5", 200, "Chưa có thông báo nào."),  # past the last: the last
        # the plan's list has no place for it: a 400 page naming the parameter
        ("/plans/{plan}?page_number=abc", 400, "Số trang (tham số page_number trong địa chỉ) không hợp lệ."),
        ("/plans/{plan}?page_number=0", 400, "Số trang (tham số page_number trong địa chỉ) không hợp lệ."),
        (
            f"/plans/{{plan}}?page_number={LAST_REACHABLE}",
            200,
            "Rà soát văn bản",
        ),  # the last page: the only one
        (
            f"/plans/{{plan}}?page_number={LAST_REACHABLE + 1}",
            400,
            "Số trang (tham số page_number trong địa chỉ) không hợp lệ.",
        ),
        (
            "/plans/{plan}?page_number=99999999999999999999",
            400,
            "Số trang (tham số page_number trong địa chỉ) không hợp lệ.",
        ),
    ],
)
async def test_a_bad_address_is_said_in_vietnamese_naming_what_is_wrong(browser, world, path, status, said):
    await browser.sign_in_as("viewer")
    response = await browser.get(path.format(plan=world.plan_id), headers={"Accept": "text/html"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "Vị trí bắt đầu" not in response.text and "Dữ liệu không hợp lệ" not in response.text
    assert said in response.text
    if status == 200:
        assert "data-error-summary" not in response.text
        return
    if status == 400:
        assert PAGE_ADVICE in response.text and "<h1>Yêu cầu không hợp lệ</h1>" in response.text
    else:  # the page itself, its error summary first
        assert 'aria-label="Điều hướng chính"' in response.text and "data-error-summary" in response.text
