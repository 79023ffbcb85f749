"""The plan and task rules, each written once: overdue, on-time or late completion, the plan's
progress by its method, the Vietnamese status titles and the note length limit.

Pure functions over plain values, so the dashboard, the API, the pages, the notifications and
the reports (which read tasks as of a past day, from their history) all apply the same rule.
Where a query must apply a rule in the database, the SQL for it is here too, beside its
Python twin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from piccolo.columns.combination import WhereRaw
from piccolo.querystring import QueryString

from core.errors import FieldError
from core.text import format_date_short
from models.vocabulary import ProgressMethod, TaskStatus

MAX_NOTE = 4000
"""A progress report's note, in characters (the API, the form and the domain check it)."""

CLOSED = (TaskStatus.COMPLETED.value, TaskStatus.CANCELLED.value)
"""Statuses a task no longer moves from without staff re-opening it; never overdue."""

Timeliness = Literal["on_time", "late"]


def date_window(plan_year: int) -> tuple[date, date]:
    """The dates a plan's tasks may carry (deadlines, completion dates): from the start of the
    year before the plan's to the end of the year after (a 2023 plan took 0001-01-01 and
    9999-12-31 as deadlines, and 1900-01-01 as a completion date)."""
    return date(plan_year - 1, 1, 1), date(plan_year + 1, 12, 31)


def completion_date_error(
    completed_on: date, plan_year: int, created_on: date, today: date, unfinished_on: date | None = None
) -> FieldError | None:
    """Why ``completed_on`` cannot be a task's completion date, or None: it lies in the plan's
    date window, not before the task was created, not in the future, and not before
    ``unfinished_on``, the day of the task's latest progress update that said it was not
    complete (a task in progress on 01/12 was not done on 01/11: a back-dated completion
    turned an overdue task into one completed on time)."""
    first, last = date_window(plan_year)
    if completed_on > today:
        return FieldError(
            "completed_on", "must not be in the future", "Ngày hoàn thành không được ở tương lai."
        )
    if completed_on < created_on:
        return FieldError(
            "completed_on",
            f"must not be before the task was created ({created_on.isoformat()})",
            f"Ngày hoàn thành không được trước ngày giao nhiệm vụ ({format_date_short(created_on)}).",
        )
    if unfinished_on is not None and completed_on < unfinished_on:
        return FieldError(
            "completed_on",
            f"must not be before {unfinished_on.isoformat()}, when an update said the task was not complete",
            f"Ngày hoàn thành không được trước ngày {format_date_short(unfinished_on)}: "
            "cập nhật tiến độ ngày đó ghi nhiệm vụ chưa hoàn thành.",
        )
    if not first <= completed_on <= last:
        return FieldError(
            "completed_on",
            f"must lie between {first.isoformat()} and {last.isoformat()}",
            f"Ngày hoàn thành phải từ {format_date_short(first)} đến {format_date_short(last)}.",
        )
    return None


def delay_note_error(
    deadline: date, status: str, completed_on: date | None, today: date, note: str
) -> FieldError | None:
    """Why a progress report leaving a task in ``status`` (completed on ``completed_on``) on
    ``today`` needs a note it lacks, or None: the head of a late unit explains the delay — the
    task is overdue after the update (``is_overdue``), or it is completed after its deadline."""
    if note.strip():
        return None
    if is_overdue(deadline, status, today):
        return FieldError(
            "note",
            f"the task is overdue (due {deadline.isoformat()}): give the reason and the remedy",
            f"Nhiệm vụ đã quá hạn (hạn {format_date_short(deadline)}): nêu lý do chậm và giải pháp.",
        )
    if status == TaskStatus.COMPLETED and timeliness(deadline, completed_on) == "late":
        return FieldError(
            "note",
            f"completed after the deadline ({deadline.isoformat()}): give the reason for the delay",
            f"Nhiệm vụ hoàn thành sau thời hạn (hạn {format_date_short(deadline)}): nêu lý do chậm.",
        )
    return None


def deadline_error(deadline: date, plan_year: int) -> FieldError | None:
    """Why ``deadline`` cannot be a deadline in a plan of ``plan_year``, or None."""
    first, last = date_window(plan_year)
    if first <= deadline <= last:
        return None
    return FieldError(
        "deadline",
        f"must lie between {first.isoformat()} and {last.isoformat()}",
        f"Thời hạn phải từ {format_date_short(first)} đến {format_date_short(last)}.",
    )


