"""The dossier import page (/dossiers/import-jobs): staff upload a file, which starts the same
background job as POST /api/dossiers/imports; the list says each job's state and counts in
Vietnamese, a running job's entry polls until it ends, a refused one lists its errors by row (the
first 50, and how many more); a file refused up front is a 422 said beside the file field; only
the roles that may import see the page, upload or poll."""

from __future__ import annotations

import dataclasses
import re

import pytest

import api.web.dossiers as dossier_pages
from models.dossiers.import_jobs import create_job
from models.dossiers.tables import ImportJob
from tests.dossier_data import KEYS, build_catalogue, dossier
from tests.sample_files import PDF, cp1258, csv_bytes, zip_bomb
from tests.waiting import wait_until

pytestmark = pytest.mark.anyio
PAGE = "/dossiers/import-jobs"
FORBIDDEN = "Không có quyền truy cập"


@pytest.fixture
async def catalogue(world):
    return await build_catalogue(world)


def dossier_file(*rows: dict[str, str]) -> bytes:
    return csv_bytes([KEYS, *([row.get(key, "") for key in KEYS] for row in rows)])


def summary_links(html: str) -> list[str]:
    """The error summary's links; each must be the id of an element on the page."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary is not None
    links = re.findall(r'href="#([^"]+)"', summary.group(0))
    assert links and all(f'id="{link}"' in html for link in links)
    return links


def entry(html: str, job_id: int) -> str:
    """One job's entry on the page (its <li>)."""
    found = re.search(rf'<li id="job-{job_id}".*?\n</li>', html, re.S)
    assert found is not None, html
    return found.group(0)


async def upload(browser, name: str, content: bytes, keep_valid: str | None = None):
    await browser.get(PAGE)  # the form's CSRF token
    data = {"keep_valid": keep_valid} if keep_valid is not None else {}
    return await browser.post(PAGE, data, files={"file": (name, content, "text/csv")})


async def ended(client, headers, job_id: int) -> dict:
    async def finished() -> dict | None:
        job = (await client.get(f"/api/dossiers/imports/{job_id}", headers=headers["staff"])).json()
        return job if job["state"] in ("done", "failed") else None

    return await wait_until(finished, f"import job {job_id} to end")


def started_job(response) -> int:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    match = re.fullmatch(rf"{PAGE}\?started=(\d+)#job-(\d+)", location)
    assert match and match.group(1) == match.group(2), location
    return int(match.group(1))


async def test_staff_upload_a_file_and_see_it_loaded_where_they_are(browser, client, headers, catalogue):
    await browser.sign_in_as("staff")
    statistics = (await browser.get("/dossiers")).text
    assert f'href="{PAGE}"' in statistics  # the way in, for those who may import
    form = await browser.get(PAGE)
    assert form.status_code == 200
    assert "Nạp các dòng hợp lệ, bỏ qua dòng lỗi" in form.text and "Chưa có lượt nạp nào." in form.text
    assert re.search(r'<input type="radio" id="keep_valid" name="keep_valid" value="0" checked', form.text)

    rows = [dossier(f"HS-{n}") for n in range(1, 4)]
    job_id = started_job(await upload(browser, "ho-so-quy-1.csv", dossier_file(*rows)))
    job = await ended(client, headers, job_id)
    assert (job["state"], job["created"], job["keep_valid"]) == ("done", 3, False)  # the API's own job

    shown = await browser.get(f"{PAGE}?started={job_id}")
    item = entry(shown.text, job_id)
    assert "ho-so-quy-1.csv" in item and 'class="is-updated"' in item
    assert "Đã nạp xong: 3 hồ sơ mới, 0 cập nhật, 0 không đổi." in item
    assert "Hoàn tất" in item and "hx-trigger" not in item  # ended: no more polling
    assert re.search(r"Tải lên lúc</dt><dd>\d\d/\d\d/\d{4} \d\d:\d\d</dd>", item)
    assert "Lỗi theo dòng" not in item

    again = started_job(await upload(browser, "ho-so-quy-1.csv", dossier_file(*rows, dossier("HS-4"))))
    await ended(client, headers, again)
    listing = (await browser.get(PAGE)).text
    assert "Đã nạp xong: 1 hồ sơ mới, 0 cập nhật, 3 không đổi." in entry(listing, again)
    assert "Các lượt nạp (2)" in listing


