"""Task rules: who may change what, completion needs proof, history is complete, and
concurrent writers never lose an update."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, date, datetime

import pytest

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleVersion
from core.paging import PageRequest
from models.plans.tables import TaskEvent
from models.plans.tasks import (
    ProgressReport,
    TaskDefinition,
    TaskFilter,
    create_task,
    edit_task,
    get_task,
    list_tasks,
    report_progress,
    task_history,
)
from tests.world import build_world

pytestmark = pytest.mark.anyio

MAY = datetime(2024, 5, 2, 3, 0, tzinfo=UTC)


async def test_unit_head_updates_own_task_and_history_records_it(db):
    w = await build_world()
    task = await report_progress(
        w.head_a, w.task_a, ProgressReport("in_progress", 40, "Đang rà soát"), now=MAY
    )
    assert (task["status"], task["progress"], task["version"]) == ("in_progress", 40, 2)
    history = await task_history(w.task_a)
    assert [e["kind"] for e in history] == ["created", "progress"]
    last = history[-1]
    assert (last["old_status"], last["new_status"], last["old_progress"], last["new_progress"]) == (
        "not_started",
        "in_progress",
        0,
        40,
    )
    assert last["actor_username"] == "head_a" and last["note"] == "Đang rà soát"


async def test_unit_head_is_refused_another_units_task(db):
    w = await build_world()
    with pytest.raises(PermissionDenied, match=r"^a unit head may change only tasks their unit leads$"):
        await report_progress(w.head_a, w.task_b, ProgressReport("in_progress", 10), now=MAY)
    assert (await get_task(w.task_b))["version"] == 1


async def test_viewer_may_not_report_or_edit(db):
    w = await build_world()
    with pytest.raises(PermissionDenied):
        await report_progress(w.viewer, w.task_a, ProgressReport("in_progress", 10), now=MAY)
    with pytest.raises(PermissionDenied):
        await edit_task(w.viewer, w.task_a, {"title": "x"})


async def test_unit_head_may_not_edit_definitions_or_create_tasks(db):
    w = await build_world()
    with pytest.raises(PermissionDenied):
        await edit_task(w.head_a, w.task_a, {"deadline": date(2024, 12, 31)})
    with pytest.raises(PermissionDenied):
        await create_task(
            w.head_a,
            w.plan_id,
            TaskDefinition("X.1", "institutions", "t", w.unit_a, deadline=date(2024, 5, 1)),
        )


async def test_completing_needs_a_note_or_evidence(db):
    w = await build_world()
    with pytest.raises(InvalidInput) as error:
        await report_progress(w.head_a, w.task_a, ProgressReport("completed"), now=MAY)
    assert error.value.errors[0].field == "note"
    task = await report_progress(
        w.head_a, w.task_a, ProgressReport("completed", note="Đã ban hành báo cáo"), now=MAY
    )
    assert task["progress"] == 100 and task["completed_on"] == date(2024, 5, 2)
    assert task["timeliness"] == "on_time"


async def test_only_staff_reopen_a_completed_task(db):
    w = await build_world()
    await report_progress(w.head_a, w.task_a, ProgressReport("completed", note="xong"), now=MAY)
    with pytest.raises(PermissionDenied):
        await report_progress(w.head_a, w.task_a, ProgressReport("in_progress", 80), now=MAY)
    reopened = await report_progress(w.staff, w.task_a, ProgressReport("in_progress", 80, "Mở lại"), now=MAY)
    assert reopened["status"] == "in_progress" and reopened["completed_on"] is None


async def test_unit_head_may_not_cancel(db):
    w = await build_world()
    with pytest.raises(PermissionDenied):
        await report_progress(w.head_a, w.task_a, ProgressReport("cancelled", note="bỏ"), now=MAY)
    cancelled = await report_progress(
        w.admin, w.task_a, ProgressReport("cancelled", note="Điều chỉnh"), now=MAY
    )
    assert cancelled["status"] == "cancelled"


async def test_bad_values_are_rejected_without_writing(db):
    w = await build_world()
    for report, field in [
        (ProgressReport("finished", 10), "status"),
        (ProgressReport("in_progress", 101), "progress"),
        (ProgressReport("not_started", 20), "progress"),
        (ProgressReport(), "status"),
    ]:
        with pytest.raises(InvalidInput) as error:
            await report_progress(w.head_a, w.task_a, report, now=MAY)
        assert error.value.errors[0].field == field
    assert len(await task_history(w.task_a)) == 1
    with pytest.raises(NotFound):
        await report_progress(w.head_a, 999_999, ProgressReport("in_progress", 10), now=MAY)


async def test_stale_version_is_refused(db):
    w = await build_world()
    await report_progress(w.head_a, w.task_a, ProgressReport("in_progress", 10), expected_version=1, now=MAY)
    with pytest.raises(StaleVersion) as error:
        await report_progress(
            w.staff, w.task_a, ProgressReport("in_progress", 20), expected_version=1, now=MAY
        )
    assert error.value.current_version == 2
    assert (await get_task(w.task_a))["progress"] == 10


async def test_concurrent_updates_lose_nothing(db):
    w = await build_world()
    writers = 12
    await asyncio.gather(
        *(
            report_progress(w.head_a, w.task_a, ProgressReport("in_progress", p, f"lần {p}"), now=MAY)
            for p in range(1, writers + 1)
        )
    )
    task = await get_task(w.task_a)
    assert task["version"] == 1 + writers
    events = (
        await TaskEvent.select(TaskEvent.version, TaskEvent.old_progress, TaskEvent.progress)
        .where(TaskEvent.task == w.task_a)
        .order_by(TaskEvent.version)
    )
    assert [e["version"] for e in events] == list(range(1, writers + 2))
    # Each event's "old" value is exactly the previous event's "new" value: no write was lost.
    for before, after in itertools.pairwise(events):
        assert after["old_progress"] == before["progress"]
    assert sorted(e["progress"] for e in events[1:]) == list(range(1, writers + 1))


async def test_edit_definition_records_changed_fields(db):
    w = await build_world()
    task = await edit_task(
        w.staff, w.task_a, {"deadline": date(2024, 9, 30), "lead_unit_id": w.unit_b}, now=MAY
    )
    assert task["lead_unit"] == w.unit_b and task["deadline"] == date(2024, 9, 30)
    # unit B led the task now, so it is no longer also a coordinating unit
    assert sorted((await task_history(w.task_a))[-1]["changed_fields"]) == [
        "coordinating_unit_ids",
        "deadline",
        "lead_unit",
    ]
    assert task["coordinating_unit_ids"] == []


async def test_duplicate_code_and_unknown_units_are_rejected(db):
    w = await build_world()
    with pytest.raises(Conflict):
        await create_task(
            w.staff,
            w.plan_id,
            TaskDefinition("II.1", "institutions", "again", w.unit_a, deadline=date(2024, 5, 1)),
        )
    with pytest.raises(InvalidInput) as error:
        await create_task(
            w.staff, w.plan_id, TaskDefinition("II.9", "nowhere", "t", 424242, coordinating_unit_ids=(5151,))
        )
    fields = {e.field for e in error.value.errors}
    assert fields == {"area", "lead_unit_id", "coordinating_unit_ids", "deadline"}


async def test_ongoing_task_is_due_at_year_end(db):
    w = await build_world()
    task = await create_task(
        w.staff, w.plan_id, TaskDefinition("I.9", "leadership", "Tuyên truyền", w.unit_a, ongoing=True)
    )
    assert task["deadline"] == date(2024, 12, 31) and task["ongoing"]


async def test_filters_and_diacritic_insensitive_search(db):
    w = await build_world()
    page = PageRequest(limit=10)
    found, total = await list_tasks(w.plan_id, TaskFilter(q="VAN BAN quy pham"), page)
    assert total == 1 and found[0]["id"] == w.task_a
    overdue, _ = await list_tasks(w.plan_id, TaskFilter(overdue=True, today=date(2024, 4, 1)), page)
    assert [t["code"] for t in overdue] == ["VII.1"]
    by_unit, _ = await list_tasks(w.plan_id, TaskFilter(lead_unit_id=w.unit_a), page)
    assert [t["id"] for t in by_unit] == [w.task_a]
    due, _ = await list_tasks(
        w.plan_id, TaskFilter(due_before=date(2024, 4, 30)), PageRequest(sort="-deadline")
    )
    assert [t["code"] for t in due] == ["VII.1"]
    with pytest.raises(InvalidInput):
        await list_tasks(w.plan_id, TaskFilter(), PageRequest(sort="password"))
