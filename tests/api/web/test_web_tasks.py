"""The progress form: a report with evidence, Vietnamese errors beside their fields, and a
stale edit explained with the typed text and the uploaded file kept."""

from __future__ import annotations

import re

import pytest

from api.web.forms import DATE_INVALID
from models.plans.tasks import ProgressReport, report_progress

# Every test on 30/06/2024 by the stopped clock (the today fixture), never on the real date.
pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("today")]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def field_error(html: str, field: str) -> str:
    """The message shown under ``field`` (the input points at it with aria-describedby)."""
    match = re.search(rf'<p class="field-error" id="{re.escape(field)}-error">([^<]*)</p>', html)
    assert match, f"no error shown for {field}"
    assert re.search(rf'id="{re.escape(field)}"[^>]*aria-invalid="true"', html, re.S), field
    return match.group(1)


async def test_unit_head_reports_completion_with_evidence(browser, world):
    await browser.sign_in_as("head_a")
    page = await browser.get("/my-tasks")
    assert "Rà soát văn bản quy phạm pháp luật" in page.text and "Số hóa hồ sơ bệnh án" not in page.text
    response = await browser.post(
        f"/tasks/{world.task_a}/updates",
        {
            "status": "completed",
            "progress": "100",
            "note": "Đã ban hành báo cáo",
            "version": "1",
            "return_to": "my-tasks",
        },
        files={"file": ("bao-cao.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/my-tasks?updated={world.task_a}#task-{world.task_a}"
    done = await browser.get(f"/my-tasks?updated={world.task_a}")
    assert "Đã cập nhật nhiệm vụ <strong>II.1</strong>: hoàn thành, tiến độ 100%." in done.text
    detail = await browser.get(f"/tasks/{world.task_a}")
    assert "bao-cao.pdf" in detail.text and "Đã ban hành báo cáo" in detail.text
    evidence_link = re.search(r'href="(/api/evidence/\d+)"', detail.text).group(1)
    assert (await browser.client.get(evidence_link)).content == PDF
    dashboard = await browser.get("/")
    assert "1/2 nhiệm vụ đã hoàn thành" in dashboard.text


async def test_bad_input_shows_vietnamese_errors_beside_fields(browser, world):
    await browser.sign_in_as("head_a")
    base = {"version": "1"}
    bad_progress = await browser.post(f"/tasks/{world.task_a}/updates", {**base, "progress": "150%"})
    assert bad_progress.status_code == 422
    assert field_error(bad_progress.text, "progress") == "Tiến độ phải là số nguyên từ 0 đến 100."
    assert 'value="150%"' in bad_progress.text  # what was typed stays in the field

    no_note = await browser.post(f"/tasks/{world.task_a}/updates", {**base, "status": "completed"})
    assert no_note.status_code == 422
    assert field_error(no_note.text, "note") == (
        "Khi báo cáo hoàn thành cần ghi chú kết quả hoặc đính kèm minh chứng."
    )

    bad_date = await browser.post(
        f"/tasks/{world.task_a}/updates",
        {**base, "status": "completed", "note": "x", "completed_on": "31/02/2024"},
    )
    assert field_error(bad_date.text, "completed_on").startswith("Ngày không hợp lệ")
    future = await browser.post(
        f"/tasks/{world.task_a}/updates",
        {**base, "status": "completed", "note": "x", "completed_on": "2999-01-01"},
    )
    assert field_error(future.text, "completed_on") == "Ngày hoàn thành không được ở tương lai."

    not_started = await browser.post(
        f"/tasks/{world.task_a}/updates", {**base, "status": "not_started", "progress": "20"}
    )
    assert field_error(not_started.text, "progress") == "Nhiệm vụ chưa triển khai thì tiến độ là 0%."

    wrong_file = await browser.post(
        f"/tasks/{world.task_a}/updates",
        {**base, "progress": "20"},
        files={"file": ("ghi-chu.txt", b"plain text", "text/plain")},
    )
    assert field_error(wrong_file.text, "file") == "Tệp minh chứng phải là PDF, DOCX, XLSX, PNG hoặc JPEG."
    task = (await browser.client.get(f"/api/tasks/{world.task_a}")).json()
    assert task["version"] == 1 and task["progress"] == 0  # nothing was written


async def test_a_stale_edit_is_explained_and_not_lost(browser, world):
    await browser.sign_in_as("head_a")
    form = await browser.get(f"/tasks/{world.task_a}")
    assert 'name="version" value="1"' in form.text
    # Meanwhile home-affairs staff report on the same task.
    await report_progress(world.staff, world.task_a, ProgressReport("in_progress", 40, "Sở Nội vụ đôn đốc"))
    response = await browser.post(
        f"/tasks/{world.task_a}/updates",
        {"status": "in_progress", "progress": "30", "note": "Ghi chú tôi đã gõ", "version": "1"},
        files={"file": ("anh.png", PNG, "image/png")},
    )
    assert response.status_code == 409
    text = response.text
    assert "Nhiệm vụ vừa được người khác cập nhật trước khi bạn gửi" in text
    # the notice takes the focus (app.js focuses [data-error-summary]): it sits below the new state
    assert '<div class="notice warn" role="alert" tabindex="-1" data-error-summary>' in text
    assert "Staff" in text and "tiến độ 0% → 40%" in text and "Sở Nội vụ đôn đốc" in text
    assert "Ghi chú tôi đã gõ</textarea>" in text and 'value="30"' in text
    assert "anh.png" in text and "kể cả tệp đã tải lên" in text
    assert 'name="version" value="2"' in text  # sending again applies to the new state
    staged = re.search(r'name="evidence_ids" value="(\d+)"', text).group(1)

    again = await browser.post(
        f"/tasks/{world.task_a}/updates",
        {
            "status": "in_progress",
            "progress": "50",
            "note": "Ghi chú tôi đã gõ",
            "version": "2",
            "evidence_ids": staged,
        },
    )
    assert again.status_code == 303
    history = (await browser.client.get(f"/api/tasks/{world.task_a}/updates")).json()
    assert [event["new_progress"] for event in history] == [0, 40, 50]
    assert [item["filename"] for item in history[-1]["evidence"]] == ["anh.png"]


async def test_unit_head_cannot_reopen_a_completed_task(browser, world):
    await report_progress(world.head_a, world.task_a, ProgressReport("completed", note="Xong"))
    await browser.sign_in_as("head_a")
    page = await browser.get(f"/tasks/{world.task_a}")
    options = re.findall(r'<option value="(\w+)"', page.text)
    assert options == ["completed"]  # the form offers no re-opening
    refused = await browser.post(
        f"/tasks/{world.task_a}/updates", {"status": "in_progress", "progress": "50", "version": "2"}
    )
    assert refused.status_code == 403
    assert field_error(refused.text, "status").startswith("Chỉ Sở Nội vụ mới được mở lại")
    await browser.sign_in_as("staff")
    staff_page = await browser.get(f"/tasks/{world.task_a}")
    assert re.findall(r'<option value="(\w+)"', staff_page.text) == [
        "not_started",
        "in_progress",
        "completed",
        "cancelled",
    ]


async def test_csrf_token_is_required_on_forms(browser, world):
    await browser.sign_in_as("head_a")
    fields = {"status": "in_progress", "progress": "10", "note": "x"}
    missing = await browser.post(f"/tasks/{world.task_a}/updates", fields, csrf=False)
    assert missing.status_code == 403
    assert "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF)." in missing.text
    forged = await browser.post(
        f"/tasks/{world.task_a}/updates", {**fields, "_csrf_token": "0" * 128}, csrf=False
    )
    assert forged.status_code == 403
    browser.client.cookies.delete("cchc_csrf")
    no_cookie = await browser.post(f"/tasks/{world.task_a}/updates", fields)
    assert no_cookie.status_code == 403
    for path in ("/logout", "/admin/plans", "/reports"):
        assert (await browser.post(path, {}, csrf=False)).status_code == 403, path
    assert (await browser.client.get(f"/api/tasks/{world.task_a}")).json()["version"] == 1


async def test_the_json_api_needs_no_csrf_token(client, world, headers):
    response = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={"status": "in_progress", "progress": 10, "note": "qua API"},
        headers=headers["head_a"],
    )
    assert response.status_code == 201
    login = await client.post(
        "/api/auth/login", json={"username": "viewer", "password": "correct-horse-battery"}
    )
    assert login.status_code == 200


def summary_links(html: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'<a href="#([^"]+)">([^<]*)</a>', summary.group(0))


async def test_a_mistake_on_my_tasks_comes_back_on_my_tasks_with_the_form_open(browser, world):
    await browser.sign_in_as("head_a")
    await browser.get("/my-tasks")
    prefix = f"t{world.task_a}-"
    wrong = await browser.post(
        f"/tasks/{world.task_a}/updates",
        {
            "status": "completed",
            "progress": "150",
            "completed_on": "31/02/2024",
            "version": "1",
            "return_to": "my-tasks",
        },
    )
    assert wrong.status_code == 422
    assert "<h1>Nhiệm vụ của đơn vị tôi</h1>" in wrong.text  # the page the user was on
    # Every error at once, in the order of the fields, each a link to its field.
    assert summary_links(wrong.text) == [
        (f"{prefix}progress", "Tiến độ phải là số nguyên từ 0 đến 100."),
        (f"{prefix}completed_on", "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2025."),
        (f"{prefix}note", "Khi báo cáo hoàn thành cần ghi chú kết quả hoặc đính kèm minh chứng."),
    ]
    assert field_error(wrong.text, f"{prefix}progress") == "Tiến độ phải là số nguyên từ 0 đến 100."
    card = re.search(rf'<li id="task-{world.task_a}".*?</li>', wrong.text, re.S).group(0)
    assert "<details open>" in card and 'value="150"' in card and 'value="31/02/2024"' in card
    no_note = await browser.post(
        f"/tasks/{world.task_a}/updates", {"status": "completed", "version": "1", "return_to": "my-tasks"}
    )
    assert summary_links(no_note.text) == [
        (f"{prefix}note", "Khi báo cáo hoàn thành cần ghi chú kết quả hoặc đính kèm minh chứng.")
    ]


PROGRESS_WRONG = "Tiến độ phải là số nguyên từ 0 đến 100."
FUTURE = "Ngày hoàn thành không được ở tương lai."
NO_NOTE = "Khi báo cáo hoàn thành cần ghi chú kết quả hoặc đính kèm minh chứng."
NOT_COMPLETED = (
    "Chỉ ghi ngày hoàn thành khi chọn trạng thái “Hoàn thành”; nếu nhiệm vụ chưa xong, hãy để trống ô này."
)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        # A future completion date was refused only once the progress was mended.
        (
            {"status": "completed", "progress": "abc", "completed_on": "01/07/2024", "note": "x"},
            [("progress", PROGRESS_WRONG), ("completed_on", FUTURE)],
        ),
        (
            {"status": "completed", "progress": "101", "completed_on": "1/7/2024", "note": ""},
            [("progress", PROGRESS_WRONG), ("completed_on", FUTURE), ("note", NO_NOTE)],
        ),
        (
            {"status": "completed", "progress": "abc", "completed_on": "30/06/2024", "note": "x"},
            [("progress", PROGRESS_WRONG)],
        ),
        (
            {"status": "completed", "progress": "100", "completed_on": "01/07/2024", "note": ""},
            [("completed_on", FUTURE), ("note", NO_NOTE)],
        ),
        (
            {"status": "not_started", "progress": "20", "completed_on": "31/02/2024"},
            [("progress", "Nhiệm vụ chưa triển khai thì tiến độ là 0%."), ("completed_on", DATE_INVALID)],
        ),
        # a completion date with a status other than "Hoàn thành" was silently dropped
        (
            {"status": "in_progress", "progress": "60", "completed_on": "20/06/2024", "note": "x"},
            [("completed_on", NOT_COMPLETED)],
        ),
    ],
)
async def test_every_error_of_the_task_form_shows_at_once(browser, world, sent, expected):
    await browser.sign_in_as("head_a")
    await browser.get("/my-tasks")
    prefix = f"t{world.task_a}-"
    wrong = await browser.post(
        f"/tasks/{world.task_a}/updates", {**sent, "version": "1", "return_to": "my-tasks"}
    )
    assert wrong.status_code == 422
    # the page lists all the unit's tasks: the summary says whose form it is
    title = f"Chưa cập nhật được nhiệm vụ II.1: có {len(expected)} lỗi cần sửa"
    assert f'<h2 id="{prefix}error-summary-title">{title}</h2>' in wrong.text
    assert summary_links(wrong.text) == [(prefix + field, message) for field, message in expected]
    for field, message in expected:
        assert field_error(wrong.text, prefix + field) == message


