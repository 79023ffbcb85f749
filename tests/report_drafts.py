"""Drafts as staff leave them before issuing: something written under every section the
outline requires (reports.outline.REQUIRED), which issuing waits for."""

from __future__ import annotations

from models.permissions import Principal
from reports import runs as report_runs
from reports.outline import OUTLINE, REQUIRED


def required_text(key: str) -> str:
    return f"Nội dung chuyên viên viết cho mục {key}."


async def write_required(actor: Principal, period_key: str, scope_unit_id: int | None = None) -> None:
    """A paragraph added at the end of each required section, in the outline's order."""
    version = (await report_runs.open_draft(actor, period_key, scope_unit_id)).stored.version
    for item in OUTLINE:
        if item.key in REQUIRED:
            change = report_runs.DraftChange("add", section=item.key, text=required_text(item.key))
            view = await report_runs.change_draft(actor, period_key, scope_unit_id, change, version)
            version = view.stored.version
