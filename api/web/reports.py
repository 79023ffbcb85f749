"""Reports: request a half-year or annual report, watch its state (HTMX polls the row until it
is done), download the .docx, issue it; write the narrative sections; link to the schedules page.

The same calls as /api/reports and /api/schedules: report_runs.request_run (and its scope rule:
a unit head reports on their own unit), execute_run in the background, issue_run, put_draft.
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from api.security import Caller
from api.web.common import FormErrors, choose_plan, page, parse_int, query_url, see_other, text, viewer_for
from core.clock import local_date, utcnow
from core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from core.paging import PageRequest
from models.permissions import Action, Principal
from models.units import service as units
from models.vocabulary import Area, JobState, Role
from reports import runs as report_runs

PERIOD_KINDS = {
    "H1": "Báo cáo 6 tháng đầu năm",
    "Y": "Báo cáo năm",
    "M9": "Báo cáo 9 tháng",
    "Q": "Báo cáo quý",
}
SECTIONS = [
    ("leadership", "Công tác chỉ đạo, điều hành"),
    ("achievements", "Kết quả nổi bật"),
    *(
        (area.value, f"Nhận xét về {area.label[0].lower()}{area.label[1:]}")
        for area in Area
        if area.value != "leadership"
    ),
    ("limitations", "Tồn tại, hạn chế"),
    ("causes", "Nguyên nhân"),
    ("next_tasks", "Nhiệm vụ trọng tâm kỳ tới"),
    ("recommendations", "Đề xuất, kiến nghị"),
]
ACTIVE_STATES = (JobState.QUEUED.value, JobState.RUNNING.value)


def period_label(key: str) -> str:
    try:
        return report_runs.parse_period(key).label
    except InvalidInput:
        return key


def describe(run: dict, unit_names: dict[int, str]) -> dict:
    return {
        **run,
        "period_label": period_label(run["period_key"]),
        "scope_name": unit_names.get(run["scope_unit"], "") if run["scope_unit"] else "Toàn tỉnh",
        "state_label": JobState(run["state"]).label if run["state"] in set(JobState) else run["state"],
        "active": run["state"] in ACTIVE_STATES,
    }


async def _unit_names() -> tuple[dict[int, str], list[dict]]:
    rows, _ = await units.list_units(units.UnitFilter(), PageRequest(500, 0, "code"))
    return {row["id"]: row["name"] for row in rows}, rows


async def reports_page(
    principal: Principal,
    *,
    form: dict | None = None,
    errors: FormErrors | None = None,
    requested: int | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Template:
    principal.require(Action.READ)
    names, unit_rows = await _unit_names()
    rows, total = await report_runs.list_runs(principal, report_runs.RunFilter(), PageRequest(50))
    plan, _ = await choose_plan(None)
    year = plan["year"] if plan else local_date(utcnow()).year
    return page(
        "reports.html",
        await viewer_for(principal),
        status_code=status_code,
        runs=[describe(row, names) for row in rows],
        total=total,
        units=[row for row in unit_rows if row["valid_to"] is None],
        kinds=PERIOD_KINDS,
        form=form or {"kind": "H1", "year": str(year), "quarter": "", "scope_unit_id": ""},
        errors=errors or FormErrors(),
        requested=requested,
        notice=notice,
        can_see_schedules=principal.can(Action.ISSUE_REPORTS),
        can_request=principal.can(Action.GENERATE_REPORTS),
        can_issue=principal.can(Action.ISSUE_REPORTS),
    )


def may_write_draft(principal: Principal, unit_id: int | None) -> bool:
    """As report_runs.put_draft decides: staff write any report's text, a unit head their unit's."""
    if not principal.can(Action.GENERATE_REPORTS):
        return False
    return principal.can(Action.ISSUE_REPORTS) or (unit_id is not None and unit_id == principal.unit_id)


def period_key(form: dict, errors: FormErrors) -> str | None:
    kind = form["kind"]
    if kind not in PERIOD_KINDS:
        errors.add("kind", "Loại báo cáo không hợp lệ.")
    year = parse_int(form, "year", errors, "Năm báo cáo phải từ 2000 đến 2100.", low=2000, high=2100)
    if year is None:
        errors.add("year", "Năm báo cáo phải từ 2000 đến 2100.")
    quarter = None
    if kind == "Q":
        quarter = parse_int(form, "quarter", errors, "Quý phải từ 1 đến 4.", low=1, high=4)
        if quarter is None:
            errors.add("quarter", "Chọn quý (1 đến 4).")
    if errors:
        return None
    return f"{year}-Q{quarter}" if kind == "Q" else f"{year}-{kind}"


class ReportPagesController(Controller):
    path = "/reports"

    @get("/", name="web:reports")
    async def reports(self, principal: Caller, requested: FromQuery[int | None] = None) -> Template:
        notice = "Đã gửi yêu cầu lập báo cáo; trạng thái tự cập nhật bên dưới." if requested else ""
        return await reports_page(principal, requested=requested, notice=notice)

    @post("/", status_code=303)
    async def request_report(self, principal: Caller, request: Request) -> Response:
        principal.require(Action.GENERATE_REPORTS)
        raw = await request.form()
        form = {k: text(raw, k, 16) for k in ("kind", "year", "quarter", "scope_unit_id")}
        errors = FormErrors()
        key = period_key(form, errors)
        scope = parse_int(form, "scope_unit_id", errors, "Đơn vị không hợp lệ.", low=1)
        if principal.role is Role.UNIT_HEAD:
            scope = principal.unit_id  # a unit head reports on their own unit only
        if key is not None and not errors:
            try:
                run = await report_runs.request_run(principal, report_runs.RunRequest(key, scope))
            except InvalidInput as exc:
                errors.add_domain(exc.errors, {"period": "kind", "scope_unit_id": "scope_unit_id"})
            else:
                report_runs.start_run(run["id"])
                return see_other(query_url("/reports", requested=run["id"]) + f"#run-{run['id']}")
        return await reports_page(principal, form=form, errors=errors, status_code=422)

    @get("/runs/{run_id:int}", name="web:report-run")
    async def run_row(self, principal: Caller, run_id: FromPath[int]) -> Template:
        """One run's table row: HTMX asks for it every two seconds while the run is queued or
        running; the finished row stops asking."""
        run = await report_runs.get_run(principal, run_id)
        names, _ = await _unit_names()
        return page(
            "_report_row.html",
            None,
            run=describe(run, names),
            can_issue=principal.can(Action.ISSUE_REPORTS),
            requested=None,
        )

    @post("/runs/{run_id:int}/issue", status_code=303)
    async def issue(self, principal: Caller, run_id: FromPath[int]) -> Response:
        try:
            await report_runs.issue_run(principal, run_id)
        except Conflict:
            return await reports_page(
                principal, notice="Chỉ báo cáo đã lập xong mới được ban hành.", status_code=409
            )
        return see_other(f"/reports#run-{run_id}")

    @get("/drafts", name="web:report-draft")
    async def draft(
        self,
        principal: Caller,
        period: FromQuery[str],
        unit_id: FromQuery[int | None] = None,
        saved: FromQuery[bool] = False,
    ) -> Template:
        principal.require(Action.READ)
        key = report_runs.parse_period(period)
        stored = await report_runs.get_draft(key.kind.value, key.key, unit_id)
        return await draft_page(
            principal, key.key, unit_id, stored["sections"], stored["version"], saved=saved
        )

    @post("/drafts", status_code=303)
    async def save_draft(self, principal: Caller, request: Request) -> Response:
        raw = await request.form()
        errors = FormErrors()
        key = text(raw, "period", 16)
        unit_id = parse_int(raw, "unit_id", errors, "Đơn vị không hợp lệ.", low=1)
        version = parse_int(raw, "version", errors, "Phiên bản không hợp lệ; hãy tải lại trang.", low=0)
        sections = {
            name: (raw.get(name) or "").strip() for name, _ in SECTIONS if isinstance(raw.get(name), str)
        }
        if not may_write_draft(principal, unit_id):
            raise PermissionDenied("a unit head writes only their own unit's report")
        stale = False
        status_code = 422
        if not errors:
            try:
                await report_runs.put_draft(principal, key, unit_id, sections, version)
            except StaleVersion:
                stale = True
                status_code = 409
            except InvalidInput as exc:
                errors.add_domain(exc.errors, {f"sections.{name}": name for name, _ in SECTIONS})
            else:
                return see_other(query_url("/reports/drafts", period=key, unit_id=unit_id, saved=1))
        period = report_runs.parse_period(key)
        stored = await report_runs.get_draft(period.kind.value, period.key, unit_id)
        return await draft_page(
            principal,
            period.key,
            unit_id,
            sections,
            stored["version"],
            errors=errors,
            stale=stored["sections"] if stale else None,
            status_code=status_code,
        )


async def draft_page(
    principal: Principal,
    key: str,
    unit_id: int | None,
    sections: dict,
    version: int,
    *,
    errors: FormErrors | None = None,
    stale: dict | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Template:
    scope_name = (await units.get_unit(unit_id))["name"] if unit_id else "Toàn tỉnh"
    return page(
        "report_draft.html",
        await viewer_for(principal),
        status_code=status_code,
        period_key=key,
        period_label=period_label(key),
        unit_id=unit_id,
        scope_name=scope_name,
        sections=SECTIONS,
        values=sections,
        version=version,
        errors=errors or FormErrors(),
        stale=stale,
        saved=saved,
        can_edit=may_write_draft(principal, unit_id),
    )
