"""What every page shares: the signed-in person, rendering, form parsing, error pages.

Pages are thin: they parse a form or a query, call the same domain functions (and the same
``Principal.require`` checks) as the JSON API, and render a template. Domain errors become
pages: 401 a redirect to sign-in, 403/404 an explanation, 422 the form again with each
Vietnamese message beside its field.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar_htmx import HTMXRequest

from api.errors import DB_INT_RANGE, VI_TITLES
from api.security import SCOPE_PRINCIPAL, SESSION_COOKIE
from api.unavailable import UNAVAILABLE_HANDLERS
from api.web.forms import (  # noqa: F401  (the pages' form helpers)
    FORM,
    FormErrors,
    parse_date_field,
    parse_day,
    parse_int,
    text,
)
from core.clock import local_zone, today
from core.errors import DomainError, FieldError, NotAuthenticated
from core.paging import MAX_OFFSET, PageRequest
from core.text import (
    QUARTER_NUMERALS,
    format_date_long,
    format_date_short,
    format_file_size,
    format_fixed,
    format_int,
    format_number,
    format_percent,
    sentence_start,
    strict_int,
)
from models.accounts import service as accounts
from models.notifications import service as notifications
from models.permissions import Action, Principal
from models.plans import plans
from models.units import service as units
from models.vocabulary import (
    Area,
    Channel,
    DossierOutcome,
    IndexKind,
    LabelledEnum,
    PlanStatus,
    ProgressMethod,
    Role,
    TaskEventKind,
    TaskStatus,
    UnitKind,
    UnitLevel,
)

log = logging.getLogger("cchc.web")
HERE = Path(__file__).resolve().parent.parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
SIGN_IN = "/login"


# --- the person signed in -------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """The principal with the names a page shows (who is signed in, their unit)."""

    principal: Principal
    full_name: str
    unit_name: str | None
    unread_notifications: int = 0  # the header's bell

    @property
    def role(self) -> Role:
        return self.principal.role

    @property
    def unit_id(self) -> int | None:
        return self.principal.unit_id

    def can(self, action: str) -> bool:
        return self.principal.can(Action(action))


async def viewer_for(principal: Principal) -> Viewer:
    account = await accounts.get_account(principal.account_id)
    unit_name = None
    if principal.unit_id is not None:
        unit_name = (await units.get_unit(principal.unit_id))["name"]
    unread = await notifications.unread_count(principal.account_id)
    return Viewer(principal, account["full_name"] or account["username"], unit_name, unread)


# --- what a page's address carries ---------------------------------------------------------
#
# A list's page number and a record's id come from the pages' own links and lists; anything else
# was typed or cut by hand. Read as text (a typed parameter would be a bare 400 before the page
# runs), each is refused in Vietnamese: on the page itself where it has a place to say so (its
# error summary, beside its field), else as a 400 page naming the parameter (``bad_address``).

PAGE_INVALID = "Số trang không hợp lệ."


def read_page_number(raw: str, errors: FormErrors, page_size: int) -> int:
    """The list's page from the pager's links (1 when absent): a whole number from 1 up to the
    last page any list can reach (its first row within ``core.paging.MAX_OFFSET``). Anything
    else is refused as a whole (``form``: the page has no such field) and page 1 returned."""
    number = strict_int(raw) if raw.strip() else 1
    if number is None or not 1 <= number <= MAX_OFFSET // page_size + 1:
        errors.add(FORM, PAGE_INVALID)
        return 1
    return number


def pages_of(total: int, page_size: int) -> int:
    """How many pages a list of ``total`` rows has: at least one, which may be empty."""
    return max(1, -(-total // page_size))


async def page_rows(
    fetch: Callable[[int], Awaitable[tuple[list[dict], int]]], wanted: int, page_size: int
) -> tuple[list[dict], int, int]:
    """The rows and total of the list's page ``wanted`` (``fetch`` takes the first row's
    offset), and the page's number: a page past the last shows the last, as /dossiers does (a
    list that shrank since its address was made), never "(7)" over an empty list."""
    rows, total = await fetch((wanted - 1) * page_size)
    if wanted > (last := pages_of(total, page_size)):
        wanted = last
        rows, total = await fetch((wanted - 1) * page_size)
    return rows, total, wanted


def read_id(raw: str, name: str, errors: FormErrors, message: str) -> int | None:
    """A record's id from the address (None when absent or refused, ``message`` under ``name``):
    a whole number from 1 that the database can hold."""
    if not raw.strip():
        return None
    number = strict_int(raw)
    if number is None or number < 1 or number not in DB_INT_RANGE:
        errors.add(name, message)
        return None
    return number


PAGE_ADVICE = "Hãy mở lại danh sách rồi chuyển trang bằng các liên kết “Trang trước”, “Trang sau”."


def bad_address(name: str, label: str, advice: str) -> DomainError:
    """The 400 page for a parameter of the address that the page has no place to refuse on
    itself: which one (``label``, its name in Vietnamese, and ``name`` as in the address) is
    wrong, and what to do instead."""
    return DomainError(
        f"{name}: invalid",
        [FieldError(name, "invalid", advice)],
        message=f"{sentence_start(label)} (tham số {name} trong địa chỉ) không hợp lệ.",
    )


async def choose_plan(plan_id: int | None) -> tuple[dict | None, list[dict]]:
    """The plan a page shows (the one asked for, else the newest active, else the newest) and
    every plan, for the picker."""
    rows, _ = await plans.list_plans(None, None, PageRequest(200, 0, "-year"))
    if plan_id is not None:
        return await plans.get_plan(plan_id), rows
    return plans.active_or_first(rows), rows


# --- rendering ------------------------------------------------------------------------------


def _label(enum: type[LabelledEnum]):
    def label(value: Any) -> str:
        if value is None or value == "":
            return "—"
        try:
            return enum(value).label
        except ValueError:
            return str(value)

    return label


def _number(value: Any) -> str:
    return "—" if value is None else format_int(int(value))


def _percent(value: Any, digits: int = 2) -> str:
    return "—" if value is None else format_percent(float(value), digits)


def _decimal(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    return format_number(float(value), digits)


def _fixed(value: Any, digits: int = 2) -> str:
    return "—" if value is None else format_fixed(float(value), digits)


def _date_long(value: date | None) -> str:
    return "—" if value is None else format_date_long(value)


def _date_short(value: date | None) -> str:
    return "—" if value is None else format_date_short(value)


def _moment(value: datetime | None) -> str:
    """A stored instant in the province's time: "14/06/2024 09:30"."""
    if value is None:
        return "—"
    return value.astimezone(local_zone()).strftime("%d/%m/%Y %H:%M")


