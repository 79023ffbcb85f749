"""The dashboard: the plan's progress by area and by unit (overdue first), the current year's
dossier figures, and the latest index scores against their targets."""

from __future__ import annotations

from datetime import date

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from api.security import Caller
from api.web.charts import gauge, stacked_bars
from api.web.common import FormErrors, choose_plan, page, parse_day, query_url, viewer_for
from core.clock import local_date, utcnow
from core.paging import PageRequest
from models.dossiers import stats as dossier_stats
from models.indices import service as indices
from models.permissions import Action
from models.plans import progress as summary
from models.plans import tasks

TASK_SEGMENTS = [
    ("completed_on_time", "Hoàn thành đúng hạn"),
    ("completed_late", "Hoàn thành muộn"),
    ("pending", "Đang thực hiện hoặc chưa triển khai, còn hạn"),
    ("overdue", "Quá hạn"),
]


def with_pending(tally: dict) -> dict:
    """Tasks neither completed nor overdue (still within their deadline)."""
    return {**tally, "pending": tally["total"] - tally["completed"] - tally["overdue"]}


def progress_caption(row: dict) -> str:
    text = f"{row['completed']}/{row['total']} nhiệm vụ hoàn thành"
    return text + (f", {row['overdue']} quá hạn" if row["overdue"] else "")


async def latest_indices() -> list[dict]:
    """The newest result of each index, with a gauge of its score against the year's target."""
    rows, _ = await indices.list_index_results(indices.IndexFilter(), PageRequest(500, 0, "kind,-year"))
    latest: dict[str, dict] = {}
    for row in rows:
        latest.setdefault(row["kind"], row)
    return [{**row, "gauge": gauge(row["score"], row["scale"], row["target"])} for row in latest.values()]


async def year_dossiers(today: date) -> dossier_stats.Figures | None:
    stats = await dossier_stats.dossier_stats(date(today.year, 1, 1), today)
    total = stats.total
    return total if total.received or total.carried_over else None


class DashboardController(Controller):
    path = "/"

    @get("/", name="web:dashboard")
    async def dashboard(
        self, principal: Caller, plan_id: FromQuery[int | None] = None, as_of: FromQuery[str | None] = None
    ) -> Template:
        principal.require(Action.READ)
        me = await viewer_for(principal)
        today = local_date(utcnow())
        plan, all_plans = await choose_plan(plan_id)
        errors = FormErrors()
        day = None
        if as_of:
            try:
                day = parse_day(as_of)
            except ValueError:
                errors.add("as_of", "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm.")
        context: dict = {
            "plan": plan,
            "plans": all_plans,
            "as_of": as_of or "",
            "errors": errors,
            "dossiers": await year_dossiers(today),
            "dossier_year": today.year,
            "indices": await latest_indices(),
        }
        if plan is not None:
            figures = await summary.plan_summary(plan["id"], day)
            areas = [with_pending(row) for row in figures["by_area"]]
            by_unit = sorted(
                (with_pending(row) for row in figures["by_lead_unit"]),
                key=lambda row: (-row["overdue"], row["percent"], row["unit_code"]),
            )
            overdue, overdue_total = await tasks.list_tasks(
                plan["id"], tasks.TaskFilter(overdue=True), PageRequest(20, 0, "deadline,code")
            )
            context.update(
                summary=with_pending(figures),
                area_bars=stacked_bars(
                    areas,
                    TASK_SEGMENTS,
                    label="area_label",
                    caption=progress_caption,
                    href=lambda row: query_url(f"/plans/{plan['id']}", area=row["area"]),
                ),
                overall_bar=stacked_bars(
                    [{**with_pending(figures), "name": "Toàn kế hoạch"}],
                    TASK_SEGMENTS,
                    label="name",
                    caption=progress_caption,
                )[0],
                by_unit=by_unit,
                overdue=overdue,
                overdue_total=overdue_total,
                segments=TASK_SEGMENTS,
            )
        return page("dashboard.html", me, **context)
