"""Yearly scores on the national indices the province is ranked on (PAR INDEX, SIPAS, PAPI,
PCI): the score against its scale, the rank out of the provinces ranked, the year's target and
the component criteria with their maxima ("phát triển ứng dụng, dịch vụ phục vụ người dân, tổ
chức: 2,57/7").

A result is keyed by (kind, year), unique in the database; a write replaces the year's result
and its components whole, and bumps the result's ``version`` (the components are part of it):
a caller naming the version it read (If-Match) is refused when it is stale, so two people
editing one year never silently overwrite each other. Changes against the previous calendar
year are computed on read, never stored: a year whose predecessor has no result has no change.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date

from core.clock import utcnow
from core.db import one_writer_at_a_time, update_versioned, write_transaction
from core.errors import FieldError, InvalidInput, NotFound, StaleVersion
from core.paging import PageRequest, apply_sort
from core.tabular import read_records
from core.text import fold, format_number, nfc
from models.indices.tables import IndexComponent, IndexResult
from models.permissions import Action, Principal
from models.vocabulary import IndexKind

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_SCALE = 1000.0
MAX_COMPONENTS = 100
MAX_NOTE = 2000
MAX_SOURCE = 500
DIGITS = 4  # changes and ratios are rounded to this many decimals (float subtraction noise)
# The usual maximum of each index: PAR INDEX 100 points, SIPAS a percentage, PAPI the sum of
# 8 dimensions of 10 points, PCI 100 points. A result may name another scale.
DEFAULT_SCALES = {
    IndexKind.PAR_INDEX: 100.0,
    IndexKind.SIPAS: 100.0,
    IndexKind.PAPI: 80.0,
    IndexKind.PCI: 100.0,
}
# Short names users type in files ("PAR INDEX", "PAR-Index", "SIPAS") besides value and label.
SHORT_NAMES = {
    IndexKind.PAR_INDEX: "PAR INDEX",
    IndexKind.SIPAS: "SIPAS",
    IndexKind.PAPI: "PAPI",
    IndexKind.PCI: "PCI",
}
RESULT_COLUMNS = (
    IndexResult.id,
    IndexResult.kind,
    IndexResult.year,
    IndexResult.score,
    IndexResult.scale,
    IndexResult.rank,
    IndexResult.out_of,
    IndexResult.target,
    IndexResult.published_on,
    IndexResult.source,
    IndexResult.assumed,
    IndexResult.note,
    IndexResult.version,
    IndexResult.updated_at,
    IndexResult.updated_by,
)
COMPONENT_COLUMNS = (
    IndexComponent.result,
    IndexComponent.position,
    IndexComponent.name,
    IndexComponent.score,
    IndexComponent.max_score,
)
SORT_KEYS = {
    "kind": IndexResult.kind,
    "year": IndexResult.year,
    "score": IndexResult.score,
    "rank": IndexResult.rank,
}


@dataclass(frozen=True)
class ComponentData:
    name: str
    score: float
    max_score: float


@dataclass(frozen=True)
class IndexResultData:
    score: float
    scale: float | None = None  # None: the kind's usual scale (DEFAULT_SCALES)
    rank: int | None = None
    out_of: int | None = None
    target: float | None = None
    note: str = ""
    components: tuple[ComponentData, ...] = ()
    published_on: date | None = None  # when the result was announced
    source: str = ""  # where: "Phiên họp công bố SIPAS, PAR INDEX 2022 ngày 19/4/2023"
    assumed: bool = False  # entered as an assumption (a demo figure, an estimate): never reported


@dataclass(frozen=True)
class IndexFilter:
    kind: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    published_by: date | None = None  # announced on or before this day (see publication_day)
    include_assumed: bool = True


def publication_day(year: int, published_on: date | None) -> date:
    """The day a result counts as public: its announcement, or, when that is not recorded, the
    last day it can have come out (results of year N are announced during N+1, FORMATS.md), so
    that a report never quotes a result before it can have been published."""
    return published_on or date(year + 1, 12, 31)


# --- validation -----------------------------------------------------------------------------


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_key(kind: str, year: int) -> list[FieldError]:
    errors: list[FieldError] = []
    if kind not in set(IndexKind):
        errors.append(
            FieldError(
                "kind", f"one of {', '.join(IndexKind)}", "Chỉ số không hợp lệ (PAR INDEX, SIPAS, PAPI, PCI)."
            )
        )
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(
            FieldError(
                "year", f"between {FIRST_YEAR} and {LAST_YEAR}", f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}."
            )
        )
    return errors


def _scale(kind: str, data: IndexResultData) -> float:
    if data.scale is not None:
        return data.scale
    return DEFAULT_SCALES.get(IndexKind(kind), 100.0) if kind in set(IndexKind) else 100.0


def _check(kind: str, year: int, data: IndexResultData) -> list[FieldError]:
    """What is wrong with a result for ``kind``, as field errors (empty when valid); component
    fields are named ``components[i].field`` (i from 0)."""
    errors: list[FieldError] = []
    scale = _scale(kind, data)
    scale_ok = _number(scale) and 0 < scale <= MAX_SCALE
    if not scale_ok:
        errors.append(
            FieldError(
                "scale",
                f"greater than 0, at most {MAX_SCALE:g}",
                "Thang điểm phải lớn hơn 0 và không quá 1000.",
            )
        )
    if not _number(data.score):
        errors.append(FieldError("score", "a number", "Điểm phải là một số."))
    elif data.score < 0:
        errors.append(FieldError("score", "must not be negative", "Điểm không được âm."))
    elif scale_ok and data.score > scale:
        errors.append(
            FieldError("score", f"above the scale ({scale:g})", "Điểm không được lớn hơn thang điểm.")
        )
    if data.out_of is not None and (not isinstance(data.out_of, int) or data.out_of < 1):
        errors.append(
            FieldError(
                "out_of", "a positive whole number", "Tổng số đơn vị được xếp hạng phải là số nguyên dương."
            )
        )
    if data.rank is not None:
        if not isinstance(data.rank, int) or data.rank < 1:
            errors.append(FieldError("rank", "a positive whole number", "Thứ hạng phải là số nguyên dương."))
        elif data.out_of is None:
            errors.append(
                FieldError(
                    "out_of", "required with a rank", "Cần nhập tổng số đơn vị được xếp hạng (ví dụ 63)."
                )
            )
        elif isinstance(data.out_of, int) and data.rank > data.out_of:
            errors.append(
                FieldError(
                    "rank",
                    f"above out_of ({data.out_of})",
                    "Thứ hạng không được lớn hơn tổng số đơn vị được xếp hạng.",
                )
            )
    if data.target is not None and (
        not _number(data.target) or data.target < 0 or (scale_ok and data.target > scale)
    ):
        errors.append(FieldError("target", "between 0 and the scale", "Mục tiêu phải từ 0 đến thang điểm."))
    if data.published_on is not None and data.published_on.year < year:
        errors.append(
            FieldError(
                "published_on",
                "before the year the result scores",
                "Ngày công bố không được trước năm đánh giá.",
            )
        )
    if len(data.source) > MAX_SOURCE:
        errors.append(
            FieldError(
                "source", f"at most {MAX_SOURCE} characters", f"Nguồn công bố tối đa {MAX_SOURCE} ký tự."
            )
        )
    if len(data.note) > MAX_NOTE:
        errors.append(
            FieldError("note", f"at most {MAX_NOTE} characters", f"Ghi chú tối đa {MAX_NOTE} ký tự.")
        )
    if len(data.components) > MAX_COMPONENTS:
        errors.append(
            FieldError(
                "components", f"at most {MAX_COMPONENTS}", f"Tối đa {MAX_COMPONENTS} tiêu chí thành phần."
            )
        )
    seen: set[str] = set()
    for index, component in enumerate(data.components):
        errors.extend(_check_component(f"components[{index}].", component, scale if scale_ok else None, seen))
    return errors


def _check_component(
    prefix: str, component: ComponentData, scale: float | None, seen: set[str]
) -> list[FieldError]:
    errors: list[FieldError] = []
    name = nfc(component.name)
    if not name or len(name) > 500:
        errors.append(
            FieldError(f"{prefix}name", "1 to 500 characters", "Tên tiêu chí thành phần dài 1–500 ký tự.")
        )
    elif fold(name) in seen:
        errors.append(FieldError(f"{prefix}name", "duplicate name", "Tên tiêu chí thành phần bị trùng."))
    seen.add(fold(name))
    max_ok = _number(component.max_score) and component.max_score > 0
    if not max_ok:
        errors.append(
            FieldError(f"{prefix}max_score", "greater than 0", "Điểm tối đa của tiêu chí phải lớn hơn 0.")
        )
    elif scale is not None and component.max_score > scale:
        errors.append(
            FieldError(
                f"{prefix}max_score",
                f"above the index scale ({scale:g})",
                "Điểm tối đa của tiêu chí không được lớn hơn thang điểm của chỉ số.",
            )
        )
    if not _number(component.score):
        errors.append(FieldError(f"{prefix}score", "a number", "Điểm tiêu chí phải là một số."))
    elif component.score < 0:
        errors.append(FieldError(f"{prefix}score", "must not be negative", "Điểm tiêu chí không được âm."))
    elif max_ok and component.score > component.max_score:
        errors.append(
            FieldError(
                f"{prefix}score",
                f"above max_score ({component.max_score:g})",
                "Điểm tiêu chí không được lớn hơn điểm tối đa.",
            )
        )
    return errors


def _require_key(kind: str, year: int) -> None:
    if errors := _check_key(kind, year):
        raise InvalidInput("invalid index or year", errors)


# --- writing --------------------------------------------------------------------------------


def _normalised(kind: str, data: IndexResultData) -> IndexResultData:
    components = tuple(
        ComponentData(nfc(c.name), float(c.score), float(c.max_score)) for c in data.components
    )
    return replace(
        data,
        score=float(data.score),
        scale=float(_scale(kind, data)),
        target=None if data.target is None else float(data.target),
        note=nfc(data.note),
        source=nfc(data.source).strip(),
        components=components,
    )


STALE_RESULT = "Kết quả chỉ số đã được người khác cập nhật trước; vui lòng tải lại và thử lại."


def _no_result_to_replace(kind: str, year: int) -> StaleVersion:
    """An If-Match names a version of a result that does not exist: no version matches it
    (RFC 9110 13.1.1), so the write is refused rather than taken as a creation."""
    name = SHORT_NAMES[IndexKind(kind)]
    return StaleVersion(0, f"Chưa có kết quả {name} năm {year} để cập nhật; vui lòng tải lại và thử lại.")


async def _write(
    kind: str, year: int, data: IndexResultData, actor_id: int | None, expected_version: int | None = None
) -> str:
    """Create or replace the (kind, year) result inside the caller's transaction; returns
    "created", "updated" or "unchanged" (identical values: nothing is written, the version
    stays). ``expected_version``: the version the caller read (If-Match); StaleVersion when it
    is not the stored one, or when there is no result yet."""
    await one_writer_at_a_time(IndexResult, f"index-result:{kind}:{year}")
    values = {
        IndexResult.score: data.score,
        IndexResult.scale: data.scale,
        IndexResult.rank: data.rank,
        IndexResult.out_of: data.out_of,
        IndexResult.target: data.target,
        IndexResult.published_on: data.published_on,
        IndexResult.source: data.source,
        IndexResult.assumed: data.assumed,
        IndexResult.note: data.note,
    }
    current = (
        await IndexResult.select(*RESULT_COLUMNS)
        .where((IndexResult.kind == kind) & (IndexResult.year == year))
        .first()
    )
    stamp = {IndexResult.updated_at: utcnow(), IndexResult.updated_by: actor_id}
    if current is None:
        if expected_version is not None:
            raise _no_result_to_replace(kind, year)
        row = IndexResult(
            kind=kind, year=year, version=1, **{c._meta.name: v for c, v in (values | stamp).items()}
        )
        result_id = (await IndexResult.insert(row).returning(IndexResult.id))[0]["id"]
        outcome = "created"
    else:
        result_id = current["id"]
        if expected_version is not None and expected_version != current["version"]:
            raise StaleVersion(current["version"], STALE_RESULT)
        stored = await IndexComponent.select(*COMPONENT_COLUMNS).where(IndexComponent.result == result_id)
        stored_components = [
            ComponentData(c["name"], c["score"], c["max_score"])
            for c in sorted(stored, key=lambda c: c["position"])
        ]
        if all(current[c._meta.name] == v for c, v in values.items()) and stored_components == list(
            data.components
        ):
            return "unchanged"
        # The components are replaced only once the result's version is bumped: they are part of it.
        await update_versioned(
            IndexResult, result_id, values | stamp, current["version"], expected_version, STALE_RESULT
        )
        await IndexComponent.delete().where(IndexComponent.result == result_id)
        outcome = "updated"
    if data.components:
        await IndexComponent.insert(
            *(
                IndexComponent(
                    result=result_id,
                    position=position,
                    name=component.name,
                    score=component.score,
                    max_score=component.max_score,
                )
                for position, component in enumerate(data.components, start=1)
            )
        )
    return outcome


async def put_index_result(
    actor: Principal, kind: str, year: int, data: IndexResultData, expected_version: int | None = None
) -> dict:
    """Create or replace a year's result for an index, with its components, atomically.
    ``expected_version`` (If-Match): the version replaced must still be that one, and a result
    must exist; None replaces the latest state (or creates)."""
    actor.require(Action.MANAGE_INDICES)
    if errors := _check_key(kind, year) + _check(kind, year, data):
        raise InvalidInput("invalid index result", errors)
    async with write_transaction(IndexResult._meta.db):
        await _write(kind, year, _normalised(kind, data), actor.account_id, expected_version)
        return await get_index_result(kind, year)  # as this write left it, whatever comes next


# --- reading --------------------------------------------------------------------------------


def _label(row: dict) -> str:
    """ "91,49 điểm, xếp thứ 4/63, giảm 0,69 điểm so với năm 2023" as a report writes it."""
    unit = "%" if row["kind"] == IndexKind.SIPAS else " điểm"
    parts = [f"{format_number(row['score'])}{unit}"]
    if row["rank"] is not None:
        parts.append(f"xếp thứ {row['rank']}/{row['out_of']}")
    change = row["score_change"]
    if change is not None:
        previous = row["previous"]["year"]
        if change == 0:
            parts.append(f"không đổi so với năm {previous}")
        else:
            word = "tăng" if change > 0 else "giảm"
            parts.append(f"{word} {format_number(abs(change))}{unit} so với năm {previous}")
    return ", ".join(parts)


def _component_out(component: dict) -> dict:
    return {
        "position": component["position"],
        "name": component["name"],
        "score": component["score"],
        "max_score": component["max_score"],
        "ratio": round(component["score"] / component["max_score"], DIGITS),
    }


async def _describe(rows: list[dict]) -> list[dict]:
    """Rows with their components, the previous year's figures and the changes against them."""
    if not rows:
        return []
    kinds = {row["kind"] for row in rows}
    previous_years = {row["year"] - 1 for row in rows}
    previous = {
        (p["kind"], p["year"]): p
        for p in await IndexResult.select(
            IndexResult.kind, IndexResult.year, IndexResult.score, IndexResult.rank, IndexResult.out_of
        ).where(IndexResult.kind.is_in(list(kinds)) & IndexResult.year.is_in(list(previous_years)))
    }
    components: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    for component in await IndexComponent.select(*COMPONENT_COLUMNS).where(
        IndexComponent.result.is_in(list(components))
    ):
        components[component["result"]].append(component)
    described = []
    for row in rows:
        before = previous.get((row["kind"], row["year"] - 1))
        item = {
            "kind": row["kind"],
            "kind_label": IndexKind(row["kind"]).label,
            "year": row["year"],
            "score": row["score"],
            "scale": row["scale"],
            "rank": row["rank"],
            "out_of": row["out_of"],
            "target": row["target"],
            "target_met": None if row["target"] is None else row["score"] >= row["target"],
            "published_on": row["published_on"],
            "source": row["source"],
            "assumed": row["assumed"],
            "note": row["note"],
            "version": row["version"],
            "previous": None
            if before is None
            else {k: before[k] for k in ("year", "score", "rank", "out_of")},
            "score_change": None if before is None else round(row["score"] - before["score"], DIGITS),
            # Places gained (positive) or lost (negative): 2nd -> 4th is -2.
            "rank_change": (
                before["rank"] - row["rank"]
                if before is not None and before["rank"] is not None and row["rank"] is not None
                else None
            ),
            "components": [
                _component_out(c) for c in sorted(components[row["id"]], key=lambda c: c["position"])
            ],
            "updated_at": row["updated_at"],
            "updated_by": row["updated_by"],
        }
        item["label"] = _label(item)
        described.append(item)
    return described


