"""Helpers every controller shares: ETags, partial updates and row conversion."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from litestar.params import HeaderParameter

from core.text import strict_int

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


IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", required=False, description='The ETag you read, e.g. "3"'),
]


def etag(version: int) -> str:
    return f'"{version}"'


NO_VERSION = -1  # what an If-Match that names no version expects: no stored version is -1


def parse_if_match(value: str | None) -> int | None:
    """The version named by an If-Match header (``"3"`` or ``W/"3"``); None when absent.

    A value that names no version (``"²"``, ``"abc"``) matches no version: the write is refused
    with 412 like any other stale ETag (RFC 9110 13.1.1), after the permission checks."""
    if value is None or value.strip() == "*":
        return None
    version = strict_int(value.strip().removeprefix("W/").strip('"'))
    return version if version is not None and version >= 0 else NO_VERSION
