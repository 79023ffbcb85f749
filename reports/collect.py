"""Collect: every figure a report prints, read from the database as of the period's cut-off.

First what each source covers (``Coverage``): the plan and its task history, the dossiers
received in the period (how many, first and last day), dossiers left open for years (a data
warning, kept out of the figures), the index results published by the cut-off. Then the figures,
only where the data supports them: no dossier section without dossiers received in the period,
no index result published after the cut-off or marked as an assumption.

Tasks come from their history (the last snapshot written before the end of the cut-off day), so
a task completed after the cut-off counts as not completed; the plan's percentage is the
dashboard's (``models.plans.progress``). Dossier figures come from ``models.dossiers.stats``.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta

from piccolo.query.functions.aggregate import Count, Max, Min

from core.clock import end_of_day, today
from core.paging import MAX_LIMIT, PageRequest
from core.settings import ReportSettings
from core.text import round_half_up, vietnamese_sort_key
from models.dossiers.stats import (
    Figures,
    Scope,
    UnitTree,
    dossier_stats,
    receipts,
    resolutions_by_day,
)
from models.dossiers.tables import Dossier
from models.indices.service import IndexFilter, list_index_results, weak_components
from models.plans.plans import active_or_newest_plan
from models.plans.progress import AS_OF_SOURCE, plan_summary
from models.plans.rules import ProgressTotals, is_overdue, plan_progress, timeliness
from models.plans.tables import Task, TaskEvent
from models.procedures.service import ProcedureFilter, procedure_counts
from models.procedures.tables import Procedure
from models.rounds.consolidation import consolidate_round
from models.rounds.rounds import round_for_period
from models.service_index.indicators import reported_for
from models.service_index.service import index_between
from models.vocabulary import Area, IndexKind, OnlineLevel, ProgressMethod, TaskStatus, UnitLevel
from reports import wording
from reports.data import (
    AreaResult,
    Coverage,
    DossierCoverage,
    DossierRow,
    DossierSection,
    IndexComponentLine,
    IndexLine,
    PlanSection,
    ProcedureCatalogue,
    ReportData,
    RoundAnswer,
    RoundFigure,
    RoundSection,
    ServiceIndexSection,
    TaskCounts,
    TaskCoverage,
    TaskLine,
    TaskState,
    Unavailable,
    UnitTasks,
    latest_expected_year,
)
from reports.issuers import DEPARTMENT, IssuingUnit, issuer_for
from reports.periods import Calendar, Period, PeriodKind

# A dossier received this long before the period and still open at its start is a data-quality
# problem (an unrecorded result, a stale import), not a carried-over dossier: it is counted apart.
STALE_AFTER = timedelta(days=365)
# Dossier data starting after the period's start, or ending before its cut-off, by more than
# the longest quiet spell the data's own rate allows covers only part of the period, and the
# report says so. A province receives dossiers every working day: no period starts or ends
# within a week of a long holiday (Tết falls between 21 January and 20 February), so a week
# without a dossier at an edge is missing data. A small scope receives one now and then: there
# the allowance is ten times the mean interval between its dossiers.
QUIET_DAYS_AT_AN_EDGE = 7
QUIET_INTERVALS_AT_AN_EDGE = 10

TASK_LINES = f"""
    SELECT s.code, s.title, s.area, s.status, s.progress, s.weight, s.deadline, s.completed_on,
           s.lead_unit, u.name AS lead_unit_name, t.ongoing, t.expected_output
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


def task_state(status: str, deadline: date, completed_on: date | None, cut_off: date) -> TaskState:
    """Where a task stands at the cut-off, by the plan rules (models.plans.rules)."""
    if status == TaskStatus.CANCELLED:
        return TaskState.CANCELLED
    if status == TaskStatus.COMPLETED:
        late = timeliness(deadline, completed_on) == "late"
        return TaskState.COMPLETED_LATE if late else TaskState.COMPLETED_ON_TIME
    if is_overdue(deadline, status, cut_off):
        return TaskState.OVERDUE
    return TaskState.IN_PROGRESS if status == TaskStatus.IN_PROGRESS else TaskState.NOT_STARTED


