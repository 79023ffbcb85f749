"""Dossier statistics for a chosen period and scope, with a chart, and the late dossiers for
which no apology was issued (the same functions as GET /api/dossiers/stats and
/api/dossiers/late-without-apology)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar_htmx import HTMXRequest

from api.security import Caller
from api.web.charts import stacked_bars
from api.web.common import FormErrors, page, parse_day, query_url, viewer_for, wants_fragment
from api.web.forms import DATE_INVALID, FORM, day_text, parse_whole
from core.clock import local_date, utcnow
from core.errors import FieldError, InvalidInput
from core.paging import PageRequest
from core.tabular import neutralise, write_workbook
from core.text import format_int, nfc, period_name, sentence_start, strict_int
from models.dossiers import import_jobs
from models.dossiers import stats as dossier_stats
from models.permissions import Action
from models.procedures import service as procedures
from models.units import service as units
from models.vocabulary import Channel, UnitLevel

RESULTS = "ket-qua-ho-so"  # the part a sort or a page of the list swaps
QUERY = "thong-ke-ho-so"  # the form with the results: what the form swaps
PAGE_INVALID = "Số trang không hợp lệ."
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
        return sentence_start(period_name("month", int(year), int(month)))
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
    field: str | None
    procedure_id: int | None
    group_by: str
    sort: str
    errors: FormErrors

    @property
    def scope(self) -> dossier_stats.Scope:
        return dossier_stats.Scope(
            unit_id=self.unit_id, level=self.level, field=self.field, procedure_id=self.procedure_id
        )

    @classmethod
    async def parse(cls, filters: dict[str, str], sort: str = "group") -> StatsQuery:
        """``filters``: the form's fields as typed (see ``FILTERS``)."""
        today = local_date(utcnow())
        errors = FormErrors()
        days = {"start": date(today.year, 1, 1), "end": today}
        for name in days:
            if filters[name]:
                try:
                    days[name] = parse_day(filters[name])
                except ValueError:
                    errors.add(name, DATE_INVALID)
        unit_id = strict_int(filters["unit_id"]) if filters["unit_id"] else None
        if filters["unit_id"] and (unit_id or 0) < 1:
            errors.add("unit_id", "Đơn vị không hợp lệ.")
        if filters["level"] and filters["level"] not in set(UnitLevel):
            errors.add("level", "Cấp thực hiện không hợp lệ.")
        if filters["field"] and nfc(filters["field"]) not in await procedures.catalogue_fields():
            errors.add("field", "Lĩnh vực không có trong danh mục thủ tục.")
        procedure_id = None
        if filters["procedure"]:
            procedure_id = await procedures.procedure_id_by_code(filters["procedure"])
            if procedure_id is None:
                errors.add("procedure", "Không có thủ tục mang mã này trong danh mục.")
        if filters["group_by"] not in GROUPINGS:
            errors.add("group_by", "Tiêu chí nhóm không hợp lệ.")
        if sort.removeprefix("-") not in SORT_COLUMNS:  # no field of its own: a hand-made address
            errors.add(FORM, "Cách sắp xếp không hợp lệ.")
        return cls(
            days["start"],
            days["end"],
            unit_id if "unit_id" not in errors else None,
            filters["level"] or None,
            nfc(filters["field"]) or None,
            procedure_id,
            filters["group_by"],
            sort,
            errors,
        )

    def shown(self, filters: dict[str, str]) -> dict[str, str]:
        """The filters as the form shows them again: a date read is written dd/mm/yyyy (also
        when typed as 2024-01-05), one that could not be read is kept as typed."""
        return filters | {
            name: filters[name] if name in self.errors else day_text(day)
            for name, day in (("start", self.first), ("end", self.last))
        }

    async def rows(self) -> tuple[list[dict], dossier_stats.Figures]:
        """The table's rows, labelled and in the asked order, and the total."""
        stats = await dossier_stats.dossier_stats(self.first, self.last, self.scope, (self.group_by,))
        rows = [
            _row(position, group_label(group.key, self.group_by), group.figures)
            for position, group in enumerate(stats.groups)
        ]
        return sort_rows(rows, self.sort), stats.total


# The form's fields in page order (the error summary lists them so).
FILTERS = ("start", "end", "unit_id", "level", "field", "procedure", "group_by")


