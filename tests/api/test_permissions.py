"""Each role's allowed and denied actions through HTTP: every denial is a 403 problem."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

ROLES = ("admin", "staff", "head_a", "head_b", "viewer")


def requests(world):
    """(name, method, path, json body, roles allowed) for every protected write and read."""
    return [
        ("list units", "GET", "/api/units", None, set(ROLES)),
        (
            "create unit",
            "POST",
            "/api/units",
            {"code": "NEW", "name": "Đơn vị mới", "kind": "department", "level": "province"},
            {"admin"},
        ),
        ("rename unit", "PATCH", f"/api/units/{world.unit_a}", {"name": "Sở Tư pháp tỉnh"}, {"admin"}),
        ("list users", "GET", "/api/users", None, {"admin"}),
        ("read user", "GET", f"/api/users/{world.viewer.account_id}", None, {"admin"}),
        (
            "create user",
            "POST",
            "/api/users",
            {"username": "u1", "full_name": "U", "role": "viewer", "password": "long-enough-1"},
            {"admin"},
        ),
        (
            "change user",
            "PATCH",
            f"/api/users/{world.viewer.account_id}",
            {"full_name": "Người xem"},
            {"admin"},
        ),
        ("list api keys", "GET", "/api/api-keys", None, {"admin"}),
        (
            "create api key",
            "POST",
            "/api/api-keys",
            {"account_id": world.viewer.account_id, "name": "k"},
            {"admin"},
        ),
        ("list plans", "GET", "/api/plans", None, set(ROLES)),
        ("create plan", "POST", "/api/plans", {"year": 2030, "title": "Kế hoạch 2030"}, {"admin", "staff"}),
        (
            "change plan",
            "PATCH",
            f"/api/plans/{world.plan_id}",
            {"doc_number": "9/KH-UBND"},
            {"admin", "staff"},
        ),
        ("list tasks", "GET", f"/api/plans/{world.plan_id}/tasks", None, set(ROLES)),
        ("summary", "GET", f"/api/plans/{world.plan_id}/summary", None, set(ROLES)),
        ("changes", "GET", f"/api/plans/{world.plan_id}/changes?since=2024-01-01", None, set(ROLES)),
        ("export", "GET", f"/api/plans/{world.plan_id}/export?format=csv", None, set(ROLES)),
        (
            "create task",
            "POST",
            f"/api/plans/{world.plan_id}/tasks",
            {
                "code": "Z.1",
                "area": "leadership",
                "title": "t",
                "lead_unit_id": world.unit_a,
                "ongoing": True,
            },
            {"admin", "staff"},
        ),
        ("read task", "GET", f"/api/tasks/{world.task_a}", None, set(ROLES)),
        ("edit task", "PATCH", f"/api/tasks/{world.task_a}", {"title": "Tên mới"}, {"admin", "staff"}),
        ("history", "GET", f"/api/tasks/{world.task_a}/updates", None, set(ROLES)),
        ("list procedures", "GET", "/api/procedures", None, set(ROLES)),
        ("procedure counts", "GET", "/api/procedures/counts", None, set(ROLES)),
        (
            "create procedure",
            "POST",
            "/api/procedures",
            {
                "code": "P.1",
                "name": "Thủ tục",
                "field": "Đất đai",
                "level": "province",
                "online_level": "full",
            },
            {"admin", "staff"},
        ),
        ("dossier stats", "GET", "/api/dossiers/stats?from=2024-01-01&to=2024-03-31", None, set(ROLES)),
        (
            "late dossiers",
            "GET",
            "/api/dossiers/late-without-apology?from=2024-01-01&to=2024-03-31",
            None,
            set(ROLES),
        ),
        ("dossier import jobs", "GET", "/api/dossiers/imports", None, {"admin", "staff"}),
        ("list indices", "GET", "/api/indices", None, set(ROLES)),
        (
            "enter index result",
            "PUT",
            "/api/indices/par_index/2024",
            {"score": 91.49, "rank": 4, "out_of": 63},
            {"admin", "staff"},
        ),
        ("read index result", "GET", "/api/indices/par_index/2024", None, set(ROLES)),
        (
            "report own-unit task",
            "POST",
            f"/api/tasks/{world.task_a}/updates",
            {"status": "in_progress", "progress": 10, "note": "Cập nhật"},
            {"admin", "staff", "head_a"},
        ),
    ]


async def test_role_matrix(client, world, headers):
    for name, method, path, body, allowed in requests(world):
        for role in ROLES:
            response = await client.request(method, path, json=body, headers=headers[role])
            if role in allowed:
                assert response.status_code < 400, (name, role, response.text)
            else:
                assert response.status_code == 403, (name, role, response.status_code)
                assert response.headers["content-type"].startswith("application/problem+json")
            # Writes that succeeded are undone by name clashes otherwise; start each role fresh.
            if (
                role in allowed
                and method == "POST"
                and response.status_code == 201
                and "code" in (body or {})
            ):
                body = {**body, "code": body["code"] + role[:2].upper()}
            if role in allowed and method == "POST" and "username" in (body or {}):
                body = {**body, "username": body["username"] + role}


async def test_without_credentials_every_protected_route_is_401(client, world):
    for _, method, path, body, _ in requests(world):
        response = await client.request(method, path, json=body)
        assert response.status_code == 401, (method, path)
    assert (await client.get("/healthz")).status_code == 200
