"""Collect: the figures of the demo province's reports, as of each period's cut-off."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import pytest

from core.clock import local_zone, stopped_at
from core.paging import PageRequest
from core.settings import get_settings
from core.text import format_date_long, format_int
from demo.dossiers import generate_demo_dossiers
from demo.loader import load_demo
from models.dossiers.ingest import import_file
from models.dossiers.stats import Scope, late_without_apology
from models.dossiers.tables import Dossier
from models.plans.progress import plan_summary
from models.plans.tables import Plan, TaskEvent
from models.units.service import unit_ids_by_code
from models.vocabulary import ProgressMethod
from reports import wording
from reports.collect import collect_report
from reports.data import TaskState, Unavailable
from reports.document import compose
from reports.issuers import issuing_unit
from reports.periods import Calendar, PeriodKind, period_for
from reports.render import render_report
from tests.reports.docx_read import full_text, load

pytestmark = pytest.mark.anyio
CALENDAR = dataclasses.replace(get_settings().report, calendar=Calendar.CALENDAR.value)


@pytest.fixture
async def demo(db):
    await load_demo()


async def test_the_2023_half_year_report_states_24_of_32(demo):
    data = await collect_report(period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR), CALENDAR)
    assert (data.plan.completed, data.plan.total) == (24, 32)
    document = full_text(load(render_report(data, compose(data), None)))
    assert "24/32 nhiệm vụ" in document and "6 tháng đầu năm 2023" in document
    assert data.period_label == "6 tháng đầu năm 2023"
    assert data.title.startswith("Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2023")
    assert sum(area.total for area in data.plan.areas) == 32
    assert all(line.state.unfinished for area in data.plan.areas for line in area.unfinished_tasks)
    assert data.issuer.issuing_body == CALENDAR.issuing_body
    assert data.dossiers is None and data.coverage.dossiers.received == 0  # no dossiers loaded here
    assert "Chưa có số liệu hồ sơ TTHC của kỳ báo cáo trên hệ thống." in document
    # Only results announced by 30/6/2023 (the 2022 ones, on 19/4/2023), never the assumed 2023 rank.
    assert {(line.kind, line.year) for line in data.indices} == {("par_index", 2022), ("sipas", 2022)}
    items = " ".join(wording.index_item(line) for line in data.indices)
    assert ") năm 2023" not in items and all(line.current for line in data.indices)
    assert data.coverage.indices_withheld >= 1


async def test_tasks_completed_after_the_cut_off_count_as_not_completed(demo):
    year = await collect_report(period_for(PeriodKind.ANNUAL, 2023, Calendar.CALENDAR), CALENDAR)
    half = await collect_report(period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR), CALENDAR)
    decree = await collect_report(period_for(PeriodKind.HALF_YEAR, 2023, Calendar.DECREE_09), CALENDAR)
    assert year.plan.completed > half.plan.completed >= decree.plan.completed
    assert len(half.plan.unfinished) == half.plan.total - half.plan.completed
    assert [t.overdue for t in half.plan.unfinished] == sorted(
        (t.overdue for t in half.plan.unfinished), reverse=True
    )


@pytest.mark.parametrize(
    "day, drawn_up_before, iii6, vi3",
    [  # III.6 is due on 31/5/2023 and done on 10/7; VI.3 is done on 10/6; the cut-off is 30/6
        (date(2023, 5, 31), date(2023, 5, 31), TaskState.IN_PROGRESS, TaskState.IN_PROGRESS),
        (date(2023, 6, 1), date(2023, 6, 1), TaskState.OVERDUE, TaskState.IN_PROGRESS),
        (date(2023, 6, 29), date(2023, 6, 29), TaskState.OVERDUE, TaskState.COMPLETED_ON_TIME),
        (date(2023, 6, 30), date(2023, 6, 30), TaskState.OVERDUE, TaskState.COMPLETED_ON_TIME),  # the day
        (date(2023, 7, 1), None, TaskState.OVERDUE, TaskState.COMPLETED_ON_TIME),
    ],
)
async def test_a_report_drawn_up_before_its_cut_off_states_that_days_figures(
    demo, day, drawn_up_before, iii6, vi3
):
    """Before the cut-off, what the tasks will be at the cut-off is not known: the report gives
    them as they stand that day, and says so, rather than call a task overdue that is not yet."""
    period = period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR)
    with stopped_at(datetime.combine(day, time(10), tzinfo=local_zone())):
        data = await collect_report(period, CALENDAR)
    assert data.drawn_up_before_cut_off == drawn_up_before
    assert data.figures_date == (drawn_up_before or period.end)
    states = {line.code: line.state for line in data.plan.tasks}
    assert (states["III.6"], states["VI.3"]) == (iii6, vi3)
    text = full_text(load(render_report(data, compose(data), None)))
    assert f"Tính đến {format_date_long(data.figures_date)}, đã hoàn thành" in text
    early = f"báo cáo lập trước ngày chốt số liệu nên số liệu tính đến {format_date_long(day)})"
    on_the_day = "báo cáo lập trong ngày chốt số liệu nên số liệu tính đến thời điểm lập báo cáo)"
    assert (early in text, on_the_day in text) == (day < period.end, day == period.end)


async def test_a_unit_report_covers_only_its_tasks(demo):
    unit_id = (await unit_ids_by_code({"STP"}))["STP"]
    data = await collect_report(
        period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR),
        CALENDAR,
        scope_unit_id=unit_id,
    )
    assert data.plan.total and {line.lead_unit for line in data.plan.tasks} == {data.scope_label}
    assert data.indices == ()


async def test_a_districts_report_says_which_tasks_its_communes_lead(demo):
    """The district's report counts the tasks of the units under it, and says so: first one task
    led by a commune only, then one led by the district itself as well."""
    ids = await unit_ids_by_code({"COTO", "OLD-TT-COTO", "STP"})
    period = period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR)
    tasks = [
        row["task"] for row in await TaskEvent.select(TaskEvent.task).where(TaskEvent.lead_unit == ids["STP"])
    ]
    commune_task, district_task = sorted(set(tasks))[:2]
    await TaskEvent.update({TaskEvent.lead_unit: ids["OLD-TT-COTO"]}).where(TaskEvent.task == commune_task)
    data = await collect_report(period, CALENDAR, scope_unit_id=ids["COTO"])
    assert (data.plan.total, data.plan.led_under) == (1, 1)
    assert ", các đơn vị trực thuộc UBND huyện Cô Tô chủ trì 1 nhiệm vụ." in wording.plan_opening(
        data.plan, data.scope_unit
    )
    await TaskEvent.update({TaskEvent.lead_unit: ids["COTO"]}).where(TaskEvent.task == district_task)
    data = await collect_report(period, CALENDAR, scope_unit_id=ids["COTO"])
    assert (data.plan.total, data.plan.led_under) == (2, 1)
    text = full_text(load(render_report(data, compose(data), None)))
    assert (
        ", UBND huyện Cô Tô và các đơn vị trực thuộc chủ trì 2 nhiệm vụ (UBND huyện Cô Tô trực tiếp chủ trì 1 nhiệm vụ)."
        in text
    )
    assert "Tỷ lệ thực hiện các nhiệm vụ do UBND huyện Cô Tô và các đơn vị trực thuộc chủ trì (" in text
    province = await collect_report(period, CALENDAR)
    assert province.plan.led_under == 0


@pytest.mark.parametrize(
    ("scope", "predecessor", "name"),
    [
        ("SNNMT", "STNMT", "Sở Tài nguyên và Môi trường"),  # departments merged on 1 March 2025
        ("DK-COTO", "OLD-TT-COTO", "UBND thị trấn Cô Tô"),  # a commune merged on 1 July 2025
    ],
)
async def test_a_merged_units_tasks_are_its_successors_own_and_said_to_be_from_before(
    demo, scope, predecessor, name
):
    """The tasks a unit led before it was merged count as its successor's own, said to be from
    before the reorganisation: the predecessor was never a unit under the successor."""
    ids = await unit_ids_by_code({scope, predecessor, "STP"})
    period = period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR)
    tasks = await TaskEvent.select(TaskEvent.task).where(TaskEvent.lead_unit == ids["STP"])
    earlier, own = sorted({row["task"] for row in tasks})[:2]
    await TaskEvent.update({TaskEvent.lead_unit: ids[predecessor]}).where(TaskEvent.task == earlier)
    await TaskEvent.update({TaskEvent.lead_unit: ids[scope]}).where(TaskEvent.task == own)
    data = await collect_report(period, CALENDAR, scope_unit_id=ids[scope])
    plan = data.plan
    assert (plan.total, plan.led_under, plan.led_merged, plan.merged_leaders) == (2, 0, 1, (name,))
    text = full_text(load(render_report(data, compose(data), None)))
    assert (
        f", {data.scope_label} chủ trì 2 nhiệm vụ (kể cả 1 nhiệm vụ do {name} chủ trì trước khi sắp xếp)."
        in text
    )
    assert "trực thuộc" not in text


async def test_a_communes_report_before_july_2025_goes_to_its_district(demo):
    """UBND thị trấn Cô Tô (closed on 30 June 2025, as its district) reported to UBND huyện Cô Tô, and the
    commune that followed it, UBND đặc khu Cô Tô, to the province's Sở Nội vụ."""
    ids = await unit_ids_by_code({"OLD-TT-COTO", "DK-COTO"})
    period = period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR)
    town = await collect_report(period, CALENDAR, scope_unit_id=ids["OLD-TT-COTO"])
    assert town.issuer.addressee == "Ủy ban nhân dân huyện Cô Tô"
    assert (town.issuer.issuing_body, town.issuer.place) == ("ỦY BAN NHÂN DÂN THỊ TRẤN CÔ TÔ", "Cô Tô")
    assert await issuing_unit(ids["OLD-TT-COTO"], period.end) == town.scope_unit
    # its 2025 report ends after the district did: it goes to the province's Sở Nội vụ
    year_2025 = period_for(PeriodKind.ANNUAL, 2025, Calendar.CALENDAR)
    town_2025 = await collect_report(year_2025, CALENDAR, scope_unit_id=ids["OLD-TT-COTO"])
    assert town_2025.issuer.addressee.startswith("Sở Nội vụ ")
    assert await issuing_unit(ids["OLD-TT-COTO"], year_2025.end) == town_2025.scope_unit
    later = await collect_report(
        period_for(PeriodKind.HALF_YEAR, 2026, Calendar.CALENDAR), CALENDAR, ids["DK-COTO"]
    )
    assert later.issuer.addressee.startswith("Sở Nội vụ ")


