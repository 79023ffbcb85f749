"""What a report prints, and nothing else: the contract between collect and render.

``reports.collect`` fills these immutable objects from the database as of a period's cut-off;
``reports.render`` turns one into a .docx without touching the database. Numbers are kept as
numbers (the renderer formats them the Vietnamese way); every text is final Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reports.issuers import Issuer


@dataclass(frozen=True)
class TaskLine:
    code: str
    title: str
    area_label: str
    lead_unit: str
    deadline: date | None  # None: ongoing (thường xuyên)
    status_label: str
    progress: int
    completed_on: date | None
    overdue: bool  # past its deadline at the cut-off and not completed


@dataclass(frozen=True)
class AreaResult:
    """One reform area: "x/y nhiệm vụ" and the tasks still open at the cut-off."""

    key: str  # the Area value: "institutions"
    label: str  # "Cải cách thể chế"
    completed: int
    total: int
    open_tasks: tuple[TaskLine, ...]  # not completed at the cut-off, overdue ones first


@dataclass(frozen=True)
class PlanSection:
    plan_title: str  # "Kế hoạch cải cách hành chính năm 2023"
    plan_number: str  # "12/KH-UBND"
    completed: int
    total: int
    percent: float  # completed / total * 100
    overdue: int
    areas: tuple[AreaResult, ...]  # in the official order, leadership first
    by_unit: tuple[tuple[str, int, int], ...]  # (unit name, completed, total), for the appendix
    tasks: tuple[TaskLine, ...]  # the full list, for the appendix
    next_period_tasks: tuple[TaskLine, ...]  # not completed, due after the cut-off


@dataclass(frozen=True)
class DossierFigures:
    carried_over: int
    received: int
    received_online: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    returned_or_withdrawn: int
    open_within_deadline: int
    open_overdue: int
    on_time_rate: float | None  # percent
    online_share: float | None  # percent
    apologies_owed: int
    apologies_issued: int


@dataclass(frozen=True)
class DossierRow:
    label: str  # a level ("Cấp tỉnh"), a unit name, or a month ("Tháng 3")
    figures: DossierFigures


@dataclass(frozen=True)
class DossierSection:
    procedures_total: int  # the catalogue in force at the cut-off
    procedures_by_level: tuple[tuple[str, int], ...]  # ("Cấp tỉnh", 1488) ...
    current: DossierFigures
    last_year: DossierFigures | None  # the same period a year earlier (None: no data)
    by_level: tuple[DossierRow, ...]
    by_unit: tuple[DossierRow, ...]
    by_month: tuple[DossierRow, ...]  # for the chart of outcomes by month
    late_without_apology: int


@dataclass(frozen=True)
class IndexComponentLine:
    name: str
    score: float
    max_score: float


@dataclass(frozen=True)
class IndexLine:
    kind_label: str  # "Chỉ số hài lòng (SIPAS)"
    year: int
    score: float
    scale: float
    rank: int | None
    out_of: int | None
    score_change: float | None  # against the previous year
    target: float | None
    weak_components: tuple[IndexComponentLine, ...]  # lowest score / max first
    percent: bool = False  # the score is a share (SIPAS): printed "87,59%", not "87,59/100 điểm"


@dataclass(frozen=True)
class ReportData:
    kind: str  # "half_year", "annual", "quarter", "nine_months"
    title: str  # the summary line: "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2023 ..."
    period_label: str  # "6 tháng đầu năm 2023"
    period_start: date
    period_end: date  # the cut-off
    scope_label: str  # "tỉnh Quảng Ninh" or a unit's name
    issuer: Issuer  # the profile the report is written for (reports.issuers)
    plan: PlanSection | None  # None: no plan for the year
    dossiers: DossierSection | None  # None: no dossier data
    indices: tuple[IndexLine, ...]
