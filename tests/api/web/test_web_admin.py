"""Administration pages: accounts, units with their merge history, plans and plan import."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pytest

from api.web.forms import DATE_INVALID, parse_day
from core.errors import NotAuthenticated
from core.paging import PageRequest
from models.accounts import service as accounts
from models.units import service as units
from models.units.service import get_unit, update_unit
from tests.world import PASSWORD

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
    assert "is-updated" not in other.text  # an address made up says nothing


def badge(answer, account_id: int) -> str:
    """The status the row of ``account_id`` shows after a change."""
    row = re.search(rf'<tr id="user-{account_id}" class="is-updated">.*?</tr>', answer.text, re.S).group(0)
    return re.search(r'<span role="status"><span class="badge done">(.*?)</span>', row).group(1)


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


# --- helpers for the rows and selects of the administration pages ----------------------------


def user_row(html: str, account_id: int) -> str:
    match = re.search(rf'<tr id="user-{account_id}"[^>]*>.*?</tr>', html, re.S)
    assert match, f"no row for account {account_id}"
    return match.group(0)


def options(html: str, select_id: str) -> list[tuple[str, bool, str]]:
    """A select's options: (value, selected, text), in order."""
    select = re.search(rf'<select id="{re.escape(select_id)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {select_id}"
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1)
        )
    ]


async def unit_of(account_id: int) -> int | None:
    return (await accounts.get_account(account_id))["unit"]


# --- 1. a closed unit's first day: the message beside the field changed ----------------------


@pytest.mark.parametrize(
    ("typed", "refused"),
    [("01/01/2026", True), ("31/12/2025", False), ("01/07/2024", False)],
)
async def test_a_closed_units_first_day_after_its_last_is_told_beside_the_first_day(
    browser, world, typed, refused
):
    await update_unit(world.admin, world.unit_b, {"valid_to": date(2025, 12, 31)})
    await browser.sign_in_as("admin")
    await browser.get(f"/admin/units/{world.unit_b}")
    sent = await browser.post(f"/admin/units/{world.unit_b}", {"name": "Sở Y tế", "valid_from": typed})
    if not refused:
        assert sent.status_code == 303
        assert (await get_unit(world.unit_b))["valid_from"] == parse_day(typed)
        return
    assert sent.status_code == 422
    message = "Ngày có hiệu lực không được sau ngày hết hiệu lực (31/12/2025)."
    assert summary_links(sent.text) == [("valid_from", message)]
    assert error_under(sent.text, "valid_from") == message
    assert 'id="valid_to-error"' not in sent.text  # nothing in the other (close) form
    assert f'id="valid_from" name="valid_from" value="{typed}"' in sent.text  # what was typed is kept
    assert (await get_unit(world.unit_b))["valid_from"] is None  # nothing written


# --- 2. only units in force are offered; a closed unit is refused ----------------------------


async def test_an_accounts_unit_is_chosen_among_the_units_in_force(browser, world):
    await update_unit(world.admin, world.unit_b, {"valid_to": date(2025, 6, 30)})
    await browser.sign_in_as("admin")
    page = (await browser.get("/admin/users")).text
    none = ("", False, "— Không thuộc đơn vị —")
    province, unit_a = (
        (str(world.province_id), False, "Ủy ban nhân dân tỉnh"),
        (str(world.unit_a), False, "Sở Tư pháp"),
    )
    assert options(page, "unit_id") == [("", False, "— Không thuộc đơn vị —"), unit_a, province]  # creating
    head_a = world.head_a.account_id
    assert options(page, f"u{head_a}-unit_id") == [none, (str(world.unit_a), True, "Sở Tư pháp"), province]
    # an account in a closed unit sees it, marked and chosen, so saving its row keeps it
    head_b = world.head_b.account_id
    assert options(page, f"u{head_b}-unit_id") == [
        none,
        (str(world.unit_b), True, "Sở Y tế (đã ngừng hoạt động từ 01/07/2025)"),
        unit_a,
        province,
    ]
    assert 'Sở Y tế<br><span class="muted small">đã ngừng hoạt động từ 01/07/2025</span>' in user_row(
        page, head_b
    )
    # the viewer has no unit: "— Không thuộc đơn vị —" is the one chosen
    assert options(page, f"u{world.viewer.account_id}-unit_id")[0] == ("", True, "— Không thuộc đơn vị —")
    kept = await browser.post(
        f"/admin/users/{head_b}", {"full_name": "Trưởng B", "role": "unit_head", "unit_id": str(world.unit_b)}
    )
    assert kept.status_code == 303 and await unit_of(head_b) == world.unit_b


