"""The plan's task list with filters (area, lead unit, status, overdue) and a search that
ignores diacritics ("thu tuc" finds "thủ tục"); the XLSX export is the API's own."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.params import FromPath, FromQuery
from litestar_htmx import HTMXRequest

from api.security import Caller
from api.web.common import (
    PAGE_ADVICE,
    FormErrors,
    bad_address,
    choose_plan,
    fragment,
    page,
    page_rows,
    pages_of,
    query_url,
    read_page_number,
    see_other,
    viewer_for,
    wants_fragment,
)
from core.paging import PageRequest
from core.text import strict_int
from models.permissions import Action
from models.plans import plans, tasks
from models.plans import progress as summary
from models.vocabulary import Area, TaskStatus

PAGE_SIZE = 50
RESULTS = "ket-qua"
SORTABLE = ("code", "deadline", "status", "progress")


def export_url(plan_id: int, fmt: str, flt: tasks.TaskFilter, sort: str) -> str:
    """The API's export of the tasks the page's filters keep, in the page's order."""
    overdue = None if flt.overdue is None else str(flt.overdue).lower()
    return query_url(
        f"/api/plans/{plan_id}/export",
        format=fmt,
        area=flt.area,
        lead_unit_id=flt.lead_unit_id,
        status=flt.status,
        overdue=overdue,
        q=flt.q,
        sort=sort if sort != "code" else None,
    )


class PlanPagesController(Controller):
    path = "/plans"

    @get("/", name="web:plans")
    async def plans_index(self, principal: Caller) -> Response:
        principal.require(Action.READ)
        plan, all_plans = await choose_plan(None)
        if plan is not None:
            return see_other(f"/plans/{plan['id']}")
        return page("plan.html", await viewer_for(principal), plan=None, plans=all_plans)

    @get("/{plan_id:int}", name="web:plan")
    async def plan_view(
        self,
        principal: Caller,
        request: HTMXRequest,
        plan_id: FromPath[int],
        area: FromQuery[str] = "",
        unit: FromQuery[str] = "",
        status: FromQuery[str] = "",
        overdue: FromQuery[str] = "",
        q: FromQuery[str] = "",
        sort: FromQuery[str] = "code",
        page_number: FromQuery[str] = "",
    ) -> Response:
        principal.require(Action.READ)
        plan = await plans.get_plan(plan_id)
        # only the pager's links make it, and the page has no field to say it is wrong on
        page_refused = FormErrors()
        wanted_page = read_page_number(page_number, page_refused, PAGE_SIZE)
        if page_refused:
            raise bad_address("page_number", "số trang", PAGE_ADVICE)
        errors = FormErrors()
        if area and area not in set(Area):
            errors.add("area", "Lĩnh vực không hợp lệ.")
        if status and status not in set(TaskStatus):
            errors.add("status", "Trạng thái không hợp lệ.")
        unit_id = strict_int(unit)
        if unit and (unit_id is None or unit_id < 1):
            errors.add("unit", "Đơn vị không hợp lệ.")
        if overdue not in ("", "yes", "no"):
            errors.add("overdue", "Lựa chọn không hợp lệ.")
        if sort.removeprefix("-") not in SORTABLE:
            errors.add("sort", "Cách sắp xếp không hợp lệ.")
            sort = "code"
        q = q.strip()[:200]
        flt = tasks.TaskFilter(
            area=area if area and "area" not in errors else None,
            lead_unit_id=unit_id if "unit" not in errors else None,
            status=status if status and "status" not in errors else None,
            overdue={"yes": True, "no": False}.get(overdue),
            q=q or None,
        )
        rows, total, wanted_page = await page_rows(
            lambda offset: tasks.list_tasks(plan_id, flt, PageRequest(PAGE_SIZE, offset, f"{sort},code")),
            wanted_page,
            PAGE_SIZE,
        )
        filters = {"area": area, "unit": unit, "status": status, "overdue": overdue, "q": q}
        base = f"/plans/{plan_id}"
        ordered = {**filters, "sort": sort if sort != "code" else None}
        context = {
            "plan": plan,
            "tasks": rows,
            "total": total,
            "filters": filters,
            "errors": errors,
            "page_number": wanted_page,
            "pages": pages_of(total, PAGE_SIZE),
            "filtered": any(filters.values()),
            "sort": sort,
            "sort_url": lambda key: query_url(base, **filters, sort=key),
            "page_url": lambda n: query_url(base, **ordered, page_number=n if n > 1 else None),
            "export_xlsx": export_url(plan_id, "xlsx", flt, sort),
            "export_csv": export_url(plan_id, "csv", flt, sort),
        }
        status_code = 422 if errors else 200
        if wants_fragment(request, RESULTS):
            # htmx swaps only 2xx answers; the fragment shows its own errors.
            response = fragment("_task_results.html", plan["title"], **context)
        else:
            figures = await summary.plan_summary(plan_id)
            _, all_plans = await choose_plan(plan_id)
            response = page(
                "plan.html",
                await viewer_for(principal),
                status_code=status_code,
                plans=all_plans,
                lead_units=figures["by_lead_unit"],
                summary=figures,
                **context,
            )
        response.headers["Vary"] = "HX-Request, HX-Target"
        return response
