"""The issue's figures at the demo's full scale, on SQLite and PostgreSQL (``make check``).

test_demo_reports holds the wording to approved texts at 1/100 of the demo; here the real
demo years are imported through the dossier import (1,080,950 dossiers for 2023, 1,191,036 for
2020) and the generated report must state what the province reported: by 30 June 2023 24/32
tasks, 532.950 dossiers received, 506.890 resolved, 95,11%; for 2020 a Biểu 06 appendix whose
level subtotals and province total reconcile exactly with the seed figures.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from demo.dossiers import demo_windows, generate_demo_dossiers, target_totals
from demo.loader import load_demo
from models.dossiers.ingest import import_file
from reports.collect import collect_report
from reports.document import compose
from reports.periods import Calendar, PeriodKind, period_for
from reports.render import render_report
from tests.reports.docx_read import as_text
from tests.reports.test_demo_reports import CALENDAR, format_count

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def import_demo_year(year: int) -> None:
    await load_demo()
    folder = Path(os.environ["DATA_DIR"]) / "demo-dossiers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"ho-so-{year}-full.csv"
    try:
        await generate_demo_dossiers(path, year, 1.0)
        result = await import_file(path)
    finally:
        path.unlink(missing_ok=True)
    assert result.rows_rejected == 0


async def report(kind: PeriodKind, year: int):
    period = period_for(kind, year, Calendar.CALENDAR)
    data = await collect_report(period, CALENDAR)
    return period, data, as_text(render_report(data, compose(data), None))


async def test_the_2023_half_year_report_states_the_provinces_figures(db):
    await import_demo_year(2023)
    period, data, text = await report(PeriodKind.HALF_YEAR, 2023)

    assert "Tính đến ngày 30 tháng 6 năm 2023, đã hoàn thành 24/32 nhiệm vụ" in text
    assert "Tổng số hồ sơ tiếp nhận giải quyết trong kỳ: 532.950 hồ sơ" in text
    assert "Đã giải quyết 506.890 hồ sơ, đạt 95,11% số hồ sơ tiếp nhận giải quyết" in text
    # Every index result quoted was published by the cut-off (one without a date counts as
    # published at the end of the year after the one it scores), and none is 2023's.
    assert data.indices
    for line in data.indices:
        assert (line.published_on or date(line.year + 1, 12, 31)) <= period.end, line
    assert not re.search(r"(PAR INDEX|SIPAS|PAPI)\) năm 2023", text)


def biểu_06_rows(text: str) -> list[list[str]]:
    """The Biểu 06 rows, from the first level row to the province total, as cell lists."""
    lines = text.split("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")[1].splitlines()
    first = next(at for at, line in enumerate(lines) if line.startswith("I | "))
    last = next(at for at, line in enumerate(lines) if "Tổng cộng toàn tỉnh" in line)
    return [line.split(" | ") for line in lines[first : last + 1]]


def counts(cells: list[str]) -> list[int]:
    return [int(cell.replace(".", "")) for cell in cells[2:]]


def column_sums(rows: list[list[str]]) -> list[int]:
    return [sum(column) for column in zip(*(counts(row) for row in rows), strict=True)]


async def test_the_2020_annual_reports_biểu_06_reconciles_exactly(db):
    await import_demo_year(2020)
    _, _, text = await report(PeriodKind.ANNUAL, 2020)

    rows = biểu_06_rows(text)
    *body, total = rows
    levels = [at for at, row in enumerate(body) if re.fullmatch(r"[IVX]+", row[0])]
    assert len(levels) == 3  # cấp tỉnh, cấp huyện, cấp xã
    for at, start in enumerate(levels):
        end = levels[at + 1] if at + 1 < len(levels) else len(body)
        assert counts(body[start]) == column_sums(body[start + 1 : end]), body[start][1]
    assert counts(total) == column_sums([body[at] for at in levels])

    seed = target_totals(1.0, demo_windows(2020)[0])
    received, online, direct, carried, resolved, early, on_time, late, in_progress, within, overdue, rest = (
        counts(total)
    )
    assert (received, carried) == (seed["received"], 0) and online + direct == received
    assert (early, on_time, late) == (seed["early"], seed["on_time"], seed["late"])
    assert resolved == early + on_time + late == 1_126_219
    assert in_progress == within + overdue == seed["open"]
    assert rest == seed["returned"] + seed["withdrawn"]
    assert received == resolved + in_progress + rest  # 1.191.036 = 1.126.219 + 32.408 + 32.409
    balance = f"Cân đối số liệu: số hồ sơ nhận giải quyết ({format_count(received)}) = đã giải quyết"
    assert balance in text and "chưa cân đối" not in text