async def test_success_is_shown_on_the_changed_task_and_a_double_click_is_no_error(browser, world):
    await browser.sign_in_as("head_a")
    await browser.get("/my-tasks")
    report = {
        "status": "in_progress",
        "progress": "40",
        "note": "Đang rà soát",
        "version": "1",
        "return_to": "my-tasks",
    }
    first = await browser.post(f"/tasks/{world.task_a}/updates", report)
    second = await browser.post(f"/tasks/{world.task_a}/updates", report)  # the same form sent again
    assert first.status_code == second.status_code == 303
    assert (
        second.headers["location"]
        == first.headers["location"]
        == (f"/my-tasks?updated={world.task_a}#task-{world.task_a}")
    )
    history = (await browser.client.get(f"/api/tasks/{world.task_a}/updates")).json()
    assert [event["new_progress"] for event in history] == [0, 40]  # applied once
    done = (await browser.get(first.headers["location"])).text
    card = re.search(rf'<li id="task-{world.task_a}" class="[^"]*is-updated">.*?</li>', done, re.S).group(0)
    assert (
        'role="status"' in card
        and "Đã cập nhật nhiệm vụ <strong>II.1</strong>: đang thực hiện, tiến độ 40%." in card
    )
    different = await browser.post(f"/tasks/{world.task_a}/updates", {**report, "progress": "60"})
    assert different.status_code == 409  # not a replay: someone (here, the same person) changed it since


