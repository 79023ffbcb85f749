from __future__ import annotations

import pytest

from tests.models.test_procedures import ROWS, csv_file

pytestmark = pytest.mark.anyio


async def test_catalogue_over_http(client, world, headers):
    imported = await client.post(
        "/api/procedures/import", files={"file": ("tthc.csv", csv_file(ROWS))}, headers=headers["staff"]
    )
    assert imported.status_code == 200 and imported.json()["created"] == 4
    refused = await client.post(
        "/api/procedures/import", files={"file": ("tthc.csv", csv_file(ROWS))}, headers=headers["head_a"]
    )
    assert refused.status_code == 403
    listed = await client.get(
        "/api/procedures", params={"level": "province", "sort": "-code"}, headers=headers["viewer"]
    )
    assert [p["code"] for p in listed.json()["items"]] == ["1.003", "1.001"]
    counts = await client.get("/api/procedures/counts", headers=headers["viewer"])
    assert counts.json()["by_level"] == {"province": 2, "district": 1, "commune": 1}
    one = await client.get(f"/api/procedures/{listed.json()['items'][0]['id']}", headers=headers["viewer"])
    assert one.json()["name"] == "Cấp phiếu lý lịch tư pháp"
    bad = await client.post(
        "/api/procedures",
        json={"code": "X", "name": "x", "field": "y", "level": "galaxy", "online_level": "full"},
        headers=headers["staff"],
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "level"
    assert (await client.get("/api/procedures")).status_code == 401


@pytest.mark.parametrize("code", ["qn-test-1", "Qn-Test-1", "QN-TEST-1"])
async def test_a_procedure_code_taken_in_any_case_is_a_409_on_code(client, world, headers, code):
    body = {"name": "Thủ tục", "field": "Đất đai", "level": "province", "online_level": "full"}
    first = await client.post("/api/procedures", json={**body, "code": "QN-TEST-1"}, headers=headers["staff"])
    assert first.status_code == 201, first.text
    again = await client.post("/api/procedures", json={**body, "code": code}, headers=headers["staff"])
    assert again.status_code == 409
    assert [(e["field"], e["message"]) for e in again.json()["errors"]] == [
        ("code", "Mã thủ tục đã tồn tại.")
    ]
    listed = await client.get("/api/procedures", headers=headers["viewer"])
    assert [p["code"] for p in listed.json()["items"]] == ["QN-TEST-1"]  # nothing written
