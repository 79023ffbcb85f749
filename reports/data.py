"""What a report prints, and nothing else: the contract between collect and compose/render.

``reports.collect`` fills these immutable objects from the database as of a period's cut-off,
starting with what each source covers (``Coverage``); ``reports.document.compose`` turns them
into sentences and ``reports.render`` into a .docx, neither touching the database. Numbers are
kept as numbers (wording formats them the Vietnamese way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from models.dossiers.stats import Figures
from models.service_index.service import IndexFigures, IndexGroup
from reports.issuers import Issuer, IssuingUnit


class TaskState(StrEnum):
    """Where a task stands at the cut-off, as the report tells them apart."""

    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"
    IN_PROGRESS = "in_progress"  # started, within its deadline
    NOT_STARTED = "not_started"  # within its deadline
    OVERDUE = "overdue"  # not completed, past its deadline
    CANCELLED = "cancelled"

    @property
    def completed(self) -> bool:
        return self in (TaskState.COMPLETED_ON_TIME, TaskState.COMPLETED_LATE)

    @property
    def unfinished(self) -> bool:
        return self in (TaskState.IN_PROGRESS, TaskState.NOT_STARTED, TaskState.OVERDUE)


@dataclass(frozen=True)
class TaskLine:
    code: str
    title: str
    area: str  # the Area value
    area_label: str
    lead_unit: str
    deadline: date | None  # None: ongoing (thường xuyên)
    state: TaskState
    progress: int
    completed_on: date | None
    expected_output: str = ""

    @property
    def overdue(self) -> bool:
        return self.state is TaskState.OVERDUE


@dataclass(frozen=True)
class TaskCounts:
    """Tasks of a group by state; cancelled ones are counted apart, not in ``total``."""

    completed_on_time: int = 0
    completed_late: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    cancelled: int = 0

    @property
    def completed(self) -> int:
        return self.completed_on_time + self.completed_late

    @property
    def unfinished(self) -> int:
        return self.in_progress + self.not_started + self.overdue

    @property
    def total(self) -> int:
        return self.completed + self.unfinished

    @classmethod
    def of(cls, tasks: tuple[TaskLine, ...] | list[TaskLine]) -> TaskCounts:
        return cls(**{state.value: sum(task.state is state for task in tasks) for state in TaskState})


class _Counted:
    """A group whose ``counts`` give its completed and total tasks."""

    counts: TaskCounts

    @property
    def completed(self) -> int:
        return self.counts.completed

    @property
    def total(self) -> int:
        return self.counts.total


@dataclass(frozen=True)
class AreaResult(_Counted):
    """One reform area: its counts, its completed tasks and the ones still unfinished."""

    key: str  # the Area value: "institutions"
    label: str  # "Cải cách thể chế"
    counts: TaskCounts
    completed_tasks: tuple[TaskLine, ...]
    unfinished_tasks: tuple[TaskLine, ...]  # overdue ones first


@dataclass(frozen=True)
class UnitTasks:
    unit: str
    counts: TaskCounts


@dataclass(frozen=True)
class PlanSection(_Counted):
    plan_title: str  # "Kế hoạch cải cách hành chính năm 2023"
    plan_number: str  # "12/KH-UBND"
    plan_date: date | None
    progress_method: str  # the plan's ProgressMethod value
    percent: float  # by the plan's method, as the dashboard computes it
    counts: TaskCounts
    areas: tuple[AreaResult, ...]  # in the official order, leadership first
    by_unit: tuple[UnitTasks, ...]  # in Vietnamese alphabetical order
    tasks: tuple[TaskLine, ...]  # the full list, by code
    unfinished: tuple[TaskLine, ...]  # every unfinished task, overdue first: carried into the next period
    as_of: date  # the day the tasks stand at: the cut-off, or the day a report drawn up before it was
    # of ``total``, the tasks the units under a unit's report lead (a district's communes); 0 for the province
    led_under: int = 0
    # of the rest (the unit's own), those led by units since merged into it, and their names
    led_merged: int = 0
    merged_leaders: tuple[str, ...] = ()
    # tasks of the plan first entered on the system after ``as_of`` (not counted: the report
    # only says they exist); False in a unit's report
    entered_later: bool = False


@dataclass(frozen=True)
class DossierRow:
    label: str  # a level ("Cấp tỉnh"), a unit's name, a subtotal, or a month ("T3")
    level: str  # the UnitLevel value ("" for months)
    figures: Figures


@dataclass(frozen=True)
class ProcedureCatalogue:
    """The catalogue at the cut-off. Its figures count the undated procedures too and are known
    (printable) only when ``undated`` is 0: a procedure recorded without its start date may or
    may not have been in force then."""

    total: int  # procedures in force at the cut-off
    by_level: tuple[tuple[str, int], ...]  # ("Cấp tỉnh", 1488) …
    fully_online: int
    partly_online: int
    undated: int = 0  # procedures not ended by the cut-off whose start date is not recorded

    @property
    def known(self) -> bool:
        """Whether the catalogue's history gives its size at the cut-off."""
        return self.total > 0 and not self.undated


@dataclass(frozen=True)
class DossierSection:
    current: Figures
    last_year: Figures | None  # the same period a year earlier (None: no data then)
    by_level: tuple[DossierRow, ...]
    by_unit: tuple[DossierRow, ...]  # grouped by level, units in Vietnamese order within a level
    by_month: tuple[DossierRow, ...]  # resolutions by month, for the chart
    late_without_apology: int


