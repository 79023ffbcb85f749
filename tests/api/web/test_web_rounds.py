"""The reporting-round pages on both engines: staff open a round; a unit fills its form (errors
beside their fields, what was typed kept), uploads it from Excel (errors by cell), sends it after
a confirmation; staff return a field with a comment, the unit sees it and sends again; staff
accept after a confirmation; the completeness page puts late units first; who may see what; what
each round notice asks of the unit."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from models.notifications.tables import Notification
from models.rounds import submissions as subs
from models.rounds.rounds import NOTICES, completeness, get_round, notify_units
from tests.rounds_world import CATALOGUE_HEADER, open_test_round
from tests.sample_files import PDF, csv_bytes, xlsx_bytes, zip_bomb

pytestmark = pytest.mark.anyio


@pytest.fixture
async def opened(world, today):
    return await open_test_round(world)


async def _sid(world, opened, unit=None) -> int:
    return await subs.submission_id_for(world.staff, opened.round_id, unit or world.unit_a)


async def test_staff_open_a_round_from_the_rounds_page(browser, world, today):
    from models.rounds.catalogue import load_default_catalogue

    await load_default_catalogue()
    await browser.sign_in_as("staff")
    page = await browser.get("/rounds")
    assert page.status_code == 200 and "Mở đợt báo cáo" in page.text
    refused = await browser.post("/rounds", {"period": "2024-H1", "deadline": "31/02/2024"})
    assert refused.status_code == 422
    assert 'id="deadline-error"' in refused.text and 'value="31/02/2024"' in refused.text
    done = await browser.post("/rounds", {"period": "2024-H1", "deadline": "10/07/2024"})
    assert done.status_code == 303 and done.headers["location"].endswith("?opened=1")
    shown = await browser.get(done.headers["location"])
    assert "0/2 đơn vị đã nộp" in shown.text and "Đã mở đợt báo cáo" in shown.text


async def test_a_unit_fills_sends_is_returned_and_sends_again(browser, world, opened):
    sid = await _sid(world, opened)
    await browser.sign_in_as("reporter_a")
    assert (await browser.get("/rounds")).text.count(f"/submissions/{sid}") == 1
    form = await browser.get(f"/submissions/{sid}")
    assert form.status_code == 200 and 'name="figures.TC01"' in form.text
    bad = await browser.post(
        f"/submissions/{sid}", {"version": "1", "figures.TC01": "mười", "figures.CD01": "3", "action": "save"}
    )
    assert bad.status_code == 422
    assert (
        'id="figures.TC01-error"' in bad.text and 'value="mười"' in bad.text and "Chưa lưu được" in bad.text
    )
    missing = await browser.post(
        f"/submissions/{sid}", {"version": "1", "figures.CD01": "3", "action": "submit"}
    )
    assert (
        missing.status_code == 422 and 'id="figures.TC01-error"' in missing.text
    )  # required, saved meanwhile
    fields = {
        "version": "2",
        "figures.CD01": "3",
        "figures.CD02": "1",
        "figures.TC01": "12",
        "answers.II.1": "Rà soát 40 văn bản.",
    }
    confirm = await browser.post(f"/submissions/{sid}", {**fields, "action": "submit"})
    assert confirm.status_code == 200 and "Sau khi nộp, đơn vị không sửa được" in confirm.text
    sent = await browser.post(f"/submissions/{sid}/submit", {"version": "3", "confirmed": "yes"})
    assert sent.status_code == 303
    read_only = await browser.get(sent.headers["location"])
    assert "Đã nộp báo cáo" in read_only.text and 'name="figures.TC01"' not in read_only.text

    await browser.sign_in_as("staff")
    review = await browser.get(f"/submissions/{sid}")
    assert 'name="comments.figures.TC01"' in review.text and 'form="review"' in review.text
    returned = await browser.post(
        f"/submissions/{sid}/review",
        {"version": "4", "action": "return", "comments.figures.TC01": "Số văn bản chưa khớp."},
    )
    assert returned.status_code == 303

    await browser.sign_in_as("head_a")
    again = await browser.get(f"/submissions/{sid}")
    assert "Sở Nội vụ đã trả lại báo cáo để sửa" in again.text and "Số văn bản chưa khớp." in again.text
    confirm = await browser.post(
        f"/submissions/{sid}", {**fields, "version": "5", "figures.TC01": "10", "action": "submit"}
    )
    assert confirm.status_code == 200
    assert (
        await browser.post(f"/submissions/{sid}/submit", {"version": "6", "confirmed": "yes"})
    ).status_code == 303

    await browser.sign_in_as("staff")
    confirm = await browser.post(f"/submissions/{sid}/review", {"version": "7", "action": "accept"})
    assert confirm.status_code == 200 and "Tiếp nhận báo cáo 6 tháng đầu năm 2024" in confirm.text
    accepted = await browser.post(
        f"/submissions/{sid}/review", {"version": "7", "action": "accept", "confirmed": "yes"}
    )
    assert accepted.status_code == 303
    state = await browser.get(f"/rounds/{opened.round_id}")
    assert "1/3 đơn vị đã nộp" in state.text and "Chưa có số liệu của: Sở Y tế, Xã Hải Hà" in state.text


CD01 = "CD01 · Số văn bản chỉ đạo, điều hành cải cách hành chính đã ban hành"


@pytest.mark.parametrize(
    ("field", "typed", "action", "summary", "beside"),
    [
        ("figures.CD01", "2,5", "save", CD01, "Phải là số nguyên."),
        (
            "figures.CD02",
            "-1",
            "save",
            "CD02 · Số cuộc kiểm tra công tác cải cách hành chính đã thực hiện",
            "Không được nhỏ hơn 0.",
        ),
        (
            "figures.TT04",
            "100,01",
            "save",
            "TT04 · Tỷ lệ hồ sơ tiếp nhận trực tuyến",
            "Không được lớn hơn 100.",
        ),
        (
            "figures.TC01",
            "mười",
            "save",
            "TC01 · Số văn bản quy phạm pháp luật đã ban hành",
            "Phải là một số (ví dụ 1.250 hoặc 95,5).",
        ),
        (
            "figures.CDS04",
            "có lẽ",
            "save",
            "CDS04 · Hệ thống quản lý văn bản kết nối, liên thông bốn cấp",
            "Chọn Có hoặc Không.",
        ),
        ("notes.CD01", "x" * 1001, "save", f"Ghi chú cho {CD01}", "Tối đa 1.000 ký tự."),
        ("answers.II.1", "x" * 20_001, "save", "Kết quả nổi bật về cải cách thể chế", "Tối đa 20.000 ký tự."),
        ("figures.CD01", "", "submit", CD01, "Chưa nhập số liệu; đây là chỉ tiêu bắt buộc."),
    ],
)
async def test_each_error_in_the_summary_names_its_indicator(
    browser, world, opened, field, typed, action, summary, beside
):
    """On a form of thirty indicators, 'Phải là số nguyên.' at the top does not say which: each
    summary line names the field as the form shows it and links to it; beside it, the short message."""
    sid = await _sid(world, opened)
    await browser.sign_in_as("head_a")
    await browser.get(f"/submissions/{sid}")
    filled = {"figures.CD02": "1", "figures.TC01": "3"} if action == "submit" else {}
    refused = await browser.post(
        f"/submissions/{sid}", {"version": "1", **filled, field: typed, "action": action}
    )
    assert refused.status_code == 422
    assert f'<a href="#{field}">{summary}: {beside}</a>' in refused.text
    assert f'<p class="field-error" id="{field}-error">{beside}</p>' in refused.text


async def test_a_stale_save_keeps_what_was_typed(browser, world, opened):
    sid = await _sid(world, opened)
    await subs.save(world.head_a, sid, subs.Changes(figures={"CD01": 1}))
    await browser.sign_in_as("reporter_a")
    stale = await browser.post(f"/submissions/{sid}", {"version": "1", "figures.CD01": "7", "action": "save"})
    assert stale.status_code == 412 and 'value="7"' in stale.text and "lưu trước bạn" in stale.text
    assert (await subs.get_submission(world.head_a, sid))["figures"]["CD01"] == 1


async def test_an_uploaded_form_with_a_bad_cell_is_refused_by_cell(browser, world, opened):
    sid = await _sid(world, opened, world.unit_b)
    await browser.sign_in_as("head_b")
    download = await browser.client.get(f"/api/submissions/{sid}/form")
    book = load_workbook(io.BytesIO(download.content))
    sheet = book.active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "CD01")
    row[4].value = "ba"
    out = io.BytesIO()
    book.save(out)
    page = await browser.get(f"/submissions/{sid}")
    assert page.status_code == 200
    refused = await browser.post(
        f"/submissions/{sid}/upload", files={"file": ("bao-cao.xlsx", out.getvalue())}
    )
    assert refused.status_code == 422
    assert f"Ô E{row[0].row}: Phải là một số" in refused.text


@pytest.mark.parametrize(
    ("name", "content", "status", "beside", "lines"),
    [
        # the page is shown again, 422, whatever the file's fault (a 415 or 413 on the API)
        # a text file named .xlsx, a zip holding no workbook: said once, beside the field
        ("bao-cao.xlsx", b"Ma,So lieu\nCD01,3\n", 422, "Tệp không phải bảng tính Excel (.xlsx).", []),
        (
            "bao-cao.xlsx",
            xlsx_bytes([["x"]]).replace(b"xl/", b"wd/"),
            422,
            "Tệp không phải bảng tính Excel (.xlsx).",
            [],
        ),
        ("bao-cao.pdf", PDF, 422, "Chỉ nhận tệp .csv, .xlsx; tệp gửi lên là .pdf.", []),
        (
            "bao-cao.xlsx",
            zip_bomb(),
            422,
            "Tệp nén (Excel/Word) giải nén ra quá lớn hoặc có tỉ lệ nén bất thường "
            "(nghi là “bom nén”); hệ thống không mở tệp này.",
            [],
        ),
        # what is wrong where in the file: counted beside the field, each listed under it
        (
            "bao-cao.csv",
            csv_bytes([["Mã", "Số liệu / nội dung", "Hạn"], ["CD01", "3", ""]]),
            422,
            "Tệp có 1 lỗi nên chưa lưu gì; sửa trong Excel rồi tải lên lại.",
            ["Cột &#39;Hạn&#39; không có trong mẫu."],
        ),
    ],
)
async def test_a_refused_upload_says_why_in_vietnamese(
    browser, world, opened, name, content, status, beside, lines
):
    sid = await _sid(world, opened, world.unit_b)
    await browser.sign_in_as("head_b")
    await browser.get(f"/submissions/{sid}")
    refused = await browser.post(f"/submissions/{sid}/upload", files={"file": (name, content)})
    assert refused.status_code == status
    assert f'<p class="field-error" id="file-error">{beside}</p>' in refused.text
    assert f'<a href="#file">{beside}</a>' in refused.text  # the summary at the top says the same
    shown = re.findall(r'<li class="field-error">(.*?)</li>', refused.text)
    assert shown == lines
    assert "workbook" not in refused.text and "expected" not in refused.text  # no English reason


async def test_late_units_come_first_and_others_cannot_open_a_unit_form(browser, world, opened):
    sid_a = await _sid(world, opened)
    await browser.sign_in_as("head_b")
    assert (await browser.get(f"/submissions/{sid_a}")).status_code == 403
    await browser.sign_in_as("viewer")
    assert (await browser.get(f"/submissions/{sid_a}")).status_code == 403
    assert (await browser.get(f"/rounds/{opened.round_id}")).status_code == 200  # figures: everyone reads
    assert (await browser.post(f"/submissions/{sid_a}/review", {"action": "accept"})).status_code == 403
    state = await completeness(opened.round_id, today=opened_deadline_passed())
    assert [u["late"] for u in state["units"]] == [True, True, True]


def opened_deadline_passed():
    from datetime import date

    return date(2024, 7, 1)


async def test_a_unit_attaches_evidence_and_a_wrong_file_is_refused_beside_the_field(browser, world, opened):
    from tests.sample_files import PNG

    sid = await _sid(world, opened)
    await browser.sign_in_as("head_a")
    await browser.get(f"/submissions/{sid}")
    refused = await browser.post(f"/submissions/{sid}/files", files={"evidence": ("a.png", b"plain text")})
    assert refused.status_code == 422 and 'id="evidence-error"' in refused.text
    done = await browser.post(f"/submissions/{sid}/files", files={"evidence": ("bien-ban.png", PNG)})
    assert done.status_code == 303
    page = await browser.get(done.headers["location"])
    assert "Đã đính kèm tệp minh chứng." in page.text and "bien-ban.png" in page.text


GOOD_INDICATOR = ["X1", "Số hội nghị", "I", "Số lượng", "Sở, ban, ngành", "Cộng tổng"]


def summary_links_reach_their_fields(html: str) -> list[str]:
    """The error summary's links; each must be the id of an element on the page."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary is not None
    links = re.findall(r'href="#([^"]+)"', summary.group(0))
    assert links and all(f'id="{link}"' in html for link in links)
    return links


