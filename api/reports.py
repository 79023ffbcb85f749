"""Official reports: request a run (202), follow it, download it, issue it; write drafts."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import msgspec
from litestar import Controller, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from api.common import convert, convert_all
from api.paging import Page
from api.security import SECURITY, Caller
from core.paging import PageRequest
from models.permissions import Action
from reports import runs as report_runs

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class RunIn(msgspec.Struct, forbid_unknown_fields=True):
    period: Annotated[
        str, msgspec.Meta(max_length=16, description='"2023-H1", "2023-Y", "2023-M9", "2023-Q3"')
    ]
    scope_unit_id: int | None = None


class RunOut(msgspec.Struct):
    id: int
    kind: str
    period_key: str
    scope_unit: int | None
    version: int
    state: str
    trigger: str
    requested_by: int | None
    schedule: str
    error: str
    file_name: str
    size: int | None
    sha256: str
    pdf_size: int | None
    issued: bool
    issued_at: datetime | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class DraftIn(msgspec.Struct, forbid_unknown_fields=True):
    sections: dict[str, str]
    version: int | None = None


class DraftOut(msgspec.Struct):
    sections: dict[str, str]
    version: int
    updated_at: datetime | None


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback (no diacritics, quotes or line breaks) and the UTF-8 name."""
    decomposed = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(ch for ch in decomposed if ch.isascii() and ch.isprintable() and ch not in '"\\')
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


UnitQuery = Annotated[int | None, QueryParameter(name="unit_id")]


class ReportController(Controller):
    path = "/api/reports"
    tags = ["reports"]
    security = SECURITY

    @post("/", status_code=202, summary="Generate a report (a new version); runs in the background")
    async def request_run(self, principal: Caller, data: JSONBody[RunIn]) -> Response[RunOut]:
        run = await report_runs.request_run(
            principal, report_runs.RunRequest(data.period, data.scope_unit_id)
        )
        report_runs.start_run(run["id"])
        return Response(
            convert(run, RunOut), status_code=202, headers={"Location": f"{self.path}/{run['id']}"}
        )

    @get("/", summary="Report runs, newest first")
    async def list_runs(
        self,
        principal: Caller,
        kind: Annotated[str | None, QueryParameter(name="kind", max_length=16)] = None,
        period: Annotated[str | None, QueryParameter(name="period", max_length=16)] = None,
        run_state: Annotated[str | None, QueryParameter(name="state", max_length=16)] = None,
        unit_id: UnitQuery = None,
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=500)] = 50,
        offset: Annotated[int, QueryParameter(name="offset", ge=0)] = 0,
    ) -> Page[RunOut]:
        flt = report_runs.RunFilter(kind, period, run_state, unit_id)
        rows, total = await report_runs.list_runs(principal, flt, PageRequest(limit, offset))
        return Page(convert_all(rows, RunOut), total, limit, offset)

    @get("/{run_id:int}")
    async def get_run(self, principal: Caller, run_id: FromPath[int]) -> RunOut:
        return convert(await report_runs.get_run(principal, run_id), RunOut)

    @get(
        "/{run_id:int}/file",
        summary="The .docx (or, where LibreOffice is installed, the PDF)",
        opt={"media_types": list(MEDIA_TYPES.values())},
    )
    async def download(
        self,
        principal: Caller,
        run_id: FromPath[int],
        fmt: Annotated[str, QueryParameter(name="format", max_length=8)] = "docx",
    ) -> Response[bytes]:
        path, filename = await report_runs.run_file(principal, run_id, fmt)
        return Response(
            path.read_bytes(),
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": content_disposition(filename)},
        )

    @post("/{run_id:int}/issue", status_code=200, summary="Mark the run as the issued report (kept for good)")
    async def issue(self, principal: Caller, run_id: FromPath[int]) -> RunOut:
        return convert(await report_runs.issue_run(principal, run_id), RunOut)

    @delete("/{run_id:int}", status_code=204, summary="Delete a run that was not issued")
    async def delete_run(self, principal: Caller, run_id: FromPath[int]) -> None:
        await report_runs.delete_run(principal, run_id)

    @get("/drafts/{period:str}", summary="The narrative paragraphs written for a report")
    async def get_draft(
        self, principal: Caller, period: FromPath[str], unit_id: UnitQuery = None
    ) -> DraftOut:
        principal.require(Action.READ)
        key = report_runs.parse_period(period)
        return convert(await report_runs.get_draft(key.kind.value, key.key, unit_id), DraftOut)

    @put("/drafts/{period:str}", summary="Replace the narrative paragraphs (sections by key)")
    async def put_draft(
        self, principal: Caller, period: FromPath[str], data: JSONBody[DraftIn], unit_id: UnitQuery = None
    ) -> DraftOut:
        draft = await report_runs.put_draft(principal, period, unit_id, data.sections, data.version)
        return convert(draft, DraftOut)