def query_url(base: str, **params: Any) -> str:
    """``base`` with the non-empty params as a query string."""
    pairs = [f"{quote(k)}={quote(str(v))}" for k, v in params.items() if v not in (None, "", False)]
    return base + ("?" + "&".join(pairs) if pairs else "")


def counts_in_address(*values: str | None) -> list[int] | None:
    """Counts an address carries after a change (an import's), as whole numbers from 0 up;
    None when any is anything else, so no address makes a notice say other text."""
    numbers = [strict_int(value or "") for value in values]
    if any(number is None or number < 0 for number in numbers):
        return None
    return numbers


# An element marked as the page's error summary (``_macros.form_errors``, and each notice that a
# form was not saved): a tag, so no text a person typed (escaped, "&lt;") can look like one.
ERROR_SUMMARY = re.compile(r"<[a-z][^<>]*\sdata-error-summary[\s>=/]")
ERROR_TITLE = "Lỗi: "
SITE_NAME = "Theo dõi cải cách hành chính"  # after each page's title


def shows_error_summary(html: str) -> bool:
    """Whether a page's content shows an error summary: its title then starts with "Lỗi: "
    (the GOV.UK pattern), so a screen reader hears at once that the form came back."""
    return ERROR_SUMMARY.search(str(html)) is not None


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=_number,
        percent=_percent,
        decimal=_decimal,
        fixed=_fixed,
        date_long=_date_long,
        date_short=_date_short,
        moment=_moment,
        filesize=format_file_size,
        status_label=_label(TaskStatus),
        area_label=_label(Area),
        role_label=_label(Role),
        level_label=_label(UnitLevel),
        unit_kind_label=_label(UnitKind),
        plan_status_label=_label(PlanStatus),
        method_label=_label(ProgressMethod),
        event_label=_label(TaskEventKind),
        index_label=_label(IndexKind),
        channel_label=_label(Channel),
        outcome_label=_label(DossierOutcome),
    )
    env.globals.update(
        Area=Area,
        TaskStatus=TaskStatus,
        Role=Role,
        UnitLevel=UnitLevel,
        UnitKind=UnitKind,
        PlanStatus=PlanStatus,
        ProgressMethod=ProgressMethod,
        QUARTER_NUMERALS=QUARTER_NUMERALS,
        query=query_url,
        today=today,
        shows_error_summary=shows_error_summary,
        ERROR_TITLE=ERROR_TITLE,
        SITE_NAME=SITE_NAME,
    )
    return env


