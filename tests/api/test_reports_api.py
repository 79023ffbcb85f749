"""Reports over HTTP: 202 and a run to follow, the file with its Vietnamese name, issuing,
drafts, who may do what; schedules and notifications."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.anyio


async def finished(client, url, headers) -> dict:
    for _ in range(400):
        run = (await client.get(url, headers=headers)).json()
        if run["state"] in ("done", "failed"):
            return run
        await asyncio.sleep(0.05)
    raise AssertionError(f"report run did not finish: {run}")


async def test_generate_download_issue(client, world, headers):
    response = await client.post("/api/reports", json={"period": "2024-H1"}, headers=headers["staff"])
    assert response.status_code == 202, response.text
    run = await finished(client, response.headers["location"], headers["staff"])
    assert run["state"] == "done", run["error"]
    assert run["size"] > 10_000 and len(run["sha256"]) == 64
    download = await client.get(f"/api/reports/{run['id']}/file", headers=headers["viewer"])
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    disposition = download.headers["content-disposition"]
    assert 'filename="Bao cao CCHC 6 thang dau nam 2024.docx"' in disposition
    assert "filename*=UTF-8''" + quote("Báo cáo CCHC 6 tháng đầu năm 2024.docx", safe="") in disposition
    assert download.content[:2] == b"PK"

    second = await client.post("/api/reports", json={"period": "2024-H1"}, headers=headers["admin"])
    assert (await finished(client, second.headers["location"], headers["admin"]))["version"] == 2
    assert (
        await client.post(f"/api/reports/{run['id']}/issue", headers=headers["head_a"])
    ).status_code == 403
    issued = await client.post(f"/api/reports/{run['id']}/issue", headers=headers["staff"])
    assert issued.json()["issued"] is True
    refused = await client.delete(f"/api/reports/{run['id']}", headers=headers["admin"])
    assert refused.status_code == 409
    assert (
        await client.delete(f"/api/reports/{second.json()['id']}", headers=headers["admin"])
    ).status_code == 204
    listed = (await client.get("/api/reports?period=2024-H1", headers=headers["viewer"])).json()
    assert [item["id"] for item in listed["items"]] == [run["id"]]


async def test_who_may_generate(client, world, headers):
    assert (
        await client.post("/api/reports", json={"period": "2024-Y"}, headers=headers["viewer"])
    ).status_code == 403
    province = await client.post("/api/reports", json={"period": "2024-Y"}, headers=headers["head_a"])
    assert province.status_code == 403
    other = await client.post(
        "/api/reports", json={"period": "2024-Y", "scope_unit_id": world.unit_b}, headers=headers["head_a"]
    )
    assert other.status_code == 403
    own = await client.post(
        "/api/reports", json={"period": "2024-Y", "scope_unit_id": world.unit_a}, headers=headers["head_a"]
    )
    assert own.status_code == 202
    await finished(client, own.headers["location"], headers["head_a"])
    bad = await client.post("/api/reports", json={"period": "2024-H3"}, headers=headers["staff"])
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"


async def test_drafts_keep_the_narratives(client, world, headers):
    url = "/api/reports/drafts/2024-H1"
    body = {"sections": {"leadership": "UBND tỉnh đã ban hành Kế hoạch số 5/KH-UBND."}, "version": 0}
    saved = await client.put(url, json=body, headers=headers["staff"])
    assert saved.status_code == 200 and saved.json()["version"] == 1
    stale = await client.put(url, json=body, headers=headers["staff"])
    assert stale.status_code == 412
    unknown = await client.put(url, json={"sections": {"poem": "x"}}, headers=headers["staff"])
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "sections.poem"
    assert (await client.put(url, json=body, headers=headers["viewer"])).status_code == 403
    assert (
        (await client.get(url, headers=headers["viewer"])).json()["sections"]["leadership"].startswith("UBND")
    )


async def test_schedules_are_listed_and_edited_by_admins_only(client, world, headers):
    listed = await client.get("/api/schedules", headers=headers["staff"])
    assert listed.status_code == 200
    keys = {item["key"]: item for item in listed.json()}
    assert keys["report-half-year"]["next_run_time"] is not None
    assert (await client.get("/api/schedules", headers=headers["viewer"])).status_code == 403
    url = "/api/schedules/report-half-year"
    assert (await client.patch(url, json={"cron": "0 8 16 6 *"}, headers=headers["staff"])).status_code == 403
    bad = await client.patch(url, json={"cron": "every morning"}, headers=headers["admin"])
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cron"
    changed = await client.patch(url, json={"cron": "0 8 16 6 *", "enabled": False}, headers=headers["admin"])
    assert changed.json()["cron"] == "0 8 16 6 *" and changed.json()["next_run_time"] is None
    assert (
        await client.patch("/api/schedules/nope", json={"enabled": True}, headers=headers["admin"])
    ).status_code == 404


async def test_notifications_are_each_users_own(client, world, headers):
    from datetime import date

    from models.notifications.service import sweep_tasks

    await sweep_tasks(date(2024, 4, 2))
    mine = (await client.get("/api/notifications", headers=headers["head_b"])).json()
    assert mine["total"] == 1
    assert (await client.get("/api/notifications", headers=headers["head_a"])).json()["total"] == 0
    notification_id = mine["items"][0]["id"]
    assert (
        await client.post(f"/api/notifications/{notification_id}/read", headers=headers["head_a"])
    ).status_code == 404
    assert (
        await client.post(f"/api/notifications/{notification_id}/read", headers=headers["head_b"])
    ).status_code == 204
    assert (await client.get("/api/notifications?unread=true", headers=headers["head_b"])).json()[
        "total"
    ] == 0
