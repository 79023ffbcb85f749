"""Query helpers shared by the list endpoints: sorting, paging, matching, validity."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw
from piccolo.engine.sqlite import SQLiteEngine

from core.errors import InvalidInput

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1  # beyond it SQL engines read the number as a float (or refuse it)


@dataclass(frozen=True)
class PageRequest:
    limit: int = 50
    offset: int = 0
    sort: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput.field(
                "limit", f"must be between 1 and {MAX_LIMIT}", f"Số dòng mỗi trang từ 1 đến {MAX_LIMIT}."
            )
        if not 0 <= self.offset <= MAX_OFFSET:
            raise InvalidInput.field(
                "offset", f"must be between 0 and {MAX_OFFSET}", "Vị trí bắt đầu không hợp lệ."
            )


def valid_on(valid_from: Column, valid_to: Column, day):
    """Rows in force on ``day``: open-ended on either side when the date is null."""
    return (valid_from.is_null() | (valid_from <= day)) & (valid_to.is_null() | (valid_to >= day))


def contains(column: Column, text: str):
    """A case-insensitive substring match (SQLite's LIKE already ignores ASCII case and has no
    ILIKE). ``%``, ``_`` and ``\\`` in ``text`` are matched as themselves, not as wildcards."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    operator = "LIKE" if isinstance(column._meta.table._meta.db, SQLiteEngine) else "ILIKE"
    name = f'"{column._meta.table._meta.tablename}"."{column._meta.db_column_name}"'
    return WhereRaw(f"{name} {operator} {{}} ESCAPE '\\'", f"%{escaped}%")


def apply_sort(query, sort: str, allowed: dict[str, Column], default: list[str]):
    """Order ``query`` by a comma-separated list of allowed keys, ``-key`` for descending."""
    keys = [key.strip() for key in sort.split(",") if key.strip()] or default
    for key in keys:
        name = key.removeprefix("-")
        if name not in allowed:
            raise InvalidInput.field(
                "sort",
                f"unknown key {name!r}; allowed: {', '.join(sorted(allowed))}",
                "Tiêu chí sắp xếp không hợp lệ.",
            )
        query = query.order_by(allowed[name], ascending=not key.startswith("-"))
    return query
