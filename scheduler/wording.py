"""A schedule's cron expression said in Vietnamese words: "Hằng ngày lúc 06:30",
"Ngày 15/6 hằng năm lúc 07:00". Expressions these words cannot say exactly are shown as they
are, never paraphrased loosely."""

from __future__ import annotations

WEEKDAYS = {
    "0": "Chủ nhật",
    "1": "Thứ Hai",
    "2": "Thứ Ba",
    "3": "Thứ Tư",
    "4": "Thứ Năm",
    "5": "Thứ Sáu",
    "6": "Thứ Bảy",
    "7": "Chủ nhật",
}


def _number(field: str, low: int, high: int) -> int | None:
    return int(field) if field.isdigit() and low <= int(field) <= high else None


def _numbers(field: str, low: int, high: int) -> list[int] | None:
    """A comma-separated list of plain numbers in range, else None."""
    values = [_number(part, low, high) for part in field.split(",")]
    return None if None in values else values


def describe_cron(cron: str) -> str:
    """The expression (minute hour day month weekday, province time) in words."""
    fields = cron.split()
    if len(fields) != 5:
        return f"Theo biểu thức {cron}"
    minute, hour, day, month, weekday = fields
    at_minute, at_hour = _number(minute, 0, 59), _number(hour, 0, 23)
    if at_minute is None or at_hour is None:
        return f"Theo biểu thức {cron}"
    at = f"lúc {at_hour:02d}:{at_minute:02d}"
    if day == "*" and month == "*" and weekday == "*":
        return f"Hằng ngày {at}"
    if day == "*" and month == "*" and weekday in WEEKDAYS:
        return f"{WEEKDAYS[weekday]} hằng tuần {at}"
    day_number = _number(day, 1, 31)
    if day_number is None or weekday != "*":
        return f"Theo biểu thức {cron}"
    if month == "*":
        return f"Ngày {day_number} hằng tháng {at}"
    months = _numbers(month, 1, 12)
    if months is None:
        return f"Theo biểu thức {cron}"
    if len(months) == 1:
        return f"Ngày {day_number}/{months[0]} hằng năm {at}"
    listed = ", ".join(str(value) for value in months)
    return f"Ngày {day_number} các tháng {listed} hằng năm {at}"
