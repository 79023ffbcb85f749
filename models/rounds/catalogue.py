"""The indicator catalogue: the figures a period report needs, maintained by the department as
data, imported and exported as XLSX (same columns both ways), with a default shipped in
default_catalogue.json — the province's editable default, not an official form.

Every replacement of an indicator (one by one or by the file) bumps its ``version``: a caller
naming the version it read (If-Match) is refused when someone changed it meanwhile."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.clock import utcnow
from core.db import one_writer_at_a_time, update_versioned, write_transaction
from core.errors import FieldError, InvalidInput, NotFound, StaleVersion
from core.tabular import Columns, lookup, neutralise, parse_all, read_records, row_error, write_workbook
from core.text import fold, identifier, nfc
from models.permissions import Action, Principal
from models.rounds.rules import INDICATOR_SECTIONS, definition_errors, parse_number
from models.rounds.tables import Indicator
from models.vocabulary import ConsolidationRule, LabelledEnum, Measure, UnitKind

DEFAULT_FILE = Path(__file__).with_name("default_catalogue.json")
# An indicator's code as stored: letters and digits, with . _ - between them; no spaces (a code
# is typed in forms, files and URLs: "NEW 09" would be a different code from "NEW09").
CODE_PATTERN = re.compile(r"[^\W_][\w.-]*")
MAX_ROWS = 500
COLUMNS: Columns = (
    ("code", "Mã chỉ tiêu"),
    ("name", "Tên chỉ tiêu"),
    ("section", "Mục báo cáo"),
    ("measure", "Đơn vị tính"),
    ("unit_kinds", "Loại đơn vị báo cáo"),
    ("rule", "Cách tổng hợp"),
    ("denominator", "Chỉ tiêu mẫu số"),
    ("minimum", "Giá trị nhỏ nhất"),
    ("maximum", "Giá trị lớn nhất"),
    ("integer", "Số nguyên"),
    ("required", "Bắt buộc"),
    ("active", "Đang dùng"),
)
FIELDS = (
    Indicator.id,
    Indicator.code,
    Indicator.name,
    Indicator.section,
    Indicator.measure,
    Indicator.unit_kinds,
    Indicator.rule,
    Indicator.denominator,
    Indicator.minimum,
    Indicator.maximum,
    Indicator.integer,
    Indicator.required,
    Indicator.position,
    Indicator.active,
    Indicator.version,
)
STALE_INDICATOR = "Chỉ tiêu đã được người khác cập nhật trước; vui lòng tải lại và thử lại."


@dataclass(frozen=True)
class IndicatorData:
    code: str
    name: str
    section: str
    measure: str
    rule: str
    unit_kinds: tuple[str, ...] = ()
    denominator: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    required: bool = False
    active: bool = True
    position: int = field(default=0, compare=False)


def default_catalogue_note() -> str:
    """How the shipped catalogue is labelled (the province's editable default)."""
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))["note"]


def _identity_problems(code: str, name: str, section: str) -> list[FieldError]:
    """What is wrong with an indicator's code, name and section, which no other column changes."""
    errors = []
    if not code:
        errors.append(FieldError("code", "1 to 32 characters", "Nhập mã chỉ tiêu."))
    elif len(code) > 32:
        errors.append(FieldError("code", "1 to 32 characters", "Mã chỉ tiêu tối đa 32 ký tự."))
    elif not CODE_PATTERN.fullmatch(code):
        errors.append(
            FieldError(
                "code",
                "letters and digits, with . _ - (no spaces)",
                "Mã chỉ tiêu chỉ gồm chữ, chữ số và các dấu . _ -, không có khoảng trắng.",
            )
        )
    if not name:
        errors.append(FieldError("name", "1 to 500 characters", "Nhập tên chỉ tiêu."))
    elif len(name) > 500:
        errors.append(FieldError("name", "1 to 500 characters", "Tên chỉ tiêu tối đa 500 ký tự."))
    if section not in INDICATOR_SECTIONS:
        errors.append(
            FieldError(
                "section",
                f"one of {', '.join(INDICATOR_SECTIONS)}",
                "Mục báo cáo không hợp lệ (I, II.1 … II.6).",
            )
        )
    return errors


def _problems(data: IndicatorData, measures: dict[str, str]) -> list[FieldError]:
    errors = _identity_problems(data.code, data.name, data.section)
    if not data.unit_kinds or set(data.unit_kinds) - set(UnitKind):
        errors.append(
            FieldError(
                "unit_kinds", f"one or more of {', '.join(UnitKind)}", "Chọn loại đơn vị báo cáo hợp lệ."
            )
        )
    return errors + definition_errors(asdict(data), measures)


def indicator_code(text: str) -> str:
    """An indicator's code as stored, however it was typed: "tc01 " is TC01."""
    return identifier(text).upper()


