"""Evidence uploaded but never attached (issue 13, item 11): a per-person quota, and a
scheduled sweep that removes it after a day (30 uploads of 1 MiB in 0.4 s were kept for good)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.clock import utcnow
from models.plans.evidence import STAGED_LIFETIME, STAGED_MAX_FILES, blob_path
from models.plans.tables import Evidence
from scheduler import jobs
from tests.sample_files import PDF

pytestmark = pytest.mark.anyio

BURST = 30
MIB = b"0" * (1024 * 1024)


def pdf(n: int) -> bytes:
    return PDF + f"% {n}\n".encode() + MIB


async def test_a_burst_of_uploads_stops_at_the_quota(concurrent_client, world, headers):
    responses = await asyncio.gather(
        *(
            concurrent_client.post(
                f"/api/tasks/{world.task_a}/evidence",
                files={"file": (f"minh-chung-{n}.pdf", pdf(n), "application/pdf")},
                headers=headers["head_a"],
            )
            for n in range(BURST)
        )
    )
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == STAGED_MAX_FILES and statuses.count(409) == BURST - STAGED_MAX_FILES
    refused = next(r for r in responses if r.status_code == 409).json()
    assert refused["errors"][0]["field"] == "file"
    assert await Evidence.count().where(Evidence.event.is_null()) == STAGED_MAX_FILES
    # Attaching them to an update frees the quota.
    ids = [r.json()["id"] for r in responses if r.status_code == 201]
    update = await concurrent_client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={"note": "Kèm minh chứng", "evidence_ids": ids},
        headers=headers["head_a"],
    )
    assert update.status_code == 201
    again = await concurrent_client.post(
        f"/api/tasks/{world.task_a}/evidence",
        files={"file": ("them.pdf", pdf(99), "application/pdf")},
        headers=headers["head_a"],
    )
    assert again.status_code == 201


async def test_the_task_form_says_when_the_quota_is_reached(browser, client, world, headers):
    for n in range(STAGED_MAX_FILES):
        response = await client.post(
            f"/api/tasks/{world.task_a}/evidence",
            files={"file": (f"{n}.pdf", pdf(n), "application/pdf")},
            headers=headers["head_a"],
        )
        assert response.status_code == 201
    await browser.sign_in_as("head_a")
    await browser.get(f"/tasks/{world.task_a}")
    response = await browser.client.post(
        f"/tasks/{world.task_a}/updates",
        data={"_csrf_token": browser.token, "status": "in_progress", "progress": "20"},
        files={"file": ("them.pdf", pdf(99), "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "chưa gắn vào báo cáo nào" in response.text
    assert await Evidence.count() == STAGED_MAX_FILES


async def test_the_scheduled_sweep_removes_what_waited_more_than_a_day(client, world, headers):
    uploaded = []
    for n in range(3):
        response = await client.post(
            f"/api/tasks/{world.task_a}/evidence",
            files={"file": (f"{n}.pdf", pdf(n), "application/pdf")},
            headers=headers["head_a"],
        )
        uploaded.append(response.json())
    attached, old, fresh = uploaded
    await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={"note": "Kèm minh chứng", "evidence_ids": [attached["id"]]},
        headers=headers["head_a"],
    )
    long_ago = utcnow() - STAGED_LIFETIME - timedelta(hours=1)
    await Evidence.update({Evidence.uploaded_at: long_ago}).where(
        Evidence.id.is_in([attached["id"], old["id"]])
    )
    await jobs.ensure_default_schedules()
    detail = await jobs.fire("staged-evidence-sweep", utcnow())
    assert detail == "1 tệp minh chứng chưa gắn đã được xóa"
    remaining = {row["id"] for row in await Evidence.select(Evidence.id)}
    assert remaining == {attached["id"], fresh["id"]}
    assert not blob_path(old["sha256"]).exists()
    assert blob_path(attached["sha256"]).exists() and blob_path(fresh["sha256"]).exists()
