"""The report a schedule fires: the latest period of the schedule's kind whose cut-off has
passed, generated once however many schedulers fire (see ``runs.claim_scheduled_run``)."""

from __future__ import annotations

from datetime import date, datetime

from core.clock import local_date
from core.settings import get_settings
from models.vocabulary import JobState
from reports.periods import Calendar, Period, PeriodKind, period_for
from reports.runs import claim_scheduled_run, execute_run


def latest_period(kind: PeriodKind, calendar: Calendar, today: date) -> Period:
    """The most recent period of ``kind`` whose cut-off is before ``today``."""
    numbers = (4, 3, 2, 1) if kind is PeriodKind.QUARTER else (0,)
    for year in (today.year, today.year - 1):
        for number in numbers:
            period = period_for(kind, year, calendar, number)
            if period.end < today:
                return period
    raise AssertionError("a period ends within two years")


async def report_job(schedule: dict, fire_time: datetime) -> str:
    """The scheduled job "report": the report of the latest finished period of the schedule's
    ``period_kind`` (half_year by default)."""
    kind = PeriodKind(schedule["params"].get("period_kind", PeriodKind.HALF_YEAR))
    calendar = Calendar(get_settings().report.calendar)
    period = latest_period(kind, calendar, local_date(fire_time))
    run_id = await claim_scheduled_run(period, schedule["key"])
    if run_id is None:
        return f"Kỳ báo cáo {period.label}: đã có báo cáo do lịch tự động tạo"
    run = await execute_run(run_id)
    return f"Kỳ báo cáo {period.label}: báo cáo số {run_id} {JobState(run['state']).label.lower()}"
