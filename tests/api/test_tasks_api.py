from __future__ import annotations

from datetime import date

import pytest

from models.units.tables import Unit
from tests.models.test_evidence import PDF

# Every test on 30/06/2024 by the stopped clock (the today fixture), never on the real date.
pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("today")]


async def test_if_match_stale_write_gets_412(client, world, headers):
    task = await client.get(f"/api/tasks/{world.task_a}", headers=headers["head_a"])
    etag = task.headers["etag"]
    assert etag == '"1"'
    first = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={"status": "in_progress", "progress": 30},
        headers={**headers["head_a"], "If-Match": etag},
    )
    assert first.status_code == 201 and first.headers["etag"] == '"2"'
    stale = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={"status": "in_progress", "progress": 50},
        headers={**headers["staff"], "If-Match": etag},
    )
    assert stale.status_code == 412
    assert stale.json()["errors"][0]["field"] == "If-Match"
    assert (await client.get(f"/api/tasks/{world.task_a}", headers=headers["viewer"])).json()[
        "progress"
    ] == 30


async def test_bad_input_is_a_problem_naming_the_field(client, world, headers):
    cases = [
        ({"status": "in_progress", "progress": 120}, 400, "progress"),
        ({"status": "done"}, 422, "status"),
        ({"status": "completed"}, 422, "note"),
        ({"status": "in_progress", "colour": "red"}, 400, "colour"),
    ]
    for body, status, field in cases:
        response = await client.post(
            f"/api/tasks/{world.task_a}/updates", json=body, headers=headers["head_a"]
        )
        assert response.status_code == status, (body, response.text)
        problem = response.json()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert problem["status"] == status and field in problem["errors"][0]["field"]
    bad_etag = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={"progress": 5, "status": "in_progress"},
        headers={**headers["head_a"], "If-Match": "banana"},
    )
    assert bad_etag.status_code == 412  # names no version, so matches none (RFC 9110)
    assert bad_etag.json()["errors"][0]["field"] == "If-Match"
    assert (await client.get("/api/tasks/987654", headers=headers["viewer"])).status_code == 404
    history = await client.get(f"/api/tasks/{world.task_a}/updates", headers=headers["viewer"])
    assert len(history.json()) == 1  # nothing was written by the rejected requests


async def test_evidence_upload_complete_and_download(client, world, headers):
    upload = await client.post(
        f"/api/tasks/{world.task_a}/evidence",
        files={"file": ("Báo cáo kết quả.pdf", PDF, "application/pdf")},
        headers=headers["head_a"],
    )
    assert upload.status_code == 201, upload.text
    evidence_id = upload.json()["id"]
    done = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={"status": "completed", "evidence_ids": [evidence_id]},
        headers=headers["head_a"],
    )
    assert done.status_code == 201 and done.json()["status"] == "completed"
    download = await client.get(f"/api/evidence/{evidence_id}", headers=headers["viewer"])
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    assert (await client.get(f"/api/evidence/{evidence_id}")).status_code == 401
    refused = await client.post(
        f"/api/tasks/{world.task_a}/evidence",
        files={"file": ("x.pdf", PDF, "application/pdf")},
        headers=headers["head_b"],
    )
    assert refused.status_code == 403
    exe = await client.post(
        f"/api/tasks/{world.task_a}/evidence",
        files={"file": ("x.pdf", b"MZ\x90\x00", "application/pdf")},
        headers=headers["head_a"],
    )
    assert exe.status_code == 415


async def test_task_filters_over_http(client, world, headers):
    response = await client.get(
        f"/api/plans/{world.plan_id}/tasks",
        params={"q": "so hoa", "sort": "-deadline", "limit": 1},
        headers=headers["viewer"],
    )
    body = response.json()
    assert body["total"] == 1 and body["items"][0]["code"] == "VII.1" and body["limit"] == 1
    assert (
        await client.get(f"/api/plans/{world.plan_id}/tasks", params={"limit": 0}, headers=headers["viewer"])
    ).status_code == 400
    assert (
        await client.get(
            f"/api/plans/{world.plan_id}/tasks", params={"sort": "secret"}, headers=headers["viewer"]
        )
    ).status_code == 422


async def test_an_overdue_task_explains_its_delay_and_is_not_completed_back_dated(client, world, headers):
    """VII.1 was due 31/03/2024; on 30/06 it is overdue: an update says why, and once an update
    said 70% today, it cannot have been completed on 20/03 (on time)."""
    url = f"/api/tasks/{world.task_b}/updates"
    silent = await client.post(url, json={"status": "in_progress", "progress": 80}, headers=headers["head_b"])
    assert silent.status_code == 422 and silent.json()["errors"][0]["field"] == "note"
    assert "hạn 31/03/2024" in silent.json()["errors"][0]["message"]
    why = "Chậm do chờ hướng dẫn của bộ; đã đề nghị gia hạn."
    body = {"status": "in_progress", "progress": 70, "note": why}
    assert (await client.post(url, json=body, headers=headers["head_b"])).status_code == 201
    back_dated = {"status": "completed", "completed_on": "2024-03-20", "note": "Đã hoàn thành."}
    refused = await client.post(url, json=back_dated, headers=headers["head_b"])
    assert refused.status_code == 422
    assert [(e["field"], e["message"]) for e in refused.json()["errors"]] == [
        (
            "completed_on",
            "Ngày hoàn thành không được trước ngày 30/06/2024: "
            "cập nhật tiến độ ngày đó ghi nhiệm vụ chưa hoàn thành.",
        )
    ]
    late = {"status": "completed", "note": "Đã hoàn thành, chậm do chờ hướng dẫn."}
    done = await client.post(url, json=late, headers=headers["head_b"])
    assert done.status_code == 201 and done.json()["timeliness"] == "late"
    history = (await client.get(url, headers=headers["viewer"])).json()
    assert history[-1]["completed_on"] == "2024-06-30"


async def test_a_task_is_not_given_to_a_unit_closed_before_the_plans_year(client, world, headers):
    await Unit.update({Unit.valid_to: date(2023, 6, 30)}).where(Unit.id == world.unit_b)
    task = {"code": "X.1", "area": "institutions", "title": "Nhiệm vụ X.1", "deadline": "2024-09-30"}
    for extra, field in (
        ({"lead_unit_id": world.unit_b}, "lead_unit_id"),
        ({"lead_unit_id": world.unit_a, "coordinating_unit_ids": [world.unit_b]}, "coordinating_unit_ids"),
    ):
        response = await client.post(
            f"/api/plans/{world.plan_id}/tasks", json={**task, **extra}, headers=headers["staff"]
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [error["field"] for error in response.json()["errors"]] == [field]
