"""Plan tasks: definition, progress reports and their append-only history.

Every write bumps ``version`` with a compare-and-set (``WHERE version = read version``) inside
a transaction that also appends a TaskEvent, so concurrent writers never lose an update: a
caller that named the version it edited gets StaleVersion, one that did not is retried on
the fresh state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from piccolo.query.base import Query

from core.clock import local_date, utcnow
from core.db import one_writer_at_a_time, write_transaction
from core.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied, StaleVersion
from core.paging import PageRequest, apply_sort, contains
from core.text import fold, format_date_short, identifier, nfc
from models.permissions import Action, Principal
from models.plans.rules import (
    CLOSED,
    MAX_NOTE,
    completion_date_error,
    deadline_error,
    delay_note_error,
    is_overdue,
    overdue_where,
    timeliness,
)
from models.plans.tables import Evidence, Plan, Task, TaskCoordinator, TaskEvent
from models.units.service import existed_during
from models.units.tables import Unit
from models.vocabulary import Area, Role, TaskEventKind, TaskStatus

CAS_ATTEMPTS = 20
PROGRESS_KINDS = (TaskEventKind.PROGRESS.value, TaskEventKind.IMPORTED.value)
"""History entries that report progress (the others create a task or change its definition)."""

TASK_COLUMNS = (
    Task.id,
    Task.plan,
    Task.code,
    Task.area,
    Task.title,
    Task.expected_output,
    Task.lead_unit,
    Task.lead_unit.code.as_alias("lead_unit_code"),
    Task.lead_unit.name.as_alias("lead_unit_name"),
    Task.deadline,
    Task.ongoing,
    Task.status,
    Task.progress,
    Task.weight,
    Task.completed_on,
    Task.note,
    Task.version,
    Task.created_at,
    Task.updated_at,
)
SORT_KEYS = {
    "code": Task.code,
    "area": Task.area,
    "deadline": Task.deadline,
    "status": Task.status,
    "progress": Task.progress,
    "updated_at": Task.updated_at,
}
SNAPSHOT_FIELDS = (
    "code",
    "area",
    "title",
    "lead_unit",
    "deadline",
    "status",
    "progress",
    "weight",
    "completed_on",
)
DEFINITION_FIELDS = (
    "code",
    "area",
    "title",
    "expected_output",
    "lead_unit_id",
    "coordinating_unit_ids",
    "deadline",
    "ongoing",
    "weight",
)


@dataclass(frozen=True)
class TaskDefinition:
    """What a plan says about a task (as opposed to how it is going)."""

    code: str
    area: str
    title: str
    lead_unit_id: int
    expected_output: str = ""
    coordinating_unit_ids: tuple[int, ...] = ()
    deadline: date | None = None
    ongoing: bool = False
    weight: float = 1.0


@dataclass(frozen=True)
class ProgressReport:
    """A status/progress update from the unit (or from home-affairs staff)."""

    status: str | None = None
    progress: int | None = None
    note: str = ""
    completed_on: date | None = None
    evidence_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class TaskFilter:
    area: str | None = None
    lead_unit_id: int | None = None
    status: str | None = None
    overdue: bool | None = None
    due_before: date | None = None
    due_after: date | None = None
    q: str | None = None
    today: date = field(default_factory=lambda: local_date(utcnow()))


def derived(task: dict, today: date) -> dict:
    """Overdue and timeliness are computed (models.plans.rules), never stored."""
    completed = task["status"] == TaskStatus.COMPLETED
    return {
        **task,
        "overdue": is_overdue(task["deadline"], task["status"], today),
        "timeliness": timeliness(task["deadline"], task["completed_on"]) if completed else None,
    }


# --- validation ---------------------------------------------------------------------------


def _unit_not_in_plan_year(unit: dict, year: int, role: str) -> str | None:
    """Why ``unit`` cannot lead or coordinate a task of a plan of ``year``, or None: it existed
    on some day of that year (units.existed_during; a unit closed on 30/06/2025 is not given
    work in a 2026 plan). ``role``: "Đơn vị chủ trì" or "Đơn vị phối hợp"."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if existed_during(unit["valid_from"], unit["valid_to"], first, last):
        return None
    if unit["valid_to"] is not None and unit["valid_to"] < first:
        since = f"hoạt động đến hết ngày {format_date_short(unit['valid_to'])}"
    else:
        since = f"bắt đầu hoạt động từ ngày {format_date_short(unit['valid_from'])}"
    return f"{role} {unit['name']} không hoạt động trong năm {year} của kế hoạch ({since})."


