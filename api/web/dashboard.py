"""The dashboard: the plan's progress by area and by unit (overdue first), the year's dossier
figures, and the latest index scores against their targets, every figure as of one day (today
unless the viewer picks another)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Template

from api.security import Caller
from api.web.charts import gauge, stacked_bars
from api.web.common import FormErrors, choose_plan, page, parse_date_field, query_url, viewer_for
from api.web.forms import day_text
from core.clock import local_date, utcnow
from core.paging import PageRequest
from models.dossiers import import_jobs
from models.dossiers import stats as dossier_stats
from models.indices import service as indices
from models.permissions import Action
from models.plans import progress as summary
from models.plans import tasks
from models.plans.plans import PLAN_YEARS

# A partition of a plan's counted tasks: each task is in exactly one segment (and tile).
TASK_SEGMENTS = [
    ("completed_on_time", "Hoàn thành đúng hạn"),
    ("completed_late", "Hoàn thành muộn"),
    ("overdue", "Quá hạn"),
    ("in_progress_on_track", "Đang thực hiện, còn hạn"),
    ("not_started_on_track", "Chưa triển khai, còn hạn"),
]
OVERDUE_LISTED = 20
# The earliest day figures are asked for: the first year a plan may have (nothing in the app is
# older; 01/01/0001 overflowed the date arithmetic behind the figures into a bare English 422).
EARLIEST_DAY = date(PLAN_YEARS.start, 1, 1)


def progress_caption(row: dict) -> str:
    text = f"{row['completed']}/{row['total']} nhiệm vụ hoàn thành"
    return text + (f", {row['overdue']} quá hạn" if row["overdue"] else "")


async def latest_indices(day: date) -> list[dict]:
    """The newest result of each index for a year up to ``day``'s, with a gauge of its score
    against the year's target."""
    rows, _ = await indices.list_index_results(indices.IndexFilter(), PageRequest(500, 0, "kind,-year"))
    latest: dict[str, dict] = {}
    for row in rows:
        if row["year"] <= day.year:
            latest.setdefault(row["kind"], row)
    return [{**row, "gauge": gauge(row["score"], row["scale"], row["target"])} for row in latest.values()]


async def overdue_tasks(plan_id: int, day: date, today: date) -> tuple[list[dict], int]:
    """The tasks overdue at the end of ``day``: as they stood then for a past day."""
    if day < today:
        return await summary.overdue_as_of(plan_id, day, OVERDUE_LISTED)
    return await tasks.list_tasks(
        plan_id, tasks.TaskFilter(overdue=True, today=day), PageRequest(OVERDUE_LISTED, 0, "deadline,code")
    )


async def year_dossiers(day: date) -> dossier_stats.Figures | None:
    """The dossier figures of ``day``'s year up to that day, or None when it has none."""
    stats = await dossier_stats.dossier_stats(date(day.year, 1, 1), day)
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
        chosen = parse_date_field({"as_of": as_of or ""}, "as_of", errors)
        if chosen is not None and chosen > today:  # no figure speaks for a day still ahead
            errors.add("as_of", f"Ngày tính số liệu không được sau hôm nay ({day_text(today)}).")
            chosen = None
        elif chosen is not None and chosen < EARLIEST_DAY:
            errors.add("as_of", f"Ngày phải từ {day_text(EARLIEST_DAY)} đến hôm nay ({day_text(today)}).")
            chosen = None
        figures_day = chosen or today
        context: dict = {
            "plan": plan,
            "plans": all_plans,
            "as_of": as_of if errors else day_text(chosen),
            "figures_day": figures_day,
            "is_today": figures_day == today,
            "errors": errors,
            "dossiers": await year_dossiers(figures_day),
            "dossier_year": figures_day.year,
            "indices": await latest_indices(figures_day),
            "imports": await import_jobs.unfinished_jobs(),
        }
        if plan is not None:
            figures = await summary.plan_summary(plan["id"], figures_day)
            by_unit = sorted(
                figures["by_lead_unit"], key=lambda row: (-row["overdue"], row["percent"], row["unit_code"])
            )
            overdue, overdue_total = await overdue_tasks(plan["id"], figures_day, today)
            context.update(
                summary=figures,
                area_bars=stacked_bars(
                    figures["by_area"],
                    TASK_SEGMENTS,
                    label="area_label",
                    caption=progress_caption,
                    href=lambda row: query_url(f"/plans/{plan['id']}", area=row["area"]),
                    own_scale=True,
                ),
                by_unit=by_unit,
                overdue=overdue,
                overdue_total=overdue_total,
                segments=TASK_SEGMENTS,
            )
        return page("dashboard.html", me, status_code=422 if errors else 200, **context)
