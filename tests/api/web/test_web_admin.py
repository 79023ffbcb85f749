"""Administration pages: accounts, units with their merge history, plans and plan import."""

from __future__ import annotations

import re

import pytest

from models.accounts import service as accounts

pytestmark = pytest.mark.anyio


def error_under(html: str, field: str) -> str:
    match = re.search(rf'id="{re.escape(field)}-error">([^<]*)<', html)
    assert match, f"no error under {field}"
    return match.group(1)


def summary_links(html: str) -> list[tuple[str, str]]:
    """The error summary's links: (the field's id, the message), in page order."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'<a href="#([^"]+)">([^<]*)</a>', summary.group(0))


async def test_a_new_account_with_every_mistake_gets_every_error_at_once(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    wrong = await browser.post(
        "/admin/users",
        {"username": "Nguyen Van A", "full_name": "Nguyễn Văn A", "role": "unit_head", "password": "ngan"},
    )
    assert wrong.status_code == 422
    assert summary_links(wrong.text) == [
        ("username", accounts.USERNAME_RULE),
        ("unit_id", "Thủ trưởng đơn vị phải gắn với một đơn vị."),
        ("password", "Mật khẩu phải có ít nhất 8 ký tự."),
    ]
    assert error_under(wrong.text, "username") == accounts.USERNAME_RULE
    assert 'value="Nguyen Van A"' in wrong.text and 'value="Nguyễn Văn A"' in wrong.text  # input kept
    assert "ngan" not in re.findall(r'name="password"[^>]*', wrong.text)[-1]  # a password is not sent back
    empty = await browser.post("/admin/users", {"role": "viewer"})
    assert [field for field, _ in summary_links(empty.text)] == ["username", "full_name", "password"]
    taken = await browser.post(
        "/admin/users", {"username": "viewer", "full_name": "A", "role": "viewer", "password": "mat-khau-dai"}
    )
    assert error_under(taken.text, "username") == "Tên đăng nhập đã tồn tại."


async def test_a_created_account_is_highlighted_and_locking_it_is_confirmed(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    created = await browser.post(
        "/admin/users",
        {
            "username": "tp2",
            "full_name": "Nguyễn Văn A",
            "role": "unit_head",
            "unit_id": str(world.unit_a),
            "password": "mat-khau-dai",
        },
    )
    assert created.status_code == 303
    account_id = int(re.search(r"saved=(\d+)", created.headers["location"]).group(1))
    assert created.headers["location"].endswith(f"#user-{account_id}")  # back where the row is
    listing = (await browser.get(created.headers["location"])).text
    row = re.search(rf'<tr id="user-{account_id}" class="is-updated">.*?</tr>', listing, re.S).group(0)
    assert "Đã lưu" in row and "Nguyễn Văn A" in row and "Mật khẩu tạm, chờ đổi" in row

    asked = await browser.post(f"/admin/users/{account_id}/deactivate", {})
    assert asked.status_code == 200 and "Khóa tài khoản tp2?" in asked.text
    assert "Mọi phiên đăng nhập và khóa API của tài khoản bị thu hồi ngay" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    # it can be undone, in part: the page says so instead of "không thể hoàn tác"
    assert "Có thể mở khóa tài khoản sau" in asked.text and "không thể hoàn tác" not in asked.text
    assert "Đã khóa" not in (await browser.get("/admin/users?q=tp2")).text  # nothing done yet
    locked = await browser.post(f"/admin/users/{account_id}/deactivate", {"confirmed": "yes"})
    assert locked.status_code == 303
    assert "Đã khóa" in (await browser.get("/admin/users?q=tp2")).text
    assert badge(await browser.get(locked.headers["location"]), account_id) == "Đã khóa tài khoản"
    again = await browser.post(f"/admin/users/{account_id}/deactivate", {"confirmed": "yes"})
    assert again.status_code == 303  # a second click changes nothing and says no error
    unlocked = await browser.post(f"/admin/users/{account_id}/activate", {})
    assert "Đã khóa" not in (await browser.get("/admin/users?q=tp2")).text
    assert badge(await browser.get(unlocked.headers["location"]), account_id) == "Đã mở khóa tài khoản"
    other = await browser.get(f"/admin/users?saved={account_id}&done=anything")
    assert badge(other, account_id) == "Đã lưu"  # an address made up says no more than that


def badge(answer, account_id: int) -> str:
    """The status the row of ``account_id`` shows after a change."""
    row = re.search(rf'<tr id="user-{account_id}" class="is-updated">.*?</tr>', answer.text, re.S).group(0)
    return re.search(r'<span class="badge done" role="status">(.*?)</span>', row).group(1)


async def test_an_admin_cannot_lock_their_own_account(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    refused = await browser.post(f"/admin/users/{world.admin.account_id}/deactivate", {"confirmed": "yes"})
    assert refused.status_code == 409
    prefix = f"u{world.admin.account_id}-"
    assert summary_links(refused.text) == [
        (f"{prefix}active", "Không thể tự hạ quyền hoặc khóa tài khoản của chính mình.")
    ]


async def test_close_a_unit_into_its_successor_after_the_confirmation(browser, world):
    await browser.sign_in_as("admin")
    await browser.get(f"/admin/units/{world.unit_b}")
    started = await browser.post(
        f"/admin/units/{world.unit_b}", {"name": "Sở Y tế", "valid_from": "01/07/2025"}
    )
    assert started.status_code == 303
    backwards = await browser.post(
        f"/admin/units/{world.unit_b}/close", {"valid_to": "30/06/2025", "successor_id": str(world.unit_a)}
    )
    assert backwards.status_code == 422
    assert error_under(backwards.text, "valid_to") == "Ngày hết hiệu lực trước ngày có hiệu lực."
    assert 'value="30/06/2025"' in backwards.text  # what was typed is kept
    no_day = await browser.post(f"/admin/units/{world.unit_b}/close", {"successor_id": str(world.unit_a)})
    assert summary_links(no_day.text) == [("valid_to", "Vui lòng nhập ngày cuối cùng đơn vị còn hoạt động.")]
    await browser.post(f"/admin/units/{world.unit_b}", {"name": "Sở Y tế", "valid_from": ""})

    asked = await browser.post(
        f"/admin/units/{world.unit_b}/close", {"valid_to": "30/06/2025", "successor_id": str(world.unit_a)}
    )
    assert asked.status_code == 200 and "Đóng đơn vị Sở Y tế?" in asked.text
    assert "hoạt động đến hết ngày 30/06/2025; từ ngày 01/07/2025" in asked.text
    assert "Số liệu từ ngày 01/07/2025 được tính cho Sở Tư pháp." in asked.text
    assert "1 nhiệm vụ đang mở và 1 tài khoản của đơn vị" in asked.text
    assert "Nhiệm vụ VII.1 · Số hóa hồ sơ bệnh án" in asked.text and "Tài khoản head_b" in asked.text
    assert "Sáp nhập vào" not in (await browser.get("/admin/units?validity=closed")).text  # not yet

    closed = await browser.post(
        f"/admin/units/{world.unit_b}/close",
        {"valid_to": "30/06/2025", "successor_id": str(world.unit_a), "confirmed": "yes"},
    )
    assert closed.status_code == 303 and closed.headers["location"].endswith(f"#unit-{world.unit_b}")
    listing = (await browser.get("/admin/units?validity=closed")).text
    assert "Sáp nhập vào <strong>Sở Tư pháp</strong>" in listing and "đến 30/06/2025" in listing
    successor = (await browser.get(f"/admin/units/{world.unit_a}")).text
    assert "Tiếp nhận từ" in successor and "Sở Y tế</a> (đến 30/06/2025)" in successor
    search = (await browser.get("/admin/units?q=so+y+te")).text
    assert "SYT" in search and "<strong>STP</strong>" not in search


async def test_plans_create_status_and_import(browser, world):
    await browser.sign_in_as("staff")
    await browser.get("/admin/plans")
    bad = await browser.post("/admin/plans", {"year": "20x5", "title": "", "progress_method": "task_count"})
    assert bad.status_code == 422 and error_under(bad.text, "year") == "Năm kế hoạch phải từ 2000 đến 2100."
    two_active = await browser.post(
        "/admin/plans",
        {"year": "2024", "title": "Kế hoạch bổ sung", "status": "active", "progress_method": "task_count"},
    )
    assert error_under(two_active.text, "status") == "Mỗi năm chỉ có một kế hoạch đang thực hiện."
    created = await browser.post(
        "/admin/plans", {"year": "2025", "title": "Kế hoạch CCHC năm 2025", "progress_method": "task_count"}
    )
    assert created.status_code == 303
    page = (await browser.get("/admin/plans")).text
    assert "Năm 2025 · Kế hoạch CCHC năm 2025" in page

    header = "Mã nhiệm vụ,Lĩnh vực,Nhiệm vụ,Đơn vị chủ trì,Thời hạn\n"
    broken = header + "A.1,Cải cách thể chế,Rà soát,KHONGCO,31/12/2024\nA.2,Thơ ca,Viết,STP,32/12/2024\n"
    rejected = await browser.post(
        f"/admin/plans/{world.plan_id}/import",
        {},
        files={"file": ("ke-hoach.csv", broken.encode(), "text/csv")},
    )
    assert rejected.status_code == 422
    assert "Tệp có lỗi; chưa có dữ liệu nào được ghi." in rejected.text
    assert (
        "Đơn vị chủ trì &#39;KHONGCO&#39; không có (ghi mã hoặc tên đơn vị)." in rejected.text
        and "Lĩnh vực cải cách không hợp lệ." in rejected.text
    )
    # Each bad cell is quoted beside its row and column, so it can be found in the file.
    for row, column, value in (
        (2, "Đơn vị chủ trì", "KHONGCO"),
        (3, "Lĩnh vực", "Thơ ca"),
        (3, "Thời hạn", "32/12/2024"),
    ):
        assert f'<td class="num">{row}</td><td>{column}</td><td><code>{value}</code></td>' in rejected.text
    good = header + "A.1,Cải cách thể chế,Rà soát thủ tục,STP,31/12/2024\n"
    imported = await browser.post(
        f"/admin/plans/{world.plan_id}/import",
        {},
        files={"file": ("ke-hoach.csv", good.encode(), "text/csv")},
    )
    assert imported.status_code == 303
    assert imported.headers["location"].endswith(f"#plan-{world.plan_id}")
    assert "1 nhiệm vụ mới, 0 cập nhật, 0 không đổi" in (await browser.get(imported.headers["location"])).text


@pytest.mark.parametrize(
    ("header", "lines"),
    [
        (
            "Mã,Tên nhiệm vụ,Hạn",
            [
                "Cột không có trong mẫu: “Mã”, “Tên nhiệm vụ”, “Hạn”.",
                "Thiếu cột bắt buộc: “Mã nhiệm vụ”, “Lĩnh vực”, “Nhiệm vụ”, “Đơn vị chủ trì”, “Thời hạn”.",
            ],
        ),
        (
            "Mã nhiệm vụ,Lĩnh vực,Nhiệm vụ,Đơn vị chủ trì,Thời hạn,Hạn chót",
            ["Cột không có trong mẫu: “Hạn chót”."],
        ),
        ("Mã nhiệm vụ,Lĩnh vực,Đơn vị chủ trì,Thời hạn", ["Thiếu cột bắt buộc: “Nhiệm vụ”."]),
    ],
)
async def test_a_plan_file_with_a_wrong_header_is_told_so_in_its_plan(browser, world, header, lines):
    """The header is the problem, not a cell of row 1: every unknown and missing column is named,
    with the template's columns, in the box of the plan the file was sent to."""
    await browser.sign_in_as("staff")
    await browser.get("/admin/plans")
    refused = await browser.post(
        f"/admin/plans/{world.plan_id}/import",
        {},
        files={"file": ("ke-hoach.csv", f"{header}\nA.1,Rà soát,31/12/2024\n".encode(), "text/csv")},
    )
    assert refused.status_code == 422
    box = re.search(r'<div class="notice error"[^>]*id="([^"]+)">(.*?)</div>', refused.text, re.S)
    assert box and box.group(1) == f"p{world.plan_id}-import-errors"
    assert (
        "<strong>Chưa nhập được tệp vào Kế hoạch CCHC năm 2024.</strong> "
        "Dòng tiêu đề (dòng 1) của tệp không khớp với mẫu; chưa có dữ liệu nào được ghi."
    ) in box.group(2)
    shown = re.findall(r"<li>(.*?)</li>", box.group(2))
    assert shown[: len(lines)] == lines
    template = [line for line in shown if line.startswith("Cột bắt buộc của mẫu: “Mã nhiệm vụ”, “Lĩnh vực”")]
    every_required_missing = lines[-1].startswith("Thiếu cột bắt buộc: “Mã nhiệm vụ”, “Lĩnh vực”")
    assert len(template) == (0 if every_required_missing else 1)  # the template's list, not twice
    assert (
        shown[-1].startswith("Cột không bắt buộc: “Sản phẩm”")
        and len(shown) == len(lines) + len(template) + 1
    )
    assert "<table>" not in box.group(2) and "(để trống)" not in box.group(2)
    assert "các cột Quá hạn, Ngày hoàn thành, Cập nhật lần cuối của tệp xuất được bỏ qua" in refused.text
    # the box sits in the plan's own section, beside its file field
    section = refused.text.index(f'id="plan-{world.plan_id}"')
    assert section < refused.text.index(box.group(1)) < refused.text.index(f'id="p{world.plan_id}-file"')


async def test_plan_edit_with_a_stale_version_is_explained(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/plans")
    fields = {"title": "Kế hoạch CCHC năm 2024", "status": "active", "progress_method": "task_count"}
    assert (
        await browser.post(f"/admin/plans/{world.plan_id}", {**fields, "version": "1"})
    ).status_code == 303
    stale = await browser.post(
        f"/admin/plans/{world.plan_id}", {**fields, "doc_number": "6/KH-UBND", "version": "1"}
    )
    assert stale.status_code == 409 and "Kế hoạch vừa được người khác sửa" in stale.text
    assert 'value="6/KH-UBND"' in stale.text and 'name="version" value="2"' in stale.text
    again = await browser.post(
        f"/admin/plans/{world.plan_id}", {**fields, "doc_number": "6/KH-UBND", "version": "2"}
    )
    assert again.status_code == 303