async def _validate_definition(
    plan: dict,
    data: TaskDefinition,
    kept_lead: int | None = None,
    kept_coordinators: frozenset[int] = frozenset(),
) -> tuple[dict, list[int]]:
    """The values to store for ``data`` in ``plan``, or InvalidInput naming every field at once.
    Units already on the task in the same role (``kept_lead``, ``kept_coordinators``) are not
    judged again on their dates: editing the title of a task whose unit has since closed stays
    possible."""
    errors: list[FieldError] = []
    code, title = identifier(data.code), nfc(data.title)
    if not code or len(code) > 32:
        errors.append(FieldError("code", "1 to 32 characters", "Mã nhiệm vụ dài 1–32 ký tự."))
    if data.area not in set(Area):
        errors.append(FieldError("area", f"one of {', '.join(Area)}", "Lĩnh vực cải cách không hợp lệ."))
    if not title or len(title) > 2000:
        errors.append(FieldError("title", "1 to 2000 characters", "Tên nhiệm vụ dài 1–2000 ký tự."))
    if len(data.expected_output) > 2000:
        errors.append(FieldError("expected_output", "at most 2000 characters", "Sản phẩm quá dài."))
    if not 0 < data.weight <= 1000:
        errors.append(FieldError("weight", "greater than 0, at most 1000", "Trọng số phải lớn hơn 0."))
    deadline = date(plan["year"], 12, 31) if data.ongoing else data.deadline
    if deadline is None:
        errors.append(
            FieldError("deadline", "a date, or ongoing", "Cần nhập thời hạn hoặc chọn 'thường xuyên'.")
        )
    elif problem := deadline_error(deadline, plan["year"]):
        errors.append(problem)
    unit_ids = {data.lead_unit_id, *data.coordinating_unit_ids}
    known = {
        row["id"]: row
        for row in await Unit.select(Unit.id, Unit.name, Unit.valid_from, Unit.valid_to).where(
            Unit.id.is_in(list(unit_ids))
        )
    }
    if data.lead_unit_id not in known:
        errors.append(FieldError("lead_unit_id", "no such unit", "Đơn vị chủ trì không tồn tại."))
    elif data.lead_unit_id != kept_lead and (
        message := _unit_not_in_plan_year(known[data.lead_unit_id], plan["year"], "Đơn vị chủ trì")
    ):
        errors.append(
            FieldError(
                "lead_unit_id", f"the unit is not in force during the plan's year {plan['year']}", message
            )
        )
    if unknown := set(data.coordinating_unit_ids) - set(known):
        errors.append(
            FieldError(
                "coordinating_unit_ids",
                f"no such units: {sorted(unknown)}",
                "Đơn vị phối hợp không tồn tại.",
            )
        )
    else:
        closed = [
            (unit_id, message)
            for unit_id in sorted(set(data.coordinating_unit_ids) - kept_coordinators)
            if (message := _unit_not_in_plan_year(known[unit_id], plan["year"], "Đơn vị phối hợp"))
        ]
        if closed:
            errors.append(
                FieldError(
                    "coordinating_unit_ids",
                    f"units not in force during the plan's year {plan['year']}: {[u for u, _ in closed]}",
                    " ".join(message for _, message in closed),
                )
            )
    if errors:
        raise InvalidInput("invalid task", errors)
    coordinators = sorted(set(data.coordinating_unit_ids) - {data.lead_unit_id})
    values = {
        "code": code,
        "area": data.area,
        "title": title,
        "expected_output": nfc(data.expected_output),
        "lead_unit": data.lead_unit_id,
        "deadline": deadline,
        "ongoing": data.ongoing,
        "weight": data.weight,
        "search_text": fold(f"{code} {title} {data.expected_output}"),
    }
    return values, coordinators


@dataclass(frozen=True)
class ReportContext:
    """What judging a progress report reads beyond the task's row: its plan's year, and the day
    of its latest progress update that said it was not complete (None when there was none)."""

    plan_year: int
    unfinished_on: date | None = None


async def _report_context(task: dict) -> ReportContext:
    latest = (
        await TaskEvent.select(TaskEvent.changed_at)
        .where(
            (TaskEvent.task == task["id"])
            & TaskEvent.kind.is_in(list(PROGRESS_KINDS))
            & (TaskEvent.status != TaskStatus.COMPLETED.value)
        )
        .order_by(TaskEvent.changed_at, ascending=False)
        .first()
    )
    return ReportContext(
        await _plan_year(task["plan"]), None if latest is None else local_date(latest["changed_at"])
    )


