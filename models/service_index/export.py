"""The service index as the XLSX table provinces publish: one row per unit by rank, each
indicator's ratio (and points when a maximum is configured), the score and its change, then
the province (or the scope) as the last row; a heading row, the sheet's and the file's names
say the period and, for a unit's index, the unit."""

from __future__ import annotations

import re

from core.tabular import neutralise, write_workbook
from core.text import fold
from models.service_index.indicators import INDICATOR_LABELS, scoring_rules
from models.service_index.service import IndexFigures, ServiceIndex

TITLE = "Bộ chỉ số phục vụ người dân, doanh nghiệp"
NO_DATA = "Không có dữ liệu"
NOT_APPLICABLE = "N/A"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _indicator_cells(figures: IndexFigures, with_points: set[str]) -> list:
    cells: list = []
    for assessment in figures.assessments:
        if assessment.status == "ok":
            cells.append(_rounded(assessment.ratio))
        else:
            cells.append(NO_DATA if assessment.status == "no_data" else NOT_APPLICABLE)
        if assessment.key in with_points:
            cells.append(_rounded(assessment.points))
    return cells


def index_table(index: ServiceIndex) -> tuple[list[str], list[list], set[int]]:
    """(header, rows, columns shown with two decimals) of the published table: the score, its
    change, each indicator's ratio and points, as the page shows them."""
    with_points = {key for key, rule in scoring_rules().items() if rule.maximum is not None}
    header = ["Xếp hạng", "Đơn vị", "Điểm (% điểm tối đa)", "Tăng, giảm so với kỳ trước", "Hồ sơ tiếp nhận"]
    two_decimals = {2, 3}
    for key, label in INDICATOR_LABELS.items():
        two_decimals.add(len(header))
        header.append(f"{label} (%)")
        if key in with_points:
            two_decimals.add(len(header))
            header.append(f"{label}: điểm (tối đa {scoring_rules()[key].maximum:g})")
    header.append("Thời gian giải quyết trung bình (ngày)")

    def row(rank, name: str, figures: IndexFigures, change: float | None) -> list:
        return [
            rank,
            neutralise(name),
            _rounded(figures.score),
            _rounded(change),
            figures.received,
            *_indicator_cells(figures, with_points),
            _rounded(figures.average_handling_days),
        ]

    rows = [row(g.rank, g.key["unit_label"], g.figures, g.change) for g in index.groups]
    rows.append(row(None, "Toàn tỉnh" if index.unit_id is None else "Tổng cộng", index.total, index.change))
    return header, rows, two_decimals


def index_workbook(index: ServiceIndex, unit: dict | None) -> bytes:
    """The table of ``index``; ``unit`` (code, name) is the unit it is for, None for the province.
    The sheet is named by the period as people read it ("Quý II năm 2024 SYT", never the key
    "2024-Q2"), which leaves a unit's code the room Excel's 31 characters allow."""
    header, rows, two_decimals = index_table(index)
    return write_workbook(
        f"{index.period.title} {unit['code']}" if unit else index.period.title,
        header,
        rows,
        percent_columns=two_decimals,
        heading=f"{TITLE} — {index.heading}",
    )


def index_filename(index: ServiceIndex, unit: dict | None) -> str:
    """bo-chi-so-phuc-vu-2024-03.xlsx, or with the unit's code in ASCII letters and digits
    (bo-chi-so-phuc-vu-syt-2024-03.xlsx; the unit's id when its code has none)."""
    if unit is None:
        return f"bo-chi-so-phuc-vu-{index.period.key}.xlsx"
    code = re.sub(r"[^a-z0-9]+", "-", fold(unit["code"])).strip("-") or str(unit["id"])
    return f"bo-chi-so-phuc-vu-{code}-{index.period.key}.xlsx"
