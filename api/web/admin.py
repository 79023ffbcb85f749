"""Administration: accounts and units (administrators), plans and their import (administrators
and home-affairs staff) — the domain's own checks (MANAGE_ACCOUNTS, MANAGE_UNITS,
MANAGE_PLANS) decide, exactly as for /api/users, /api/units and /api/plans.

Each form is a ``FormSpec`` (api.web.forms); a form with errors comes back on its own page with
the error summary on top. Closing a unit and locking an account are confirmed first: the
confirmation says what will happen (for a unit, its open tasks and its accounts).
"""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from api.security import Caller
from api.web.common import Viewer, counts_in_address, page, query_url, see_other, viewer_for
from api.web.forms import (
    FORM,
    FormSpec,
    Submission,
    choice_field,
    confirmation,
    date_field,
    day_text,
    decimal_field,
    password_field,
    text_field,
    whole_field,
)
from core.clock import today
from core.errors import Conflict, InvalidInput, PayloadTooLarge, StaleVersion, UnsupportedMediaType
from core.paging import PageRequest
from core.tabular import HeaderMismatch
from core.text import format_date_short, format_int
from models.accounts import service as accounts
from models.permissions import Action, Principal
from models.plans import files as plan_files
from models.plans import plans, rules, tasks
from models.units import service as units
from models.vocabulary import PlanStatus, ProgressMethod, Role, UnitKind, UnitLevel

ALL = PageRequest(500, 0, "code")
IMPORT_MAX_BYTES = 20 * 1024 * 1024  # a plan's task list is a few hundred rows
UNIT_INVALID = "Đơn vị không hợp lệ."
STALE_PAGE = "Phiên bản không hợp lệ; hãy tải lại trang."

# --- accounts -------------------------------------------------------------------------------

NEW_ACCOUNT_FORM = FormSpec(
    text_field("username", "Tên đăng nhập", required="Vui lòng nhập tên đăng nhập.", max_length=64),
    text_field("full_name", "Họ và tên", required="Vui lòng nhập họ và tên."),
    choice_field("role", Role, "Vai trò không hợp lệ.", required="Vui lòng chọn vai trò."),
    whole_field("unit_id", UNIT_INVALID, low=1),
    password_field("password", "Mật khẩu tạm thời", required="Vui lòng nhập mật khẩu tạm thời."),
)
# An account's row: its name, role and unit. Its own row sends no role (an administrator does
# not demote themselves); an empty unit is "— Không thuộc đơn vị —" (``chosen_unit``).
ACCOUNT_FORM = FormSpec(
    text_field("full_name", "Họ và tên", required="Vui lòng nhập họ và tên."),
    choice_field("role", Role, "Vai trò không hợp lệ."),
    whole_field("unit_id", UNIT_INVALID, low=1),
)
# A new temporary password signs the person out everywhere: confirmed first.
RESET_FORM = FormSpec(
    password_field("password", "Mật khẩu tạm thời mới", required="Vui lòng nhập mật khẩu tạm thời mới."),
)

LOCK_FORM = FormSpec()  # nothing to fill in: the button, then its confirmation


def account_form(account: dict) -> Submission:
    return ACCOUNT_FORM.blank(full_name=account["full_name"], role=account["role"], unit_id=account["unit"])


def chosen_unit(sent: Submission) -> int | accounts.Unassigned | None:
    """The unit an account's row chose: a unit's id, ``NO_UNIT`` for "— Không thuộc đơn vị —"
    (sent empty), None (unchanged) when the field was not sent or cannot be read."""
    if "unit_id" in sent.errors:
        return None
    if sent["unit_id"] is not None:
        return sent["unit_id"]
    return accounts.NO_UNIT if "unit_id" in (sent.data or {}) else None


def in_force(unit: dict) -> bool:
    """The unit may still be given to an account (it has not closed before today)."""
    return units.in_force(unit["valid_to"], today())


