"""Notifications: overdue tasks, tasks due in 7, 3 and 1 days, reports ready (or failed) and,
from models.dossiers.apologies, late dossiers without an apology.

Sweeps are idempotent: each notification has a dedupe key (the task, its deadline and the
reminder, or the unit and the day), so running a sweep twice, or from two schedulers, records
nothing twice.
Where SMTP is configured, new notifications are also mailed (to the account's username when
it is an e-mail address; accounts without one are only notified in the API).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, timedelta
from email.message import EmailMessage

import anyio.to_thread

from core.clock import local_date, utcnow
from core.db import write_transaction
from core.errors import NotFound
from core.paging import PageRequest
from core.settings import get_settings
from core.text import format_date_short, format_int
from models.accounts.tables import Account
from models.notifications.tables import Notification
from models.permissions import Principal
from models.plans.rules import CLOSED, is_overdue
from models.plans.tables import Task
from models.vocabulary import JobState, PlanStatus, Role

log = logging.getLogger(__name__)
REMINDER_DAYS = (1, 3, 7)  # a task due within this many days gets one reminder per step
KINDS = {
    "task_overdue": "Quá hạn",
    "task_due_in_1": "Đến hạn trong 1 ngày",
    "task_due_in_3": "Đến hạn trong 3 ngày",
    "task_due_in_7": "Đến hạn trong 7 ngày",
    "dossier_apology_missing": "Hồ sơ trễ hạn chưa xin lỗi",
    "report_ready": "Báo cáo đã sẵn sàng",
    "report_failed": "Báo cáo không tạo được",
    "round_opened": "Mở đợt báo cáo định kỳ",
    "round_due_in_3": "Sắp đến hạn nộp báo cáo",
    "round_due_in_1": "Sắp đến hạn nộp báo cáo",
    "round_overdue": "Quá hạn nộp báo cáo",
    "round_returned": "Báo cáo bị trả lại để sửa",
    "round_accepted": "Báo cáo đã được tiếp nhận",
}
COLUMNS = (
    Notification.id,
    Notification.kind,
    Notification.subject,
    Notification.body,
    Notification.task,
    Notification.created_at,
    Notification.read_at,
)


async def unit_heads() -> dict[int, list[dict]]:
    rows = await Account.select(Account.id, Account.username, Account.unit).where(
        (Account.role == Role.UNIT_HEAD.value) & (Account.active == True)  # noqa: E712
    )
    heads: dict[int, list[dict]] = {}
    for row in rows:
        heads.setdefault(row["unit"], []).append(row)
    return heads


async def active_staff() -> list[int]:
    """The accounts of active home-affairs staff."""
    rows = await Account.select(Account.id).where(
        (Account.role == Role.HOME_AFFAIRS.value) & (Account.active == True)  # noqa: E712
    )
    return [row["id"] for row in rows]


async def notify(items: list[dict]) -> int:
    """Record the notifications whose dedupe key is new and mail those; how many were new."""
    new = await _record(items)
    await mail(new)
    return len(new)


async def _record(items: list[dict]) -> list[dict]:
    """Insert the notifications whose dedupe key is new (the unique key skips the others);
    return those inserted."""
    if not items:
        return []
    now = utcnow()
    async with write_transaction(Notification._meta.db):
        rows = (
            await Notification.insert(*(Notification(**item, created_at=now) for item in items))
            .on_conflict(action="DO NOTHING")
            .returning(Notification.dedupe_key)
        )
    inserted = {row["dedupe_key"] for row in rows}
    return [item for item in items if item["dedupe_key"] in inserted]


def reminder_kind(deadline: date, status: str, today: date) -> str | None:
    """Which notice an open task gets today: overdue past its deadline, else the nearest
    reminder step (1, 3 or 7 days) its deadline is within, else none."""
    if is_overdue(deadline, status, today):
        return "task_overdue"
    days_left = (deadline - today).days
    step = next((days for days in REMINDER_DAYS if days_left <= days), None)
    return None if step is None else f"task_due_in_{step}"


async def sweep_tasks(today: date) -> int:
    """Overdue tasks of active plans and tasks due within 7, 3 and 1 days (each notice once
    per task and deadline), to the heads of each task's lead unit."""
    tasks = await Task.select(
        Task.id, Task.code, Task.title, Task.lead_unit, Task.deadline, Task.status
    ).where(
        (Task.plan.status == PlanStatus.ACTIVE.value)
        & Task.status.not_in(list(CLOSED))
        & (Task.deadline <= today + timedelta(days=max(REMINDER_DAYS)))
    )
    heads = await unit_heads()
    items = []
    for task in tasks:
        kind = reminder_kind(task["deadline"], task["status"], today)
        subject = (
            f"Nhiệm vụ {task['code']} đã quá hạn ({format_date_short(task['deadline'])})"
            if kind == "task_overdue"
            else f"Nhiệm vụ {task['code']} đến hạn ngày {format_date_short(task['deadline'])}"
        )
        for head in heads.get(task["lead_unit"], []):
            items.append(
                {
                    "account": head["id"],
                    "kind": kind,
                    "subject": subject,
                    "body": task["title"],
                    "task": task["id"],
                    "dedupe_key": f"{kind}:{task['id']}:{task['deadline']}:{head['id']}",
                }
            )
    return await notify(items)


