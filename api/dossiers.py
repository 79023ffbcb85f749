"""Dossiers: the one-stop system's push, bulk import jobs, statistics and late dossiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, MultipartBody, Parameter, QueryParameter

from api.common import convert, convert_all
from api.paging import Page
from api.security import SECURITY, Caller
from core.paging import PageRequest
from core.settings import get_settings
from models.dossiers import import_jobs
from models.dossiers import records as dossiers
from models.dossiers import stats as dossier_stats
from models.dossiers.ingest import MAX_INGEST_RECORDS, ingest_records
from models.permissions import Action

COPY_CHUNK = 1024 * 1024


class DossierIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    procedure: Annotated[str, msgspec.Meta(min_length=1, max_length=64, description="procedure code")]
    unit: Annotated[str, msgspec.Meta(min_length=1, max_length=32, description="receiving unit code")]
    channel: str
    received_at: datetime
    due_at: datetime
    outcome: str
    resolved_at: datetime | None = None
    cashless: bool = False
    apology_issued_on: date | None = None
    apology_new_due: date | None = None
    fee_bearing: bool | None = None
    paid_online: bool | None = None
    electronic_result: bool | None = None
    digitised: bool | None = None
    reused_data: bool | None = None
    supplement_requests: Annotated[int, msgspec.Meta(ge=0, le=99)] | None = None
    supplement_requested_at: datetime | None = None
    supplement_returned_at: datetime | None = None


class IngestIn(msgspec.Struct, forbid_unknown_fields=True):
    records: Annotated[list[DossierIn], msgspec.Meta(min_length=1, max_length=MAX_INGEST_RECORDS)]


class IngestOut(msgspec.Struct):
    created: int
    updated: int
    unchanged: int


class DossierOut(msgspec.Struct):
    id: int
    code: str
    procedure: int
    procedure_code: str
    unit: int
    unit_code: str
    channel: str
    received_at: datetime
    due_at: datetime
    resolved_at: datetime | None
    outcome: str
    timeliness: str | None
    cashless: bool
    apology_issued_on: date | None
    apology_new_due: date | None
    fee_bearing: bool | None
    paid_online: bool | None
    electronic_result: bool | None
    digitised: bool | None
    reused_data: bool | None
    supplement_requests: int | None
    supplement_requested_at: datetime | None
    supplement_returned_at: datetime | None


class ImportErrorOut(msgspec.Struct):
    field: str
    reason: str
    message: str
    row: int | None


class ImportJobOut(msgspec.Struct):
    id: int
    kind: str
    filename: str
    state: str
    keep_valid: bool
    requested_by: int | None
    rows_done: int
    read_fraction: float
    rows_rejected: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportErrorOut]
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass
class DossierUpload:
    file: UploadFile
    keep_valid: bool = False


class FiguresOut(msgspec.Struct):
    carried_over: int
    received: int
    received_direct: int
    received_online: int
    received_postal: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    returned: int
    withdrawn: int
    open_within_deadline: int
    open_overdue: int
    on_time_rate: float | None
    online_share: float | None
    received_cashless: int
    apologies_owed: int
    apologies_issued: int
    reconciles: bool


class GroupOut(msgspec.Struct):
    key: dict[str, str | int | None]
    figures: FiguresOut


class StatsOut(msgspec.Struct):
    start: date = msgspec.field(name="from")
    end: date = msgspec.field(name="to")
    group_by: list[str] = []
    total: FiguresOut | None = None
    groups: list[GroupOut] = []


class LateDossierOut(msgspec.Struct):
    code: str
    procedure_code: str
    procedure_name: str
    unit_code: str
    unit_name: str
    received_at: datetime
    due_at: datetime
    resolved_at: datetime | None
    outcome: str


def figures_out(figures: dossier_stats.Figures) -> FiguresOut:
    derived = {name: getattr(figures, name) for name in FiguresOut.__struct_fields__ if name != "reconciles"}
    return FiguresOut(**derived, reconciles=figures.reconciles())


def stats_out(stats: dossier_stats.DossierStats) -> StatsOut:
    return StatsOut(
        start=stats.start,
        end=stats.end,
        group_by=list(stats.group_by),
        total=figures_out(stats.total),
        groups=[GroupOut(group.key, figures_out(group.figures)) for group in stats.groups],
    )


StartParam = Annotated[date, QueryParameter(name="from", description="first day of the period")]
EndParam = Annotated[date, QueryParameter(name="to", description="last day of the period (included)")]


def provide_scope(
    unit_id: Annotated[
        int | None, QueryParameter(name="unit_id", description="the unit and the units under it")
    ] = None,
    level: Annotated[str | None, QueryParameter(name="level", max_length=16)] = None,
    field: Annotated[str | None, QueryParameter(name="field", max_length=255)] = None,
    procedure_id: Annotated[int | None, QueryParameter(name="procedure_id")] = None,
) -> dossier_stats.Scope:
    """The scope query parameters the statistics endpoints share."""
    return dossier_stats.Scope(unit_id=unit_id, level=level, field=field, procedure_id=procedure_id)


class DossierController(Controller):
    path = "/api/dossiers"
    tags = ["dossiers"]
    security = SECURITY
    dependencies = {"dossier_scope": Provide(provide_scope, sync_to_thread=False)}

    @post("/", status_code=200, summary="Create or update dossiers by code (the one-stop system's push)")
    async def ingest(self, principal: Caller, data: JSONBody[IngestIn]) -> IngestOut:
        records = [msgspec.structs.asdict(record) for record in data.records]
        result = await ingest_records(principal, records)
        return IngestOut(result.created, result.updated, result.unchanged)

    @get("/{code:str}", summary="One dossier by its code")
    async def get_dossier(self, principal: Caller, code: FromPath[str]) -> DossierOut:
        principal.require(Action.READ)
        return convert(await dossiers.get_dossier(code), DossierOut)

    @get("/stats", summary="Figures for a period and scope, optionally grouped")
    async def stats(
        self,
        principal: Caller,
        start: StartParam,
        end: EndParam,
        dossier_scope: NamedDependency[dossier_stats.Scope],
        group_by: Annotated[
            str,
            QueryParameter(
                name="group_by",
                max_length=100,
                description="comma-separated: unit, level, field, month, channel, procedure",
            ),
        ] = "",
    ) -> StatsOut:
        principal.require(Action.READ)
        keys = tuple(key.strip() for key in group_by.split(",") if key.strip())
        stats = await dossier_stats.dossier_stats(start, end, dossier_scope, keys)
        return stats_out(stats)

    @get("/late-without-apology", summary="Dossiers late in the period with no apology issued by its end")
    async def late_without_apology(
        self,
        principal: Caller,
        start: StartParam,
        end: EndParam,
        dossier_scope: NamedDependency[dossier_stats.Scope],
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page[LateDossierOut]:
        principal.require(Action.READ)
        rows, total = await dossier_stats.late_without_apology(
            start, end, dossier_scope, PageRequest(limit, offset)
        )
        return Page(convert_all(rows, LateDossierOut), total, limit, offset)


class DossierImportController(Controller):
    path = "/api/dossiers/imports"
    tags = ["dossiers"]
    security = SECURITY

    @post(
        "/",
        status_code=202,
        summary="Upload a CSV, XLSX or JSON Lines file; the import runs in the background",
        request_max_body_size=get_settings().import_max_bytes,
    )
    async def start_import(
        self, principal: Caller, data: MultipartBody[DossierUpload]
    ) -> Response[ImportJobOut]:
        principal.require(Action.IMPORT_DOSSIERS)
        filename = data.file.filename or ""
        staged = await import_jobs.stage_upload(data.file.read, filename, get_settings().import_max_bytes)
        job = await import_jobs.start_import(principal, staged, filename, data.keep_valid)
        url = f"{self.path}/{job['id']}"
        return Response(convert(job, ImportJobOut), status_code=202, headers={"Location": url})

    @get("/", summary="Import jobs, newest first")
    async def list_jobs(
        self,
        principal: Caller,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page[ImportJobOut]:
        rows, total = await import_jobs.list_jobs(principal, PageRequest(limit, offset))
        return Page(convert_all(rows, ImportJobOut), total, limit, offset)

    @get("/{job_id:int}", summary="An import job: state, rows done and rejected, errors by row")
    async def get_job(self, principal: Caller, job_id: FromPath[int]) -> ImportJobOut:
        return convert(await import_jobs.get_job(principal, job_id), ImportJobOut)