@dataclass(frozen=True)
class ServiceIndexSection:
    """The Decision 766 service index of the period's received dossiers (models.service_index)."""

    total: IndexFigures
    weakest: tuple[IndexGroup, ...]  # the lowest-scoring units (at most WEAKEST_UNITS), lowest first
    units_scored: int


@dataclass(frozen=True)
class IndexComponentLine:
    name: str
    score: float
    max_score: float


class Unavailable(StrEnum):
    """Why a year's result of an index is not quoted, as the report says it."""

    NOT_RECORDED = "not_recorded"  # no result on the system, or only an assumed one
    NOT_PUBLISHED = "not_published"  # recorded, published after the cut-off
    PUBLICATION_UNKNOWN = "publication_unknown"  # recorded without its publication date


def latest_expected_year(cut_off: date) -> int:
    """The latest year whose index results a report with this cut-off can expect: results are
    published the year after the year they score, so the year before the cut-off's. A quoted
    result older than that is no longer current: the report names the years it lacks and does
    not praise the old result as the province's present standing."""
    return cut_off.year - 1


@dataclass(frozen=True)
class IndexLine:
    kind: str  # the IndexKind value
    kind_label: str  # "Chỉ số hài lòng (SIPAS)"
    year: int  # the year the result scores
    published_on: date | None  # None: not recorded (then it counts as public from 31/12 of year + 1)
    score: float
    scale: float
    rank: int | None
    out_of: int | None
    score_change: float | None  # against the previous year
    target: float | None
    weak_components: tuple[IndexComponentLine, ...]  # lowest score / max first
    percent: bool = False  # the score is a share (SIPAS): printed "87,59%", not "87,59/100 điểm"
    # the later years up to the latest expected one (``latest_expected_year``), each with why it
    # is not quoted
    unavailable: tuple[tuple[int, Unavailable], ...] = ()

    @property
    def current(self) -> bool:
        """Whether the result scores the latest expected year (or a later one)."""
        return not self.unavailable


@dataclass(frozen=True)
class RoundFigure:
    """An indicator's province figure from the units' accepted submissions (models.rounds)."""

    code: str
    name: str
    section: str  # the outline key it is reported under: "I", "II.1" … "II.6"
    measure: str  # the Measure value
    rule: str  # the ConsolidationRule value
    value: float | bool | str | None  # None: no accepted unit gave a figure (or the rule makes none)
    reported: int  # accepted units that gave a figure
    asked: int  # units asked for it


@dataclass(frozen=True)
class RoundAnswer:
    """A unit's narrative answer to one of the round's questions, offered to staff."""

    section: str  # the outline key of the question
    question: str
    unit: str
    text: str


@dataclass(frozen=True)
class RoundSection:
    """The period's reporting round: whose submissions were accepted, who is missing, the
    consolidated figures and the narrative answers."""

    title: str
    accepted: int
    total: int
    missing: tuple[str, ...]  # units whose submission is not accepted, in Vietnamese order
    figures: tuple[RoundFigure, ...]  # in the catalogue's order
    answers: tuple[RoundAnswer, ...]


@dataclass(frozen=True)
class TaskCoverage:
    plan_found: bool
    tasks: int  # tasks of the plan known at the cut-off (cancelled ones included)
    last_change: date | None  # the last recorded change up to the cut-off


@dataclass(frozen=True)
class DossierCoverage:
    received: int  # dossiers received in the period
    first_received: date | None
    last_received: date | None
    stale_open: int  # open at the period's start though received long before: left out, a data warning
    stale_since: date | None  # the earliest receipt among those
    partial: bool  # the data starts well after the period's start or ends well before its cut-off


@dataclass(frozen=True)
class Coverage:
    """What each source holds for the period, found before any sentence is written."""

    tasks: TaskCoverage
    dossiers: DossierCoverage
    indices_quoted: int  # results published by the cut-off (the latest of each index)
    indices_withheld: int  # results for years up to the period not yet published at the cut-off, or assumed


@dataclass(frozen=True)
class ReportData:
    kind: str  # "half_year", "annual", "quarter", "nine_months"
    title: str  # the summary line: "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2023 ..."
    period_label: str  # "6 tháng đầu năm 2023"
    period_start: date
    period_end: date  # the cut-off
    scope_label: str  # "tỉnh Quảng Ninh" or a unit's name
    issuer: Issuer  # the profile the report is written for (reports.issuers)
    coverage: Coverage
    plan: PlanSection | None  # None: no plan for the year
    procedures: ProcedureCatalogue | None  # None: no procedure in force at the cut-off
    dossiers: DossierSection | None  # None: no dossier received in the period
    indices: tuple[IndexLine, ...]
    rounds: RoundSection | None = None  # None: no reporting round for the period (or a unit's report)
    service_index: ServiceIndexSection | None = None  # None: no dossier received in the period
    scope_unit: IssuingUnit | None = None  # None: the province's report; else the unit it is for
    # A report drawn up before its cut-off day is over (a draft started early, or on that day)
    # can only state the figures of the moment it was drawn up: that day; None, the cut-off.
    drawn_up_before_cut_off: date | None = None

    @property
    def drawn_up_on_cut_off_day(self) -> bool:
        """Drawn up during the cut-off day: the day is counted only up to that moment."""
        return self.drawn_up_before_cut_off == self.period_end

    @property
    def figures_date(self) -> date:
        """The day the report's task, catalogue and index figures stand at."""
        return self.drawn_up_before_cut_off or self.period_end
