"""Concurrent writes behave the same on SQLite and PostgreSQL, as documented (issue 13, item 6).

On PostgreSQL, 8 concurrent report requests for one period gave 7×409 (SQLite: 8×202), the
first concurrent saves of a draft at version 0 gave 409 instead of 412, and 200 concurrent task
updates without If-Match gave 8×409 although such updates always apply.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from core.errors import InvalidInput
from models.plans.tables import Task
from reports import runs
from reports.tables import ReportRun
from tests.api.web.conftest import Browser
from tests.waiting import wait_until

pytestmark = pytest.mark.anyio

CONCURRENT_UPDATES = 60  # through a pool of 10 connections on PostgreSQL, as in production


async def test_concurrent_report_requests_each_get_a_version(world):
    requested = await asyncio.gather(
        *(runs.request_run(world.staff, runs.RunRequest("2024-H1")) for _ in range(8))
    )
    assert sorted(run["version"] for run in requested) == list(range(1, 9))
    assert await ReportRun.count() == 8


async def test_concurrent_first_saves_of_a_draft_give_one_save_and_412s(concurrent_client, world, headers):
    responses = await asyncio.gather(
        *(
            concurrent_client.post(
                "/api/reports/drafts/2024-H1/changes",
                json={"op": "add", "section": "V", "text": f"Đề nghị {n}.", "version": 0},
                headers=headers["staff"],
            )
            for n in range(8)
        )
    )
    assert sorted(r.status_code for r in responses) == [200] + [412] * 7


async def test_concurrent_task_updates_without_if_match_all_apply(concurrent_client, world, headers):
    responses = await asyncio.gather(
        *(
            concurrent_client.post(
                f"/api/tasks/{world.task_a}/updates",
                json={"status": "in_progress", "progress": n % 100, "note": f"Lần {n}"},
                headers=headers["head_a"],
            )
            for n in range(CONCURRENT_UPDATES)
        )
    )
    assert [r.status_code for r in responses] == [201] * CONCURRENT_UPDATES
    task = await Task.select(Task.version).where(Task.id == world.task_a).first()
    assert task["version"] == 1 + CONCURRENT_UPDATES


async def test_concurrent_task_updates_from_the_page_all_apply(concurrent_client, world):
    browser = await Browser(concurrent_client).sign_in_as("head_a")
    await browser.get(f"/tasks/{world.task_a}")
    responses = await asyncio.gather(
        *(
            browser.post(
                f"/tasks/{world.task_a}/updates",
                {"status": "in_progress", "progress": str(n), "note": f"Lần {n}"},
            )
            for n in range(20)
        )
    )
    assert all(r.status_code in (200, 303) for r in responses), [r.status_code for r in responses]
    task = await Task.select(Task.version).where(Task.id == world.task_a).first()
    assert task["version"] == 1 + 20


REQUEST_KEY = re.compile(r'name="request_key" value="([0-9a-f]+)"')


async def all_generated() -> bool:
    """Every run started in the background finished (before the test's loop closes)."""

    async def ended() -> bool:
        return all(row["state"] in ("done", "failed") for row in await ReportRun.select(ReportRun.state))

    return await wait_until(ended, "every report run to end", interval=0.1)


async def double_click(browser: Browser, page: str, action: str, form: dict) -> list[int]:
    """Two concurrent submissions of the form ``page`` shows; the run each was sent to."""
    key = REQUEST_KEY.search((await browser.get(page)).text).group(1)
    responses = await asyncio.gather(*(browser.post(action, {**form, "request_key": key}) for _ in range(2)))
    assert [r.status_code for r in responses] == [303, 303], [r.text[:300] for r in responses]
    return [int(re.search(r"#run-(\d+)-notice$", r.headers["location"]).group(1)) for r in responses]


DOUBLE_CLICKS = [
    # (button, page showing the form, where it posts, the form's fields)
    ("Lập báo cáo", "/reports", "/reports/", {"kind": "H1", "year": "2024"}),
    ("Lập dự thảo", "/reports/drafts?period=2024-H1", "/reports/drafts/generate", {"period": "2024-H1"}),
]


@pytest.mark.parametrize(
    ("page", "action", "form"), [c[1:] for c in DOUBLE_CLICKS], ids=[c[0] for c in DOUBLE_CLICKS]
)
async def test_a_double_click_makes_one_version_and_the_next_page_a_new_one(
    concurrent_client, world, page, action, form
):
    browser = await Browser(concurrent_client).sign_in_as("staff")
    first, second = await double_click(browser, page, action, form)
    assert first == second
    assert [row["version"] for row in await ReportRun.select(ReportRun.version)] == [1]
    again = await double_click(browser, page, action, form)  # the page shown again: a new request
    assert again[0] == again[1] != first
    assert sorted(row["version"] for row in await ReportRun.select(ReportRun.version)) == [1, 2]
    assert await all_generated()


async def test_concurrent_api_requests_with_one_key_make_one_run(concurrent_client, world, headers):
    body = {"period": "2024-H1", "request_key": "0b7e9c1e-4c1f-4d7a-9f0e-2a5d3c1b8e77"}
    responses = await asyncio.gather(
        *(concurrent_client.post("/api/reports", json=body, headers=headers["staff"]) for _ in range(8))
    )
    assert [r.status_code for r in responses] == [202] * 8
    assert len({r.headers["location"] for r in responses}) == 1
    assert await ReportRun.count() == 1
    assert await all_generated()


async def test_one_key_for_two_reports_or_two_keys_make_separate_runs(world):
    made = [
        await runs.request_run(world.staff, runs.RunRequest(period, request_key=key))
        for period, key in (("2024-H1", "k1"), ("2024-Y", "k1"), ("2024-H1", "k2"), ("2024-H1", "k1"))
    ]
    assert [(run["period_key"], run["version"]) for run in made] == [
        ("2024-H1", 1),
        ("2024-Y", 1),
        ("2024-H1", 2),
        ("2024-H1", 1),  # k1 again: the run it made
    ]


REQUEST_KEYS = [
    # (key, accepted): up to 64 ASCII letters, digits, "-" or "_"; "" is no key
    ("", True),
    ("a" * 64, True),
    ("a" * 65, False),
    ("0b7e9c1e-4c1f_4d7a", True),
    ("key with spaces", False),
    ("khóa", False),
]


@pytest.mark.parametrize(("key", "accepted"), REQUEST_KEYS)
def test_request_key_rule(key, accepted):
    if accepted:
        assert runs.clean_request_key(key) == key
        return
    with pytest.raises(InvalidInput) as refused:
        runs.clean_request_key(key)
    assert [error.field for error in refused.value.errors] == ["request_key"]


@pytest.mark.parametrize("key", ["a" * 65, "key with spaces"])
async def test_a_bad_request_key_is_a_4xx_naming_it_and_makes_no_run(client, world, headers, key):
    response = await client.post(
        "/api/reports", json={"period": "2024-H1", "request_key": key}, headers=headers["staff"]
    )
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "request_key" in response.text
    assert await ReportRun.count() == 0
