from __future__ import annotations

import re
from datetime import datetime

import pytest

from core.clock import utcnow
from core.settings import get_settings
from tests.world import PASSWORD

pytestmark = pytest.mark.anyio


async def test_login_me_logout_with_cookie_and_bearer(client, world):
    response = await client.post("/api/auth/login", json={"username": "head_a", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and "password" not in response.text
    cookie = response.headers["set-cookie"]
    assert "cchc_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    me = await client.get("/api/auth/me", headers=bearer)
    assert me.json()["username"] == "head_a" and "password_hash" not in me.text
    # The browser path: the cookie alone authenticates.
    client.cookies.set("cchc_session", body["access_token"])
    assert (await client.get("/api/auth/me")).status_code == 200
    client.cookies.clear()
    assert (await client.post("/api/auth/logout", headers=bearer)).status_code == 204
    assert (await client.get("/api/auth/me", headers=bearer)).status_code == 401


async def test_bad_credentials_are_problem_details(client, world):
    response = await client.post("/api/auth/login", json={"username": "head_a", "password": "nope"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await client.get("/api/auth/me", headers={"Authorization": "Bearer forged"})).status_code == 401
    missing = await client.post("/api/auth/login", json={"username": "head_a"})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "password"


async def test_api_key_header_authenticates(client, world, headers):
    created = await client.post(
        "/api/api-keys",
        json={"account_id": world.viewer.account_id, "name": "một cửa"},
        headers=headers["admin"],
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert (await client.get("/api/plans", headers={"X-API-Key": key})).status_code == 200
    listed = await client.get("/api/api-keys", headers=headers["admin"])
    assert key not in listed.text
    await client.delete(f"/api/api-keys/{created.json()['api_key']['id']}", headers=headers["admin"])
    assert (await client.get("/api/plans", headers={"X-API-Key": key})).status_code == 401


async def test_openapi_schema_is_served(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/plans/{plan_id}/summary" in schema["paths"]
    assert "BearerToken" in schema["components"]["securitySchemes"]


async def test_the_session_cookie_expires_with_its_token(client, world):
    """It said ``expires=… 2083`` (an epoch timestamp read as seconds from now) while the token
    lives TOKEN_TTL_HOURS (12 h)."""
    response = await client.post("/api/auth/login", json={"username": "viewer", "password": PASSWORD})
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("cchc_session="))
    expires_at = datetime.fromisoformat(response.json()["expires_at"])
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))
    assert abs(max_age - (expires_at - utcnow()).total_seconds()) < 60
    assert max_age <= get_settings().token_ttl_hours * 3600
    assert "2083" not in cookie


async def test_logout_with_an_api_key_keeps_the_key(client, world, headers):
    """Logout revokes session tokens; a client calling it with its API key lost the key."""
    key = (
        await client.post(
            "/api/api-keys",
            json={"account_id": world.viewer.account_id, "name": "một cửa"},
            headers=headers["admin"],
        )
    ).json()["key"]
    response = await client.post("/api/auth/logout", headers={"X-API-Key": key})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "X-API-Key"
    assert (await client.get("/api/plans", headers={"X-API-Key": key})).status_code == 200


async def test_a_temporary_password_closes_the_api_to_its_sessions_until_changed(client, world, headers):
    """The pages show only the password form to an account whose password an administrator
    set; its bearer tokens get a 403 naming the password (writes included: nothing is written)
    until the password is changed, which it may do, as it may read who it is and sign out.
    Its API keys still work."""
    created = await client.post(
        "/api/users",
        json={
            "username": "moi",
            "full_name": "Người Mới",
            "role": "unit_head",
            "unit_id": world.unit_a,
            "password": "tam-thoi-123",
        },
        headers=headers["admin"],
    )
    assert created.status_code == 201, created.text

    async def session() -> dict:
        login = await client.post("/api/auth/login", json={"username": "moi", "password": "tam-thoi-123"})
        return {"Authorization": f"Bearer {login.json()['access_token']}"}

    bearer = await session()
    refused = [  # every other route: tests.api.test_permissions
        ("GET", f"/api/tasks/{world.task_a}", None),
        ("POST", f"/api/tasks/{world.task_a}/updates", {"status": "in_progress", "progress": 40}),
    ]
    for method, path, body in refused:
        response = await client.request(method, path, json=body, headers=bearer)
        assert response.status_code == 403, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["errors"][0]["field"] == "password", path
        assert "mật khẩu tạm thời" in problem["errors"][0]["message"]
    task = await client.get(f"/api/tasks/{world.task_a}", headers=headers["staff"])
    assert task.headers["etag"] == '"1"'  # the refused report wrote nothing
    me = await client.get("/api/auth/me", headers=bearer)
    assert me.status_code == 200 and me.json()["must_change_password"] is True
    key = await client.post(
        "/api/api-keys", json={"account_id": created.json()["id"], "name": "máy"}, headers=headers["admin"]
    )
    assert (await client.get("/api/plans", headers={"X-API-Key": key.json()["key"]})).status_code == 200
    assert (await client.post("/api/auth/logout", headers=await session())).status_code == 204

    changed = await client.post(
        "/api/auth/password",
        json={"old_password": "tam-thoi-123", "new_password": "cua-rieng-toi"},
        headers=bearer,
    )
    assert changed.status_code == 204, changed.text
    login = await client.post("/api/auth/login", json={"username": "moi", "password": "cua-rieng-toi"})
    assert (
        await client.get("/api/plans", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    ).status_code == 200


async def test_the_same_password_again_is_refused(client, world, headers):
    """Changing a temporary password to itself would end its forced change: 422 naming
    new_password, the account still to change it, its session kept."""
    created = await client.post(
        "/api/users",
        json={"username": "moi", "full_name": "Người Mới", "role": "viewer", "password": "tam-thoi-123"},
        headers=headers["admin"],
    )
    assert created.status_code == 201, created.text
    login = await client.post("/api/auth/login", json={"username": "moi", "password": "tam-thoi-123"})
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    same = await client.post(
        "/api/auth/password",
        json={"old_password": "tam-thoi-123", "new_password": "tam-thoi-123"},
        headers=bearer,
    )
    assert same.status_code == 422, same.text
    assert same.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["message"]) for e in same.json()["errors"]] == [
        ("new_password", "Mật khẩu mới phải khác mật khẩu hiện tại.")
    ]
    me = await client.get("/api/auth/me", headers=bearer)
    assert me.status_code == 200 and me.json()["must_change_password"] is True
