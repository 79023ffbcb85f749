"""Sign-in, sign-out, the caller's own account and password."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from api.accounts import AccountOut
from api.common import convert
from api.security import SECURITY, Caller, cleared_session_cookie, client_address, session_cookie, sign_in
from models.accounts import service as accounts


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class TokenOut(msgspec.Struct):
    access_token: str
    token_type: str
    expires_at: datetime


class PasswordIn(msgspec.Struct, forbid_unknown_fields=True):
    old_password: Annotated[str, msgspec.Meta(max_length=256)]
    new_password: Annotated[str, msgspec.Meta(max_length=256)]


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post(
        "/login",
        status_code=200,
        summary="Sign in and get a bearer token (also set as a cookie); 429 after repeated failures",
    )
    async def login(self, request: Request, data: JSONBody[LoginIn]) -> Response[TokenOut]:
        token, expires_at = await sign_in(request, data.username, data.password)
        cookie = session_cookie(request, token, expires_at)
        return Response(TokenOut(token, "bearer", expires_at), cookies=[cookie])

    @post(
        "/logout",
        status_code=204,
        security=SECURITY,
        summary="Revoke the session token used for this request (409 for an API key: an admin revokes keys)",
    )
    async def logout(self, principal: Caller) -> Response[None]:
        await accounts.sign_out(principal)
        return Response(None, status_code=204, cookies=[cleared_session_cookie()])

    @get("/me", security=SECURITY)
    async def me(self, principal: Caller) -> AccountOut:
        return convert(await accounts.get_account(principal.account_id), AccountOut)

    @post(
        "/password",
        status_code=204,
        security=SECURITY,
        summary="Change your password; signs you out everywhere; 429 after repeated wrong old passwords",
    )
    async def change_password(self, request: Request, principal: Caller, data: JSONBody[PasswordIn]) -> None:
        await accounts.change_own_password(
            principal, data.old_password, data.new_password, client=client_address(request)
        )
