"""Reporting periods: Decree 09 cut-offs and calendar windows, labels, keys, leap years."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import InvalidInput
from reports.periods import Calendar, PeriodKind, period_for, period_from_key

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


@pytest.mark.parametrize("key", ["2023", "2023-H2", "abcd-Y", "2023-Q5", "1999-Y"])
def test_bad_keys_are_refused(key):
    with pytest.raises(InvalidInput):
        period_from_key(key, D09)
