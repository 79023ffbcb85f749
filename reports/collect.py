"""Collect: every figure a report prints, read from the database as of the period's cut-off.

Tasks come from their history (the last snapshot written before the end of the cut-off day),
so a task completed after the cut-off counts as not completed. Dossier figures come from
models.dossiers.stats in two scans of the covering index (the period grouped by unit and
level, and resolutions by day for the chart); the same period a year earlier is a third,
small one.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date

from core.clock import end_of_day
from core.paging import PageRequest
from core.settings import ReportSettings
from models.dossiers.stats import Figures, Scope, UnitTree, dossier_stats, resolutions_by_day
from models.indices.service import IndexFilter, list_index_results, weak_components
from models.plans.progress import AS_OF_SOURCE
from models.plans.tables import Plan, Task
from models.procedures.service import ProcedureFilter, procedure_counts
from models.vocabulary import Area, IndexKind, PlanStatus, TaskStatus, UnitLevel
from reports.data import (
    AreaResult,
    DossierFigures,
    DossierRow,
    DossierSection,
    IndexComponentLine,
    IndexLine,
    PlanSection,
    ReportData,
    TaskLine,
)
from reports.issuers import DEPARTMENT, issuer_profiles
from reports.periods import Calendar, Period, PeriodKind

TASK_LINES = f"""
    SELECT s.code, s.title, s.area, s.status, s.progress, s.deadline, s.completed_on,
           s.lead_unit, u.name AS lead_unit_name, t.ongoing
    FROM ({AS_OF_SOURCE}) AS s JOIN task t ON t.id = s.task JOIN unit u ON u.id = s.lead_unit
    ORDER BY s.code
"""
TITLES = {
    PeriodKind.HALF_YEAR: "Kết quả thực hiện công tác cải cách hành chính {label} và nhiệm vụ trọng tâm 6 tháng cuối năm {year}",
    PeriodKind.ANNUAL: "Kết quả thực hiện công tác cải cách hành chính {label} và phương hướng, nhiệm vụ năm {next_year}",
    PeriodKind.NINE_MONTHS: "Kết quả thực hiện công tác cải cách hành chính {label} và nhiệm vụ trọng tâm 3 tháng cuối năm {year}",
    PeriodKind.QUARTER: "Kết quả thực hiện công tác cải cách hành chính {label} và nhiệm vụ trọng tâm quý tiếp theo",
}


def report_title(period: Period) -> str:
    return TITLES[period.kind].format(label=period.label, year=period.year, next_year=period.year + 1)


# --- tasks --------------------------------------------------------------------------------------


async def _report_plan(year: int) -> dict | None:
    """The year's active plan, else its newest; None when the year has no plan."""
    rows = (
        await Plan.select(Plan.id, Plan.title, Plan.doc_number, Plan.status)
        .where(Plan.year == year)
        .order_by(Plan.id, ascending=False)
    )
    active = [row for row in rows if row["status"] == PlanStatus.ACTIVE]
    return (active or rows or [None])[0]


def _line(row: dict, cutoff: date) -> TaskLine:
    completed = row["status"] == TaskStatus.COMPLETED
    return TaskLine(
        code=row["code"],
        title=row["title"],
        area_label=Area(row["area"]).label,
        lead_unit=row["lead_unit_name"],
        deadline=None if row["ongoing"] else row["deadline"],
        status_label=TaskStatus(row["status"]).label,
        progress=row["progress"],
        completed_on=row["completed_on"],
        overdue=not completed and row["deadline"] < cutoff,
    )


async def collect_plan(period: Period, units: set[int] | None) -> PlanSection | None:
    plan = await _report_plan(period.year)
    if plan is None:
        return None
    rows = await Task.raw(TASK_LINES, plan["id"], end_of_day(period.end))
    rows = [
        row
        for row in rows
        if row["status"] != TaskStatus.CANCELLED and (units is None or row["lead_unit"] in units)
    ]
    lines = [(row, _line(row, period.end)) for row in rows]
    areas = []
    for area in Area:
        in_area = [(row, line) for row, line in lines if row["area"] == area]
        open_lines = sorted(
            (line for row, line in in_area if row["status"] != TaskStatus.COMPLETED),
            key=lambda line: (not line.overdue, line.code),
        )
        completed = sum(row["status"] == TaskStatus.COMPLETED for row, _ in in_area)
        areas.append(AreaResult(area.value, area.label, completed, len(in_area), tuple(open_lines)))
    by_unit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, _ in lines:
        by_unit[row["lead_unit_name"]][0] += row["status"] == TaskStatus.COMPLETED
        by_unit[row["lead_unit_name"]][1] += 1
    completed = sum(area.completed for area in areas)
    total = len(lines)
    return PlanSection(
        plan_title=plan["title"],
        plan_number=plan["doc_number"],
        completed=completed,
        total=total,
        percent=100 * completed / total if total else 0.0,
        overdue=sum(line.overdue for _, line in lines),
        areas=tuple(areas),
        by_unit=tuple((name, done, count) for name, (done, count) in sorted(by_unit.items())),
        tasks=tuple(line for _, line in lines),
        next_period_tasks=tuple(
            line
            for row, line in lines
            if row["status"] != TaskStatus.COMPLETED and (line.deadline is None or line.deadline > period.end)
        ),
    )