async def users_page(
    principal: Principal,
    *,
    q: str = "",
    role: str = "",
    new: Submission | None = None,
    edited: tuple[int, Submission] | None = None,
    reset: tuple[int, Submission] | None = None,
    saved: int | None = None,
    done: str = "",
    status_code: int = 200,
) -> Template:
    principal.require(Action.MANAGE_ACCOUNTS)
    flt = accounts.AccountFilter(role=role or None, q=q or None)
    rows, total = await accounts.list_accounts(principal, flt, PageRequest(500, 0, "username"))
    unit_rows, _ = await units.list_units(units.UnitFilter(), ALL)
    shown = [row for row in rows if row["username"] != accounts.OPERATOR_USERNAME]
    forms = {row["id"]: account_form(row) for row in shown}
    resets = {row["id"]: RESET_FORM.blank() for row in shown}
    if edited is not None:
        forms[edited[0]] = edited[1]
    if reset is not None:
        resets[reset[0]] = reset[1]
    summary = None  # the error summary: (the account's id, its errors, what did not happen to it)
    if failed := edited or reset:
        name = next((row["username"] for row in shown if row["id"] == failed[0]), "")
        outcome = f"Chưa đặt được mật khẩu mới cho {name}" if reset else f"Chưa lưu được tài khoản {name}"
        summary = (failed[0], failed[1].errors, outcome)
    label = ACCOUNT_DONE.get(done or "saved")
    return page(
        "admin/users.html",
        await viewer_for(principal),
        status_code=status_code,
        users=shown,
        total=total,
        units={row["id"]: row for row in unit_rows},
        # Only units in force are offered; an account in a closed one sees it too, marked, so
        # saving its row unchanged keeps it.
        open_units=[row for row in unit_rows if in_force(row)],
        closed_since={
            row["id"]: row["valid_to"] + timedelta(days=1) for row in unit_rows if not in_force(row)
        },
        own_id=principal.account_id,
        filters={"q": q, "role": role},
        roles=list(Role),
        unit_roles=[role.label for role in Role if role in accounts.UNIT_SCOPED_ROLES],
        new=new or NEW_ACCOUNT_FORM.blank(role=Role.UNIT_HEAD.value),
        forms=forms,
        resets=resets,
        failed=summary,
        saved=next((row for row in shown if row["id"] == saved), None) if label else None,
        saved_label=label or "",
        saved_detail=ACCOUNT_DONE_DETAIL.get(done, ""),
    )


# What the row of an account just changed says (the ``done`` of its address): a code, never
# text from the address; an unknown code says nothing.
ACCOUNT_DONE = {
    "saved": "Đã lưu",
    "locked": "Đã khóa tài khoản",
    "unlocked": "Đã mở khóa tài khoản",
    "password": "Đã đặt mật khẩu mới",
}
# ... and, after it, what that did (the short label is a badge that does not wrap).
ACCOUNT_DONE_DETAIL = {
    "password": "Mật khẩu tạm thời: người dùng đã bị đăng xuất khỏi mọi thiết bị và phải đổi nó khi "
    "đăng nhập lại.",
}


def account_saved(account_id: int, done: str = "saved") -> Response:
    address = query_url("/admin/users", saved=account_id, done=None if done == "saved" else done)
    return see_other(f"{address}#user-{account_id}")


