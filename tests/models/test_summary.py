"""Summaries count from history, so a past date gives the figure that was true then."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.errors import InvalidInput
from models.plans.plans import update_plan
from models.plans.progress import plan_changes, plan_summary
from models.plans.tasks import ProgressReport, TaskDefinition, create_task, edit_task, report_progress
from tests.world import build_world

pytestmark = pytest.mark.anyio


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=3)


async def test_summary_as_of_past_dates_uses_history(db):
    w = await build_world(now=at(date(2024, 1, 5)))
    await report_progress(
        w.head_a, w.task_a, ProgressReport("completed", note="xong"), now=at(date(2024, 7, 10))
    )
    await report_progress(w.head_b, w.task_b, ProgressReport("in_progress", 50), now=at(date(2024, 2, 1)))

    before = await plan_summary(w.plan_id, as_of=date(2024, 1, 4))
    assert before["total"] == 0

    mid = await plan_summary(w.plan_id, as_of=date(2024, 4, 1))
    assert (mid["completed"], mid["total"], mid["in_progress"], mid["not_started"]) == (0, 2, 1, 1)
    assert mid["overdue"] == 1  # VII.1 was due 31/03/2024
    assert mid["label"] == "0/2 nhiệm vụ, 0%"

    later = await plan_summary(w.plan_id, as_of=date(2024, 7, 10))
    assert later["completed"] == 1 and later["completed_late"] == 1  # due 30/06, done 10/07
    assert later["label"] == "1/2 nhiệm vụ, 50%"
    areas = {a["area"]: a for a in later["by_area"]}
    assert areas["institutions"]["completed"] == 1 and areas["digital_government"]["overdue"] == 1
    units = {u["unit_code"]: u for u in later["by_lead_unit"]}
    assert units["STP"]["completed_late"] == 1 and units["SYT"]["overdue"] == 1

    now = await plan_summary(w.plan_id)
    assert now["completed"] == 1 and now["total"] == 2


async def test_cut_off_day_boundary_is_the_end_of_the_local_day(db):
    w = await build_world(now=at(date(2024, 1, 5)))
    # 23:30 on 30 June in Hanoi time is 16:30 UTC: it belongs to 30 June.
    late_evening = datetime(2024, 6, 30, 16, 30, tzinfo=UTC)
    await report_progress(w.head_a, w.task_a, ProgressReport("completed", note="xong"), now=late_evening)
    assert (await plan_summary(w.plan_id, as_of=date(2024, 6, 29)))["completed"] == 0
    assert (await plan_summary(w.plan_id, as_of=date(2024, 6, 30)))["completed"] == 1


async def test_progress_methods(db):
    w = await build_world(now=at(date(2024, 1, 5)))
    extra = await create_task(
        w.staff,
        w.plan_id,
        TaskDefinition("I.1", "leadership", "Chỉ đạo", w.unit_a, deadline=date(2024, 12, 31), weight=3),
    )
    await report_progress(
        w.head_a, w.task_a, ProgressReport("completed", note="xong"), now=at(date(2024, 2, 1))
    )
    await report_progress(w.head_a, extra["id"], ProgressReport("in_progress", 40), now=at(date(2024, 2, 1)))
    await report_progress(
        w.admin, w.task_b, ProgressReport("cancelled", note="điều chỉnh"), now=at(date(2024, 2, 1))
    )

    count = await plan_summary(w.plan_id)
    assert (count["completed"], count["total"], count["cancelled"], count["percent"]) == (1, 2, 1, 50.0)
    await update_plan(w.staff, w.plan_id, {"progress_method": "average"}, None)
    assert (await plan_summary(w.plan_id))["percent"] == 70.0  # (100 + 40) / 2
    await update_plan(w.staff, w.plan_id, {"progress_method": "weighted"}, None)
    assert (await plan_summary(w.plan_id))["percent"] == 55.0  # (1*100 + 3*40) / 4
    await update_plan(w.staff, w.plan_id, {"progress_method": "manual", "manual_progress": 78}, None)
    summary = await plan_summary(w.plan_id)
    assert summary["percent"] == 78.0 and summary["label"] == "1/2 nhiệm vụ, 78%"


async def test_changes_since_a_date(db):
    w = await build_world(now=at(date(2024, 1, 5)))
    await report_progress(w.head_a, w.task_a, ProgressReport("in_progress", 20), now=at(date(2024, 2, 1)))
    await report_progress(w.head_a, w.task_a, ProgressReport("in_progress", 60), now=at(date(2024, 4, 2)))
    await edit_task(w.staff, w.task_b, {"deadline": date(2024, 8, 31)}, now=at(date(2024, 4, 3)))
    added = await create_task(
        w.staff,
        w.plan_id,
        TaskDefinition("IV.1", "organisation", "Sắp xếp", w.unit_a, deadline=date(2024, 9, 1)),
        now=at(date(2024, 4, 5)),
    )
    cancelled = await create_task(
        w.staff,
        w.plan_id,
        TaskDefinition("V.1", "civil_service", "Tuyển dụng", w.unit_b, deadline=date(2024, 9, 1)),
        now=at(date(2024, 1, 6)),
    )
    await report_progress(
        w.staff, cancelled["id"], ProgressReport("cancelled", note="bỏ"), now=at(date(2024, 4, 6))
    )
    noted = await create_task(
        w.staff,
        w.plan_id,
        TaskDefinition("VI.1", "public_finance", "Tự chủ", w.unit_b, deadline=date(2024, 9, 1)),
        now=at(date(2024, 1, 7)),
    )
    # a note alone changes none of the fields the list follows: not a change
    await report_progress(w.staff, noted["id"], ProgressReport(note="Đang làm"), now=at(date(2024, 4, 7)))

    listed = await plan_changes(w.plan_id, date(2024, 4, 1))
    assert [c["code"] for c in listed] == ["II.1", "IV.1", "V.1", "VII.1"]  # by code, not by id
    changes = {c["code"]: c for c in listed}
    assert (changes["IV.1"]["title"], changes["IV.1"]["fields"]["code"]) == (
        "Sắp xếp",
        {"old": None, "new": "IV.1"},
    )
    assert str(changes["II.1"]["last_changed_at"])[:10] == "2024-04-02"
    assert changes["II.1"]["change"] == "modified"
    assert changes["II.1"]["fields"]["progress"] == {"old": 20, "new": 60}
    assert changes["VII.1"]["fields"]["deadline"]["new"] in (date(2024, 8, 31), "2024-08-31")
    assert changes["IV.1"]["change"] == "added" and changes["IV.1"]["task_id"] == added["id"]
    assert changes["V.1"]["change"] == "cancelled"
    assert await plan_changes(w.plan_id, date(2024, 5, 1)) == []


async def test_summary_follows_every_change_despite_the_cache(db):
    w = await build_world(now=at(date(2024, 1, 5)))
    first = await plan_summary(w.plan_id)
    assert first["completed"] == 0
    assert (await plan_summary(w.plan_id)) == first
    await report_progress(
        w.head_a, w.task_a, ProgressReport("completed", note="xong"), now=at(date(2024, 2, 1))
    )
    assert (await plan_summary(w.plan_id))["completed"] == 1
    await edit_task(w.staff, w.task_b, {"area": "institutions"}, now=at(date(2024, 2, 2)))
    areas = {a["area"]: a["total"] for a in (await plan_summary(w.plan_id))["by_area"]}
    assert areas == {"institutions": 2}
    await update_plan(w.staff, w.plan_id, {"progress_method": "average"}, None)
    assert (await plan_summary(w.plan_id))["percent"] == 50.0  # (100 + 0) / 2, method read fresh


@pytest.mark.parametrize(("since", "refused"), [(date(1999, 12, 31), True), (date(2000, 1, 1), False)])
async def test_changes_are_asked_for_from_the_first_plan_year(db, since, refused):
    """Rule: the changes since a day before 2000 (the first plan year) are refused, naming "since"."""
    w = await build_world()
    if not refused:
        assert [c["code"] for c in await plan_changes(w.plan_id, since)] == ["II.1", "VII.1"]
        return
    with pytest.raises(InvalidInput) as refused_error:
        await plan_changes(w.plan_id, since)
    assert [(e.field, e.reason, e.message) for e in refused_error.value.errors] == [
        ("since", "on or after 2000-01-01", "Ngày phải từ 01/01/2000 trở đi.")
    ]
