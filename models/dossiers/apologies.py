"""The daily check for late dossiers still owing an apology (phiếu xin lỗi), notified to each
unit's heads and to home-affairs staff."""

from __future__ import annotations

from datetime import date, datetime

from core.clock import local_date
from core.text import format_date_short, format_int
from models.dossiers.stats import Scope, UnitTree, dossier_stats
from models.notifications import service as notifications


async def sweep_late_dossiers(today: date) -> int:
    """Each unit with late dossiers still owing an apology this year, once a day, to its heads
    and to home-affairs staff."""
    stats = await dossier_stats(date(today.year, 1, 1), today, Scope(), ("unit",))
    staff = await notifications.active_staff()
    heads = await notifications.unit_heads()
    tree = await UnitTree.load()
    items = []
    for group in stats.groups:
        missing = group.figures.apologies_owed - group.figures.apologies_issued
        if missing <= 0:
            continue
        unit_id = group.key["unit"]
        subject = f"{group.key['unit_name']}: {format_int(missing)} hồ sơ quá hạn chưa có phiếu xin lỗi"
        members = tree.under(unit_id)
        recipients = staff + [h["id"] for u in members for h in heads.get(u, [])]
        for account_id in recipients:
            items.append(
                {
                    "account": account_id,
                    "kind": "dossier_apology_missing",
                    "subject": subject,
                    "body": f"Tính đến ngày {format_date_short(today)}.",
                    "task": None,
                    "dedupe_key": f"apology:{unit_id}:{today}:{account_id}",
                }
            )
    return await notifications.notify(items)


async def late_dossier_check(schedule: dict, fire_time: datetime) -> str:
    """The scheduled job "late_dossier_check": ``sweep_late_dossiers`` on the firing's day."""
    return f"{format_int(await sweep_late_dossiers(local_date(fire_time)))} thông báo mới"