class AdminUsersController(Controller):
    path = "/admin/users"

    @get("/", name="web:admin-users")
    async def users(
        self,
        principal: Caller,
        q: FromQuery[str] = "",
        role: FromQuery[str] = "",
        saved: FromQuery[int | None] = None,
        done: FromQuery[str] = "",
    ) -> Template:
        return await users_page(principal, q=q.strip()[:100], role=role, saved=saved, done=done)

    @post("/", status_code=303)
    async def create(self, principal: Caller, request: Request) -> Response:
        principal.require(Action.MANAGE_ACCOUNTS)
        sent = NEW_ACCOUNT_FORM.read(await request.form())
        data = accounts.AccountData(
            sent.typed["username"],
            sent.typed["full_name"],
            sent.typed["role"],
            sent["unit_id"],
            sent["password"],
        )
        # The domain's checks run whatever the form's own found: every error shows at once.
        sent.add_problems(await accounts.account_problems(data))
        if "username" not in sent.errors and (taken := await accounts.username_taken(data.username)):
            sent.add_problems([taken])
        if sent.ok and (row := await sent.attempt(accounts.create_account(principal, data))):
            return account_saved(row["id"])
        sent.typed["password"] = ""  # a password is never sent back to the page
        return await users_page(principal, new=sent, status_code=422)

    @post("/{account_id:int}", status_code=303)
    async def update(self, principal: Caller, request: Request, account_id: FromPath[int]) -> Response:
        """An account's name, role and unit (a new password has its own form, confirmed)."""
        principal.require(Action.MANAGE_ACCOUNTS)
        await accounts.get_account(account_id)
        sent = ACCOUNT_FORM.read(await request.form())
        role, unit = sent["role"], chosen_unit(sent)
        sent.add_problems(await accounts.account_change_problems(account_id, role=role, unit_id=unit))
        status_code = 422
        if sent.ok:
            try:
                await accounts.update_account(
                    principal, account_id, full_name=sent["full_name"], role=role, unit_id=unit
                )
            except Conflict as exc:  # an administrator demoting themselves
                sent.add_problems(exc.errors)
                status_code = 409
            except InvalidInput as exc:
                sent.add_problems(exc.errors)
            else:
                return account_saved(account_id)
        return await users_page(principal, edited=(account_id, sent), status_code=status_code)

    @post("/{account_id:int}/password", status_code=303)
    async def reset_password(
        self, principal: Caller, request: Request, account_id: FromPath[int]
    ) -> Response:
        """A new temporary password, once the administrator has seen what that does."""
        principal.require(Action.MANAGE_ACCOUNTS)
        account = await accounts.get_account(account_id)
        sent = RESET_FORM.read(await request.form())
        if sent["password"] is not None:
            sent.add_problems(await accounts.account_change_problems(account_id, password=sent["password"]))
        if sent.ok and not sent.confirmed:
            return no_store(password_confirmation(await viewer_for(principal), account, sent))
        if sent.ok and await sent.attempt(
            accounts.update_account(principal, account_id, password=sent["password"])
        ):
            return account_saved(account_id, "password")
        sent.typed["password"] = ""
        return await users_page(principal, reset=(account_id, sent), status_code=422)

    @post("/{account_id:int}/deactivate", status_code=303)
    async def deactivate(self, principal: Caller, request: Request, account_id: FromPath[int]) -> Response:
        """Lock an account, once the administrator has seen what that does."""
        principal.require(Action.MANAGE_ACCOUNTS)
        account = await accounts.get_account(account_id)
        sent = LOCK_FORM.read(await request.form())
        if not sent.confirmed:
            return confirmation(
                await viewer_for(principal),
                title=f"Khóa tài khoản {account['username']}?",
                consequences=[
                    f"{account['full_name'] or account['username']} sẽ không đăng nhập được nữa.",
                    "Mọi phiên đăng nhập và khóa API của tài khoản bị thu hồi ngay; mở khóa lại "
                    "sau này thì người dùng phải đăng nhập lại, khóa API phải cấp mới.",
                    "Lịch sử cập nhật, minh chứng do tài khoản này ghi vẫn được giữ nguyên.",
                ],
                action=f"/admin/users/{account_id}/deactivate",
                button=f"Khóa tài khoản {account['username']}",
                cancel=f"/admin/users#user-{account_id}",
                active="admin",
                warning="Có thể mở khóa tài khoản sau, nhưng các phiên đăng nhập và khóa API bị thu hồi "
                "thì không khôi phục được.",
            )
        if await sent.attempt(accounts.update_account(principal, account_id, active=False)):
            return account_saved(account_id, "locked")
        shown = account_form(account)
        shown.errors = sent.errors
        return await users_page(principal, edited=(account_id, shown), status_code=409)

    @post("/{account_id:int}/activate", status_code=303)
    async def activate(self, principal: Caller, account_id: FromPath[int]) -> Response:
        await accounts.update_account(principal, account_id, active=True)
        return account_saved(account_id, "unlocked")


