"""The task rules the pages and reports print, table-driven at their boundaries, on both engines:
timeliness, overdue as of a date, the list filters, and what a progress report may say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from piccolo.columns.combination import WhereRaw

from core.errors import InvalidInput
from core.paging import PageRequest
from models.plans.rules import MAX_NOTE, late_sql, status_title
from models.plans.tables import Task
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
from models.units.tables import Unit
from tests.world import World, build_world

pytestmark = pytest.mark.anyio

DUE = date(2024, 6, 30)  # the due day of the world's task II.1
DAY = timedelta(days=1)


def morning(day: date) -> datetime:
    """10:00 in the province (UTC+7) on ``day``."""
    return datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)


async def add_task(w: World, code: str, area: str, unit: int, deadline: date | None, **extra) -> int:
    definition = TaskDefinition(code, area, f"Nhiệm vụ {code}", unit, deadline=deadline, **extra)
    return (await create_task(w.staff, w.plan_id, definition, now=morning(date(2024, 1, 5))))["id"]


async def complete(w: World, task_id: int, on: date) -> dict:
    report = ProgressReport("completed", note="Đã hoàn thành", completed_on=on)
    return await report_progress(w.staff, task_id, report, now=morning(on + 5 * DAY))


# Rule: timeliness — a task completed on or before its deadline is on time, after it late; an
# ongoing ("thường xuyên") task is due on the last day of the plan's year.
@pytest.mark.parametrize(
    ("ongoing", "completed_on", "timeliness"),
    [
        (False, DUE - DAY, "on_time"),
        (False, DUE, "on_time"),
        (False, DUE + DAY, "late"),
        (True, date(2024, 12, 31), "on_time"),
        (True, date(2025, 1, 1), "late"),
    ],
)
async def test_timeliness_at_the_due_day(db, ongoing, completed_on, timeliness):
    w = await build_world()
    task_id = await add_task(w, "T.1", "institutions", w.unit_a, None if ongoing else DUE, ongoing=ongoing)
    task = await complete(w, task_id, completed_on)
    assert (task["completed_on"], task["timeliness"]) == (completed_on, timeliness)
    assert task["overdue"] is False  # a completed task is never overdue


async def test_a_task_not_completed_has_no_timeliness(db):
    w = await build_world()
    task = await report_progress(w.staff, w.task_a, ProgressReport("in_progress", 50), now=morning(DUE))
    assert task["timeliness"] is None


# Rule: overdue as of a date — an open task is overdue from the day after its deadline; a
# completed or cancelled one never is.
@pytest.mark.parametrize(
    ("status", "as_of", "overdue"),
    [
        ("not_started", DUE - DAY, False),
        ("not_started", DUE, False),
        ("not_started", DUE + DAY, True),
        ("in_progress", DUE, False),
        ("in_progress", DUE + DAY, True),
        ("completed", DUE + DAY, False),
        ("cancelled", DUE + DAY, False),
    ],
)
async def test_overdue_as_of_a_date(db, status, as_of, overdue):
    w = await build_world()
    if status != "not_started":
        report = ProgressReport(status, 40 if status == "in_progress" else None, note="Cập nhật")
        await report_progress(w.staff, w.task_a, report, now=morning(DUE - 10 * DAY))
    task = await get_task(w.task_a, as_of)
    assert (task["status"], task["overdue"]) == (status, overdue)


@dataclass(frozen=True)
class FilterCase:
    name: str
    flt: TaskFilter
    codes: list[str]


AS_OF = DUE  # II.1 is due today, A.1 was due yesterday, B.1 is due tomorrow
FILTERS = [
    FilterCase("no filter", TaskFilter(today=AS_OF), ["A.1", "A.2", "B.1", "B.2", "C.1", "II.1", "VII.1"]),
    FilterCase("area", TaskFilter(area="institutions", today=AS_OF), ["A.1", "A.2", "II.1"]),
    FilterCase("status", TaskFilter(status="not_started", today=AS_OF), ["A.2", "B.1", "II.1", "VII.1"]),
    FilterCase("due on or after", TaskFilter(due_after=DUE, today=AS_OF), ["A.2", "B.1", "II.1"]),
    FilterCase(
        "due on or before", TaskFilter(due_before=DUE - DAY, today=AS_OF), ["A.1", "B.2", "C.1", "VII.1"]
    ),
    FilterCase("overdue", TaskFilter(overdue=True, today=AS_OF), ["A.1", "VII.1"]),
    FilterCase("not overdue", TaskFilter(overdue=False, today=AS_OF), ["A.2", "B.1", "B.2", "C.1", "II.1"]),
    FilterCase(
        "area and status", TaskFilter(area="digital_government", status="not_started"), ["B.1", "VII.1"]
    ),
]


@pytest.fixture
async def filter_world(db) -> World:
    """The world's II.1 (institutions, due 30/06) and VII.1 (digital government, due 31/03), both
    not started, and five more around the same days in every state."""
    w = await build_world()
    await add_task(w, "A.2", "institutions", w.unit_b, DUE)
    await add_task(w, "B.1", "digital_government", w.unit_a, DUE + DAY)
    a1 = await add_task(w, "A.1", "institutions", w.unit_a, DUE - DAY)
    await report_progress(w.staff, a1, ProgressReport("in_progress", 30), now=morning(date(2024, 6, 1)))
    b2 = await add_task(w, "B.2", "digital_government", w.unit_b, date(2024, 6, 1))
    await complete(w, b2, date(2024, 6, 5))
    c1 = await add_task(w, "C.1", "leadership", w.unit_a, date(2024, 5, 1))
    await report_progress(
        w.staff, c1, ProgressReport("cancelled", note="Điều chỉnh"), now=morning(date(2024, 6, 1))
    )
    return w


@pytest.mark.parametrize("case", FILTERS, ids=[case.name for case in FILTERS])
async def test_each_task_filter(filter_world, case):
    """Rule: the plan page's filters (area, status, due before/after, overdue yes/no)."""
    found, total = await list_tasks(filter_world.plan_id, case.flt, PageRequest(limit=50))
    assert sorted(task["code"] for task in found) == case.codes
    assert total == len(case.codes)
    if case.flt.overdue is not None:
        assert {task["overdue"] for task in found} == {case.flt.overdue}


