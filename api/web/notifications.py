"""Each person's notifications: overdue tasks, tasks due in 7/3/1 days, late dossiers without
an apology, reports ready. Opening one marks it read and goes to what it is about."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.security import Caller
from api.web.common import (
    FormErrors,
    page,
    page_rows,
    pages_of,
    query_url,
    read_page_number,
    see_other,
    viewer_for,
)
from core.paging import PageRequest
from models.notifications import service as notifications
from models.permissions import Action

PAGE_SIZE = 30
REPORT_KINDS = ("report_ready", "report_failed")


def target(item: dict) -> str:
    """Where a notification leads: its task, the reports, or the dossier figures."""
    if item["task"] is not None:
        return f"/tasks/{item['task']}"
    if item["kind"] in REPORT_KINDS:
        return "/reports"
    if item["kind"] == "dossier_apology_missing":
        return "/dossiers"
    if item["kind"].startswith("round_"):
        return "/rounds"
    return "/notifications"


class NotificationPagesController(Controller):
    path = "/notifications"

    @get("/", name="web:notifications")
    async def notifications(
        self, principal: Caller, unread: FromQuery[bool] = False, page_number: FromQuery[str] = ""
    ) -> Template:
        principal.require(Action.READ)
        errors = FormErrors()
        wanted = read_page_number(page_number, errors, PAGE_SIZE)
        rows, total, number = await page_rows(
            lambda offset: notifications.list_notifications(
                principal, unread, PageRequest(PAGE_SIZE, offset)
            ),
            wanted,
            PAGE_SIZE,
        )
        items = [
            {**row, "kind_label": notifications.KINDS.get(row["kind"], row["kind"]), "href": target(row)}
            for row in rows
        ]
        return page(
            "notifications.html",
            await viewer_for(principal),
            status_code=422 if errors else 200,
            active="notifications",
            errors=errors,
            items=items,
            total=total,
            unread=unread,
            page_number=number,
            pages=pages_of(total, PAGE_SIZE),
            page_url=lambda n: query_url("/notifications", unread=unread, page_number=n if n > 1 else None),
        )

    @post("/{notification_id:int}/read", name="web:notification-read")
    async def open_notification(self, principal: Caller, notification_id: FromPath[int]) -> Redirect:
        """Mark it read and go to what it is about."""
        principal.require(Action.READ)
        await notifications.mark_read(principal, notification_id)
        item = await notifications.get_notification(principal, notification_id)
        return see_other(target(item))

    @post("/read-all", name="web:notifications-read-all")
    async def read_all(self, principal: Caller) -> Redirect:
        principal.require(Action.READ)
        await notifications.mark_all_read(principal)
        return see_other("/notifications")