def password_confirmation(me: Viewer, account: dict, sent: Submission) -> Template:
    """What a new temporary password does (models.accounts.update_account): every session and
    API key of the account revoked, and, for someone else's account, the password to be changed
    at the next sign-in."""
    name = account["full_name"] or account["username"]
    own = account["id"] == me.principal.account_id
    consequences = (
        [
            "Bạn bị đăng xuất khỏi mọi thiết bị, kể cả thiết bị này, và các khóa API của tài khoản "
            "bị thu hồi; hãy đăng nhập lại bằng mật khẩu mới.",
        ]
        if own
        else [
            f"{name} bị đăng xuất ngay khỏi mọi thiết bị; các khóa API của tài khoản bị thu hồi, "
            "phải cấp mới.",
            f"Mật khẩu cũ không dùng được nữa. Hãy báo mật khẩu tạm thời mới cho {name}: ở lần "
            "đăng nhập tới, người dùng phải đổi nó trước khi làm việc khác.",
        ]
    )
    return confirmation(
        me,
        title=f"Đặt mật khẩu tạm thời mới cho {account['username']}?",
        consequences=consequences,
        action=f"/admin/users/{account['id']}/password",
        button=f"Đặt mật khẩu mới cho {account['username']}",
        cancel=f"/admin/users#user-{account['id']}",
        # The password goes back once, hidden, to be sent with the button; the page is not stored.
        fields={"password": sent.typed["password"]},
        active="admin",
        warning="Thao tác này không thể hoàn tác: mật khẩu cũ, các phiên đăng nhập và khóa API bị "
        "thu hồi không khôi phục được.",
    )


def no_store(response: Template) -> Template:
    """A page holding something typed in secret: no cache, not even the browser's history, keeps it."""
    response.headers["Cache-Control"] = "no-store"
    return response


# --- units ----------------------------------------------------------------------------------

NEW_UNIT_FORM = FormSpec(
    text_field("code", "Mã đơn vị", required="Vui lòng nhập mã đơn vị.", max_length=32),
    text_field("name", "Tên đơn vị", required="Vui lòng nhập tên đơn vị."),
    choice_field("kind", UnitKind, "Loại đơn vị không hợp lệ.", required="Vui lòng chọn loại đơn vị."),
    choice_field("level", UnitLevel, "Cấp đơn vị không hợp lệ.", required="Vui lòng chọn cấp."),
    whole_field("parent_id", "Đơn vị cấp trên không hợp lệ.", low=1),
    date_field("valid_from"),
)
UNIT_FORM = FormSpec(
    text_field("name", "Tên đơn vị", required="Vui lòng nhập tên đơn vị."),
    whole_field("parent_id", "Đơn vị cấp trên không hợp lệ.", low=1),
    date_field("valid_from"),
)
CLOSE_UNIT_FORM = FormSpec(
    date_field("valid_to", required="Vui lòng nhập ngày cuối cùng đơn vị còn hoạt động."),
    whole_field("successor_id", "Đơn vị kế thừa không hợp lệ.", low=1),
)


async def _unit_history() -> tuple[list[dict], dict[int, dict], dict[int, list[dict]]]:
    """Every unit, by id, and the units each one took over (its predecessors)."""
    every, _ = await units.list_units(units.UnitFilter(), ALL)
    predecessors: dict[int, list[dict]] = {}
    for row in every:
        if row["successor"] is not None:
            predecessors.setdefault(row["successor"], []).append(row)
    return every, {row["id"]: row for row in every}, predecessors


