"""The rules of reporting rounds, as plain functions (no database): reading a figure a unit
typed, when a figure needs a note, which indicator definitions are coherent, how the province's
figure is made from the units' figures, and who may do what to a submission in which state.

Everything that prints or checks a round's figures calls these; tests pin them at their
boundaries (tests/models/test_round_rules.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from core.errors import FieldError
from core.tabular import neutralise
from core.text import fold, format_int, format_number, nfc
from models.vocabulary import Area, ConsolidationRule, Measure, SubmissionStatus

Value = float | bool | str
MAX_TEXT = 4000
MAX_NOTE = 1000
# A figure differing from last period's by more than this share of the larger of the two asks
# the unit for a note (0 → 5 and 100 → 210 do; 100 → 160 does not).
FAR_RATIO = 0.5
# The largest magnitude a figure may have: 10^15 (một triệu tỷ). No count, share or sum of money
# (in đồng, let alone triệu đồng) a unit of the province reports comes near it, so a larger
# figure is a typing or spreadsheet mistake. It also keeps every figure, and the province's
# sums and averages of hundreds of them, well inside what the printed formats can round: a
# Decimal of 28 significant digits (core.text.rounded) fails above about 10^26, and 1e308 made
# the consolidated table, its export and the report draft answer 500.
MAX_FIGURE = 10**15
YES = ("co", "x", "yes", "true", "1", "dat")
NO = ("khong", "no", "false", "0", "chua")
# "532.950" (dots group thousands), "95,11" (comma before decimals), "1.234,5", "12.5" (a point
# as decimal separator, as a spreadsheet writes it when not followed by exactly three digits).
GROUPED = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
NUMBERS = (Measure.NUMBER, Measure.PERCENT, Measure.MONEY)
RULES_FOR_MEASURE = {
    Measure.NUMBER: {
        ConsolidationRule.SUM,
        ConsolidationRule.AVERAGE,
        ConsolidationRule.LATEST,
        ConsolidationRule.NONE,
    },
    Measure.MONEY: {
        ConsolidationRule.SUM,
        ConsolidationRule.AVERAGE,
        ConsolidationRule.LATEST,
        ConsolidationRule.NONE,
    },
    Measure.PERCENT: {
        ConsolidationRule.AVERAGE,
        ConsolidationRule.WEIGHTED,
        ConsolidationRule.LATEST,
        ConsolidationRule.NONE,
    },
    Measure.YES_NO: {ConsolidationRule.SUM, ConsolidationRule.LATEST, ConsolidationRule.NONE},
    Measure.TEXT: {ConsolidationRule.LATEST, ConsolidationRule.NONE},
}


def parse_number(text: str) -> float:
    """A figure as typed in Vietnamese or by a spreadsheet: "532.950" → 532950, "95,11" → 95.11,
    "12.5" → 12.5, "95,11%" → 95.11; ValueError otherwise."""
    cleaned = text.strip().removesuffix("%").strip().replace(" ", "")
    if GROUPED.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return float(number)


def parse_yes_no(text: str) -> bool:
    key = fold(text).strip()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(text)


def _as_float(raw: int | float) -> float:
    """A JSON number as a float; an integer too large for one (10**400) is infinite, not an
    OverflowError."""
    try:
        return float(raw)
    except OverflowError:
        return math.inf if raw > 0 else -math.inf


def magnitude_error(number: float) -> str | None:
    """Why ``number`` cannot be a report figure at all, whatever the indicator: beyond
    ±MAX_FIGURE (infinity included). A NaN is not a number and is refused before this."""
    if number > MAX_FIGURE:
        return f"Không được lớn hơn {format_int(MAX_FIGURE)}."
    if number < -MAX_FIGURE:
        return f"Không được nhỏ hơn {format_int(-MAX_FIGURE)}."
    return None


def _bounds_error(indicator: Mapping, number: float) -> str | None:
    if math.isinf(number):  # not "Phải là số nguyên." nor the indicator's own bound
        return magnitude_error(number)
    low, high = indicator.get("minimum"), indicator.get("maximum")
    if indicator["measure"] == Measure.PERCENT:
        low = 0.0 if low is None else max(low, 0.0)
        high = 100.0 if high is None else min(high, 100.0)
    if indicator.get("integer") and not float(number).is_integer():
        return "Phải là số nguyên."
    if low is not None and number < low:
        return f"Không được nhỏ hơn {format_number(low)}."
    if high is not None and number > high:
        return f"Không được lớn hơn {format_number(high)}."
    return magnitude_error(number)


def _not_valid(code: str, measure: Measure, raw: object) -> FieldError:
    message = (
        "Chọn Có hoặc Không." if measure is Measure.YES_NO else "Phải là một số (ví dụ 1.250 hoặc 95,5)."
    )
    return FieldError(code, f"not a valid {measure.value}", message, value=str(raw)[:100])


def check_value(indicator: Mapping, raw: object) -> tuple[Value | None, FieldError | None]:
    """A unit's figure for ``indicator`` as stored (None when left empty), or the error naming
    the indicator's code. ``raw`` is what the form, the JSON body or the spreadsheet cell gave
    (a JSON number is taken as it is: 1.234 is not read as "1.234", one thousand two hundred)."""
    code, measure = indicator["code"], Measure(indicator["measure"])
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if measure is Measure.TEXT:
        text = nfc(str(raw))
        if len(text) > MAX_TEXT:
            return None, FieldError(code, f"at most {MAX_TEXT} characters", f"Tối đa {MAX_TEXT} ký tự.")
        return text, None
    if isinstance(raw, bool) and measure is not Measure.YES_NO:
        return None, _not_valid(code, measure, raw)
    try:
        if measure is Measure.YES_NO:
            return parse_yes_no(str(raw)), None
        number = _as_float(raw) if isinstance(raw, int | float) else parse_number(str(raw))
    except ValueError:
        return None, _not_valid(code, measure, raw)
    if math.isnan(number):
        return None, _not_valid(code, measure, raw)
    if problem := _bounds_error(indicator, number):
        return None, FieldError(code, "out of range", problem, value=str(raw)[:100])
    return number, None


def missing_required(indicators: Sequence[Mapping], values: Mapping[str, Value]) -> list[FieldError]:
    """The required figures left empty: a submission cannot be sent without them."""
    return [
        FieldError(ind["code"], "required", "Chưa nhập số liệu; đây là chỉ tiêu bắt buộc.")
        for ind in indicators
        if ind.get("required") and values.get(ind["code"]) is None
    ]


def far_from_previous(value: Value | None, previous: Value | None) -> bool:
    """A figure differing from last period's by more than FAR_RATIO of the larger of the two
    (only numbers are compared; no figure last period, nothing to compare)."""
    numbers = (int, float)
    if not isinstance(value, numbers) or not isinstance(previous, numbers):
        return False
    if isinstance(value, bool) or isinstance(previous, bool):
        return False
    return abs(value - previous) > FAR_RATIO * max(abs(value), abs(previous))


def notes_needed(
    indicators: Sequence[Mapping],
    values: Mapping[str, Value],
    notes: Mapping[str, str],
    previous: Mapping[str, Value],
) -> list[FieldError]:
    """Each figure far from last period's that has no note explaining it."""
    errors = []
    for ind in indicators:
        code = ind["code"]
        if far_from_previous(values.get(code), previous.get(code)) and not (notes.get(code) or "").strip():
            shown = display_value(ind["measure"], previous[code])
            errors.append(
                FieldError(
                    code,
                    "far from last period's figure: a note is needed",
                    f"Số liệu chênh lệch nhiều so với kỳ trước ({shown}): cần ghi chú giải thích.",
                )
            )
    return errors


