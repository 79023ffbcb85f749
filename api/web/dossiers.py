"""Dossier statistics for a chosen period and scope, with a chart, and the late dossiers for
which no apology was issued (the same functions as GET /api/dossiers/stats and
/api/dossiers/late-without-apology)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Controller, Response, get
from litestar.params import FromQuery
from litestar_htmx import HTMXRequest

from api.security import Caller
from api.web.charts import stacked_bars
from api.web.common import FormErrors, page, parse_day, query_url, viewer_for, wants_fragment
from api.web.forms import DATE_INVALID, day_text
from core.clock import local_date, utcnow
from core.errors import FieldError, InvalidInput
from core.paging import PageRequest
from core.tabular import neutralise, write_workbook
from core.text import format_int, strict_int
from models.dossiers import import_jobs
from models.dossiers import stats as dossier_stats
from models.permissions import Action
from models.units import service as units
from models.vocabulary import Channel, UnitLevel

RESULTS = "ket-qua-ho-so"
LATE_PAGE = 50
GROUPINGS = {
    "unit": "Đơn vị",
    "level": "Cấp thực hiện",
    "field": "Lĩnh vực",
    "month": "Tháng",
    "channel": "Hình thức nộp",
}
SEGMENTS = [
    ("resolved_early", "Giải quyết trước hạn"),
    ("resolved_on_time", "Giải quyết đúng hạn"),
    ("resolved_late", "Giải quyết quá hạn"),
    ("open_within_deadline", "Đang giải quyết, còn hạn"),
    ("open_overdue", "Đang giải quyết, đã quá hạn"),
]
FIELD_NAMES = {"from": "start", "to": "end"}
# The statistics table's sortable columns: "group" is the statistics' own order (units by
# code, months in time order); the others sort by the column's figure.
SORT_COLUMNS = {
    "group": lambda row: row["position"],
    "received": lambda row: row["figures"].received,
    "resolved": lambda row: row["figures"].resolved,
    "in_time": lambda row: row["figures"].resolved_early + row["figures"].resolved_on_time,
    "late": lambda row: row["figures"].resolved_late,
    "on_time_rate": lambda row: row["figures"].on_time_rate,
    "unapologised": lambda row: row["figures"].apologies_owed - row["figures"].apologies_issued,
}


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    """The table's rows by ``sort`` (a column key, "-" first for descending); rows without the
    figure (no rate when nothing was resolved) go last either way, ties keep the group order."""
    value = SORT_COLUMNS[sort.removeprefix("-")]
    known = [row for row in rows if value(row) is not None]
    unknown = [row for row in rows if value(row) is None]
    return sorted(known, key=value, reverse=sort.startswith("-")) + unknown


def group_label(key: dict, group_by: str) -> str:
    value = key.get(group_by)
    if group_by == "unit":
        return f"{key.get('unit_name')} ({key.get('unit_code')})"
    if group_by == "level" and value in set(UnitLevel):
        return UnitLevel(value).label
    if group_by == "channel" and value in set(Channel):
        return Channel(value).label
    if group_by == "month" and value:
        year, month = str(value).split("-")
        return f"Tháng {int(month)}/{year}"
    return str(value) if value not in (None, "") else "(không rõ)"


def _row(position: int, label: str, figures: dossier_stats.Figures) -> dict:
    return {
        "position": position,
        "label": label,
        **{name: getattr(figures, name) for name in dict(SEGMENTS)},
        "figures": figures,
    }


@dataclass
class StatsQuery:
    """The period, scope and grouping the page and its export are asked for, with the
    Vietnamese errors of what could not be read."""

    first: date
    last: date
    unit_id: int | None
    level: str | None
    group_by: str
    sort: str
    errors: FormErrors

    @property
    def scope(self) -> dossier_stats.Scope:
        return dossier_stats.Scope(unit_id=self.unit_id, level=self.level)

    @classmethod
    def parse(
        cls, start: str, end: str, unit_id: str, level: str, group_by: str, sort: str = "group"
    ) -> StatsQuery:
        today = local_date(utcnow())
        errors = FormErrors()
        first, last = date(today.year, 1, 1), today
        for name, raw in (("start", start), ("end", end)):
            if raw:
                try:
                    value = parse_day(raw)
                except ValueError:
                    errors.add(name, DATE_INVALID)
                    continue
                first, last = (value, last) if name == "start" else (first, value)
        if unit_id and (strict_int(unit_id) or 0) < 1:
            errors.add("unit_id", "Đơn vị không hợp lệ.")
        if level and level not in set(UnitLevel):
            errors.add("level", "Cấp thực hiện không hợp lệ.")
        if group_by not in GROUPINGS:
            errors.add("group_by", "Tiêu chí nhóm không hợp lệ.")
        if sort.removeprefix("-") not in SORT_COLUMNS:
            errors.add("sort", "Cách sắp xếp không hợp lệ.")
        unit = strict_int(unit_id) if unit_id and "unit_id" not in errors else None
        return cls(first, last, unit, level or None, group_by, sort, errors)

    async def rows(self) -> tuple[list[dict], dossier_stats.Figures]:
        """The table's rows, labelled and in the asked order, and the total."""
        stats = await dossier_stats.dossier_stats(self.first, self.last, self.scope, (self.group_by,))
        rows = [
            _row(position, group_label(group.key, self.group_by), group.figures)
            for position, group in enumerate(stats.groups)
        ]
        return sort_rows(rows, self.sort), stats.total


