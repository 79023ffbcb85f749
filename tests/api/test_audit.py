"""The audit log: every change request on record (who, when, what, from where), admins only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio


async def test_changes_are_recorded_with_who_and_where(client, world, headers):
    body = {"status": "in_progress", "progress": 40, "note": "Đang rà soát"}
    assert (
        await client.post(f"/api/tasks/{world.task_a}/updates", json=body, headers=headers["head_a"])
    ).is_success
    refused = await client.post(f"/api/tasks/{world.task_b}/updates", json=body, headers=headers["head_a"])
    assert refused.status_code == 403
    await client.get("/api/units", headers=headers["viewer"])  # reads are not recorded
    entries = (await client.get("/api/audit", headers=headers["admin"])).json()
    updates = [e for e in entries["items"] if e["path"].endswith("/updates")]
    assert [(e["username"], e["role"], e["method"], e["status"]) for e in updates] == [
        ("head_a", "unit_head", "POST", 403),
        ("head_a", "unit_head", "POST", 201),
    ]
    assert updates[0]["ip"] and updates[0]["at"]
    assert all(e["method"] != "GET" for e in entries["items"])
    await client.post("/api/auth/login", json={"username": "viewer", "password": "not-the-password"})
    sign_in = (await client.get("/api/audit?path=/api/auth", headers=headers["admin"])).json()
    assert [(e["username"], e["status"]) for e in sign_in["items"]] == [("", 401)]


async def test_only_admins_read_the_audit_log(client, world, headers):
    for role in ("staff", "head_a", "viewer"):
        assert (await client.get("/api/audit", headers=headers[role])).status_code == 403
    assert (await client.get("/api/audit")).status_code == 401