def definition_errors(indicator: Mapping, codes: Mapping[str, str]) -> list[FieldError]:
    """What is incoherent in an indicator's definition: the rule its measure cannot use, a
    weighted share without a numeric denominator indicator, bounds the wrong way round.
    ``codes`` maps every indicator code of the catalogue to its measure."""
    errors = []
    measure, rule = indicator["measure"], indicator["rule"]
    if measure not in set(Measure):
        errors.append(FieldError("measure", f"one of {', '.join(Measure)}", "Đơn vị tính không hợp lệ."))
    elif rule not in set(ConsolidationRule) or rule not in RULES_FOR_MEASURE[Measure(measure)]:
        errors.append(
            FieldError(
                "rule",
                "not a rule this measure can use",
                "Cách tổng hợp không dùng được cho đơn vị tính này.",
            )
        )
    denominator = indicator.get("denominator") or ""
    if rule == ConsolidationRule.WEIGHTED:
        if codes.get(denominator) not in (Measure.NUMBER, Measure.MONEY) or denominator == indicator["code"]:
            errors.append(
                FieldError(
                    "denominator",
                    "a weighted share needs another numeric indicator as its weight",
                    "Tỷ lệ bình quân gia quyền cần chỉ tiêu mẫu số (một chỉ tiêu số lượng khác).",
                )
            )
    elif denominator:
        errors.append(
            FieldError(
                "denominator", "only a weighted share has one", "Chỉ tỷ lệ bình quân gia quyền có mẫu số."
            )
        )
    low, high = indicator.get("minimum"), indicator.get("maximum")
    for key, bound in (("minimum", low), ("maximum", high)):
        if bound is not None and (math.isnan(bound) or magnitude_error(bound)):
            errors.append(
                FieldError(
                    key,
                    f"a figure of magnitude at most {MAX_FIGURE}",
                    f"Phải là số từ {format_int(-MAX_FIGURE)} đến {format_int(MAX_FIGURE)}.",
                )
            )
    if low is not None and high is not None and low > high:
        errors.append(
            FieldError("maximum", "below the minimum", "Giá trị lớn nhất nhỏ hơn giá trị nhỏ nhất.")
        )
    return errors


