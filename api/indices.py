"""Yearly index scores (PAR INDEX, SIPAS, PAPI, PCI): list, read one year, enter or replace
a year's result, import a scores file. A result's ``ETag`` is its version; a PUT naming it in
``If-Match`` is refused (412) when someone replaced the result meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody, Parameter

from api.common import IfMatch, convert, convert_all, etag, parse_if_match
from api.paging import Page
from api.security import SECURITY, Caller
from core.paging import PageRequest
from models.indices import service as indices
from models.permissions import Action


class ComponentOut(msgspec.Struct):
    position: int
    name: str
    score: float
    max_score: float
    ratio: float


class PreviousOut(msgspec.Struct):
    year: int
    score: float
    rank: int | None
    out_of: int | None


class IndexResultOut(msgspec.Struct):
    kind: str
    kind_label: str
    year: int
    score: float
    scale: float
    rank: int | None
    out_of: int | None
    target: float | None
    target_met: bool | None
    published_on: date | None
    source: str
    assumed: bool
    note: str
    version: int
    previous: PreviousOut | None
    score_change: float | None
    rank_change: int | None
    label: str
    components: list[ComponentOut]
    updated_at: datetime
    updated_by: int | None


# Ranges are checked by the domain (422 naming the field), not here (400), so that a score
# above its scale and a negative score are reported the same way.
class ComponentIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    score: float
    max_score: float


class IndexResultIn(msgspec.Struct, forbid_unknown_fields=True):
    score: float
    scale: float | None = None
    rank: int | None = None
    out_of: int | None = None
    target: float | None = None
    published_on: date | None = None
    source: str = ""
    assumed: bool = False
    note: str = ""
    components: list[ComponentIn] = []


class ImportOut(msgspec.Struct):
    created: int
    updated: int
    unchanged: int


@dataclass
class ScoresUpload:
    file: UploadFile


def result_response(row: dict) -> Response[IndexResultOut]:
    return Response(convert(row, IndexResultOut), headers={"ETag": etag(row["version"])})


class IndexController(Controller):
    path = "/api/indices"
    tags = ["indices"]
    security = SECURITY

    @get("/")
    async def list_results(
        self,
        principal: Caller,
        kind: FromQuery[str | None] = None,
        year_from: FromQuery[int | None] = None,
        year_to: FromQuery[int | None] = None,
        sort: Annotated[str, Parameter(max_length=200)] = "",
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page[IndexResultOut]:
        principal.require(Action.READ)
        flt = indices.IndexFilter(kind, year_from, year_to)
        rows, total = await indices.list_index_results(flt, PageRequest(limit, offset, sort))
        return Page(convert_all(rows, IndexResultOut), total, limit, offset)

    @get(
        "/{kind:str}/{year:int}", summary="A year's result, its components and the change on the year before"
    )
    async def get_result(
        self, principal: Caller, kind: FromPath[str], year: FromPath[int]
    ) -> Response[IndexResultOut]:
        principal.require(Action.READ)
        return result_response(await indices.get_index_result(kind, year))

    @put(
        "/{kind:str}/{year:int}",
        summary="Enter or replace a year's result with its components",
        description="With `If-Match` (the `ETag` read), a replacement of a result changed meanwhile, "
        "or of one that does not exist, is refused with 412; without it the result is replaced "
        "or created.",
    )
    async def put_result(
        self,
        principal: Caller,
        kind: FromPath[str],
        year: FromPath[int],
        data: JSONBody[IndexResultIn],
        if_match: IfMatch = None,
    ) -> Response[IndexResultOut]:
        fields = msgspec.structs.asdict(data)
        fields["components"] = tuple(
            indices.ComponentData(c.name, c.score, c.max_score) for c in data.components
        )
        row = await indices.put_index_result(
            principal, kind, year, indices.IndexResultData(**fields), parse_if_match(if_match)
        )
        return result_response(row)

    @post("/import", status_code=200, summary="Create or replace results from an XLSX or CSV scores file")
    async def import_scores(self, principal: Caller, data: MultipartBody[ScoresUpload]) -> ImportOut:
        principal.require(Action.MANAGE_INDICES)
        content = await data.file.read()
        result = await indices.import_index_results(principal, data.file.filename or "", content)
        return convert(result, ImportOut)
