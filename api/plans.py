"""Plans, their task lists, progress summaries, change reviews and file import/export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody, Parameter

from api.common import IfMatch, convert, convert_all, etag, given_fields, parse_if_match
from api.paging import Page
from api.security import SECURITY, Caller
from api.tasks import TaskOut, task_response
from core.paging import PageRequest
from models.permissions import Action
from models.plans import files as plan_files
from models.plans import plans, tasks
from models.plans import progress as summary

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
DocNumber = Annotated[str, msgspec.Meta(max_length=64)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]


class PlanOut(msgspec.Struct):
    id: int
    year: int
    title: str
    doc_number: str
    doc_date: date | None
    status: str
    progress_method: str
    manual_progress: float | None
    version: int
    created_at: datetime


class PlanIn(msgspec.Struct, forbid_unknown_fields=True):
    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    title: Title
    doc_number: DocNumber = ""
    doc_date: date | None = None
    status: str = "draft"
    progress_method: str = "task_count"
    manual_progress: Percent | None = None


class PlanPatch(msgspec.Struct, forbid_unknown_fields=True):
    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)] | msgspec.UnsetType = msgspec.UNSET
    title: Title | msgspec.UnsetType = msgspec.UNSET
    doc_number: DocNumber | msgspec.UnsetType = msgspec.UNSET
    doc_date: date | msgspec.UnsetType | None = msgspec.UNSET
    status: str | msgspec.UnsetType = msgspec.UNSET
    progress_method: str | msgspec.UnsetType = msgspec.UNSET
    manual_progress: Percent | msgspec.UnsetType | None = msgspec.UNSET


class TaskIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    area: str
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    lead_unit_id: int
    expected_output: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    coordinating_unit_ids: list[int] = []
    deadline: date | None = None
    ongoing: bool = False
    weight: Annotated[float, msgspec.Meta(gt=0, le=1000)] = 1.0


class Tally(msgspec.Struct):
    total: int
    completed: int
    completed_on_time: int
    completed_late: int
    in_progress: int
    not_started: int
    cancelled: int
    overdue: int
    percent: float
    label: str


class AreaTally(Tally):
    area: str
    area_label: str


class UnitTally(Tally):
    unit_id: FromPath[int]
    unit_code: str
    unit_name: str


class SummaryOut(Tally):
    plan_id: FromPath[int]
    as_of: date
    progress_method: str
    by_area: list[AreaTally]
    by_lead_unit: list[UnitTally]


class ChangeOut(msgspec.Struct):
    task_id: FromPath[int]
    code: str
    title: str
    change: str
    fields: dict[str, Any]
    last_changed_at: Any


class ImportOut(msgspec.Struct):
    created: int
    updated: int
    unchanged: int


@dataclass
class PlanUpload:
    file: UploadFile


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class PlanController(Controller):
    path = "/api/plans"
    tags = ["plans"]
    security = SECURITY

    @get("/")
    async def list_plans(
        self,
        principal: Caller,
        year: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
        sort: Annotated[str, Parameter(max_length=200)] = "",
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page[PlanOut]:
        principal.require(Action.READ)
        rows, total = await plans.list_plans(year, status, PageRequest(limit, offset, sort))
        return Page(convert_all(rows, PlanOut), total, limit, offset)

    @post("/")
    async def create_plan(self, principal: Caller, data: JSONBody[PlanIn]) -> Response[PlanOut]:
        row = await plans.create_plan(principal, plans.PlanData(**msgspec.structs.asdict(data)))
        return Response(convert(row, PlanOut), status_code=201, headers={"ETag": etag(row["version"])})

    @get("/{plan_id:int}")
    async def get_plan(self, principal: Caller, plan_id: FromPath[int]) -> Response[PlanOut]:
        principal.require(Action.READ)
        row = await plans.get_plan(plan_id)
        return Response(convert(row, PlanOut), headers={"ETag": etag(row["version"])})

    @patch("/{plan_id:int}")
    async def update_plan(
        self, principal: Caller, plan_id: FromPath[int], data: JSONBody[PlanPatch], if_match: IfMatch = None
    ) -> Response[PlanOut]:
        row = await plans.update_plan(principal, plan_id, given_fields(data), parse_if_match(if_match))
        return Response(convert(row, PlanOut), headers={"ETag": etag(row["version"])})

    @get("/{plan_id:int}/tasks")
    async def list_tasks(
        self,
        principal: Caller,
        plan_id: FromPath[int],
        area: FromQuery[str | None] = None,
        lead_unit_id: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
        overdue: FromQuery[bool | None] = None,
        due_before: FromQuery[date | None] = None,
        due_after: FromQuery[date | None] = None,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        sort: Annotated[str, Parameter(max_length=200)] = "",
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page[TaskOut]:
        principal.require(Action.READ)
        await plans.get_plan(plan_id)
        flt = tasks.TaskFilter(area, lead_unit_id, status, overdue, due_before, due_after, q)
        rows, total = await tasks.list_tasks(plan_id, flt, PageRequest(limit, offset, sort))
        return Page(convert_all(rows, TaskOut), total, limit, offset)

    @post("/{plan_id:int}/tasks")
    async def create_task(
        self, principal: Caller, plan_id: FromPath[int], data: JSONBody[TaskIn]
    ) -> Response[TaskOut]:
        fields = msgspec.structs.asdict(data)
        fields["coordinating_unit_ids"] = tuple(fields["coordinating_unit_ids"])
        task = await tasks.create_task(principal, plan_id, tasks.TaskDefinition(**fields))
        return task_response(task, 201)

    @get("/{plan_id:int}/summary", summary="Progress totals, as of a date when given")
    async def get_summary(
        self, principal: Caller, plan_id: FromPath[int], as_of: FromQuery[date | None] = None
    ) -> SummaryOut:
        principal.require(Action.READ)
        return convert(await summary.plan_summary(plan_id, as_of), SummaryOut)

    @get("/{plan_id:int}/changes", summary="Tasks added, cancelled or changed since a date")
    async def get_changes(
        self, principal: Caller, plan_id: FromPath[int], since: FromQuery[date]
    ) -> list[ChangeOut]:
        principal.require(Action.READ)
        return convert_all(await summary.plan_changes(plan_id, since), ChangeOut)

    @post("/{plan_id:int}/import", status_code=200, summary="Import or update tasks from XLSX or CSV")
    async def import_tasks(
        self,
        principal: Caller,
        plan_id: FromPath[int],
        data: MultipartBody[PlanUpload],
    ) -> ImportOut:
        principal.require(Action.MANAGE_PLANS)
        content = await data.file.read()
        result = await plan_files.import_plan_file(principal, plan_id, data.file.filename or "", content)
        return ImportOut(result.created, result.updated, result.unchanged)

    @get(
        "/{plan_id:int}/export",
        summary="The task list in the import format",
        opt={"media_types": list(EXPORT_TYPES.values())},
    )
    async def export_tasks(
        self,
        principal: Caller,
        plan_id: FromPath[int],
        format: FromQuery[Literal["xlsx", "csv"]] = "xlsx",
        area: FromQuery[str | None] = None,
        lead_unit_id: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
        overdue: FromQuery[bool | None] = None,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        sort: Annotated[str, Parameter(max_length=200)] = "code",
    ) -> Response[bytes]:
        """The tasks the filters keep (the plan page's filters), all of them without any."""
        principal.require(Action.READ)
        flt = tasks.TaskFilter(area=area, lead_unit_id=lead_unit_id, status=status, overdue=overdue, q=q)
        content = await plan_files.export_plan_file(plan_id, format, flt, sort)
        plan = await plans.get_plan(plan_id)
        filename = f"ke-hoach-{plan['year']}-nhiem-vu.{format}"
        return Response(
            content,
            media_type=EXPORT_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