@pytest.mark.parametrize("how", ["create", "move"])
async def test_an_account_is_not_put_in_a_closed_unit(browser, world, how):
    await update_unit(world.admin, world.unit_b, {"valid_to": date(2025, 6, 30)})
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    closed = str(world.unit_b)
    if how == "create":
        path, field = "/admin/users", "unit_id"
        data = {
            "username": "moi",
            "full_name": "Mới",
            "role": "unit_head",
            "unit_id": closed,
            "password": "x" * 9,
        }
    else:
        path, field = f"/admin/users/{world.head_a.account_id}", f"u{world.head_a.account_id}-unit_id"
        data = {"full_name": "Head_A", "role": "unit_head", "unit_id": closed}
    refused = await browser.post(path, data)
    message = "Đơn vị này đã ngừng hoạt động từ ngày 01/07/2025; hãy chọn một đơn vị đang hoạt động."
    assert refused.status_code == 422
    assert summary_links(refused.text) == [(field, message)] and error_under(refused.text, field) == message
    assert await unit_of(world.head_a.account_id) == world.unit_a  # nothing written
    assert "moi" not in [
        row["username"]
        for row in (await accounts.list_accounts(world.admin, accounts.AccountFilter(), PageRequest()))[0]
    ]


# --- 3. leaving a unit, where the role allows no unit ----------------------------------------

KEEP = object()  # the form sends no unit_id at all


@pytest.mark.parametrize(
    ("who", "role", "unit", "status", "after", "error"),
    [
        ("viewer", "viewer", "", 303, ("viewer", None), ""),  # a viewer of unit A leaves it
        ("viewer", "viewer", KEEP, 303, ("viewer", "unit_a"), ""),  # no field sent: unchanged
        ("head_a", "viewer", "", 303, ("viewer", None), ""),  # a unit head becomes a provincial viewer
        ("head_a", "viewer", "unit_a", 303, ("viewer", "unit_a"), ""),  # ... or the unit's own viewer
        (
            "head_a",
            "unit_head",
            "",
            422,
            ("unit_head", "unit_a"),
            "Thủ trưởng đơn vị phải gắn với một đơn vị.",
        ),
        (
            "head_a",
            "reporter",
            "",
            422,
            ("unit_head", "unit_a"),
            "Cán bộ đầu mối báo cáo của đơn vị phải gắn với một đơn vị.",
        ),
    ],
)
async def test_an_account_leaves_its_unit_where_its_role_allows_none(
    browser, world, who, role, unit, status, after, error
):
    await accounts.update_account(world.admin, world.viewer.account_id, unit_id=world.unit_a)
    account_id = getattr(world, who).account_id
    await browser.sign_in_as("admin")
    page = (await browser.get("/admin/users")).text
    assert options(page, f"u{account_id}-unit_id")[0][2] == "— Không thuộc đơn vị —"
    data = {"full_name": "Tên", "role": role}
    if unit is not KEEP:
        data["unit_id"] = str(getattr(world, unit)) if unit else ""
    sent = await browser.post(f"/admin/users/{account_id}", data)
    assert sent.status_code == status
    if error:
        assert summary_links(sent.text) == [(f"u{account_id}-unit_id", error)]
    stored = await accounts.get_account(account_id)
    assert (stored["role"], stored["unit"]) == (after[0], after[1] and getattr(world, after[1]))