def page(template: str, me: Viewer | None, *, status_code: int = 200, **context: Any) -> Template:
    return Template(template_name=template, context={"me": me, **context}, status_code=status_code)


def fragment(template: str, title: str, *, status_code: int = 200, **context: Any) -> Template:
    """``template`` alone (a part an HTMX filter swaps in), headed by the title of the page it
    belongs to (_fragment.html)."""
    return page(
        "_fragment.html",
        None,
        status_code=status_code,
        fragment_template=template,
        fragment_title=title,
        **context,
    )


def wants_fragment(request: HTMXRequest, target: str) -> bool:
    """An HTMX request that swaps only ``target`` (a back-button history restore needs the page)."""
    return bool(request.htmx) and request.htmx.target == target and not request.htmx.history_restore_request


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to after a form, never another site: not "//host", not a
    backslash (read as a slash), no control character (browsers drop a tab or newline, so
    "/<tab>/host" would become "//host"); percent-encoded, as the Location header needs ASCII."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in value)
    ):
        return default
    return quote(value, safe="/?&=#%:+,;@!$'()*~.-_")


def see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


# --- error pages ----------------------------------------------------------------------------

TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    409: "Dữ liệu đã thay đổi",
    412: "Dữ liệu đã được người khác cập nhật",
    413: "Tệp quá lớn",
    415: "Loại tệp không được hỗ trợ",
    422: "Dữ liệu không hợp lệ",
    429: "Tạm khóa đăng nhập",
    500: "Lỗi hệ thống",
    503: "Hệ thống tạm thời không sẵn sàng",
}
HINTS = {
    403: "Tài khoản của bạn không được phép xem trang này hoặc thực hiện thao tác này. "
    "Nếu cần quyền, hãy liên hệ quản trị hệ thống.",
    404: "Địa chỉ này không có trong hệ thống: hãy kiểm tra lại đường dẫn hoặc chọn mục trong menu.",
}


# A record that does not exist, behind an address that does (/tasks/999999): the page is there.
MISSING_RECORD_TITLE = "Không tìm thấy dữ liệu"
MISSING_RECORD_HINT = (
    "Bản ghi bạn tìm không tồn tại hoặc đã bị xóa; hãy quay lại danh sách để chọn bản ghi khác."
)


