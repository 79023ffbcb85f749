"""Reports: the draft page (every section with its generated and staff paragraphs: edit, delete,
move, add; warnings, coverage and what is still to be written; "Lập dự thảo"), report runs (HTMX
polls a row until it is done), downloads, issuing behind a confirmation page; a link to the
schedules page.

The same calls as /api/reports and /api/schedules: report_runs.request_run (and its scope rule:
a unit head reports on their own unit), execute_run in the background, change_draft, issue_run.
"""

from __future__ import annotations

import uuid

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from litestar_htmx import HTMXRequest

from api.security import Caller
from api.web.common import (
    FormErrors,
    choose_plan,
    page,
    parse_date_field,
    parse_int,
    query_url,
    see_other,
    text,
    viewer_for,
    wants_fragment,
)
from api.web.forms import CONFIRMED, confirmation, day_text
from core.clock import local_date, utcnow
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleVersion
from core.paging import PageRequest
from core.settings import get_settings
from models.accounts import service as accounts
from models.permissions import Action, Principal
from models.units import service as units
from models.vocabulary import JobState, Role
from reports import drafts, wording
from reports import runs as report_runs
from reports.document import section_labels
from reports.issuers import issuer_profiles

PERIOD_KINDS = {
    "H1": "Báo cáo 6 tháng đầu năm",
    "Y": "Báo cáo năm",
    "M9": "Báo cáo 9 tháng",
    "Q": "Báo cáo quý",
}
ACTIVE_STATES = (JobState.QUEUED.value, JobState.RUNNING.value)


async def describe(run: dict, unit_names: dict[int, str]) -> dict:
    return {
        **run,
        "number_text": await issued_number(run) if run["issued"] else "",
        "period_label": report_runs.parse_period(run["period_key"]).label,
        "scope_name": unit_names.get(run["scope_unit"], "") if run["scope_unit"] else "Toàn tỉnh",
        "state_label": JobState(run["state"]).label if run["state"] in set(JobState) else run["state"],
        "active": run["state"] in ACTIVE_STATES,
        "issuable_from": report_runs.issuable_from(run, local_date(utcnow())),
    }


async def issued_number(run: dict) -> str:
    """An issued run's number as its document prints it ("05/BC-UBND"): the symbol of the
    issuer it was issued as, for its scope (as the issuing form and the issue's messages)."""
    return wording.number_text(await report_runs.run_issuer(run), run["issue_number"])


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
    return page(
        "reports.html",
        await viewer_for(principal),
        status_code=status_code,
        runs=[await describe(row, names) for row in rows],
        total=total,
        **await period_form(form, unit_rows),
        errors=errors or FormErrors(),
        requested=requested,
        notice=notice,
        can_see_schedules=principal.can(Action.ISSUE_REPORTS),
        can_request=principal.can(Action.GENERATE_REPORTS),
        issuable={row["id"] for row in rows if report_runs.may_write(principal, row["scope_unit"])},
        request_key=uuid.uuid4().hex,
    )


async def period_form(form: dict | None, unit_rows: list[dict]) -> dict:
    """What a form choosing a report's period and scope shows (the request form, the draft
    choice): the kinds, every unit in two groups (a past period's report may be about a unit
    closed since: a department merged, a district of before July 2025), and what was typed or
    else the period the plan's year is at (``report_runs.default_period_key``)."""
    today = local_date(utcnow())
    if form is None:
        plan, _ = await choose_plan(None)
        year, kind = report_runs.default_period_key(plan["year"] if plan else today.year, today).split("-")
        form = {"kind": kind, "year": year, "quarter": "", "scope_unit_id": ""}
    return {
        "kinds": PERIOD_KINDS,
        "units": [
            (label, rows)
            for label, rows in (
                (OPEN_UNITS, [row for row in unit_rows if units.in_force(row["valid_to"], today)]),
                (CLOSED_UNITS, [row for row in unit_rows if not units.in_force(row["valid_to"], today)]),
            )
            if rows
        ],
        "form": form,
    }


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


def chosen_period(principal: Principal, form: dict, errors: FormErrors) -> tuple[str | None, int | None]:
    """The period key and the scope (None: the province) a period form names; a unit head's
    scope is their own unit, whatever was sent."""
    key = period_key(form, errors)
    scope = parse_int(form, "scope_unit_id", errors, "Đơn vị không hợp lệ.", low=1)
    if principal.role is Role.UNIT_HEAD:
        scope = principal.unit_id
    return key, scope


