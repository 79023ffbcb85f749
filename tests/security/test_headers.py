"""Security headers on every kind of response; CORS off (no cross-origin reads)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio
EVIL = "https://evil.example"


def assert_protected(response, what: str) -> None:
    headers = response.headers
    assert headers.get("x-content-type-options") == "nosniff", what
    frame_policy = headers.get("content-security-policy", "")
    assert headers.get("x-frame-options") == "DENY" or "frame-ancestors 'none'" in frame_policy, what
    assert "frame-ancestors 'none'" in frame_policy, what
    assert headers.get("referrer-policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert "access-control-allow-origin" not in headers, what


async def test_every_kind_of_response_carries_the_security_headers(client, world, headers):
    responses = {
        "API JSON": await client.get("/api/units", headers=headers["viewer"]),
        "API problem (401)": await client.get("/api/units"),
        "API problem (403)": await client.get("/api/users", headers=headers["viewer"]),
        "no such route (404)": await client.get("/nowhere"),
        "wrong method (405)": await client.delete("/healthz"),
        "liveness": await client.get("/healthz"),
        "file download": await client.get(
            f"/api/plans/{world.plan_id}/export?format=csv", headers=headers["viewer"]
        ),
        "sign-in page": await client.get("/login"),
        "redirect to sign-in": await client.get("/", follow_redirects=False),
        "static file": await client.get("/static/app.css"),
        "OpenAPI document": await client.get("/schema/openapi.json"),
        "Swagger UI": await client.get("/schema/swagger"),
    }
    for what, response in responses.items():
        assert_protected(response, what)
    # Not HTML: nothing in it may run if a browser opens it.
    for what in ("API JSON", "API problem (401)", "file download", "OpenAPI document"):
        assert "default-src 'none'" in responses[what].headers["content-security-policy"], what
    # The pages keep their own, stricter policy.
    assert "script-src 'self'" in responses["sign-in page"].headers["content-security-policy"]


async def test_cors_is_off_by_default(client, world, headers):
    simple = await client.get("/api/units", headers={**headers["viewer"], "Origin": EVIL})
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers
    assert "access-control-allow-credentials" not in simple.headers
    preflight = await client.options(
        "/api/units",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-methods" not in preflight.headers
    signed_in = await client.post("/api/auth/login", json={"username": "viewer", "password": "x"})
    assert "access-control-allow-origin" not in signed_in.headers