def is_overdue(deadline: date, status: str, as_of: date) -> bool:
    """A task is overdue on ``as_of`` when its deadline has passed and it is neither completed
    nor cancelled (a task due on ``as_of`` is not yet overdue)."""
    return status not in CLOSED and deadline < as_of


def overdue_sql(as_of: date, table: str = "task") -> QueryString:
    """``is_overdue`` as an SQL condition on the ``deadline`` and ``status`` columns of
    ``table`` (a table name or a subquery's alias), for raw queries; see ``overdue_where``."""
    closed = ", ".join(f"'{status}'" for status in CLOSED)
    return QueryString(f'("{table}"."deadline" < {{}} AND "{table}"."status" NOT IN ({closed}))', as_of)


def overdue_where(as_of: date, overdue: bool = True) -> WhereRaw:
    """A Piccolo ``where`` for tasks that are (or, with ``overdue=False``, are not) overdue."""
    return WhereRaw("{}" if overdue else "NOT {}", overdue_sql(as_of))


def timeliness(deadline: date, completed_on: date | None) -> Timeliness | None:
    """When a completed task was completed against its deadline: "on_time" on or before it,
    "late" after it; None when there is no completion date."""
    if completed_on is None:
        return None
    return "on_time" if completed_on <= deadline else "late"


def late_sql(table: str = "task") -> str:
    """``timeliness(...) == "late"`` as an SQL condition on ``table``'s columns."""
    return f'"{table}"."completed_on" > "{table}"."deadline"'


def status_title(status: str, overdue: bool = False) -> str:
    """The Vietnamese title of a task status, "Đang thực hiện (quá hạn)" when overdue."""
    return TaskStatus(status).label + (" (quá hạn)" if overdue else "")


class ProgressFigures(Protocol):
    """What ``plan_progress`` reads; cancelled tasks are in none of these figures."""

    total: int
    completed: int
    progress_sum: float
    weight_sum: float
    weighted_sum: float


@dataclass(frozen=True)
class ProgressTotals:
    """``ProgressFigures`` summed over task rows (mappings with status, progress, weight).

    The plan summary's ``Tally`` (models.plans.progress) has the same five figures, added up
    from the database's grouped rows beside its counts by status; this sums rows already in
    memory (a unit's share of the plan in a report). Two sources of the figures that
    ``plan_progress`` reads, alike in shape: the rule itself is written once, there.
    """

    total: int = 0
    completed: int = 0
    progress_sum: float = 0.0
    weight_sum: float = 0.0
    weighted_sum: float = 0.0

    @classmethod
    def of(cls, tasks: Iterable[Mapping]) -> ProgressTotals:
        counted = [task for task in tasks if task["status"] != TaskStatus.CANCELLED]
        return cls(
            total=len(counted),
            completed=sum(task["status"] == TaskStatus.COMPLETED for task in counted),
            progress_sum=sum(task["progress"] for task in counted),
            weight_sum=sum(task["weight"] for task in counted),
            weighted_sum=sum(task["weight"] * task["progress"] for task in counted),
        )


def plan_progress(method: str, figures: ProgressFigures, manual: float | None = None) -> float:
    """The plan's percentage (0-100, unrounded) by its progress method:

    - ``task_count``: completed tasks / tasks;
    - ``average``: the mean of the tasks' progress;
    - ``weighted``: the tasks' progress weighted by their weight;
    - ``manual``: the figure staff entered (``manual``, 0 when none).

    ``figures`` is a ``ProgressTotals`` (``ProgressTotals.of(task_rows)``) or the plan summary's
    tallies; a plan without tasks is at 0%.
    """
    if method == ProgressMethod.MANUAL:
        return float(manual or 0.0)
    if figures.total == 0:
        return 0.0
    if method == ProgressMethod.AVERAGE:
        return figures.progress_sum / figures.total
    if method == ProgressMethod.WEIGHTED:
        return figures.weighted_sum / figures.weight_sum if figures.weight_sum else 0.0
    return 100.0 * figures.completed / figures.total