async def test_the_2020_dossier_figures_are_the_generated_ones(demo, tmp_path):
    path = tmp_path / "2020.csv"
    totals = await generate_demo_dossiers(path, 2020, 0.01)
    result = await import_file(path)
    assert result.rows_rejected == 0
    data = await collect_report(period_for(PeriodKind.ANNUAL, 2020, Calendar.CALENDAR), CALENDAR)
    figures = data.dossiers.current
    assert figures.reconciles()
    assert (figures.received, figures.resolved_early, figures.resolved_on_time, figures.resolved_late) == (
        totals.received,
        totals.resolved_early,
        totals.resolved_on_time,
        totals.resolved_late,
    )
    assert (figures.returned, figures.withdrawn) == (totals.returned, totals.withdrawn)
    _, listed = await late_without_apology(date(2020, 1, 1), date(2020, 12, 31), Scope(), PageRequest(1))
    assert data.dossiers.late_without_apology == listed >= totals.late_without_apology
    assert sum(row.figures.received for row in data.dossiers.by_level) == totals.received
    assert sum(row.figures.received for row in data.dossiers.by_unit) == totals.received
    assert sum(row.figures.resolved for row in data.dossiers.by_month) == figures.resolved
    assert data.dossiers.last_year is None
    assert data.procedures.total == 1882
    document = full_text(load(render_report(data, compose(data), None)))
    assert format_int(totals.received) in document and format_int(totals.resolved_early) in document


