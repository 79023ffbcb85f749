"""Each person's notifications: overdue tasks, tasks due in 7/3/1 days, late dossiers without
an apology, reports ready. Opening one marks it read and goes to what it is about."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from api.security import Caller
from api.web.common import page, query_url, see_other, viewer_for
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
        self, principal: Caller, unread: FromQuery[bool] = False, page_number: FromQuery[int] = 1
    ) -> Template:
        principal.require(Action.READ)
        number = max(1, page_number)
        rows, total = await notifications.list_notifications(
            principal, unread, PageRequest(PAGE_SIZE, (number - 1) * PAGE_SIZE)
        )
        items = [
            {**row, "kind_label": notifications.KINDS.get(row["kind"], row["kind"]), "href": target(row)}
            for row in rows
        ]
        return page(
            "notifications.html",
            await viewer_for(principal),
            active="notifications",
            items=items,
            total=total,
            unread=unread,
            page_number=number,
            pages=max(1, -(-total // PAGE_SIZE)),
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