EXPORT_HEADER = [
    "Tiếp nhận mới",
    "Kỳ trước chuyển sang",
    "Đã giải quyết",
    "Trước hạn",
    "Đúng hạn",
    "Giải quyết quá hạn",
    "Tỷ lệ trước và đúng hạn (%)",
    "Đang giải quyết, còn hạn",
    "Đang giải quyết, quá hạn",
    "Trả lại, rút",
    "Trễ hạn chưa xin lỗi",
]


def export_row(label: str, figures: dossier_stats.Figures) -> list:
    rate = figures.on_time_rate
    return [
        neutralise(label),
        figures.received,
        figures.carried_over,
        figures.resolved,
        figures.resolved_early,
        figures.resolved_on_time,
        figures.resolved_late,
        None if rate is None else round(rate, 2),
        figures.open_within_deadline,
        figures.open_overdue,
        figures.returned + figures.withdrawn,
        figures.apologies_owed - figures.apologies_issued,
    ]


class DossierPagesController(Controller):
    path = "/dossiers"

    @get("/imports", name="web:dossier-imports")
    async def imports(self, principal: Caller, request: HTMXRequest) -> Response:
        """The imports still loading (polled by the notice on the pages); once none is left,
        the page reloads to show the figures with them."""
        principal.require(Action.READ)
        unfinished = await import_jobs.unfinished_jobs()
        response = page("_import_progress.html", None, imports=unfinished)
        if not unfinished and request.htmx:
            response.headers["HX-Refresh"] = "true"
        return response

    @get("/export", name="web:dossier-export")
    async def export(
        self,
        principal: Caller,
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
        unit_id: FromQuery[str] = "",
        level: FromQuery[str] = "",
        group_by: FromQuery[str] = "unit",
        sort: FromQuery[str] = "group",
    ) -> Response:
        """The page's table as XLSX: one row per group in the page's order, then the total."""
        principal.require(Action.READ)
        query = StatsQuery.parse(start, end, unit_id, level, group_by, sort)
        if query.errors:
            raise InvalidInput(
                "invalid statistics query",
                [FieldError(name, "invalid", message) for name, message in query.errors.items()],
            )
        table, total = await query.rows()
        rows = [export_row(row["label"], row["figures"]) for row in table]
        rows.append(export_row("Tổng cộng", total))
        header = [GROUPINGS[group_by], *EXPORT_HEADER]
        content = write_workbook("Hồ sơ TTHC", header, rows, percent_columns={7})
        name = f"thong-ke-ho-so-{query.first:%Y%m%d}-{query.last:%Y%m%d}.xlsx"
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/", name="web:dossiers")
    async def statistics(
        self,
        principal: Caller,
        request: HTMXRequest,
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
        unit_id: FromQuery[str] = "",
        level: FromQuery[str] = "",
        group_by: FromQuery[str] = "unit",
        sort: FromQuery[str] = "group",
        page_number: FromQuery[int] = 1,
    ) -> Response:
        principal.require(Action.READ)
        query = StatsQuery.parse(start, end, unit_id, level, group_by, sort)
        first, last, errors = query.first, query.last, query.errors
        page_number = max(1, page_number)
        filters = {
            "start": start or day_text(first),
            "end": end or day_text(last),
            "unit_id": unit_id,
            "level": level,
            "group_by": group_by,
        }
        sort_param = sort if sort != "group" else None  # the default order is left out of addresses
        context: dict = {
            "filters": filters,
            "errors": errors,
            "groupings": GROUPINGS,
            "segments": SEGMENTS,
            "sort": sort,
            "sort_url": lambda key: query_url("/dossiers", **filters, sort=key),
            "export_url": query_url("/dossiers/export", **filters, sort=sort_param),
        }
        if not errors:
            scope = query.scope
            try:
                rows, total = await query.rows()
                late, late_total = await dossier_stats.late_without_apology(
                    first, last, scope, PageRequest(LATE_PAGE, (page_number - 1) * LATE_PAGE)
                )
            except InvalidInput as exc:
                errors.add_domain(exc.errors, FIELD_NAMES)
            else:
                judged = dossier_stats.judged_until(first, last, local_date(utcnow()))
                context.update(
                    start=first,
                    end=judged,
                    until_today=judged < last,
                    total=total,
                    rows=rows,
                    chart_bars=stacked_bars(
                        rows,
                        SEGMENTS,
                        label="label",
                        caption=lambda row: f"{format_int(row['figures'].received)} hồ sơ tiếp nhận",
                    ),
                    late=late,
                    late_total=late_total,
                    page_number=page_number,
                    pages=max(1, -(-late_total // LATE_PAGE)),
                    page_url=lambda n: query_url(
                        "/dossiers", **filters, sort=sort_param, page_number=n if n > 1 else None
                    ),
                )
        context["imports"] = await import_jobs.unfinished_jobs()
        if wants_fragment(request, RESULTS):
            response = page("_dossier_results.html", None, **context)
        else:
            unit_rows, _ = await units.list_units(units.UnitFilter(), PageRequest(500, 0, "code"))
            response = page(
                "dossiers.html",
                await viewer_for(principal),
                status_code=422 if errors else 200,
                units=unit_rows,
                **context,
            )
        response.headers["Vary"] = "HX-Request, HX-Target"
        return response