# --- dossiers -----------------------------------------------------------------------------------


def dossier_figures(figures: Figures) -> DossierFigures:
    return DossierFigures(
        carried_over=figures.carried_over,
        received=figures.received,
        received_online=figures.received_online,
        resolved=figures.resolved,
        resolved_early=figures.resolved_early,
        resolved_on_time=figures.resolved_on_time,
        resolved_late=figures.resolved_late,
        returned_or_withdrawn=figures.returned + figures.withdrawn,
        open_within_deadline=figures.open_within_deadline,
        open_overdue=figures.open_overdue,
        on_time_rate=figures.on_time_rate,
        online_share=figures.online_share,
        apologies_owed=figures.apologies_owed,
        apologies_issued=figures.apologies_issued,
    )


def _has_dossiers(figures: Figures) -> bool:
    return bool(figures.received or figures.carried_over)


async def collect_dossiers(period: Period, scope: Scope, calendar: Calendar) -> DossierSection | None:
    last = period.same_period_last_year(calendar)
    # Independent reads, run at once: each scan has its own connection (SQLite readers do not
    # block each other in WAL mode, and sqlite3 releases the GIL while it works).
    stats, last_stats, counts, days = await asyncio.gather(
        dossier_stats(period.start, period.end, scope, ("unit", "level")),
        dossier_stats(last.start, last.end, scope),
        procedure_counts(ProcedureFilter(active_on=period.end)),
        resolutions_by_day(period.start, period.end, scope),
    )
    if not _has_dossiers(stats.total):
        return None
    by_level: dict[str, Figures] = defaultdict(Figures)
    by_unit: dict[str, Figures] = defaultdict(Figures)
    for group in stats.groups:
        by_level[group.key["level"]] += group.figures
        by_unit[group.key["unit_name"]] += group.figures
    months: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, early, on_time, late in days:
        bucket = months[(day.year, day.month)]
        bucket[0], bucket[1], bucket[2] = bucket[0] + early, bucket[1] + on_time, bucket[2] + late
    return DossierSection(
        procedures_total=counts["total"],
        procedures_by_level=tuple((level.label, counts["by_level"][level.value]) for level in UnitLevel),
        current=dossier_figures(stats.total),
        last_year=dossier_figures(last_stats.total) if _has_dossiers(last_stats.total) else None,
        by_level=tuple(
            DossierRow(level.label, dossier_figures(by_level[level.value]))
            for level in UnitLevel
            if level.value in by_level
        ),
        by_unit=tuple(
            DossierRow(name, dossier_figures(figures)) for name, figures in sorted(by_unit.items())
        ),
        by_month=tuple(
            DossierRow(f"Tháng {month}/{year}", _month_figures(*months[(year, month)]))
            for year, month in sorted(months)
        ),
        late_without_apology=stats.total.apologies_owed - stats.total.apologies_issued,
    )


def _month_figures(early: int, on_time: int, late: int) -> DossierFigures:
    """A month of the outcomes chart: resolutions by timeliness (the other counts are 0)."""
    return dossier_figures(Figures(resolved_early=early, resolved_on_time=on_time, resolved_late=late))


# --- indices ------------------------------------------------------------------------------------


async def collect_indices(year: int) -> tuple[IndexLine, ...]:
    """The latest published result of each index up to ``year`` (scores of a year come out the
    next year, so an annual report usually cites the previous year's)."""
    lines = []
    for kind in IndexKind:
        rows, _ = await list_index_results(
            IndexFilter(kind=kind.value, year_to=year), PageRequest(1, 0, "-year")
        )
        if not rows:
            continue
        row = rows[0]
        weak = await weak_components(kind.value, row["year"])
        lines.append(
            IndexLine(
                kind_label=row["kind_label"],
                year=row["year"],
                score=row["score"],
                scale=row["scale"],
                rank=row["rank"],
                out_of=row["out_of"],
                score_change=row["score_change"],
                target=row["target"],
                weak_components=tuple(
                    IndexComponentLine(c["name"], c["score"], c["max_score"]) for c in weak
                ),
                percent=kind is IndexKind.SIPAS,
            )
        )
    return tuple(lines)


async def _nothing() -> tuple:
    return ()


# --- the whole report ---------------------------------------------------------------------------


async def collect_report(
    period: Period,
    settings: ReportSettings,
    scope_unit_id: int | None = None,
    issuer_key: str = DEPARTMENT,
) -> ReportData:
    """Everything the report for ``period`` prints: for the province, or for one unit (its own
    tasks and dossiers, and those of the units under it), written for the issuer profile
    ``issuer_key`` (reports.issuers)."""
    tree = await UnitTree.load()
    units = tree.under(scope_unit_id) if scope_unit_id is not None else None
    scope_label = settings.province if scope_unit_id is None else tree.units[scope_unit_id]["name"]
    calendar = Calendar(settings.calendar)
    plan, dossiers, indices = await asyncio.gather(
        collect_plan(period, units),
        collect_dossiers(period, Scope(unit_id=scope_unit_id), calendar),
        collect_indices(period.year) if scope_unit_id is None else _nothing(),
    )
    return ReportData(
        kind=period.kind.value,
        title=report_title(period),
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        scope_label=scope_label,
        issuer=issuer_profiles(settings)[issuer_key],
        plan=plan,
        dossiers=dossiers,
        indices=indices,
    )
