"""Who is calling: a bearer token, an API key (X-API-Key) or the browser's session cookie."""

from __future__ import annotations

from datetime import datetime

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.openapi.spec import Components, SecurityScheme

from core.errors import NotAuthenticated
from models.accounts.service import authenticate
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


def credential_from(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get(API_KEY_HEADER) or request.cookies.get(SESSION_COOKIE)


def session_cookie(request: Request, token: str, expires_at: datetime) -> Cookie:
    """The browser's session: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS."""
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        expires=int(expires_at.timestamp()),
        path="/",
    )


def cleared_session_cookie() -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax")


def client_address(request: Request) -> str:
    """The caller's address, for the sign-in throttle."""
    return request.client.host if request.client else "unknown"


async def provide_principal(request: Request) -> Principal:
    """The dependency every protected handler takes; 401 when no valid credential is sent."""
    if (known := request.scope.get(SCOPE_PRINCIPAL)) is not None:  # the guard already checked
        return known
    token = credential_from(request)
    if not token:
        raise NotAuthenticated("send a bearer token, an X-API-Key header or sign in")
    principal = await authenticate(token)
    request.state.principal = principal  # for the audit log (api.audit)
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