async def overdue_sweep(schedule: dict, fire_time: datetime) -> str:
    """The scheduled job "overdue_sweep": ``sweep_tasks`` on the firing's day."""
    return f"{format_int(await sweep_tasks(local_date(fire_time)))} thông báo mới"


async def report_finished(run: dict, period_label: str) -> int:
    """Whoever asked for a report (home-affairs staff, for a scheduled one) learns that it is
    ready to download, or that it failed and why."""
    ready = run["state"] == JobState.DONE.value
    kind = "report_ready" if ready else "report_failed"
    recipients = [run["requested_by"]] if run["requested_by"] is not None else await active_staff()
    subject = f"Báo cáo {period_label} " + ("đã sẵn sàng để tải về" if ready else "không tạo được")
    body = "Xem và tải về tại trang Báo cáo." if ready else run["error"]
    return await notify(
        [
            {
                "account": account_id,
                "kind": kind,
                "subject": subject,
                "body": body,
                "task": None,
                "dedupe_key": f"{kind}:{run['id']}:{account_id}",
            }
            for account_id in recipients
        ]
    )


async def mail(items: list[dict]) -> int:
    """Send new notifications by SMTP when SMTP_HOST is set; returns how many were sent."""
    settings = get_settings()
    if not settings.smtp_host or not items:
        return 0
    addresses = {
        row["id"]: row["username"]
        for row in await Account.select(Account.id, Account.username).where(
            Account.id.is_in(list({item["account"] for item in items}))
        )
        if "@" in row["username"]
    }
    messages = []
    for item in items:
        if item["account"] in addresses:
            message = EmailMessage()
            message["From"], message["To"] = settings.smtp_sender, addresses[item["account"]]
            message["Subject"] = item["subject"]
            message.set_content(item["body"])
            messages.append(message)

    def send() -> None:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            for message in messages:
                smtp.send_message(message)

    if messages:
        try:
            await anyio.to_thread.run_sync(send)
        except OSError:
            log.exception("mailing %s notifications failed; they remain in the API", len(messages))
            return 0
        keys = [item["dedupe_key"] for item in items if item["account"] in addresses]
        async with write_transaction(Notification._meta.db):
            await Notification.update({Notification.mailed_at: utcnow()}).where(
                Notification.dedupe_key.is_in(keys)
            )
    return len(messages)


async def list_notifications(
    actor: Principal, unread_only: bool, page: PageRequest
) -> tuple[list[dict], int]:
    """The caller's own notifications, newest first."""
    condition = Notification.account == actor.account_id
    if unread_only:
        condition &= Notification.read_at.is_null()
    query = Notification.select(*COLUMNS).where(condition).order_by(Notification.id, ascending=False)
    return await query.limit(page.limit).offset(page.offset), await Notification.count().where(condition)


async def get_notification(actor: Principal, notification_id: int) -> dict:
    """One of the caller's own notifications (another's is not found)."""
    row = (
        await Notification.select(*COLUMNS)
        .where((Notification.id == notification_id) & (Notification.account == actor.account_id))
        .first()
    )
    if row is None:
        raise NotFound(f"notification {notification_id} not found", "Không tìm thấy thông báo này.")
    return row


async def unread_count(account_id: int) -> int:
    return await Notification.count().where(
        (Notification.account == account_id) & Notification.read_at.is_null()
    )


async def mark_all_read(actor: Principal) -> int:
    async with write_transaction(Notification._meta.db):
        updated = (
            await Notification.update({Notification.read_at: utcnow()})
            .where((Notification.account == actor.account_id) & Notification.read_at.is_null())
            .returning(Notification.id)
        )
    return len(updated)


async def mark_read(actor: Principal, notification_id: int) -> None:
    async with write_transaction(Notification._meta.db):
        updated = (
            await Notification.update({Notification.read_at: utcnow()})
            .where((Notification.id == notification_id) & (Notification.account == actor.account_id))
            .returning(Notification.id)
        )
    if not updated:
        raise NotFound(f"notification {notification_id} not found", "Không tìm thấy thông báo này.")