async def units_page(
    principal: Principal,
    *,
    q: str = "",
    level: str = "",
    validity: str = "",
    new: Submission | None = None,
    saved: int | None = None,
    status_code: int = 200,
) -> Template:
    principal.require(Action.MANAGE_UNITS)
    every, by_id, predecessors = await _unit_history()
    shown, total = await units.list_units(
        units.UnitFilter(level=level if level in set(UnitLevel) else None, q=q or None), ALL
    )
    if validity == "open":
        shown = [row for row in shown if row["valid_to"] is None]
    elif validity == "closed":
        shown = [row for row in shown if row["valid_to"] is not None]
    return page(
        "admin/units.html",
        await viewer_for(principal),
        status_code=status_code,
        units=shown,
        total=total,
        by_id=by_id,
        every=every,
        predecessors=predecessors,
        filters={"q": q, "level": level, "validity": validity},
        new=new or NEW_UNIT_FORM.blank(),
        saved=by_id.get(saved) if saved is not None else None,
    )


async def unit_page(
    principal: Principal,
    unit_id: int,
    *,
    edit: Submission | None = None,
    close: Submission | None = None,
    status_code: int = 200,
) -> Template:
    principal.require(Action.MANAGE_UNITS)
    unit = await units.get_unit(unit_id)
    every, by_id, predecessors = await _unit_history()
    return page(
        "admin/unit_edit.html",
        await viewer_for(principal),
        status_code=status_code,
        unit=unit,
        every=every,
        by_id=by_id,
        predecessors=predecessors,
        edit=edit
        or UNIT_FORM.blank(name=unit["name"], parent_id=unit["parent"], valid_from=unit["valid_from"]),
        close=close or CLOSE_UNIT_FORM.blank(valid_to=unit["valid_to"], successor_id=unit["successor"]),
    )


async def open_tasks_led_by(unit_id: int) -> list[dict]:
    """The unit's tasks not yet completed or cancelled, in every plan, newest plan first."""
    every_plan, _ = await plans.list_plans(None, None, PageRequest(200, 0, "-year"))
    found = []
    for plan in every_plan:
        led, _ = await tasks.list_tasks(plan["id"], tasks.TaskFilter(lead_unit_id=unit_id), ALL)
        found += [{**task, "plan_year": plan["year"]} for task in led if task["status"] not in rules.CLOSED]
    return found


async def close_unit_confirmation(principal: Principal, unit: dict, sent: Submission) -> Template:
    """What closing ``unit`` on the day typed does, with its open tasks and active accounts."""
    successor = await units.get_unit(sent["successor_id"]) if sent["successor_id"] else None
    open_tasks = await open_tasks_led_by(unit["id"])
    people, _ = await accounts.list_accounts(
        principal, accounts.AccountFilter(unit_id=unit["id"], active=True), PageRequest(500, 0, "username")
    )
    last_day = format_date_short(sent["valid_to"])
    next_day = format_date_short(sent["valid_to"] + timedelta(days=1))
    consequences = [
        f"{unit['name']} hoạt động đến hết ngày {last_day}; từ ngày {next_day} không còn được chọn "
        "cho nhiệm vụ, tài khoản và báo cáo mới.",
        "Số liệu các kỳ trước vẫn gắn với đơn vị này.",
        f"Số liệu từ ngày {next_day} được tính cho {successor['name']}."
        if successor
        else "Không có đơn vị kế thừa: số liệu sau ngày đóng không được tính cho đơn vị nào.",
    ]
    if open_tasks or people:
        consequences.append(
            "Nhiệm vụ đang mở và tài khoản dưới đây không tự chuyển sang đơn vị khác: "
            "hãy giao lại nhiệm vụ, chuyển hoặc khóa tài khoản."
        )
    details = [
        f"Nhiệm vụ {task['code']} · {task['title']} (kế hoạch năm {task['plan_year']}, {task['progress']}%)"
        for task in open_tasks
    ] + [
        f"Tài khoản {person['username']} · {person['full_name']} ({Role(person['role']).label})"
        for person in people
    ]
    return confirmation(
        await viewer_for(principal),
        title=f"Đóng đơn vị {unit['name']}?",
        consequences=consequences,
        details=details,
        details_title=f"{len(open_tasks)} nhiệm vụ đang mở và {len(people)} tài khoản của đơn vị",
        action=f"/admin/units/{unit['id']}/close",
        button=f"Đóng đơn vị {unit['code']}",
        cancel=f"/admin/units/{unit['id']}",
        fields={"valid_to": day_text(sent["valid_to"]), "successor_id": sent.typed["successor_id"]},
        active="admin",
    )


