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
from api.web.common import FormErrors, choose_plan, page, parse_date_field, query_url, read_id, viewer_for
from api.web.dossiers import loading_imports
from api.web.forms import day_text
from core.clock import local_date, utcnow
from core.errors import NotFound
from core.paging import PageRequest
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


def completion_rate(row: dict) -> float | None:
    """A tally's completion rate, or None when it counts no task (none yet on the day asked
    for, or every one stopped): a rate over zero tasks is no figure, not 0%."""
    return row["percent"] if row["total"] else None


def progress_caption(row: dict) -> str:
    if not row["total"]:
        return "Không có nhiệm vụ được tính"
    text = f"{row['completed']}/{row['total']} nhiệm vụ hoàn thành"
    return text + (f", {row['overdue']} quá hạn" if row["overdue"] else "")


async def latest_indices(day: date, today: date) -> list[dict]:
    """The newest result of each index, with a gauge of its score against the year's target:
    today, every one recorded; for a past ``day``, those published by then
    (``indices.publication_day``: a result of 2024 was not known on 01/06/2024)."""
    public = indices.IndexFilter(published_by=day if day < today else None)
    rows, _ = await indices.list_index_results(public, PageRequest(500, 0, "kind,-year"))
    latest: dict[str, dict] = {}
    for row in rows:
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


PLAN_INVALID = "Không có kế hoạch này; hãy chọn một kế hoạch trong danh sách."


async def chosen_plan(raw: str, errors: FormErrors) -> tuple[dict | None, list[dict]]:
    """The plan the address asks for; one that is not a plan's id, or names none, is said beside
    the plan list, and the page shows the plan it shows by default."""
    plan_id = read_id(raw, "plan_id", errors, PLAN_INVALID)
    if plan_id is not None:
        try:
            return await choose_plan(plan_id)
        except NotFound:
            errors.add("plan_id", PLAN_INVALID)
    return await choose_plan(None)


class DashboardController(Controller):
    path = "/"

    @get("/", name="web:dashboard")
    async def dashboard(
        self, principal: Caller, plan_id: FromQuery[str] = "", as_of: FromQuery[str | None] = None
    ) -> Template:
        principal.require(Action.READ)
        me = await viewer_for(principal)
        today = local_date(utcnow())
        errors = FormErrors()
        plan, all_plans = await chosen_plan(plan_id, errors)
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
            "as_of": as_of if "as_of" in errors else day_text(chosen),
            "figures_day": figures_day,
            "is_today": figures_day == today,
            "errors": errors.ordered(("plan_id", "as_of")),  # as the fields are on the page
            "dossiers": await year_dossiers(figures_day),
            "dossier_year": figures_day.year,
            # the dossier statistics of the same period, whose figures these are
            "dossiers_url": query_url(
                "/dossiers", start=day_text(date(figures_day.year, 1, 1)), end=day_text(figures_day)
            ),
            "indices": await latest_indices(figures_day, today),
            "imports": await loading_imports(),
        }
        if plan is not None:
            figures = await summary.plan_summary(plan["id"], figures_day)
            figures = {
                **figures,
                "percent": completion_rate(figures),
                "by_lead_unit": [{**row, "percent": completion_rate(row)} for row in figures["by_lead_unit"]],
            }
            by_unit = sorted(
                figures["by_lead_unit"],
                key=lambda row: (
                    -row["overdue"],
                    row["percent"] is None,
                    row["percent"] or 0,
                    row["unit_code"],
                ),
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