async def test_a_form_address_opened_in_a_browser_shows_the_form_and_unknown_pages_are_pages(browser, world):
    await browser.sign_in_as("head_a")
    html = {"Accept": "text/html,application/xhtml+xml"}
    reload = await browser.get(f"/tasks/{world.task_a}/updates", headers=html)
    assert reload.status_code == 303 and reload.headers["location"] == f"/tasks/{world.task_a}"
    missing = await browser.get("/khong-co-trang-nay", headers=html)
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    assert "Không có trang nào ở địa chỉ /khong-co-trang-nay." in missing.text
    # the page exists, the record does not: said so, not "no such page"
    record = await browser.get("/tasks/999999", headers=html)
    assert record.status_code == 404 and "<h1>Không tìm thấy dữ liệu</h1>" in record.text
    assert "Không tìm thấy trang" not in record.text and "hãy quay lại danh sách" in record.text
    # no route ran, so the page cannot know who asks: it loads the menu, and offers no sign-in
    assert 'hx-get="/header-menu"' in missing.text and 'href="/login"' not in missing.text
    menu = await browser.get("/header-menu")
    assert menu.status_code == 200 and 'aria-label="Điều hướng chính"' in menu.text
    assert 'href="/my-tasks"' in menu.text and "Đăng xuất" in menu.text and "<html" not in menu.text
    assert '<span class="who-name">Head_A<' in menu.text  # the full name (username head_a)
    await browser.sign_in_as(None)
    stranger_menu = await browser.get("/header-menu")  # nobody, or a session expired: the way in
    assert stranger_menu.status_code == 200 and stranger_menu.text.strip().endswith(
        '<a href="/login" class="sign-in">Đăng nhập</a>'
    )
    stranger = await browser.get("/khong-co-trang-nay", headers=html)
    assert 'hx-get="/header-menu"' not in stranger.text and '<a href="/login">Đăng nhập</a>' in stranger.text
    await browser.sign_in_as("head_a")
    api = await browser.get("/api/khong-co", headers=html)
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    script = await browser.get(f"/tasks/{world.task_a}/updates")  # no text/html asked for
    assert script.status_code == 405 and script.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "address, status, other_account, said",
    [
        ("/tasks/999999", 404, False, "Không tìm thấy nhiệm vụ này."),  # a record that does not exist
        ("/plans/999999", 404, False, "Không tìm thấy kế hoạch này."),
        ("/admin/users", 403, True, "Bạn không có quyền thực hiện thao tác này."),  # another account may be
        ("/reports/runs/999999", 404, False, "Không tìm thấy phiên bản báo cáo này."),
    ],
)
async def test_an_error_page_keeps_the_menu_of_the_person_signed_in(
    browser, world, address, status, other_account, said
):
    await browser.sign_in_as("head_a")
    answer = await browser.get(address, headers={"Accept": "text/html"})
    assert answer.status_code == status, answer.text[:500]
    assert said in answer.text
    assert 'aria-label="Điều hướng chính"' in answer.text and "Đăng xuất" in answer.text
    assert 'href="/my-tasks"' in answer.text  # a unit head's menu
    assert 'hx-get="/header-menu"' in answer.text  # then the full one (name, unread count)
    assert ("Đăng nhập bằng tài khoản khác" in answer.text) is other_account