async def test_dossiers_of_a_report_drawn_up_early_are_those_of_that_day(demo, tmp_path):
    """On 10/6/2021, the 2021 half-year's dossiers are those received by that day, an open one is
    overdue only once its appointment day is over, and the comparison is with 1/1–10/6/2020."""
    for year in (2020, 2021):
        path = tmp_path / f"{year}.csv"
        await generate_demo_dossiers(path, year, 0.01)
        assert (await import_file(path)).rows_rejected == 0
    day = date(2021, 6, 10)
    period = period_for(PeriodKind.HALF_YEAR, 2021, Calendar.CALENDAR)
    with stopped_at(datetime.combine(day, time(10), tzinfo=local_zone())):
        early = await collect_report(period, CALENDAR)
    whole = await collect_report(period, CALENDAR)

    async def received(start: date, end: date) -> int:
        return await Dossier.count().where((Dossier.received_on >= start) & (Dossier.received_on <= end))

    open_overdue = await Dossier.count().where(  # due that day: within it, the day is not over
        (Dossier.received_on <= day)
        & (Dossier.closed_on.is_null() | (Dossier.closed_on > day))
        & (Dossier.due_on < day)
    )
    figures, last_year = early.dossiers.current, early.dossiers.last_year
    assert (figures.received, figures.open_overdue) == (await received(period.start, day), open_overdue)
    assert last_year.received == await received(date(2020, 1, 1), date(2020, 6, 10))
    assert open_overdue > 0 and figures.open_within_deadline > 0
    assert figures.received < whole.dossiers.current.received
    assert last_year.received < whole.dossiers.last_year.received
    assert not early.coverage.dossiers.partial  # the days it counts are all there
    text = full_text(load(render_report(early, compose(early), None)))
    assert "Đến ngày 10 tháng 6 năm 2021, đang giải quyết" in text


