"""What the pages show: the dashboard's figures, the plan view's filters and accent-free search
(full page and HTMX fragment), dossier statistics, Vietnamese numbers and dates."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from api.web.dossiers import sort_rows
from models.dossiers.stats import Figures
from models.indices.service import IndexResultData, put_index_result
from models.plans.tasks import ProgressReport, TaskDefinition, create_task, report_progress
from tests.dossier_data import judicial_record_dossiers

# Every test on 30/06/2024 by the stopped clock (the today fixture), never on the real date.
DOSSIERS, SITE = "Thống kê hồ sơ thủ tục hành chính", "Theo dõi cải cách hành chính"
pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("today")]


async def test_dashboard_progress_areas_units_and_indices(browser, world):
    await report_progress(world.head_b, world.task_b, ProgressReport("completed", note="Đã số hóa"))
    await put_index_result(
        world.staff, "sipas", 2024, IndexResultData(score=90.12, rank=4, out_of=63, target=85.0)
    )
    await browser.sign_in_as("viewer")
    page = (await browser.get("/")).text
    assert "1/2 nhiệm vụ đã hoàn thành" in page
    assert "Tỷ lệ hoàn thành: <strong>50,00%</strong>" in page
    assert "Cải cách thể chế" in page and "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số" in page
    assert '<svg role="img" aria-label="Hoàn thành' in page  # the chart, described in words
    assert "Chỉ số hài lòng (SIPAS) năm 2024" in page and "90,12%" in page and "Mục tiêu: 85%" in page
    assert "Đạt" in page
    assert "Chưa có số liệu hồ sơ của năm" in page
    as_of = (await browser.get("/?as_of=2024-01-31")).text
    assert "0/2 nhiệm vụ đã hoàn thành" in as_of and "ngày 31 tháng 1 năm 2024" in as_of
    bad = await browser.get("/?as_of=31-01-2024")
    assert "Ngày không hợp lệ" in bad.text


async def test_dashboard_lists_overdue_units_first(browser, world):
    await report_progress(world.head_a, world.task_a, ProgressReport("completed", note="Xong"))
    await browser.sign_in_as("staff")
    page = (await browser.get("/")).text
    table = page[page.index('id="theo-don-vi"') :]
    # Sở Y tế (SYT) has an overdue task, Sở Tư pháp (STP) none: SYT comes first despite its code.
    assert table.index("Sở Y tế") < table.index("Sở Tư pháp")
    assert "Nhiệm vụ quá hạn hiện nay (1)" in page and "VII.1" in page


async def test_plan_filters_and_search_without_diacritics(browser, world):
    await browser.sign_in_as("head_b")
    url = f"/plans/{world.plan_id}"
    everything = (await browser.get(url)).text
    assert "Tìm thấy <strong>2</strong> nhiệm vụ" in everything
    assert f'href="/api/plans/{world.plan_id}/export?format=xlsx"' in everything
    found = (await browser.get(url + "?q=so+hoa+ho+so")).text
    assert "Tìm thấy <strong>1</strong> nhiệm vụ" in found and "Số hóa hồ sơ bệnh án" in found
    by_unit = (await browser.get(url + f"?unit={world.unit_a}")).text
    assert "Rà soát văn bản" in by_unit and "Số hóa hồ sơ" not in by_unit
    by_area = (await browser.get(url + "?area=digital_government&status=not_started&overdue=yes")).text
    assert "Tìm thấy <strong>1</strong> nhiệm vụ" in by_area
    not_overdue = (await browser.get(url + "?overdue=no")).text  # II.1 is due today, 30/06
    assert "Tìm thấy <strong>1</strong>" in not_overdue and "Rà soát văn bản" in not_overdue
    bad = await browser.get(url + "?area=poetry")
    assert bad.status_code == 422 and "Lĩnh vực không hợp lệ." in bad.text


async def test_plan_filter_answers_htmx_with_the_results_only(browser, world):
    await browser.sign_in_as("viewer")
    response = await browser.get(
        f"/plans/{world.plan_id}?q=ra+soat", headers={"HX-Request": "true", "HX-Target": "ket-qua"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "Rà soát văn bản quy phạm pháp luật" in response.text
    plan = (await browser.get(f"/plans/{world.plan_id}")).text
    title = re.search(r"<title>(.*?)</title>", plan).group(0)
    assert response.text.lstrip().startswith(title) and "Lỗi" not in title  # htmx sets it
    assert "HX-Request" in response.headers["Vary"]
    assert "/plans" in (await browser.get("/plans")).headers["location"]


async def test_dossier_statistics_and_late_without_apology(browser, world):
    await _three_dossiers_of_one_procedure(world)
    await browser.sign_in_as("viewer")
    page = (await browser.get("/dossiers?start=2024-01-01&end=2024-06-30&group_by=unit")).text
    assert "Từ 01/01/2024 đến 30/06/2024" in page
    assert "<strong>3</strong> hồ sơ tiếp nhận mới" in page and "66,67%" in page
    assert "Sở Tư pháp (STP)" in page
    assert "Hồ sơ trễ hạn chưa có văn bản xin lỗi (1)" in page and "HS-0" in page
    fragment = await browser.get(
        "/dossiers?start=2024-01-01&end=2024-06-30&group_by=month",
        headers={"HX-Request": "true", "HX-Target": "ket-qua-ho-so"},
    )
    assert "<html" not in fragment.text and "Tháng 3 năm 2024" in fragment.text
    reversed_period = await browser.get("/dossiers?start=2024-06-30&end=2024-01-01")
    assert reversed_period.status_code == 422 and "Ngày kết thúc trước ngày bắt đầu." in reversed_period.text
    bad = await browser.get("/dossiers?start=hôm-qua")
    assert bad.status_code == 422 and "Ngày không hợp lệ" in bad.text
    assert "Kỳ chưa kết thúc: số liệu tính đến thời điểm xem" in page  # it ends today, not yet over
    ended = (await browser.get("/dossiers?start=2024-01-01&end=2024-06-29")).text
    assert "Kỳ chưa kết thúc" not in ended
    whole_year = (await browser.get("/dossiers?start=2024-01-01&end=2024-12-31")).text
    assert "Từ 01/01/2024 đến 30/06/2024" in whole_year and "Kỳ chưa kết thúc" in whole_year
    ahead = await browser.get("/dossiers?start=2024-07-01&end=2024-12-31")
    assert ahead.status_code == 422 and "Kỳ thống kê bắt đầu sau hôm nay: chưa có số liệu." in ahead.text


async def test_the_database_out_of_reach_is_a_503_page(browser, world, monkeypatch):
    await browser.sign_in_as("viewer")

    async def refused(account_id):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr("api.web.common.accounts.get_account", refused)
    response = await browser.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.headers["content-type"].startswith("text/html")
    assert "Hệ thống tạm thời không sẵn sàng" in response.text


def overdue_rows(page: str) -> dict[str, bool]:
    """Each task row of the plan page: its code, and whether it is marked overdue."""
    rows = re.findall(r'<tr( class="is-overdue")?>\s*<td class="nowrap"[^>]*>([^<]+)</td>', page)
    return {code: bool(marked) for marked, code in rows}


async def test_pages_on_a_fixed_day_mark_only_the_tasks_past_their_deadline(browser, world):
    """Rule: overdue as the pages print it, on 30/06/2024 by the stopped clock — VII.1 (due 31/03)
    is overdue, II.1 (due today) is not yet, II.2 (due 15/07) is not due."""
    definition = TaskDefinition(
        "II.2", "institutions", "Công bố thủ tục", world.unit_a, deadline=date(2024, 7, 15)
    )
    await create_task(world.staff, world.plan_id, definition)
    await browser.sign_in_as("staff")
    url = f"/plans/{world.plan_id}"
    assert overdue_rows((await browser.get(url)).text) == {"II.1": False, "II.2": False, "VII.1": True}
    assert overdue_rows((await browser.get(url + "?overdue=yes")).text) == {"VII.1": True}
    assert overdue_rows((await browser.get(url + "?overdue=no")).text) == {"II.1": False, "II.2": False}
    dashboard = (await browser.get("/")).text
    assert "Nhiệm vụ quá hạn hiện nay (1)" in dashboard
    await browser.sign_in_as("head_a")
    mine = (await browser.get("/my-tasks")).text
    assert "chủ trì <strong>2</strong> nhiệm vụ" in mine and "quá hạn" not in mine.split("task-list")[0]
    await browser.sign_in_as("head_b")
    theirs = (await browser.get("/my-tasks")).text
    assert "trong đó <strong>1 nhiệm vụ quá hạn</strong>" in theirs


def _stats_rows(*figures: Figures) -> list[dict]:
    return [{"position": n, "label": f"G{n}", "figures": f} for n, f in enumerate(figures)]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("group", ["G0", "G1", "G2"]),
        ("-group", ["G2", "G1", "G0"]),
        ("received", ["G1", "G0", "G2"]),  # 1 < 2 = 2: the tie keeps the group order
        ("-received", ["G0", "G2", "G1"]),
        ("late", ["G0", "G2", "G1"]),  # 0 = 0 < 1
        # G2 resolved nothing, so it has no rate: last whichever way the column is sorted.
        ("on_time_rate", ["G1", "G0", "G2"]),
        ("-on_time_rate", ["G0", "G1", "G2"]),
    ],
)
def test_the_statistics_table_sorts_by_a_column(sort, order):
    rows = _stats_rows(
        Figures(received_online=2, resolved_on_time=2),
        Figures(received_online=1, resolved_on_time=1, resolved_late=1),
        Figures(received_direct=2, open_overdue=2),
    )
    assert [row["label"] for row in sort_rows(rows, sort)] == order


async def test_the_statistics_table_sorts_by_its_headers(browser, world):
    await judicial_record_dossiers(
        world,
        [
            {
                "code": f"HS-{month}-{n}",
                "received_at": datetime(2024, month, 3, 2, 0, tzinfo=UTC).isoformat(),
                "due_at": datetime(2024, month, 20, 10, 0, tzinfo=UTC).isoformat(),
                "resolved_at": datetime(2024, month, 10, 10, 0, tzinfo=UTC).isoformat(),
                "outcome": "resolved",
            }
            for month, received in ((1, 2), (2, 3), (3, 1))
            for n in range(received)
        ],
    )
    await browser.sign_in_as("viewer")
    base = "/dossiers?start=01/01/2024&end=31/03/2024&group_by=month"

    def months(page: str) -> list[str]:
        table = page[page.index("<caption>Bảng số liệu</caption>") : page.index("</table>")]
        return re.findall(r"<td class=\"card-title\">(Tháng \d+ năm 2024)</td>", table)

    plain = (await browser.get(base)).text
    assert months(plain) == ["Tháng 1 năm 2024", "Tháng 2 năm 2024", "Tháng 3 năm 2024"]
    assert 'aria-sort="ascending"' in plain  # the months' own order, said on the first column
    assert (
        'href="/dossiers?start=01/01/2024&amp;end=31/03/2024&amp;group_by=month&amp;sort=received"' in plain
    )
    most = await browser.get(
        base + "&sort=-received", headers={"HX-Request": "true", "HX-Target": "ket-qua-ho-so"}
    )
    assert "<html" not in most.text and months(most.text) == [
        "Tháng 2 năm 2024",
        "Tháng 1 năm 2024",
        "Tháng 3 năm 2024",
    ]
    assert most.text.count('aria-sort="descending"') == 1
    fewest = (await browser.get(base + "&sort=received")).text
    assert months(fewest) == ["Tháng 3 năm 2024", "Tháng 1 năm 2024", "Tháng 2 năm 2024"]
    assert 'name="sort" value="received"' in fewest  # changing a filter keeps the order
    export = html.unescape(re.search(r'href="(/dossiers/export\?[^"]+)"', fewest).group(1))
    sheet = load_workbook(io.BytesIO((await browser.client.get(export)).content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Tháng 3 năm 2024",
        "Tháng 1 năm 2024",
        "Tháng 2 năm 2024",
        "Tổng cộng",
    ]
    bad = await browser.get(base + "&sort=title")
    assert bad.status_code == 422 and "Cách sắp xếp không hợp lệ." in bad.text


@pytest.mark.parametrize(
    ("role", "method", "address", "form", "heading"),
    [
        (None, "post", "/login", {"username": "", "password": ""}, "Chưa đăng nhập được: có 2 lỗi cần sửa"),
        ("viewer", "get", "/?as_of=31/02/2024", None, "Chưa xem được số liệu: có 1 lỗi cần sửa"),
        ("viewer", "get", "/service-index?period=2024-13", None, "Chưa xem được số liệu: có 1 lỗi cần sửa"),
        (
            "viewer",
            "get",
            "/service-index/dossiers?period=2024-03&indicator=colour",
            None,
            "Chưa xem được danh sách hồ sơ: có 1 lỗi cần sửa",
        ),
        (
            "staff",
            "post",
            "/reports",
            {"kind": "Q", "year": "2024", "quarter": ""},
            "Chưa tạo được báo cáo: có 1 lỗi cần sửa",
        ),
        (
            "viewer",
            "post",
            "/account/password",
            {"old_password": "", "new_password": "", "new_password_again": ""},
            "Chưa lưu được: có",
        ),
    ],
)
async def test_the_error_summary_says_what_did_not_happen(
    browser, world, role, method, address, form, heading
):
    """A page that only shows figures saved nothing: its summary must not say "Chưa lưu được"."""
    if role:
        await browser.sign_in_as(role)
    else:
        await browser.get("/login")
    response = await (browser.get(address) if method == "get" else browser.post(address, form))
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</h2>', response.text, re.S).group(0)
    assert heading in summary


async def _three_dossiers_of_one_procedure(world) -> None:
    """Three dossiers of procedure 1.001 (field "Lý lịch tư pháp"), received 01/03/2024, due
    10/03: two resolved early, one resolved late (20/03) without an apology."""
    await judicial_record_dossiers(
        world,
        [
            {
                "code": f"HS-{n}",
                "received_at": datetime(2024, 3, 1, 2, 0, tzinfo=UTC).isoformat(),
                "due_at": datetime(2024, 3, 10, 10, 0, tzinfo=UTC).isoformat(),
                "resolved_at": datetime(2024, 3, 5 if n else 20, 10, 0, tzinfo=UTC).isoformat(),
                "outcome": "resolved",
            }
            for n in range(3)
        ],
    )


PERIOD = "/dossiers?start=01/01/2024&end=30/06/2024"


@pytest.mark.parametrize(
    ("query", "status", "shown"),
    [
        ("&field=Lý lịch tư pháp", 200, "<strong>3</strong> hồ sơ tiếp nhận mới"),
        ("&field=Ly%CC%81 li%CC%A3ch tư pháp", 200, "<strong>3</strong> hồ sơ tiếp nhận mới"),  # typed in NFD
        ("&field=Đất đai", 422, "Lĩnh vực không có trong danh mục thủ tục."),
        ("&procedure=1.001", 200, "<strong>3</strong> hồ sơ tiếp nhận mới"),
        ("&procedure= 1.001 ", 200, "<strong>3</strong> hồ sơ tiếp nhận mới"),
        ("&procedure=9.999", 422, "Không có thủ tục mang mã này trong danh mục."),
        ("&page_number=1", 200, "HS-0"),
        ("&page_number=2", 200, "HS-0"),  # past the last page: the last page, not an empty list
        ("&page_number=0", 422, "Số trang không hợp lệ."),
        ("&page_number=abc", 422, "Số trang không hợp lệ."),
        ("&sort=colour", 422, "Cách sắp xếp không hợp lệ."),
    ],
)
async def test_dossier_statistics_filters_and_their_errors(browser, world, query, status, shown):
    await _three_dossiers_of_one_procedure(world)
    await browser.sign_in_as("viewer")
    response = await browser.get(PERIOD + query)
    assert response.status_code == status and shown in response.text
    if status == 422:  # named in the summary at the top, the figures held back
        assert 'class="error-summary"' in response.text and "Chưa xem được số liệu: có 1 lỗi" in response.text
        assert "hồ sơ tiếp nhận mới" not in response.text


async def test_the_dossier_form_offers_the_catalogues_fields_and_keeps_what_was_typed(browser, world):
    await _three_dossiers_of_one_procedure(world)
    await browser.sign_in_as("viewer")
    page = (await browser.get("/dossiers?start=2024-01-05&end=30/6/2024&field=Lý lịch tư pháp")).text
    assert '<option value="Lý lịch tư pháp" selected>' in page
    assert 'value="05/01/2024"' in page and 'value="30/06/2024"' in page  # written back as dd/mm/yyyy
    wrong = (await browser.get("/dossiers?start=31/02/2024&procedure=9.999")).text
    assert 'value="31/02/2024"' in wrong and 'value="9.999"' in wrong  # kept as typed
    assert 'id="start-error"' in wrong and 'id="procedure-error"' in wrong
    assert summary_targets(wrong) == ["start", "procedure"]  # in the form's order


def summary_targets(page: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    return re.findall(r'<a href="#([^"]+)">', summary)


async def test_the_dossier_forms_htmx_answer_carries_the_form_so_errors_come_and_go(browser, world):
    """The form swaps itself with the results: an error shows beside its field and in the
    summary (a 200, which HTMX swaps), and the next answer, mended, has neither."""
    await _three_dossiers_of_one_procedure(world)
    await browser.sign_in_as("viewer")
    form = {"HX-Request": "true", "HX-Target": "thong-ke-ho-so"}
    wrong = await browser.get("/dossiers?start=hôm-qua&end=30/06/2024", headers=form)
    assert wrong.status_code == 200 and "<html" not in wrong.text
    assert wrong.headers["HX-Retarget"] == "#thong-ke-ho-so"
    assert 'id="dossier-filters"' in wrong.text and 'id="start-error"' in wrong.text
    assert summary_targets(wrong.text) == ["start"]
    # htmx takes the document's title from the answer's: "Lỗi: " comes and goes with the summary
    assert wrong.text.lstrip().startswith(f"<title>Lỗi: {DOSSIERS} · {SITE}</title>")
    mended = await browser.get(PERIOD, headers=form)
    assert 'id="dossier-filters"' in mended.text and "error-summary" not in mended.text
    assert mended.text.lstrip().startswith(f"<title>{DOSSIERS} · {SITE}</title>")
    assert "field-error" not in mended.text and "<strong>3</strong> hồ sơ tiếp nhận mới" in mended.text
    sort = {"HX-Request": "true", "HX-Target": "ket-qua-ho-so"}
    sorted_only = await browser.get(PERIOD + "&sort=-received", headers=sort)
    assert 'id="dossier-filters"' not in sorted_only.text and "HX-Retarget" not in sorted_only.headers
    hand_made = await browser.get(PERIOD + "&sort=colour", headers=sort)  # errors need the summary
    assert (
        hand_made.headers["HX-Retarget"] == "#thong-ke-ho-so"
        and "Cách sắp xếp không hợp lệ." in hand_made.text
    )


@pytest.mark.parametrize(
    ("resolved", "rate"),
    [
        (True, "<strong>100,00%</strong> giải quyết trước hạn và đúng hạn"),
        (False, "Tỷ lệ giải quyết trước hạn và đúng hạn: không có dữ liệu"),
    ],
)
async def test_a_rate_without_resolved_dossiers_says_there_is_no_data(browser, world, resolved, rate):
    await judicial_record_dossiers(
        world,
        [
            {
                "code": "HS-MO",
                "received_at": datetime(2024, 6, 3, 2, 0, tzinfo=UTC).isoformat(),
                "due_at": datetime(2024, 7, 10, 10, 0, tzinfo=UTC).isoformat(),
                "resolved_at": datetime(2024, 6, 4, 2, 0, tzinfo=UTC).isoformat() if resolved else None,
                "outcome": "resolved" if resolved else "open",
            }
        ],
    )
    await browser.sign_in_as("viewer")
    page = (await browser.get(PERIOD)).text
    assert rate in page
    cell = re.search(r'data-label="Tỷ lệ đúng hạn">(.*?)</td>', page).group(1)
    assert ("không có dữ liệu" in cell) is not resolved and "—" not in cell