async def draft_choice(principal: Principal, query: dict) -> Response:
    """/reports/drafts without a period (the reports page links here): the period and scope to
    open, chosen in a form; once chosen, the draft's own address."""
    principal.require(Action.READ)
    form, errors = None, FormErrors()
    if "kind" in query:
        form = {name: text(query, name, 16) for name in PERIOD_FIELDS}
        key, scope = chosen_period(principal, form, errors)
        if not errors:
            try:
                await report_runs.require_scope_existed(report_runs.period_begun(key), scope)
            except InvalidInput as exc:
                errors.add_domain(exc.errors, {"period": "year"})
            else:
                return see_other(query_url("/reports/drafts", period=key, unit_id=scope))
    _, unit_rows = await _unit_names()
    return page(
        "report_draft_choice.html",
        await viewer_for(principal),
        status_code=422 if errors else 200,
        errors=errors,
        **await period_form(form, unit_rows),
    )


class ReportPagesController(Controller):
    path = "/reports"

    @get("/", name="web:reports")
    async def reports(
        self, principal: Caller, requested: FromQuery[int | None] = None, issued: FromQuery[int | None] = None
    ) -> Template:
        """``requested`` or ``issued``: the run just requested or issued, whose notice is shown
        above its row; only what the run's state bears out is said (the address can be reloaded,
        shared or typed)."""
        run_id = issued or requested
        run = await _run_or_none(principal, run_id) if run_id else None
        notice = ""
        if run and issued:
            notice = ISSUED_NOTICE if run["issued"] else ""
        elif run:
            notice = REQUESTED_NOTICE
        return await reports_page(principal, requested=run_id if notice else None, notice=notice)

    @post("/", status_code=303)
    async def request_report(self, principal: Caller, request: Request) -> Response:
        principal.require(Action.GENERATE_REPORTS)
        raw = await request.form()
        form = {name: text(raw, name, 16) for name in PERIOD_FIELDS}
        errors = FormErrors()
        key, scope = chosen_period(principal, form, errors)
        if not errors:
            try:
                # The key was made with the page: a double click makes one run.
                wanted = report_runs.RunRequest(key, scope, text(raw, "request_key", 200))
                run = await report_runs.request_run(principal, wanted)
            except InvalidInput as exc:
                errors.add_domain(exc.errors, {"period": "year", "scope_unit_id": "scope_unit_id"})
            else:
                report_runs.start_run(run["id"])
                return see_other(query_url("/reports", requested=run["id"]) + f"#run-{run['id']}-notice")
        return await reports_page(principal, form=form, errors=errors, status_code=422)

    @get("/runs/{run_id:int}", name="web:report-run")
    async def run_row(
        self, principal: Caller, request: HTMXRequest, run_id: FromPath[int], new: FromQuery[bool] = False
    ) -> Response:
        """One run's table row: HTMX asks for it every two seconds while the run is queued or
        running; the finished row stops asking. Opened as an address, the row on its page.
        ``new``: the run just requested, which stays marked as the polls replace its row."""
        run = await report_runs.get_run(principal, run_id)
        if not wants_fragment(request, f"run-{run_id}"):
            return see_other(f"/reports#run-{run_id}")
        names, _ = await _unit_names()
        return page(
            "_report_row.html",
            None,
            run=await describe(run, names),
            issuable={run["id"]} if report_runs.may_write(principal, run["scope_unit"]) else set(),
            requested=run_id if new else None,
        )

    @get("/runs/{run_id:int}/issue", name="web:report-issue")
    async def issue_form(self, principal: Caller, run_id: FromPath[int]) -> Template:
        """What issuing will do, and the number, date and signer it asks for."""
        run = await report_runs.run_to_issue(principal, run_id)
        profile = await report_runs.run_issuer(run)
        form = {
            "profile": profile.key,
            "number": "",
            "issued_on": day_text(local_date(utcnow())),
            "signer_name": profile.signer_name,
            "placeholder_reason": "",
        }
        return await issue_page(principal, run, form)

    @post("/runs/{run_id:int}/issue", status_code=303)
    async def issue(self, principal: Caller, run_id: FromPath[int], request: Request) -> Response:
        raw = await request.form()
        form = {name: text(raw, name, 2000) for name in ISSUE_FIELDS}
        errors = FormErrors()
        # A date that cannot be read goes on as none, which the domain refuses too: its messages
        # for the other fields come with this one, all at once.
        issued_on = parse_date_field(form, "issued_on", errors)
        issue = report_runs.IssueRequest(
            form["profile"], form["number"], issued_on, form["signer_name"], form["placeholder_reason"]
        )
        try:
            await report_runs.issue_run(principal, run_id, issue)
        except InvalidInput as exc:
            errors.add_domain(exc.errors)
        except Conflict as exc:
            run = await report_runs.get_run(principal, run_id)
            refusal = next((e.message for e in exc.errors if e.message), "")
            return await issue_page(principal, run, form, refused=refusal or True, status_code=409)
        else:
            return see_other(query_url("/reports", issued=run_id) + f"#run-{run_id}-notice")
        run = await report_runs.get_run(principal, run_id)
        return await issue_page(principal, run, form, errors=errors.ordered(ISSUE_FIELDS), status_code=422)

    @get("/drafts", name="web:report-draft")
    async def draft(
        self,
        principal: Caller,
        request: Request,
        period: FromQuery[str | None] = None,
        unit_id: FromQuery[int | None] = None,
        saved: FromQuery[str | None] = None,
        at: FromQuery[str] = "",
    ) -> Response:
        """``saved`` names the change just saved and ``at`` the element its notice is shown in."""
        if period is None:
            return await draft_choice(principal, request.query_params)
        view = await report_runs.open_draft(principal, period, unit_id)
        return await draft_page(principal, view, notice=SAVED.get(saved or "", ""), notice_at=at)

    @post("/drafts/changes", status_code=303)
    async def change_draft(self, principal: Caller, request: Request) -> Response:
        raw = await request.form()
        form = {name: text(raw, name, 25_000) for name in CHANGE_FIELDS}
        errors = FormErrors()
        unit_id = parse_int(form, "unit_id", errors, "Đơn vị không hợp lệ.", low=1)
        version = parse_int(form, "version", errors, "Phiên bản không hợp lệ; hãy tải lại trang.", low=0)
        if not report_runs.may_write(principal, unit_id):
            raise PermissionDenied("a unit head writes only their own unit's report")
        change = report_runs.DraftChange(
            form["op"], form["section"], form["key"], form["text"], form["direction"], form["profile"]
        )
        target = form_field(change)
        stale = False
        asked = errors or raw.get(CONFIRMED) == "yes"
        if not asked and (question := await _confirm_losing_words(principal, form, unit_id)):
            return question
        if not errors:
            try:
                await report_runs.change_draft(principal, form["period"], unit_id, change, version or 0)
            except StaleVersion:
                stale = True
            except InvalidInput as exc:
                errors.add_domain(exc.errors, {"text": target, "profile": "profile", "direction": target})
            else:
                saved, at = saved_notice(change)
                url = query_url("/reports/drafts", period=form["period"], unit_id=unit_id, saved=saved, at=at)
                return see_other(f"{url}#{at}")
        view = await report_runs.open_draft(principal, form["period"], unit_id)
        return await draft_page(
            principal,
            view,
            errors=errors,
            stale=stale,
            typed={target: form["text"]} if change.op in ("edit", "add") else {},
            status_code=412 if stale else 422,
        )

    @post("/drafts/generate", status_code=303)
    async def generate_draft(self, principal: Caller, request: Request) -> Response:
        """The "Lập dự thảo" button: a new version of the report from the draft as it is now. The
        form carries a key made when the page was shown, so a double click (or the form sent
        again) gives the run the first click made. A request that cannot be made (a bad period
        or unit) is told on the reports page's form."""
        raw = await request.form()
        errors = FormErrors()
        unit_id = parse_int(raw, "unit_id", errors, "Đơn vị không hợp lệ.", low=1)
        if not errors:
            try:
                run = await report_runs.request_run(
                    principal,
                    report_runs.RunRequest(text(raw, "period", 16), unit_id, text(raw, "request_key", 200)),
                )
            except InvalidInput as exc:
                errors.add_domain(exc.errors, {"period": "year", "unit_id": "scope_unit_id"})
        if errors:
            return await reports_page(principal, errors=errors, status_code=422)
        report_runs.start_run(run["id"])
        return see_other(query_url("/reports", requested=run["id"]) + f"#run-{run['id']}-notice")