async def test_dates_are_typed_as_dd_mm_yyyy_whatever_the_browser(browser, world):
    await browser.sign_in_as("head_a")
    page = await browser.get(f"/tasks/{world.task_a}")
    date_input = re.search(r'<input type="text" class="date" id="completed_on"[^>]*>', page.text).group(0)
    assert (
        'placeholder="dd/mm/yyyy"' in date_input and 'pattern="[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"' in date_input
    )
    assert 'type="date"' not in page.text
    done = await browser.post(
        f"/tasks/{world.task_a}/updates",
        {"status": "completed", "note": "Xong", "completed_on": "5/1/2024", "version": "1"},
    )
    assert done.status_code == 303
    assert (await browser.client.get(f"/api/tasks/{world.task_a}")).json()["completed_on"] == "2024-01-05"


async def test_a_cleared_progress_box_asks_for_the_progress(browser, world):
    await browser.sign_in_as("head_a")
    cleared = await browser.post(
        f"/tasks/{world.task_a}/updates", {"status": "in_progress", "progress": "", "version": "1"}
    )
    assert cleared.status_code == 422
    assert field_error(cleared.text, "progress") == "Nhập tiến độ (số nguyên từ 0 đến 100)."
    assert "Không có thay đổi nào để cập nhật." not in cleared.text
    assert re.search(r'id="progress" name="progress" value=""', cleared.text)  # kept empty