def unit_saved(unit_id: int) -> Response:
    return see_other(query_url("/admin/units", saved=unit_id) + f"#unit-{unit_id}")


class AdminUnitsController(Controller):
    path = "/admin/units"

    @get("/", name="web:admin-units")
    async def units(
        self,
        principal: Caller,
        q: FromQuery[str] = "",
        level: FromQuery[str] = "",
        validity: FromQuery[str] = "",
        saved: FromQuery[int | None] = None,
    ) -> Template:
        return await units_page(principal, q=q.strip()[:100], level=level, validity=validity, saved=saved)

    @post("/", status_code=303)
    async def create(self, principal: Caller, request: Request) -> Response:
        principal.require(Action.MANAGE_UNITS)
        sent = NEW_UNIT_FORM.read(await request.form())
        # The domain's checks (a code taken, in any case) run whatever the form's own found, on
        # what was typed: every error shows at once, and nothing is written while there is one.
        typed = {name: sent.typed[name] for name in ("code", "name", "kind", "level")}
        data = units.UnitData(**typed, parent_id=sent["parent_id"], valid_from=sent["valid_from"])
        sent.add_problems(await units.unit_problems(data))
        if sent.ok and (row := await sent.attempt(units.create_unit(principal, data))):
            return unit_saved(row["id"])
        return await units_page(principal, new=sent, status_code=422)

    @get("/{unit_id:int}", name="web:admin-unit")
    async def unit(self, principal: Caller, unit_id: FromPath[int]) -> Template:
        return await unit_page(principal, unit_id)

    @post("/{unit_id:int}", status_code=303)
    async def update(self, principal: Caller, request: Request, unit_id: FromPath[int]) -> Response:
        """Rename a unit, move it under another, or correct the day it started."""
        principal.require(Action.MANAGE_UNITS)
        sent = UNIT_FORM.read(await request.form())
        # The fields read are checked by the domain too, with the others as they are: every
        # error at once, each beside the field of this form it is about.
        readable = {name: value for name, value in sent.values.items() if name not in sent.errors}
        sent.add_problems(await units.unit_change_problems(unit_id, readable))
        if sent.ok and await sent.attempt(units.update_unit(principal, unit_id, sent.values)):
            return unit_saved(unit_id)
        return await unit_page(principal, unit_id, edit=sent, status_code=422)

    @post("/{unit_id:int}/close", status_code=303)
    async def close(self, principal: Caller, request: Request, unit_id: FromPath[int]) -> Response:
        """Close a unit (its last valid day) into its successor, after the confirmation."""
        principal.require(Action.MANAGE_UNITS)
        unit = await units.get_unit(unit_id)
        sent = CLOSE_UNIT_FORM.read(await request.form())
        if sent.ok and not sent.confirmed:
            await sent.attempt(units.check_unit_change(principal, unit_id, sent.values))
            if sent.ok:
                return await close_unit_confirmation(principal, unit, sent)
        if sent.ok and await sent.attempt(units.update_unit(principal, unit_id, sent.values)):
            return unit_saved(unit_id)
        return await unit_page(principal, unit_id, close=sent, status_code=422)


# --- plans ----------------------------------------------------------------------------------

