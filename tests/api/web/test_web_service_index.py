"""The service-index page: the province's indicators (missing data said plainly), the units
ranked with a link to each one's dossiers that lost points, the trend, bad input in place."""

from __future__ import annotations

import re

import pytest

from api.web.service_index import NOT_A_PERIOD, change_words, trend_bars
from core import clock
from models.dossiers.ingest import ingest_records
from models.service_index.service import IndexFigures, IndexPeriod
from models.units.service import UnitData, create_unit_unchecked
from tests.dossier_data import build_catalogue
from tests.models.test_service_index import SAMPLE

pytestmark = pytest.mark.anyio


@pytest.fixture
async def sample(world):
    await build_catalogue(world)
    await ingest_records(world.admin, [{k: v or None for k, v in row.items()} for row in SAMPLE])


async def test_the_page_ranks_units_and_links_to_the_dossiers_that_lost_points(browser, world, sample):
    await browser.sign_in_as("viewer")
    response = await browser.get("/service-index?period=2024-03")
    page = response.text
    assert response.status_code == 200
    assert "Tháng 3 năm 2024: toàn tỉnh" in page
    assert "<strong>7</strong> hồ sơ tiếp nhận trong kỳ" in page
    assert "42,86%" in page  # on time: 3 of 7
    assert "▲ tăng" in page or "▼ giảm" in page  # Sở Tư pháp had dossiers in February
    every_figure_has_two_decimals(page)
    assert "Không có dữ liệu" in page  # Sở Y tế's dossiers say nothing of re-used data
    assert "Xếp hạng đơn vị" in page and page.index("Sở Tư pháp") < page.index("Sở Y tế")
    assert "Tháng 1 năm 2024" in page and "không có dữ liệu" in page  # the trend: no dossiers in January
    assert "/api/service-index/export?period=2024-03" in page
    link = f"/service-index/dossiers?period=2024-03&amp;indicator=on_time&amp;unit_id={world.unit_b}"
    assert link in page
    lost = (await browser.get(link.replace("&amp;", "&"))).text
    assert "Hồ sơ bị trừ điểm: tỷ lệ hồ sơ giải quyết đúng hạn" in lost
    assert "Sở Y tế, tháng 3 năm 2024 (2)" in lost and "A6" in lost and "A7" in lost and "A1" not in lost


async def test_a_quarter_is_named_in_words_never_by_its_key(browser, sample):
    """The period is named as everywhere else ("quý I năm 2024", Roman numerals); its key stays
    in the addresses and the field's value only."""
    await browser.sign_in_as("viewer")
    page = (await browser.get("/service-index?period=2024-Q1")).text
    assert "Quý I năm 2024: toàn tỉnh" in page
    assert "quý IV năm 2023" in page  # the comparison with the previous quarter
    assert "Tháng 1 năm 2024" in page and "Tháng 3 năm 2024" in page  # the trend's months
    assert 'value="2024-Q1"' in page and "period=2024-Q1" in page
    visible = re.sub(r"<[^>]*>", " ", page)
    assert "2024-Q1" not in visible and "2023-Q4" not in visible and "Quý 1" not in visible
    lost = (await browser.get("/service-index/dossiers?period=2024-Q1&indicator=on_time")).text
    assert "toàn tỉnh, quý I năm 2024" in lost and "‹ Bộ chỉ số quý I năm 2024" in lost
    assert "2024-Q1" not in re.sub(r"<[^>]*>", " ", lost)


async def test_a_units_page_links_to_the_dossiers_behind_its_own_total_and_back(browser, world, sample):
    """On the page of Sở Y tế, whose total counts the hospital under it, the headline's list
    holds the hospital's dossiers too; a ranking row's list is that row's unit alone; both
    lead back to the page of Sở Y tế."""
    hospital = await create_unit_unchecked(
        UnitData("BVT", "Bệnh viện tỉnh", "other", "province", parent_id=world.unit_b)
    )
    late = {"code": "H1", "procedure": "1.001", "unit": "BVT", "channel": "online", "outcome": "resolved"}
    await ingest_records(
        world.admin,
        [
            late
            | {
                "received_at": "2024-03-20T09:00:00+07:00",
                "due_at": "2024-03-25T09:00:00+07:00",
                "resolved_at": "2024-03-27T09:00:00+07:00",
            }
        ],
    )
    await browser.sign_in_as("viewer")
    page = (await browser.get(f"/service-index?period=2024-03&unit_id={world.unit_b}")).text
    scope = f"/service-index/dossiers?period=2024-03&amp;indicator=on_time&amp;unit_id={world.unit_b}&amp;with_children=1"
    row = f"/service-index/dossiers?period=2024-03&amp;indicator=on_time&amp;unit_id={hospital['id']}&amp;from_unit={world.unit_b}"
    assert scope in page and row in page
    assert "Tháng 3 năm 2024: Sở Y tế và các đơn vị trực thuộc" in page
    back = f'href="/service-index?period=2024-03&amp;unit_id={world.unit_b}"'
    whole = (await browser.get(scope.replace("&amp;", "&"))).text
    assert "Sở Y tế và các đơn vị trực thuộc, tháng 3 năm 2024 (3)" in whole
    assert all(code in whole for code in ("A6", "A7", "H1")) and back in whole
    alone = (await browser.get(row.replace("&amp;", "&"))).text
    assert (
        "Bệnh viện tỉnh, tháng 3 năm 2024 (1)" in alone
        and "H1" in alone
        and "A6" not in alone
        and back in alone
    )
    for bad, message in (
        ("with_children=yes", "Chỉ nhận giá trị 1"),
        ("from_unit=abc", "Đơn vị không hợp lệ."),
    ):
        response = await browser.get(f"/service-index/dossiers?period=2024-03&indicator=on_time&{bad}")
        assert response.status_code == 422 and message in response.text


