"""Domain errors. The API turns each into a problem-details response with its status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One rejected input: the field (or ``row N: field`` for files) and why, in English and
    in Vietnamese for the people who read it in the web interface."""

    field: str
    reason: str
    message: str = ""
    row: int | None = None
    value: str | None = None  # a file's cell as it was written, so the person can find it


class DomainError(Exception):
    """``detail`` in English for the API; ``message``, where given, says in Vietnamese what went
    wrong for the person reading the page (else the status's own words are shown)."""

    status_code = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None, message: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.message = message


class InvalidInput(DomainError):
    status_code = 422
    title = "Invalid input"

    @classmethod
    def field(cls, field: str, reason: str, message: str) -> InvalidInput:
        return cls(f"{field}: {reason}", [FieldError(field, reason, message)])


class NotAuthenticated(DomainError):
    status_code = 401
    title = "Not authenticated"


class PermissionDenied(DomainError):
    status_code = 403
    title = "Forbidden"


class NotFound(DomainError):
    """A record that does not exist (or no longer does); ``message`` names it in Vietnamese."""

    status_code = 404
    title = "Not found"

    def __init__(self, detail: str, message: str) -> None:
        super().__init__(detail, message=message)


class Conflict(DomainError):
    status_code = 409
    title = "Conflict"


class StaleVersion(DomainError):
    """The caller edited an older version than the one stored (If-Match mismatch)."""

    status_code = 412
    title = "Precondition failed"

    def __init__(
        self,
        current_version: int,
        message: str = "Nhiệm vụ đã được người khác cập nhật trước; vui lòng tải lại và thử lại.",
    ) -> None:
        super().__init__(
            f"the record was changed by someone else (current version {current_version})",
            [FieldError("If-Match", f"stale version; current version is {current_version}", message)],
        )
        self.current_version = current_version


class PayloadTooLarge(DomainError):
    status_code = 413
    title = "Payload too large"


class UnsupportedMediaType(DomainError):
    status_code = 415
    title = "Unsupported media type"


class TooManyAttempts(DomainError):
    """Too many failed sign-ins: refused until ``retry_after`` seconds have passed."""

    status_code = 429
    title = "Too many requests"

    def __init__(self, detail: str, message: str, retry_after: int) -> None:
        super().__init__(detail, [FieldError("username", detail, message)])
        self.retry_after = retry_after