# --- 4. every error at once, the domain's with the form's; nothing written -------------------


async def test_a_new_unit_gets_the_taken_code_with_the_forms_own_errors(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/units")
    sent = await browser.post(
        "/admin/units",
        {"code": "stp", "name": "", "kind": "department", "level": "province", "valid_from": "31/02/2025"},
    )
    assert sent.status_code == 422
    assert summary_links(sent.text) == [
        ("code", "Mã đơn vị đã tồn tại."),
        ("name", "Vui lòng nhập tên đơn vị."),
        ("valid_from", DATE_INVALID),
    ]
    assert 'value="stp"' in sent.text and 'value="31/02/2025"' in sent.text
    assert (await units.list_units(units.UnitFilter(), PageRequest()))[1] == 3  # nothing written


async def test_a_units_edit_gets_the_domains_errors_with_the_forms_own(browser, world):
    await update_unit(world.admin, world.unit_b, {"valid_to": date(2025, 12, 31)})
    await browser.sign_in_as("admin")
    await browser.get(f"/admin/units/{world.unit_b}")
    sent = await browser.post(
        f"/admin/units/{world.unit_b}",
        {"name": "", "parent_id": str(world.unit_b), "valid_from": "01/01/2026"},
    )
    assert sent.status_code == 422
    assert summary_links(sent.text) == [
        ("name", "Vui lòng nhập tên đơn vị."),
        ("parent_id", "Đơn vị cấp trên không được là chính đơn vị hoặc đơn vị trực thuộc nó."),
        ("valid_from", "Ngày có hiệu lực không được sau ngày hết hiệu lực (31/12/2025)."),
    ]
    unit = await get_unit(world.unit_b)
    assert (unit["name"], unit["parent"], unit["valid_from"]) == ("Sở Y tế", world.province_id, None)


async def test_a_new_account_gets_a_taken_username_with_every_other_error(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    sent = await browser.post(
        "/admin/users",
        {"username": "HEAD_A", "full_name": "", "role": "unit_head", "unit_id": "abc", "password": "ngan"},
    )
    assert sent.status_code == 422
    assert summary_links(sent.text) == [
        ("username", "Tên đăng nhập đã tồn tại."),
        ("full_name", "Vui lòng nhập họ và tên."),
        ("unit_id", "Đơn vị không hợp lệ."),
        ("password", "Mật khẩu phải có ít nhất 8 ký tự."),
    ]
    assert 'value="HEAD_A"' in sent.text and "ngan" not in re.findall(r'name="password"[^>]*', sent.text)[-1]
    total = (await accounts.list_accounts(world.admin, accounts.AccountFilter(), PageRequest()))[1]
    assert total == 5  # nothing written


async def test_an_accounts_row_gets_the_domains_errors_with_the_forms_own(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    head_a = world.head_a.account_id
    sent = await browser.post(f"/admin/users/{head_a}", {"full_name": "", "role": "unit_head", "unit_id": ""})
    assert sent.status_code == 422
    assert "Chưa lưu được tài khoản head_a: có 2 lỗi cần sửa" in sent.text  # the row sent is named
    assert summary_links(sent.text) == [
        (f"u{head_a}-full_name", "Vui lòng nhập họ và tên."),
        (f"u{head_a}-unit_id", "Thủ trưởng đơn vị phải gắn với một đơn vị."),
    ]
    assert "<details open>" in user_row(sent.text, head_a)
    stored = await accounts.get_account(head_a)
    assert (stored["full_name"], stored["unit"]) == ("Head_A", world.unit_a)


# --- 5. unit codes ignore case ---------------------------------------------------------------


@pytest.mark.parametrize("code", ["STP", "stp", "sTp"])
async def test_a_unit_code_taken_in_any_case_is_refused_beside_the_code(browser, world, code):
    await browser.sign_in_as("admin")
    await browser.get("/admin/units")
    sent = await browser.post(
        "/admin/units", {"code": code, "name": "Sở Tư pháp mới", "kind": "department", "level": "province"}
    )
    assert sent.status_code == 422
    assert summary_links(sent.text) == [("code", "Mã đơn vị đã tồn tại.")]
    assert error_under(sent.text, "code") == "Mã đơn vị đã tồn tại."


# --- 6. notices come from codes, never from the address's text -------------------------------

INJECTED = "Tài khoản của bạn sắp bị khóa, hãy gọi 0912 345 678"


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("", "Đã lưu kế hoạch năm 2024."),
        (
            "&notice=imported&created=3&updated=0&unchanged=1",
            "Đã nhập tệp: 3 nhiệm vụ mới, 0 cập nhật, 1 không đổi.",
        ),
        ("&notice=imported&created=abc&updated=-1", "Đã nhập tệp."),  # counts that are not counts
        (f"&notice={quote(INJECTED)}", None),  # text: shown nowhere
        ("&notice=saved", None),  # a code not known
        (f"&notice=imported&created={quote(INJECTED)}", "Đã nhập tệp."),
    ],
)
async def test_a_plans_notice_is_one_of_the_servers_never_the_addresss(browser, world, query, notice):
    await browser.sign_in_as("staff")
    page = (await browser.get(f"/admin/plans?saved={world.plan_id}{query}")).text
    assert INJECTED not in page
    shown = re.findall(r'<div class="notice" role="status"><p>(.*?)</p></div>', page)
    assert shown == ([notice] if notice else [])
    assert ("is-updated" in page) == bool(notice)


@pytest.mark.parametrize("done", [quote(INJECTED), "anything", "saved%20ok"])
async def test_an_accounts_row_says_nothing_for_a_code_it_does_not_know(browser, world, done):
    await browser.sign_in_as("admin")
    page = (await browser.get(f"/admin/users?saved={world.viewer.account_id}&done={done}")).text
    assert INJECTED not in page and "is-updated" not in page and 'role="status"' not in page


async def test_a_plan_file_imported_is_counted_in_its_notice(browser, world):
    await browser.sign_in_as("staff")
    await browser.get("/admin/plans")
    good = (
        "Mã nhiệm vụ,Lĩnh vực,Nhiệm vụ,Đơn vị chủ trì,Thời hạn\nA.1,Cải cách thể chế,Rà soát,STP,31/12/2024\n"
    )
    imported = await browser.post(
        f"/admin/plans/{world.plan_id}/import", {}, files={"file": ("k.csv", good.encode(), "text/csv")}
    )
    location = imported.headers["location"]
    assert "notice=imported&created=1&updated=0&unchanged=0" in location and "%" not in location
    page = (await browser.get(location)).text
    assert (
        '<div class="notice" role="status"><p>Đã nhập tệp: 1 nhiệm vụ mới, 0 cập nhật, 0 không đổi.</p></div>'
        in page
    )


# --- 7. the browser does not check forms: the server says it, in Vietnamese ------------------


async def test_every_administration_form_is_checked_by_the_server_only(browser, world):
    await browser.sign_in_as("admin")
    for path in ("/admin/users", "/admin/units", f"/admin/units/{world.unit_a}", "/admin/plans"):
        page = (await browser.get(path)).text
        forms = re.findall(r"<form\b[^>]*>", page.split("<main", 1)[1])
        assert forms, path
        assert [form for form in forms if "novalidate" not in form] == [], path


@pytest.mark.parametrize(
    "files",
    [
        {"file": ("", b"", "application/octet-stream")},  # what a browser sends with no file chosen
        {"file": ("trong.csv", b"", "text/csv")},  # an empty file
    ],
)
async def test_a_plan_import_without_a_file_is_told_in_vietnamese_beside_the_field(browser, world, files):
    await browser.sign_in_as("staff")
    await browser.get("/admin/plans")
    refused = await browser.post(f"/admin/plans/{world.plan_id}/import", {}, files=files)
    assert refused.status_code == 422
    p = f"p{world.plan_id}-"
    message = "Vui lòng chọn tệp XLSX hoặc CSV."
    box = re.search(r'<div class="notice error"[^>]*data-error-summary[^>]*>(.*?)</div>', refused.text, re.S)
    assert box and f'<a href="#{p}file">{message}</a>' in box.group(1)
    assert error_under(refused.text, f"{p}file") == message
    assert f'aria-invalid="true" aria-describedby="{p}file-error"' in refused.text


# --- 8. a new temporary password, confirmed; no locking or demoting oneself ------------------


async def test_a_new_temporary_password_is_confirmed_first_and_said_in_the_row(browser, world):
    token, _ = await accounts.sign_in("head_b", PASSWORD)
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    head_b = world.head_b.account_id
    asked = await browser.post(f"/admin/users/{head_b}/password", {"password": "tam-thoi-2025"})
    assert asked.status_code == 200 and "Đặt mật khẩu tạm thời mới cho head_b?" in asked.text
    assert "Head_B bị đăng xuất ngay khỏi mọi thiết bị; các khóa API của tài khoản bị thu hồi" in asked.text
    assert "người dùng phải đổi nó trước khi làm việc khác" in asked.text
    assert (
        "Thao tác này không thể hoàn tác: mật khẩu cũ, các phiên đăng nhập" in asked.text
        and 'name="confirmed" value="yes"' in asked.text
    )
    assert asked.headers["cache-control"] == "no-store"  # the password it carries is not kept
    assert (await accounts.authenticate(token)).account_id == head_b  # nothing done yet

    done = await browser.post(
        f"/admin/users/{head_b}/password", {"password": "tam-thoi-2025", "confirmed": "yes"}
    )
    assert done.status_code == 303 and done.headers["location"].endswith(f"#user-{head_b}")
    row = user_row((await browser.get(done.headers["location"])).text, head_b)
    assert badge_in(row) == "Đã đặt mật khẩu mới"
    detail = (
        "Mật khẩu tạm thời: người dùng đã bị đăng xuất khỏi mọi thiết bị và phải đổi nó khi đăng nhập lại."
    )
    assert detail in row
    assert "Mật khẩu tạm, chờ đổi" in row
    with pytest.raises(NotAuthenticated):
        await accounts.authenticate(token)
    assert (
        await accounts.authenticate((await accounts.sign_in("head_b", "tam-thoi-2025"))[0])
    ).must_change_password


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Vui lòng nhập mật khẩu tạm thời mới."), ("ngan", "Mật khẩu phải có ít nhất 8 ký tự.")],
)
async def test_a_new_temporary_password_that_will_not_do_is_told_in_the_row(browser, world, typed, message):
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    head_b = world.head_b.account_id
    for confirmed in ({}, {"confirmed": "yes"}):
        refused = await browser.post(f"/admin/users/{head_b}/password", {"password": typed, **confirmed})
        assert refused.status_code == 422
        assert "Chưa đặt được mật khẩu mới cho head_b: có 1 lỗi cần sửa" in refused.text
        assert summary_links(refused.text) == [(f"u{head_b}-password", message)]
        row = user_row(refused.text, head_b)
        assert "<details open>" in row and error_under(row, f"u{head_b}-password") == message
        if typed:
            assert typed not in re.findall(r'name="password"[^>]*', row)[0]
    await accounts.sign_in("head_b", PASSWORD)  # unchanged