def _line(row: dict, cut_off: date) -> TaskLine:
    return TaskLine(
        code=row["code"],
        title=row["title"],
        area=row["area"],
        area_label=Area(row["area"]).label,
        lead_unit=row["lead_unit_name"],
        deadline=None if row["ongoing"] else row["deadline"],
        state=task_state(row["status"], row["deadline"], row["completed_on"], cut_off),
        progress=row["progress"],
        completed_on=row["completed_on"],
        expected_output=row["expected_output"] or "",
    )


def _unfinished_first(tasks: list[TaskLine]) -> tuple[TaskLine, ...]:
    """Unfinished tasks, the overdue ones first, each group by code."""
    return tuple(sorted((t for t in tasks if t.state.unfinished), key=lambda t: (not t.overdue, t.code)))


async def _task_coverage(plan: dict | None, cut_off: date, tasks: int) -> TaskCoverage:
    if plan is None:
        return TaskCoverage(plan_found=False, tasks=0, last_change=None)
    row = (
        await TaskEvent.select(Max(TaskEvent.changed_at, alias="last"))
        .where((TaskEvent.plan == plan["id"]) & (TaskEvent.changed_at < end_of_day(cut_off)))
        .first()
    )
    return TaskCoverage(plan_found=True, tasks=tasks, last_change=_day(row["last"] if row else None))


async def collect_plan(
    period: Period,
    units: set[int] | None,
    scope_unit_id: int | None = None,
    as_of: date | None = None,
    merged: frozenset[int] = frozenset(),
) -> tuple[PlanSection | None, TaskCoverage]:
    """The plan's tasks led in ``units`` (all of them when None): the scope unit and those under
    it, as they stood on ``as_of`` (the cut-off unless the report is drawn up before it). The
    tasks of the units ``merged`` into the scope unit are its own, taken over with them."""
    as_of = as_of or period.end
    plan = await active_or_newest_plan(period.year)
    if plan is None:
        return None, await _task_coverage(None, as_of, 0)
    rows = await Task.raw(TASK_LINES, plan["id"], end_of_day(as_of))
    rows = [row for row in rows if units is None or row["lead_unit"] in units]
    coverage = await _task_coverage(plan, as_of, len(rows))
    lines = [_line(row, as_of) for row in rows]
    method = plan["progress_method"]
    if units is None:
        percent = (await plan_summary(plan["id"], as_of=as_of))["percent"]
    else:  # a unit's share of the plan; a manual figure is the whole plan's, so count its tasks
        method = ProgressMethod.TASK_COUNT.value if method == ProgressMethod.MANUAL else method
        percent = round_half_up(plan_progress(method, ProgressTotals.of(rows)))
    areas = []
    for area in Area:
        in_area = [line for line in lines if line.area == area]
        completed = tuple(line for line in in_area if line.state.completed)
        areas.append(
            AreaResult(area.value, area.label, TaskCounts.of(in_area), completed, _unfinished_first(in_area))
        )
    by_unit: dict[str, list[TaskLine]] = defaultdict(list)
    for line in lines:
        by_unit[line.lead_unit].append(line)
    # the scope's tasks its units lead, not the scope unit itself or those merged into it (none
    # for the province)
    own = {scope_unit_id} | merged
    under = [line for row, line in zip(rows, lines, strict=True) if row["lead_unit"] not in own]
    before = [
        line
        for row, line in zip(rows, lines, strict=True)
        if row["lead_unit"] in merged and line.state is not TaskState.CANCELLED  # as ``total`` counts
    ]
    section = PlanSection(
        plan_title=plan["title"],
        plan_number=plan["doc_number"],
        plan_date=plan["doc_date"],
        progress_method=method,
        percent=percent,
        counts=TaskCounts.of(lines),
        areas=tuple(areas),
        by_unit=tuple(
            UnitTasks(name, TaskCounts.of(tasks))
            for name, tasks in sorted(by_unit.items(), key=lambda item: vietnamese_sort_key(item[0]))
        ),
        tasks=tuple(lines),
        unfinished=_unfinished_first(lines),
        as_of=as_of,
        led_under=0 if scope_unit_id is None else TaskCounts.of(under).total,
        led_merged=TaskCounts.of(before).total,
        merged_leaders=tuple(sorted({line.lead_unit for line in before}, key=vietnamese_sort_key)),
        entered_later=units is None and await Task.count().where(Task.plan == plan["id"]) > len(rows),
    )
    return section, coverage