PLAN_FIELDS = (
    text_field("title", "Tên kế hoạch", required="Vui lòng nhập tên kế hoạch.", max_length=500),
    text_field("doc_number", "Số hiệu văn bản", max_length=64),
    date_field("doc_date"),
    choice_field("status", PlanStatus, "Trạng thái không hợp lệ."),
)
NEW_PLAN_FORM = FormSpec(
    whole_field(
        "year",
        "Năm kế hoạch phải từ 2000 đến 2100.",
        low=2000,
        high=2100,
        required="Vui lòng nhập năm kế hoạch.",
    ),
    *PLAN_FIELDS,
)
PLAN_FORM = FormSpec(
    *PLAN_FIELDS,
    choice_field("progress_method", ProgressMethod, "Cách tính tiến độ không hợp lệ."),
    decimal_field("manual_progress", "Tiến độ phải là số từ 0 đến 100.", low=0, high=100),
    whole_field("version", STALE_PAGE, low=1, required=STALE_PAGE),
)


async def plans_page(
    principal: Principal,
    *,
    new: Submission | None = None,
    edited: tuple[int, Submission] | None = None,
    import_result: dict | None = None,
    notice: str = "",
    counts: dict[str, str] | None = None,
    saved: int | None = None,
    status_code: int = 200,
) -> Template:
    principal.require(Action.MANAGE_PLANS)
    rows, _ = await plans.list_plans(None, None, PageRequest(200, 0, "-year"))
    saved_plan = next((row for row in rows if row["id"] == saved), None)
    forms = {
        row["id"]: PLAN_FORM.blank(
            **{name: row[name] for name in PLAN_FORM.names if name != "manual_progress"},
            manual_progress=(
                "" if row["manual_progress"] is None else f"{row['manual_progress']:g}".replace(".", ",")
            ),
        )
        for row in rows
    }
    if edited is not None:
        forms[edited[0]] = edited[1]
    return page(
        "admin/plans.html",
        await viewer_for(principal),
        status_code=status_code,
        plans=rows,
        new=new or NEW_PLAN_FORM.blank(status=PlanStatus.DRAFT.value),
        forms=forms,
        edited=edited,
        import_result=import_result,
        notice=plan_notice(saved_plan, notice, counts or {}),
        saved=saved,
        import_columns=[label for _, label in plan_files.COLUMNS],
        ignored_columns=[label for _, label in plan_files.READER_COLUMNS],
    )


# The notice a plan's box shows after a change: the address names one of these codes (with the
# import's counts as numbers), never the text, so no link can make the page say something else.
IMPORTED = "imported"
IMPORT_COUNTS = ("created", "updated", "unchanged")


def plan_notice(plan: dict | None, code: str, counts: dict[str, str]) -> str:
    """The text for the ``notice`` code of an address: the plan saved (no code), its file
    imported (with the counts, if they are numbers); an unknown code says nothing."""
    if plan is None:
        return ""
    if not code:
        return f"Đã lưu kế hoạch năm {plan['year']}."
    if code != IMPORTED:
        return ""
    numbers = counts_in_address(*(counts.get(name) for name in IMPORT_COUNTS))
    if numbers is None:
        return "Đã nhập tệp."
    created, updated, unchanged = (format_int(number) for number in numbers)
    return f"Đã nhập tệp: {created} nhiệm vụ mới, {updated} cập nhật, {unchanged} không đổi."


def plan_saved(plan_id: int, notice: str = "", **counts: int) -> Response:
    numbers = {name: str(count) for name, count in counts.items()}  # 0 too: query_url drops a falsy value
    return see_other(query_url("/admin/plans", saved=plan_id, notice=notice, **numbers) + f"#plan-{plan_id}")