def file_input(html: str) -> str:
    found = re.search(r'<input type="file" id="file"[^>]*>', html)
    assert found is not None
    return found.group(0)


async def test_the_catalogue_page_imports_a_file_all_or_nothing(browser, world, today):
    bad = ["X2", "Tỷ lệ", "II.9", "Tỷ lệ (%)", "Sở, ban, ngành", "Trung bình"]
    await browser.sign_in_as("staff")
    page = await browser.get("/rounds/indicators")
    assert page.status_code == 200 and "không phải biểu mẫu chính thức" in page.text
    assert "aria-invalid" not in file_input(page.text) and "error-summary" not in page.text
    refused = await browser.post(
        "/rounds/indicators", files={"file": ("ct.csv", csv_bytes([CATALOGUE_HEADER, GOOD_INDICATOR, bad]))}
    )
    assert refused.status_code == 422 and "<td>X1</td>" not in refused.text  # nothing written
    done = await browser.post(
        "/rounds/indicators", files={"file": ("ct.csv", csv_bytes([CATALOGUE_HEADER, GOOD_INDICATOR]))}
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/rounds/indicators?created=1&updated=0"
    shown = await browser.get(done.headers["location"])
    assert "Đã nhập danh mục: 1 chỉ tiêu mới, 0 chỉ tiêu cập nhật." in shown.text
    assert "Số hội nghị" in shown.text


async def test_catalogue_row_errors_are_tied_to_the_file_field(browser, world, today):
    rows = [
        CATALOGUE_HEADER,
        GOOD_INDICATOR,
        ["X2", "", "I", "lít", "Sở, ban, ngành", "Cộng tổng"],  # two errors, told in one round
        ["X3", "Tỷ lệ", "II.9", "Tỷ lệ (%)", "Sở, ban, ngành", "Trung bình"],
        ["X1", "Lặp", "I", "Số lượng", "Sở, ban, ngành", "Cộng tổng"],
        ["", "Không mã", "I", "Số lượng", "Sở, ban, ngành", "Cộng tổng"],
    ]
    await browser.sign_in_as("staff")
    await browser.get("/rounds/indicators")
    refused = await browser.post("/rounds/indicators", files={"file": ("ct.csv", csv_bytes(rows))})
    assert refused.status_code == 422
    beside = "Tệp có 4 dòng lỗi; sửa rồi tải lên lại."
    assert summary_links_reach_their_fields(refused.text) == ["file"]
    assert f'<a href="#file">{beside}</a>' in refused.text
    assert f'<p class="field-error" id="file-error">{beside}</p>' in refused.text
    field = file_input(refused.text)
    assert 'aria-invalid="true"' in field and 'aria-describedby="file-hint file-lines file-error"' in field
    table = re.search(r'<div class="table-wrap" id="file-lines".*?</table>', refused.text, re.S)
    assert table is not None
    cells = [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
        if "<td" in row
    ]
    assert cells == [
        (
            "3",
            "Đơn vị tính",
            "lít",
            "Đơn vị tính không hợp lệ; ghi một trong: “Số lượng”, “Tỷ lệ (%)”, “Số tiền (triệu đồng)”, "
            "“Có / Không”, “Nội dung”.",
        ),
        ("3", "Tên chỉ tiêu", "(để trống)", "Nhập tên chỉ tiêu."),
        ("4", "Mục báo cáo", "II.9", "Mục báo cáo không hợp lệ (I, II.1 … II.6)."),
        ("5", "Mã chỉ tiêu", "X1", "Mã chỉ tiêu bị trùng."),
        ("6", "Mã chỉ tiêu", "(để trống)", "Nhập mã chỉ tiêu."),
    ]
    assert "<code>lít</code>" in table.group(0)
    assert "Số hội nghị" not in refused.text  # all or nothing: row 2 was not written either


@pytest.mark.parametrize(
    ("name", "content", "beside", "lines"),
    [
        ("danh-muc.txt", b"Ma,Ten\nX1,So\n", "Chỉ nhận tệp .csv, .xlsx; tệp gửi lên là .txt.", []),
        ("danh-muc.xlsx", PDF, "Tệp là PDF (application/pdf), không phải bảng tính CSV hoặc Excel.", []),
        ("danh-muc.xlsx", b"Ma,Ten\nX1,So\n", "Tệp không phải bảng tính Excel (.xlsx).", []),
        (
            "danh-muc.xlsx",
            zip_bomb(),
            "Tệp nén (Excel/Word) giải nén ra quá lớn hoặc có tỉ lệ nén bất thường "
            "(nghi là “bom nén”); hệ thống không mở tệp này.",
            [],
        ),
        (
            "danh-muc.csv",
            csv_bytes([["Mã chỉ tiêu", "Tên", "Hạn"], ["X1", "Số", ""]]),
            "Dòng tiêu đề (dòng 1) của tệp không khớp với mẫu; sửa rồi tải lên lại.",
            ["Cột không có trong mẫu: “Tên”, “Hạn”."],
        ),
        ("", b"", "Chọn tệp danh mục (.xlsx hoặc .csv).", []),
    ],
)
async def test_a_refused_catalogue_file_is_a_422_said_beside_the_field(
    browser, world, today, name, content, beside, lines
):
    """Whatever is wrong with the file (its type too, a 415 on the API), the form answers 422,
    says it in the summary and beside the field, in Vietnamese."""
    await browser.sign_in_as("staff")
    await browser.get("/rounds/indicators")
    refused = await browser.post("/rounds/indicators", files={"file": (name, content)})
    assert refused.status_code == 422
    assert summary_links_reach_their_fields(refused.text) == ["file"]
    assert f'<a href="#file">{beside}</a>' in refused.text
    assert f'<p class="field-error" id="file-error">{beside}</p>' in refused.text
    assert 'aria-invalid="true"' in file_input(refused.text)
    header = re.search(r'<ul id="file-lines"[^>]*>(.*?)</ul>', refused.text, re.S)
    shown = re.findall(r"<li>(.*?)</li>", header.group(1)) if header else []
    assert shown[: len(lines)] == lines
    assert "workbook" not in refused.text and "expected" not in refused.text  # no English reason


@pytest.mark.parametrize(
    "query",
    [
        "imported=Tài khoản của bạn bị khóa, gọi 0900 000 000",
        "imported=%3Cb%3Eh%E1%BB%8Dp%3C%2Fb%3E",
        "created=Tài khoản bị khóa&updated=1",
        "created=1",
        "created=-1&updated=2",
        "created=1.5&updated=2",
        "created=９&updated=2",
        "created=9999&updated=0",
        "created=" + "0" * 5000 + "&updated=0",
    ],
)
async def test_the_import_notice_never_shows_text_from_the_address(browser, world, today, query):
    await browser.sign_in_as("staff")
    page = await browser.get(f"/rounds/indicators?{query}")
    assert page.status_code == 200
    assert 'class="notice"' not in page.text and "Đã nhập" not in page.text
    assert "khóa" not in page.text and "họp" not in page.text


async def test_the_import_notice_is_composed_from_the_counts(browser, world, today):
    await browser.sign_in_as("viewer")
    page = await browser.get("/rounds/indicators?created=3&updated=2")
    assert (
        '<div class="notice" role="status"><p>Đã nhập danh mục: 3 chỉ tiêu mới, 2 chỉ tiêu cập nhật.</p>'
        in (page.text)
    )


@pytest.mark.parametrize("who", ["viewer", "head_a", "head_b"])
async def test_only_staff_import_the_catalogue(browser, world, today, who):
    await browser.sign_in_as(who)
    page = await browser.get("/rounds/indicators")
    assert page.status_code == 200 and 'action="/rounds/indicators"' not in page.text
    denied = await browser.post(
        "/rounds/indicators", files={"file": ("ct.csv", csv_bytes([CATALOGUE_HEADER, GOOD_INDICATOR]))}
    )
    assert denied.status_code == 403
    await browser.sign_in_as("staff")
    assert "Số hội nghị" not in (await browser.get("/rounds/indicators")).text


async def test_a_unit_head_names_the_units_reporter(browser, world, today):
    await browser.sign_in_as("head_a")
    page = await browser.get("/rounds")
    assert "Đơn vị chưa có cán bộ đầu mối." in page.text
    short = await browser.post(
        "/rounds/reporters", {"username": "dau moi", "full_name": "Lê Văn Bình", "password": "ngan"}
    )
    assert (
        short.status_code == 422
        and 'id="r-username-error"' in short.text
        and 'id="r-password-error"' in short.text
    )
    assert 'value="Lê Văn Bình"' in short.text
    done = await browser.post(
        "/rounds/reporters",
        {"username": "daumoi-stp", "full_name": "Lê Văn Bình", "password": "tam-thoi-2025"},
    )
    assert done.status_code == 303
    shown = await browser.get(done.headers["location"].split("#")[0])
    assert "Đã tạo tài khoản đầu mối" in shown.text and "Lê Văn Bình (daumoi-stp)" in shown.text
    await browser.sign_in_as("viewer")
    assert "Chỉ định cán bộ đầu mối" not in (await browser.get("/rounds")).text
    assert (
        await browser.post(
            "/rounds/reporters", {"username": "x1", "full_name": "X", "password": "tam-thoi-2025"}
        )
    ).status_code == 403


async def test_the_draft_offers_the_units_answers_with_the_unit_named(browser, world, opened):
    sid = await _sid(world, opened)
    figures = {"CD01": 3, "CD02": 2, "TC01": 12}
    await subs.submit(
        world.head_a, sid, subs.Changes(figures=figures, answers={"II.1": "Rà soát 40 văn bản."})
    )
    await subs.accept(world.staff, sid)
    await browser.sign_in_as("staff")
    draft = await browser.get("/reports/drafts?period=2024-H1")
    assert draft.status_code == 200
    assert "Sở Tư pháp: Rà soát 40 văn bản." in draft.text and "Đưa vào dự thảo" in draft.text
    taken = await browser.post(
        "/reports/drafts/changes",
        {
            "period": "2024-H1",
            "version": "0",
            "op": "add",
            "section": "II.1",
            "key": "",
            "text": "Sở Tư pháp: Rà soát 40 văn bản.",
        },
    )
    assert taken.status_code == 303
    after = await browser.get(taken.headers["location"])
    assert "Sở Tư pháp: Rà soát 40 văn bản." in after.text and "Đưa vào dự thảo" not in after.text


async def test_staff_close_a_round_after_a_confirmation(browser, world, opened):
    await browser.sign_in_as("staff")
    confirm = await browser.post(f"/rounds/{opened.round_id}/close", {})
    assert confirm.status_code == 200 and "Đơn vị chưa nộp" in confirm.text and "Sở Y tế" in confirm.text
    done = await browser.post(f"/rounds/{opened.round_id}/close", {"confirmed": "yes"})
    assert done.status_code == 303
    assert "Đã khóa đợt báo cáo." in (await browser.get(done.headers["location"])).text
    sid = await _sid(world, opened)
    await browser.sign_in_as("head_a")
    assert (
        'name="figures.CD01"' not in (await browser.get(f"/submissions/{sid}")).text
    )  # read-only once closed
    await browser.sign_in_as("viewer")
    assert (await browser.post(f"/rounds/{opened.round_id}/close", {"confirmed": "yes"})).status_code == 403


# --- accepting after a confirmation; the review's errors; the notices ---------------------------

FIGURES = {"CD01": 3, "CD02": 2, "TC01": 12}
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


async def _submitted(world, opened) -> tuple[int, int]:
    """Unit A's report, sent: its id and version."""
    sid = await _sid(world, opened)
    sent = await subs.submit(world.head_a, sid, subs.Changes(figures=FIGURES))
    return sid, sent["version"]


async def _accepted_notices(world) -> list[dict]:
    return await Notification.select(Notification.body).where(
        (Notification.kind == "round_accepted") & (Notification.account == world.head_a.account_id)
    )


async def test_accepting_shows_a_confirmation_and_only_the_confirmed_post_accepts(browser, world, opened):
    sid, version = await _submitted(world, opened)
    await browser.sign_in_as("staff")
    page = await browser.get(f"/submissions/{sid}")
    assert '<button type="submit" name="action" value="accept">Tiếp nhận</button>' in page.text
    confirm = await browser.post(
        f"/submissions/{sid}/review",
        {"version": str(version), "action": "accept", "comments.general": "Ghi nhầm"},
    )
    assert confirm.status_code == 200
    assert "<h1>Tiếp nhận báo cáo 6 tháng đầu năm 2024 của Sở Tư pháp?</h1>" in confirm.text
    assert "Đơn vị không sửa hay nộp lại báo cáo này được nữa" in confirm.text
    assert "đưa vào phần tổng hợp" in confirm.text and "Nhận xét bạn vừa ghi không được gửi" in confirm.text
    assert f'action="/submissions/{sid}/review"' in confirm.text
    assert set(HIDDEN.findall(confirm.text)) >= {
        ("action", "accept"),
        ("version", str(version)),
        ("confirmed", "yes"),
    }
    stored = await subs.get_submission(world.staff, sid)
    assert (stored["status"], stored["version"]) == ("submitted", version)  # nothing accepted yet
    assert await _accepted_notices(world) == []

    done = await browser.post(
        f"/submissions/{sid}/review", {"version": str(version), "action": "accept", "confirmed": "yes"}
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?done=accepted")
    stored = await subs.get_submission(world.staff, sid)
    assert (stored["status"], stored["version"]) == ("accepted", version + 1)
    assert "Đã tiếp nhận báo cáo của đơn vị." in (await browser.get(done.headers["location"])).text


@pytest.mark.parametrize("at", ["asking", "confirming"])
async def test_a_stale_version_is_refused_at_either_step_with_nothing_written(browser, world, opened, at):
    """The reviewer saw version v; staff entered a figure meanwhile (v + 1): the confirmation is
    not offered for what they did not see, and a confirmation already shown accepts nothing."""
    sid, version = await _submitted(world, opened)
    await browser.sign_in_as("staff")
    await browser.get(f"/submissions/{sid}")
    posted = {"version": str(version), "action": "accept"}
    if at == "confirming":
        assert (await browser.post(f"/submissions/{sid}/review", posted)).status_code == 200
        posted["confirmed"] = "yes"
    await subs.enter_on_behalf(world.staff, sid, "CD01", "4", "Theo văn bản gửi kèm.")
    stale = await browser.post(f"/submissions/{sid}/review", posted)
    assert stale.status_code == 412 and "lưu trước bạn" in stale.text and "<h1>Tiếp nhận" not in stale.text
    stored = await subs.get_submission(world.staff, sid)
    assert (stored["status"], stored["version"], stored["figures"]["CD01"]) == ("submitted", version + 1, 4)
    assert "accepted" not in {event["kind"] for event in await subs.history(world.staff, sid)}
    assert await _accepted_notices(world) == []


@pytest.mark.parametrize("username", ["head_a", "reporter_a", "head_b", "viewer"])
@pytest.mark.parametrize("confirmed", [False, True])
async def test_only_staff_may_accept_at_either_step(browser, world, opened, username, confirmed):
    sid, version = await _submitted(world, opened)
    await browser.sign_in_as(username)
    posted = {"version": str(version), "action": "accept"} | ({"confirmed": "yes"} if confirmed else {})
    refused = await browser.post(f"/submissions/{sid}/review", posted)
    assert refused.status_code == 403 and "Tiếp nhận báo cáo" not in refused.text
    stored = await subs.get_submission(world.staff, sid)
    assert (stored["status"], stored["version"]) == ("submitted", version)


SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)


@pytest.mark.parametrize(
    ("posted", "field", "message", "kept"),
    [
        # no comment at all: said beside "Nhận xét chung", where a general comment goes
        (
            {"action": "return", "comments.general": "  "},
            "comments.general",
            "Cần ghi nhận xét cho ít nhất một trường.",
            "",
        ),
        (
            {"action": "return", "comments.general": "Xem lại. " + "x" * 1000},
            "comments.general",
            "Nhận xét tối đa 1.000 ký tự.",
            "Xem lại. " + "x" * 1000,
        ),
        (
            {"action": "return", "comments.figures.TC01": "y" * 1001, "comments.general": "Sửa TC01."},
            "comments.figures.TC01",
            "Nhận xét tối đa 1.000 ký tự.",
            "Sửa TC01.",
        ),
        (
            {"action": "return", "comments.answers.II.1": "z" * 1001},
            "comments.answers.II.1",
            "Nhận xét tối đa 1.000 ký tự.",
            "z" * 1001,
        ),
        # a comment on a field the page has no box for: said at the top, linking nowhere
        (
            {"action": "return", "comments.notes.CD01": "Ghi chú?", "comments.general": "Sửa."},
            "form",
            "Trường không có trong biểu mẫu.",
            "Sửa.",
        ),
    ],
)
async def test_the_review_errors_link_to_their_boxes_and_sit_beside_them(
    browser, world, opened, posted, field, message, kept
):
    sid, version = await _submitted(world, opened)
    await browser.sign_in_as("staff")
    await browser.get(f"/submissions/{sid}")
    refused = await browser.post(f"/submissions/{sid}/review", {"version": str(version), **posted})
    assert refused.status_code == 422 and "Chưa trả lại được: có 1 lỗi cần sửa" in refused.text
    ids = set(re.findall(r'\bid="([^"]+)"', refused.text))
    (summary,) = SUMMARY.findall(refused.text)
    links = re.findall(r'href="#([^"]+)"', summary)
    assert set(links) <= ids  # every link in the summary leads to an element of the page
    if field == "form":
        assert links == [] and message in summary
    else:
        assert links == [f"review-{field}"]
        assert f'<p class="field-error" id="review-{field}-error">{message}</p>' in refused.text
        assert f'aria-describedby="review-{field}-error"' in refused.text
    if kept:
        assert kept in refused.text  # what was typed is shown again
    stored = await subs.get_submission(world.staff, sid)
    assert (stored["status"], stored["version"]) == ("submitted", version)


async def test_accepting_a_report_not_sent_says_why_at_the_top(browser, world, opened):
    sid = await _sid(world, opened)
    await browser.sign_in_as("staff")
    await browser.get(f"/submissions/{sid}")
    refused = await browser.post(f"/submissions/{sid}/review", {"version": "1", "action": "accept"})
    assert refused.status_code == 409 and "<h1>Tiếp nhận" not in refused.text
    (summary,) = SUMMARY.findall(refused.text)
    assert "Chưa tiếp nhận được" in summary and "Chỉ duyệt được báo cáo đơn vị đã nộp." in summary
    assert "href=" not in summary


REST = "Báo cáo cải cách hành chính 6 tháng đầu năm 2024. "
TO_SEND = "hoàn thành và nộp tại trang Báo cáo định kỳ của đơn vị trước hạn 25/06/2024."


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("round_opened", "Điền và nộp báo cáo tại trang Báo cáo định kỳ của đơn vị trước hạn 25/06/2024."),
        ("round_due_in_3", f"Đơn vị chưa nộp báo cáo: {TO_SEND}"),
        ("round_due_in_1", f"Đơn vị chưa nộp báo cáo: {TO_SEND}"),
        (
            "round_overdue",
            "Đơn vị chưa nộp báo cáo dù đã quá hạn nộp (25/06/2024): hoàn thành và nộp ngay tại trang "
            "Báo cáo định kỳ của đơn vị.",
        ),
        (
            "round_returned",
            "Sở Nội vụ đã trả lại báo cáo kèm nhận xét: xem nhận xét, sửa và nộp lại tại trang "
            "Báo cáo định kỳ của đơn vị.",
        ),
        (
            "round_accepted",
            "Sở Nội vụ đã tiếp nhận báo cáo và đưa số liệu vào tổng hợp; đơn vị không cần làm gì thêm.",
        ),
    ],
)
async def test_each_round_notice_says_what_it_asks_of_the_unit(world, opened, kind, body):
    await notify_units(await get_round(opened.round_id), kind, [world.unit_b], "test")
    rows = await Notification.select(Notification.body).where(
        (Notification.kind == kind)
        & (Notification.account == world.head_b.account_id)
        & Notification.dedupe_key.like("%:test")  # not the notice the round's opening sent
    )
    assert [row["body"] for row in rows] == [REST + body]


def test_every_round_notice_has_its_own_text():
    from models.rounds.rounds import NOTICE_BODIES

    assert set(NOTICE_BODIES) == set(NOTICES)


async def test_the_unit_told_its_report_was_accepted_is_not_asked_to_send_it(browser, world, opened):
    sid, version = await _submitted(world, opened)
    await browser.sign_in_as("staff")
    await browser.get(f"/submissions/{sid}")
    posted = {"version": str(version), "action": "accept", "confirmed": "yes"}
    assert (await browser.post(f"/submissions/{sid}/review", posted)).status_code == 303
    await browser.sign_in_as("head_a")
    shown = (await browser.get("/notifications")).text
    assert "Báo cáo 6 tháng đầu năm 2024 của đơn vị đã được tiếp nhận" in shown
    assert "đơn vị không cần làm gì thêm." in shown
    assert [row["body"] for row in await _accepted_notices(world)] == [
        REST + "Sở Nội vụ đã tiếp nhận báo cáo và đưa số liệu vào tổng hợp; đơn vị không cần làm gì thêm."
    ]
