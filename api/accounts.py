"""User accounts and API keys (administrators only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from api.common import convert, convert_all, given_fields
from api.paging import Page
from api.security import SECURITY, Caller
from core.paging import PageRequest
from models.accounts import service as accounts
from models.permissions import Action

Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class AccountOut(msgspec.Struct):
    id: int
    username: str
    full_name: str
    role: str
    unit: int | None
    active: bool
    must_change_password: bool  # a temporary password an administrator set, not yet changed
    created_at: datetime


class AccountIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    full_name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    role: str
    password: Password
    unit_id: FromPath[int] | None = None


class AccountPatch(msgspec.Struct, forbid_unknown_fields=True):
    full_name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] | msgspec.UnsetType = msgspec.UNSET
    role: str | msgspec.UnsetType = msgspec.UNSET
    unit_id: FromPath[int] | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    password: Password | msgspec.UnsetType = msgspec.UNSET


class ApiKeyIn(msgspec.Struct, forbid_unknown_fields=True):
    account_id: FromPath[int]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class ApiKeyOut(msgspec.Struct):
    id: int
    account: int
    name: str
    created_at: datetime
    revoked_at: datetime | None = None


class ApiKeyCreated(msgspec.Struct):
    key: str
    api_key: ApiKeyOut


class AccountController(Controller):
    path = "/api/users"
    tags = ["users"]
    security = SECURITY

    @get("/")
    async def list_users(
        self,
        principal: Caller,
        role: FromQuery[str | None] = None,
        unit_id: FromQuery[int | None] = None,
        active: FromQuery[bool | None] = None,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        sort: Annotated[str, Parameter(max_length=200)] = "",
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page[AccountOut]:
        flt = accounts.AccountFilter(role, unit_id, active, q)
        rows, total = await accounts.list_accounts(principal, flt, PageRequest(limit, offset, sort))
        return Page(convert_all(rows, AccountOut), total, limit, offset)

    @get("/{account_id:int}")
    async def get_user(self, principal: Caller, account_id: FromPath[int]) -> AccountOut:
        principal.require(Action.MANAGE_ACCOUNTS)
        return convert(await accounts.get_account(account_id), AccountOut)

    @post("/")
    async def create_user(self, principal: Caller, data: JSONBody[AccountIn]) -> AccountOut:
        row = await accounts.create_account(
            principal,
            accounts.AccountData(data.username, data.full_name, data.role, data.unit_id, data.password),
        )
        return convert(row, AccountOut)

    @patch("/{account_id:int}")
    async def update_user(
        self, principal: Caller, account_id: FromPath[int], data: JSONBody[AccountPatch]
    ) -> AccountOut:
        row = await accounts.update_account(principal, account_id, **given_fields(data))
        return convert(row, AccountOut)

    @delete("/{account_id:int}", summary="Deactivate (accounts are never deleted: history names them)")
    async def deactivate_user(self, principal: Caller, account_id: FromPath[int]) -> None:
        await accounts.update_account(principal, account_id, active=False)


class ApiKeyController(Controller):
    path = "/api/api-keys"
    tags = ["users"]
    security = SECURITY

    @get("/")
    async def list_keys(self, principal: Caller) -> list[ApiKeyOut]:
        return convert_all(await accounts.list_api_keys(principal), ApiKeyOut)

    @post("/", summary="Create an API key; the key is shown only in this response")
    async def create_key(self, principal: Caller, data: JSONBody[ApiKeyIn]) -> ApiKeyCreated:
        key, row = await accounts.create_api_key(principal, data.account_id, data.name)
        return ApiKeyCreated(key, convert(row, ApiKeyOut))

    @delete("/{key_id:int}")
    async def revoke_key(self, principal: Caller, key_id: FromPath[int]) -> None:
        await accounts.revoke_api_key(principal, key_id)


class ReporterIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    full_name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    password: Password


class ReporterController(Controller):
    path = "/api/units/{unit_id:int}/reporters"
    tags = ["accounts"]
    security = SECURITY

    @post("/", summary="Name the unit's reporter (its head, or an administrator): a temporary password")
    async def delegate(
        self, principal: Caller, unit_id: FromPath[int], data: JSONBody[ReporterIn]
    ) -> AccountOut:
        person = accounts.AccountData(data.username, data.full_name, "reporter", unit_id, data.password)
        return convert(await accounts.delegate_reporter(principal, unit_id, person), AccountOut)
