"""Who is calling: a bearer token, an API key (X-API-Key) or the browser's session cookie.

A browser sends the session cookie on its own, also with requests another site (or a sibling
origin of the same site: another port, a subdomain) makes it send. So a change request under
/api that the cookie authenticates must also carry the CSRF token in the ``X-CSRFToken``
header (the one the pages' forms carry, Litestar's double-submit cookie ``cchc_csrf``) and come
from this origin (``Origin``, or ``Referer`` when there is no ``Origin``). Bearer tokens and API
keys are never sent by a browser on its own: they need neither.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.middleware.csrf import CSRFMiddleware
from litestar.openapi.spec import Components, SecurityScheme

from api.request_checks import SAFE_METHODS
from core.clock import utcnow
from core.errors import FieldError, NotAuthenticated, PermissionDenied
from models.accounts import service as accounts
from models.permissions import Principal

SESSION_COOKIE = "cchc_session"
API_KEY_HEADER = "X-API-Key"
SCOPE_PRINCIPAL = "cchc.principal"  # this request's authenticated caller, once known

SECURITY_COMPONENTS = Components(
    security_schemes={
        "BearerToken": SecurityScheme(type="http", scheme="bearer", description="POST /api/auth/login"),
        "ApiKey": SecurityScheme(type="apiKey", name=API_KEY_HEADER, security_scheme_in="header"),
    }
)
SECURITY = [{"BearerToken": []}, {"ApiKey": []}]
# What an account with a temporary password may still call under /api: reading who it is,
# changing the password, signing out (the pages have their own gate, api.web.auth).
API_OPEN_WITH_TEMPORARY_PASSWORD = frozenset({"/api/auth/me", "/api/auth/password", "/api/auth/logout"})


def credential_from(request: Request) -> tuple[str | None, bool]:
    """The credential the request sends, and whether it is the session cookie."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None, False
    if key := request.headers.get(API_KEY_HEADER):
        return key, False
    return request.cookies.get(SESSION_COOKIE), True


def _refuse(field: str, reason: str) -> PermissionDenied:
    return PermissionDenied(
        f"{field}: {reason}",
        [FieldError(field, reason, "Yêu cầu không hợp lệ (thiếu mã chống giả mạo). Vui lòng tải lại trang.")],
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_temporary_password(request: Request, principal: Principal) -> None:
    """A session (bearer token or cookie) of an account whose password an administrator set (a
    temporary one) gets 403 from the API until its owner changes the password, as the pages
    show only the password form. An API key is not refused: an administrator issues it on
    purpose, for a machine account nobody signs in with."""
    path = request.url.path
    if not (principal.must_change_password and principal.signed_in) or not path.startswith("/api/"):
        return
    if path in API_OPEN_WITH_TEMPORARY_PASSWORD:
        return
    raise PermissionDenied(
        "password: the account has a temporary password; change it with POST /api/auth/password first",
        [
            FieldError(
                "password",
                "temporary password not yet changed",
                "Tài khoản đang dùng mật khẩu tạm thời: hãy đổi mật khẩu trước khi dùng các chức năng khác.",
            )
        ],
    )


def check_cookie_request(request: Request) -> None:
    """A change request under /api authenticated by the session cookie: same origin and the
    CSRF token header, or 403 (see the module's docstring)."""
    own = _origin(str(request.base_url))
    sent = request.headers.get("Origin") or request.headers.get("Referer")
    if not sent or _origin(sent) != own:
        raise _refuse("Origin", f"a request authenticated by the session cookie must come from {own}")
    config = request.app.csrf_config
    token = request.headers.get(config.header_name)
    cookie = request.cookies.get(config.cookie_name)
    # Litestar's own double-submit check (the one the pages' forms pass), on the header.
    if not token or not cookie or not CSRFMiddleware(request.app, config)._csrf_tokens_match(token, cookie):
        raise _refuse("X-CSRFToken", "a request authenticated by the session cookie needs the CSRF token")


def session_cookie(request: Request, token: str, expires_at: datetime) -> Cookie:
    """The browser's session: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS;
    it expires with the token (Max-Age: an integer ``expires`` would be read as seconds from now)."""
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=max(0, int((expires_at - utcnow()).total_seconds())),
        path="/",
    )


def cleared_session_cookie() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax")


async def sign_in(request: Request, username: str, password: str) -> tuple[str, datetime]:
    """accounts.sign_in for this request's client, noting for the audit log (api.audit) the
    username tried and, when it succeeds, the account signed in."""
    request.state.username_tried = username
    token, expires_at = await accounts.sign_in(username, password, client=client_address(request))
    request.state.principal = await accounts.authenticate(token)
    return token, expires_at


def client_address(request: Request) -> str:
    """The caller's address, for the sign-in throttle."""
    return request.client.host if request.client else "unknown"


async def provide_principal(request: Request) -> Principal:
    """The dependency every protected handler takes; 401 when no valid credential is sent."""
    if (known := request.scope.get(SCOPE_PRINCIPAL)) is not None:  # the guard already checked
        return known
    token, from_cookie = credential_from(request)
    if not token:
        raise NotAuthenticated("send a bearer token, an X-API-Key header or sign in")
    principal = await accounts.authenticate(token)
    if from_cookie and request.method not in SAFE_METHODS and request.url.path.startswith("/api/"):
        request.state.principal = principal  # the audit log says whose cookie was refused
        check_cookie_request(request)
    request.state.principal = principal  # for the audit log (api.audit)
    check_temporary_password(request, principal)
    request.scope[SCOPE_PRINCIPAL] = principal  # type: ignore[literal-required]
    return principal


async def require_credential(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """App-wide guard: a handler that takes the caller (or declares security) refuses a request
    without a valid credential (401, or the sign-in page) before its parameters are read, so
    the refusal is the same whatever the request carries (no 400 naming a missing parameter to
    a stranger)."""
    if not isinstance(handler, HTTPRouteHandler):
        return
    if "principal" in handler.parsed_fn_signature.parameters or handler.resolve_security():
        await provide_principal(connection)  # type: ignore[arg-type]


Caller = NamedDependency[Principal]
"""The authenticated caller, injected into every protected handler by ``provide_principal``."""
