"""Sign in and out through the page: the session cookie's attributes, a safe return address,
Vietnamese errors, and the lock after repeated failures (the JSON login shares it)."""

from __future__ import annotations

import re

import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from tests.world import PASSWORD

pytestmark = pytest.mark.anyio


def session_cookie(response) -> str:
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith("cchc_session="))


async def test_sign_in_sets_a_protected_cookie_and_returns(browser, world):
    await browser.get("/login?next=/plans")
    response = await browser.post("/login", {"username": "Head_A", "password": PASSWORD, "next": "/my-tasks"})
    assert response.status_code == 303 and response.headers["location"] == "/my-tasks"
    cookie = session_cookie(response).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain HTTP here; see the HTTPS test
    page = await browser.get("/my-tasks")
    assert page.status_code == 200 and "Nhiệm vụ của đơn vị tôi" in page.text


async def test_cookie_is_secure_over_https(db, world):
    app = create_app(db, connection_pool=False)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        page = await client.get("/login")
        token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        response = await client.post(
            "/login",
            data={"username": "viewer", "password": PASSWORD, "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert "secure" in session_cookie(response).lower()


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "/\n/evil"]
)
async def test_the_return_address_stays_on_this_site(browser, world, target):
    await browser.get("/login")
    response = await browser.post("/login", {"username": "viewer", "password": PASSWORD, "next": target})
    assert response.headers["location"] == "/"


async def test_the_return_address_may_carry_vietnamese(browser, world):
    await browser.get("/login")
    response = await browser.post(
        "/login", {"username": "viewer", "password": PASSWORD, "next": "/plans/1?q=thủ tục"}
    )
    assert response.headers["location"] == "/plans/1?q=th%E1%BB%A7%20t%E1%BB%A5c"


async def test_wrong_password_and_empty_fields_in_vietnamese(browser, world):
    await browser.get("/login")
    wrong = await browser.post("/login", {"username": "viewer", "password": "sai-mat-khau"})
    assert wrong.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa." in wrong.text
    assert 'value="viewer"' in wrong.text and "sai-mat-khau" not in wrong.text
    empty = await browser.post("/login", {"username": "", "password": ""})
    assert empty.status_code == 422
    assert "Vui lòng nhập tên đăng nhập." in empty.text and "Vui lòng nhập mật khẩu." in empty.text


