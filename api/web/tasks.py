"""A unit's tasks, a task's detail with its history and evidence, and the progress report form.

The form posts to the same domain calls as POST /api/tasks/{id}/evidence and /updates: the
unit check (tasks.check_can_report), the rules of a report (tasks.report_progress) and the
version check. A report made against an older version than the stored one (someone else
updated first) is not applied and not lost: the form comes back with what was typed, the file
already uploaded, and what the other person changed.
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from api.security import Caller
from api.web.common import (
    FormErrors,
    choose_plan,
    page,
    parse_date_field,
    parse_int,
    see_other,
    text,
    viewer_for,
)
from core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    StaleVersion,
    UnsupportedMediaType,
)
from core.paging import PageRequest
from core.settings import get_settings
from core.text import strict_int
from models.permissions import Action, Principal
from models.plans import evidence, plans, rules, tasks
from models.units import service as units
from models.vocabulary import TaskStatus

# Domain field names -> the form's fields (a staged file is the form's file input).
FORM_FIELDS = {"evidence_ids": "file", "If-Match": "version"}


def may_report(principal: Principal, task: dict) -> bool:
    try:
        tasks.check_can_report(principal, task)
    except PermissionDenied:
        return False
    return True


def status_choices(principal: Principal, task: dict) -> list[TaskStatus]:
    """The statuses the form offers: staff may set any; others cannot re-open or cancel."""
    if principal.can(Action.REOPEN_TASK):
        return list(TaskStatus)
    if task["status"] in rules.CLOSED:
        return [TaskStatus(task["status"])]
    return [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED]


def blank_form(task: dict) -> dict:
    return {
        "status": task["status"],
        "progress": str(task["progress"]),
        "note": "",
        "completed_on": "",
        "version": task["version"],
        "evidence": [],
    }


def form_view(principal: Principal, task: dict, state: dict | None = None) -> dict | None:
    """What the template needs to draw a task's report form, or None when the caller may not
    report on it."""
    if not may_report(principal, task):
        return None
    return {"state": state or blank_form(task), "choices": status_choices(principal, task)}


async def task_page(
    principal: Principal,
    task_id: int,
    *,
    state: dict | None = None,
    errors: FormErrors | None = None,
    stale: list[dict] | None = None,
    return_to: str = "task",
    updated: bool = False,
    status_code: int = 200,
) -> Template:
    principal.require(Action.READ)
    me = await viewer_for(principal)
    task = await tasks.get_task(task_id)
    history = await tasks.task_history(task_id)
    coordinators = [await units.get_unit(unit_id) for unit_id in task["coordinating_unit_ids"]]
    return page(
        "task_detail.html",
        me,
        status_code=status_code,
        task=task,
        plan=await plans.get_plan(task["plan"]),
        history=list(reversed(history)),
        evidence_count=sum(len(event["evidence"]) for event in history),
        coordinators=coordinators,
        form=form_view(principal, task, state),
        errors=errors or FormErrors(),
        stale=stale,
        return_to=return_to,
        updated=updated,
        lead_unit_name=task["lead_unit_name"],
    )


async def _stage_file(
    principal: Principal, task_id: int, upload: UploadFile, errors: FormErrors
) -> dict | None:
    """Upload the chosen file as staged evidence (kept even if the rest of the form is wrong)."""
    limit = get_settings().evidence_max_bytes
    content = await upload.read(limit + 1)
    if not content and not upload.filename:
        return None
    try:
        if len(content) > limit:
            raise PayloadTooLarge("too large")
        return await evidence.upload_evidence(principal, task_id, upload.filename or "", content)
    except PayloadTooLarge:
        errors.add("file", f"Tệp quá lớn; tối đa {limit // (1024 * 1024)} MB.")
    except UnsupportedMediaType:
        errors.add("file", "Tệp minh chứng phải là PDF, DOCX, XLSX, PNG hoặc JPEG.")
    except (InvalidInput, Conflict) as exc:  # Conflict: the staged-file quota
        errors.add_domain(exc.errors)
    return None


async def _staged(evidence_ids: list[int]) -> list[dict]:
    found = []
    for evidence_id in dict.fromkeys(evidence_ids):
        try:
            found.append(await evidence.get_evidence(evidence_id))
        except NotFound:
            continue
    return found


class TaskPagesController(Controller):
    path = "/"

    @get("/my-tasks", name="web:my-tasks")
    async def my_tasks(
        self, principal: Caller, plan_id: FromQuery[int | None] = None, updated: FromQuery[int | None] = None
    ) -> Template:
        principal.require(Action.READ)
        me = await viewer_for(principal)
        plan, all_plans = await choose_plan(plan_id)
        rows: list[dict] = []
        if plan is not None and me.unit_id is not None:
            rows, _ = await tasks.list_tasks(
                plan["id"], tasks.TaskFilter(lead_unit_id=me.unit_id), PageRequest(500, 0, "deadline,code")
            )
            rows.sort(key=lambda t: (not t["overdue"], t["status"] in rules.CLOSED, t["deadline"], t["code"]))
        return page(
            "my_tasks.html",
            me,
            plan=plan,
            plans=all_plans,
            tasks=rows,
            forms={row["id"]: form_view(principal, row) for row in rows},
            updated=next((row for row in rows if row["id"] == updated), None),
            overdue_count=sum(1 for row in rows if row["overdue"]),
            errors=FormErrors(),
        )

    @get("/tasks/{task_id:int}", name="web:task")
    async def task_detail(
        self, principal: Caller, task_id: FromPath[int], updated: FromQuery[bool] = False
    ) -> Template:
        return await task_page(principal, task_id, updated=updated)

    @post("/tasks/{task_id:int}/updates", status_code=303)
    async def report(self, principal: Caller, request: Request, task_id: FromPath[int]) -> Response:
        form = await request.form()
        task = await tasks.get_task(task_id)
        tasks.check_can_report(principal, task)  # another unit's head, or a viewer: 403 page
        errors = FormErrors()
        status = text(form, "status", 32) or None
        if status is not None and status not in set(TaskStatus):
            errors.add("status", "Trạng thái không hợp lệ.")
        progress = parse_int(
            form, "progress", errors, "Tiến độ phải là số nguyên từ 0 đến 100.", low=0, high=100
        )
        raw_note = form.get("note") if isinstance(form.get("note"), str) else ""
        if len(raw_note.strip()) > rules.MAX_NOTE:
            errors.add("note", "Ghi chú tối đa 4.000 ký tự.")
        note = raw_note.strip()[: rules.MAX_NOTE]
        completed_on = parse_date_field(form, "completed_on", errors)
        version = parse_int(form, "version", errors, "Phiên bản không hợp lệ; hãy tải lại trang.", low=1)
        return_to = "my-tasks" if text(form, "return_to", 16) == "my-tasks" else "task"
        evidence_ids = [
            n for v in form.getall("evidence_ids", []) if isinstance(v, str) and (n := strict_int(v))
        ]
        upload = form.get("file")
        if isinstance(upload, UploadFile):
            staged = await _stage_file(principal, task_id, upload, errors)
            if staged is not None:
                evidence_ids.append(staged["id"])
        state = {
            "status": status or task["status"],
            "progress": text(form, "progress", 32),
            "note": note,
            "completed_on": text(form, "completed_on", 32),
            "version": version or task["version"],
            "evidence": await _staged(evidence_ids),
        }
        stale = None
        status_code = 422
        if not errors:
            report = tasks.ProgressReport(status, progress, note, completed_on, tuple(evidence_ids))
            try:
                await tasks.report_progress(principal, task_id, report, expected_version=version)
            except StaleVersion as exc:
                history = await tasks.task_history(task_id)
                stale = [event for event in history if event["version"] > (version or 0)]
                state["version"] = exc.current_version
                status_code = 409
            except InvalidInput as exc:
                errors.add_domain(exc.errors, FORM_FIELDS)
            except PermissionDenied:
                # The unit check passed above, so this is re-opening or cancelling a task.
                errors.add("status", "Chỉ Sở Nội vụ mới được mở lại hoặc dừng một nhiệm vụ đã hoàn thành.")
                status_code = 403
            else:
                if return_to == "my-tasks":
                    return see_other(f"/my-tasks?updated={task_id}#task-{task_id}")
                return see_other(f"/tasks/{task_id}?updated=true")
        return await task_page(
            principal,
            task_id,
            state=state,
            errors=errors,
            stale=stale,
            return_to=return_to,
            status_code=status_code,
        )