def _clean(data: IndicatorData) -> IndicatorData:
    return IndicatorData(
        **{
            **asdict(data),
            "code": indicator_code(data.code),
            "name": nfc(data.name),
            "denominator": indicator_code(data.denominator),
            "unit_kinds": tuple(dict.fromkeys(data.unit_kinds)),
        }
    )


async def list_indicators(active_only: bool = False) -> list[dict]:
    query = Indicator.select(*FIELDS).order_by(Indicator.position).order_by(Indicator.code)
    if active_only:
        query = query.where(Indicator.active == True)  # noqa: E712
    return await query.output(load_json=True)


async def indicators_by_code(codes: list[str]) -> list[dict]:
    """The named indicators, in the order named (unknown codes left out)."""
    rows = {row["code"]: row for row in await list_indicators()}
    return [rows[code] for code in codes if code in rows]


async def get_indicator(code: str) -> dict:
    row = await Indicator.select(*FIELDS).where(Indicator.code == code).output(load_json=True).first()
    if row is None:
        raise NotFound(f"indicator {code!r} not found", f"Không tìm thấy chỉ tiêu có mã {code}.")
    return row


async def _measures() -> dict[str, str]:
    return {row["code"]: row["measure"] for row in await Indicator.select(Indicator.code, Indicator.measure)}


async def save_indicator(
    actor: Principal, data: IndicatorData, expected_version: int | None = None
) -> tuple[dict, bool]:
    """Create or replace the indicator ``data.code`` names (a PUT's path): the indicator, and
    whether it was created. The code must be the code as stored (``indicator_code``), or it
    names another indicator than the one written ("tc01" would save TC01): refused, with the
    import's own rule for codes. ``expected_version`` (If-Match): the indicator must exist at
    that version (StaleVersion otherwise); None replaces the latest state (or creates)."""
    actor.require(Action.MANAGE_ROUNDS)
    cleaned = _clean(data)
    errors = _problems(cleaned, await _measures() | {cleaned.code: cleaned.measure})
    if cleaned.code != data.code and not any(error.field == "code" for error in errors):
        errors.insert(
            0,
            FieldError(
                "code",
                f"not as stored ({cleaned.code!r})",
                f"Mã chỉ tiêu phải viết đúng như khi lưu: {cleaned.code}.",
            ),
        )
    if errors:
        raise InvalidInput("invalid indicator", errors)
    async with write_transaction(Indicator._meta.db):
        created, _ = await _save([cleaned], expected_version)
        return await get_indicator(cleaned.code), created == 1  # as this write left it


async def put_indicator(actor: Principal, data: IndicatorData, expected_version: int | None = None) -> dict:
    """Create or replace one indicator (by its code as stored): ``save_indicator``."""
    return (await save_indicator(actor, data, expected_version))[0]


async def _save(items: list[IndicatorData], expected_version: int | None = None) -> tuple[int, int]:
    """Upsert by code in one transaction; (created, updated). Each replacement bumps the
    indicator's version; ``expected_version`` (one PUT's If-Match, never the file's) is the
    version the indicator must still have, and an indicator that does not exist has none.

    One writer of the catalogue at a time: the positions of new indicators are read and then
    written, and the versions compared, without another import or PUT in between."""
    created = updated = 0
    async with write_transaction(Indicator._meta.db):
        await one_writer_at_a_time(Indicator, "indicator-catalogue")
        existing = {
            row["code"]: row
            for row in await Indicator.select(
                Indicator.id, Indicator.code, Indicator.position, Indicator.version
            )
        }
        next_position = max((row["position"] for row in existing.values()), default=0) + 1
        for item in items:
            values = {k: v for k, v in asdict(item).items() if k != "position"}
            values["unit_kinds"] = list(item.unit_kinds)
            if (row := existing.get(item.code)) is not None:
                await update_versioned(
                    Indicator,
                    row["id"],
                    {**values, "updated_at": utcnow()},
                    row["version"],
                    expected_version,
                    STALE_INDICATOR,
                )
                updated += 1
            elif expected_version is not None:  # If-Match on an indicator that does not exist
                raise StaleVersion(
                    0, f"Chưa có chỉ tiêu mã {item.code} để cập nhật; vui lòng tải lại và thử lại."
                )
            else:
                position = item.position or next_position
                next_position = max(next_position, position) + 1
                await Indicator.insert(Indicator(**values, position=position, version=1, updated_at=utcnow()))
                created += 1
    return created, updated


async def load_default_catalogue() -> int:
    """Create the shipped default indicators not in the catalogue yet (never changes one the
    department edited); how many were created. The CLI and the demo run it as operator."""
    raw = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))["indicators"]
    items = [
        IndicatorData(**{**row, "unit_kinds": tuple(row["unit_kinds"])}, position=index)
        for index, row in enumerate(raw, start=1)
    ]
    measures = {item.code: item.measure for item in items}
    for item in items:
        if errors := _problems(item, measures):
            raise ValueError(f"default catalogue, {item.code}: {errors}")
    existing = set(await _measures())
    created, _ = await _save([item for item in items if item.code not in existing])
    return created