# --- consolidation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigure:
    """One accepted submission's figure for an indicator."""

    unit_id: int
    value: Value
    accepted_order: int  # later acceptances have larger numbers (for the "latest" rule)
    weight: float | None = None  # the denominator indicator's figure of the same unit (weighted)


def consolidate(rule: str, measure: str, figures: Sequence[UnitFigure]) -> Value | None:
    """The province's figure from the units' accepted figures; None when the rule gives none
    (no figure, the "none" rule, a weighted share whose weights add up to nothing)."""
    if not figures or rule == ConsolidationRule.NONE:
        return None
    if rule == ConsolidationRule.LATEST:
        return max(figures, key=lambda f: f.accepted_order).value
    if measure == Measure.YES_NO:  # SUM: how many units answered yes
        return float(sum(1 for f in figures if f.value is True))
    numbers = [float(f.value) for f in figures]
    if rule == ConsolidationRule.SUM:
        return sum(numbers)
    if rule == ConsolidationRule.AVERAGE:
        return sum(numbers) / len(numbers)
    weighted = [(float(f.value), f.weight) for f in figures if f.weight is not None and f.weight > 0]
    total = sum(weight for _, weight in weighted)
    return sum(value * weight for value, weight in weighted) / total if total else None


def display_value(measure: str, value: Value | None) -> str:
    """A figure as the pages print it: 532.950; 95,11%; 1.234,5 (triệu đồng); Có/Không."""
    if value is None:
        return "—"
    if measure == Measure.YES_NO:
        return "Có" if value else "Không"
    if measure == Measure.TEXT:
        return str(value)
    if measure == Measure.PERCENT:
        return f"{format_number(float(value), 2)}%"
    number = float(value)
    return format_int(int(number)) if number.is_integer() else format_number(number, 2)


