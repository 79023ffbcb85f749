"""Sign in and sign out: the same accounts.sign_in (and its throttle) as POST /api/auth/login."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery

from api.security import Caller, cleared_session_cookie, session_cookie, sign_in
from api.web.common import FormErrors, page, safe_next, see_other, text
from core.errors import NotAuthenticated, TooManyAttempts
from models.accounts import service as accounts


class SignInController(Controller):
    path = "/"

    @get("/login", name="web:login")
    async def form(self, next: FromQuery[str | None] = None) -> Response:
        return page("login.html", None, next=safe_next(next), username="", errors=FormErrors())

    @post("/login", status_code=303)
    async def sign_in(self, request: Request) -> Response:
        form = await request.form()
        username = text(form, "username", 64)
        password = form.get("password") if isinstance(form.get("password"), str) else ""
        next_path = safe_next(text(form, "next", 500))
        errors = FormErrors()
        if not username:
            errors.add("username", "Vui lòng nhập tên đăng nhập.")
        if not password:
            errors.add("password", "Vui lòng nhập mật khẩu.")
        status, headers = 422, {}
        if not errors:
            try:
                token, expires_at = await sign_in(request, username, password[:256])
            except TooManyAttempts as exc:
                errors.add("form", exc.errors[0].message)
                status, headers = 429, {"Retry-After": str(exc.retry_after)}
            except NotAuthenticated:
                errors.add("form", "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.")
                status = 401
            else:
                response = see_other(next_path)
                response.cookies.append(session_cookie(request, token, expires_at))
                return response
        response = page(
            "login.html", None, status_code=status, next=next_path, username=username, errors=errors
        )
        response.headers.update(headers)
        return response

    @post("/logout", status_code=303)
    async def sign_out(self, principal: Caller) -> Response:
        if principal.signed_in:  # a cookie holding an API key: forget it, the key stays
            await accounts.sign_out(principal)
        response = see_other("/login")
        response.cookies.append(cleared_session_cookie())
        return response