async def get_index_result(kind: str, year: int) -> dict:
    """A year's result with its components and the change against the year before."""
    _require_key(kind, year)
    row = (
        await IndexResult.select(*RESULT_COLUMNS)
        .where((IndexResult.kind == kind) & (IndexResult.year == year))
        .first()
    )
    if row is None:
        raise NotFound(
            f"no {SHORT_NAMES[IndexKind(kind)]} result for {year}",
            f"Chưa có kết quả {SHORT_NAMES[IndexKind(kind)]} năm {year}.",
        )
    return (await _describe([row]))[0]


def _filtered(query, flt: IndexFilter):
    if flt.kind:
        query = query.where(IndexResult.kind == flt.kind)
    if flt.year_from is not None:
        query = query.where(IndexResult.year >= flt.year_from)
    if flt.year_to is not None:
        query = query.where(IndexResult.year <= flt.year_to)
    if flt.published_by is not None:
        last_year = flt.published_by.year - 1  # the latest year whose undated result counts as public
        if publication_day(last_year, None) > flt.published_by:
            last_year -= 1
        announced = IndexResult.published_on.is_not_null() & (IndexResult.published_on <= flt.published_by)
        query = query.where(
            announced | (IndexResult.published_on.is_null() & (IndexResult.year <= last_year))
        )
    if not flt.include_assumed:
        query = query.where(IndexResult.assumed == False)  # noqa: E712
    return query