# --- procedures and dossiers --------------------------------------------------------------------


async def collect_procedures(cut_off: date) -> ProcedureCatalogue | None:
    """The catalogue in force at the cut-off; None when the system holds no catalogue at all.
    Procedures without a start date are counted apart (``undated``): the catalogue's history
    before today is then not known, and the report says so instead of printing today's list."""
    if not await Procedure.exists():
        return None
    counts = await procedure_counts(ProcedureFilter(active_on=cut_off))
    undated = await Procedure.count().where(
        Procedure.valid_from.is_null() & (Procedure.valid_to.is_null() | (Procedure.valid_to >= cut_off))
    )
    return ProcedureCatalogue(
        total=counts["total"],
        by_level=tuple((level.label, counts["by_level"][level.value]) for level in UnitLevel),
        fully_online=counts["by_online_level"][OnlineLevel.FULL.value],
        partly_online=counts["by_online_level"][OnlineLevel.PARTIAL.value],
        undated=undated,
    )


def _unit_condition(units: set[int] | None):
    return Dossier.unit.is_in(sorted(units)) if units is not None else Dossier.id.is_not_null()


async def dossier_coverage(period: Period, units: set[int] | None) -> DossierCoverage:
    """What the dossier data holds for the period, and the stale open dossiers left out."""
    received, first, last = await receipts(period.start, period.end, units)
    stale = (
        await Dossier.select(Count(alias="n"), Min(Dossier.received_on, alias="first"))
        .where(
            _unit_condition(units)
            & (Dossier.received_on < period.start - STALE_AFTER)
            & (Dossier.closed_on.is_null() | (Dossier.closed_on >= period.start))
        )
        .first()
    )
    partial = bool(received) and covers_part(period, received, first, last)
    return DossierCoverage(
        received=received,
        first_received=first,
        last_received=last,
        stale_open=stale["n"],
        stale_since=_day(stale["first"]),
        partial=partial,
    )


def covers_part(period: Period, received: int, first: date, last: date) -> bool:
    """Whether ``received`` dossiers, the first received on ``first`` and the last on ``last``,
    leave an edge of the period without data (QUIET_DAYS_AT_AN_EDGE)."""
    days = (period.end - period.start).days + 1
    allowed = max(QUIET_DAYS_AT_AN_EDGE, QUIET_INTERVALS_AT_AN_EDGE * days / received)
    return (first - period.start).days > allowed or (period.end - last).days > allowed


