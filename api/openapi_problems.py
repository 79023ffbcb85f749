"""The OpenAPI document declares what the API really answers: every error a problem-details body.

``ProblemResponses`` is a Litestar plugin that, as each route is registered, adds to every
documented operation the error statuses it can give (RFC 9457 ``application/problem+json``,
the ``Problem`` schema), replacing Litestar's default 400 body (which is not what
api.errors sends). A handler whose success body is a file names its media types in
``opt={"media_types": [...]}`` and the 200 response lists each of them.

Schemathesis (tests/api/test_openapi_fuzz.py) holds the app to this document.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import msgspec
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, Operation, Schema
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

PROBLEM_JSON = "application/problem+json"
PUBLIC_PATHS = {"/healthz"}


class ProblemError(msgspec.Struct):
    """One rejected input: the field (``row`` for files), why in English and in Vietnamese."""

    field: str
    reason: str | msgspec.UnsetType = msgspec.UNSET
    message: str | msgspec.UnsetType = msgspec.UNSET
    row: int | msgspec.UnsetType = msgspec.UNSET


class Problem(msgspec.Struct):
    """RFC 9457 problem details, as api.errors.problem writes them."""

    title: str
    status: int
    detail: str
    type: str = "about:blank"
    message: str | msgspec.UnsetType = msgspec.UNSET  # Vietnamese, for the web interface
    instance: str | msgspec.UnsetType = msgspec.UNSET
    errors: list[ProblemError] | msgspec.UnsetType = msgspec.UNSET


DESCRIPTIONS = {
    400: "Malformed request: a parameter or body field of the wrong type, missing or unknown",
    401: "No valid bearer token, API key or session cookie (wrong password at sign-in)",
    403: "The caller's role may not do this",
    404: "No such resource",
    409: "Conflicts with a stored record (a code already used, an issued report ...)",
    412: "Stale version: the record changed since it was read (If-Match / version)",
    413: "The upload or body is larger than allowed",
    415: "The body's Content-Type is not the one declared, or the file's type (checked from its content) is not accepted",
    422: "Invalid input; `errors` names each field (and row, for files)",
    429: "Too many failed sign-ins; wait for Retry-After seconds",
    503: "The database is unavailable for a moment; retry after Retry-After seconds",
}


def _spec(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        description=DESCRIPTIONS[status],
        media_type=PROBLEM_JSON,
        generate_examples=False,
    )


def _body(handler: HTTPRouteHandler):
    parameter = handler.parsed_fn_signature.parameters.get("data")
    return parameter


def _has_version(handler: HTTPRouteHandler) -> bool:
    """Writes that compare versions: an If-Match header or a ``version`` body field."""
    if "if_match" in handler.parsed_fn_signature.parameters:
        return True
    body = _body(handler)
    fields = getattr(body.annotation, "__struct_fields__", ()) if body is not None else ()
    return "version" in fields


def error_statuses(handler: HTTPRouteHandler, path: str) -> set[int]:
    """The error statuses an operation can answer with."""
    if path in PUBLIC_PATHS:
        return set()
    statuses = {400, 404, 422, 503}
    if handler.resolve_security():
        statuses |= {401, 403}
    if path == "/api/auth/login":
        statuses |= {401, 429}
    if path == "/api/auth/password":
        statuses.add(429)
    if _body(handler) is not None:
        statuses |= {413, 415}
    if handler.http_methods - {"GET", "HEAD"}:
        statuses.add(409)
        if _has_version(handler):
            statuses.add(412)
    return statuses


def _operation_class(media_types: list[str]) -> type[Operation]:
    """An Operation whose 204 responses have no content (whatever the handler's annotation
    says) and whose success response lists each of ``media_types`` (a file), when given."""

    @dataclass
    class DocumentedOperation(Operation):
        def __post_init__(self) -> None:
            for status, response in (self.responses or {}).items():
                if isinstance(response, dict) or not status.startswith("2"):
                    continue
                if status == "204":
                    self.responses[status] = replace(response, content=None)
                elif media_types:
                    binary = Schema(type="string", content_media_type="application/octet-stream")
                    content = {media: OpenAPIMediaType(schema=binary) for media in media_types}
                    self.responses[status] = replace(response, content=content)

    return DocumentedOperation


class ProblemResponses(ReceiveRoutePlugin):
    """Declare every documented operation's problem responses (see the module docstring)."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            declared = dict(handler.responses or {})
            for status in sorted(error_statuses(handler, route.path)):
                declared.setdefault(status, _spec(status))
            handler.responses = declared or None
            handler.operation_class = _operation_class(list(handler.opt.get("media_types", [])))
