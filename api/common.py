"""Helpers every controller shares: ETags, partial updates and row conversion."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from core.errors import InvalidInput

T = TypeVar("T")


def convert(row: dict, struct: type[T]) -> T:
    return msgspec.convert(row, struct, strict=False)


def convert_all(rows: list[dict], struct: type[T]) -> list[T]:
    return [convert(row, struct) for row in rows]


def given_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body actually carried (UNSET ones left out)."""
    return {
        name: value for name in data.__struct_fields__ if (value := getattr(data, name)) is not msgspec.UNSET
    }


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | None:
    """The version named by an If-Match header (``"3"`` or ``W/"3"``); None when absent."""
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise InvalidInput.field(
            "If-Match", 'expected an ETag such as "3"', "Phiên bản dữ liệu không hợp lệ."
        )
    return int(text)
