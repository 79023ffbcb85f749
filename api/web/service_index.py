"""The Decision 766 service index page: the province's indicators, the units ranked with their
change, the trend by month, and the dossiers that lost points (the same functions as
GET /api/service-index and its /trend and /dossiers)."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.params import FromQuery

from api.security import Caller
from api.web.charts import stacked_bars
from api.web.common import (
    FormErrors,
    page,
    page_rows,
    pages_of,
    query_url,
    read_id,
    read_page_number,
    viewer_for,
)
from api.web.dossiers import loading_imports
from core.clock import local_date, utcnow
from core.errors import InvalidInput
from core.paging import PageRequest
from core.text import format_fixed, format_percent
from models.permissions import Action
from models.service_index import service
from models.service_index.indicators import BY_KEY, HANDLING_DAYS_DECIMALS, SHORT_LABELS, scoring_rules
from models.units import service as units

LOST_PAGE = 50
NOT_A_PERIOD = "Kỳ đánh giá không hợp lệ: hãy chọn một tháng, quý hoặc năm đã kết thúc."
TREND_SEGMENTS = [("earned", "Mức đạt"), ("missing", "Còn thiếu so với mức tối đa")]


def default_period() -> str:
    """The last whole month before today."""
    today = local_date(utcnow())
    return service.IndexPeriod("month", today.year, today.month).previous().key


def _read(period: str, unit_id: str, errors: FormErrors) -> tuple[service.IndexPeriod | None, int | None]:
    chosen = service.period_from_key(period)
    if chosen is None:  # a key the list never offers (typed into the address)
        errors.add("period", NOT_A_PERIOD)
    else:
        try:
            service.require_ended(chosen)
        except InvalidInput as exc:
            errors.add_domain(exc.errors)
            chosen = None
    return chosen, _unit({"unit_id": unit_id}, "unit_id", errors)


def _unit(query: dict[str, str], name: str, errors: FormErrors) -> int | None:
    return read_id(query[name][:32], name, errors, "Đơn vị không hợp lệ.")


def change_words(change: float | None) -> str | None:
    """A score's change since the previous period, in percentage points with the two decimals
    of the scores beside it ("▲ tăng 8,50", "▼ giảm 0,07"); "không đổi" when it shows as 0,00;
    None when there is nothing to compare with."""
    if change is None:
        return None
    shown = format_fixed(abs(change))
    if shown == format_fixed(0):
        return "không đổi"
    return f"▲ tăng {shown}" if change > 0 else f"▼ giảm {shown}"


def trend_bars(trend: list) -> list:
    rows = [
        {
            "label": month.title,
            "earned": figures.score or 0,
            "missing": 0 if figures.score is None else 100 - figures.score,
            "score": figures.score,
        }
        for month, figures in trend
    ]
    return stacked_bars(
        rows,
        TREND_SEGMENTS,
        label="label",
        own_scale=True,
        caption=lambda row: "không có dữ liệu" if row["score"] is None else format_percent(row["score"]),
        value_text=format_percent,
    )


def lost_url(period: service.IndexPeriod, indicator: str, scope: int | None, group=None) -> str:
    """The dossiers that lost ``indicator``'s points: a ranking row's (``group``) or the whole
    scope's (the unit the page is for with the units under it, or the province); ``scope``
    rides along so that the list links back to the page it came from."""
    if group is None:
        return query_url(
            "/service-index/dossiers",
            period=period.key,
            indicator=indicator,
            unit_id=scope,
            with_children=scope and 1,
        )
    return query_url(
        "/service-index/dossiers",
        period=period.key,
        indicator=indicator,
        unit_id=group.key["unit_id"],
        from_unit=scope,
    )


class ServiceIndexPagesController(Controller):
    path = "/service-index"

    @get("/", name="web:service-index")
    async def index(
        self, principal: Caller, period: FromQuery[str] = "", unit_id: FromQuery[str] = ""
    ) -> Response:
        principal.require(Action.READ)
        errors = FormErrors()
        filters = {"period": period or default_period(), "unit_id": unit_id}
        chosen, unit = _read(filters["period"], unit_id, errors)
        filters["period"] = chosen.key if chosen else filters["period"]  # "2023-q2" is 2023-Q2
        context: dict = {
            "filters": filters,
            "errors": errors,
            "rules": scoring_rules(),
            "dossier_keys": set(BY_KEY),
            "short_labels": SHORT_LABELS,
            "days_decimals": HANDLING_DAYS_DECIMALS,
            "change_words": change_words,
            "imports": await loading_imports(),
        }
        if not errors:
            try:
                index = await service.service_index(chosen, unit, "unit")
                trend = await service.monthly_trend(chosen, unit)
            except InvalidInput as exc:
                errors.add_domain(exc.errors)
            else:
                context.update(
                    index=index,
                    trend=trend,
                    trend_bars=trend_bars(trend),
                    trend_segments=TREND_SEGMENTS,
                    export_url=query_url("/api/service-index/export", period=chosen.key, unit_id=unit),
                    lost_url=lambda key, group=None: lost_url(chosen, key, unit, group),
                )
        unit_rows, _ = await units.list_units(units.UnitFilter(), PageRequest(500, 0, "code"))
        today = local_date(utcnow())
        # Every ended period from the first dossier's year on, and from the one asked for (the
        # list shows what the page shows, even a year before any dossier).
        first_year = min(
            await service.first_dossier_year() or today.year - 1, chosen.year if chosen else today.year
        )
        return page(
            "service_index.html",
            await viewer_for(principal),
            status_code=422 if errors else 200,
            units=unit_rows,
            period_choices=service.period_choices(first_year, today),
            **context,
        )

    @get("/dossiers", name="web:service-index-dossiers")
    async def lost(
        self,
        principal: Caller,
        period: FromQuery[str] = "",
        indicator: FromQuery[str] = "",
        unit_id: FromQuery[str] = "",
        with_children: FromQuery[str] = "",
        from_unit: FromQuery[str] = "",
        page_number: FromQuery[str] = "",
    ) -> Response:
        """The dossiers one indicator counts against, for a ranking row's unit, a unit with the
        units under it (``with_children=1``) or the province; ``from_unit`` is the unit of the
        page to go back to."""
        principal.require(Action.READ)
        errors = FormErrors()
        wanted_page = read_page_number(page_number, errors, LOST_PAGE)
        chosen, unit = _read(period, unit_id, errors)
        back_to = _unit({"from_unit": from_unit}, "from_unit", errors)
        if with_children not in ("", "1"):
            errors.add("with_children", "Chỉ nhận giá trị 1 (gồm các đơn vị trực thuộc).")
        whole_scope = with_children == "1" and unit is not None
        context: dict = {
            "errors": errors,
            "rule": BY_KEY.get(indicator),
            "period": chosen,
        }
        if not errors:
            try:
                rows, total, wanted_page = await page_rows(
                    lambda offset: service.lost_points(
                        chosen, indicator, unit, PageRequest(LOST_PAGE, offset), with_children=whole_scope
                    ),
                    wanted_page,
                    LOST_PAGE,
                )
                context["scope"] = await service.lost_scope_name(chosen, unit, with_children=whole_scope)
            except InvalidInput as exc:
                errors.add_domain(exc.errors)
            else:
                context.update(
                    rows=rows,
                    total=total,
                    page_number=wanted_page,
                    pages=pages_of(total, LOST_PAGE),
                    page_url=lambda n: query_url(
                        "/service-index/dossiers",
                        period=chosen.key,
                        indicator=indicator,
                        unit_id=unit,
                        with_children=whole_scope and 1,
                        from_unit=back_to,
                        page_number=n if n > 1 else None,
                    ),
                    back_url=query_url(
                        "/service-index", period=chosen.key, unit_id=unit if whole_scope else back_to
                    ),
                )
        return page(
            "service_index_dossiers.html",
            await viewer_for(principal),
            status_code=422 if errors else 200,
            **context,
        )
