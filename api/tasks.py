"""Tasks: read, edit the definition, report progress, history and evidence files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, JSONBody, MultipartBody
from litestar.response import File

from api.common import IfMatch, convert, etag, given_fields, parse_if_match
from api.security import SECURITY, Caller
from core.errors import PayloadTooLarge
from core.settings import get_settings
from models.permissions import Action
from models.plans import evidence, tasks
from models.plans.rules import MAX_NOTE

Note = Annotated[str, msgspec.Meta(max_length=MAX_NOTE)]


class TaskOut(msgspec.Struct):
    id: int
    plan: int
    code: str
    area: str
    title: str
    expected_output: str
    lead_unit: int
    lead_unit_code: str
    lead_unit_name: str
    coordinating_unit_ids: list[int]
    deadline: date
    ongoing: bool
    status: str
    progress: int
    weight: float
    completed_on: date | None
    note: str
    version: int
    overdue: bool
    timeliness: str | None
    created_at: datetime
    updated_at: datetime


class TaskPatch(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] | msgspec.UnsetType = msgspec.UNSET
    area: str | msgspec.UnsetType = msgspec.UNSET
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)] | msgspec.UnsetType = msgspec.UNSET
    expected_output: Annotated[str, msgspec.Meta(max_length=2000)] | msgspec.UnsetType = msgspec.UNSET
    lead_unit_id: int | msgspec.UnsetType = msgspec.UNSET
    coordinating_unit_ids: list[int] | msgspec.UnsetType = msgspec.UNSET
    deadline: date | msgspec.UnsetType = msgspec.UNSET
    ongoing: bool | msgspec.UnsetType = msgspec.UNSET
    weight: float | msgspec.UnsetType = msgspec.UNSET


class ProgressIn(msgspec.Struct, forbid_unknown_fields=True):
    status: str | None = None
    progress: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    note: Note = ""
    completed_on: date | None = None
    evidence_ids: list[int] = []
    version: int | None = None


class EvidenceOut(msgspec.Struct):
    id: int
    filename: str
    content_type: str
    size: int


class EventOut(msgspec.Struct):
    id: int
    kind: str
    actor: int | None
    actor_username: str | None
    actor_name: str | None
    changed_at: datetime
    version: int
    old_status: str | None
    new_status: str
    old_progress: int | None
    new_progress: int
    changed_fields: Any
    note: str
    completed_on: date | None
    evidence: list[EvidenceOut]


class StagedEvidenceOut(msgspec.Struct):
    id: int
    task: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


@dataclass
class EvidenceUpload:
    file: UploadFile


def task_response(task: dict, status_code: int = 200) -> Response[TaskOut]:
    return Response(convert(task, TaskOut), headers={"ETag": etag(task["version"])}, status_code=status_code)


class TaskController(Controller):
    path = "/api/tasks/{task_id:int}"
    tags = ["tasks"]
    security = SECURITY

    @get("/")
    async def get_task(self, principal: Caller, task_id: FromPath[int]) -> Response[TaskOut]:
        principal.require(Action.READ)
        return task_response(await tasks.get_task(task_id))

    @patch("/", summary="Change the task's definition (home-affairs staff)")
    async def edit_task(
        self, principal: Caller, task_id: FromPath[int], data: JSONBody[TaskPatch], if_match: IfMatch = None
    ) -> Response[TaskOut]:
        changes = given_fields(data)
        if "coordinating_unit_ids" in changes:
            changes["coordinating_unit_ids"] = tuple(changes["coordinating_unit_ids"])
        task = await tasks.edit_task(principal, task_id, changes, expected_version=parse_if_match(if_match))
        return task_response(task)

    @get("/updates", summary="The task's full history, oldest first")
    async def history(self, principal: Caller, task_id: FromPath[int]) -> list[EventOut]:
        principal.require(Action.READ)
        return [convert(event, EventOut) for event in await tasks.task_history(task_id)]

    @post("/updates", summary="Report status/progress, with a note and staged evidence")
    async def report(
        self, principal: Caller, task_id: FromPath[int], data: JSONBody[ProgressIn], if_match: IfMatch = None
    ) -> Response[TaskOut]:
        expected = parse_if_match(if_match)
        report = tasks.ProgressReport(
            data.status, data.progress, data.note, data.completed_on, tuple(data.evidence_ids)
        )
        task = await tasks.report_progress(
            principal, task_id, report, expected_version=expected if expected is not None else data.version
        )
        return task_response(task, 201)

    @post("/evidence", summary="Upload an evidence file (PDF, DOCX, XLSX, PNG, JPEG) for the next update")
    async def upload(
        self,
        principal: Caller,
        task_id: FromPath[int],
        data: MultipartBody[EvidenceUpload],
    ) -> StagedEvidenceOut:
        limit = get_settings().evidence_max_bytes
        content = await data.file.read(limit + 1)
        if len(content) > limit:
            raise PayloadTooLarge(f"evidence files are limited to {limit} bytes")
        row = await evidence.upload_evidence(principal, task_id, data.file.filename or "", content)
        return convert(row, StagedEvidenceOut)


class EvidenceController(Controller):
    path = "/api/evidence"
    tags = ["tasks"]
    security = SECURITY

    @get(
        "/{evidence_id:int}",
        summary="Download an evidence file",
        opt={"media_types": list(evidence.ALLOWED_TYPES)},
    )
    async def download(self, principal: Caller, evidence_id: FromPath[int]) -> File:
        stored = await evidence.open_evidence(principal, evidence_id)
        return File(
            path=stored.path,
            filename=stored.filename,
            media_type=stored.content_type,
            content_disposition_type="attachment",
        )