OPEN_UNITS = "Đơn vị đang hoạt động"
CLOSED_UNITS = "Đơn vị đã giải thể, sáp nhập (cho báo cáo các kỳ trước)"
REQUESTED_NOTICE = "Đã gửi yêu cầu lập báo cáo; trạng thái tự cập nhật bên dưới."
ISSUED_NOTICE = "Đã ban hành báo cáo. Tệp đã ban hành được giữ nguyên: không sửa, không xóa được."
PERIOD_FIELDS = ("kind", "year", "quarter", "scope_unit_id")
ISSUE_FIELDS = ("profile", "number", "issued_on", "signer_name", "placeholder_reason")
CHANGE_FIELDS = ("period", "unit_id", "version", "op", "section", "key", "text", "direction", "profile")
SAVED = {
    "edit": "Đã lưu đoạn văn.",
    "add": "Đã thêm đoạn văn.",
    "delete": "Đã xóa đoạn văn tự động; có thể khôi phục trong “Đoạn tự động đã xóa” ở cuối mục.",
    "delete-staff": "Đã xóa đoạn văn.",
    "restore": "Đã đưa đoạn văn về bản tự động.",
    "move": "Đã chuyển vị trí đoạn văn.",
    "issuer": "Đã chọn cơ quan ban hành.",
}
LOSING_WORDS = {  # (op, origin): title, how far it can be undone, button
    ("delete", drafts.STAFF): (
        "Xóa đoạn văn chuyên viên viết?",
        "Đoạn văn do chuyên viên viết không có bản tự động, nên đã xóa thì không khôi phục được.",
        "Xóa đoạn văn",
    ),
    ("delete", drafts.EDITED): (
        "Xóa đoạn văn đã sửa?",
        "Nội dung đã sửa của đoạn này sẽ mất: khôi phục đoạn đã xóa chỉ đưa lại bản tự động.",
        "Xóa đoạn văn",
    ),
    ("restore", drafts.EDITED): (
        "Dùng lại bản tự động thay cho nội dung đã sửa?",
        "Nội dung đã sửa của đoạn này sẽ mất, không lấy lại được.",
        "Dùng lại bản tự động",
    ),
}
ORIGINS = {
    "generated": "Tự động",
    "edited": "Đã sửa",
    "deleted": "Đã xóa",
    "staff": "Chuyên viên viết",
}