async def test_the_sql_twin_of_late_picks_the_tasks_completed_after_their_deadline(filter_world):
    """Rule: timeliness "late" as the summary's SQL applies it (models.plans.rules.late_sql)."""
    late = await Task.select(Task.code).where(WhereRaw(late_sql()))
    assert [row["code"] for row in late] == ["B.2"]


def test_a_status_title_is_plain_unless_overdue():
    assert status_title("in_progress") == "Đang thực hiện"
    assert status_title("in_progress", overdue=True) == "Đang thực hiện (quá hạn)"


# Rule: what a progress report may say — progress 0..100, a note of at most MAX_NOTE
# characters, a completion date not after today.
@pytest.mark.parametrize(
    ("report", "field"),
    [
        (ProgressReport("in_progress", 100), None),
        (ProgressReport("in_progress", 0), None),
        (ProgressReport("in_progress", 101), "progress"),
        (ProgressReport("in_progress", -1), "progress"),
        (ProgressReport("in_progress", 10, note="x" * MAX_NOTE), None),
        (ProgressReport("in_progress", 10, note="x" * (MAX_NOTE + 1)), "note"),
        (ProgressReport("completed", note="Xong", completed_on=DUE), None),
        (ProgressReport("completed", note="Xong", completed_on=DUE + DAY), "completed_on"),
        (ProgressReport("not_started", 1), "progress"),
        (ProgressReport("in_progress", 50, completed_on=DUE), "completed_on"),  # not silently dropped
        (ProgressReport("not_started", 0, completed_on=DUE), "completed_on"),
        (ProgressReport("in_progress", 50, completed_on=None), None),
    ],
)
async def test_what_a_progress_report_may_say(db, report, field):
    w = await build_world()
    if field is None:
        task = await report_progress(w.head_a, w.task_a, report, now=morning(DUE))
        assert task["version"] == 2 and task["status"] == report.status
        return
    with pytest.raises(InvalidInput) as refused:
        await report_progress(w.head_a, w.task_a, report, now=morning(DUE))
    assert [error.field for error in refused.value.errors] == [field]
    assert (await get_task(w.task_a))["version"] == 1


