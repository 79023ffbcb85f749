"""Administration: accounts and units (administrators), plans and their import (administrators
and home-affairs staff) — the domain's own checks (MANAGE_ACCOUNTS, MANAGE_UNITS,
MANAGE_PLANS) decide, exactly as for /api/users, /api/units and /api/plans."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from api.security import Caller
from api.web.common import (
    FormErrors,
    page,
    parse_date_field,
    parse_int,
    query_url,
    see_other,
    text,
    viewer_for,
)
from core.errors import Conflict, InvalidInput, PayloadTooLarge, StaleVersion, UnsupportedMediaType
from core.paging import PageRequest
from models.accounts import service as accounts
from models.permissions import Action, Principal
from models.plans import files as plan_files
from models.plans import plans
from models.units import service as units
from models.vocabulary import Role, UnitLevel

ALL = PageRequest(500, 0, "code")
IMPORT_MAX_BYTES = 20 * 1024 * 1024  # a plan's task list is a few hundred rows


def _errors_from(exc: InvalidInput | Conflict, fields: dict[str, str] | None = None) -> FormErrors:
    errors = FormErrors()
    errors.add_domain(exc.errors, fields)
    if not errors:
        errors.add("form", "Dữ liệu không hợp lệ.")
    return errors


def _optional_int(form: Any, name: str, errors: FormErrors, message: str) -> int | None:
    return parse_int(form, name, errors, message, low=1)


# --- accounts -------------------------------------------------------------------------------


async def users_page(
    principal: Principal,
    *,
    q: str = "",
    role: str = "",
    new: dict | None = None,
    errors: FormErrors | None = None,
    edit_errors: dict[int, FormErrors] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Template:
    flt = accounts.AccountFilter(role=role or None, q=q or None)
    rows, total = await accounts.list_accounts(principal, flt, PageRequest(500, 0, "username"))
    unit_rows, _ = await units.list_units(units.UnitFilter(), ALL)
    return page(
        "admin/users.html",
        await viewer_for(principal),
        status_code=status_code,
        users=[row for row in rows if row["username"] != accounts.OPERATOR_USERNAME],
        total=total,
        units={row["id"]: row for row in unit_rows},
        unit_rows=unit_rows,
        filters={"q": q, "role": role},
        roles=list(Role),
        new=new or {"username": "", "full_name": "", "role": Role.UNIT_HEAD.value, "unit_id": ""},
        errors=errors or FormErrors(),
        edit_errors=edit_errors or {},
        notice=notice,
    )


class AdminUsersController(Controller):
    path = "/admin/users"

    @get("/", name="web:admin-users")
    async def users(
        self, principal: Caller, q: FromQuery[str] = "", role: FromQuery[str] = "", saved: FromQuery[str] = ""
    ) -> Template:
        principal.require(Action.MANAGE_ACCOUNTS)
        notice = f"Đã lưu tài khoản {saved}." if saved else ""
        return await users_page(principal, q=q.strip()[:100], role=role, notice=notice)

    @post("/", status_code=303)
    async def create(self, principal: Caller, request: Request) -> Response:
        principal.require(Action.MANAGE_ACCOUNTS)
        form = await request.form()
        errors = FormErrors()
        new = {
            "username": text(form, "username", 64),
            "full_name": text(form, "full_name", 255),
            "role": text(form, "role", 32),
            "unit_id": text(form, "unit_id", 16),
        }
        unit_id = _optional_int(form, "unit_id", errors, "Đơn vị không hợp lệ.")
        password = form.get("password") if isinstance(form.get("password"), str) else ""
        if not new["username"]:
            errors.add("username", "Vui lòng nhập tên đăng nhập.")
        if not new["full_name"]:
            errors.add("full_name", "Vui lòng nhập họ và tên.")
        if not errors:
            data = accounts.AccountData(new["username"], new["full_name"], new["role"], unit_id, password)
            try:
                row = await accounts.create_account(principal, data)
            except (InvalidInput, Conflict) as exc:
                errors = _errors_from(exc)
            else:
                return see_other(query_url("/admin/users", saved=row["username"]))
        return await users_page(principal, new=new, errors=errors, status_code=422)

    @post("/{account_id:int}", status_code=303)
    async def update(self, principal: Caller, request: Request, account_id: FromPath[int]) -> Response:
        principal.require(Action.MANAGE_ACCOUNTS)
        form = await request.form()
        errors = FormErrors()
        unit_id = _optional_int(form, "unit_id", errors, "Đơn vị không hợp lệ.")
        password = form.get("password") if isinstance(form.get("password"), str) else ""
        if not errors:
            try:
                row = await accounts.update_account(
                    principal,
                    account_id,
                    full_name=text(form, "full_name", 255) or None,
                    role=text(form, "role", 32) or None,
                    unit_id=unit_id,
                    active=form.get("active") == "on",
                    password=password or None,
                )
            except (InvalidInput, Conflict) as exc:
                errors = _errors_from(exc)
            else:
                return see_other(query_url("/admin/users", saved=row["username"]))
        return await users_page(principal, edit_errors={account_id: errors}, status_code=422)


# --- units ----------------------------------------------------------------------------------


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
    new: dict | None = None,
    errors: FormErrors | None = None,
    notice: str = "",
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
        new=new or {},
        errors=errors or FormErrors(),
        notice=notice,
    )


async def unit_page(
    principal: Principal,
    unit_id: int,
    *,
    form: dict | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    principal.require(Action.MANAGE_UNITS)
    unit = await units.get_unit(unit_id)
    every, by_id, predecessors = await _unit_history()

    def shown(value) -> str:
        return "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)

    return page(
        "admin/unit_edit.html",
        await viewer_for(principal),
        status_code=status_code,
        unit=unit,
        every=every,
        by_id=by_id,
        predecessors=predecessors,
        form=form
        or {
            "name": unit["name"],
            "parent_id": shown(unit["parent"]),
            "valid_from": shown(unit["valid_from"]),
            "valid_to": shown(unit["valid_to"]),
            "successor_id": shown(unit["successor"]),
        },
        errors=errors or FormErrors(),
    )


def _unit_fields(form: Any, errors: FormErrors) -> dict:
    return {
        "name": text(form, "name", 255),
        "parent_id": _optional_int(form, "parent_id", errors, "Đơn vị cấp trên không hợp lệ."),
        "valid_from": parse_date_field(form, "valid_from", errors),
        "valid_to": parse_date_field(form, "valid_to", errors),
        "successor_id": _optional_int(form, "successor_id", errors, "Đơn vị kế thừa không hợp lệ."),
    }


class AdminUnitsController(Controller):
    path = "/admin/units"

    @get("/", name="web:admin-units")
    async def units(
        self,
        principal: Caller,
        q: FromQuery[str] = "",
        level: FromQuery[str] = "",
        validity: FromQuery[str] = "",
        saved: FromQuery[str] = "",
    ) -> Template:
        notice = f"Đã lưu đơn vị {saved}." if saved else ""
        return await units_page(principal, q=q.strip()[:100], level=level, validity=validity, notice=notice)

    @post("/", status_code=303)
    async def create(self, principal: Caller, request: Request) -> Response:
        principal.require(Action.MANAGE_UNITS)
        form = await request.form()
        errors = FormErrors()
        fields = _unit_fields(form, errors)
        new = {k: text(form, k, 255) for k in ("code", "name", "kind", "level", "parent_id", "valid_from")}
        if not errors:
            data = units.UnitData(
                code=text(form, "code", 32),
                kind=text(form, "kind", 32),
                level=text(form, "level", 32),
                **fields,
            )
            try:
                row = await units.create_unit(principal, data)
            except (InvalidInput, Conflict) as exc:
                errors = _errors_from(exc)
            else:
                return see_other(query_url("/admin/units", saved=row["code"]))
        return await units_page(principal, new=new, errors=errors, status_code=422)

    @get("/{unit_id:int}", name="web:admin-unit")
    async def unit(self, principal: Caller, unit_id: FromPath[int]) -> Template:
        return await unit_page(principal, unit_id)

    @post("/{unit_id:int}", status_code=303)
    async def update(self, principal: Caller, request: Request, unit_id: FromPath[int]) -> Response:
        """Rename a unit, or close it (last valid day) and name the unit that succeeds it."""
        principal.require(Action.MANAGE_UNITS)
        form = await request.form()
        errors = FormErrors()
        fields = _unit_fields(form, errors)
        if not fields["name"]:
            errors.add("name", "Vui lòng nhập tên đơn vị.")
        if not errors:
            try:
                row = await units.update_unit(principal, unit_id, fields)
            except (InvalidInput, Conflict) as exc:
                errors = _errors_from(exc)
            else:
                return see_other(query_url("/admin/units", saved=row["code"]) + f"#unit-{unit_id}")
        typed = {
            k: text(form, k, 255) for k in ("name", "parent_id", "valid_from", "valid_to", "successor_id")
        }
        return await unit_page(principal, unit_id, form=typed, errors=errors, status_code=422)


# --- plans ----------------------------------------------------------------------------------


async def plans_page(
    principal: Principal,
    *,
    new: dict | None = None,
    errors: FormErrors | None = None,
    edit_errors: dict[int, FormErrors] | None = None,
    import_result: dict | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Template:
    principal.require(Action.MANAGE_PLANS)
    rows, _ = await plans.list_plans(None, None, PageRequest(200, 0, "-year"))
    return page(
        "admin/plans.html",
        await viewer_for(principal),
        status_code=status_code,
        plans=rows,
        new=new or {},
        errors=errors or FormErrors(),
        edit_errors=edit_errors or {},
        import_result=import_result,
        notice=notice,
        import_columns=[label for _, label in plan_files.COLUMNS],
    )


def _plan_fields(form: Any, errors: FormErrors) -> dict:
    manual = text(form, "manual_progress", 16).replace(",", ".")
    manual_value = None
    if manual:
        try:
            manual_value = float(manual)
        except ValueError:
            errors.add("manual_progress", "Tiến độ phải là số từ 0 đến 100.")
    return {
        "title": text(form, "title", 500),
        "doc_number": text(form, "doc_number", 64),
        "doc_date": parse_date_field(form, "doc_date", errors),
        "status": text(form, "status", 16),
        "progress_method": text(form, "progress_method", 16),
        "manual_progress": manual_value,
    }


class AdminPlansController(Controller):
    path = "/admin/plans"

    @get("/", name="web:admin-plans")
    async def plans(self, principal: Caller, saved: FromQuery[str] = "") -> Template:
        return await plans_page(principal, notice=f"Đã lưu {saved}." if saved else "")

    @post("/", status_code=303)
    async def create(self, principal: Caller, request: Request) -> Response:
        principal.require(Action.MANAGE_PLANS)
        form = await request.form()
        errors = FormErrors()
        fields = _plan_fields(form, errors)
        fields["status"] = fields["status"] or "draft"
        fields["progress_method"] = fields["progress_method"] or "task_count"
        year = parse_int(form, "year", errors, "Năm kế hoạch phải từ 2000 đến 2100.", low=2000, high=2100)
        if year is None:
            errors.add("year", "Năm kế hoạch phải từ 2000 đến 2100.")
        new = {k: text(form, k, 500) for k in ("year", "title", "doc_number", "doc_date", "status")}
        if not errors:
            try:
                row = await plans.create_plan(principal, plans.PlanData(year=year, **fields))
            except (InvalidInput, Conflict) as exc:
                errors = _errors_from(exc)
            else:
                return see_other(query_url("/admin/plans", saved=f"kế hoạch năm {row['year']}"))
        return await plans_page(principal, new=new, errors=errors, status_code=422)

    @post("/{plan_id:int}", status_code=303)
    async def update(self, principal: Caller, request: Request, plan_id: FromPath[int]) -> Response:
        principal.require(Action.MANAGE_PLANS)
        form = await request.form()
        errors = FormErrors()
        fields = _plan_fields(form, errors)
        version = parse_int(form, "version", errors, "Phiên bản không hợp lệ; hãy tải lại trang.", low=1)
        status_code = 422
        if not errors:
            try:
                row = await plans.update_plan(principal, plan_id, fields, version)
            except StaleVersion:
                errors.add(
                    "form",
                    "Kế hoạch vừa được người khác sửa. Thông tin mới nhất đang hiển thị; "
                    "hãy kiểm tra rồi lưu lại.",
                )
                status_code = 409
            except (InvalidInput, Conflict) as exc:
                errors = _errors_from(exc)
            else:
                return see_other(query_url("/admin/plans", saved=f"kế hoạch năm {row['year']}"))
        return await plans_page(principal, edit_errors={plan_id: errors}, status_code=status_code)

    @post("/{plan_id:int}/import", status_code=303)
    async def import_file(self, principal: Caller, request: Request, plan_id: FromPath[int]) -> Response:
        """The plan's task list from XLSX or CSV: every row checked, nothing written on an error."""
        principal.require(Action.MANAGE_PLANS)
        form = await request.form()
        upload = form.get("file")
        result: dict = {"plan_id": plan_id, "errors": [], "message": ""}
        content = await upload.read(IMPORT_MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
        if not content:
            result["message"] = "Vui lòng chọn tệp XLSX hoặc CSV."
        elif len(content) > IMPORT_MAX_BYTES:
            result["message"] = "Tệp quá lớn; tối đa 20 MB."
        else:
            try:
                outcome = await plan_files.import_plan_file(
                    principal, plan_id, upload.filename or "", content
                )
            except InvalidInput as exc:
                result["message"] = (
                    "Tệp có lỗi; chưa có dữ liệu nào được ghi. Sửa các dòng dưới đây rồi tải lên lại."
                )
                result["errors"] = exc.errors
            except UnsupportedMediaType:
                result["message"] = "Tệp phải là bảng tính XLSX hoặc CSV (UTF-8)."
            except PayloadTooLarge as exc:
                result["message"] = exc.errors[0].message if exc.errors else "Tệp quá lớn."
            else:
                return see_other(
                    query_url(
                        "/admin/plans",
                        saved=f"tệp nhập: {outcome.created} nhiệm vụ mới, {outcome.updated} cập nhật, "
                        f"{outcome.unchanged} không đổi",
                    )
                )
        return await plans_page(principal, import_result=result, status_code=422)