class AdminPlansController(Controller):
    path = "/admin/plans"

    @get("/", name="web:admin-plans")
    async def plans(
        self,
        principal: Caller,
        saved: FromQuery[int | None] = None,
        notice: FromQuery[str] = "",
        created: FromQuery[str] = "",
        updated: FromQuery[str] = "",
        unchanged: FromQuery[str] = "",
    ) -> Template:
        counts = {"created": created, "updated": updated, "unchanged": unchanged}
        return await plans_page(principal, saved=saved, notice=notice, counts=counts)

    @post("/", status_code=303)
    async def create(self, principal: Caller, request: Request) -> Response:
        principal.require(Action.MANAGE_PLANS)
        sent = NEW_PLAN_FORM.read(await request.form())
        # The domain's checks (another plan active that year) run on the fields that were read,
        # whatever the form's own found: every error shows at once, nothing written meanwhile.
        readable = {k: v for k, v in sent.values.items() if v is not None and k not in sent.errors}
        data = plans.PlanData(**{"year": 0, "title": "", **readable})
        sent.add_problems(await plans.plan_problems(data))
        if sent.ok and (row := await sent.attempt(plans.create_plan(principal, data))):
            return plan_saved(row["id"])
        return await plans_page(principal, new=sent, status_code=422)

    @post("/{plan_id:int}", status_code=303)
    async def update(self, principal: Caller, request: Request, plan_id: FromPath[int]) -> Response:
        principal.require(Action.MANAGE_PLANS)
        sent = PLAN_FORM.read(await request.form())
        status_code = 422
        changes = {k: v for k, v in sent.values.items() if k != "version" and k not in sent.errors}
        changes["doc_number"] = changes.get("doc_number") or ""
        sent.add_problems(await plans.plan_change_problems(plan_id, changes))
        if sent.ok:
            try:
                if await sent.attempt(plans.update_plan(principal, plan_id, changes, sent["version"])):
                    return plan_saved(plan_id)
            except StaleVersion as exc:
                # Saving again applies to the new version: what was typed is kept to compare.
                sent.typed["version"] = str(exc.current_version)
                sent.add_error(
                    FORM,
                    "Kế hoạch vừa được người khác sửa: thông tin mới nhất ở đầu mục của kế hoạch; "
                    "nội dung bạn nhập vẫn còn trong biểu mẫu. Hãy kiểm tra rồi lưu lại.",
                )
                status_code = 409
        return await plans_page(principal, edited=(plan_id, sent), status_code=status_code)

    @post("/{plan_id:int}/import", status_code=303)
    async def import_file(self, principal: Caller, request: Request, plan_id: FromPath[int]) -> Response:
        """The plan's task list from XLSX or CSV: every row checked, nothing written on an error."""
        principal.require(Action.MANAGE_PLANS)
        form = await request.form()
        upload = form.get("file")
        # ``message`` heads the plan's error box; ``file``, a problem with the file as a whole,
        # is said beside the file field too (the box links to it).
        result: dict = {"plan_id": plan_id, "errors": [], "header": [], "message": "", "file": ""}
        content = await upload.read(IMPORT_MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
        if not content:
            result["message"] = result["file"] = "Vui lòng chọn tệp XLSX hoặc CSV."
        elif len(content) > IMPORT_MAX_BYTES:
            result["message"] = result["file"] = "Tệp quá lớn; tối đa 20 MB."
        else:
            try:
                outcome = await plan_files.import_plan_file(
                    principal, plan_id, upload.filename or "", content
                )
            except HeaderMismatch as exc:
                result["message"] = (
                    f"Dòng tiêu đề (dòng {exc.row}) của tệp không khớp với mẫu; chưa có dữ liệu nào được ghi."
                )
                result["header"] = exc.lines
            except InvalidInput as exc:
                result["message"] = (
                    "Tệp có lỗi; chưa có dữ liệu nào được ghi. Sửa các dòng dưới đây rồi tải lên lại."
                )
                result["errors"] = exc.errors
            except UnsupportedMediaType:
                result["message"] = result["file"] = "Tệp phải là bảng tính XLSX hoặc CSV (UTF-8)."
            except PayloadTooLarge as exc:
                result["message"] = result["file"] = exc.errors[0].message if exc.errors else "Tệp quá lớn."
            else:
                return plan_saved(
                    plan_id,
                    IMPORTED,
                    created=outcome.created,
                    updated=outcome.updated,
                    unchanged=outcome.unchanged,
                )
        return await plans_page(principal, import_result=result, status_code=422)