def _error_page(
    request: Request,
    status: int,
    message: str,
    details: list[str] | None = None,
    *,
    title: str | None = None,
    hint: str | None = None,
) -> Response:
    """The error as a page; a caller already signed in keeps the menu and the sign-out. Handlers
    here are synchronous (no database): the header names a known caller by username, and the
    browser loads the full menu (``menu_later``, /header-menu: full name, unread count) when it
    sends a session; an unknown address is answered before anyone is identified, so only then."""
    principal = request.scope.get(SCOPE_PRINCIPAL)
    me = Viewer(principal, principal.username, None) if principal and principal.signed_in else None
    return page(
        "error.html",
        me,
        menu_later=bool(request.cookies.get(SESSION_COOKIE)),
        status_code=status,
        title=title or TITLES.get(status, "Có lỗi xảy ra"),
        message=message,
        details=details or [],
        hint=hint or HINTS.get(status, ""),
        status=status,
        active="",
    )


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API, the schema, or a script or client wanting JSON)."""
    path = request.url.path
    api = path.startswith(("/api/", "/schema")) or path in ("/api", "/healthz")
    return not api and "text/html" in request.headers.get("Accept", "")


def page_or_problem(api_handler):
    """The app-wide handler for requests no page route took (an unknown address, a method the
    address does not have): a browser gets the Vietnamese page; opening a form's address
    (where the form posts) goes to the page above it, which shows the form; the API keeps
    ``api_handler``'s problem details."""

    def handle(request: Request, exc: HTTPException) -> Response:
        if not wants_page(request):
            return api_handler(request, exc)
        if isinstance(exc, MethodNotAllowedException) and request.method in ("GET", "HEAD"):
            return see_other(request.url.path.rstrip("/").rsplit("/", 1)[0] or "/")
        return http_error_page(request, exc)

    return handle


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    if request.method != "GET":
        # After signing in, go back to the page the form was on, not to its POST address.
        referer = urlsplit(request.headers.get("Referer", ""))
        same_site = referer.netloc in ("", request.url.netloc)
        target = safe_next(referer.path if same_site else None, "/")
    location = query_url(SIGN_IN, next=target if target != "/" else None)
    if request.headers.get("HX-Request"):
        return Response(None, status_code=204, headers={"HX-Redirect": location})
    return Redirect(path=location, status_code=303)


def domain_error_page(request: Request, exc: DomainError) -> Response:
    if isinstance(exc, NotAuthenticated):
        return sign_in_redirect(request)
    messages = [error.message for error in exc.errors if error.message]
    summary = exc.message or VI_TITLES.get(exc.status_code, VI_TITLES[400])
    if exc.status_code == 404:
        return _error_page(
            request, 404, summary, messages, title=MISSING_RECORD_TITLE, hint=MISSING_RECORD_HINT
        )
    return _error_page(request, exc.status_code, summary, messages)


def validation_error_page(request: Request, exc: ValidationException) -> Response:
    return _error_page(request, 400, "Địa chỉ hoặc tham số của trang không hợp lệ.")


def http_error_page(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, PermissionDeniedException) and "CSRF" in (exc.detail or ""):
        return _error_page(
            request,
            403,
            "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF).",
            ["Vui lòng tải lại trang rồi gửi lại biểu mẫu."],
        )
    if isinstance(exc, NotFoundException):
        return _error_page(request, 404, f"Không có trang nào ở địa chỉ {request.url.path}.")
    return _error_page(request, exc.status_code, VI_TITLES.get(exc.status_code, VI_TITLES[400]))


def server_error_page(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _error_page(request, 500, VI_TITLES[500], ["Vui lòng thử lại sau ít phút."])


def unavailable_page(request: Request, exc: Exception) -> Response:
    """The database out of reach: the API's decision (api.unavailable), told as a page."""
    decided = UNAVAILABLE_HANDLERS[next(c for c in type(exc).__mro__ if c in UNAVAILABLE_HANDLERS)](
        request, exc
    )
    if decided.status_code != 503:
        return server_error_page(request, exc)
    response = _error_page(request, 503, VI_TITLES[503], ["Vui lòng thử lại sau ít phút."])
    response.headers["Retry-After"] = decided.headers["Retry-After"]
    return response


EXCEPTION_HANDLERS = {
    DomainError: domain_error_page,
    ValidationException: validation_error_page,
    HTTPException: http_error_page,
    **dict.fromkeys(UNAVAILABLE_HANDLERS, unavailable_page),
    500: server_error_page,
}