async def test_a_running_job_polls_until_it_ends(browser, world):
    job = await create_job(world.staff, "ho-so-2026.csv", keep_valid=True)
    await ImportJob.update(
        {ImportJob.state: "running", ImportJob.rows_done: 595518, ImportJob.read_fraction: 0.4999}
    ).where(ImportJob.id == job["id"])
    await browser.sign_in_as("staff")
    item = entry((await browser.get(PAGE)).text, job["id"])
    assert f'hx-get="{PAGE}/{job["id"]}"' in item and 'hx-trigger="every 2s"' in item
    assert "Đang nạp: đã đọc 595.518 dòng (49% tệp)." in item and "Đang chạy" in item
    assert '<progress max="100" value="49"' in item
    assert "Khi có dòng lỗi</dt><dd>nạp các dòng hợp lệ, bỏ qua dòng lỗi" in item

    polled = await browser.get(
        f"{PAGE}/{job['id']}?new=1", headers={"HX-Request": "true", "HX-Target": f"job-{job['id']}"}
    )
    assert polled.status_code == 200 and polled.text.lstrip().startswith("<") and "<html" not in polled.text
    assert "Đã nhận tệp ho-so-2026.csv." in polled.text and 'class="is-updated"' in polled.text
    assert "?new=1" in polled.text  # still marked as the polls replace it

    await ImportJob.update(
        {ImportJob.state: "done", ImportJob.created: 1191036, ImportJob.rows_done: 1191036}
    ).where(ImportJob.id == job["id"])
    finished = await browser.get(
        f"{PAGE}/{job['id']}", headers={"HX-Request": "true", "HX-Target": f"job-{job['id']}"}
    )
    assert "hx-trigger" not in finished.text
    assert "Đã nạp xong: 1.191.036 hồ sơ mới, 0 cập nhật, 0 không đổi." in finished.text
    opened = await browser.get(f"{PAGE}/{job['id']}")  # as an address: the list, at the job
    assert opened.status_code == 303 and opened.headers["location"] == f"{PAGE}#job-{job['id']}"
    assert (await browser.get(f"{PAGE}/999999")).status_code == 404


async def test_a_file_with_bad_rows_lists_them_by_row_and_column(browser, client, headers, catalogue):
    rows = [
        dossier("G-1"),
        dossier("B-1", procedure="9.9"),
        dossier(
            "B-2",
            received_at="2099-01-01T08:00:00+07:00",
            due_at="2099-01-15",
            outcome="open",
            resolved_at="",
        ),
    ]
    await browser.sign_in_as("staff")
    failed_id = started_job(await upload(browser, "loi.csv", dossier_file(*rows)))
    assert (await ended(client, headers, failed_id))["state"] == "failed"
    item = entry((await browser.get(PAGE)).text, failed_id)
    assert "Không nạp được: 2 dòng trong 3 dòng có lỗi nên chưa ghi hồ sơ nào." in item
    assert "Thất bại" in item and "<details open>" in item
    cells = re.findall(r'<td[^>]*data-label="(?:Dòng|Cột|Lỗi)">(.*?)</td>', item)
    assert cells == [
        "3",
        "Mã thủ tục (procedure)",
        "Mã thủ tục không có trong danh mục.",
        "4",
        "Thời điểm tiếp nhận (received_at)",
        "Thời điểm tiếp nhận ở tương lai.",
    ]
    assert "<code>2099-01-01T08:00:00+07:00</code>" in item
    assert "rows rejected" not in item  # the job's English message is the API's

    kept_id = started_job(await upload(browser, "loi.csv", dossier_file(*rows), keep_valid="1"))
    assert (await ended(client, headers, kept_id))["state"] == "done"
    item = entry((await browser.get(PAGE)).text, kept_id)
    assert "Đã nạp xong: 1 hồ sơ mới, 0 cập nhật, 0 không đổi; bỏ qua 2 dòng lỗi." in item
    assert "Lỗi theo dòng (2)" in item and "<details>" in item  # there, folded


async def test_the_first_50_errors_are_shown_with_how_many_more(browser, world):
    job = await create_job(world.staff, "nhieu-loi.csv", keep_valid=False)
    errors = [
        {
            "field": "unit",
            "reason": "unknown unit code",
            "message": "Mã đơn vị tiếp nhận không tồn tại.",
            "row": n,
            "value": "X",
        }
        for n in range(2, 1002)
    ]
    await ImportJob.update(
        {
            ImportJob.state: "failed",
            ImportJob.rows_done: 4000,
            ImportJob.rows_rejected: 3000,
            ImportJob.errors: errors,
        }
    ).where(ImportJob.id == job["id"])
    await browser.sign_in_as("admin")
    item = entry((await browser.get(PAGE)).text, job["id"])
    assert item.count('data-label="Dòng"') == 50
    assert "Lỗi theo dòng: 50 lỗi đầu tiên trong 1.000" in item
    assert (
        "Còn 950 lỗi nữa không hiện ở đây; hệ thống chỉ lưu 1.000 lỗi đầu tiên, tệp có 3.000 dòng lỗi."
        in item
    )
    assert "Không nạp được: 3.000 dòng trong 4.000 dòng có lỗi" in item


