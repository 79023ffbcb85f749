"""Requests refused before any handler sees them.

A path with a NUL or another control character names no resource here (and a NUL made the
static-file handler's os.stat raise: a 500): 400, as problem details, whatever the route.
"""

from __future__ import annotations

import re

from litestar.exceptions import ClientException
from litestar.types import ASGIApp, Receive, Scope, Send

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def refuse_control_characters(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and CONTROL_CHARACTERS.search(scope["path"]):
            raise ClientException("the path contains a control character")
        await app(scope, receive, send)

    return middleware
