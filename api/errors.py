"""Every error leaves as RFC 9457 problem details naming the field and the reason.

Litestar's ProblemDetailsPlugin is not used: its converters receive the exception alone, and
these responses need the request (``instance``, the path parameter an out-of-range value came
in) and headers (WWW-Authenticate, Retry-After); the body adds the Vietnamese ``message``.
"""

from __future__ import annotations

import logging
import re
import sqlite3

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from core.errors import DomainError, FieldError, NotAuthenticated, TooManyAttempts

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("cchc.api")
NAMED_FIELD = re.compile(r"field `([^`]+)`")
MISSING_PARAMETER = re.compile(r"Missing required \w+ parameter '([^']+)'")
TOO_LONG = re.compile(r"Expected `(str|array|object)` of length <= (\d+)")
DB_INT_RANGE = range(-(2**31), 2**31)  # the narrowest integer column (PostgreSQL integer)

VI_TITLES = {
    400: "Dữ liệu gửi lên không hợp lệ.",
    401: "Cần đăng nhập.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy.",
    405: "Phương thức không được hỗ trợ.",
    409: "Dữ liệu xung đột với dữ liệu đã có.",
    412: "Dữ liệu đã được người khác cập nhật trước.",
    413: "Tệp hoặc dữ liệu quá lớn.",
    415: "Loại tệp không được hỗ trợ.",
    422: "Dữ liệu không hợp lệ.",
    429: "Thử quá nhiều lần; vui lòng đợi rồi thử lại.",
    500: "Lỗi hệ thống.",
    503: "Hệ thống tạm thời không sẵn sàng.",
}


def problem(
    request: Request,
    status: int,
    title: str,
    detail: str,
    errors: list[FieldError] | None = None,
    message: str = "",
) -> Response:
    body: dict = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "message": message or VI_TITLES.get(status, VI_TITLES[400]),
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [
            {k: v for k, v in vars(e).items() if v not in (None, "")} | {"field": e.field} for e in errors
        ]
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def domain_error(request: Request, exc: DomainError) -> Response:
    response = problem(request, exc.status_code, exc.title, exc.detail, exc.errors, exc.message)
    if isinstance(exc, NotAuthenticated):
        response.headers["WWW-Authenticate"] = 'Bearer realm="cchc"'
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _field_of(item: dict) -> str:
    """The offending field: msgspec names a missing or unknown one only inside its message."""
    key = str(item.get("key") or "")
    if key in ("", "data"):
        named = NAMED_FIELD.search(str(item.get("message", "")))
        return named.group(1) if named else key or str(item.get("source") or "body")
    return key.removeprefix("data.")


def _missing_parameter(detail: str) -> str:
    """Litestar names a missing query, header or path parameter only in its message."""
    missing = MISSING_PARAMETER.search(detail)
    return missing.group(1) if missing else "body"


def _vietnamese(reason: str) -> str:
    if too_long := TOO_LONG.search(reason):
        unit = "ký tự" if too_long.group(1) == "str" else "mục"
        return f"Tối đa {too_long.group(2)} {unit}."
    return "Giá trị không hợp lệ."


def validation_error(request: Request, exc: ValidationException) -> Response:
    """400 for a malformed request; 422 when every complaint is a value longer than allowed
    (the request was well formed, the text too long), each naming its field and the limit."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        FieldError(_field_of(item), reason := str(item.get("message", "invalid value")), _vietnamese(reason))
        for item in extra
        if isinstance(item, dict)
    ] or [FieldError(_missing_parameter(exc.detail), exc.detail, "Dữ liệu gửi lên không hợp lệ.")]
    if all(TOO_LONG.search(error.reason) for error in errors):
        return problem(request, 422, "Invalid input", exc.detail, errors)
    return problem(request, 400, "Invalid request", exc.detail, errors)


def http_error(request: Request, exc: HTTPException) -> Response:
    response = problem(request, exc.status_code, exc.detail or "Error", exc.detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def integrity_error(request: Request, exc: Exception) -> Response:
    """A database constraint caught a race the domain checks could not (two requests at once)."""
    log.info("integrity error on %s: %s", request.url.path, exc)
    return problem(request, 409, "Conflict", "the change conflicts with a record saved at the same time")


def out_of_range(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold (an integer beyond its columns, text it refuses): an id
    in the path that large names nothing (404); otherwise 422, naming the query parameter when
    one is the culprit."""
    log.info("value out of range on %s: %s", request.url.path, type(exc).__name__)
    for name, value in request.path_params.items():
        if isinstance(value, int) and value not in DB_INT_RANGE:
            return problem(request, 404, "Not found", f"nothing has the {name} {value}")
    culprits = [
        name
        for name, value in request.query_params.items()
        if "\x00" in value or ((number := _integer(value)) is not None and number not in DB_INT_RANGE)
    ]
    field = culprits[0] if culprits else "body"
    reason = "a number beyond the range that can be stored, or a text that cannot be (a NUL character)"
    error = FieldError(field, reason, "Giá trị vượt quá giới hạn cho phép.")
    return problem(request, 422, "Invalid input", f"{field}: {reason}", [error])


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(request, 500, "Internal server error", "an unexpected error occurred")


EXCEPTION_HANDLERS = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    sqlite3.IntegrityError: integrity_error,
    asyncpg.exceptions.IntegrityConstraintViolationError: integrity_error,
    OverflowError: out_of_range,  # SQLite: an integer beyond 64 bits; a date beyond year 9999
    asyncpg.exceptions.DataError: out_of_range,  # PostgreSQL class 22: out of range, NUL in text
    asyncpg.exceptions._base.DataError: out_of_range,  # asyncpg: an argument beyond its column
    500: server_error,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType"]