@pytest.mark.parametrize(
    ("message", "errors", "said"),
    [
        (
            "interrupted: the process stopped before the import finished; nothing was written",
            [],
            "Không nạp được: máy chủ đã dừng khi đang nạp; chưa ghi hồ sơ nào.",
        ),
        ("internal error (OSError)", [], "Không nạp được: có lỗi hệ thống khi nạp tệp"),
        (
            "file: the file has no header row",
            [
                {
                    "field": "file",
                    "reason": "the file has no header row",
                    "message": "Tệp không có dòng tiêu đề.",
                    "row": None,
                }
            ],
            "Không nạp được: Tệp không có dòng tiêu đề. Chưa ghi hồ sơ nào.",
        ),
    ],
)
async def test_a_job_that_failed_as_a_whole_says_why_in_vietnamese(browser, world, message, errors, said):
    job = await create_job(world.staff, "tep.csv", keep_valid=False)
    await ImportJob.update(
        {ImportJob.state: "failed", ImportJob.message: message, ImportJob.errors: errors}
    ).where(ImportJob.id == job["id"])
    await browser.sign_in_as("staff")
    item = entry((await browser.get(PAGE)).text, job["id"])
    assert said in item and message not in item
    if errors:
        assert (
            '<td data-label="Cột">(cả tệp)</td>' in item
            and '<td class="num" data-label="Dòng">—</td>' in item
        )


@pytest.mark.parametrize(
    ("name", "content", "beside"),
    [
        ("", b"", "Chọn tệp hồ sơ (CSV, XLSX hoặc JSON Lines) để tải lên."),
        ("ho-so.csv", b"", "Tệp đã chọn không có nội dung (0 byte): hãy chọn tệp xuất từ hệ thống một cửa."),
        ("ho-so.pdf", PDF, "Chỉ nhận tệp .csv, .xlsx, .jsonl, .ndjson; tệp gửi lên là .pdf."),
        ("ho-so.csv", cp1258("Mã hồ sơ,Tình trạng\nHS-1,mở\n"), None),  # not UTF-8
        ("ho-so.xlsx", zip_bomb(), None),
    ],
)
async def test_a_file_refused_up_front_is_a_422_said_beside_the_file_field(
    browser, world, name, content, beside
):
    await browser.sign_in_as("staff")
    refused = await upload(browser, name, content, keep_valid="1")
    assert refused.status_code == 422
    assert summary_links(refused.text) == ["file"]
    said = re.search(r'<p class="field-error" id="file-error">(.*?)</p>', refused.text)
    assert said is not None and (beside is None or said.group(1) == beside), said
    assert f'<a href="#file">{said.group(1)}</a>' in refused.text
    assert re.search(r'<input type="file" id="file"[^>]*aria-invalid="true"', refused.text)
    assert re.search(r'id="keep_valid-1" name="keep_valid" value="1" checked', refused.text)  # kept
    assert "Hãy chọn lại tệp." in refused.text
    assert await ImportJob.count() == 0
    assert not re.search(r"[A-Za-z]+ing |expected|bytes", said.group(1))  # no English reason


async def test_a_file_over_the_limit_is_refused_beside_the_field(browser, world, monkeypatch):
    small = dataclasses.replace(dossier_pages.get_settings(), import_max_bytes=2 * 1024)
    monkeypatch.setattr(dossier_pages, "get_settings", lambda: small)
    await browser.sign_in_as("staff")
    refused = await upload(browser, "lon.csv", dossier_file(*(dossier(f"HS-{n}") for n in range(40))))
    assert refused.status_code == 422
    assert '<p class="field-error" id="file-error">Tệp quá lớn: tối đa 2 KB.</p>' in refused.text
    assert "Tối đa 2 KB." in refused.text  # the hint says the limit beforehand
    assert await ImportJob.count() == 0


async def test_an_unknown_choice_is_refused_beside_it(browser, world, catalogue):
    await browser.sign_in_as("staff")
    refused = await upload(browser, "ho-so.csv", dossier_file(dossier("HS-1")), keep_valid="maybe")
    assert refused.status_code == 422
    assert summary_links(refused.text) == ["keep_valid"]
    assert (
        '<p class="field-error" id="keep_valid-error">Chọn một trong hai cách xử lý dòng lỗi.</p>'
        in refused.text
    )
    assert await ImportJob.count() == 0