async def test_an_admins_own_row_offers_no_locking_demoting_or_password_reset(browser, world):
    await browser.sign_in_as("admin")
    page = (await browser.get("/admin/users")).text
    own, other = user_row(page, world.admin.account_id), user_row(page, world.staff.account_id)
    assert "/deactivate" not in own and f'id="u{world.admin.account_id}-role"' in own
    assert "<select" not in own.split("unit_id")[0]  # no role to choose
    assert f"/admin/users/{world.admin.account_id}/password" not in own and 'href="/account/password"' in own
    assert "Không tự khóa tài khoản của mình được" in own
    assert f'action="/admin/users/{world.staff.account_id}/deactivate"' in other
    assert f'<select id="u{world.staff.account_id}-role"' in other
    assert f'action="/admin/users/{world.staff.account_id}/password"' in other
    saved = await browser.post(
        f"/admin/users/{world.admin.account_id}", {"full_name": "Quản trị", "unit_id": ""}
    )
    assert saved.status_code == 303  # one's own row saves without a role
    assert (await accounts.get_account(world.admin.account_id))["role"] == "admin"


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("/deactivate", {"confirmed": "yes"}, "active"),
        ("", {"full_name": "Admin", "role": "viewer", "unit_id": ""}, "role"),
    ],
)
async def test_the_server_still_refuses_an_admin_locking_or_demoting_themselves(
    browser, world, action, data, field
):
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    own = world.admin.account_id
    refused = await browser.post(f"/admin/users/{own}{action}", data)
    assert refused.status_code == 409
    message = "Không thể tự hạ quyền hoặc khóa tài khoản của chính mình."
    assert summary_links(refused.text) == [(f"u{own}-{field}", message)]
    assert f'id="u{own}-{field}"' in user_row(refused.text, own)  # the link has its place
    stored = await accounts.get_account(own)
    assert (stored["role"], stored["active"]) == ("admin", True)