def saved_notice(change: report_runs.DraftChange) -> tuple[str, str]:
    """Which notice a saved change gets and the id of the element it is shown in (the page
    scrolls there): the paragraph changed or added, the section a paragraph left, or the issuer
    form."""
    if change.op == "issuer":
        return "issuer", "lap"
    if change.op == "delete":
        return (
            "delete-staff" if change.key.startswith(drafts.STAFF_PREFIX) else "delete"
        ), f"s-{change.section}"
    return change.op, f"p-{change.added_key if change.op == 'add' else change.key}"


async def _confirm_losing_words(principal: Principal, form: dict, unit_id: int | None) -> Template | None:
    """Deleting a paragraph staff wrote, or putting the generated text back over one they edited,
    loses words nothing can bring back, so the page asks first. Every other change can be taken
    back on the draft page (a deleted generated paragraph is restored from the end of its
    section), and a change the draft refuses is told on the draft page, not here."""
    if form["op"] not in ("delete", "restore"):
        return None
    try:
        view = await report_runs.open_draft(principal, form["period"], unit_id)
    except InvalidInput:
        return None
    section = next((s for s in view.composed if s.key == form["section"]), None)
    shown = drafts.shown_paragraphs(section, view.stored.sections) if section else []
    paragraph = next((p for p in shown if p.key == form["key"]), None)
    if paragraph is None or (form["op"], paragraph.origin) not in LOSING_WORDS:
        return None
    title, warning, button = LOSING_WORDS[form["op"], paragraph.origin]
    heading = section_labels(view.composed)[section.key]  # the opening by its name too
    consequences = [f"Mục {heading}, nội dung hiện nay: “{paragraph.text}”"]
    if form["op"] == "restore":
        consequences.append(
            f"Bản tự động thay vào: “{paragraph.generated.text}”"
            if paragraph.generated
            else "Số liệu hiện nay không còn sinh ra đoạn này, nên đoạn văn sẽ không còn trong dự thảo."
        )
    back = query_url("/reports/drafts", period=form["period"], unit_id=unit_id)
    return confirmation(
        await viewer_for(principal),
        title=title,
        warning=warning,
        consequences=consequences,
        action="/reports/drafts/changes",
        button=button,
        cancel=f"{back}#p-{paragraph.key}",
        fields={name: form[name] for name in CHANGE_FIELDS if form[name]},
        active="reports",
    )


