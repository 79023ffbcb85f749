"""Excel people can work with, from the pages: the plan export follows the filters and the
order on screen; tables sort by their column headers."""

from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import load_workbook

from tests.dossier_data import judicial_record_dossiers

pytestmark = pytest.mark.anyio


def export_link(page: str, fmt: str = "xlsx") -> str:
    return html.unescape(re.search(rf'href="(/api/plans/\d+/export\?format={fmt}[^"]*)"', page).group(1))


async def test_the_export_follows_the_filters_on_screen(browser, world):
    await browser.sign_in_as("staff")
    url = f"/plans/{world.plan_id}?area=digital_government&overdue=yes"
    page = (await browser.get(url)).text
    link = export_link(page)
    assert "area=digital_government" in link and "overdue=true" in link
    assert "Tải 1 nhiệm vụ đang lọc (XLSX)" in page
    # The HTMX answer (only the results) carries the same link: the filters changed in place.
    fragment = (await browser.get(url, headers={"HX-Request": "true", "HX-Target": "ket-qua"})).text
    assert export_link(fragment) == link
    workbook = load_workbook(io.BytesIO((await browser.client.get(link)).content))
    codes = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert codes == ["VII.1"]


async def test_the_task_table_sorts_by_its_headers(browser, world):
    await browser.sign_in_as("viewer")
    base = f"/plans/{world.plan_id}"
    page = (await browser.get(base)).text
    assert page.index("II.1") < page.index("VII.1")  # by code
    assert f'href="{base}?sort=deadline"' in page and 'aria-sort="ascending"' in page
    by_deadline = (await browser.get(base + "?sort=deadline")).text
    assert by_deadline.index("VII.1</td>") < by_deadline.index("II.1</td>")  # due 31/03 before 30/06
    assert f'href="{base}?sort=-deadline"' in by_deadline
    assert "sort=deadline" in export_link(by_deadline)
    latest_first = (await browser.get(base + "?sort=-deadline")).text
    assert latest_first.index(">II.1</td>") < latest_first.index(">VII.1</td>")
    assert 'aria-sort="descending"' in latest_first
    # the order shown goes with the filter form (its hidden field sits in the part a sort swaps in)
    assert '<input type="hidden" name="sort" value="-deadline" form="task-filters">' in latest_first
    assert 'id="task-filters"' in latest_first and 'name="sort"' not in page  # by code: nothing to send
    bad = await browser.get(base + "?sort=title")
    assert bad.status_code == 422 and "Cách sắp xếp không hợp lệ." in bad.text


async def test_dossier_statistics_export_to_xlsx(browser, world):
    await judicial_record_dossiers(
        world,
        [
            {
                "code": f"STP-{n}",
                "received_at": "2024-03-01T08:00:00+07:00",
                "due_at": "2024-03-15T17:00:00+07:00",
                "resolved_at": resolved,
                "outcome": "resolved" if resolved else "open",
            }
            for n, resolved in enumerate(["2024-03-10T10:00:00+07:00", "2024-03-20T10:00:00+07:00", None])
        ],
    )
    await browser.sign_in_as("viewer")
    query = "?start=2024-01-01&end=2024-06-30&group_by=unit"
    page = (await browser.get("/dossiers" + query)).text
    link = html.unescape(re.search(r'href="(/dossiers/export\?[^"]+)"', page).group(1))
    assert "start=01/01/2024" in link and "group_by=unit" in link
    response = await browser.client.get(link)
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Đơn vị" and all(cell.font.b for cell in sheet[1]) and sheet.freeze_panes == "A2"
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows[-1]["Đơn vị"] == "Tổng cộng"
    assert (rows[-1]["Tiếp nhận mới"], rows[-1]["Đã giải quyết"], rows[-1]["Giải quyết quá hạn"]) == (3, 2, 1)
    assert rows[-1]["Tỷ lệ trước và đúng hạn (%)"] == 50.0  # a number, not "50,00%"
    assert rows[-1]["Đang giải quyết, quá hạn"] == 1
    bad = await browser.client.get("/dossiers/export?start=31-13-2024")
    assert bad.status_code == 422 and "Ngày không hợp lệ" in bad.text
