"""The audit log: every change requested through the API or the web pages, append-only.

Rows are written by api.audit's middleware after the response (whatever its status, so
refused attempts are on record too) and only ever read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.clock import utcnow
from core.db import write_transaction
from core.paging import PageRequest
from models.audit.tables import AuditEntry
from models.permissions import Action, Principal

COLUMNS = (
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.account,
    AuditEntry.username,
    AuditEntry.role,
    AuditEntry.method,
    AuditEntry.path,
    AuditEntry.operation,
    AuditEntry.status,
    AuditEntry.ip,
    AuditEntry.user_agent,
)


@dataclass(frozen=True)
class AuditRecord:
    principal: Principal | None
    username_tried: str  # at sign-in: the username given, recorded with the outcome
    method: str
    path: str
    operation: str
    status: int
    ip: str
    user_agent: str


async def record(entry: AuditRecord) -> None:
    who = entry.principal
    row = AuditEntry(
        at=utcnow(),
        account=who.account_id if who else None,
        username=who.username if who else entry.username_tried[:64],
        role=who.role.value if who else "",
        method=entry.method,
        path=entry.path[:500],
        operation=entry.operation[:128],
        status=entry.status,
        ip=entry.ip[:64],
        user_agent=entry.user_agent[:200],
    )
    async with write_transaction(AuditEntry._meta.db):
        await AuditEntry.insert(row)


@dataclass(frozen=True)
class AuditFilter:
    account_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    path_prefix: str | None = None


async def list_entries(actor: Principal, flt: AuditFilter, page: PageRequest) -> tuple[list[dict], int]:
    actor.require(Action.READ_AUDIT)
    condition = AuditEntry.id.is_not_null()
    if flt.account_id is not None:
        condition &= AuditEntry.account == flt.account_id
    if flt.since is not None:
        condition &= AuditEntry.at >= flt.since
    if flt.until is not None:
        condition &= AuditEntry.at < flt.until
    if flt.path_prefix:
        # No ESCAPE clause through the ORM: "%" is dropped and "_" left to match any one
        # character (the underscore included), so the filter is the prefix or a little wider.
        condition &= AuditEntry.path.like(flt.path_prefix.replace("%", "") + "%")
    query = AuditEntry.select(*COLUMNS).where(condition).order_by(AuditEntry.id, ascending=False)
    return await query.limit(page.limit).offset(page.offset), await AuditEntry.count().where(condition)
