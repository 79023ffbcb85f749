"""A unit's tasks, a task's detail with its history and evidence, and the progress report form.

The form posts to the same domain calls as POST /api/tasks/{id}/evidence and /updates: the
unit check (tasks.check_can_report), the rules of a report (tasks.report_progress) and the
version check. It comes back on the page it was sent from ("my tasks" or the task's page),
with every error summarised at the top and beside its field, what was typed kept. A report
made against an older version (someone else updated first) is not applied and not lost: the
form comes back with what was typed, the file already uploaded, and what the other person
changed. The same report sent twice (a double click) is recognised and shown as done.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from api.security import Caller
from api.web.common import choose_plan, page, see_other, viewer_for
from api.web.forms import (
    FormSpec,
    Submission,
    choice_field,
    date_field,
    text_field,
    upload_field,
    whole_field,
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

MY_TASKS = "my-tasks"
REPORT_FORM = FormSpec(
    choice_field("status", TaskStatus, "Trạng thái không hợp lệ."),
    whole_field("progress", "Tiến độ phải là số nguyên từ 0 đến 100.", low=0, high=100),
    date_field("completed_on"),
    text_field("note", "Ghi chú", max_length=rules.MAX_NOTE),
    upload_field("file"),
    whole_field("version", "Phiên bản không hợp lệ; hãy tải lại trang.", low=1),
)
# Domain field names -> the form's fields (a staged file is the form's file input).
FORM_FIELDS = {"evidence_ids": "file", "If-Match": "version"}
PROGRESS_REQUIRED = "Nhập tiến độ (số nguyên từ 0 đến 100)."


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


@dataclass
class ReportForm:
    """A task's report form as drawn: the submission (blank or as sent), the statuses offered,
    files already uploaded, and what someone else changed meanwhile (``stale``)."""

    task: dict
    submission: Submission
    choices: list[TaskStatus]
    evidence: list[dict] = field(default_factory=list)
    stale: list[dict] | None = None

    @property
    def errors(self):
        return self.submission.errors


def report_form(principal: Principal, task: dict) -> ReportForm | None:
    """The blank form for a task, or None when the caller may not report on it."""
    if not may_report(principal, task):
        return None
    blank = REPORT_FORM.blank(status=task["status"], progress=task["progress"], version=task["version"])
    return ReportForm(task, blank, status_choices(principal, task))


def latest_update(history: list[dict]) -> dict | None:
    """The task's latest progress update (oldest-first ``history``), None before the first: the
    page shows its note and day as the latest note ("—" when it had none), never an older
    update's note after a completion sent without one."""
    return next((event for event in reversed(history) if event["kind"] in tasks.PROGRESS_KINDS), None)


async def task_page(
    principal: Principal,
    task_id: int,
    *,
    sent: ReportForm | None = None,
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
        latest=latest_update(history),
        evidence_count=sum(len(event["evidence"]) for event in history),
        coordinators=coordinators,
        form=sent or report_form(principal, task),
        updated=updated,
        lead_unit_name=task["lead_unit_name"],
    )


async def my_tasks_page(
    principal: Principal,
    plan_id: int | None = None,
    *,
    updated: int | None = None,
    sent: ReportForm | None = None,
    status_code: int = 200,
) -> Template:
    principal.require(Action.READ)
    me = await viewer_for(principal)
    plan, all_plans = await choose_plan(plan_id if sent is None else sent.task["plan"])
    rows: list[dict] = []
    if plan is not None and me.unit_id is not None:
        rows, _ = await tasks.list_tasks(
            plan["id"], tasks.TaskFilter(lead_unit_id=me.unit_id), PageRequest(500, 0, "deadline,code")
        )
        rows.sort(key=lambda t: (not t["overdue"], t["status"] in rules.CLOSED, t["deadline"], t["code"]))
    forms = {row["id"]: report_form(principal, row) for row in rows}
    if sent is not None:
        forms[sent.task["id"]] = sent
    return page(
        "my_tasks.html",
        me,
        status_code=status_code,
        plan=plan,
        plans=all_plans,
        tasks=rows,
        forms=forms,
        sent=sent,
        updated=updated,
        overdue_count=sum(1 for row in rows if row["overdue"]),
    )


