"""The schedules page: each scheduled job in words, its next run, its last run and result,
and whether any scheduler is running at all (without one, nothing scheduled happens)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from api.security import Caller
from api.web.common import page, viewer_for
from core.clock import utcnow
from models.permissions import Action
from models.vocabulary import JobState
from scheduler import jobs
from scheduler.service import running_schedulers
from scheduler.wording import describe_cron

SCHEDULE_NAMES = {
    "report-half-year": "Báo cáo 6 tháng (tự động)",
    "report-annual": "Báo cáo năm (tự động)",
    "report-quarter": "Báo cáo quý (tự động)",
    "overdue-sweep": "Nhắc nhiệm vụ quá hạn và sắp đến hạn",
    "late-dossier-check": "Kiểm tra hồ sơ trễ hạn chưa xin lỗi",
    "round-reminders": "Nhắc đơn vị chưa nộp báo cáo định kỳ",
    "staged-evidence-sweep": "Xóa tệp minh chứng tải lên quá 1 ngày chưa gắn vào báo cáo",
}


def last_run(history: list[dict]) -> dict | None:
    if not history:
        return None
    latest = history[0]
    return {**latest, "state_label": JobState(latest["state"]).label}


async def described_schedules() -> list[dict]:
    """The schedules (made at start-up, see api.app.recover) as the page shows them."""
    now = utcnow()
    return [
        {
            **row,
            "name": SCHEDULE_NAMES.get(row["key"], row["key"]),
            "words": describe_cron(row["cron"]),
            "next_run": jobs.next_fire_time(row["cron"], now) if row["enabled"] else None,
            "last_run": last_run(await jobs.schedule_history(row["key"])),
        }
        for row in await jobs.load_schedules()
    ]


class SchedulePagesController(Controller):
    path = "/schedules"

    @get("/", name="web:schedules")
    async def schedules(self, principal: Caller) -> Template:
        principal.require(Action.ISSUE_REPORTS)
        return page(
            "schedules.html",
            await viewer_for(principal),
            schedules=await described_schedules(),
            schedulers=await running_schedulers(),
        )
