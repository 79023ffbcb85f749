from __future__ import annotations

import pytest

from tests.models.test_plan_files import GOOD, csv_bytes, xlsx

# Every test on 30/06/2024 by the stopped clock (the today fixture), never on the real date.
pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("today")]


async def test_import_export_round_trip_over_http(client, world, headers):
    imported = await client.post(
        f"/api/plans/{world.plan_id}/import",
        files={"file": ("kh.xlsx", xlsx(GOOD))},
        headers=headers["staff"],
    )
    assert imported.status_code == 200 and imported.json() == {"created": 2, "updated": 0, "unchanged": 0}
    exported = await client.get(
        f"/api/plans/{world.plan_id}/export", params={"format": "xlsx"}, headers=headers["viewer"]
    )
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    again = await client.post(
        f"/api/plans/{world.plan_id}/import",
        files={"file": ("kh.xlsx", exported.content)},
        headers=headers["staff"],
    )
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 4}


async def test_import_with_bad_rows_lists_them_and_writes_nothing(client, world, headers):
    bad = [GOOD[0], ["X.1", "?", "t", "", "NOPE", "", "hôm qua", "", "", "", ""]]
    response = await client.post(
        f"/api/plans/{world.plan_id}/import",
        files={"file": ("kh.csv", csv_bytes(bad))},
        headers=headers["staff"],
    )
    assert response.status_code == 422
    rows = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert (3, "Lĩnh vực") in rows and (3, "Đơn vị chủ trì") in rows and (3, "Thời hạn") in rows
    tasks = await client.get(f"/api/plans/{world.plan_id}/tasks", headers=headers["staff"])
    assert tasks.json()["total"] == 2


async def test_summary_and_plan_etag(client, world, headers):
    summary = await client.get(
        f"/api/plans/{world.plan_id}/summary", params={"as_of": "2024-04-01"}, headers=headers["viewer"]
    )
    assert summary.status_code == 200 and summary.json()["label"] == "0/2 nhiệm vụ, 0%"
    plan = await client.get(f"/api/plans/{world.plan_id}", headers=headers["staff"])
    stale = await client.patch(
        f"/api/plans/{world.plan_id}", json={"title": "Mới"}, headers={**headers["staff"], "If-Match": '"0"'}
    )
    assert stale.status_code == 412
    fresh = await client.patch(
        f"/api/plans/{world.plan_id}",
        json={"title": "Mới"},
        headers={**headers["staff"], "If-Match": plan.headers["etag"]},
    )
    assert fresh.status_code == 200 and fresh.json()["version"] == 2
    duplicate = await client.post(
        "/api/plans", json={"year": 2024, "title": "Hai", "status": "active"}, headers=headers["staff"]
    )
    assert duplicate.status_code == 409
