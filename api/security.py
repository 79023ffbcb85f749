"""Who is calling: a bearer token, an API key (X-API-Key) or the browser's session cookie."""

from __future__ import annotations

from datetime import datetime

from litestar import Request
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.openapi.spec import Components, SecurityScheme

from core.errors import NotAuthenticated
from models.accounts import authenticate
from models.permissions import Principal

SESSION_COOKIE = "cchc_session"
API_KEY_HEADER = "X-API-Key"

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
    token = credential_from(request)
    if not token:
        raise NotAuthenticated("send a bearer token, an X-API-Key header or sign in")
    principal = await authenticate(token)
    request.state.principal = principal  # for the audit log (api.audit)
    return principal


Caller = NamedDependency[Principal]
"""The authenticated caller, injected into every protected handler by ``provide_principal``."""