async def list_index_results(flt: IndexFilter, page: PageRequest) -> tuple[list[dict], int]:
    """Results matching the filter (kind, years from/to inclusive), each described as by
    get_index_result (the change is against the year before, even outside the range)."""
    if flt.kind is not None and flt.kind not in set(IndexKind):
        raise InvalidInput.field(
            "kind", f"one of {', '.join(IndexKind)}", "Chỉ số không hợp lệ (PAR INDEX, SIPAS, PAPI, PCI)."
        )
    query = apply_sort(
        _filtered(IndexResult.select(*RESULT_COLUMNS), flt), page.sort, SORT_KEYS, ["kind", "year"]
    )
    rows = await query.limit(page.limit).offset(page.offset)
    return await _describe(rows), await _filtered(IndexResult.count(), flt)


async def weak_components(kind: str, year: int, limit: int = 3) -> list[dict]:
    """The year's components with the lowest score / max ratio, weakest first (ties in the
    published order): the "chỉ số thành phần còn thấp" a report names."""
    result = await get_index_result(kind, year)
    ranked = sorted(result["components"], key=lambda c: (c["ratio"], c["position"]))
    return ranked[: max(limit, 0)]


# --- the scores file ------------------------------------------------------------------------
#
# One sheet, one row per index result (no component name: the index's own score, scale, rank,
# target and note) and one row per component (its name, score and maximum), in the order they
# are published. Each (index, year) in the file needs its own row; the file replaces the
# results it names, components included, and leaves other years alone.