async def _stage_file(
    principal: Principal, task_id: int, upload: UploadFile, sent: Submission
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
        sent.add_error("file", f"Tệp quá lớn; tối đa {limit // (1024 * 1024)} MB.")
    except UnsupportedMediaType:
        sent.add_error("file", "Tệp minh chứng phải là PDF, DOCX, XLSX, PNG hoặc JPEG.")
    except (InvalidInput, Conflict) as exc:  # Conflict: the staged-file quota
        sent.add_error("file", exc.errors[0].message if exc.errors else "Tệp không hợp lệ.")
    return None


async def _staged(evidence_ids: list[int]) -> list[dict]:
    found = []
    for evidence_id in dict.fromkeys(evidence_ids):
        try:
            found.append(await evidence.get_evidence(evidence_id))
        except NotFound:
            continue
    return found


async def _changes_since(task_id: int, version: int) -> list[dict]:
    return [event for event in await tasks.task_history(task_id) if event["version"] > version]


def _is_replay(principal: Principal, changes: list[dict], sent: Submission) -> bool:
    """The one change since the form's version is this person's own, with what this form says:
    the same report sent twice (a double click, a resent form)."""
    if len(changes) != 1 or changes[0]["actor"] != principal.account_id:
        return False
    event = changes[0]
    same_status = sent["status"] in (None, event["new_status"])
    # Completing sets the progress to 100 whatever the form said.
    same_progress = (
        sent["progress"] in (None, event["new_progress"]) or sent["status"] == TaskStatus.COMPLETED
    )
    return same_status and same_progress and (event["note"] or "") == (sent["note"] or "")


def _done(task_id: int, return_to: str) -> Response:
    if return_to == MY_TASKS:
        return see_other(f"/my-tasks?updated={task_id}#task-{task_id}")
    return see_other(f"/tasks/{task_id}?updated=true#cap-nhat")


class TaskPagesController(Controller):
    path = "/"

    @get("/my-tasks", name="web:my-tasks")
    async def my_tasks(
        self, principal: Caller, plan_id: FromQuery[int | None] = None, updated: FromQuery[int | None] = None
    ) -> Template:
        return await my_tasks_page(principal, plan_id, updated=updated)

    @get("/tasks/{task_id:int}", name="web:task")
    async def task_detail(
        self, principal: Caller, task_id: FromPath[int], updated: FromQuery[bool] = False
    ) -> Template:
        return await task_page(principal, task_id, updated=updated)

    @post("/tasks/{task_id:int}/updates", status_code=303)
    async def report(self, principal: Caller, request: Request, task_id: FromPath[int]) -> Response:
        data = await request.form()
        task = await tasks.get_task(task_id)
        tasks.check_can_report(principal, task)  # another unit's head, or a viewer: 403 page
        sent = REPORT_FORM.read(data)
        if not sent.typed["progress"] and (sent["status"] or task["status"]) != TaskStatus.COMPLETED:
            # a cleared box is not "keep the progress as it was" (which said "nothing to change")
            sent.add_error("progress", PROGRESS_REQUIRED)
        return_to = MY_TASKS if data.get("return_to") == MY_TASKS else "task"
        version = sent["version"] or task["version"]
        changes = await _changes_since(task_id, version) if version < task["version"] else []
        if sent.ok and _is_replay(principal, changes, sent):
            return _done(task_id, return_to)
        evidence_ids = [
            n for v in data.getall("evidence_ids", []) if isinstance(v, str) and (n := strict_int(v))
        ]
        upload = data.get("file")
        if isinstance(upload, UploadFile) and (staged := await _stage_file(principal, task_id, upload, sent)):
            evidence_ids.append(staged["id"])
        form = ReportForm(task, sent, status_choices(principal, task), await _staged(evidence_ids))
        report = tasks.ProgressReport(
            sent["status"], sent["progress"], sent["note"] or "", sent["completed_on"], tuple(evidence_ids)
        )
        status_code = 422
        try:
            # The domain's errors join the form's, all at once (a field the form could not read
            # stays as it was): a future completion date was refused only on a second send. A
            # form of an older version is first told what changed since (StaleVersion).
            if not changes:
                sent.add_problems(await tasks.report_problems(principal, task, report), FORM_FIELDS)
            if sent.ok:
                await tasks.report_progress(principal, task_id, report, expected_version=sent["version"])
                return _done(task_id, return_to)
        except StaleVersion as exc:
            form.stale = await _changes_since(task_id, version)
            sent.typed["version"] = str(exc.current_version)
            status_code = 409
        except InvalidInput as exc:
            sent.add_problems(exc.errors, FORM_FIELDS)
        except PermissionDenied:
            # The unit check passed above, so this is re-opening, cancelling or re-dating a task.
            sent.add_error("status", "Chỉ Sở Nội vụ mới được mở lại hoặc dừng một nhiệm vụ đã hoàn thành.")
            status_code = 403
        if return_to == MY_TASKS:
            return await my_tasks_page(principal, sent=form, status_code=status_code)
        return await task_page(principal, task_id, sent=form, status_code=status_code)
