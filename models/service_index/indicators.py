"""The Decision 766 service-index indicators (Bộ chỉ số phục vụ người dân, doanh nghiệp) that
dossier and catalogue data support, and how each is scored.

Each dossier indicator is a ratio over the dossiers received in a period, judged at the
period's end (FORMATS.md): ``applies`` says which dossiers its denominator counts (those whose
fields are known), ``meets`` which of those count for it, ``unknown`` which it would apply to but
whose source did not say. The conditions are SQL over ``dossier d`` (``:end``: the period's last
day); the row count (models.service_index.service, the reference), the monthly tally
(models.dossiers.service_tally) and the drill-down to the dossiers that lost points all build
on them, so each rule exists once.

Scoring is data (scoring.json beside this module, with the source of each figure): the ratio
at which an indicator earns full marks, and its maximum points where one is known.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from core.text import format_date_long
from models.vocabulary import Channel, DossierOutcome

SCORING_FILE = Path(__file__).with_name("scoring.json")
# Decision 766/QĐ-TTg was signed on 23 June 2022: a report of a period that ended before it
# cannot quote its indicators (the page still computes them for any month, for comparison).
DECISION_SIGNED = date(2022, 6, 23)
# The average handling time, in days, is printed with this many decimals everywhere ("7,0").
HANDLING_DAYS_DECIMALS = 1
# As a sentence cites it (dates in running text are written out: "ngày 23 tháng 6 năm 2022").
DECISION_REFERENCE = f"Quyết định số 766/QĐ-TTg {format_date_long(DECISION_SIGNED)} của Thủ tướng Chính phủ"

CLOSED_BY_END = "(d.closed_on IS NOT NULL AND d.closed_on <= :end)"
OPEN_AT_END = "(d.closed_on IS NULL OR d.closed_on > :end)"
RESOLVED = f"d.outcome = '{DossierOutcome.RESOLVED}'"
# On time (FORMATS.md): finished by the appointment (supplement time deducted,
# records.service_timing), or still open at the end with the appointment not passed; asked to
# supplement more than once: late either way.
ON_TIME_WHEN_CLOSED = "d.service_on_time = true"
SUPPLEMENTED_TWICE = "COALESCE(d.supplement_requests, 0) >= 2"
APPOINTMENT_PASSED = "(d.service_due_on IS NOT NULL AND d.service_due_on <= :end)"


@dataclass(frozen=True)
class Indicator:
    """A ratio over received dossiers (``resolved``: over those resolved by the period's end).
    The conditions read one dossier's own fields, whatever the period."""

    key: str
    label: str  # as the national portal names it
    lost: str  # what a dossier that lost points for it is, for the drill-down
    applies: str
    meets: str
    unknown: str | None = None  # None: the fields it reads are always known
    resolved: bool = False

    def at_end(self, condition: str) -> str:
        """``condition`` for a period (``:end`` its last day): gated by a result by then."""
        return f"({RESOLVED} AND {CLOSED_BY_END} AND {condition})" if self.resolved else condition


ON_TIME = Indicator(
    "on_time",
    "Tỷ lệ hồ sơ giải quyết đúng hạn",
    "Hồ sơ quá hạn (kể cả hồ sơ yêu cầu bổ sung quá một lần)",
    "true",
    f"(({CLOSED_BY_END} AND {ON_TIME_WHEN_CLOSED}) OR ({OPEN_AT_END} AND NOT {SUPPLEMENTED_TWICE}"
    f" AND NOT {APPOINTMENT_PASSED}))",
)
DOSSIER_INDICATORS = (
    ON_TIME,
    Indicator(
        "online_submission",
        "Tỷ lệ hồ sơ nộp trực tuyến",
        "Hồ sơ không nộp trực tuyến",
        "true",
        f"d.channel = '{Channel.ONLINE}'",
    ),
    Indicator(
        "online_payment",
        "Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến",
        "Hồ sơ có phí, lệ phí không thanh toán trực tuyến",
        "(d.fee_bearing = true AND d.paid_online IS NOT NULL)",
        "d.paid_online = true",
        "(d.fee_bearing IS NULL OR (d.fee_bearing = true AND d.paid_online IS NULL))",
    ),
    Indicator(
        "electronic_result",
        "Tỷ lệ hồ sơ được trả kết quả điện tử",
        "Hồ sơ đã giải quyết không trả kết quả điện tử",
        "d.electronic_result IS NOT NULL",
        "d.electronic_result = true",
        "d.electronic_result IS NULL",
        resolved=True,
    ),
    Indicator(
        "digitised",
        "Tỷ lệ số hóa hồ sơ, kết quả giải quyết",
        "Hồ sơ đã giải quyết chưa được số hóa hồ sơ và kết quả",
        "(d.digitised IS NOT NULL AND d.electronic_result IS NOT NULL)",
        "(d.digitised = true AND d.electronic_result = true)",
        "(d.digitised IS NULL OR d.electronic_result IS NULL)",
        resolved=True,
    ),
    Indicator(
        "reused_data",
        "Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa",
        "Hồ sơ không tái sử dụng dữ liệu số hóa",
        "d.reused_data IS NOT NULL",
        "d.reused_data = true",
        "d.reused_data IS NULL",
    ),
)
PROCEDURES_ONLINE = "procedures_online"
INDICATOR_LABELS = {
    "on_time": ON_TIME.label,
    PROCEDURES_ONLINE: "Tỷ lệ thủ tục cung cấp dịch vụ công trực tuyến (một phần, toàn trình)",
    **{indicator.key: indicator.label for indicator in DOSSIER_INDICATORS[1:]},
}  # in the portal's order: group 2, then 3, then 4
SHORT_LABELS = {  # column headers of the ranking
    "on_time": "Đúng hạn",
    PROCEDURES_ONLINE: "Thủ tục trực tuyến",
    "online_submission": "Nộp trực tuyến",
    "online_payment": "Thanh toán trực tuyến",
    "electronic_result": "Kết quả điện tử",
    "digitised": "Số hóa",
    "reused_data": "Tái sử dụng dữ liệu",
}
BY_KEY = {indicator.key: indicator for indicator in DOSSIER_INDICATORS}
HANDLING_TIME_LABEL = "Thời gian giải quyết trung bình"


@dataclass(frozen=True)
class Rule:
    """How one indicator is scored (scoring.json)."""

    group: int
    full_marks_at: float | None  # percent; None: full marks only at 100%
    maximum: float | None  # points; None: not known, no points printed
    source: str


@cache
def scoring_rules() -> dict[str, Rule]:
    data = json.loads(SCORING_FILE.read_text(encoding="utf-8"))["indicators"]
    rules = {key: Rule(**data[key]) for key in INDICATOR_LABELS}
    for key, rule in rules.items():
        if rule.full_marks_at is not None and not 0 < rule.full_marks_at <= 100:
            raise ValueError(f"scoring.json: {key}.full_marks_at must be in (0, 100]")
        if rule.maximum is not None and rule.maximum < 0:
            raise ValueError(f"scoring.json: {key}.maximum must not be negative")
    return rules


Status = Literal["ok", "no_data", "not_applicable"]


@dataclass(frozen=True)
class Assessment:
    """One indicator's result for one group in one period."""

    key: str
    numerator: int
    denominator: int
    unknown: int  # dossiers it applies to whose source did not give the fields it reads
    status: Status  # no_data: nothing to count and fields missing; not_applicable: nothing to count
    ratio: float | None  # percent
    achievement: float | None  # percent of full marks (the ratio against its threshold, at most 100)
    full_marks: bool | None
    points: float | None
    maximum: float | None

    @property
    def label(self) -> str:
        return INDICATOR_LABELS[self.key]


def ratio(numerator: int, denominator: int) -> float | None:
    """In percent; a zero denominator has no ratio (N/A), never 0%."""
    return 100 * numerator / denominator if denominator else None


def achievement(rate: float, full_marks_at: float | None) -> float:
    """The share of full marks a ratio earns: full at or above the threshold, in proportion
    below it (rate × maximum ÷ threshold)."""
    threshold = full_marks_at or 100.0
    return 100.0 if rate >= threshold else 100 * rate / threshold


def assess(key: str, numerator: int, denominator: int, unknown: int, rule: Rule) -> Assessment:
    rate = ratio(numerator, denominator)
    if rate is None:
        status: Status = "no_data" if unknown else "not_applicable"
        return Assessment(key, numerator, 0, unknown, status, None, None, None, None, rule.maximum)
    earned = achievement(rate, rule.full_marks_at)
    points = None if rule.maximum is None else rule.maximum * earned / 100
    return Assessment(
        key, numerator, denominator, unknown, "ok", rate, earned, earned >= 100, points, rule.maximum
    )


def overall_score(assessments: list[Assessment]) -> float | None:
    """The mean achievement of the indicators that have a ratio, each weighing the same (the
    maxima are not all known); None when none has one. Units are ranked by it."""
    earned = [a.achievement for a in assessments if a.achievement is not None]
    return sum(earned) / len(earned) if earned else None


def total_points(assessments: list[Assessment]) -> float | None:
    """The points earned, when every indicator with a ratio has a configured maximum."""
    scored = [a for a in assessments if a.ratio is not None]
    if not scored or any(a.points is None for a in scored):
        return None
    return sum(a.points for a in scored)


def reported_for(period_end: date) -> bool:
    """Whether a report of the period ending on ``period_end`` quotes the index (DECISION_SIGNED)."""
    return period_end >= DECISION_SIGNED