FILE_COLUMNS = (
    ("kind", "Chỉ số"),
    ("year", "Năm"),
    ("component", "Tiêu chí thành phần"),
    ("score", "Điểm"),
    ("max_score", "Điểm tối đa"),
    ("rank", "Xếp hạng"),
    ("out_of", "Tổng số đơn vị xếp hạng"),
    ("target", "Mục tiêu"),
    ("note", "Ghi chú"),
    ("published_on", "Ngày công bố"),
    ("source", "Nguồn công bố"),
    ("assumed", "Giả định"),
)
FILE_REQUIRED = {"kind", "year", "score"}
MAX_FILE_ROWS = 5_000
RESULT_ONLY = ("rank", "out_of", "target", "published_on", "source", "assumed", "note")
YES, NO = {"x", "1", "có", "co", "yes", "true"}, {"", "0", "không", "khong", "no", "false"}
# Where an error found by _check on an assembled result points in the file.
FIELD_COLUMN = {
    "score": "score",
    "scale": "max_score",
    "rank": "rank",
    "out_of": "out_of",
    "target": "target",
    "published_on": "published_on",
    "source": "source",
    "note": "note",
    "components": "component",
    "name": "component",
    "max_score": "max_score",
}
COMPONENT_FIELD = re.compile(r"components\[(\d+)\]\.(\w+)")


