"""Web-page fixtures: a browser-like client signed in through the session cookie, and the CSRF
token its forms carry."""

from __future__ import annotations

import re

import pytest

from api.security import SESSION_COOKIE
from models.accounts.service import sign_in
from tests.world import PASSWORD

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')
ROLES = ("admin", "staff", "head_a", "head_b", "viewer")


class Browser:
    """The test client as one person's browser: their session cookie, and the CSRF token of the
    last page read (forms post it back, as a browser would)."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = ""

    async def sign_in_as(self, username: str | None) -> Browser:
        self.client.cookies.clear()
        if username is not None:
            token, _ = await sign_in(username, PASSWORD)
            self.client.cookies.set(SESSION_COOKIE, token)
        await self.get("/login")
        return self

    async def get(self, path: str, **kwargs):
        response = await self.client.get(path, follow_redirects=False, **kwargs)
        if match := CSRF_INPUT.search(response.text):
            self.token = match.group(1)
        return response

    async def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        form = dict(data or {})
        if csrf:
            form["_csrf_token"] = self.token
        return await self.client.post(path, data=form, follow_redirects=False, **kwargs)


@pytest.fixture
async def browser(client, world):
    return await Browser(client).sign_in_as(None)
