"""Time in one place: UTC for storage, the province's calendar for dates users see."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.settings import get_settings


def local_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().time_zone)


_stopped_at: datetime | None = None


def utcnow() -> datetime:
    """Now, in UTC: the real time, or the moment the clock was stopped at (``stopped_at``)."""
    return _stopped_at or datetime.now(UTC)


def today() -> date:
    """Today in the province."""
    return local_date(utcnow())


@contextmanager
def stopped_at(moment: datetime) -> Iterator[datetime]:
    """Stop the clock at ``moment`` for everything that reads it in this process: the tests use it
    to see pages, summaries and jobs on a chosen day (tasks not yet due, due today, overdue)."""
    global _stopped_at
    previous, _stopped_at = _stopped_at, moment.astimezone(UTC)
    try:
        yield _stopped_at
    finally:
        _stopped_at = previous


def local_date(moment: datetime) -> date:
    """The calendar date of a moment in the province (a 23:30 UTC update is tomorrow there)."""
    return moment.astimezone(local_zone()).date()


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in the province, in UTC: "as of day D" means before it."""
    midnight = datetime.combine(day + timedelta(days=1), time.min, tzinfo=local_zone())
    return midnight.astimezone(UTC)


def start_of_day(day: date) -> datetime:
    return end_of_day(day - timedelta(days=1))