def kind_from_text(text: str) -> IndexKind | None:
    """An index by its key, label or short name, ignoring case, diacritics and punctuation:
    "par_index", "PAR INDEX", "PAR-Index" and "Chỉ số cải cách hành chính (PAR INDEX)"."""

    def squash(value: str) -> str:
        return re.sub(r"[^a-z0-9]", "", fold(value))

    key = squash(text)
    for kind in IndexKind:
        if key and key in (squash(kind.value), squash(kind.label), squash(SHORT_NAMES[kind])):
            return kind
    return None


def _file_number(text: str) -> float:
    """ "91,49", "91.49" or "95,76%" -> a float; ValueError otherwise."""
    value = float(text.strip().removesuffix("%").strip().replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _file_int(text: str) -> int:
    value = _file_number(text)
    if not value.is_integer():
        raise ValueError(text)
    return int(value)


def _file_year(text: str) -> int | None:
    try:
        year = _file_int(text)
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _file_date(text: str) -> date | None:
    """ "19/4/2023", "19/04/2023" or "2023-04-19" -> a date; None when empty or not a date."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


@dataclass
class _Row:
    number: int
    kind: str
    year: int
    component: str
    cells: dict[str, str]


def _parse_row(number: int, cells: dict[str, str]) -> tuple[_Row | None, list[FieldError]]:
    """The row's key (index, year, component name) and typed cells, or its errors."""
    labels = dict(FILE_COLUMNS)
    errors: list[FieldError] = []

    def fail(key: str, reason: str, message: str) -> None:
        errors.append(FieldError(labels[key], reason, message, row=number))

    kind = kind_from_text(cells["kind"])
    if kind is None:
        fail("kind", f"unknown index {cells['kind']!r}", "Chỉ số không hợp lệ (PAR INDEX, SIPAS, PAPI, PCI).")
    year = _file_year(cells["year"])
    if year is None:
        fail("year", f"a year from {FIRST_YEAR} to {LAST_YEAR}", f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.")
    component = nfc(cells["component"])
    for key in ("score", "max_score", "target"):
        if cells[key].strip():
            try:
                _file_number(cells[key])
            except ValueError:
                fail(key, "not a number", "Phải là một số (dấu phẩy thập phân, ví dụ 91,49).")
    for key in ("rank", "out_of"):
        if cells[key].strip():
            try:
                _file_int(cells[key])
            except ValueError:
                fail(key, "not a whole number", "Phải là số nguyên.")
    if cells["published_on"].strip() and _file_date(cells["published_on"]) is None:
        fail("published_on", "a date dd/mm/yyyy", "Ngày công bố phải có dạng dd/mm/yyyy.")
    if fold(cells["assumed"].strip()) not in YES | NO:
        fail("assumed", "x or empty", "Đánh dấu x nếu là số liệu giả định, để trống nếu không.")
    if not cells["score"].strip():
        fail("score", "required", "Thiếu điểm.")
    if component:
        if not cells["max_score"].strip():
            fail("max_score", "required for a component", "Thiếu điểm tối đa của tiêu chí.")
        for key in RESULT_ONLY:
            if cells[key].strip():
                fail(
                    key,
                    "only on the index's own row (without a component)",
                    "Chỉ nhập ở dòng điểm chung của chỉ số (dòng không có tiêu chí thành phần).",
                )
    if errors:
        return None, errors
    return _Row(number, kind.value, year, component, cells), []


def _assemble(result_row: _Row, component_rows: list[_Row]) -> IndexResultData:
    cells = result_row.cells

    def optional(key: str, convert):
        return convert(cells[key]) if cells[key].strip() else None

    return IndexResultData(
        score=_file_number(cells["score"]),
        scale=optional("max_score", _file_number),
        rank=optional("rank", _file_int),
        out_of=optional("out_of", _file_int),
        target=optional("target", _file_number),
        published_on=_file_date(cells["published_on"]),
        source=cells["source"],
        assumed=fold(cells["assumed"].strip()) in YES,
        note=cells["note"],
        components=tuple(
            ComponentData(
                row.component, _file_number(row.cells["score"]), _file_number(row.cells["max_score"])
            )
            for row in component_rows
        ),
    )


def _located(error: FieldError, result_row: _Row, component_rows: list[_Row]) -> FieldError:
    """An error on an assembled result, moved to the row and column it came from."""
    labels = dict(FILE_COLUMNS)
    row, field = result_row, error.field
    if match := COMPONENT_FIELD.fullmatch(error.field):
        row, field = component_rows[int(match.group(1))], match.group(2)
    return FieldError(labels[FIELD_COLUMN.get(field, "score")], error.reason, error.message, row=row.number)


async def parse_index_file(filename: str, content: bytes) -> dict[tuple[str, int], IndexResultData]:
    """The results a scores file sets, by (kind, year); InvalidInput lists every error by row."""
    records = await read_records(filename, content, FILE_COLUMNS, FILE_REQUIRED, MAX_FILE_ROWS)
    errors: list[FieldError] = []
    results: dict[tuple[str, int], _Row] = {}
    components: dict[tuple[str, int], list[_Row]] = {}
    seen: dict[tuple[str, int, str], int] = {}
    failed_keys: set[tuple[str, int]] = set()  # an index row that did not parse: skip its group
    for number, cells in records:
        row, row_errors = _parse_row(number, cells)
        errors.extend(row_errors)
        if row is None:
            kind, year = kind_from_text(cells["kind"]), _file_year(cells["year"])
            if kind is not None and year is not None and not nfc(cells["component"]):
                failed_keys.add((kind.value, year))
            continue
        identity = (row.kind, row.year, fold(row.component))
        if identity in seen:
            label = "component" if row.component else "kind"
            errors.append(
                FieldError(
                    dict(FILE_COLUMNS)[label],
                    f"duplicate of row {seen[identity]}",
                    f"Trùng với dòng {seen[identity]}.",
                    row=number,
                )
            )
            continue
        seen[identity] = number
        if row.component:
            components.setdefault((row.kind, row.year), []).append(row)
        else:
            results[(row.kind, row.year)] = row
    for key, rows in components.items():
        if key not in results and key not in failed_keys:
            name = SHORT_NAMES[IndexKind(key[0])]
            errors.extend(
                FieldError(
                    dict(FILE_COLUMNS)["component"],
                    f"no row for {name} {key[1]} itself (without a component)",
                    f"Thiếu dòng điểm chung của chỉ số {name} năm {key[1]} (dòng không có tiêu chí thành phần).",
                    row=row.number,
                )
                for row in rows
            )
    assembled: dict[tuple[str, int], IndexResultData] = {}
    for key, result_row in results.items():
        component_rows = components.get(key, [])
        data = _assemble(result_row, component_rows)
        errors.extend(_located(error, result_row, component_rows) for error in _check(key[0], key[1], data))
        assembled[key] = data
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        raise InvalidInput(f"{len(errors)} errors in the file; nothing was imported", errors)
    return assembled


async def import_index_results(actor: Principal, filename: str, content: bytes) -> dict[str, int]:
    """Create or replace every result the file names, or nothing if any row is bad."""
    actor.require(Action.MANAGE_INDICES)
    assembled = await parse_index_file(filename, content)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    async with write_transaction(IndexResult._meta.db):
        for (kind, year), data in sorted(assembled.items()):
            counts[await _write(kind, year, _normalised(kind, data), actor.account_id)] += 1
    return counts
