"""The reports page: request a report, follow its row until it is done, download it, issue it;
the narrative sections with their stale-edit rule."""

from __future__ import annotations

import asyncio
import re

import pytest

pytestmark = pytest.mark.anyio


async def wait_done(browser, run_id: int) -> str:
    for _ in range(400):
        row = (await browser.get(f"/reports/runs/{run_id}", headers={"HX-Request": "true"})).text
        if 'data-state="done"' in row or 'data-state="failed"' in row:
            return row
        assert 'hx-trigger="every 2s"' in row  # still polling while queued or running
        await asyncio.sleep(0.05)
    raise AssertionError("report run did not finish")


async def test_request_follow_download_and_issue(browser, world):
    await browser.sign_in_as("staff")
    page = await browser.get("/reports")
    assert "Lập báo cáo" in page.text and "Lịch tự động" in page.text
    bad = await browser.post("/reports", {"kind": "Q", "year": "2024", "quarter": ""})
    assert bad.status_code == 422 and 'id="quarter-error">Chọn quý (1 đến 4).<' in bad.text
    response = await browser.post("/reports", {"kind": "H1", "year": "2024", "scope_unit_id": ""})
    assert response.status_code == 303
    run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
    listing = (await browser.get(response.headers["location"])).text
    assert f'id="run-{run_id}"' in listing and "Báo cáo 6 tháng đầu năm 2024" in listing
    row = await wait_done(browser, run_id)
    assert 'data-state="done"' in row and "hx-trigger" not in row
    link = re.search(r'href="(/api/reports/\d+/file)"', row).group(1)
    download = await browser.client.get(link)
    assert download.status_code == 200 and download.content[:2] == b"PK"
    await browser.get("/reports")
    issued = await browser.post(f"/reports/runs/{run_id}/issue")
    assert issued.status_code == 303
    assert "Đã ban hành" in (await browser.get("/reports")).text


async def test_a_unit_head_reports_on_their_own_unit(browser, world):
    await browser.sign_in_as("head_a")
    page = (await browser.get("/reports")).text
    assert 'value="Sở Tư pháp" readonly' in page and "Lịch tự động" not in page
    response = await browser.post(
        "/reports", {"kind": "Y", "year": "2024", "scope_unit_id": str(world.unit_b)}
    )
    assert response.status_code == 303  # the scope is their own unit, whatever the form said
    run_id = int(re.search(r"requested=(\d+)", response.headers["location"]).group(1))
    row = await wait_done(browser, run_id)
    assert "Sở Tư pháp" in row and "Ban hành" not in row
    await browser.sign_in_as("viewer")
    assert "Lập báo cáo</button>" not in (await browser.get("/reports")).text


async def test_narrative_sections_and_a_stale_save(browser, world):
    await browser.sign_in_as("staff")
    page = await browser.get("/reports/drafts?period=2024-H1")
    assert 'name="version" value="0"' in page.text and "Tồn tại, hạn chế" in page.text
    saved = await browser.post(
        "/reports/drafts", {"period": "2024-H1", "version": "0", "limitations": "Một số nhiệm vụ còn chậm."}
    )
    assert saved.status_code == 303
    again = (await browser.get(saved.headers["location"])).text
    assert "Đã lưu nội dung." in again and "Một số nhiệm vụ còn chậm.</textarea>" in again
    stale = await browser.post(
        "/reports/drafts", {"period": "2024-H1", "version": "0", "limitations": "Bản của tôi."}
    )
    assert stale.status_code == 409
    assert "Nội dung vừa được người khác lưu trước bạn" in stale.text
    assert (
        "Bản của tôi.</textarea>" in stale.text
        and "Bản đã lưu:</strong> Một số nhiệm vụ còn chậm." in stale.text
    )
    await browser.sign_in_as("head_a")
    assert "readonly" in (await browser.get("/reports/drafts?period=2024-H1")).text
