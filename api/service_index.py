"""The Decision 766 service index: figures per unit and for the province, the monthly trend,
the dossiers that lost points, and the published XLSX table (models.service_index)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, Response, get
from litestar.params import Parameter, QueryParameter

from api.paging import Page
from api.security import SECURITY, Caller
from core.paging import PageRequest
from models.permissions import Action
from models.service_index import service
from models.service_index.export import index_filename, index_workbook
from models.service_index.indicators import scoring_rules
from models.units import service as units

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PeriodParam = Annotated[
    str,
    QueryParameter(
        name="period",
        max_length=16,
        description="YYYY-MM (a month), YYYY-Qn (a quarter) or YYYY (a year), ended before today",
    ),
]
UnitParam = Annotated[
    int | None,
    QueryParameter(name="unit_id", description="the unit with the units under it and those merged into it"),
]


class AssessmentOut(msgspec.Struct):
    key: str
    label: str
    status: str  # ok, no_data (the source did not give the fields), not_applicable (nothing to count)
    numerator: int
    denominator: int
    unknown: int
    ratio: float | None
    full_marks_at: float | None
    achievement: float | None
    full_marks: bool | None
    points: float | None
    maximum: float | None


class IndexFiguresOut(msgspec.Struct):
    received: int
    handled: int
    average_handling_days: float | None
    score: float | None
    points: float | None
    indicators: list[AssessmentOut]


class IndexGroupOut(msgspec.Struct):
    key: dict[str, str | int | float | None]
    rank: int | None
    previous_score: float | None
    score_change: float | None
    figures: IndexFiguresOut


class ServiceIndexOut(msgspec.Struct):
    period: str
    label: str
    start: date = msgspec.field(name="from")
    end: date = msgspec.field(name="to")
    previous_period: str = ""
    unit_id: int | None = None
    group_by: str | None = None
    total: IndexFiguresOut | None = None
    previous_score: float | None = None
    score_change: float | None = None
    groups: list[IndexGroupOut] = []


class TrendMonthOut(msgspec.Struct):
    period: str
    label: str
    figures: IndexFiguresOut


class LostDossierOut(msgspec.Struct):
    code: str
    procedure_code: str
    procedure_name: str
    unit_code: str
    unit_name: str
    channel: str
    received_at: datetime
    due_at: datetime
    resolved_at: datetime | None
    outcome: str
    supplement_requests: int | None
    fee_bearing: bool | None
    paid_online: bool | None
    electronic_result: bool | None
    digitised: bool | None
    reused_data: bool | None


def figures_out(figures: service.IndexFigures) -> IndexFiguresOut:
    rules = scoring_rules()
    return IndexFiguresOut(
        received=figures.received,
        handled=figures.handled,
        average_handling_days=figures.average_handling_days,
        score=figures.score,
        points=figures.points,
        indicators=[
            AssessmentOut(
                key=a.key,
                label=a.label,
                status=a.status,
                numerator=a.numerator,
                denominator=a.denominator,
                unknown=a.unknown,
                ratio=a.ratio,
                full_marks_at=rules[a.key].full_marks_at,
                achievement=a.achievement,
                full_marks=a.full_marks,
                points=a.points,
                maximum=a.maximum,
            )
            for a in figures.assessments
        ],
    )


def index_out(index: service.ServiceIndex) -> ServiceIndexOut:
    return ServiceIndexOut(
        period=index.period.key,
        label=index.period.label,
        start=index.period.start,
        end=index.period.end,
        previous_period=index.period.previous().key,
        unit_id=index.unit_id,
        group_by=index.group_by,
        total=figures_out(index.total),
        previous_score=index.previous_score,
        score_change=index.change,
        groups=[
            IndexGroupOut(g.key, g.rank, g.previous_score, g.change, figures_out(g.figures))
            for g in index.groups
        ],
    )


class ServiceIndexController(Controller):
    path = "/api/service-index"
    tags = ["service index"]
    security = SECURITY

    @get("/", summary="Decision 766 indicators of a month, quarter or year, optionally ranked by unit")
    async def index(
        self,
        principal: Caller,
        period: PeriodParam,
        unit_id: UnitParam = None,
        group_by: Annotated[
            str | None, QueryParameter(name="group_by", max_length=16, description="unit or procedure")
        ] = None,
    ) -> ServiceIndexOut:
        principal.require(Action.READ)
        return index_out(await service.service_index(service.parse_period(period), unit_id, group_by or None))

    @get("/trend", summary="The indicators month by month: the period's months, or the 12 up to a month")
    async def trend(
        self, principal: Caller, period: PeriodParam, unit_id: UnitParam = None
    ) -> list[TrendMonthOut]:
        principal.require(Action.READ)
        months = await service.monthly_trend(service.parse_period(period), unit_id)
        return [TrendMonthOut(month.key, month.label, figures_out(figures)) for month, figures in months]

    @get("/dossiers", summary="The dossiers an indicator counts against (late, not online, not digitised …)")
    async def lost_points(
        self,
        principal: Caller,
        period: PeriodParam,
        indicator: Annotated[str, QueryParameter(name="indicator", max_length=32)],
        unit_id: Annotated[
            int | None,
            QueryParameter(
                name="unit_id", description="a ranking row's unit (with the units merged into it)"
            ),
        ] = None,
        with_children: Annotated[
            bool,
            QueryParameter(
                name="with_children",
                description="with unit_id: the unit with the units under it (the scope's total), not its ranking row",
            ),
        ] = False,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page[LostDossierOut]:
        principal.require(Action.READ)
        rows, total = await service.lost_points(
            service.parse_period(period),
            indicator,
            unit_id,
            PageRequest(limit, offset),
            with_children=with_children,
        )
        return Page(
            [msgspec.convert(row, LostDossierOut, strict=False) for row in rows], total, limit, offset
        )

    @get("/export", summary="The ranking as the XLSX table provinces publish")
    async def export(self, principal: Caller, period: PeriodParam, unit_id: UnitParam = None) -> Response:
        principal.require(Action.READ)
        index = await service.service_index(service.parse_period(period), unit_id, "unit")
        unit = await units.get_unit(unit_id) if unit_id else None
        return Response(
            index_workbook(index, unit),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{index_filename(index, unit)}"'},
        )
