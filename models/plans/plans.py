"""Yearly reform plans. At most one plan per year is active (also a unique index)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.clock import utcnow
from core.db import update_versioned
from core.errors import Conflict, FieldError, InvalidInput, NotFound, StaleVersion
from core.paging import PageRequest, apply_sort
from core.text import nfc
from models.permissions import Action, Principal
from models.plans.tables import Plan
from models.vocabulary import PlanStatus, ProgressMethod

PLAN_COLUMNS = (
    Plan.id,
    Plan.year,
    Plan.title,
    Plan.doc_number,
    Plan.doc_date,
    Plan.status,
    Plan.progress_method,
    Plan.manual_progress,
    Plan.version,
    Plan.created_at,
)
SORT_KEYS = {"year": Plan.year, "title": Plan.title, "status": Plan.status}
EDITABLE = ("year", "title", "doc_number", "doc_date", "status", "progress_method", "manual_progress")

PLAN_YEARS = range(2000, 2101)
"""The years a plan may be for; nothing in this system is dated before the first of them."""


@dataclass(frozen=True)
class PlanData:
    year: int
    title: str
    doc_number: str = ""
    doc_date: date | None = None
    status: str = PlanStatus.DRAFT.value
    progress_method: str = ProgressMethod.TASK_COUNT.value
    manual_progress: float | None = None


def _validate(data: PlanData) -> dict:
    if errors := _errors(data):
        raise InvalidInput("invalid plan", errors)
    return {
        Plan.year: data.year,
        Plan.title: nfc(data.title),
        Plan.doc_number: nfc(data.doc_number),
        Plan.doc_date: data.doc_date,
        Plan.status: data.status,
        Plan.progress_method: data.progress_method,
        Plan.manual_progress: data.manual_progress,
    }


def _errors(data: PlanData) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.year not in PLAN_YEARS:
        errors.append(FieldError("year", "between 2000 and 2100", "Năm kế hoạch không hợp lệ."))
    title = nfc(data.title)
    if not title or len(title) > 500:
        errors.append(FieldError("title", "1 to 500 characters", "Tên kế hoạch dài 1–500 ký tự."))
    if len(data.doc_number) > 64:
        errors.append(FieldError("doc_number", "at most 64 characters", "Số hiệu quá dài."))
    if data.status not in set(PlanStatus):
        errors.append(FieldError("status", f"one of {', '.join(PlanStatus)}", "Trạng thái không hợp lệ."))
    if data.progress_method not in set(ProgressMethod):
        errors.append(
            FieldError(
                "progress_method",
                f"one of {', '.join(ProgressMethod)}",
                "Cách tính tiến độ không hợp lệ.",
            )
        )
    if data.manual_progress is not None and not 0 <= data.manual_progress <= 100:
        errors.append(FieldError("manual_progress", "between 0 and 100", "Tiến độ từ 0 đến 100."))
    if data.progress_method == ProgressMethod.MANUAL and data.manual_progress is None:
        errors.append(FieldError("manual_progress", "required for the manual method", "Cần nhập tiến độ."))
    return errors


async def _active_conflict(year: int, status: str, plan_id: int | None) -> FieldError | None:
    if status != PlanStatus.ACTIVE:
        return None
    other = Plan.exists().where((Plan.year == year) & (Plan.status == PlanStatus.ACTIVE.value))
    if plan_id is not None:
        other = other.where(Plan.id != plan_id)
    if await other:
        return FieldError("status", "one active plan per year", "Mỗi năm chỉ có một kế hoạch đang thực hiện.")
    return None


async def _ensure_single_active(year: int, status: str, plan_id: int | None) -> None:
    if conflict := await _active_conflict(year, status, plan_id):
        raise Conflict(f"another plan is already active for {year}", [conflict])


async def plan_problems(data: PlanData, plan_id: int | None = None) -> list[FieldError]:
    """Everything creating ``data`` (or, with ``plan_id``, saving that plan as ``data``) would
    refuse, all at once: a form shows them with its own, and nothing is written meanwhile."""
    errors = _errors(data)
    if conflict := await _active_conflict(data.year, data.status, plan_id):
        errors.append(conflict)
    return errors


async def plan_change_problems(plan_id: int, changes: dict) -> list[FieldError]:
    """``plan_problems`` of the plan as ``changes`` would leave it."""
    return await plan_problems(_changed(await get_plan(plan_id), changes), plan_id)


def _changed(current: dict, changes: dict) -> PlanData:
    merged = {key: current[key] for key in EDITABLE}
    merged.update({k: v for k, v in changes.items() if k in EDITABLE})
    return PlanData(**merged)


async def create_plan(actor: Principal, data: PlanData) -> dict:
    actor.require(Action.MANAGE_PLANS)
    return await create_plan_unchecked(data)


async def create_plan_unchecked(data: PlanData) -> dict:
    values = _validate(data)
    await _ensure_single_active(data.year, data.status, None)
    plan = Plan(**{col._meta.name: v for col, v in values.items()}, version=1, created_at=utcnow())
    rows = await Plan.insert(plan).returning(Plan.id)
    return await get_plan(rows[0]["id"])


STALE_PLAN = "Kế hoạch đã được người khác cập nhật trước; vui lòng tải lại và thử lại."


async def update_plan(actor: Principal, plan_id: int, changes: dict, expected_version: int | None) -> dict:
    actor.require(Action.MANAGE_PLANS)
    current = await get_plan(plan_id)
    if expected_version is not None and expected_version != current["version"]:
        raise StaleVersion(current["version"], STALE_PLAN)
    data = _changed(current, changes)
    values = _validate(data)
    await _ensure_single_active(data.year, data.status, plan_id)
    await update_versioned(Plan, plan_id, values, current["version"], expected_version, STALE_PLAN)
    return await get_plan(plan_id)


async def get_plan(plan_id: int) -> dict:
    row = await Plan.select(*PLAN_COLUMNS).where(Plan.id == plan_id).first()
    if row is None:
        raise NotFound(f"plan {plan_id} not found", "Không tìm thấy kế hoạch này.")
    return row


async def list_plans(year: int | None, status: str | None, page: PageRequest) -> tuple[list[dict], int]:
    def filtered(query):
        if year is not None:
            query = query.where(Plan.year == year)
        if status:
            query = query.where(Plan.status == status)
        return query

    query = apply_sort(filtered(Plan.select(*PLAN_COLUMNS)), page.sort, SORT_KEYS, ["-year"])
    return await query.limit(page.limit).offset(page.offset), await filtered(Plan.count())


def active_or_first(plans: Sequence[dict]) -> dict | None:
    """The first active plan of ``plans`` (newest first), else the first; None when empty."""
    active = [plan for plan in plans if plan["status"] == PlanStatus.ACTIVE]
    return (active or plans or [None])[0]


async def active_or_newest_plan(year: int) -> dict | None:
    """The plan of ``year`` that reports and imports mean: its active plan, else its newest
    (the highest id); None when the year has no plan. Rows have the PLAN_COLUMNS."""
    rows = await Plan.select(*PLAN_COLUMNS).where(Plan.year == year).order_by(Plan.id, ascending=False)
    return active_or_first(rows)


async def plan_for_year(year: int) -> dict:
    """The plan an import for ``year`` goes into: ``active_or_newest_plan``, else a new draft
    (so an operator can load a freshly issued plan in one step)."""
    if (plan := await active_or_newest_plan(year)) is not None:
        return plan
    return await create_plan_unchecked(PlanData(year=year, title=f"Kế hoạch cải cách hành chính năm {year}"))
