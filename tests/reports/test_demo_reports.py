"""The demo's reports, end to end on both engines: approved texts, the issue's figures, the PDF.

Approval: each demo report's full text and table cells are compared with a reviewed file under
tests/reports/approved/, so any wording or figure change shows as a diff in review. To
re-approve after a deliberate change, run

    APPROVE=1 .venv/bin/python -m pytest -q -k sqlite tests/reports/test_demo_reports.py

read the diff (``git diff tests/reports/approved``) and commit it with the change. The demo is
loaded at DOSSIER_SCALE (figures are the seed's times the scale, exact); the seed's own 2023
figures (532.950 / 506.890 / 95,11%) at scale 1 are pinned in test_render_content.

The PDF (LibreOffice): the page holding "Nơi nhận" also holds every recipient and the signer's
authority, no table row is split across pages, and the page count is the approved one.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.settings import get_settings
from demo.dossiers import demo_windows, generate_demo_dossiers, target_totals
from demo.loader import load_demo
from models.dossiers.ingest import import_file
from reports import wording
from reports.collect import collect_report
from reports.document import compose
from reports.pdf import convert_to_pdf, libreoffice
from reports.periods import Calendar, PeriodKind, period_for
from reports.render import render_report
from tests.reports.docx_read import as_text, load

pytestmark = pytest.mark.anyio
APPROVED = Path(__file__).parent / "approved"
DOSSIER_SCALE = 0.01
CALENDAR = dataclasses.replace(get_settings().report, calendar=Calendar.CALENDAR.value)
REPORTS = {
    "2023-H1": period_for(PeriodKind.HALF_YEAR, 2023, Calendar.CALENDAR),
    "2023-Y": period_for(PeriodKind.ANNUAL, 2023, Calendar.CALENDAR),
    "2020-Y": period_for(PeriodKind.ANNUAL, 2020, Calendar.CALENDAR),
    "2021-Y": period_for(PeriodKind.ANNUAL, 2021, Calendar.CALENDAR),  # no dossier data
    # after the reorganisation: no district procedure; index results older than expected
    "2025-H1": period_for(PeriodKind.HALF_YEAR, 2025, Calendar.CALENDAR),
    "2025-Y": period_for(PeriodKind.ANNUAL, 2025, Calendar.CALENDAR),
}


@pytest.fixture
async def demo_reports(db) -> dict[str, bytes]:
    await load_demo()
    folder = Path(os.environ["DATA_DIR"]) / "demo-dossiers"
    folder.mkdir(parents=True, exist_ok=True)
    for year in (2020, 2023):
        path = folder / f"ho-so-{year}.csv"
        await generate_demo_dossiers(path, year, DOSSIER_SCALE)
        assert (await import_file(path)).rows_rejected == 0
        path.unlink()
    reports = {}
    for name, period in REPORTS.items():
        data = await collect_report(period, CALENDAR)
        reports[name] = render_report(data, compose(data), None)
    return reports


def approve_or_compare(name: str, text: str) -> None:
    path = APPROVED / name
    if os.environ.get("APPROVE"):
        APPROVED.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no approved {name}: run with APPROVE=1 and review the file"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the approved text"


async def test_demo_reports_match_their_approved_texts_and_the_issues_figures(demo_reports):
    texts = {name: as_text(docx) for name, docx in demo_reports.items()}
    for name, text in texts.items():
        approve_or_compare(f"{name}.txt", text)

    half = texts["2023-H1"]
    first_half = target_totals(DOSSIER_SCALE, demo_windows(2023)[0])
    resolved = first_half["early"] + first_half["on_time"] + first_half["late"]
    assert "24/32 nhiệm vụ" in half
    assert (
        f"Tổng số hồ sơ tiếp nhận giải quyết trong kỳ: {format_count(first_half['received'])} hồ sơ" in half
    )
    assert f"Đã giải quyết {format_count(resolved)} hồ sơ" in half
    # Only index results published by 30/6/2023: the 2022 ones, never 2023's or an assumption.
    assert "(PAR INDEX) năm 2022 (công bố ngày 19 tháng 4 năm 2023)" in half
    assert not re.search(r"(PAR INDEX|SIPAS)\) năm 202[34]", half)
    # The 2020 dossiers left open for years are a warning to staff, not a carried-over figure.
    assert "vẫn ghi nhận đang giải quyết trên hệ thống" in half and "từ kỳ trước chuyển sang" not in half

    annual_2020 = texts["2020-Y"]
    balance = next(line for line in annual_2020.splitlines() if line.startswith("Cân đối số liệu"))
    assert balance.endswith(")."), balance  # balanced: no "chưa cân đối"
    assert "Tổng cộng toàn tỉnh" in annual_2020

    no_data = texts["2021-Y"]
    assert wording.no_dossiers() in no_data
    body = no_data.split("Phụ lục I")[0]
    printed = [line for line in body.splitlines() if not line.startswith("[")]
    assert not [line for line in printed if re.search(r"\d hồ sơ", line)]


def format_count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@pytest.mark.skipif(libreoffice() is None or shutil.which("pdftotext") is None, reason="needs LibreOffice")
async def test_demo_reports_print_with_the_signature_together_and_no_row_split(
    demo_reports, tmp_path, engine_name
):
    if engine_name != "sqlite":
        pytest.skip("the file is the same on both engines (the approval test holds them to one text)")
    for name, docx in demo_reports.items():
        source = tmp_path / f"{name}.docx"
        source.write_bytes(docx)
        pages = pdf_pages(convert_to_pdf(source, tmp_path))
        approve_or_compare(f"{name}.pages", f"{len(pages)}\n")
        signed = [page for page in pages if "Nơi nhận:" in page]
        assert len(signed) == 1, name
        recipients = [line.removeprefix("- ") for line in wording.recipient_lines(demo_issuer())]
        for expected in [*recipients, *demo_issuer().signer_authority]:
            assert squash(expected) in squash(signed[0]), (name, expected)
        for row in table_rows(docx):
            assert any(in_order(words(row), words(page)) for page in pages), (name, row)


def demo_issuer():
    from reports.issuers import issuer_profiles

    return issuer_profiles(CALENDAR)["department"]


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def words(text: str) -> list[str]:
    """The words of a text (pdftotext drops a dash at the end of a line, as a hyphenation)."""
    return [word for word in text.split() if any(char.isalnum() for char in word)]


def in_order(row: list[str], page: list[str]) -> bool:
    """The row's words appear on the page in this order (other cells of the row may come between)."""
    remaining = iter(page)
    return all(word in remaining for word in row)


def table_rows(docx: bytes) -> list[str]:
    """The longest cell of each appendix table row: it must print whole on one page."""
    document = load(docx)
    longest = []
    for table in document.tables[2:]:  # after the letterhead and the signature: the appendices
        for row in table.rows:
            texts = [cell.text for cell in row.cells]
            longest.append(max(texts, key=len))
    return [text for text in longest if len(text) > 20]