async def test_an_overdue_task_explains_its_delay_and_shows_the_completion_date(browser, world):
    """VII.1 (Sở Y tế) was due 31/03/2024 and is overdue on 30/06: the head says why, cannot then
    date the completion before that day's update, and the history says the date completed."""
    await browser.sign_in_as("head_b")
    url = f"/tasks/{world.task_b}/updates"
    silent = await browser.post(url, {"status": "in_progress", "progress": "80", "version": "1"})
    assert silent.status_code == 422
    assert field_error(silent.text, "note") == (
        "Nhiệm vụ đã quá hạn (hạn 31/03/2024): nêu lý do chậm và giải pháp."
    )
    why = {"status": "in_progress", "progress": "70", "note": "Chậm do chờ hướng dẫn của bộ."}
    assert (await browser.post(url, {**why, "version": "1"})).status_code == 303
    done = {"status": "completed", "progress": "100", "note": "Đã số hóa xong, chậm do chờ hướng dẫn."}
    back_dated = await browser.post(url, {**done, "completed_on": "20/03/2024", "version": "2"})
    assert back_dated.status_code == 422
    assert field_error(back_dated.text, "completed_on") == (
        "Ngày hoàn thành không được trước ngày 30/06/2024: cập nhật tiến độ ngày đó ghi nhiệm vụ chưa hoàn thành."
    )
    assert 'value="20/03/2024"' in back_dated.text  # what was typed stays
    assert (
        await browser.post(url, {**done, "completed_on": "30/06/2024", "version": "2"})
    ).status_code == 303
    page = await browser.get(f"/tasks/{world.task_b}")
    assert "Ngày hoàn thành: <strong>30/06/2024</strong>." in page.text


async def test_the_latest_note_is_the_latest_updates_and_small_files_are_in_bytes(browser, world):
    await browser.sign_in_as("head_a")
    url = f"/tasks/{world.task_a}/updates"
    first = {"status": "in_progress", "progress": "50", "note": "Đang lấy ý kiến các sở.", "version": "1"}
    assert (await browser.post(url, first)).status_code == 303
    page = await browser.get(f"/tasks/{world.task_a}")
    assert re.search(
        r"<dt>Ghi chú gần nhất</dt><dd>Đang lấy ý kiến các sở\. <span class=\"muted\">\(30/06/2024 ",
        page.text,
    )
    completed = await browser.post(
        url,
        {"status": "completed", "progress": "100", "version": "2"},
        files={"file": ("ok.pdf", PDF, "application/pdf")},
    )
    assert completed.status_code == 303, completed.text
    page = await browser.get(f"/tasks/{world.task_a}")
    assert "<dt>Ghi chú gần nhất</dt><dd>—</dd>" in page.text
    assert f'ok.pdf</a> <span class="muted">({len(PDF)} byte)</span>' in page.text