def _day(value) -> date | None:
    """The day of a MIN/MAX result (SQLite returns ISO text, PostgreSQL a date or datetime)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _level_rows(
    by_unit: dict[int, Figures], tree: UnitTree, period: Period
) -> tuple[tuple[DossierRow, ...], tuple[DossierRow, ...]]:
    """Rows by level (in the level order) and by unit (grouped by level, Vietnamese order; a
    unit that began or ended within the period says when: ``UnitTree.name_in_period``)."""
    by_level: dict[str, Figures] = defaultdict(Figures)
    units = []
    for unit_id, figures in by_unit.items():
        unit = tree.units[unit_id]
        by_level[unit["level"]] += figures
        units.append(
            DossierRow(tree.name_in_period(unit_id, period.start, period.end), unit["level"], figures)
        )
    order = {level.value: index for index, level in enumerate(UnitLevel)}
    units.sort(key=lambda row: (order[row.level], vietnamese_sort_key(row.label)))
    levels = tuple(
        DossierRow(level.label, level.value, by_level[level.value])
        for level in UnitLevel
        if level.value in by_level
    )
    return levels, tuple(units)


async def collect_dossiers(
    period: Period, scope_unit_id: int | None, calendar: Calendar, tree: UnitTree, coverage: DossierCoverage
) -> DossierSection | None:
    """The period's dossier figures, stale open dossiers left out; None without data."""
    if not coverage.received:
        return None
    scope = Scope(unit_id=scope_unit_id)
    # Only with stale dossiers to leave out are the rows scanned; otherwise the tallies answer.
    counted = replace(scope, received_from=period.start - STALE_AFTER) if coverage.stale_open else scope
    last = period.same_period_last_year(calendar)
    stats, last_stats, days = await asyncio.gather(
        dossier_stats(period.start, period.end, counted, ("unit",)),
        dossier_stats(last.start, last.end, scope),
        resolutions_by_day(period.start, period.end, scope),
    )
    by_unit: dict[int, Figures] = defaultdict(Figures)
    for group in stats.groups:
        by_unit[group.key["unit"]] += group.figures
    by_level, units = _level_rows(by_unit, tree, period)
    months: dict[tuple[int, int], Figures] = defaultdict(Figures)  # a month without any: zeros
    for day, early, on_time, late in days:
        months[day.year, day.month] += Figures(
            resolved_early=early, resolved_on_time=on_time, resolved_late=late
        )
    return DossierSection(
        current=stats.total,
        last_year=last_stats.total if last_stats.total.received else None,
        by_level=by_level,
        by_unit=units,
        by_month=tuple(
            DossierRow(wording.chart_month(year, month, period.start, period.end), "", months[year, month])
            for year, month in months_of(period.start, period.end)
        ),
        late_without_apology=stats.total.apologies_outstanding,
    )


