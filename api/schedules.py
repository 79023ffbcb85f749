"""Schedules (next runs, history; admins edit them, If-Match naming the version listed) and
each user's notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from api.common import IfMatch, convert_all, etag, given_fields, parse_if_match
from api.paging import Page
from api.security import SECURITY, Caller
from core.clock import utcnow
from core.paging import PageRequest
from models.notifications import service as notifications
from models.permissions import Action
from scheduler import jobs


class FiringOut(msgspec.Struct):
    fire_time: datetime
    state: str
    detail: str
    started_at: datetime
    finished_at: datetime | None


class ScheduleOut(msgspec.Struct):
    key: str
    job: str
    cron: str
    enabled: bool
    params: dict
    version: int
    next_run_time: datetime | None
    history: list[FiringOut]


class ScheduleChange(msgspec.Struct, forbid_unknown_fields=True):
    cron: Annotated[str, msgspec.Meta(min_length=9, max_length=100)] | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET


class NotificationOut(msgspec.Struct):
    id: int
    kind: str
    subject: str
    body: str
    task: int | None
    created_at: datetime
    read_at: datetime | None


async def _described(schedule: dict) -> ScheduleOut:
    next_run = jobs.next_fire_time(schedule["cron"], utcnow()) if schedule["enabled"] else None
    history = convert_all(await jobs.schedule_history(schedule["key"]), FiringOut)
    fields = {k: schedule[k] for k in ("key", "job", "cron", "enabled", "params", "version")}
    return ScheduleOut(**fields, next_run_time=next_run, history=history)


class ScheduleController(Controller):
    path = "/api/schedules"
    tags = ["schedules"]
    security = SECURITY

    @get("/", summary="Scheduled jobs with their next run time and recent history")
    async def list_schedules(self, principal: Caller) -> list[ScheduleOut]:
        principal.require(Action.ISSUE_REPORTS)
        return [await _described(schedule) for schedule in await jobs.load_schedules()]

    @patch(
        "/{key:str}",
        summary="Change a schedule's cron expression (province time) or switch it off",
        description="With `If-Match` (the `version` listed, as an ETag), a change to a schedule "
        "changed meanwhile is refused with 412; without it the change applies to the latest state.",
    )
    async def change(
        self, principal: Caller, key: FromPath[str], data: JSONBody[ScheduleChange], if_match: IfMatch = None
    ) -> Response[ScheduleOut]:
        principal.require(Action.MANAGE_SCHEDULES)
        row = await jobs.change_schedule(key, given_fields(data), parse_if_match(if_match))
        return Response(await _described(row), headers={"ETag": etag(row["version"])})


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["notifications"]
    security = SECURITY

    @get("/", summary="The caller's notifications, newest first")
    async def list_notifications(
        self,
        principal: Caller,
        unread: Annotated[bool, QueryParameter(name="unread")] = False,
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=500)] = 50,
        offset: Annotated[int, QueryParameter(name="offset", ge=0)] = 0,
    ) -> Page[NotificationOut]:
        rows, total = await notifications.list_notifications(principal, unread, PageRequest(limit, offset))
        return Page(convert_all(rows, NotificationOut), total, limit, offset)

    @post("/{notification_id:int}/read", status_code=204)
    async def mark_read(self, principal: Caller, notification_id: FromPath[int]) -> None:
        await notifications.mark_read(principal, notification_id)
