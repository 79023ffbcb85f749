"""Each page and form, for each role, as for the API: allowed roles get the page (or the
redirect after a form), the others a Vietnamese 403 page; nobody signed in goes to sign-in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.web.conftest import ROLES

pytestmark = pytest.mark.anyio
FORBIDDEN = "Không có quyền truy cập"


def pages(world):
    """(page, path, roles allowed)."""
    return [
        ("dashboard", "/", set(ROLES)),
        ("my tasks", "/my-tasks", set(ROLES)),
        ("task detail", f"/tasks/{world.task_a}", set(ROLES)),
        ("plan view", f"/plans/{world.plan_id}", set(ROLES)),
        ("dossier statistics", "/dossiers", set(ROLES)),
        ("service index", "/service-index?period=2024-03", set(ROLES)),
        ("service index dossiers", "/service-index/dossiers?period=2024-03&indicator=on_time", set(ROLES)),
        ("reports", "/reports", set(ROLES)),
        ("report draft", "/reports/drafts?period=2024-H1", set(ROLES)),
        ("report draft choice", "/reports/drafts", set(ROLES)),
        ("accounts", "/admin/users", {"admin"}),
        ("units", "/admin/units", {"admin"}),
        ("one unit", f"/admin/units/{world.unit_a}", {"admin"}),
        ("plans and import", "/admin/plans", {"admin", "staff"}),
        ("own password", "/account/password", set(ROLES)),
    ]


def forms(world):
    """(form, path, fields, roles allowed, the exact status an allowed role gets): 303 when the
    post is saved; 422 for the posts whose fields are deliberately invalid, so that no role's
    post changes what the next one meets (the page then shows the error summary)."""
    return [
        (
            "report own-unit task",
            f"/tasks/{world.task_a}/updates",
            {"status": "in_progress", "progress": "10", "note": "Đang thực hiện"},
            {"admin", "staff", "head_a"},
            303,
        ),
        (
            "create account",
            "/admin/users",
            {"username": "", "full_name": "", "role": "viewer", "password": "x"},
            {"admin"},
            422,
        ),
        (
            "change account",
            f"/admin/users/{world.viewer.account_id}",
            {"full_name": "Người xem", "role": "viewer"},
            {"admin"},
            303,
        ),
        (
            "lock account",
            f"/admin/users/{world.viewer.account_id}/deactivate",
            {"confirmed": "yes"},
            {"admin"},
            303,
        ),
        ("unlock account", f"/admin/users/{world.viewer.account_id}/activate", {}, {"admin"}, 303),
        ("edit unit", f"/admin/units/{world.unit_b}", {"name": "Sở Y tế"}, {"admin"}, 303),
        (
            "close unit",
            f"/admin/units/{world.unit_b}/close",
            {"valid_to": "30/06/2025", "successor_id": str(world.unit_a), "confirmed": "yes"},
            {"admin"},
            303,
        ),
        (
            "change own password",
            "/account/password",
            {"old_password": "wrong", "new_password": "x", "new_password_again": "x"},
            set(ROLES),
            422,
        ),
        (
            "create plan",
            "/admin/plans",
            {"year": "", "title": "", "progress_method": "task_count"},
            {"admin", "staff"},
            422,
        ),
        (
            "change the province's report draft",
            "/reports/drafts/changes",
            {"period": "2024-H1", "version": "x", "op": "add", "section": "V", "text": "Kiến nghị."},
            {"admin", "staff"},
            422,
        ),
        (
            "change unit A's report draft",
            "/reports/drafts/changes",
            {"period": "2024-H1", "unit_id": str(world.unit_a), "version": "x", "op": "add", "section": "V"},
            {"admin", "staff", "head_a"},
            422,
        ),
        (
            "generate the province's draft file",
            "/reports/drafts/generate",
            {"period": "2024-H3"},
            {"admin", "staff"},
            422,
        ),
        (
            "request report",
            "/reports",
            {"kind": "H1", "year": "1999"},
            {"admin", "staff", "head_a", "head_b"},
            422,
        ),
    ]


async def test_pages_by_role(browser, world):
    for role in ROLES:
        await browser.sign_in_as(role)
        for name, path, allowed in pages(world):
            response = await browser.get(path)
            if role in allowed:
                assert response.status_code == 200, (name, role, response.status_code)
                assert response.headers["content-type"].startswith("text/html")
                assert '<html lang="vi">' in response.text
            else:
                assert response.status_code == 403, (name, role, response.status_code)
                assert FORBIDDEN in response.text


async def test_forms_by_role(browser, world):
    for role in ROLES:
        for name, path, fields, allowed, status in forms(world):
            await browser.sign_in_as(role)
            response = await browser.post(path, fields)
            if role in allowed:
                assert response.status_code == status, (name, role, response.status_code, response.text)
                if status == 422 and not path.startswith("/reports"):  # the report pages: their own notices
                    assert 'class="error-summary" role="alert"' in response.text, (name, role)
            else:
                assert response.status_code == 403, (name, role, response.status_code)
                assert FORBIDDEN in response.text


async def test_a_unit_head_is_refused_another_units_task(browser, world):
    await browser.sign_in_as("head_b")
    page = await browser.get(f"/tasks/{world.task_a}")
    assert page.status_code == 200
    assert 'action="/tasks/' not in page.text  # no update form for another unit's task
    assert "Chỉ đơn vị chủ trì (Sở Tư pháp) và Sở Nội vụ mới được cập nhật" in page.text
    refused = await browser.post(f"/tasks/{world.task_a}/updates", {"status": "completed", "note": "Xong"})
    assert refused.status_code == 403 and FORBIDDEN in refused.text
    task = await browser.client.get(f"/api/tasks/{world.task_a}")
    assert task.json()["status"] == "not_started" and task.json()["version"] == 1


async def test_a_viewer_sees_no_update_form_and_cannot_post(browser, world):
    await browser.sign_in_as("viewer")
    page = await browser.get(f"/tasks/{world.task_a}")
    assert "Tài khoản của bạn chỉ có quyền xem." in page.text and "Gửi cập nhật" not in page.text
    assert (await browser.post(f"/tasks/{world.task_a}/updates", {"progress": "5"})).status_code == 403


async def test_signed_out_pages_redirect_to_sign_in(browser, world):
    for name, path, _ in pages(world):
        response = await browser.get(path)
        assert response.status_code == 303, (name, response.status_code)
        location = urlsplit(response.headers["location"])
        assert location.path == "/login"
        if path != "/":
            assert parse_qs(location.query)["next"] == [path], name
    posted = await browser.post(f"/tasks/{world.task_a}/updates", {"progress": "5"})
    assert posted.status_code == 303 and posted.headers["location"].startswith("/login")


async def test_htmx_requests_signed_out_are_sent_to_sign_in(browser, world):
    response = await browser.get(f"/plans/{world.plan_id}?q=x", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login?next=")


async def test_navigation_shows_what_each_role_may_open(browser, world):
    expected = {
        "admin": ("/admin/users", None),
        "staff": ("/admin/plans", "/my-tasks"),
        "head_a": ("/my-tasks", "/admin/"),
        "viewer": (None, "/admin/"),
    }
    for role, (present, absent) in expected.items():
        await browser.sign_in_as(role)
        text = (await browser.get("/")).text
        nav = text[text.index("<nav") : text.index("</nav>")]
        if present:
            assert f'href="{present}"' in nav, role
        if absent:
            assert f'href="{absent}' not in nav, role


async def test_every_form_address_opened_in_a_browser_leads_to_a_page(browser, world):
    """A reload after an error, a bookmark: the address a form posts to shows a page (the one
    with the form, or the page above it), never a 405 problem."""
    await browser.sign_in_as("admin")
    paths = [path for _, path, *_ in forms(world)]
    paths += ["/logout", f"/admin/plans/{world.plan_id}/import"]
    for path in paths:
        response = await browser.client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
        assert response.status_code == 200, (path, response.status_code)
        assert response.headers["content-type"].startswith("text/html"), path