def months_of(start: date, end: date) -> list[tuple[int, int]]:
    """Every (year, month) the days from ``start`` to ``end`` touch, in order: the chart shows a
    month without a resolution as an empty bar, not as no month at all."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


WEAKEST_UNITS = 3


async def collect_service_index(
    period: Period, scope_unit_id: int | None, coverage: DossierCoverage
) -> ServiceIndexSection | None:
    """The Decision 766 indicators of the dossiers received in the period, and the units with
    the lowest score; None without dossiers, or for a period that ended before the Decision."""
    if not coverage.received or not reported_for(period.end):
        return None
    total, ranking = await index_between(period.start, period.end, scope_unit_id)
    scored = [group for group in ranking if group.figures.score is not None]
    return ServiceIndexSection(total, tuple(reversed(scored[-WEAKEST_UNITS:])), len(scored))


# --- indices ------------------------------------------------------------------------------------


async def collect_indices(cut_off: date) -> tuple[tuple[IndexLine, ...], int]:
    """The latest result of each index published by the cut-off (never one marked as an
    assumption), with the later years up to the latest expected one it stands in for, and how
    many results for years up to the cut-off were left out."""
    lines = []
    public = IndexFilter(year_to=cut_off.year, published_by=cut_off, include_assumed=False)
    for kind in IndexKind:
        rows, _ = await list_index_results(replace(public, kind=kind.value), PageRequest(1, 0, "-year"))
        if rows:
            lines.append(await _index_line(kind, rows[0], cut_off))
    _, every = await list_index_results(IndexFilter(year_to=cut_off.year), PageRequest(1, 0))
    _, published = await list_index_results(public, PageRequest(1, 0))
    return tuple(lines), every - published


async def _index_line(kind: IndexKind, row: dict, cut_off: date) -> IndexLine:
    """The quoted ``row`` of ``kind``, and why each later year up to the latest expected one is not."""
    weak = await weak_components(kind.value, row["year"])
    later = IndexFilter(kind=kind.value, year_from=row["year"] + 1, year_to=latest_expected_year(cut_off))
    recorded, _ = await list_index_results(later, PageRequest(MAX_LIMIT))
    return IndexLine(
        kind=kind.value,
        kind_label=row["kind_label"],
        year=row["year"],
        published_on=row["published_on"],
        score=row["score"],
        scale=row["scale"],
        rank=row["rank"],
        out_of=row["out_of"],
        score_change=row["score_change"],
        target=row["target"],
        weak_components=tuple(IndexComponentLine(c["name"], c["score"], c["max_score"]) for c in weak),
        percent=kind is IndexKind.SIPAS,
        unavailable=unavailable_years({result["year"]: result for result in recorded}, row["year"], cut_off),
    )


def unavailable_years(
    recorded: dict[int, dict], quoted: int, cut_off: date
) -> tuple[tuple[int, Unavailable], ...]:
    """Each year after the ``quoted`` one up to the latest expected one, and why its result is
    not quoted. ``recorded`` holds the index's results by year (assumed ones too): any of them
    after the quoted year was not published by the cut-off, or is an assumption."""
    return tuple(
        (year, _why_unavailable(recorded.get(year)))
        for year in range(quoted + 1, latest_expected_year(cut_off) + 1)
    )


def _why_unavailable(row: dict | None) -> Unavailable:
    if row is None or row["assumed"]:
        return Unavailable.NOT_RECORDED
    return Unavailable.PUBLICATION_UNKNOWN if row["published_on"] is None else Unavailable.NOT_PUBLISHED


# --- the units' reporting round -----------------------------------------------------------------


async def collect_round(period: Period) -> RoundSection | None:
    """The period's reporting round as the report quotes it: figures from accepted submissions
    only (models.rounds.consolidation), the units still missing named."""
    found = await round_for_period(period.key)
    if found is None:
        return None
    result = await consolidate_round(found["id"])
    return RoundSection(
        title=found["title"],
        accepted=result["accepted"],
        total=result["total"],
        missing=tuple(unit["unit_name"] for unit in result["missing"]),
        figures=tuple(
            RoundFigure(
                line["code"],
                line["name"],
                line["section"],
                line["measure"],
                line["rule"],
                line["value"],
                line["reported"],
                line["asked"],
            )
            for line in result["indicators"]
        ),
        answers=tuple(
            RoundAnswer(item["section"], item["question"], item["unit_name"], item["text"])
            for item in result["narratives"]
        ),
    )


# --- the whole report ---------------------------------------------------------------------------


async def collect_report(
    period: Period,
    settings: ReportSettings,
    scope_unit_id: int | None = None,
    issuer_key: str = DEPARTMENT,
) -> ReportData:
    """Everything the report for ``period`` prints: for the province, or for one unit (its own
    tasks and dossiers, and those of the units under it), written for the issuer profile
    ``issuer_key`` (reports.issuers). Drawn up before the cut-off, the tasks, the catalogue and
    the indices are today's (the future is not known) and the report says so; so are the
    dossiers, compared with the same days a year before."""
    drawn_up = today()
    as_of = min(period.end, drawn_up)
    tree = await UnitTree.load()
    units = tree.under(scope_unit_id) if scope_unit_id is not None else None
    merged = frozenset(tree.merged_into(scope_unit_id)) if scope_unit_id is not None else frozenset()
    scope_label = settings.province if scope_unit_id is None else tree.units[scope_unit_id]["name"]
    scope_unit = None
    if scope_unit_id is not None:
        row = tree.units[scope_unit_id]
        scope_unit = IssuingUnit.from_row(row, tree.units.get(row["parent"]), period.end)
    calendar = Calendar(settings.calendar)
    so_far = period.until(as_of)  # the dossiers received and handled by that day
    coverage = await dossier_coverage(so_far, units)
    (plan, task_coverage), procedures, dossiers, service_index = await asyncio.gather(
        collect_plan(period, units, scope_unit_id, as_of, merged),
        collect_procedures(as_of),
        collect_dossiers(so_far, scope_unit_id, calendar, tree, coverage),
        collect_service_index(so_far, scope_unit_id, coverage),
    )
    indices, withheld = await collect_indices(as_of) if scope_unit_id is None else ((), 0)
    round_section = await collect_round(period) if scope_unit_id is None else None
    return ReportData(
        kind=period.kind.value,
        title=report_title(period),
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        scope_label=scope_label,
        issuer=issuer_for(settings, issuer_key, scope_unit),
        coverage=Coverage(task_coverage, coverage, len(indices), withheld),
        plan=plan,
        procedures=procedures,
        dossiers=dossiers,
        indices=indices,
        rounds=round_section,
        service_index=service_index,
        scope_unit=scope_unit,
        drawn_up_before_cut_off=drawn_up if drawn_up <= period.end else None,
    )
