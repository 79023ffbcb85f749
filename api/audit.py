"""Audit: a middleware that records every change request, and GET /api/audit for admins."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.common import convert_all
from api.paging import Page
from api.security import SECURITY, Caller, credential_from
from core.errors import NotAuthenticated
from core.paging import PageRequest
from models.accounts.service import authenticate
from models.audit import service as audit
from models.permissions import Principal

log = logging.getLogger("cchc.audit")
CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PRINCIPAL_STATE_KEY = "principal"  # set by api.security.provide_principal and at sign-in
USERNAME_TRIED_STATE_KEY = "username_tried"  # set at sign-in, whatever its outcome


def audit_middleware(app: ASGIApp) -> ASGIApp:
    """Record each POST/PUT/PATCH/DELETE after its response: who (the principal the request
    authenticated as, if any), when, what (method, path, operation, status), from where."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in CHANGES:
            await app(scope, receive, send)
            return
        status = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await app(scope, receive, capture)
        except Exception as exc:  # refused before a handler (CSRF): the app's handler answers
            status["code"] = getattr(exc, "status_code", 500)
            raise
        finally:
            await _record(scope, status["code"])

    return middleware


async def _caller(scope: Scope) -> Principal | None:
    """Who sent the request: as authenticated, or (refused before authentication, as a page
    without its CSRF token is) the owner of the credential it carries, if valid."""
    if (known := (scope.get("state") or {}).get(PRINCIPAL_STATE_KEY)) is not None:
        return known
    token, _ = credential_from(Request(scope))
    if not token:
        return None
    try:
        return await authenticate(token)
    except NotAuthenticated:
        return None


async def _record(scope: Scope, status: int) -> None:
    handler = scope.get("route_handler")
    headers = dict(scope.get("headers") or [])
    entry = audit.AuditRecord(
        principal=await _caller(scope),
        username_tried=(scope.get("state") or {}).get(USERNAME_TRIED_STATE_KEY, ""),
        method=scope["method"],
        path=scope["path"],
        operation=getattr(handler, "handler_name", "") or "",
        status=status,
        ip=(scope.get("client") or ("",))[0] or "",
        user_agent=headers.get(b"user-agent", b"").decode("latin-1"),
    )
    try:
        await audit.record(entry)
    except Exception:  # the change itself is done; losing its audit line must be visible
        log.exception("could not write the audit entry for %s %s", entry.method, entry.path)


class AuditEntryOut(msgspec.Struct):
    id: int
    at: datetime
    account: int | None
    username: str
    role: str
    method: str
    path: str
    operation: str
    status: int
    ip: str
    user_agent: str


class AuditController(Controller):
    path = "/api/audit"
    tags = ["audit"]
    security = SECURITY

    @get("/", summary="Every change request: who, when, what, from where (admins only)")
    async def list_entries(
        self,
        principal: Caller,
        account_id: Annotated[int | None, QueryParameter(name="account_id")] = None,
        since: Annotated[datetime | None, QueryParameter(name="since")] = None,
        until: Annotated[datetime | None, QueryParameter(name="until")] = None,
        path: Annotated[str | None, QueryParameter(name="path", max_length=200)] = None,
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=500)] = 50,
        offset: Annotated[int, QueryParameter(name="offset", ge=0)] = 0,
    ) -> Page[AuditEntryOut]:
        flt = audit.AuditFilter(account_id, since, until, path)
        rows, total = await audit.list_entries(principal, flt, PageRequest(limit, offset))
        return Page(convert_all(rows, AuditEntryOut), total, limit, offset)
