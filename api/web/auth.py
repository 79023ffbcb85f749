"""Sign in and out (the same accounts.sign_in and throttle as POST /api/auth/login), and
changing one's own password (as PUT /api/auth/password).

Where a person lands: the address they were going to, else a unit head's own tasks ("Nhiệm vụ
của đơn vị tôi"), else the dashboard. An account whose password an administrator set (a
temporary one) sees only the password form until it is changed (``temporary_password_gate``).
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery

from api.security import (
    SCOPE_PRINCIPAL,
    Caller,
    cleared_session_cookie,
    client_address,
    provide_principal,
    session_cookie,
    sign_in,
)
from api.web.common import page, safe_next, see_other, viewer_for
from api.web.forms import FORM, FormSpec, Submission, password_field, text_field
from core.errors import NotAuthenticated, TooManyAttempts
from models.accounts import service as accounts
from models.permissions import Principal
from models.vocabulary import Role

PASSWORD_PAGE = "/account/password"
# What an account with a temporary password may still reach.
OPEN_WITH_TEMPORARY_PASSWORD = (PASSWORD_PAGE, "/logout", "/login")
WRONG_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."

LOGIN_FORM = FormSpec(
    text_field("username", "Tên đăng nhập", required="Vui lòng nhập tên đăng nhập.", max_length=64),
    password_field("password", "Mật khẩu", required="Vui lòng nhập mật khẩu."),
)
PASSWORD_FORM = FormSpec(
    password_field("old_password", "Mật khẩu hiện tại", required="Vui lòng nhập mật khẩu hiện tại."),
    password_field("new_password", "Mật khẩu mới", required="Vui lòng nhập mật khẩu mới."),
    password_field("new_password_again", "Mật khẩu mới nhập lại", required="Vui lòng nhập lại mật khẩu mới."),
)


def landing(principal: Principal) -> str:
    """Where a person goes after signing in when no page was asked for."""
    if principal.must_change_password:
        return PASSWORD_PAGE
    if principal.role is Role.UNIT_HEAD and principal.unit_id is not None:
        return "/my-tasks"
    if principal.role is Role.REPORTER:
        return "/rounds"
    return "/"


async def temporary_password_gate(request: Request) -> Response | None:
    """Every page but the password form sends an account with a temporary password there."""
    principal = request.scope.get(SCOPE_PRINCIPAL)
    if principal is None or not principal.must_change_password:
        return None
    if request.url.path in OPEN_WITH_TEMPORARY_PASSWORD:
        return None
    return see_other(PASSWORD_PAGE)


async def signed_in(request: Request, username: str, password: str, next_path: str | None) -> Response:
    """Sign in (NotAuthenticated, TooManyAttempts) and go on: the session cookie set."""
    token, expires_at = await sign_in(request, username, password)
    principal = request.state.principal
    target = landing(principal) if principal.must_change_password or not next_path else next_path
    response = see_other(target)
    response.cookies.append(session_cookie(request, token, expires_at))
    return response


def login_page(
    sent: Submission, next_path: str, status_code: int = 200, headers: dict | None = None
) -> Response:
    sent.typed["password"] = ""  # a password is never sent back
    response = page("login.html", None, status_code=status_code, next=next_path, form=sent)
    response.headers.update(headers or {})
    return response


def _asked_for(raw: str | None) -> str | None:
    """The page asked for, if any (the dashboard by default means none was)."""
    target = safe_next(raw, "")
    return target if target not in ("", "/") else None


class SignInController(Controller):
    path = "/"

    @get("/login", name="web:login")
    async def form(self, next: FromQuery[str | None] = None) -> Response:
        return login_page(LOGIN_FORM.blank(), safe_next(next))

    @post("/login", status_code=303)
    async def sign_in(self, request: Request) -> Response:
        data = await request.form()
        sent = LOGIN_FORM.read(data)
        next_path = data.get("next") if isinstance(data.get("next"), str) else None
        if not sent.ok:
            return login_page(sent, safe_next(next_path), 422)
        try:
            return await signed_in(request, sent["username"], sent["password"], _asked_for(next_path))
        except TooManyAttempts as exc:
            sent.add_error(FORM, exc.errors[0].message)
            return login_page(sent, safe_next(next_path), 429, {"Retry-After": str(exc.retry_after)})
        except NotAuthenticated:
            sent.add_error(FORM, WRONG_CREDENTIALS)
            return login_page(sent, safe_next(next_path), 401)

    @post("/logout", status_code=303)
    async def sign_out(self, principal: Caller) -> Response:
        if principal.signed_in:  # a cookie holding an API key: forget it, the key stays
            await accounts.sign_out(principal)
        response = see_other("/login")
        response.cookies.append(cleared_session_cookie())
        return response

    @get("/header-menu", include_in_schema=False)
    async def header_menu(self, request: Request) -> Response:
        """The header's menu for a page drawn before its viewer was known (an unknown address:
        no route, so no sign-in check ran); base.html has HTMX load it. Nobody signed in (a
        session expired): the way to sign in; an account still to change its temporary
        password: nothing (204, nothing swapped)."""
        try:
            principal = await provide_principal(request)
        except NotAuthenticated:
            return page("_menu_sign_in.html", None)
        if principal.must_change_password:
            return Response(None, status_code=204)
        return page("_menu.html", await viewer_for(principal), active="")

    @get(PASSWORD_PAGE, name="web:password")
    async def password_form(self, principal: Caller, changed: FromQuery[bool] = False) -> Response:
        return page(
            "account_password.html",
            await viewer_for(principal),
            form=PASSWORD_FORM.blank(),
            forced=principal.must_change_password,
            changed=changed,
            next_page=landing(principal),
            active="account",
        )

    @post(PASSWORD_PAGE, status_code=303)
    async def change_password(self, principal: Caller, request: Request) -> Response:
        """Change one's own password, then carry on signed in with the new one (the change
        signs the account out everywhere, this browser included)."""
        sent = PASSWORD_FORM.read(await request.form())
        old_password, new_password = sent.typed["old_password"], sent.typed["new_password"]
        if sent["new_password_again"] and new_password != sent["new_password_again"]:
            sent.add_error("new_password_again", "Hai lần nhập mật khẩu mới không khớp.")
        status_code, headers = 422, {}
        if old_password and new_password:
            try:
                problems = await accounts.own_password_problems(
                    principal, old_password, new_password, client=client_address(request)
                )
            except TooManyAttempts as exc:  # the old password guessed too often: the sign-in lock
                sent.add_error(FORM, exc.errors[0].message)
                status_code, headers = 429, {"Retry-After": str(exc.retry_after)}
            else:
                sent.add_problems(problems, {"password": "new_password"})
        if sent.ok:
            await accounts.change_own_password(principal, old_password, new_password)
            return await signed_in(request, principal.username, new_password, f"{PASSWORD_PAGE}?changed=true")
        for name in PASSWORD_FORM.names:
            sent.typed[name] = ""
        response = page(
            "account_password.html",
            await viewer_for(principal),
            status_code=status_code,
            form=sent,
            forced=principal.must_change_password,
            changed=False,
            next_page=landing(principal),
            active="account",
        )
        response.headers.update(headers)
        return response
