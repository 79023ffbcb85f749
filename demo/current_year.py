"""The demo's current year: a plan issued in January whose tasks stand in every state relative
to today (core.clock): done on time and late, overdue (started or not), due within the week,
in progress and not started with time left, ongoing, and one stopped. Units are those after the
2025 reorganisation (demo.loader). Each task's history is dated, from the plan's issue up to
yesterday, so the dashboard's figures for any past day are what was true that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.clock import local_zone
from models.permissions import Principal
from models.plans.plans import PlanData, create_plan_unchecked
from models.plans.tables import Plan
from models.plans.tasks import ProgressReport, TaskDefinition, create_task_unchecked, report_progress
from models.units.service import unit_ids_by_code
from models.vocabulary import TaskStatus

PLAN_NUMBER = "08/KH-UBND"
ISSUE_DAY = (1, 8)  # 8 January


@dataclass(frozen=True)
class DemoTask:
    """A task of the current year; days are relative to today (negative: in the past)."""

    code: str
    area: str
    title: str
    output: str
    lead: str
    coordinators: tuple[str, ...]
    deadline_in: int | None  # None: ongoing (thường xuyên)
    status: str
    progress: int
    completed_in: int | None = None  # a completed task's completion day


TASKS = (
    DemoTask(
        "I.1",
        "leadership",
        "Ban hành Kế hoạch kiểm tra công tác cải cách hành chính năm nay",
        "Kế hoạch kiểm tra",
        "SNV",
        ("VPUBND",),
        -70,
        TaskStatus.COMPLETED,
        100,
        -75,
    ),
    DemoTask(
        "I.2",
        "leadership",
        "Tổ chức Hội nghị triển khai nhiệm vụ cải cách hành chính sau sắp xếp bộ máy",
        "Hội nghị",
        "SNV",
        (),
        -45,
        TaskStatus.COMPLETED,
        100,
        -50,
    ),
    DemoTask(
        "I.3",
        "leadership",
        "Tuyên truyền cải cách hành chính trên Cổng thông tin điện tử tỉnh",
        "Tin, bài",
        "VPUBND",
        ("SVHTTDL",),
        None,
        TaskStatus.IN_PROGRESS,
        60,
    ),
    DemoTask(
        "II.1",
        "institutions",
        "Rà soát văn bản quy phạm pháp luật của tỉnh sau khi sắp xếp đơn vị hành chính",
        "Báo cáo rà soát",
        "STP",
        ("SNV",),
        -12,
        TaskStatus.IN_PROGRESS,
        70,
    ),
    DemoTask(
        "II.2",
        "institutions",
        "Ban hành quy định chức năng, nhiệm vụ của các sở sau hợp nhất",
        "Quyết định của UBND tỉnh",
        "SNV",
        ("STP",),
        -90,
        TaskStatus.COMPLETED,
        100,
        -84,
    ),
    DemoTask(
        "III.1",
        "procedures",
        "Công bố danh mục thủ tục hành chính thuộc thẩm quyền cấp xã sau sắp xếp",
        "Quyết định công bố",
        "VPUBND",
        ("STP",),
        3,
        TaskStatus.IN_PROGRESS,
        80,
    ),
    DemoTask(
        "III.2",
        "procedures",
        "Rà soát, cắt giảm thời gian giải quyết thủ tục hành chính lĩnh vực đất đai",
        "Phương án đơn giản hóa",
        "SNNMT",
        ("TTPVHCC",),
        1,
        TaskStatus.IN_PROGRESS,
        90,
    ),
    DemoTask(
        "III.3",
        "procedures",
        "Số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực",
        "Dữ liệu số hóa",
        "TTPVHCC",
        ("SKHCN",),
        6,
        TaskStatus.NOT_STARTED,
        0,
    ),
    DemoTask(
        "IV.1",
        "organisation",
        "Kiện toàn tổ chức bộ máy các sở sau hợp nhất ngày 1/3/2025",
        "Đề án kiện toàn",
        "SNV",
        (),
        -30,
        TaskStatus.COMPLETED,
        100,
        -33,
    ),
    DemoTask(
        "IV.2",
        "organisation",
        "Sắp xếp đơn vị sự nghiệp công lập lĩnh vực văn hóa, thể thao và du lịch",
        "Đề án sắp xếp",
        "SVHTTDL",
        ("SNV",),
        40,
        TaskStatus.IN_PROGRESS,
        35,
    ),
    DemoTask(
        "V.1",
        "civil_service",
        "Bồi dưỡng công chức cấp xã về chính quyền địa phương hai cấp",
        "Lớp bồi dưỡng",
        "SNV",
        (),
        75,
        TaskStatus.NOT_STARTED,
        0,
    ),
    DemoTask(
        "VI.1",
        "public_finance",
        "Giao quyền tự chủ tài chính cho đơn vị sự nghiệp công lập",
        "Quyết định giao tự chủ",
        "STC",
        (),
        -20,
        TaskStatus.NOT_STARTED,
        0,
    ),
    DemoTask(
        "VII.1",
        "digital_government",
        "Vận hành Hệ thống thông tin giải quyết thủ tục hành chính tỉnh cho cấp xã mới",
        "Hệ thống vận hành",
        "SKHCN",
        ("TTPVHCC",),
        -55,
        TaskStatus.COMPLETED,
        100,
        -60,
    ),
    DemoTask(
        "VII.2",
        "digital_government",
        "Kết nối, chia sẻ dữ liệu dân cư với hệ thống một cửa điện tử",
        "Dữ liệu kết nối",
        "SKHCN",
        ("TTPVHCC",),
        -6,
        TaskStatus.IN_PROGRESS,
        65,
    ),
    DemoTask(
        "VII.3",
        "digital_government",
        "Nâng tỷ lệ hồ sơ trực tuyến toàn trình lên 80%",
        "Báo cáo kết quả",
        "SKHCN",
        (),
        2,
        TaskStatus.IN_PROGRESS,
        85,
    ),
    DemoTask(
        "VII.4",
        "digital_government",
        "Bảo đảm an toàn thông tin cho hệ thống thông tin dùng chung của tỉnh",
        "Báo cáo đánh giá",
        "SKHCN",
        (),
        120,
        TaskStatus.NOT_STARTED,
        0,
    ),
    DemoTask(
        "VII.5",
        "digital_government",
        "Triển khai chữ ký số cho công chức cấp xã",
        "Chứng thư số",
        "SKHCN",
        ("SNV",),
        -25,
        TaskStatus.COMPLETED,
        100,
        -18,
    ),
    DemoTask(
        "VII.6",
        "digital_government",
        "Xây dựng kho dữ liệu dùng chung về hồ sơ công việc",
        "Kho dữ liệu",
        "SKHCN",
        (),
        30,
        TaskStatus.CANCELLED,
        10,
    ),
)


def _at(day: date, hour: int = 9) -> datetime:
    """``hour`` o'clock in the province on ``day``."""
    return datetime.combine(day, time(hour), tzinfo=local_zone())