async def test_a_weighted_plan_prints_the_dashboards_percentage(demo):
    plan = await Plan.select(Plan.id).where(Plan.year == 2023).first()
    await Plan.update({Plan.progress_method: ProgressMethod.WEIGHTED.value}).where(Plan.id == plan["id"])
    # The history is what a past report reads: weigh the completed tasks' snapshots three times.
    await TaskEvent.update({TaskEvent.weight: 3.0}).where(
        (TaskEvent.plan == plan["id"]) & (TaskEvent.status == "completed")
    )
    period = period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR)
    summary = await plan_summary(plan["id"], as_of=period.end)
    data = await collect_report(period, CALENDAR)
    assert data.plan.percent == summary["percent"] and data.plan.progress_method == "weighted"
    assert f"đạt {wording.percent(summary['percent'])}." in full_text(
        load(render_report(data, compose(data), None))
    )
    unit_id = (await unit_ids_by_code({"STC"}))["STC"]
    unit_report = await collect_report(period, CALENDAR, scope_unit_id=unit_id)
    by_unit = next(row for row in summary["by_lead_unit"] if row["unit_id"] == unit_id)
    assert unit_report.plan.percent == by_unit["percent"]


@pytest.mark.parametrize(
    "day, total, entered_later",
    [  # the demo's 2023 tasks are entered on 10/1/2023
        (date(2023, 1, 9), 0, True),
        (date(2023, 1, 10), 32, False),
    ],
)
async def test_tasks_entered_after_the_day_of_the_figures_are_not_counted_but_said_to_exist(
    demo, day, total, entered_later
):
    period = period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR)
    with stopped_at(datetime.combine(day, time(23), tzinfo=local_zone())):
        data = await collect_report(period, CALENDAR)
    assert (data.plan.total, data.plan.entered_later, data.plan.as_of) == (total, entered_later, day)


async def test_the_2025_half_year_report_says_which_index_years_are_missing(demo):
    data = await collect_report(period_for(PeriodKind.HALF_YEAR, 2025, Calendar.CALENDAR), CALENDAR)
    lines = {line.kind: line for line in data.indices}
    # PAR INDEX 2023 is only an assumption; 2024 has no publication date (public from 31/12/2025)
    assert (lines["par_index"].year, lines["par_index"].unavailable) == (
        2022,
        ((2023, Unavailable.NOT_RECORDED), (2024, Unavailable.PUBLICATION_UNKNOWN)),
    )
    # SIPAS 2023 has no date either, but counts as public from 31/12/2024; 2024's does not yet
    assert (lines["sipas"].year, lines["sipas"].unavailable) == (
        2023,
        ((2024, Unavailable.PUBLICATION_UNKNOWN),),
    )
    assert not [fact for fact in wording.strength_facts(data) if "dẫn đầu" in fact]
