"""The procedure catalogue: list with filters, counts by level, create and import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody, Parameter

from api.common import convert, convert_all
from api.paging import Page
from api.security import SECURITY, Caller
from core.paging import PageRequest
from models.permissions import Action
from models.procedures import service as procedures


class ProcedureOut(msgspec.Struct):
    id: int
    code: str
    name: str
    field: str
    level: str
    handling_unit: int | None
    processing_days: float | None
    online_level: str
    valid_from: date | None
    valid_to: date | None


class ProcedureIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    field: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    level: str
    online_level: str
    handling_unit_id: int | None = None
    processing_days: Annotated[float, msgspec.Meta(gt=0, le=3650)] | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class CountsOut(msgspec.Struct):
    total: int
    by_level: dict[str, int]
    by_online_level: dict[str, int]


class ImportOut(msgspec.Struct):
    created: int
    updated: int
    unchanged: int


@dataclass
class CatalogueUpload:
    file: UploadFile


class ProcedureController(Controller):
    path = "/api/procedures"
    tags = ["procedures"]
    security = SECURITY

    @get("/")
    async def list_procedures(
        self,
        principal: Caller,
        level: FromQuery[str | None] = None,
        field: Annotated[str | None, Parameter(max_length=255)] = None,
        online_level: FromQuery[str | None] = None,
        handling_unit_id: FromQuery[int | None] = None,
        active_on: FromQuery[date | None] = None,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        sort: Annotated[str, Parameter(max_length=200)] = "",
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page[ProcedureOut]:
        principal.require(Action.READ)
        flt = procedures.ProcedureFilter(level, field, online_level, handling_unit_id, active_on, q)
        rows, total = await procedures.list_procedures(flt, PageRequest(limit, offset, sort))
        return Page(convert_all(rows, ProcedureOut), total, limit, offset)

    @get("/counts", summary="Counts by level and online level (valid on a date when given)")
    async def counts(self, principal: Caller, active_on: FromQuery[date | None] = None) -> CountsOut:
        principal.require(Action.READ)
        flt = procedures.ProcedureFilter(active_on=active_on)
        return convert(await procedures.procedure_counts(flt), CountsOut)

    @get("/{procedure_id:int}")
    async def get_procedure(self, principal: Caller, procedure_id: FromPath[int]) -> ProcedureOut:
        principal.require(Action.READ)
        return convert(await procedures.get_procedure(procedure_id), ProcedureOut)

    @post("/")
    async def create_procedure(self, principal: Caller, data: JSONBody[ProcedureIn]) -> ProcedureOut:
        row = await procedures.create_procedure(
            principal, procedures.ProcedureData(**msgspec.structs.asdict(data))
        )
        return convert(row, ProcedureOut)

    @post("/import", status_code=200, summary="Create or update the catalogue from XLSX or CSV")
    async def import_catalogue(self, principal: Caller, data: MultipartBody[CatalogueUpload]) -> ImportOut:
        principal.require(Action.MANAGE_PROCEDURES)
        content = await data.file.read()
        result = await procedures.import_procedures(principal, data.file.filename or "", content)
        return convert(result, ImportOut)
