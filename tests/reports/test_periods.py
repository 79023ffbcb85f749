"""Reporting periods: Decree 09 cut-offs and calendar windows, labels, keys, leap years."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.clock import local_zone, stopped_at
from core.errors import FieldError, InvalidInput
from reports.periods import Calendar, PeriodKind, period_for, period_from_key
from reports.runs import default_period_key, issuable_from, parse_period, period_begun

D09, CAL = Calendar.DECREE_09, Calendar.CALENDAR


@pytest.mark.parametrize(
    ("kind", "number", "calendar", "start", "end", "label"),
    [
        (PeriodKind.HALF_YEAR, 0, D09, date(2022, 12, 15), date(2023, 6, 14), "6 tháng đầu năm 2023"),
        (PeriodKind.HALF_YEAR, 0, CAL, date(2023, 1, 1), date(2023, 6, 30), "6 tháng đầu năm 2023"),
        (PeriodKind.ANNUAL, 0, D09, date(2022, 12, 15), date(2023, 12, 14), "năm 2023"),
        (PeriodKind.ANNUAL, 0, CAL, date(2023, 1, 1), date(2023, 12, 31), "năm 2023"),
        (PeriodKind.NINE_MONTHS, 0, D09, date(2022, 12, 15), date(2023, 9, 14), "9 tháng đầu năm 2023"),
        (PeriodKind.QUARTER, 1, D09, date(2022, 12, 15), date(2023, 3, 14), "quý I năm 2023"),
        (PeriodKind.QUARTER, 3, D09, date(2023, 6, 15), date(2023, 9, 14), "quý III năm 2023"),
        (PeriodKind.QUARTER, 4, CAL, date(2023, 10, 1), date(2023, 12, 31), "quý IV năm 2023"),
        (PeriodKind.QUARTER, 1, CAL, date(2024, 1, 1), date(2024, 3, 31), "quý I năm 2024"),
    ],
)
def test_windows_and_labels(kind, number, calendar, start, end, label):
    year = end.year
    period = period_for(kind, year, calendar, number)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period_from_key(period.key, calendar) == period


def test_the_cut_off_day_is_inside_and_the_next_day_is_not():
    half = period_for(PeriodKind.HALF_YEAR, 2024, D09)
    assert half.contains(date(2024, 6, 14)) and not half.contains(date(2024, 6, 15))
    assert half.contains(date(2023, 12, 15)) and not half.contains(date(2023, 12, 14))


def test_leap_years_and_year_ends():
    assert period_for(PeriodKind.QUARTER, 2024, CAL, 1).end == date(2024, 3, 31)
    february = period_for(PeriodKind.QUARTER, 2024, D09, 1)
    assert (february.end - february.start).days == 90  # 15/12/2023 .. 14/03/2024 spans 29 February
    assert period_for(PeriodKind.ANNUAL, 2024, CAL).same_period_last_year(CAL).end == date(2023, 12, 31)


BAD_KEY = FieldError("period", "expected YYYY-H1, YYYY-Y, YYYY-M9 or YYYY-Qn", "Kỳ báo cáo không hợp lệ.")


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("2023", BAD_KEY),
        ("2023-H2", BAD_KEY),
        ("abcd-Y", BAD_KEY),
        ("-2023-Y", BAD_KEY),  # not year -2023
        ("2023-Q", BAD_KEY),
        ("2023-Qx", BAD_KEY),
        ("2023-Q5", FieldError("quarter", "1 to 4", "Quý phải từ 1 đến 4.")),
        ("1999-Y", FieldError("year", "between 2000 and 2100", "Năm báo cáo không hợp lệ.")),
    ],
)
def test_bad_keys_are_refused_naming_the_field(key, error):
    """Rule: a period key the API or a page sends is YYYY-H1, YYYY-M9, YYYY-Y or YYYY-Qn."""
    with pytest.raises(InvalidInput) as refused:
        period_from_key(key, D09)
    assert refused.value.errors == [error]


# Rule: every period kind's window under both calendars (reports.periods.period_for), with its
# key and label, and the same period of the year before (the comparison column of a report).
EVERY_PERIOD = [
    (PeriodKind.QUARTER, 1, D09, "2025-Q1", date(2024, 12, 15), date(2025, 3, 14), "quý I năm 2025"),
    (PeriodKind.QUARTER, 2, D09, "2025-Q2", date(2025, 3, 15), date(2025, 6, 14), "quý II năm 2025"),
    (PeriodKind.QUARTER, 3, D09, "2025-Q3", date(2025, 6, 15), date(2025, 9, 14), "quý III năm 2025"),
    (PeriodKind.QUARTER, 4, D09, "2025-Q4", date(2025, 9, 15), date(2025, 12, 14), "quý IV năm 2025"),
    (PeriodKind.QUARTER, 1, CAL, "2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "quý I năm 2025"),
    (PeriodKind.QUARTER, 2, CAL, "2025-Q2", date(2025, 4, 1), date(2025, 6, 30), "quý II năm 2025"),
    (PeriodKind.QUARTER, 3, CAL, "2025-Q3", date(2025, 7, 1), date(2025, 9, 30), "quý III năm 2025"),
    (PeriodKind.QUARTER, 4, CAL, "2025-Q4", date(2025, 10, 1), date(2025, 12, 31), "quý IV năm 2025"),
    (PeriodKind.HALF_YEAR, 0, D09, "2025-H1", date(2024, 12, 15), date(2025, 6, 14), "6 tháng đầu năm 2025"),
    (PeriodKind.HALF_YEAR, 0, CAL, "2025-H1", date(2025, 1, 1), date(2025, 6, 30), "6 tháng đầu năm 2025"),
    (
        PeriodKind.NINE_MONTHS,
        0,
        D09,
        "2025-M9",
        date(2024, 12, 15),
        date(2025, 9, 14),
        "9 tháng đầu năm 2025",
    ),
    (PeriodKind.NINE_MONTHS, 0, CAL, "2025-M9", date(2025, 1, 1), date(2025, 9, 30), "9 tháng đầu năm 2025"),
    (PeriodKind.ANNUAL, 0, D09, "2025-Y", date(2024, 12, 15), date(2025, 12, 14), "năm 2025"),
    (PeriodKind.ANNUAL, 0, CAL, "2025-Y", date(2025, 1, 1), date(2025, 12, 31), "năm 2025"),
]


@pytest.mark.parametrize(("kind", "number", "calendar", "key", "start", "end", "label"), EVERY_PERIOD)
def test_every_period_kind_under_both_calendars(kind, number, calendar, key, start, end, label):
    period = period_for(kind, 2025, calendar, number)
    assert (period.kind, period.year, period.number) == (kind, 2025, number)
    assert (period.key, period.start, period.end, period.label) == (key, start, end, label)
    assert period_from_key(key, calendar) == period
    assert period_for(kind.value, 2025, calendar.value, number) == period  # as the API sends them


@pytest.mark.parametrize(("kind", "number", "calendar", "key", "start", "end", "label"), EVERY_PERIOD)
def test_the_same_period_last_year_is_the_same_window_a_year_earlier(
    kind, number, calendar, key, start, end, label
):
    last_year = period_for(kind, 2025, calendar, number).same_period_last_year(calendar)
    assert (last_year.kind, last_year.year, last_year.number) == (kind, 2024, number)
    assert (last_year.start, last_year.end) == (
        start.replace(year=start.year - 1),
        end.replace(year=end.year - 1),
    )
    assert last_year.label == label.replace("2025", "2024")


@pytest.mark.parametrize("year", [2000, 2100])
def test_the_first_and_last_years_accepted(year):
    assert period_for(PeriodKind.ANNUAL, year, CAL).year == year


UNKNOWN_KIND = FieldError("period", "unknown period kind", "Kỳ báo cáo không hợp lệ.")
BAD_YEAR = FieldError("year", "between 2000 and 2100", "Năm báo cáo không hợp lệ.")
BAD_QUARTER = FieldError("quarter", "1 to 4", "Quý phải từ 1 đến 4.")


@pytest.mark.parametrize(
    ("kind", "year", "number", "error"),
    [
        ("monthly", 2025, 0, UNKNOWN_KIND),
        (PeriodKind.ANNUAL, 1999, 0, BAD_YEAR),
        (PeriodKind.ANNUAL, 2101, 0, BAD_YEAR),
        (PeriodKind.QUARTER, 2025, 0, BAD_QUARTER),
        (PeriodKind.QUARTER, 2025, 5, BAD_QUARTER),
    ],
)
def test_an_unknown_kind_year_or_quarter_names_its_field(kind, year, number, error):
    with pytest.raises(InvalidInput) as refused:
        period_for(kind, year, CAL, number)
    assert refused.value.errors == [error]


def test_a_quarter_must_be_named():
    with pytest.raises(InvalidInput) as refused:
        period_for(PeriodKind.QUARTER, 2025, CAL)
    assert refused.value.errors == [BAD_QUARTER]


def test_a_period_that_is_not_a_quarter_has_no_number():
    assert period_for(PeriodKind.ANNUAL, 2025, CAL) == period_from_key("2025-Y", CAL)
    assert period_for(PeriodKind.NINE_MONTHS, 2025, D09).number == 0


def test_an_unknown_calendar_is_refused():
    with pytest.raises(InvalidInput) as refused:
        period_for(PeriodKind.ANNUAL, 2025, "lunar")
    assert refused.value.errors == [UNKNOWN_KIND]


D09_2026_Y = period_for(PeriodKind.ANNUAL, 2026, D09)  # 15/12/2025 to 14/12/2026
D09_2028_Q1 = period_for(PeriodKind.QUARTER, 2028, D09, 1)  # 15/12/2027 to 14/03/2028
D09_2029_H1 = period_for(PeriodKind.HALF_YEAR, 2029, D09)  # 15/12/2028 to 14/06/2029
CAL_2028_Y = period_for(PeriodKind.ANNUAL, 2028, CAL)


@pytest.mark.parametrize(
    ("period", "day", "end", "last_year"),
    [
        (D09_2026_Y, date(2026, 12, 2), date(2026, 12, 2), (date(2024, 12, 15), date(2025, 12, 2))),
        (D09_2026_Y, date(2026, 12, 13), date(2026, 12, 13), (date(2024, 12, 15), date(2025, 12, 13))),
        # the cut-off, or later: the whole period
        (D09_2026_Y, date(2026, 12, 14), date(2026, 12, 14), (date(2024, 12, 15), date(2025, 12, 14))),
        (D09_2026_Y, date(2026, 12, 20), date(2026, 12, 14), (date(2024, 12, 15), date(2025, 12, 14))),
        # across 29 February: the same days of the calendar, not as many days
        (D09_2028_Q1, date(2028, 2, 20), date(2028, 2, 20), (date(2026, 12, 15), date(2027, 2, 20))),
        (D09_2028_Q1, date(2028, 2, 29), date(2028, 2, 29), (date(2026, 12, 15), date(2027, 2, 28))),
        (D09_2028_Q1, date(2028, 3, 1), date(2028, 3, 1), (date(2026, 12, 15), date(2027, 3, 1))),
        (D09_2029_H1, date(2029, 2, 20), date(2029, 2, 20), (date(2027, 12, 15), date(2028, 2, 20))),
        (D09_2029_H1, date(2029, 3, 1), date(2029, 3, 1), (date(2027, 12, 15), date(2028, 3, 1))),
        (CAL_2028_Y, date(2028, 2, 28), date(2028, 2, 28), (date(2027, 1, 1), date(2027, 2, 28))),
        (CAL_2028_Y, date(2028, 12, 31), date(2028, 12, 31), (date(2027, 1, 1), date(2027, 12, 31))),
    ],
)
def test_a_period_cut_short_is_compared_with_the_same_days_a_year_before(period, day, end, last_year):
    so_far = period.until(day)
    calendar = CAL if period is CAL_2028_Y else D09
    assert (so_far.start, so_far.end, so_far.key, so_far.label) == (
        period.start,
        end,
        period.key,
        period.label,
    )
    assert (so_far == period) == (day >= period.end)
    before = so_far.same_period_last_year(calendar)
    assert (before.start, before.end, before.key) == (*last_year, f"{period.year - 1}-{period.key[5:]}")
    assert so_far.until(day) == so_far  # cutting again at the same day changes nothing


@pytest.mark.parametrize(
    ("key", "today", "begun"),
    [  # Decree 09: 2027-H1 runs from 15/12/2026, 2027-Q1 too; calendar years start on 1 January
        ("2027-H1", date(2026, 12, 14), False),
        ("2027-H1", date(2026, 12, 15), True),
        ("2027-Q1", date(2026, 12, 14), False),
        ("2026-Y", date(2026, 12, 3), True),  # running: drawn up early, and says so
        ("2100-Y", date(2026, 12, 3), False),
    ],
)
def test_a_report_of_a_period_not_begun_is_refused_naming_the_period(key, today, begun):
    with stopped_at(datetime.combine(today, time(9), tzinfo=local_zone())):
        if begun:
            assert period_begun(key).key == key
            return
        with pytest.raises(InvalidInput) as refused:
            period_begun(key)
    (error,) = refused.value.errors
    start = parse_period(key).start
    assert (error.field, error.reason) == ("period", f"begins on {start.isoformat()}: nothing to report yet")
    assert error.message == (
        f"Kỳ báo cáo {parse_period(key).label} bắt đầu từ ngày {start:%d/%m/%Y}: chưa có số liệu để báo cáo."
    )


@pytest.mark.parametrize(
    ("plan_year", "today", "offered"),
    [  # Decree 09: 2026-H1 runs 15/12/2025–14/06/2026, 2026-Y 15/12/2025–14/12/2026
        (2026, date(2026, 3, 3), "2026-H1"),  # the half-year running
        (2026, date(2026, 6, 14), "2026-H1"),  # its cut-off day
        (2026, date(2026, 6, 15), "2026-Y"),  # then the year
        (2026, date(2026, 12, 3), "2026-Y"),
        (2026, date(2026, 12, 20), "2026-Y"),  # both ended: the latest, being written
        (2027, date(2026, 12, 3), "2026-Y"),  # next year's plan already active: nothing begun
        (2027, date(2026, 12, 14), "2026-Y"),  # the day before it begins
        (2027, date(2026, 12, 15), "2027-H1"),  # the day it begins
    ],
)
def test_the_report_form_offers_the_period_the_plan_year_is_at(plan_year, today, offered):
    assert default_period_key(plan_year, today) == offered
    with stopped_at(datetime.combine(today, time(9), tzinfo=local_zone())):
        assert period_begun(offered).key == offered  # never one the form would then refuse


@pytest.mark.parametrize(
    ("key", "today", "first_day"),
    [  # Decree 09: 2026-H1 is cut off on 14/06/2026, 2026-Q4 on 14/12/2026
        ("2026-H1", date(2026, 6, 13), date(2026, 6, 14)),  # the day before: not yet, from when
        ("2026-H1", date(2026, 6, 14), None),  # its cut-off day: issuable (dated that day)
        ("2026-H1", date(2026, 6, 15), None),
        ("2026-Q4", date(2026, 12, 13), date(2026, 12, 14)),
        ("2026-Q4", date(2026, 12, 14), None),
    ],
)
def test_a_report_is_issuable_from_its_cut_off_day(key, today, first_day):
    assert issuable_from({"period_key": key}, today) == first_day
