"""Index scores over HTTP: enter, read, list, import; problem details naming each field."""

from __future__ import annotations

import pytest

from models.indices.service import IndexResultData, put_index_result
from tests.models.test_indices import ROWS, csv_file

pytestmark = pytest.mark.anyio

PAR_2024 = {
    "score": 91.49,
    "rank": 4,
    "out_of": 63,
    "note": "Giảm 0,69 điểm so với năm 2023",
    "components": [
        {"name": "Giải ngân kế hoạch vốn đầu tư ngân sách nhà nước", "score": 0.83, "max_score": 1},
        {"name": "Phát triển các nền tảng, cơ sở dữ liệu", "score": 2.87, "max_score": 3.5},
        {"name": "Phát triển ứng dụng, dịch vụ phục vụ người dân, tổ chức", "score": 2.57, "max_score": 7},
    ],
}


async def test_enter_read_and_list(client, world, headers):
    await put_index_result(world.staff, "par_index", 2023, IndexResultData(92.18, rank=2, out_of=63))
    put = await client.put("/api/indices/par_index/2024", json=PAR_2024, headers=headers["staff"])
    assert put.status_code == 200, put.text
    body = put.json()
    assert (body["score"], body["scale"], body["rank"], body["out_of"]) == (91.49, 100, 4, 63)
    assert (body["score_change"], body["rank_change"], body["previous"]["year"]) == (-0.69, -2, 2023)
    assert body["label"] == "91,49 điểm, xếp thứ 4/63, giảm 0,69 điểm so với năm 2023"
    assert [c["ratio"] for c in body["components"]] == [0.83, 0.82, 0.3671]
    assert body["updated_by"] == world.staff.account_id

    one = await client.get("/api/indices/par_index/2024", headers=headers["viewer"])
    assert one.status_code == 200 and one.json() == body
    replaced = await client.put(
        "/api/indices/sipas/2024", json={"score": 90.12, "target": 85}, headers=headers["admin"]
    )
    assert replaced.json()["target_met"] is True and replaced.json()["components"] == []

    listed = await client.get(
        "/api/indices", params={"kind": "par_index", "year_from": 2024}, headers=headers["head_a"]
    )
    assert listed.status_code == 200
    assert listed.json()["total"] == 1 and listed.json()["items"][0]["score_change"] == -0.69
    everything = await client.get("/api/indices", params={"sort": "-year,kind"}, headers=headers["viewer"])
    assert [(r["year"], r["kind"]) for r in everything.json()["items"]] == [
        (2024, "par_index"),
        (2024, "sipas"),
        (2023, "par_index"),
    ]

    missing = await client.get("/api/indices/pci/2024", headers=headers["viewer"])
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/indices")).status_code == 401


async def test_bad_input_is_422_naming_the_field(client, world, headers):
    cases = [
        ("par_index/2024", {"score": 100.5}, {"score"}),
        ("par_index/2024", {"score": -1}, {"score"}),
        ("par_index/2024", {"score": 90, "rank": 64, "out_of": 63}, {"rank"}),
        ("par_index/2024", {"score": 90, "rank": -4, "out_of": -63}, {"rank", "out_of"}),
        ("sipas/2024", {"score": 90, "target": 101}, {"target"}),
        ("gdp/2024", {"score": 90}, {"kind"}),
        ("papi/1999", {"score": 40}, {"year"}),
        ("papi/2101", {"score": 40}, {"year"}),
        (
            "papi/2024",
            {"score": 47.82, "components": [{"name": "Quản trị điện tử", "score": 10.5, "max_score": 10}]},
            {"components[0].score"},
        ),
        (
            "papi/2024",
            {"score": 47.82, "components": [{"name": "Quản trị điện tử", "score": -1, "max_score": -10}]},
            {"components[0].score", "components[0].max_score"},
        ),
    ]
    for path, body, fields in cases:
        response = await client.put(f"/api/indices/{path}", json=body, headers=headers["staff"])
        assert response.status_code == 422, (path, body, response.text)
        problem = response.json()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert {e["field"] for e in problem["errors"]} == fields, (path, body, problem)
        assert all(e["message"] for e in problem["errors"])
    unknown = await client.put(
        "/api/indices/pci/2024", json={"score": 1, "rank_of": 3}, headers=headers["staff"]
    )
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "rank_of"
    listing = await client.get("/api/indices", params={"kind": "gdp"}, headers=headers["viewer"])
    assert listing.status_code == 422 and listing.json()["errors"][0]["field"] == "kind"
    assert (await client.get("/api/indices", headers=headers["viewer"])).json()["total"] == 0


async def test_import_over_http(client, world, headers):
    upload = {"file": ("chi-so.csv", csv_file(ROWS))}
    refused = await client.post("/api/indices/import", files=upload, headers=headers["head_a"])
    assert refused.status_code == 403
    imported = await client.post("/api/indices/import", files=upload, headers=headers["staff"])
    assert imported.status_code == 200 and imported.json() == {"created": 4, "updated": 0, "unchanged": 0}
    par = await client.get("/api/indices/par_index/2024", headers=headers["viewer"])
    assert par.json()["score_change"] == -0.69

    bad = [*ROWS, ["PCI", "2024", "", "120", "", "", "", "", ""]]
    rejected = await client.post(
        "/api/indices/import", files={"file": ("chi-so.csv", csv_file(bad))}, headers=headers["admin"]
    )
    assert rejected.status_code == 422
    assert [(e["row"], e["field"]) for e in rejected.json()["errors"]] == [(9, "Điểm")]
    pci = await client.get("/api/indices", params={"kind": "pci"}, headers=headers["viewer"])
    assert pci.json()["total"] == 0
