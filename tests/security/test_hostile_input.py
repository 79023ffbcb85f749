"""Hostile values in fields (issue 13, items 3, 5, 7 and 13), through the API and the pages.

A unit head re-dated their own completed task to 1900-01-01 (a late completion became on time);
a vertical tab in a task title broke every report of the year; superscript digits ("²" passes
str.isdigit, int("²") raises) gave 500s; invisible characters made a second "tuphap"; a 2023
plan took 0001-01-01 and 9999-12-31 as deadlines.
"""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document

from models.accounts.tables import Account
from models.plans.tables import Task
from reports.docx_kit import add_run
from tests.sample_files import csv_bytes, plan_rows

pytestmark = pytest.mark.anyio

COMPLETE = {"status": "completed", "note": "Đã ban hành quyết định."}


async def completed_task(client, world, headers) -> dict:
    response = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={**COMPLETE, "completed_on": "2024-07-15"},
        headers=headers["staff"],
    )
    assert response.status_code == 201, response.text
    return response.json()


# --- item 3: completion dates -----------------------------------------------------------------


async def test_a_unit_head_cannot_re_date_their_completed_task(client, world, headers):
    task = await completed_task(client, world, headers)
    response = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={**COMPLETE, "completed_on": "2024-06-01"},
        headers={**headers["head_a"], "If-Match": f'"{task["version"]}"'},
    )
    assert response.status_code == 403
    stored = await Task.select(Task.completed_on).where(Task.id == world.task_a).first()
    assert stored["completed_on"] == date(2024, 7, 15)
    # Staff may correct it, within the rules.
    corrected = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={**COMPLETE, "completed_on": "2024-06-01"},
        headers=headers["staff"],
    )
    assert corrected.status_code == 201 and corrected.json()["completed_on"] == "2024-06-01"


async def test_a_unit_head_cannot_re_date_their_completed_task_from_the_page(client, world, headers, browser):
    await completed_task(client, world, headers)
    await browser.sign_in_as("head_a")
    await browser.get(f"/tasks/{world.task_a}")
    response = await browser.post(
        f"/tasks/{world.task_a}/updates", {**COMPLETE, "completed_on": "1900-01-01"}
    )
    assert response.status_code == 403
    stored = await Task.select(Task.completed_on).where(Task.id == world.task_a).first()
    assert stored["completed_on"] == date(2024, 7, 15)


@pytest.mark.parametrize(
    ("completed_on", "reason"),
    [
        ("1900-01-01", "before the task was created"),
        ("2024-01-04", "before the task was created"),  # created 2024-01-05
        ("9999-12-31", "future"),
        ("2099-01-01", "future"),
    ],
)
async def test_completion_dates_outside_the_window_are_refused(client, world, headers, completed_on, reason):
    response = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json={**COMPLETE, "completed_on": completed_on},
        headers=headers["staff"],
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "completed_on" and reason in error["reason"]


@pytest.mark.parametrize(
    ("deadline", "status"),
    [
        ("0001-01-01", 422),
        ("9999-12-31", 422),
        ("2022-12-31", 422),
        ("2026-01-01", 422),
        ("2023-01-01", 201),
        ("2025-12-31", 201),
    ],
)
async def test_deadlines_lie_within_a_year_of_the_plan(client, world, headers, deadline, status):
    body = {
        "code": "X.1",
        "area": "institutions",
        "title": "Nhiệm vụ thử",
        "lead_unit_id": world.unit_a,
        "deadline": deadline,
    }
    response = await client.post(f"/api/plans/{world.plan_id}/tasks", json=body, headers=headers["staff"])
    assert response.status_code == status, response.text
    if status == 422:
        assert response.json()["errors"][0]["field"] == "deadline"


