"""Administration pages: accounts, units with their merge history, plans and plan import."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.anyio


def error_under(html: str, field: str) -> str:
    match = re.search(rf'id="{re.escape(field)}-error">([^<]*)<', html)
    assert match, f"no error under {field}"
    return match.group(1)


async def test_create_and_change_accounts(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    short = await browser.post(
        "/admin/users",
        {
            "username": "tp2",
            "full_name": "Nguyễn Văn A",
            "role": "unit_head",
            "unit_id": str(world.unit_a),
            "password": "ngan",
        },
    )
    assert (
        short.status_code == 422
        and error_under(short.text, "password") == "Mật khẩu phải có ít nhất 8 ký tự."
    )
    assert 'value="Nguyễn Văn A"' in short.text
    no_unit = await browser.post(
        "/admin/users", {"username": "tp2", "full_name": "A", "role": "unit_head", "password": "mat-khau-dai"}
    )
    assert error_under(no_unit.text, "unit_id") == "Thủ trưởng đơn vị phải gắn với một đơn vị."
    taken = await browser.post(
        "/admin/users", {"username": "viewer", "full_name": "A", "role": "viewer", "password": "mat-khau-dai"}
    )
    assert error_under(taken.text, "username") == "Tên đăng nhập đã tồn tại."
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
    listing = (await browser.get(created.headers["location"])).text
    assert "Đã lưu tài khoản tp2." in listing and "Nguyễn Văn A" in listing
    account_id = int(re.search(r'id="user-(\d+)">\s*<td>tp2</td>', listing).group(1))
    locked = await browser.post(
        f"/admin/users/{account_id}", {"full_name": "Nguyễn Văn A", "role": "unit_head", "unit_id": ""}
    )
    assert locked.status_code == 303
    assert "Đã khóa" in (await browser.get("/admin/users?q=tp2")).text


async def test_close_a_unit_into_its_successor(browser, world):
    await browser.sign_in_as("admin")
    await browser.get(f"/admin/units/{world.unit_b}")
    backwards = await browser.post(
        f"/admin/units/{world.unit_b}",
        {"name": "Sở Y tế", "valid_from": "2025-07-01", "valid_to": "2025-06-30"},
    )
    assert backwards.status_code == 422
    assert error_under(backwards.text, "valid_to") == "Ngày hết hiệu lực trước ngày có hiệu lực."
    assert 'value="2025-07-01"' in backwards.text  # what was typed is kept
    closed = await browser.post(
        f"/admin/units/{world.unit_b}",
        {"name": "Sở Y tế", "valid_to": "30/06/2025", "successor_id": str(world.unit_a)},
    )
    assert closed.status_code == 303
    listing = (await browser.get("/admin/units?validity=closed")).text
    assert "Sáp nhập vào <strong>Sở Tư pháp</strong>" in listing and "đến 30/06/2025" in listing
    successor = (await browser.get(f"/admin/units/{world.unit_a}")).text
    assert "Tiếp nhận từ" in successor and "Sở Y tế</a> (đến 30/06/2025)" in successor
    search = (await browser.get("/admin/units?q=so+y+te")).text
    assert "SYT" in search and "STP</td>" not in search


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
        "Mã đơn vị chủ trì không tồn tại." in rejected.text
        and "Lĩnh vực cải cách không hợp lệ." in rejected.text
    )
    good = header + "A.1,Cải cách thể chế,Rà soát thủ tục,STP,31/12/2024\n"
    imported = await browser.post(
        f"/admin/plans/{world.plan_id}/import",
        {},
        files={"file": ("ke-hoach.csv", good.encode(), "text/csv")},
    )
    assert imported.status_code == 303
    assert "1 nhiệm vụ mới, 0 cập nhật, 0 không đổi" in (await browser.get(imported.headers["location"])).text


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
    assert stale.status_code == 409 and "Kế hoạch vừa được người khác sửa." in stale.text
