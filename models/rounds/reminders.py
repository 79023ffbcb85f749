"""The scheduled job "round_reminders": each open round's units yet to send (a draft, or
returned to them) are reminded before the deadline (3 days, 1 day) and weekly after it; each
notice once (models.rounds.rules.reminder_for gives its key)."""

from __future__ import annotations

from datetime import date, datetime

from core.clock import local_date
from core.text import format_int
from models.rounds.rounds import list_rounds, notify_units
from models.rounds.rules import counts_as_submitted, reminder_for
from models.rounds.tables import Submission
from models.vocabulary import RoundStatus


async def remind_units(today: date) -> int:
    """Send today's reminders; how many notifications were new."""
    sent = 0
    for round_row in await list_rounds():
        notice = reminder_for(round_row["deadline"], today)
        if round_row["status"] != RoundStatus.OPEN or notice is None:
            continue
        rows = await Submission.select(Submission.unit, Submission.status).where(
            Submission.round == round_row["id"]
        )
        pending = [row["unit"] for row in rows if not counts_as_submitted(row["status"])]
        kind, key = notice
        sent += await notify_units(round_row, kind, pending, key)
    return sent


async def round_reminders(schedule: dict, fire_time: datetime) -> str:
    """The scheduled job: ``remind_units`` on the firing's day (province time)."""
    return f"{format_int(await remind_units(local_date(fire_time)))} thông báo nhắc nộp báo cáo"