def _report_errors(
    current: dict, report: ProgressReport, today: date, context: ReportContext
) -> list[FieldError]:
    """Every field of a progress report the task as it stands refuses, all at once (a form shows
    them together); none when it can be applied. Who may make it is ``_check_allowed``'s."""
    errors = []
    status = report.status or current["status"]
    if status not in set(TaskStatus):
        errors.append(FieldError("status", f"one of {', '.join(TaskStatus)}", "Trạng thái không hợp lệ."))
    progress = report.progress if report.progress is not None else current["progress"]
    if not 0 <= progress <= 100:
        errors.append(FieldError("progress", "between 0 and 100", "Tiến độ phải từ 0 đến 100%."))
    if len(report.note) > MAX_NOTE:
        errors.append(
            FieldError("note", f"at most {MAX_NOTE} characters", f"Ghi chú tối đa {MAX_NOTE} ký tự.")
        )
    date_problem = recorded_on = None
    if status == TaskStatus.COMPLETED:
        completed_on = _completion_date(current, report, today)
        # today is the default (completed now); a date kept as it was is not judged again
        if completed_on not in (today, current["completed_on"]):
            date_problem = completion_date_error(
                completed_on,
                context.plan_year,
                local_date(current["created_at"]),
                today,
                context.unfinished_on,
            )
        # the completion date this report records: none when it keeps the task's own, and
        # none judged late when it is refused itself
        if date_problem is None and (
            current["status"] != TaskStatus.COMPLETED or completed_on != current["completed_on"]
        ):
            recorded_on = completed_on
    if problem := delay_note_error(current["deadline"], status, recorded_on, today, report.note):
        errors.append(problem)
    elif status == TaskStatus.COMPLETED and not report.note.strip() and not report.evidence_ids:
        errors.append(
            FieldError(
                "note",
                "completing a task needs a note or evidence",
                "Khi báo cáo hoàn thành cần ghi chú kết quả hoặc đính kèm minh chứng.",
            )
        )
    if date_problem is not None:
        errors.append(date_problem)
    if status != TaskStatus.COMPLETED and report.completed_on is not None:
        # it would be dropped: say so rather than lose it
        errors.append(
            FieldError(
                "completed_on",
                "only a completed task has a completion date",
                "Chỉ ghi ngày hoàn thành khi chọn trạng thái “Hoàn thành”; "
                "nếu nhiệm vụ chưa xong, hãy để trống ô này.",
            )
        )
    if status == TaskStatus.NOT_STARTED and progress > 0:
        errors.append(
            FieldError(
                "progress",
                "a task not started has 0% progress",
                "Nhiệm vụ chưa triển khai thì tiến độ là 0%.",
            )
        )
    return errors


def _check_allowed(current: dict, report: ProgressReport, actor: Principal, today: date) -> None:
    """Only home-affairs staff re-open or cancel a task, or re-date a completed one (a unit head
    turned a late completion into an on-time one with 1900-01-01): PermissionDenied."""
    status = report.status or current["status"]
    changing_closed = status != current["status"] and (
        current["status"] in CLOSED or status == TaskStatus.CANCELLED
    )
    if changing_closed and not actor.can(Action.REOPEN_TASK):
        raise PermissionDenied("only home-affairs staff may re-open or cancel a task")
    if (
        status == current["status"] == TaskStatus.COMPLETED
        and _completion_date(current, report, today) != current["completed_on"]
        and not actor.can(Action.REOPEN_TASK)
    ):
        raise PermissionDenied("only home-affairs staff may change a completed task's completion date")


async def report_problems(actor: Principal, task: dict, report: ProgressReport) -> list[FieldError]:
    """What ``report_progress`` would refuse in ``report`` against ``task`` as read now, before
    anything is written: PermissionDenied, else every field error at once (a form shows them
    with its own)."""
    today = local_date(utcnow())
    _check_allowed(task, report, actor, today)
    return _report_errors(task, report, today, await _report_context(task))


def _completion_date(current: dict, report: ProgressReport, today: date) -> date:
    return report.completed_on or current["completed_on"] or today


