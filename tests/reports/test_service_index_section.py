"""Area 2 of the report quotes the Decision 766 indicators of the period and the weakest units,
and says plainly which indicators the data cannot give."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from core.settings import get_settings
from models.dossiers.ingest import ingest_records
from models.service_index.indicators import reported_for
from reports.collect import collect_report
from reports.document import compose
from reports.drafts import STAFF, Item, apply_draft
from reports.periods import Calendar, PeriodKind, period_for
from tests.dossier_data import build_catalogue, dossier
from tests.models.test_service_index import SAMPLE
from tests.world import build_world

pytestmark = pytest.mark.anyio
CALENDAR = dataclasses.replace(get_settings().report, calendar=Calendar.CALENDAR.value)
Q1 = period_for(PeriodKind.QUARTER, 2024, Calendar.CALENDAR, 1)


@pytest.fixture
async def world(db):
    world = await build_world()
    await build_catalogue(world)
    return world


def paragraphs(data) -> dict[str, str]:
    area = next(section for section in compose(data) if section.key == "II.2")
    return {p.key: p.text for p in area.paragraphs if ".service_index" in p.key}


async def push(world, rows) -> None:
    await ingest_records(world.admin, [{k: v or None for k, v in row.items()} for row in rows])


async def test_the_section_quotes_the_figures_and_the_weakest_units(world):
    await push(world, SAMPLE)
    data = await collect_report(Q1, CALENDAR)
    text = paragraphs(data)
    assert list(text) == ["II.2.service_index", "II.2.service_index.weakest"]
    quoted = text["II.2.service_index"]
    assert "Quyết định số 766/QĐ-TTg" in quoted
    assert (
        "tỷ lệ hồ sơ giải quyết đúng hạn 50,00%" in quoted
    )  # A1, A3, A5 (open, within its deadline), F1 of 8
    assert "tỷ lệ hồ sơ nộp trực tuyến 75,00%" in quoted
    assert "tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa 50,00% (trên 2 hồ sơ có dữ liệu)" in quoted
    assert quoted.endswith(".") and "ngày/hồ sơ" in quoted
    weakest = text["II.2.service_index.weakest"]
    assert weakest.startswith(
        "Các đơn vị có mức đạt bình quân các chỉ số thấp nhất trong 2 đơn vị (mức đạt của một chỉ số là "
        "tỷ lệ so với ngưỡng đạt điểm tối đa, không quá 100%; xếp theo bình quân các chỉ số có dữ liệu): "
        "Sở Y tế"
    )  # the measure is the app's (no maximum points configured), so the sentence defines it


async def test_fields_absent_are_said_to_have_no_data(world):
    await push(world, [dossier("O1"), dossier("O2", unit="SYT")])
    text = paragraphs(await collect_report(Q1, CALENDAR))
    gaps = text["II.2.service_index.gaps"]
    assert gaps.startswith("Không có dữ liệu để tính tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến,")
    assert "tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa (dữ liệu hồ sơ chưa có các thông tin này)." in gaps
    assert " 0,00%" not in text["II.2.service_index"]  # a missing figure is never 0


async def test_no_section_without_dossiers(world):
    data = await collect_report(Q1, CALENDAR)
    assert data.service_index is None and paragraphs(data) == {}


# A staff paragraph quoting a service-index ratio: flagged unless it agrees with the sentence.
CONTRADICTION_CASES = [
    ("Tỷ lệ hồ sơ nộp trực tuyến đạt 80%.", 1),  # the system holds 75,00%
    ("Tỷ lệ hồ sơ nộp trực tuyến đạt 75%.", 0),  # rounded, agrees
    ("Tỷ lệ tái sử dụng dữ liệu số hóa đạt 60,00%.", 1),  # 50,00%
    ("Tỷ lệ tái sử dụng dữ liệu số hóa đạt 50,00%.", 0),
    ("Tổ chức 3 đoàn kiểm tra tại 15 đơn vị.", 0),  # other words: not a figure
]


@pytest.mark.parametrize(("text", "flagged"), CONTRADICTION_CASES)
async def test_a_staff_paragraph_contradicting_a_service_index_ratio_is_flagged(world, text, flagged):
    await push(world, SAMPLE)
    composed = compose(await collect_report(Q1, CALENDAR))
    _, warnings = apply_draft(composed, {"II.2": (Item(STAFF, "staff:a", text),)})
    assert [w.kind for w in warnings if w.paragraph_key == "staff:a"] == ["contradiction"] * flagged


@pytest.mark.parametrize(
    "period_end, quoted",
    [
        (date(2020, 12, 31), False),
        (date(2022, 6, 14), False),  # the half-year of Decree 09 that ends before the Decision
        (date(2022, 6, 22), False),
        (date(2022, 6, 23), True),  # the day it was signed
        (date(2022, 6, 30), True),
        (date(2024, 3, 31), True),
    ],
)
async def test_a_report_quotes_the_index_only_for_a_period_ending_once_the_decision_was_signed(
    period_end, quoted
):
    assert reported_for(period_end) is quoted