async def test_changes_since_an_absurd_date_names_the_parameter(client, world, headers):
    response = await client.get(
        f"/api/plans/{world.plan_id}/changes?since=0001-01-01", headers=headers["viewer"]
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "since"


# --- item 5: control characters ---------------------------------------------------------------


async def test_a_vertical_tab_in_a_title_is_stored_as_a_line_break(client, world, headers):
    title = "Rà soát thủ tục\vliên thông\x00\x1b"
    response = await client.patch(
        f"/api/tasks/{world.task_a}", json={"title": title}, headers=headers["staff"]
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Rà soát thủ tục\nliên thông"


def test_text_stored_before_the_cleaning_still_renders():
    paragraph = Document().add_paragraph()
    run = add_run(paragraph, "Rà soát\vthủ tục\x00\x1b hành chính")
    assert run.text == "Rà soátthủ tục hành chính"


# --- item 7: numbers in ASCII digits only -----------------------------------------------------


@pytest.mark.parametrize("if_match", ['"²"', '"abc"', '"-5"', '"99999999999999999999999"', 'W/"٣"'])
async def test_an_if_match_naming_no_version_is_a_412_after_the_role_check(client, world, headers, if_match):
    body = {"status": "in_progress", "progress": 10}
    viewer = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json=body,
        headers={**headers["viewer"], "If-Match": if_match.encode()},
    )
    assert viewer.status_code == 403
    head = await client.post(
        f"/api/tasks/{world.task_a}/updates",
        json=body,
        headers={**headers["head_a"], "If-Match": if_match.encode()},
    )
    assert head.status_code == 412
    edit = await client.patch(
        f"/api/tasks/{world.task_a}",
        json={"title": "Mới"},
        headers={**headers["staff"], "If-Match": if_match.encode()},
    )
    assert edit.status_code == 412


@pytest.mark.parametrize("field", ["progress", "version", "evidence_ids"])
async def test_superscript_digits_in_the_task_form_are_form_errors(browser, world, field):
    await browser.sign_in_as("head_a")
    await browser.get(f"/tasks/{world.task_a}")
    response = await browser.post(
        f"/tasks/{world.task_a}/updates", {"status": "in_progress", "progress": "10", field: "²"}
    )
    assert response.status_code in (201, 303, 422), response.status_code
    if field != "evidence_ids":
        assert response.status_code == 422


@pytest.mark.parametrize("path", ["/plans/{plan}?unit=²", "/dossiers?unit_id=²", "/plans/{plan}?unit=٣"])
async def test_superscript_digits_in_page_filters_are_form_errors(browser, world, path):
    await browser.sign_in_as("viewer")
    response = await browser.get(path.format(plan=world.plan_id))
    assert response.status_code in (200, 422)
    assert "Đơn vị không hợp lệ." in response.text


async def test_superscript_digits_in_the_report_form_are_form_errors(browser, world):
    await browser.sign_in_as("staff")
    await browser.get("/reports")
    response = await browser.post("/reports/", {"kind": "Y", "year": "²⁰²⁴"})
    assert response.status_code == 422


async def test_a_superscript_progress_cell_in_a_plan_import_names_its_row(client, world, headers):
    rows = plan_rows("STP")
    rows[0] += ["Trạng thái", "Tiến độ (%)"]
    rows[1] += ["Đang thực hiện", "⁵⁰"]
    response = await client.post(
        f"/api/plans/{world.plan_id}/import",
        files={"file": ("ke-hoach.csv", csv_bytes(rows), "text/csv")},
        headers=headers["staff"],
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["Tiến độ (%)"]


# --- item 13: invisible characters in identifiers ---------------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad", "\u200d", "\ufeff", "\u2060"])
async def test_an_invisible_character_does_not_make_a_second_username(client, world, headers, invisible):
    body = {
        "username": f"view{invisible}er",
        "full_name": "Người xem",
        "role": "viewer",
        "password": "another-pass-1",
    }
    response = await client.post("/api/users", json=body, headers=headers["admin"])
    assert response.status_code == 409
    assert await Account.count().where(Account.username.like("view%")) == 1


async def test_invisible_characters_are_dropped_from_unit_and_task_codes(client, world, headers):
    unit = await client.post(
        "/api/units",
        json={"code": "S\u00adNV\u200b", "name": "Sở Nội vụ", "kind": "department", "level": "province"},
        headers=headers["admin"],
    )
    assert unit.status_code == 201 and unit.json()["code"] == "SNV"
    task = await client.post(
        f"/api/plans/{world.plan_id}/tasks",
        json={
            "code": "II.1\u200b",
            "area": "institutions",
            "title": "Trùng mã",
            "lead_unit_id": world.unit_a,
            "deadline": "2024-06-30",
        },
        headers=headers["staff"],
    )
    assert task.status_code == 409
