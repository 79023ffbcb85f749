"""Reporting periods: Decree 09/2019/NĐ-CP data cut-off windows, or calendar ones.

A period is a value object: its kind, year, first and last day (the cut-off, included) and its
Vietnamese label. Which windows a deployment uses is a setting (``REPORT_CALENDAR``):
``decree09`` (the default: 6 months = 15 December of the previous year to 14 June) or
``calendar`` (1 January to 30 June, as some provinces report).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from core.errors import InvalidInput
from core.text import QUARTER_NUMERALS, period_name


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    NINE_MONTHS = "nine_months"
    ANNUAL = "annual"


class Calendar(StrEnum):
    DECREE_09 = "decree09"
    CALENDAR = "calendar"


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    year: int
    start: date
    end: date  # the data cut-off day, included
    number: int = 0  # the quarter, for quarterly periods

    @property
    def key(self) -> str:
        """A stable identifier: "2023-H1", "2023-Y", "2023-Q3", "2023-M9"."""
        suffix = {
            PeriodKind.QUARTER: f"Q{self.number}",
            PeriodKind.HALF_YEAR: "H1",
            PeriodKind.NINE_MONTHS: "M9",
            PeriodKind.ANNUAL: "Y",
        }[self.kind]
        return f"{self.year}-{suffix}"

    @property
    def label(self) -> str:
        """As a report's title says it (``core.text.period_name``): "6 tháng đầu năm 2023",
        "9 tháng đầu năm 2023", "năm 2023", "quý III năm 2023"."""
        return period_name(self.kind, self.year, self.number)

    def same_period_last_year(self, calendar: Calendar) -> Period:
        """The same period a year before; one cut short (``until``) is compared with the same
        days a year before: to 20/02/2027 for a period counted to 20/02/2028, not a day more or
        less for the 29 February between."""
        last = period_for(self.kind, self.year - 1, calendar, self.number)
        return replace(last, end=min(last.end, _a_year_before(self.end)))

    def until(self, day: date) -> Period:
        """The period as far as ``day``: what a report drawn up that day, before the cut-off,
        can count (itself when it ends by then)."""
        return self if day >= self.end else replace(self, end=day)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _a_year_before(day: date) -> date:
    """The same day and month a year before; 29 February's is 28 February."""
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _quarter_window(year: int, quarter: int, calendar: Calendar) -> tuple[date, date]:
    last_month = quarter * 3
    if calendar is Calendar.CALENDAR:
        start = date(year, last_month - 2, 1)
        end = (date(year + (last_month == 12), last_month % 12 + 1, 1)) - timedelta(days=1)
        return start, end
    first_month = last_month - 3  # the month before the quarter (0 = December of last year)
    start = date(year - 1, 12, 15) if first_month == 0 else date(year, first_month, 15)
    return start, date(year, last_month, 14)


def period_for(kind: PeriodKind | str, year: int, calendar: Calendar | str, number: int = 0) -> Period:
    """The period of ``kind`` in ``year`` under ``calendar``; 422 on a bad kind, year or quarter."""
    try:
        kind, calendar = PeriodKind(kind), Calendar(calendar)
    except ValueError:
        raise InvalidInput.field("period", "unknown period kind", "Kỳ báo cáo không hợp lệ.") from None
    if not 2000 <= year <= 2100:
        raise InvalidInput.field("year", "between 2000 and 2100", "Năm báo cáo không hợp lệ.")
    decree = calendar is Calendar.DECREE_09
    year_start = date(year - 1, 12, 15) if decree else date(year, 1, 1)
    if kind is PeriodKind.QUARTER:
        if number not in QUARTER_NUMERALS:
            raise InvalidInput.field("quarter", "1 to 4", "Quý phải từ 1 đến 4.")
        return Period(kind, year, *_quarter_window(year, number, calendar), number=number)
    end = {
        PeriodKind.HALF_YEAR: date(year, 6, 14) if decree else date(year, 6, 30),
        PeriodKind.NINE_MONTHS: date(year, 9, 14) if decree else date(year, 9, 30),
        PeriodKind.ANNUAL: date(year, 12, 14) if decree else date(year, 12, 31),
    }[kind]
    return Period(kind, year, year_start, end)


def _bad_key() -> InvalidInput:
    return InvalidInput.field(
        "period", "expected YYYY-H1, YYYY-Y, YYYY-M9 or YYYY-Qn", "Kỳ báo cáo không hợp lệ."
    )


def period_from_key(key: str, calendar: Calendar | str) -> Period:
    """The inverse of ``Period.key``."""
    try:
        year_text, suffix = key.split("-", 1)
        year = int(year_text)
    except ValueError:
        raise _bad_key() from None
    kinds = {"H1": PeriodKind.HALF_YEAR, "Y": PeriodKind.ANNUAL, "M9": PeriodKind.NINE_MONTHS}
    if suffix in kinds:
        return period_for(kinds[suffix], year, calendar)
    if suffix[:1] == "Q" and suffix[1:].isdigit():
        return period_for(PeriodKind.QUARTER, year, calendar, int(suffix[1:]))
    raise _bad_key()
