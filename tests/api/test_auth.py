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
