"""Units: list, read, create and change (closing a unit is a change of valid_to)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from api.common import convert, convert_all, given_fields
from api.paging import Page
from api.security import SECURITY, Caller
from core.paging import PageRequest
from models.permissions import Action
from models.units import service as units

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]


class UnitOut(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: str
    level: str
    parent: int | None
    valid_from: date | None
    valid_to: date | None
    successor: int | None


class UnitIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    kind: str
    level: str
    parent_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: int | None = None


class UnitPatch(msgspec.Struct, forbid_unknown_fields=True):
    code: Code | msgspec.UnsetType = msgspec.UNSET
    name: Name | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    level: str | msgspec.UnsetType = msgspec.UNSET
    parent_id: int | msgspec.UnsetType | None = msgspec.UNSET
    valid_from: date | msgspec.UnsetType | None = msgspec.UNSET
    valid_to: date | msgspec.UnsetType | None = msgspec.UNSET
    successor_id: int | msgspec.UnsetType | None = msgspec.UNSET


class UnitController(Controller):
    path = "/api/units"
    tags = ["units"]
    security = SECURITY

    @get("/")
    async def list_units(
        self,
        principal: Caller,
        level: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        parent_id: FromQuery[int | None] = None,
        active_on: FromQuery[date | None] = None,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        sort: Annotated[str, Parameter(max_length=200)] = "",
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page[UnitOut]:
        principal.require(Action.READ)
        flt = units.UnitFilter(level, kind, parent_id, active_on, q)
        rows, total = await units.list_units(flt, PageRequest(limit, offset, sort))
        return Page(convert_all(rows, UnitOut), total, limit, offset)

    @get("/{unit_id:int}")
    async def get_unit(self, principal: Caller, unit_id: FromPath[int]) -> UnitOut:
        principal.require(Action.READ)
        return convert(await units.get_unit(unit_id), UnitOut)

    @post("/")
    async def create_unit(self, principal: Caller, data: JSONBody[UnitIn]) -> UnitOut:
        row = await units.create_unit(principal, units.UnitData(**msgspec.structs.asdict(data)))
        return convert(row, UnitOut)

    @patch("/{unit_id:int}")
    async def update_unit(
        self, principal: Caller, unit_id: FromPath[int], data: JSONBody[UnitPatch]
    ) -> UnitOut:
        return convert(await units.update_unit(principal, unit_id, given_fields(data)), UnitOut)