def _error_labels(errors: FormErrors, headings: dict[str, str], section_of: dict[str, str]) -> dict[str, str]:
    """Which paragraph each error of the draft page is about, for its summary: on a page of some
    twenty-five sections "Nhập nội dung đoạn văn." alone does not say where."""
    labels = {}
    for name in errors:
        kind, _, key = name.partition("-")
        section = key if kind == "add" else section_of.get(key, "")
        if kind in ("add", "text") and section in headings:
            labels[name] = f"Đoạn văn {'mới ' if kind == 'add' else ''}ở mục {headings[section]}"
    return labels


async def _run_or_none(principal: Principal, run_id: int) -> dict | None:
    try:
        return await report_runs.get_run(principal, run_id)
    except NotFound:
        return None


def form_field(change: report_runs.DraftChange) -> str:
    """The id of the text box a change came from: a paragraph's edit box or a section's add box."""
    return f"add-{change.section}" if change.op == "add" else f"text-{change.key}"


async def _author(account_id: int | None) -> str:
    if account_id is None:
        return "Lịch tự động"
    account = await accounts.get_account(account_id)
    return account["full_name"] or account["username"]


async def issue_page(
    principal: Principal,
    run: dict,
    form: dict,
    *,
    errors: FormErrors | None = None,
    refused: bool | str = False,  # a message: why the domain refused
    status_code: int = 200,
) -> Template:
    names, _ = await _unit_names()
    profiles = await report_runs.run_profiles(run)
    return page(
        "report_issue.html",
        await viewer_for(principal),
        status_code=status_code,
        run=await describe(run, names),
        author=await _author(run["requested_by"]),
        issued_by=await _author(run["issued_by"]) if run["issued"] else "",
        to_write=await report_runs.still_to_write(principal, run["id"]),
        profiles=profiles.values(),
        form=form,
        errors=errors or FormErrors(),
        refused=refused,
    )


async def draft_page(
    principal: Principal,
    view: report_runs.DraftView,
    *,
    errors: FormErrors | None = None,
    stale: bool = False,
    typed: dict[str, str] | None = None,
    notice: str = "",
    notice_at: str = "",
    status_code: int = 200,
) -> Template:
    scope_name = (await units.get_unit(view.scope_unit_id))["name"] if view.scope_unit_id else "Toàn tỉnh"
    headings = section_labels(view.composed)
    section_of = {p.key: s.key for s in view.applied for p in s.paragraphs}
    errors = errors or FormErrors()
    return page(
        "report_draft.html",
        await viewer_for(principal),
        status_code=status_code,
        view=view,
        period_label=view.period.label,
        scope_name=scope_name,
        author=await _author(view.stored.updated_by) if view.stored.version else "",
        sections=[
            (section, drafts.shown_paragraphs(section, view.stored.sections)) for section in view.composed
        ],
        headings=headings,
        section_of=section_of,
        coverage=report_runs.coverage(view.data),
        profiles=issuer_profiles(get_settings().report, view.data.scope_unit).values(),
        origins=ORIGINS,
        errors=errors,
        error_labels=_error_labels(errors, headings, section_of),
        stale=stale,
        typed=typed or {},
        notice=notice,
        notice_at=notice_at[:200],
        can_edit=report_runs.may_write(principal, view.scope_unit_id),
        request_key=uuid.uuid4().hex,
        offers=drafts.unit_answers(view.data, view.stored.sections),
    )
