"""Consolidation: the province's figures from the accepted submissions, by each indicator's
rule (models.rounds.rules.consolidate), with the per-unit breakdown, the units still missing
named, and the units' narrative answers; and its XLSX export (units as rows, indicators as
columns)."""

from __future__ import annotations

from core.tabular import neutralise, write_workbook
from core.text import vietnamese_sort_key
from models.rounds import rules
from models.rounds.catalogue import indicators_by_code
from models.rounds.rounds import get_round
from models.rounds.submissions import round_submissions
from models.vocabulary import ConsolidationRule, Measure, SubmissionStatus

PROVINCE_ROW = "Toàn tỉnh (tổng hợp)"


def _asked(indicator: dict, submissions: list[dict]) -> list[dict]:
    return [s for s in submissions if s["unit_kind"] in indicator["unit_kinds"]]


def _total(indicator: dict, accepted: list[dict], by_code: dict[str, dict]) -> rules.Value | None:
    code, denominator = indicator["code"], indicator["denominator"]
    figures = [
        rules.UnitFigure(
            unit_id=s["unit"],
            value=s["figures"][code],
            accepted_order=order,
            weight=s["figures"].get(denominator) if denominator in by_code else None,
        )
        for order, s in enumerate(accepted)
        if s["figures"].get(code) is not None
    ]
    return rules.consolidate(indicator["rule"], indicator["measure"], figures)


async def consolidate_round(round_id: int) -> dict:
    """Every indicator's province figure (None where the rule gives none or no unit reported
    it), how many accepted units gave a figure of how many asked, each unit's figure; the units
    whose submission is not accepted, by name; the accepted units' narrative answers."""
    round_row = await get_round(round_id)
    indicators = await indicators_by_code(round_row["indicator_codes"])
    by_code = {row["code"]: row for row in indicators}
    submissions = sorted(await round_submissions(round_id), key=lambda s: vietnamese_sort_key(s["unit_name"]))
    accepted = sorted(
        (s for s in submissions if s["status"] == SubmissionStatus.ACCEPTED),
        key=lambda s: (s["submitted_at"], s["id"]),
    )
    lines = []
    for indicator in indicators:
        asked = _asked(indicator, submissions)
        value = _total(indicator, accepted, by_code)
        units = [
            {"unit_id": s["unit"], "unit_name": s["unit_name"], "value": s["figures"].get(indicator["code"])}
            for s in asked
            if s["status"] == SubmissionStatus.ACCEPTED
        ]
        lines.append(
            {
                **indicator,
                "value": value,
                "display": rules.display_total(indicator["measure"], indicator["rule"], value),
                "reported": sum(u["value"] is not None for u in units),
                "asked": len(asked),
                "units": units,
            }
        )
    questions = {q["section"]: q["text"] for q in round_row["questions"]}
    narratives = [
        {
            "section": section,
            "question": questions[section],
            "unit_name": s["unit_name"],
            "text": s["answers"][section],
        }
        for section in questions
        for s in sorted(accepted, key=lambda s: vietnamese_sort_key(s["unit_name"]))
        if s["answers"].get(section)
    ]
    missing = [
        {"unit_id": s["unit"], "unit_name": s["unit_name"], "status": s["status"]}
        for s in submissions
        if s["status"] != SubmissionStatus.ACCEPTED
    ]
    return {
        "round": round_row,
        "indicators": lines,
        "accepted": len(accepted),
        "total": len(submissions),
        "missing": missing,
        "narratives": narratives,
        "submissions": submissions,
    }


def _province_cell(indicator: dict):
    if indicator["rule"] == ConsolidationRule.NONE or indicator["value"] is None:
        return None
    if rules.total_is_count(indicator["measure"], indicator["rule"]):
        return float(indicator["value"])
    return rules.sheet_cell(indicator["measure"], indicator["value"])


def _header(indicator: dict) -> str:
    return f"{indicator['code']}. {indicator['name']} ({Measure(indicator['measure']).label})"


async def consolidated_workbook(round_id: int) -> bytes:
    """The consolidated table: one row per unit whose submission was accepted, the province's
    figures last, one column per indicator; a unit not asked an indicator has an empty cell."""
    result = await consolidate_round(round_id)
    indicators = result["indicators"]
    header = ["Đơn vị", "Trạng thái", *(_header(ind) for ind in indicators)]
    rows = [
        [
            neutralise(s["unit_name"]),
            SubmissionStatus(s["status"]).label,
            *(
                rules.sheet_cell(ind["measure"], s["figures"].get(ind["code"]))
                if s["status"] == SubmissionStatus.ACCEPTED
                else None
                for ind in indicators
            ),
        ]
        for s in result["submissions"]
    ]
    rows.append(
        [
            PROVINCE_ROW,
            f"{result['accepted']}/{result['total']} đơn vị đã được tiếp nhận",
            *(_province_cell(ind) for ind in indicators),
        ]
    )
    percent = {index + 2 for index, ind in enumerate(indicators) if ind["measure"] == Measure.PERCENT}
    return write_workbook("Tổng hợp", header, rows, percent)