def badge_in(row: str) -> str:
    return re.search(r'<span role="status"><span class="badge done">(.*?)</span>', row).group(1)


# A plan form's own errors and the domain's (another plan active that year) come together; the
# second used to show only once the first was mended.
@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (
            {"year": "2024", "title": "Kế hoạch bổ sung", "status": "active", "doc_date": "31/02/2024"},
            {"doc_date": DATE_INVALID, "status": "Mỗi năm chỉ có một kế hoạch đang thực hiện."},
        ),
        (
            {"year": "2024", "title": "", "status": "active"},
            {"title": "Vui lòng nhập tên kế hoạch.", "status": "Mỗi năm chỉ có một kế hoạch đang thực hiện."},
        ),
        (  # another year: no conflict, the date alone
            {"year": "2031", "title": "Kế hoạch 2031", "status": "active", "doc_date": "31/02/2024"},
            {"doc_date": DATE_INVALID},
        ),
    ],
)
async def test_a_new_plan_s_errors_all_show_at_once(browser, world, sent, expected):
    await browser.sign_in_as("staff")
    await browser.get("/admin/plans")
    refused = await browser.post("/admin/plans", {"progress_method": "task_count", **sent})
    assert refused.status_code == 422
    for field, message in expected.items():
        assert error_under(refused.text, field) == message
    assert "Năm 2031 · " not in (await browser.get("/admin/plans")).text  # nothing written


async def test_a_plan_edit_s_errors_all_show_at_once(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/plans")
    other = await browser.post(
        "/admin/plans", {"year": "2024", "title": "Kế hoạch điều chỉnh", "progress_method": "task_count"}
    )
    other_id = int(other.headers["location"].rsplit("-", 1)[1])
    refused = await browser.post(
        f"/admin/plans/{other_id}",
        {
            "title": "Kế hoạch điều chỉnh",
            "status": "active",
            "doc_date": "31/02/2024",
            "progress_method": "task_count",
            "version": "1",
        },
    )
    assert refused.status_code == 422
    prefix = f"p{other_id}-"
    assert error_under(refused.text, prefix + "doc_date") == DATE_INVALID
    assert error_under(refused.text, prefix + "status") == "Mỗi năm chỉ có một kế hoạch đang thực hiện."
    assert "Chưa lưu được kế hoạch năm 2024: có 2 lỗi cần sửa</h2>" in refused.text  # which plan
