"""Time in one place: UTC for storage, the province's calendar for dates users see."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.settings import get_settings


def local_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().time_zone)


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime) -> date:
    """The calendar date of a moment in the province (a 23:30 UTC update is tomorrow there)."""
    return moment.astimezone(local_zone()).date()


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in the province, in UTC: "as of day D" means before it."""
    midnight = datetime.combine(day + timedelta(days=1), time.min, tzinfo=local_zone())
    return midnight.astimezone(UTC)


def start_of_day(day: date) -> datetime:
    return end_of_day(day - timedelta(days=1))