def _apply_report(
    current: dict, report: ProgressReport, actor: Principal, today: date, context: ReportContext
) -> dict:
    """The new status fields for a progress report, or PermissionDenied/InvalidInput."""
    _check_allowed(current, report, actor, today)
    if errors := _report_errors(current, report, today, context):
        raise InvalidInput("; ".join(f"{error.field}: {error.reason}" for error in errors), errors)
    status = report.status or current["status"]
    if status == TaskStatus.COMPLETED:
        return {"status": status, "progress": 100, "completed_on": _completion_date(current, report, today)}
    progress = report.progress if report.progress is not None else current["progress"]
    return {"status": status, "progress": progress, "completed_on": None}


async def _plan_year(plan_id: int) -> int:
    return (await Plan.select(Plan.year).where(Plan.id == plan_id).first())["year"]


def check_can_report(actor: Principal, task: dict) -> None:
    """A unit head reports only on tasks their own unit leads."""
    actor.require(Action.REPORT_PROGRESS)
    if actor.role is Role.UNIT_HEAD and task["lead_unit"] != actor.unit_id:
        raise PermissionDenied("a unit head may change only tasks their unit leads")


# --- reads ----------------------------------------------------------------------------------


async def load_task(task_id: int) -> dict:
    row = await Task.select(*TASK_COLUMNS).where(Task.id == task_id).first()
    if row is None:
        raise NotFound(f"task {task_id} not found", "Không tìm thấy nhiệm vụ này.")
    return row