# --- files --------------------------------------------------------------------------------------


def _flag(text: str) -> bool:
    return fold(text) in ("x", "co", "1", "true")


def _optional_number(cells: dict[str, str], key: str, number: int, errors: list[FieldError]) -> float | None:
    text = cells[key]
    if not text.strip():
        return None
    try:
        return parse_number(text)
    except ValueError:
        label = dict(COLUMNS)[key]
        errors.append(row_error(label, "not a number", f"{label} phải là số.", number, text))
        return None


def _choices(vocabulary: type[LabelledEnum]) -> str:
    """The labels a column accepts, as a message lists them: “Số lượng”, “Tỷ lệ (%)” …"""
    return ", ".join(f"“{member.label}”" for member in vocabulary)


def _parse_row(
    number: int, cells: dict[str, str], measures: dict[str, str]
) -> tuple[IndicatorData | None, list[FieldError]]:
    """One data row as an indicator, or its errors: each names the column by its label and
    quotes the cell as written (row_error), so the person finds it in the file."""
    errors: list[FieldError] = []
    labels = dict(COLUMNS)

    def fail(key: str, reason: str, message: str) -> None:
        errors.append(row_error(labels[key], reason, message, number, cells[key]))

    measure = lookup(Measure, cells["measure"])
    rule = lookup(ConsolidationRule, cells["rule"])
    kinds = [lookup(UnitKind, part) for part in cells["unit_kinds"].split(";") if part.strip()]
    if measure is None:
        fail("measure", "unknown measure", f"Đơn vị tính không hợp lệ; ghi một trong: {_choices(Measure)}.")
    if rule is None:
        fail(
            "rule",
            "unknown rule",
            f"Cách tổng hợp không hợp lệ; ghi một trong: {_choices(ConsolidationRule)}.",
        )
    if None in kinds:
        fail(
            "unit_kinds",
            "unknown unit kind",
            f"Loại đơn vị không hợp lệ; ghi một hoặc nhiều trong: {_choices(UnitKind)}.",
        )
    low = _optional_number(cells, "minimum", number, errors)
    high = _optional_number(cells, "maximum", number, errors)
    if errors:  # the row is not an indicator, but what else is wrong with it is said now too
        code, name = indicator_code(cells["code"]), nfc(cells["name"])
        for problem in _identity_problems(code, name, cells["section"].strip()):
            fail(problem.field, problem.reason, problem.message)
        return None, errors
    item = _clean(
        IndicatorData(
            code=cells["code"],
            name=cells["name"],
            section=cells["section"].strip(),
            measure=measure.value,
            rule=rule.value,
            unit_kinds=tuple(kind.value for kind in kinds),
            denominator=cells["denominator"],
            minimum=low,
            maximum=high,
            integer=_flag(cells["integer"]),
            required=_flag(cells["required"]),
            active=not cells["active"].strip() or _flag(cells["active"]),
            position=number,
        )
    )
    for problem in _problems(item, measures):
        key = problem.field if problem.field in labels else ""
        label = labels.get(key, problem.field)
        errors.append(row_error(label, problem.reason, problem.message, number, cells.get(key, "")))
    return item, errors


async def import_catalogue(actor: Principal, filename: str, content: bytes) -> dict:
    """Create or update indicators from an XLSX/CSV file; any bad row and nothing is written."""
    actor.require(Action.MANAGE_ROUNDS)
    records = await read_records(
        filename, content, COLUMNS, {"code", "name", "section", "measure", "rule", "unit_kinds"}, MAX_ROWS
    )
    measures = await _measures()
    for _, cells in records:
        if (found := lookup(Measure, cells["measure"])) is not None:
            measures[indicator_code(cells["code"])] = found.value
    items = parse_all(records, lambda n, cells: _parse_row(n, cells, measures), "code", dict(COLUMNS)["code"])
    created, updated = await _save(items)
    return {"created": created, "updated": updated}


def _yes(value: bool) -> str:
    return "x" if value else ""


async def export_catalogue() -> bytes:
    """The catalogue as XLSX, in the import's columns (an edited export imports back)."""
    rows = [
        [
            neutralise(row["code"]),
            neutralise(row["name"]),
            row["section"],
            Measure(row["measure"]).label,
            "; ".join(UnitKind(kind).label for kind in row["unit_kinds"]),
            ConsolidationRule(row["rule"]).label,
            row["denominator"],
            row["minimum"],
            row["maximum"],
            _yes(row["integer"]),
            _yes(row["required"]),
            _yes(row["active"]),
        ]
        for row in await list_indicators()
    ]
    return write_workbook("Chỉ tiêu", [label for _, label in COLUMNS], rows)