def read_filters(query: Mapping[str, str]) -> dict[str, str]:
    """The form's fields from the address, as typed (trimmed); grouped by unit by default."""
    return {name: query.get(name, "unit" if name == "group_by" else "").strip()[:255] for name in FILTERS}


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
        request: Request,
        sort: FromQuery[str] = "group",
    ) -> Response:
        """The page's table as XLSX: one row per group in the page's order, then the total."""
        principal.require(Action.READ)
        filters = read_filters(request.query_params)
        query = await StatsQuery.parse(filters, sort)
        if query.errors:
            raise InvalidInput(
                "invalid statistics query",
                [FieldError(name, "invalid", message) for name, message in query.errors.items()],
            )
        table, total = await query.rows()
        rows = [export_row(row["label"], row["figures"]) for row in table]
        rows.append(export_row("Tổng cộng", total))
        header = [GROUPINGS[query.group_by], *EXPORT_HEADER]
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
        sort: FromQuery[str] = "group",
        page_number: FromQuery[str] = "",
    ) -> Response:
        """The statistics page. An HTMX request that swaps the results gets them alone; one
        that swaps the form and results (the form's own), or any with errors, gets both, so
        each error shows in the summary and beside its field and a mended one goes away."""
        principal.require(Action.READ)
        typed = read_filters(request.query_params)
        query = await StatsQuery.parse(typed, sort)
        errors = query.errors
        wanted_page = read_page_number(page_number, errors)
        filters = query.shown(typed)
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
            try:
                context |= await results(query, wanted_page)
            except InvalidInput as exc:
                errors.add_domain(exc.errors, FIELD_NAMES)
            else:
                context["page_url"] = lambda n: query_url(
                    "/dossiers", **filters, sort=sort_param, page_number=n if n > 1 else None
                )
        context["errors"] = errors.ordered(FILTERS)
        context["imports"] = await import_jobs.unfinished_jobs()
        if wants_fragment(request, RESULTS) and not errors:
            response = page("_dossier_results.html", None, **context)
        else:
            context |= await choices()
            if request.htmx and not request.htmx.history_restore_request:
                response = page("_dossier_query.html", None, **context)
                response.headers["HX-Retarget"] = f"#{QUERY}"
            else:
                response = page(
                    "dossiers.html",
                    await viewer_for(principal),
                    status_code=422 if errors else 200,
                    **context,
                )
        response.headers["Vary"] = "HX-Request, HX-Target"
        return response


def read_page_number(raw: str, errors: FormErrors) -> int:
    """The list's page from the pager's links (1 when absent); anything else is an address
    typed by hand, refused as a whole ("form": the page has no such field)."""
    try:
        return parse_whole(raw, low=1) if raw else 1
    except ValueError:
        errors.add(FORM, PAGE_INVALID)
        return 1


async def choices() -> dict:
    """What the form's lists offer: the units (the province's and the merged ones) and the
    catalogue's fields."""
    unit_rows, _ = await units.list_units(units.UnitFilter(), PageRequest(500, 0, "code"))
    return {"units": unit_rows, "fields": await procedures.catalogue_fields()}


async def results(query: StatsQuery, wanted_page: int) -> dict:
    """The figures, the chart and the page of late dossiers without an apology; a page past
    the last one shows the last (a list that shrank since its address was made)."""
    rows, total = await query.rows()
    late, late_total = await _late_page(query, wanted_page)
    pages = max(1, -(-late_total // LATE_PAGE))
    if wanted_page > pages:
        wanted_page = pages
        late, late_total = await _late_page(query, pages)
    today = local_date(utcnow())
    judged = dossier_stats.judged_until(query.first, query.last, today)
    return {
        "start": query.first,
        "end": judged,
        "until_today": dossier_stats.appointments_past(judged, today) < judged,  # today is not over
        "total": total,
        "rows": rows,
        "chart_bars": stacked_bars(
            rows,
            SEGMENTS,
            label="label",
            caption=lambda row: f"{format_int(row['figures'].received)} hồ sơ tiếp nhận",
        ),
        "late": late,
        "late_total": late_total,
        "page_number": wanted_page,
        "pages": pages,
    }


async def _late_page(query: StatsQuery, number: int) -> tuple[list[dict], int]:
    return await dossier_stats.late_without_apology(
        query.first, query.last, query.scope, PageRequest(LATE_PAGE, (number - 1) * LATE_PAGE)
    )