async def _coordinators(task_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {task_id: [] for task_id in task_ids}
    if task_ids:
        rows = (
            await TaskCoordinator.select(TaskCoordinator.task, TaskCoordinator.unit)
            .where(TaskCoordinator.task.is_in(task_ids))
            .order_by(TaskCoordinator.unit)
        )
        for row in rows:
            result[row["task"]].append(row["unit"])
    return result


async def get_task(task_id: int, today: date | None = None) -> dict:
    task = await load_task(task_id)
    coordinators = await _coordinators([task_id])
    return derived({**task, "coordinating_unit_ids": coordinators[task_id]}, today or local_date(utcnow()))


def _filtered(query: Query, plan_id: int, flt: TaskFilter) -> Query:
    query = query.where(Task.plan == plan_id)
    if flt.area:
        query = query.where(Task.area == flt.area)
    if flt.lead_unit_id is not None:
        query = query.where(Task.lead_unit == flt.lead_unit_id)
    if flt.status:
        query = query.where(Task.status == flt.status)
    if flt.due_before:
        query = query.where(Task.deadline <= flt.due_before)
    if flt.due_after:
        query = query.where(Task.deadline >= flt.due_after)
    if flt.overdue is not None:
        query = query.where(overdue_where(flt.today, flt.overdue))
    if flt.q:
        query = query.where(contains(Task.search_text, fold(flt.q)))
    return query


async def list_tasks(plan_id: int, flt: TaskFilter, page: PageRequest) -> tuple[list[dict], int]:
    query = apply_sort(_filtered(Task.select(*TASK_COLUMNS), plan_id, flt), page.sort, SORT_KEYS, ["code"])
    rows = await query.limit(page.limit).offset(page.offset)
    coordinators = await _coordinators([row["id"] for row in rows])
    items = [derived({**row, "coordinating_unit_ids": coordinators[row["id"]]}, flt.today) for row in rows]
    return items, await _filtered(Task.count(), plan_id, flt)


async def task_history(task_id: int) -> list[dict]:
    await load_task(task_id)
    events = (
        await TaskEvent.select(
            TaskEvent.id,
            TaskEvent.kind,
            TaskEvent.actor,
            TaskEvent.actor.username.as_alias("actor_username"),
            TaskEvent.actor.full_name.as_alias("actor_name"),
            TaskEvent.changed_at,
            TaskEvent.version,
            TaskEvent.old_status,
            TaskEvent.status.as_alias("new_status"),
            TaskEvent.old_progress,
            TaskEvent.progress.as_alias("new_progress"),
            TaskEvent.changed_fields,
            TaskEvent.note,
            TaskEvent.completed_on,
        )
        .where(TaskEvent.task == task_id)
        .order_by(TaskEvent.version)
        .output(load_json=True)
    )
    evidence = await Evidence.select(
        Evidence.id, Evidence.event, Evidence.filename, Evidence.content_type, Evidence.size
    ).where((Evidence.task == task_id) & Evidence.event.is_not_null())
    by_event: dict[int, list[dict]] = {}
    for item in evidence:
        by_event.setdefault(item.pop("event"), []).append(item)
    return [{**event, "evidence": by_event.get(event["id"], [])} for event in events]


# --- writes ---------------------------------------------------------------------------------


async def _append_event(
    task_id: int,
    plan_id: int,
    state: dict,
    *,
    kind: TaskEventKind,
    actor: Principal | None,
    now: datetime,
    old: dict | None,
    changed_fields: list[str],
    note: str = "",
) -> int:
    snapshot = {name: state[name] for name in SNAPSHOT_FIELDS}
    event = TaskEvent(
        task=task_id,
        plan=plan_id,
        kind=kind.value,
        actor=actor.account_id if actor else None,
        changed_at=now,
        version=state["version"],
        old_status=old["status"] if old else None,
        old_progress=old["progress"] if old else None,
        changed_fields=changed_fields,
        note=note,
        **snapshot,
    )
    rows = await TaskEvent.insert(event).returning(TaskEvent.id)
    return rows[0]["id"]


async def create_task(
    actor: Principal, plan_id: int, data: TaskDefinition, now: datetime | None = None
) -> dict:
    actor.require(Action.MANAGE_PLANS)
    return await create_task_unchecked(plan_id, data, actor=actor, now=now)


async def create_task_unchecked(
    plan_id: int, data: TaskDefinition, *, actor: Principal | None, now: datetime | None = None
) -> dict:
    now = now or utcnow()
    plan = await Plan.select(Plan.id, Plan.year).where(Plan.id == plan_id).first()
    if plan is None:
        raise NotFound(f"plan {plan_id} not found", "Không tìm thấy kế hoạch này.")
    values, coordinators = await _validate_definition(plan, data)
    async with write_transaction(Task._meta.db):
        await _ensure_code_free(plan_id, values["code"])
        state = {
            **values,
            "status": TaskStatus.NOT_STARTED.value,
            "progress": 0,
            "completed_on": None,
            "version": 1,
        }
        task = Task(plan=plan_id, note="", created_at=now, updated_at=now, **state)
        task_id = (await Task.insert(task).returning(Task.id))[0]["id"]
        await _set_coordinators(task_id, coordinators)
        await _append_event(
            task_id,
            plan_id,
            state,
            kind=TaskEventKind.CREATED,
            actor=actor,
            now=now,
            old=None,
            changed_fields=sorted(SNAPSHOT_FIELDS),
        )
    return await get_task(task_id, local_date(now))


async def _ensure_code_free(plan_id: int, code: str) -> None:
    if await Task.exists().where((Task.plan == plan_id) & (Task.code == code)):
        raise Conflict(
            f"task code {code!r} exists in this plan",
            [FieldError("code", "already used in this plan", "Mã nhiệm vụ đã có trong kế hoạch.")],
        )


async def _set_coordinators(task_id: int, unit_ids: list[int]) -> None:
    await TaskCoordinator.delete().where(TaskCoordinator.task == task_id)
    if unit_ids:
        await TaskCoordinator.insert(*[TaskCoordinator(task=task_id, unit=u) for u in unit_ids])


async def _compare_and_set(task_id: int, current: dict, changes: dict) -> bool:
    new_version = current["version"] + 1
    updated = (
        await Task.update({**changes, "version": new_version})
        .where((Task.id == task_id) & (Task.version == current["version"]))
        .returning(Task.id)
    )
    return bool(updated)


async def _change_with_event(
    current: dict,
    changes: dict,
    new_state: dict,
    *,
    kind: TaskEventKind,
    actor: Principal,
    now: datetime,
    changed_fields: list[str],
    note: str = "",
) -> int | None:
    """Write ``changes`` with a compare-and-set and append the history entry of the new state;
    the entry's id, or None when a concurrent writer got in first (nothing written)."""
    if not await _compare_and_set(current["id"], current, changes):
        return None
    return await _append_event(
        current["id"],
        current["plan"],
        {**current, **new_state, "version": current["version"] + 1},
        kind=kind,
        actor=actor,
        now=now,
        old=current,
        changed_fields=changed_fields,
        note=note,
    )


async def _write_until_applied(
    task_id: int,
    expected_version: int | None,
    write: Callable[[dict], Awaitable[bool]],
    check: Callable[[dict], None] = lambda current: None,
) -> None:
    """Run ``write(current task)`` in a write transaction until it is applied.

    ``write`` validates, then changes the task with ``_compare_and_set`` and returns False when
    a concurrent writer got in first. A caller who named the version they edited then gets
    StaleVersion; one who did not is retried on the fresh state, up to CAS_ATTEMPTS times.
    ``check`` (a permission check on the current task) runs before the version check.
    """
    for _ in range(CAS_ATTEMPTS):
        async with write_transaction(Task._meta.db):
            await one_writer_at_a_time(Task, f"task:{task_id}")
            current = await load_task(task_id)
            check(current)
            if expected_version is not None and expected_version != current["version"]:
                raise StaleVersion(current["version"])
            if await write(current):
                return
            if expected_version is not None:
                raise StaleVersion(current["version"] + 1)
    raise Conflict("the task is being changed by many people at once; try again")


async def report_progress(
    actor: Principal,
    task_id: int,
    report: ProgressReport,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
    kind: TaskEventKind = TaskEventKind.PROGRESS,
) -> dict:
    """Record a status/progress update (with note and staged evidence) as one history entry."""
    now = now or utcnow()
    today = local_date(now)

    async def write(current: dict) -> bool:
        new = _apply_report(current, report, actor, today, await _report_context(current))
        changed = [name for name, value in new.items() if value != current[name]]
        if not changed and not report.note.strip() and not report.evidence_ids:
            raise InvalidInput.field("status", "nothing to change", "Không có thay đổi nào để cập nhật.")
        await _check_staged_evidence(actor, task_id, report.evidence_ids)
        # the task's note is its latest update's, none when that update had none
        changes = {**new, "updated_at": now, "note": nfc(report.note)}
        event_id = await _change_with_event(
            current,
            changes,
            new,
            kind=kind,
            actor=actor,
            now=now,
            changed_fields=changed,
            note=nfc(report.note),
        )
        if event_id is None:
            return False
        if report.evidence_ids:
            await Evidence.update({Evidence.event: event_id}).where(
                Evidence.id.is_in(list(report.evidence_ids))
            )
        return True

    await _write_until_applied(
        task_id, expected_version, write, lambda current: check_can_report(actor, current)
    )
    return await get_task(task_id, today)


async def _check_staged_evidence(actor: Principal, task_id: int, evidence_ids: tuple[int, ...]) -> None:
    if not evidence_ids:
        return
    rows = await Evidence.select(Evidence.id).where(
        Evidence.id.is_in(list(evidence_ids))
        & (Evidence.task == task_id)
        & (Evidence.uploaded_by == actor.account_id)
        & Evidence.event.is_null()
    )
    if len(rows) != len(set(evidence_ids)):
        raise InvalidInput.field(
            "evidence_ids",
            "each must be a file you uploaded to this task and not yet attached",
            "Tệp minh chứng không hợp lệ hoặc đã được sử dụng.",
        )


async def edit_task(
    actor: Principal,
    task_id: int,
    changes: dict,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
    kind: TaskEventKind = TaskEventKind.EDITED,
) -> dict:
    """Change a task's definition (code, area, title, deadline, lead unit ...)."""
    actor.require(Action.MANAGE_PLANS)
    now = now or utcnow()

    async def write(current: dict) -> bool:
        coordinators = (await _coordinators([task_id]))[task_id]
        plan = await Plan.select(Plan.id, Plan.year).where(Plan.id == current["plan"]).first()
        merged = {
            "code": current["code"],
            "area": current["area"],
            "title": current["title"],
            "expected_output": current["expected_output"],
            "lead_unit_id": current["lead_unit"],
            "coordinating_unit_ids": tuple(coordinators),
            "deadline": current["deadline"],
            "ongoing": current["ongoing"],
            "weight": current["weight"],
        }
        merged.update({k: v for k, v in changes.items() if k in DEFINITION_FIELDS})
        if "deadline" in changes and "ongoing" not in changes:
            merged["ongoing"] = False
        merged["coordinating_unit_ids"] = tuple(merged["coordinating_unit_ids"])
        values, new_coordinators = await _validate_definition(
            plan, TaskDefinition(**merged), current["lead_unit"], frozenset(coordinators)
        )
        if values["code"] != current["code"]:
            await _ensure_code_free(current["plan"], values["code"])
        changed = [k for k, v in values.items() if k != "search_text" and v != current[k]]
        if new_coordinators != coordinators:
            changed.append("coordinating_unit_ids")
        if not changed:
            return True
        update = {**values, "updated_at": now}
        event_id = await _change_with_event(
            current, update, values, kind=kind, actor=actor, now=now, changed_fields=changed
        )
        if event_id is None:
            return False
        await _set_coordinators(task_id, new_coordinators)
        return True

    await _write_until_applied(task_id, expected_version, write)
    return await get_task(task_id, local_date(now))