# Rule: a refused progress report names the field, says why in English (the API's reason) and in
# Vietnamese (what the web form shows beside the field).
@pytest.mark.parametrize(
    ("report", "field", "reason", "message"),
    [
        (
            ProgressReport("paused", 10),
            "status",
            "one of not_started, in_progress, completed, cancelled",
            "Trạng thái không hợp lệ.",
        ),
        (ProgressReport("in_progress", 101), "progress", "between 0 and 100", "Tiến độ phải từ 0 đến 100%."),
        (
            ProgressReport("in_progress", 10, note="x" * (MAX_NOTE + 1)),
            "note",
            f"at most {MAX_NOTE} characters",
            f"Ghi chú tối đa {MAX_NOTE} ký tự.",
        ),
        (
            ProgressReport("completed"),
            "note",
            "completing a task needs a note or evidence",
            "Khi báo cáo hoàn thành cần ghi chú kết quả hoặc đính kèm minh chứng.",
        ),
        (
            ProgressReport("not_started", 5),
            "progress",
            "a task not started has 0% progress",
            "Nhiệm vụ chưa triển khai thì tiến độ là 0%.",
        ),
        (
            ProgressReport("in_progress", 50, completed_on=DUE),
            "completed_on",
            "only a completed task has a completion date",
            "Chỉ ghi ngày hoàn thành khi chọn trạng thái “Hoàn thành”; nếu nhiệm vụ chưa xong, hãy để trống ô này.",
        ),
    ],
)
async def test_a_refused_report_says_why_in_both_languages(db, report, field, reason, message):
    w = await build_world()
    with pytest.raises(InvalidInput) as refused:
        await report_progress(w.head_a, w.task_a, report, now=morning(DUE))
    assert [(e.field, e.reason, e.message) for e in refused.value.errors] == [(field, reason, message)]


# Rule: a completion date is not before the day of the task's latest update saying it was not
# complete: in progress (70%) on 05/07, it was not done on 04/07 (a back-dated completion turned
# an overdue task into one completed on time). The history entry keeps the date claimed.
@pytest.mark.parametrize(
    ("completed_on", "refused"),
    [(DUE + 4 * DAY, True), (DUE + 5 * DAY, False), (DUE + 6 * DAY, False)],
)
async def test_a_completion_is_not_dated_before_an_update_saying_not_complete(db, completed_on, refused):
    w = await build_world()
    late = ProgressReport("in_progress", 70, note="Chậm do chờ ý kiến của bộ.")
    await report_progress(w.head_a, w.task_a, late, now=morning(DUE + 5 * DAY))
    report = ProgressReport("completed", note="Đã ban hành, chậm do chờ ý kiến.", completed_on=completed_on)
    if refused:
        with pytest.raises(InvalidInput) as refusal:
            await report_progress(w.head_a, w.task_a, report, now=morning(DUE + 10 * DAY))
        assert [(e.field, e.message) for e in refusal.value.errors] == [
            (
                "completed_on",
                "Ngày hoàn thành không được trước ngày 05/07/2024: "
                "cập nhật tiến độ ngày đó ghi nhiệm vụ chưa hoàn thành.",
            )
        ]
        assert (await get_task(w.task_a))["status"] == "in_progress"
        return
    task = await report_progress(w.head_a, w.task_a, report, now=morning(DUE + 10 * DAY))
    assert (task["completed_on"], task["timeliness"]) == (completed_on, "late")
    entry = (await task_history(w.task_a))[-1]
    assert entry["completed_on"] == completed_on and "completed_on" in entry["changed_fields"]


# Rule: an update leaving the task overdue, or completing it after its deadline, explains the
# delay in its note; on or before the deadline none is asked (completing still needs a note or
# evidence).
OVERDUE = "Nhiệm vụ đã quá hạn (hạn 30/06/2024): nêu lý do chậm và giải pháp."
LATE = "Nhiệm vụ hoàn thành sau thời hạn (hạn 30/06/2024): nêu lý do chậm."
NO_RESULT = "Khi báo cáo hoàn thành cần ghi chú kết quả hoặc đính kèm minh chứng."


