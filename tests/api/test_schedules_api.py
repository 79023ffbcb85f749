"""/api/schedules: a schedule's cron is checked with APScheduler's own trigger."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

NEVER = "Lịch này không bao giờ chạy (ví dụ ngày 31 tháng 2)."


@pytest.mark.parametrize(
    ("cron", "refusal"),
    [
        ("0 6 31 2 *", NEVER),  # 31 February
        ("0 6 30 2 *", NEVER),
        ("0 0 31 4,6,9,11 *", NEVER),  # months of 30 days only
        ("0 6 29 2 *", None),  # fires in leap years
        ("0 6 31 * *", None),  # the months that have a 31st
        ("0 6 * * *", None),
        ("every morning", "Biểu thức lịch chạy không hợp lệ."),
    ],
)
async def test_a_schedule_that_never_fires_is_a_422_on_cron(client, world, headers, cron, refusal):
    url = "/api/schedules/overdue-sweep"
    before = {s["key"]: s for s in (await client.get("/api/schedules", headers=headers["admin"])).json()}
    answer = await client.patch(url, json={"cron": cron}, headers=headers["admin"])
    if refusal is None:
        assert answer.status_code == 200, answer.text
        assert answer.json()["cron"] == cron and answer.json()["next_run_time"] is not None
        return
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["message"]) for e in answer.json()["errors"]] == [("cron", refusal)]
    after = {s["key"]: s for s in (await client.get("/api/schedules", headers=headers["admin"])).json()}
    assert after["overdue-sweep"]["cron"] == before["overdue-sweep"]["cron"]  # nothing written