def sheet_cell(measure: str, value: Value | None):
    """A figure as a spreadsheet cell: numbers as numbers, yes/no as Có/Không, text as text
    (neutralised: a cell never starts a formula)."""
    if value is None:
        return None
    if measure == Measure.YES_NO:
        return "Có" if value else "Không"
    if measure == Measure.TEXT:
        return neutralise(str(value))
    return float(value)


def display_total(measure: str, rule: str, value: Value | None) -> str:
    """A province figure as printed: a yes/no indicator summed is the count of units saying yes."""
    if measure == Measure.YES_NO and rule == ConsolidationRule.SUM and value is not None:
        return f"{format_int(int(value))} đơn vị"
    return display_value(measure, value)


def total_is_count(measure: str, rule: str) -> bool:
    """Whether the province figure counts the units that answered yes (not a yes/no itself)."""
    return measure == Measure.YES_NO and rule == ConsolidationRule.SUM


# --- who may do what, when --------------------------------------------------------------------------

UNIT_EDITABLE = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.RETURNED})


def unit_may_edit(status: str) -> bool:
    """A unit changes its submission only while it is a draft or returned to it."""
    return status in UNIT_EDITABLE


def reviewable(status: str) -> bool:
    """Staff accept or return only what was submitted."""
    return status == SubmissionStatus.SUBMITTED


def is_late(deadline: date, first_submitted_on: date | None, today: date) -> bool:
    """Not submitted by the end of the deadline day: still never sent after it, or first sent
    after it."""
    if first_submitted_on is None:
        return today > deadline
    return first_submitted_on > deadline


def counts_as_submitted(status: str) -> bool:
    """Sent and not returned: what "38/45 đơn vị đã nộp" counts."""
    return status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)


REMINDER_DAYS = (1, 3)  # a unit yet to send gets one reminder when the deadline is this close
LATE_REMINDER_EVERY = 7  # after the deadline: one reminder a week


def reminder_for(deadline: date, today: date) -> tuple[str, str] | None:
    """The notice a unit yet to send gets today, and the key that makes it once: due within 3
    days, within 1 day, then one a week after the deadline; None otherwise."""
    days_left = (deadline - today).days
    if days_left < 0:
        return "round_overdue", f"week-{(-days_left - 1) // LATE_REMINDER_EVERY}"
    step = next((days for days in REMINDER_DAYS if days_left <= days), None)
    return None if step is None else (f"round_due_in_{step}", "")


def completeness_label(submitted: int, total: int) -> str:
    """The round's figure at a glance: "38/45 đơn vị đã nộp"."""
    return f"{format_int(submitted)}/{format_int(total)} đơn vị đã nộp"


# --- the report sections a round asks about ---------------------------------------------------------

# The outline keys of reports.outline that indicators belong to, with their reform area.
INDICATOR_SECTIONS = {
    "I": Area.LEADERSHIP,
    "II.1": Area.INSTITUTIONS,
    "II.2": Area.PROCEDURES,
    "II.3": Area.ORGANISATION,
    "II.4": Area.CIVIL_SERVICE,
    "II.5": Area.PUBLIC_FINANCE,
    "II.6": Area.DIGITAL_GOVERNMENT,
}
# The outline keys a narrative question may be asked for, and the default questions.
QUESTION_SECTIONS = (*INDICATOR_SECTIONS, "III.strengths", "III.limitations", "IV", "V")
DEFAULT_QUESTIONS = (
    ("I", "Kết quả nổi bật trong công tác chỉ đạo, điều hành cải cách hành chính"),
    *(
        (key, f"Kết quả nổi bật về {area.label[0].lower()}{area.label[1:]}")
        for key, area in list(INDICATOR_SECTIONS.items())[1:]
    ),
    ("III.limitations", "Khó khăn, vướng mắc"),
    ("V", "Đề xuất, kiến nghị"),
)
