"""The audit log: every change request on record (who, when, what, from where), admins only."""

from __future__ import annotations

import pytest

from api.security import SESSION_COOKIE
from models.accounts.service import sign_in
from tests.world import PASSWORD

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


async def test_sign_ins_record_the_username_tried_and_the_account(client, world, headers):
    await client.post("/api/auth/login", json={"username": "viewer", "password": "not-the-password"})
    await client.post("/api/auth/login", json={"username": "viewer", "password": PASSWORD})
    sign_in = (await client.get("/api/audit?path=/api/auth", headers=headers["admin"])).json()
    assert [(e["username"], e["account"], e["status"]) for e in sign_in["items"]] == [
        ("viewer", world.viewer.account_id, 200),
        ("viewer", None, 401),
    ]


async def test_a_csrf_refusal_is_recorded_as_403_with_its_account(client, world):
    """The pages' CSRF check refuses before any handler: recorded with the refusal's status
    and the account whose cookie came with it (was: 500 and no account)."""
    token, _ = await sign_in("staff", PASSWORD)
    client.cookies.set(SESSION_COOKIE, token)
    refused = await client.post("/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    client.cookies.clear()
    admin, _ = await sign_in("admin", PASSWORD)
    entries = (
        await client.get("/api/audit?path=/logout", headers={"Authorization": f"Bearer {admin}"})
    ).json()
    assert [(e["username"], e["account"], e["status"]) for e in entries["items"]] == [
        ("staff", world.staff.account_id, 403)
    ]


async def test_only_admins_read_the_audit_log(client, world, headers):
    for role in ("staff", "head_a", "viewer"):
        assert (await client.get("/api/audit", headers=headers[role])).status_code == 403
    assert (await client.get("/api/audit")).status_code == 401
