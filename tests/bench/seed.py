"""Seed a benchmark database: units, one home-affairs account, an active 2024 plan, N tasks.

Import this module only after DATA_DIR and DATABASE_URL are set: importing the project's
modules reads core.settings (cached) and builds the Piccolo engine from DATABASE_URL.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.clock import local_date, utcnow
from core.db import close_engine, engine_from_url, write_transaction
from core.settings import get_settings
from core.text import fold, nfc
from models.accounts.service import AccountData, create_account_unchecked
from models.plans.plans import PlanData, create_plan_unchecked
from models.plans.tables import Task, TaskEvent
from models.plans.tasks import SNAPSHOT_FIELDS, TaskDefinition, create_task_unchecked
from models.units.service import UnitData, create_unit_unchecked
from models.vocabulary import Area, Role, TaskEventKind, TaskStatus, UnitKind, UnitLevel
from piccolo_app import use_engine

PLAN_YEAR = 2024
USERNAME = "bench"
PASSWORD = "bench-password-2024"
UNIT_COUNT = 40
# Tasks first created one by one through models.plans.tasks.create_task_unchecked, to time the
# domain path; the projected time for all tasks decides how the rest are created.
DOMAIN_SAMPLE = 200
DOMAIN_BUDGET_S = 20.0
BULK_BATCH = 500
# Status mix of bulk-seeded tasks (weights), so the summary has every kind of row to count.
STATUS_WEIGHTS = {
    TaskStatus.NOT_STARTED: 35,
    TaskStatus.IN_PROGRESS: 40,
    TaskStatus.COMPLETED: 20,
    TaskStatus.CANCELLED: 5,
}


@dataclass
class Seeded:
    plan_id: int
    unit_ids: list[int]
    task_ids: list[int]
    username: str = USERNAME
    password: str = PASSWORD
    timings: dict[str, float] = field(default_factory=dict)
    method: str = ""
    domain_tasks: int = 0
    bulk_tasks: int = 0


def _code(i: int) -> str:
    return f"NV-{i:05d}"


def _definition(i: int, rng: random.Random, unit_ids: list[int]) -> TaskDefinition:
    areas = list(Area)
    area = areas[i % len(areas)]
    ongoing = i % 10 == 0
    return TaskDefinition(
        code=_code(i),
        area=area.value,
        title=f"Nhiệm vụ {i}: {area.label} — triển khai nội dung số {i}",
        lead_unit_id=rng.choice(unit_ids),
        expected_output=f"Báo cáo kết quả nhiệm vụ {i}",
        deadline=None if ongoing else date(PLAN_YEAR, 1, 1) + timedelta(days=rng.randrange(366)),
        ongoing=ongoing,
        weight=float(rng.choice((1, 1, 1, 2, 3))),
    )


async def _units() -> list[int]:
    ids = []
    for n in range(UNIT_COUNT):
        is_department = n < UNIT_COUNT // 2
        row = await create_unit_unchecked(
            UnitData(
                code=f"BENCH-U{n:03d}",
                name=f"{'Sở' if is_department else 'UBND huyện'} thử nghiệm {n}",
                kind=(UnitKind.DEPARTMENT if is_department else UnitKind.DISTRICT_COMMITTEE).value,
                level=(UnitLevel.PROVINCE if is_department else UnitLevel.DISTRICT).value,
            )
        )
        ids.append(row["id"])
    return ids


def _bulk_rows(first: int, last: int, plan_id: int, rng: random.Random, unit_ids: list[int]) -> list[dict]:
    """Task states for codes first..last-1, built as create_task_unchecked would build them,
    but with a status mix (a task created through the API always starts not_started)."""
    now = utcnow()
    today = local_date(now)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    rows = []
    for i in range(first, last):
        data = _definition(i, rng, unit_ids)
        deadline = date(PLAN_YEAR, 12, 31) if data.ongoing else data.deadline
        status = rng.choices(statuses, weights)[0]
        progress, completed_on = 0, None
        if status == TaskStatus.IN_PROGRESS:
            progress = rng.randrange(1, 100)
        elif status == TaskStatus.COMPLETED:
            progress = 100
            completed_on = min(deadline + timedelta(days=rng.randrange(-60, 30)), today)
        elif status == TaskStatus.CANCELLED:
            progress = rng.randrange(0, 50)
        code, title = nfc(data.code), nfc(data.title)
        rows.append(
            {
                "plan": plan_id,
                "code": code,
                "area": data.area,
                "title": title,
                "expected_output": nfc(data.expected_output),
                "lead_unit": data.lead_unit_id,
                "deadline": deadline,
                "ongoing": data.ongoing,
                "status": status.value,
                "progress": progress,
                "weight": data.weight,
                "completed_on": completed_on,
                "note": "",
                "search_text": fold(f"{code} {title} {data.expected_output}"),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


async def _bulk_tasks(first: int, last: int, plan_id: int, rng: random.Random, unit_ids: list[int]) -> None:
    """Bulk-insert Task rows plus the matching "created" TaskEvent of each, in one transaction.

    Why not create_task_unchecked for every task: on SQLite, Piccolo opens a new aiosqlite
    connection (a new thread) for every query, and that function runs ~6 queries per task
    (plan lookup, unit check, duplicate check, insert, coordinators, event, then a re-read),
    so 10,000 tasks take several minutes — over the benchmark's time budget. The rows written
    here are the ones it would write: same columns, search_text folded the same way, and a
    "created" event (version 1, actor None, changed_fields = all snapshot fields) whose
    snapshot is the task's state, as models.plans.tasks._append_event writes it.
    """
    rows = _bulk_rows(first, last, plan_id, rng, unit_ids)
    async with write_transaction(Task._meta.db):
        for start in range(0, len(rows), BULK_BATCH):
            await Task.insert(*[Task(**row) for row in rows[start : start + BULK_BATCH]])
        codes = {row["code"] for row in rows}
        ids = {
            r["code"]: r["id"]
            for r in await Task.select(Task.id, Task.code).where(Task.plan == plan_id)
            if r["code"] in codes
        }
        events = [
            TaskEvent(
                task=ids[row["code"]],
                plan=plan_id,
                kind=TaskEventKind.CREATED.value,
                actor=None,
                changed_at=row["created_at"],
                version=1,
                old_status=None,
                old_progress=None,
                changed_fields=sorted(SNAPSHOT_FIELDS),
                note="",
                **{name: row[name] for name in SNAPSHOT_FIELDS},
            )
            for row in rows
        ]
        for start in range(0, len(events), BULK_BATCH):
            await TaskEvent.insert(*events[start : start + BULK_BATCH])


async def seed(task_count: int, rng_seed: int = 2024) -> Seeded:
    """Seed through the pooled engine the app itself binds, then close it."""
    engine = engine_from_url(get_settings().database_url)
    use_engine(engine)
    try:
        return await _seed(task_count, rng_seed)
    finally:
        await close_engine(engine)


async def _seed(task_count: int, rng_seed: int) -> Seeded:
    rng = random.Random(rng_seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    unit_ids = await _units()
    await create_account_unchecked(
        AccountData(USERNAME, "Chuyên viên đo hiệu năng", Role.HOME_AFFAIRS.value, unit_ids[0], PASSWORD)
    )
    plan = await create_plan_unchecked(
        PlanData(year=PLAN_YEAR, title="Kế hoạch CCHC năm 2024 (đo hiệu năng)", status="active")
    )
    plan_id = plan["id"]
    timings["units_account_plan_s"] = time.perf_counter() - started

    sample = min(DOMAIN_SAMPLE, task_count)
    t0 = time.perf_counter()
    for i in range(sample):
        await create_task_unchecked(plan_id, _definition(i, rng, unit_ids), actor=None)
    domain_s = time.perf_counter() - t0
    per_task = domain_s / sample if sample else 0.0
    projected = per_task * task_count
    timings["domain_sample_s"] = domain_s
    timings["domain_per_task_ms"] = per_task * 1000
    timings["domain_projected_all_s"] = projected

    t0 = time.perf_counter()
    if projected <= DOMAIN_BUDGET_S:
        method = "domain"
        for i in range(sample, task_count):
            await create_task_unchecked(plan_id, _definition(i, rng, unit_ids), actor=None)
    else:
        method = "domain_sample+bulk"
        await _bulk_tasks(sample, task_count, plan_id, rng, unit_ids)
    timings["rest_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - started

    task_ids = [r["id"] for r in await Task.select(Task.id).where(Task.plan == plan_id).order_by(Task.id)]
    if len(task_ids) != task_count:
        raise RuntimeError(f"seeded {len(task_ids)} tasks, expected {task_count}")
    return Seeded(
        plan_id=plan_id,
        unit_ids=unit_ids,
        task_ids=task_ids,
        timings=timings,
        method=method,
        domain_tasks=sample if method != "domain" else task_count,
        bulk_tasks=task_count - sample if method != "domain" else 0,
    )