@pytest.mark.parametrize("role", ["head_a", "viewer"])
async def test_only_those_who_may_import_see_the_page_upload_or_poll(browser, world, catalogue, role):
    job = await create_job(world.staff, "ho-so.csv", keep_valid=False)
    await browser.sign_in_as(role)
    assert PAGE not in (await browser.get("/dossiers")).text  # no way in offered
    for response in (
        await browser.get(PAGE),
        await browser.post(
            PAGE, {"keep_valid": "0"}, files={"file": ("ho-so.csv", dossier_file(dossier("HS-1")))}
        ),
        await browser.get(
            f"{PAGE}/{job['id']}", headers={"HX-Request": "true", "HX-Target": f"job-{job['id']}"}
        ),
    ):
        assert response.status_code == 403, (role, response.status_code)
        assert FORBIDDEN in response.text
    assert await ImportJob.count() == 1  # nothing started


async def test_a_stranger_is_sent_to_sign_in(browser, world):
    await browser.sign_in_as(None)
    for response in (await browser.get(PAGE), await browser.post(PAGE, {}, files={"file": ("a.csv", b"x")})):
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    ("address", "status"),
    [
        (f"{PAGE}?page_number=99999999999999999999", 422),  # beyond any list: said on the page
        (f"{PAGE}?page_number=0", 422),
        (f"{PAGE}?page_number=abc", 422),
        (f"{PAGE}?page_number=7", 200),  # past the last page: the last
        (f"{PAGE}?started=abc", 400),
        (f"{PAGE}?started=99999999999999999999", 200),  # no such job: no notice
        (f"{PAGE}/99999999999999999999", 404),
    ],
)
async def test_an_address_cut_or_typed_by_hand_is_a_4xx_never_a_500(browser, world, address, status):
    await browser.sign_in_as("staff")
    response = await browser.get(address, headers={"Accept": "text/html"})
    assert response.status_code == status, response.text[:300]
    assert "<html" in response.text
    assert ("Số trang không hợp lệ." in response.text) == (status == 422)


@pytest.mark.parametrize(
    ("state", "rows", "fraction", "rejected", "outcome", "bar"),
    [
        ("queued", 0, 0.0, 0, "Đang chờ nạp: tệp đã được nhận, sắp bắt đầu đọc.", "<progress aria-hidden"),
        ("running", 0, 0.0, 0, "Đang nạp: đã đọc 0 dòng (0% tệp).", '<progress max="100" value="0"'),
        (
            "running",
            5000,
            0.0099,
            0,
            "Đang nạp: đã đọc 5.000 dòng (0% tệp).",
            '<progress max="100" value="0"',
        ),
        ("running", 5000, 0.01, 2, "Đang nạp: đã đọc 5.000 dòng (1% tệp); 2 dòng có lỗi.", 'value="1"'),
        ("running", 345400, 0.29, 0, "Đang nạp: đã đọc 345.400 dòng (29% tệp).", 'value="29"'),
        ("running", 1190000, 0.9999, 0, "Đang nạp: đã đọc 1.190.000 dòng (99% tệp).", 'value="99"'),
        # the whole file read: no measure of the write, so the bar has no value
        (
            "running",
            1191036,
            1.0,
            0,
            "Đang nạp: đã đọc hết tệp (1.191.036 dòng), đang kiểm tra và ghi vào cơ sở dữ liệu.",
            "<progress aria-hidden",
        ),
    ],
)
async def test_a_running_job_says_how_far_it_has_read(
    browser, world, state, rows, fraction, rejected, outcome, bar
):
    job = await create_job(world.staff, "ho-so-2026.csv", keep_valid=True)
    await ImportJob.update(
        {
            ImportJob.state: state,
            ImportJob.rows_done: rows,
            ImportJob.read_fraction: fraction,
            ImportJob.rows_rejected: rejected,
        }
    ).where(ImportJob.id == job["id"])
    await browser.sign_in_as("staff")
    item = entry((await browser.get(PAGE)).text, job["id"])
    assert outcome in item and bar in item
    notice = (await browser.get("/dossiers/imports", headers={"HX-Request": "true"})).text
    expected = (
        "đang chuẩn bị tệp"
        if state == "queued"
        else outcome.removeprefix("Đang nạp: ").split(";")[0].rstrip(".")
    )
    assert f"ho-so-2026.csv: {expected}" in notice
