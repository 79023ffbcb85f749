"""The dashboard tells one truth: tiles that partition the plan, area bars on each area's own
total, and every figure (tiles, overdue list, dossiers, indices) as of the same day."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from api.web.charts import stacked_bars
from api.web.dashboard import TASK_SEGMENTS, completion_rate, progress_caption
from api.web.forms import DATE_INVALID
from models.dossiers.ingest import ingest_records
from models.indices.service import IndexResultData, put_index_result
from models.plans.progress import Tally
from models.plans.tasks import ProgressReport, report_progress
from tests.dossier_data import build_catalogue
from tests.models.test_service_index import SAMPLE

PARTITION = [key for key, _ in TASK_SEGMENTS]


def _row(status: str, tasks: int, overdue: int = 0, late: int = 0) -> dict:
    return {
        "status": status,
        "tasks": tasks,
        "overdue": overdue,
        "late": late,
        "progress_sum": 0,
        "weight_sum": tasks,
        "weighted_sum": 0,
    }


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # The issue's plan: 26 done (2 late), 6 overdue of which 4 started, 32 counted.
        (
            [
                _row("completed", 26, late=2),
                _row("in_progress", 6, overdue=4),
                _row("not_started", 2, overdue=2),
                _row("cancelled", 3, overdue=3),
            ],
            {
                "completed_on_time": 24,
                "completed_late": 2,
                "overdue": 6,
                "in_progress_on_track": 2,
                "not_started_on_track": 0,
            },
        ),
        ([_row("in_progress", 1)], dict.fromkeys(PARTITION, 0) | {"in_progress_on_track": 1}),
        ([_row("in_progress", 1, overdue=1)], dict.fromkeys(PARTITION, 0) | {"overdue": 1}),
        ([_row("not_started", 1)], dict.fromkeys(PARTITION, 0) | {"not_started_on_track": 1}),
        ([_row("not_started", 1, overdue=1)], dict.fromkeys(PARTITION, 0) | {"overdue": 1}),
        ([_row("completed", 1, overdue=1)], dict.fromkeys(PARTITION, 0) | {"completed_on_time": 1}),
        ([_row("completed", 1, late=1)], dict.fromkeys(PARTITION, 0) | {"completed_late": 1}),
        ([_row("cancelled", 4, overdue=4)], dict.fromkeys(PARTITION, 0)),
    ],
)
def test_the_tiles_partition_the_counted_tasks(rows, expected):
    tally = Tally()
    for row in rows:
        tally.add(row)
    figures = tally.as_dict("count", None)
    assert {key: figures[key] for key in PARTITION} == expected
    assert sum(figures[key] for key in PARTITION) == figures["total"]


@pytest.mark.parametrize(
    ("own_scale", "widths"),
    [
        # A 5/5 area beside a 6-task one: on a common scale it looks 83% full, on its own scale full.
        (True, [[100.0], [50.0, 50.0]]),
        (False, [[83.333], [50.0, 50.0]]),
    ],
)
def test_area_bars_on_their_own_total(own_scale, widths):
    rows = [
        {"name": "A", "completed_on_time": 5},
        {"name": "B", "completed_on_time": 3, "overdue": 3},
    ]
    bars = stacked_bars(rows, TASK_SEGMENTS, label="name", caption=lambda row: "", own_scale=own_scale)
    assert [[segment.width for segment in bar.segments] for bar in bars] == widths


def _tiles(page: str) -> dict[str, int]:
    tiles = page[page.index('<ul class="stats"') : page.index("</ul>", page.index('<ul class="stats"'))]
    return {
        key: int(value)
        for value, key in re.findall(r"<strong>(\d+)</strong><svg[^>]*><rect[^>]*class=\"seg-(\w+)\"", tiles)
    }


@pytest.mark.anyio
async def test_every_figure_is_as_of_the_chosen_day(browser, world):
    # VII.1 is due 31/03/2024, II.1 30/06/2024; today (2026) both are past their deadline.
    await report_progress(
        world.head_a, world.task_a, ProgressReport("in_progress", progress=40, note="Bắt đầu")
    )
    await put_index_result(world.staff, "sipas", 2025, IndexResultData(score=88.0, rank=5, out_of=34))
    await browser.sign_in_as("viewer")

    today = (await browser.get("/")).text
    assert _tiles(today) == dict.fromkeys(PARTITION, 0) | {"overdue": 2}
    assert "Nhiệm vụ quá hạn hiện nay (2)" in today
    assert "SIPAS) năm 2025" in today

    may = (await browser.get("/?as_of=2024-05-01")).text
    # On 1 May 2024 only VII.1 was overdue, and the list says the same as the tile.
    assert _tiles(may) == dict.fromkeys(PARTITION, 0) | {"overdue": 1, "not_started_on_track": 1}
    assert "Nhiệm vụ quá hạn tính đến ngày 01/05/2024 (1)" in may
    overdue_list = may[may.index('id="qua-han"') : may.index('id="theo-don-vi"')]
    assert "VII.1" in overdue_list and "II.1" not in overdue_list.replace("VII.1", "")
    # Dossiers and indices are of 2024 too: the 2025 SIPAS result did not exist yet.
    assert "Hồ sơ thủ tục hành chính năm 2024" in may and "SIPAS) năm 2025" not in may


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("typed", "shown"),
    [("1/5/2024", "01/05/2024"), ("01/05/2024", "01/05/2024"), ("2024-05-01", "01/05/2024")],
)
async def test_the_as_of_day_is_typed_as_dd_mm_yyyy(browser, world, typed, shown):
    await browser.sign_in_as("viewer")
    response = await browser.get("/", params={"as_of": typed})
    assert response.status_code == 200
    assert "Số liệu tính đến ngày 1 tháng 5 năm 2024" in response.text
    assert f'name="as_of" value="{shown}"' in response.text and 'type="date"' not in response.text


@pytest.mark.anyio
@pytest.mark.parametrize("typed", ["05/13/2024", "31/02/2024", "hôm qua"])
async def test_a_bad_as_of_day_is_said_beside_the_field_and_at_the_top(browser, world, typed):
    await browser.sign_in_as("viewer")
    response = await browser.get("/", params={"as_of": typed})
    assert response.status_code == 422
    assert f'<a href="#as_of">{DATE_INVALID}</a>' in response.text  # the error summary
    assert f'id="as_of-error">{DATE_INVALID}<' in response.text  # beside the field
    assert f'name="as_of" value="{html.escape(typed)}"' in response.text  # what was typed is kept


@pytest.mark.anyio
@pytest.mark.usefixtures("today")  # 30/06/2024
@pytest.mark.parametrize(
    ("typed", "status"),
    [("30/06/2024", 200), ("1/7/2024", 422), ("31/12/2024", 422), ("01/01/2030", 422)],
)
async def test_a_day_after_today_is_said_beside_the_field_on_the_dashboard(browser, world, typed, status):
    # 01/01/2030 was a bare 422 page (the dossier figures of a year not begun), without the
    # dashboard, its form or the menu.
    await browser.sign_in_as("viewer")
    response = await browser.get("/", params={"as_of": typed})
    assert response.status_code == status
    message = "Ngày tính số liệu không được sau hôm nay (30/06/2024)."
    if status == 200:
        assert message not in response.text and "Số liệu tính đến ngày 30 tháng 6 năm 2024" in response.text
        return
    assert f'<a href="#as_of">{message}</a>' in response.text  # the error summary
    assert f'id="as_of-error">{message}<' in response.text  # beside the field
    assert f'name="as_of" value="{typed}"' in response.text  # what was typed is kept
    # the rest of the dashboard is today's, with its menu
    assert (
        "Số liệu tính đến ngày 30 tháng 6 năm 2024" in response.text
        and "nhiệm vụ đã hoàn thành" in response.text
    )
    assert 'aria-label="Điều hướng chính"' in response.text


@pytest.mark.anyio
@pytest.mark.usefixtures("today")  # 30/06/2024
@pytest.mark.parametrize(
    ("typed", "plan", "status", "message"),
    [
        ("01/01/0001", False, 422, "Ngày phải từ 01/01/2000 đến hôm nay (30/06/2024)."),
        ("01/01/0001", True, 422, "Ngày phải từ 01/01/2000 đến hôm nay (30/06/2024)."),
        ("0001-01-01", False, 422, "Ngày phải từ 01/01/2000 đến hôm nay (30/06/2024)."),
        ("01/01/1900", False, 422, "Ngày phải từ 01/01/2000 đến hôm nay (30/06/2024)."),
        ("31/12/1899", False, 422, "Ngày phải từ 01/01/2000 đến hôm nay (30/06/2024)."),
        ("31/12/1999", True, 422, "Ngày phải từ 01/01/2000 đến hôm nay (30/06/2024)."),
        ("01/01/2000", False, 200, None),  # the earliest day
        ("01/01/2000", True, 200, None),
        ("31/12/9999", True, 422, "Ngày tính số liệu không được sau hôm nay (30/06/2024)."),
    ],
)
async def test_the_as_of_day_is_from_2000_to_today(browser, world, typed, plan, status, message):
    await browser.sign_in_as("viewer")
    params = {"as_of": typed} | ({"plan_id": str(world.plan_id)} if plan else {})
    response = await browser.get("/", params=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    if message is None:
        assert "Số liệu tính đến ngày 1 tháng 1 năm 2000" in response.text
        assert "Hồ sơ thủ tục hành chính năm 1900" not in response.text
        assert 'class="error-summary"' not in response.text
        return
    assert f'<a href="#as_of">{message}</a>' in response.text  # the error summary
    assert f'id="as_of-error">{message}<' in response.text  # beside the field
    assert f'name="as_of" value="{typed}"' in response.text  # what was typed is kept
    # the rest of the dashboard is today's, with its menu
    assert "Số liệu tính đến ngày 30 tháng 6 năm 2024" in response.text
    assert 'aria-label="Điều hướng chính"' in response.text
    assert "Hồ sơ thủ tục hành chính năm 1900" not in response.text


# Rule: a rate needs a task to count. A plan (or an area, or a unit) that counts no task on the
# day (none yet, or every one stopped) has no completion rate: "—", never "0,00%" over 0 tasks.
@pytest.mark.parametrize(
    ("total", "completed", "overdue", "percent", "rate", "caption"),
    [
        (0, 0, 0, 0, None, "Không có nhiệm vụ được tính"),
        (1, 0, 0, 0, 0, "0/1 nhiệm vụ hoàn thành"),  # the first counted task: a rate, even 0%
        (1, 1, 0, 100, 100, "1/1 nhiệm vụ hoàn thành"),
        (2, 0, 1, 0, 0, "0/2 nhiệm vụ hoàn thành, 1 quá hạn"),
    ],
)
def test_a_rate_needs_a_task_to_count(total, completed, overdue, percent, rate, caption):
    row = {"total": total, "completed": completed, "overdue": overdue, "percent": percent}
    assert completion_rate(row) == rate
    assert progress_caption(row) == caption


@pytest.mark.anyio
@pytest.mark.usefixtures("today")  # 30/06/2024
@pytest.mark.parametrize(
    ("as_of", "cancelled", "headline"),
    [
        # the world's tasks are added on 05/01/2024 at 10:00 in the province
        ("01/01/2024", False, "Kế hoạch chưa có nhiệm vụ tại ngày 01/01/2024"),
        ("04/01/2024", False, "Kế hoạch chưa có nhiệm vụ tại ngày 04/01/2024"),  # the day before
        ("05/01/2024", False, None),  # the day they were added: 2 tasks, a rate
        ("30/06/2024", True, "Kế hoạch không có nhiệm vụ nào được tính tại ngày 30/06/2024"),
    ],
)
async def test_a_day_without_counted_tasks_says_so_without_a_rate_or_a_chart(
    browser, world, as_of, cancelled, headline
):
    if cancelled:  # every task stopped: none is counted
        for task in (world.task_a, world.task_b):
            await report_progress(world.staff, task, ProgressReport("cancelled", note="Dừng theo chỉ đạo"))
    await browser.sign_in_as("viewer")
    response = await browser.get("/", params={"as_of": as_of})
    assert response.status_code == 200
    page = response.text
    if headline is None:
        assert "0/2 nhiệm vụ đã hoàn thành" in page
        assert "Tỷ lệ hoàn thành: <strong>0,00%</strong>" in page  # a rate over 2 tasks
        assert 'id="theo-linh-vuc"' in page and '<ul class="bars">' in page
        return
    assert f'<p class="headline" id="plan-progress">{headline}</p>' in page
    assert "Tỷ lệ hoàn thành: <strong>—</strong> (chưa có nhiệm vụ để tính)" in page
    assert "0,00%" not in page and "0/0 nhiệm vụ" not in page and "nhiệm vụ đã hoàn thành" not in page
    # no empty chart, tiles, overdue list or unit table
    assert '<ul class="bars">' not in page and 'id="theo-linh-vuc"' not in page
    assert 'id="qua-han"' not in page and 'id="theo-don-vi"' not in page
    assert ("2 nhiệm vụ dừng / điều chỉnh, không tính vào tổng." in page) is cancelled


@pytest.fixture
async def dossiers(world):
    await build_catalogue(world)
    await ingest_records(world.admin, [{k: v or None for k, v in row.items()} for row in SAMPLE])


def _said(page: str, words: str) -> str:
    """The figure a stats tile gives for ``words`` ("hồ sơ kỳ trước chuyển sang")."""
    match = re.search(rf"<li><strong>([\d.]+)</strong> {re.escape(words)}", page)
    assert match, words
    return match.group(1)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("as_of", "start", "carried_over", "received"),
    [
        # SAMPLE's dossiers are of March 2024; two were still open at the end of 2024
        ("31/03/2024", "01/01/2024", "0", "8"),
        ("01/01/2025", "01/01/2025", "2", "0"),  # the first day of the next year: carried over
        ("01/06/2025", "01/01/2025", "2", "0"),
    ],
)
async def test_the_dossiers_carried_over_are_said_as_on_the_dossier_statistics(
    browser, world, dossiers, as_of, start, carried_over, received
):
    """Not "0 received, 2 resolved": the dashboard says what came over from the year before, in
    the words and with the figures of the dossier statistics for the same period, and links there."""
    await browser.sign_in_as("viewer")
    dashboard = (await browser.get("/", params={"as_of": as_of})).text
    statistics = (await browser.get("/dossiers", params={"start": start, "end": as_of})).text
    for words, figure in (("hồ sơ kỳ trước chuyển sang", carried_over), ("hồ sơ tiếp nhận mới", received)):
        assert _said(dashboard, words) == _said(statistics, words) == figure
    assert _said(dashboard, "đã giải quyết") == _said(statistics, "đã giải quyết")
    # the on-time rate: the same figure, or the same words when nothing was resolved in the period
    rate = re.compile(
        r"<li>(<strong>[\d,]+%</strong> giải quyết trước hạn và đúng hạn|Tỷ lệ giải quyết [^<]*)</li>"
    )
    assert rate.findall(dashboard) == rate.findall(statistics) != []
    assert f'href="/dossiers?start={start}&amp;end={as_of}">Xem thống kê chi tiết</a>' in dashboard


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("as_of", "published_on", "shown"),
    [
        ("2025-04-18", date(2025, 4, 19), False),  # the day before it was announced
        ("2025-04-19", date(2025, 4, 19), True),
        ("2025-12-30", None, False),  # no announcement recorded: public from 31/12 of the next year
        ("2025-12-31", None, True),
    ],
)
async def test_an_index_result_shows_from_the_day_it_was_published(
    browser, world, as_of, published_on, shown
):
    """A result scores a year and is announced during the next: as of a day before that, the
    dashboard cannot show it (indices.publication_day, as the reports quote results)."""
    result = IndexResultData(score=88.0, rank=5, out_of=34, published_on=published_on)
    await put_index_result(world.staff, "sipas", 2024, result)
    await browser.sign_in_as("viewer")
    page = (await browser.get(f"/?as_of={as_of}")).text
    assert ("SIPAS) năm 2024" in page) == shown
    assert f"Kết quả đã công bố đến ngày {date.fromisoformat(as_of):%d/%m/%Y}." in page