async def test_bad_input_is_shown_beside_its_field(browser, world, sample):
    await browser.sign_in_as("viewer")
    response = await browser.get("/service-index?period=2024-13")
    assert response.status_code == 422
    assert 'id="period"' in response.text and 'aria-invalid="true"' in response.text
    assert NOT_A_PERIOD in response.text  # not the API's "YYYY-MM": the page offers a list
    assert '<select id="period" name="period" aria-invalid="true"' in response.text  # chosen, not typed
    assert '<option value="" selected>— Chọn kỳ đánh giá —</option>' in response.text  # not another period
    running = await browser.get(f"/service-index?period={clock.today().year}")
    assert running.status_code == 422 and "chưa kết thúc: chỉ số đánh giá hồ sơ vào cuối kỳ" in running.text
    assert f'<option value="{clock.today().year}"' not in running.text  # never offered
    unknown_unit = await browser.get("/service-index?period=2024-03&unit_id=99999")
    assert unknown_unit.status_code == 422 and "Đơn vị không tồn tại." in unknown_unit.text
    bad_indicator = await browser.get("/service-index/dossiers?period=2024-03&indicator=colour")
    assert bad_indicator.status_code == 422 and "Chỉ số không hợp lệ" in bad_indicator.text
    for scope in ("", "&with_children=1"):  # the list's heading names no unit that does not exist
        lost = await browser.get(
            f"/service-index/dossiers?period=2024-03&indicator=on_time&unit_id=99999{scope}"
        )
        assert lost.status_code == 422 and "Đơn vị không tồn tại." in lost.text


# Rule: every ratio on the service-index page has two decimals, as the ranking's do
# (format_percent), and so has a change in percentage points: never "67,3%" beside "69,83%",
# nor "tăng 8,5" beside "tăng 23,16"; a change that shows as 0,00 is "không đổi".
@pytest.mark.parametrize(
    ("change", "words"),
    [
        (8.5, "▲ tăng 8,50"),
        (23.16, "▲ tăng 23,16"),
        (-8.5, "▼ giảm 8,50"),
        (-0.07, "▼ giảm 0,07"),
        (0.006, "▲ tăng 0,01"),
        (0.004, "không đổi"),
        (-0.004, "không đổi"),
        (0.0, "không đổi"),
        (None, None),
    ],
)
def test_a_change_has_two_decimals(change, words):
    assert change_words(change) == words


@pytest.mark.parametrize(
    ("score", "caption", "segments"),
    [
        (67.3, "67,30%", ["Mức đạt: 67,30%", "Còn thiếu so với mức tối đa: 32,70%"]),
        (69.83, "69,83%", ["Mức đạt: 69,83%", "Còn thiếu so với mức tối đa: 30,17%"]),
        (44.999, "45,00%", ["Mức đạt: 45,00%", "Còn thiếu so với mức tối đa: 55,00%"]),
        (100.0, "100,00%", ["Mức đạt: 100,00%"]),
        (0.0, "0,00%", ["Còn thiếu so với mức tối đa: 100,00%"]),
        (None, "không có dữ liệu", []),
    ],
)
def test_the_trend_says_each_month_with_two_decimals(score, caption, segments):
    figures = IndexFigures(1, (), 0, None, score, None)
    [bar] = trend_bars([(IndexPeriod("month", 2024, 3), figures)])
    assert bar.caption == caption
    assert [f"{segment.label}: {segment.text}" for segment in bar.segments] == segments


def every_figure_has_two_decimals(page: str) -> None:
    """Every percentage the page shows as a figure (a cell's, a caption's, a bar's words) and
    every change has two decimals."""
    shares = re.findall(r"[>:] ?(\d[\d.,]*)%", page)
    changes = re.findall(r"(?:tăng|giảm) (\d[\d.,]*)", page)
    assert shares and changes
    assert [
        figure for figure in shares + changes if not re.fullmatch(r"\d{1,3}(\.\d{3})*,\d\d", figure)
    ] == []


@pytest.mark.parametrize(
    ("page_number", "status", "said"),
    [
        ("", 200, "Sở Y tế, tháng 3 năm 2024 (2)"),
        ("1", 200, "Sở Y tế, tháng 3 năm 2024 (2)"),
        ("2", 200, "Sở Y tế, tháng 3 năm 2024 (2)"),  # past the last page: the last, not "(2)" over nothing
        ("0", 422, "Số trang không hợp lệ."),
        ("abc", 422, "Số trang không hợp lệ."),
        ("99999999999999999999", 422, "Số trang không hợp lệ."),  # was "Vị trí bắt đầu không hợp lệ."
    ],
)
async def test_the_page_of_lost_dossiers_is_one_that_exists(
    browser, world, sample, page_number, status, said
):
    await browser.sign_in_as("viewer")
    response = await browser.get(
        "/service-index/dossiers",
        params={
            "period": "2024-03",
            "indicator": "on_time",
            "unit_id": world.unit_b,
            "page_number": page_number,
        },
    )
    assert response.status_code == status
    assert said in response.text and "Vị trí bắt đầu" not in response.text
    if status == 200:
        assert "A6" in response.text and "A7" in response.text
    else:  # in the page's error summary, with the menu
        assert "data-error-summary" in response.text and 'aria-label="Điều hướng chính"' in response.text
