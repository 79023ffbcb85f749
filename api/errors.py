"""Every error leaves as RFC 9457 problem details naming the field and the reason."""

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
    request: Request, status: int, title: str, detail: str, errors: list[FieldError] | None = None
) -> Response:
    body: dict = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "message": VI_TITLES.get(status, VI_TITLES[400]),
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [
            {k: v for k, v in vars(e).items() if v not in (None, "")} | {"field": e.field} for e in errors
        ]
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def domain_error(request: Request, exc: DomainError) -> Response:
    response = problem(request, exc.status_code, exc.title, exc.detail, exc.errors)
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


def validation_error(request: Request, exc: ValidationException) -> Response:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        FieldError(
            field=_field_of(item),
            reason=str(item.get("message", "invalid value")),
            message="Giá trị không hợp lệ.",
        )
        for item in extra
        if isinstance(item, dict)
    ] or [FieldError("body", exc.detail, "Dữ liệu gửi lên không hợp lệ.")]
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


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(request, 500, "Internal server error", "an unexpected error occurred")


EXCEPTION_HANDLERS = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    sqlite3.IntegrityError: integrity_error,
    asyncpg.exceptions.IntegrityConstraintViolationError: integrity_error,
    500: server_error,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "MediaType"]