def _within(day: date, first: date, last: date) -> date:
    return min(max(day, first), last)


async def load_current_plan(staff: Principal, today: date) -> int:
    """The current year's plan, once; returns how many tasks it was created with."""
    year = today.year
    if await Plan.exists().where((Plan.year == year) & (Plan.doc_number == PLAN_NUMBER)):
        return 0
    issued = _within(date(year, *ISSUE_DAY), date(year, 1, 1), today)
    yesterday = max(issued, today - timedelta(days=1))
    plan = await create_plan_unchecked(
        PlanData(
            year=year,
            title=f"Kế hoạch cải cách hành chính năm {year} của tỉnh Quảng Ninh",
            doc_number=PLAN_NUMBER,
            doc_date=issued,
            status="active",
        )
    )
    codes = {task.lead for task in TASKS} | {c for task in TASKS for c in task.coordinators}
    units = await unit_ids_by_code(codes)
    for item in TASKS:
        deadline = None
        if item.deadline_in is not None:  # within the plan's year
            deadline = min(today + timedelta(days=item.deadline_in), date(year, 12, 31))
        task = await create_task_unchecked(
            plan["id"],
            TaskDefinition(
                item.code,
                item.area,
                item.title,
                units[item.lead],
                item.output,
                tuple(units[c] for c in item.coordinators),
                None if deadline is None else max(deadline, issued),
                deadline is None,
            ),
            actor=staff,
            now=_at(issued),
        )
        await _history(staff, task["id"], item, issued, yesterday, today)
    return len(TASKS)


async def _history(
    actor: Principal, task_id: int, item: DemoTask, issued: date, yesterday: date, today: date
) -> None:
    """Started two weeks after the plan's issue (or earlier when the task ends sooner), then
    brought to its state of today."""
    if item.status == TaskStatus.NOT_STARTED:
        return
    finished = None if item.completed_in is None else today + timedelta(days=item.completed_in)
    started = _within(issued + timedelta(days=14), issued, min(yesterday, finished or yesterday))
    await report_progress(
        actor,
        task_id,
        ProgressReport(TaskStatus.IN_PROGRESS, min(item.progress, 30), "Đã triển khai thực hiện."),
        now=_at(started),
    )
    if item.status == TaskStatus.COMPLETED:
        done = _within(finished, started, yesterday)
        note = "Đã hoàn thành, có văn bản kết quả."
        report = ProgressReport(TaskStatus.COMPLETED, 100, note, completed_on=done)
        await report_progress(actor, task_id, report, now=_at(done, 16))
    elif item.status == TaskStatus.CANCELLED:
        note = "Dừng thực hiện theo chỉ đạo của UBND tỉnh, chuyển sang kế hoạch năm sau."
        await report_progress(
            actor, task_id, ProgressReport(item.status, item.progress, note), now=_at(yesterday)
        )
    elif item.progress > 30:
        note = "Đang tiếp tục thực hiện."
        when = _within(today - timedelta(days=3), started, yesterday)
        await report_progress(actor, task_id, ProgressReport(item.status, item.progress, note), now=_at(when))
