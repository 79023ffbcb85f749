"""Forged requests through /api with only the browser's session cookie (issue 13, item 1).

An admin's cookie alone made a forged ``POST /api/users`` (a text/plain body, a foreign Origin)
create an admin, and a forged multipart evidence upload succeed. Now a change request under
/api that the cookie authenticates needs this origin and the CSRF token header; bearer tokens
and API keys need neither; a JSON endpoint refuses any other Content-Type (415).
"""

from __future__ import annotations

import json

import pytest

from api.security import SESSION_COOKIE
from models.accounts.service import sign_in
from models.accounts.tables import Account
from tests.api.web.conftest import CSRF_INPUT
from tests.sample_files import PDF
from tests.world import PASSWORD

pytestmark = pytest.mark.anyio

OWN_ORIGIN = "http://testserver.local"
NEW_ADMIN = {"username": "mallory", "full_name": "Kẻ giả mạo", "role": "admin", "password": "mallory-pass-1"}


async def signed_in_browser(client, username: str = "admin") -> str:
    """The client as ``username``'s browser: the session cookie, the CSRF cookie, and the
    token a page of this site carries (what this site's own scripts could send)."""
    token, _ = await sign_in(username, PASSWORD)
    client.cookies.set(SESSION_COOKIE, token)
    page = await client.get("/login")
    return CSRF_INPUT.search(page.text).group(1)


async def mallory_exists() -> bool:
    return await Account.exists().where(Account.username == "mallory")


@pytest.mark.parametrize(
    ("extra_headers", "content"),
    [
        ({"Origin": "http://evil.example", "Content-Type": "text/plain"}, json.dumps(NEW_ADMIN)),
        (
            {"Origin": "http://testserver.local:8081", "Content-Type": "application/json"},
            json.dumps(NEW_ADMIN),
        ),
        ({"Origin": "http://sub.testserver.local"}, None),
        ({"Referer": "http://evil.example/page"}, None),
        ({}, None),  # neither Origin nor Referer
        ({"Origin": OWN_ORIGIN}, None),  # this origin, but no CSRF token
        ({"Origin": OWN_ORIGIN, "X-CSRFToken": "forged"}, None),
    ],
)
async def test_a_forged_account_creation_with_the_admin_cookie_is_refused(
    client, world, extra_headers, content
):
    await signed_in_browser(client)
    if content is None:
        response = await client.post("/api/users", json=NEW_ADMIN, headers=extra_headers)
    else:
        response = await client.post("/api/users", content=content, headers=extra_headers)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert not await mallory_exists()


async def test_a_forged_evidence_upload_with_the_cookie_is_refused(client, world):
    await signed_in_browser(client, "head_a")
    response = await client.post(
        f"/api/tasks/{world.task_a}/evidence",
        files={"file": ("bien-ban.pdf", PDF, "application/pdf")},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403


async def test_the_cookie_with_this_origin_and_the_token_is_accepted(client, world):
    csrf = await signed_in_browser(client)
    for origin in ({"Origin": OWN_ORIGIN}, {"Referer": f"{OWN_ORIGIN}/admin/users"}):
        body = {
            **NEW_ADMIN,
            "username": f"mallory{len(origin['Origin' if 'Origin' in origin else 'Referer'])}",
        }
        response = await client.post("/api/users", json=body, headers={**origin, "X-CSRFToken": csrf})
        assert response.status_code == 201, response.text
    # Reads never needed the token.
    assert (await client.get("/api/auth/me")).status_code == 200


async def test_bearer_tokens_and_api_keys_need_no_csrf_token(client, world, headers):
    key = (
        await client.post(
            "/api/api-keys",
            json={"account_id": world.staff.account_id, "name": "một cửa"},
            headers=headers["admin"],
        )
    ).json()["key"]
    response = await client.post("/api/users", json=NEW_ADMIN, headers=headers["admin"])
    assert response.status_code == 201
    upload = await client.post(
        f"/api/tasks/{world.task_a}/evidence",
        files={"file": ("bien-ban.pdf", PDF, "application/pdf")},
        headers={"X-API-Key": key, "Origin": "http://evil.example"},
    )
    assert upload.status_code == 201, upload.text


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]
)
async def test_json_endpoints_refuse_other_content_types(client, world, headers, content_type):
    response = await client.post(
        "/api/users",
        content=json.dumps(NEW_ADMIN),
        headers={**headers["admin"], "Content-Type": content_type},
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["field"] == "Content-Type"
    assert not await mallory_exists()
    login = await client.post(
        "/api/auth/login",
        content=json.dumps({"username": "viewer", "password": PASSWORD}),
        headers={"Content-Type": content_type},
    )
    assert login.status_code == 415


async def test_an_upload_endpoint_refuses_a_json_body(client, world, headers):
    response = await client.post(
        f"/api/tasks/{world.task_a}/evidence", json={"file": "x"}, headers=headers["head_a"]
    )
    assert response.status_code == 415