async def test_repeated_failures_lock_sign_in_for_a_while(browser, client, world):
    await browser.get("/login")
    for _ in range(5):
        assert (await browser.post("/login", {"username": "viewer", "password": "nope"})).status_code == 401
    locked = await browser.post("/login", {"username": "viewer", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút." in locked.text
    assert 800 < int(locked.headers["Retry-After"]) <= 900
    api = await client.post("/api/auth/login", json={"username": "viewer", "password": PASSWORD})
    assert api.status_code == 429 and api.headers["Retry-After"]
    assert api.json()["errors"][0]["message"].startswith("Đăng nhập sai quá nhiều lần")
    other = await browser.post("/login", {"username": "head_a", "password": PASSWORD})
    assert other.status_code == 303  # another account from the same address is not locked


async def test_sign_out_revokes_the_session(browser, world):
    await browser.get("/login")
    await browser.post("/login", {"username": "staff", "password": PASSWORD})
    await browser.get("/")
    token = browser.client.cookies.get("cchc_session")
    response = await browser.post("/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "max-age=0" in session_cookie(response).lower()
    browser.client.cookies.set("cchc_session", token)  # a copied cookie no longer works
    assert (await browser.get("/")).status_code == 303
    assert (await browser.client.get("/api/auth/me")).status_code == 401


async def test_unit_heads_land_on_their_units_tasks(browser, world):
    await browser.get("/login")
    head = await browser.post("/login", {"username": "head_a", "password": PASSWORD, "next": "/"})
    assert head.headers["location"] == "/my-tasks"
    await browser.get("/login")
    staff = await browser.post("/login", {"username": "staff", "password": PASSWORD})
    assert staff.headers["location"] == "/"


async def test_everyone_changes_their_own_password(browser, client, world):
    await browser.sign_in_as("viewer")
    form = await browser.get("/account/password")
    assert form.status_code == 200 and "Đổi mật khẩu" in form.text
    wrong = await browser.post(
        "/account/password",
        {"old_password": "sai", "new_password": "ngan", "new_password_again": "khac"},
    )
    assert wrong.status_code == 422
    assert re.findall(r'<a href="#([^"]+)">', wrong.text) == [
        "old_password",
        "new_password",
        "new_password_again",
    ]
    assert "Hai lần nhập mật khẩu mới không khớp." in wrong.text
    short = await browser.post(
        "/account/password",
        {"old_password": "sai", "new_password": "ngan", "new_password_again": "ngan"},
    )
    assert re.findall(r'<a href="#([^"]+)">([^<]*)</a>', short.text) == [
        ("old_password", "Mật khẩu hiện tại không đúng."),
        ("new_password", "Mật khẩu phải có ít nhất 8 ký tự."),
    ]
    changed = await browser.post(
        "/account/password",
        {"old_password": PASSWORD, "new_password": "mat-khau-moi-1", "new_password_again": "mat-khau-moi-1"},
    )
    assert changed.status_code == 303 and changed.headers["location"] == "/account/password?changed=true"
    shown = await browser.get(changed.headers["location"])  # still signed in, with the new session
    assert shown.status_code == 200 and "Đã đổi mật khẩu." in shown.text
    old = await client.post("/api/auth/login", json={"username": "viewer", "password": PASSWORD})
    new = await client.post("/api/auth/login", json={"username": "viewer", "password": "mat-khau-moi-1"})
    assert old.status_code == 401 and new.status_code == 200


async def test_a_temporary_password_must_be_changed_before_anything_else(browser, world):
    await browser.sign_in_as("admin")
    await browser.get("/admin/users")
    created = await browser.post(
        "/admin/users",
        {"username": "moi", "full_name": "Người Mới", "role": "viewer", "password": "tam-thoi-123"},
    )
    assert created.status_code == 303
    browser.client.cookies.clear()
    await browser.get("/login")
    signed = await browser.post("/login", {"username": "moi", "password": "tam-thoi-123", "next": "/plans"})
    assert signed.headers["location"] == "/account/password"
    for path in ("/", "/plans", "/my-tasks", "/reports"):
        response = await browser.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/account/password", path
    assert (await browser.get("/header-menu")).status_code == 204  # no menu to reach other pages by
    page = await browser.get("/account/password")
    assert "Bạn đang dùng mật khẩu tạm thời" in page.text
    changed = await browser.post(
        "/account/password",
        {
            "old_password": "tam-thoi-123",
            "new_password": "cua-rieng-toi",
            "new_password_again": "cua-rieng-toi",
        },
    )
    assert changed.status_code == 303
    after = await browser.get("/reports")
    assert after.status_code == 200, after.headers


async def test_guessing_the_old_password_is_locked_like_sign_in(browser, world):
    await browser.sign_in_as("viewer")
    await browser.get("/account/password")
    wrong = {
        "old_password": "doan-sai",
        "new_password": "mat-khau-moi-1",
        "new_password_again": "mat-khau-moi-1",
    }
    for _ in range(5):
        assert (await browser.post("/account/password", wrong)).status_code == 422
    locked = await browser.post("/account/password", {**wrong, "old_password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "Đăng nhập sai quá nhiều lần" in locked.text and 'class="error-summary"' in locked.text


async def test_the_same_password_again_is_refused_on_the_page(browser, client, world):
    await browser.sign_in_as("viewer")
    await browser.get("/account/password")
    same = await browser.post(
        "/account/password",
        {"old_password": PASSWORD, "new_password": PASSWORD, "new_password_again": PASSWORD},
    )
    assert same.status_code == 422
    assert "Đã đổi mật khẩu." not in same.text
    assert re.findall(r'<a href="#([^"]+)">([^<]*)</a>', same.text) == [
        ("new_password", "Mật khẩu mới phải khác mật khẩu hiện tại.")
    ]
    assert (
        '<p class="field-error" id="new_password-error">Mật khẩu mới phải khác mật khẩu hiện tại.</p>'
        in same.text
    )
    assert (await browser.get("/account/password")).status_code == 200  # this session kept
    login = await client.post("/api/auth/login", json={"username": "viewer", "password": PASSWORD})
    assert login.status_code == 200
