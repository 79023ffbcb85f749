"""Requests refused before any handler sees them.

A path with a NUL or another control character names no resource here (and a NUL made the
static-file handler's os.stat raise: a 500): 400, as problem details, whatever the route. A
body in another type than the handler declares: 415.
"""

from __future__ import annotations

import re

from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from core.errors import FieldError, UnsupportedMediaType

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def refuse_control_characters(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and CONTROL_CHARACTERS.search(scope["path"]):
            raise ClientException("the path contains a control character")
        await app(scope, receive, send)

    return middleware


def require_declared_body_type(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """App-wide guard: a handler that reads a body gets it in the type it declares (JSON by
    default, multipart for uploads), or 415 — a ``text/plain`` body, which a browser may send
    from any site without asking, is never read as JSON."""
    if not isinstance(handler, HTTPRouteHandler) or connection.scope["method"] in SAFE_METHODS:
        return
    body = handler.parsed_fn_signature.parameters.get("data")
    if body is None:
        return
    declared = RequestEncodingType(
        body.kwarg_definition.media_type if body.kwarg_definition else RequestEncodingType.JSON
    ).value
    sent = connection.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if sent != str(declared):
        raise UnsupportedMediaType(
            f"send the body as {declared} (Content-Type), not {sent or 'nothing'}",
            [
                FieldError(
                    "Content-Type", f"must be {declared}", "Định dạng dữ liệu gửi lên không được hỗ trợ."
                )
            ],
        )