@pytest.mark.parametrize(
    ("day", "report", "message"),
    [
        (DUE, ProgressReport("in_progress", 80), None),
        (DUE + DAY, ProgressReport("in_progress", 80), OVERDUE),
        (DUE + DAY, ProgressReport("in_progress", 80, note="   "), OVERDUE),
        (DUE + DAY, ProgressReport("in_progress", 80, note="Chậm do thiếu kinh phí."), None),
        (DUE + DAY, ProgressReport("completed"), LATE),
        (DUE + DAY, ProgressReport("completed", note="Chậm do chờ ý kiến bộ."), None),
        (DUE + DAY, ProgressReport("completed", completed_on=DUE), NO_RESULT),  # done on time
        (DUE, ProgressReport("completed"), NO_RESULT),
    ],
)
async def test_a_delay_is_explained_in_the_update(db, day, report, message):
    w = await build_world()
    if message is None:
        task = await report_progress(w.head_a, w.task_a, report, now=morning(day))
        assert task["version"] == 2
        return
    with pytest.raises(InvalidInput) as refused:
        await report_progress(w.head_a, w.task_a, report, now=morning(day))
    assert [(e.field, e.message) for e in refused.value.errors] == [("note", message)]


async def test_the_task_note_is_its_latest_updates(db):
    """Rule: the task's note is the latest update's, none when that update had none (a completion
    with evidence only left the in-progress note showing as the latest)."""
    w = await build_world()
    first = ProgressReport("in_progress", 50, note="Đang lấy ý kiến các sở.")
    assert (await report_progress(w.head_a, w.task_a, first, now=morning(DUE - DAY)))["note"] == first.note
    task = await report_progress(w.head_a, w.task_a, ProgressReport("in_progress", 60), now=morning(DUE))
    assert task["note"] == ""


# Rule: a task's lead and coordinating units existed during the plan's year (2024 here); a unit
# already on the task is not judged again when the rest of it is edited.
@pytest.mark.parametrize(
    ("valid_from", "valid_to", "refused"),
    [
        (None, date(2023, 12, 31), True),
        (None, date(2024, 1, 1), False),
        (None, date(2024, 6, 30), False),  # closed part-way through the year
        (date(2024, 12, 31), None, False),
        (date(2025, 1, 1), None, True),
    ],
)
async def test_a_task_goes_to_units_in_force_during_the_plans_year(db, valid_from, valid_to, refused):
    w = await build_world()
    await Unit.update({Unit.valid_from: valid_from, Unit.valid_to: valid_to}).where(Unit.id == w.unit_b)
    as_lead = TaskDefinition("L.1", "institutions", "Nhiệm vụ L.1", w.unit_b, deadline=DUE)
    as_coordinator = TaskDefinition(
        "C.1", "institutions", "Nhiệm vụ C.1", w.unit_a, coordinating_unit_ids=(w.unit_b,), deadline=DUE
    )
    for definition, field in ((as_lead, "lead_unit_id"), (as_coordinator, "coordinating_unit_ids")):
        if not refused:
            await create_task(w.staff, w.plan_id, definition)
            continue
        with pytest.raises(InvalidInput) as refusal:
            await create_task(w.staff, w.plan_id, definition)
        assert [e.field for e in refusal.value.errors] == [field]
        assert "Sở Y tế không hoạt động trong năm 2024" in refusal.value.errors[0].message


async def test_a_task_whose_unit_closed_since_can_still_be_edited(db):
    w = await build_world()
    await Unit.update({Unit.valid_to: date(2023, 6, 30)}).where(Unit.id == w.unit_b)
    edited = await edit_task(w.staff, w.task_b, {"title": "Số hóa hồ sơ bệnh án điện tử"})
    assert edited["lead_unit"] == w.unit_b  # VII.1, led by the unit closed since
    with pytest.raises(InvalidInput) as refusal:
        await edit_task(w.staff, w.task_a, {"lead_unit_id": w.unit_b})
    assert [e.field for e in refusal.value.errors] == ["lead_unit_id"]
