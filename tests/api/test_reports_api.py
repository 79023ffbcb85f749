"""Reports over HTTP: 202 and a run to follow, the file with its Vietnamese name, issuing,
drafts, who may do what; schedules and notifications."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import pytest

from core.clock import local_date, local_zone, stopped_at, utcnow
from models.units.service import UnitData, create_unit_unchecked
from reports.runs import report_path
from reports.tables import ReportDraft
from reports.wording import BLANK_DATE, DRAFT_MARK
from tests.report_drafts import write_required
from tests.reports.docx_read import load
from tests.waiting import wait_until

pytestmark = pytest.mark.anyio


async def finished(client, url, headers) -> dict:
    async def ended() -> dict | None:
        run = (await client.get(url, headers=headers)).json()
        return run if run["state"] in ("done", "failed") else None

    return await wait_until(ended, f"report run {url} to end")


async def test_generate_download_issue(client, world, headers):
    await write_required(world.staff, "2024-H1")
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
    issue = f"/api/reports/{run['id']}/issue"
    assert (await client.post(issue, json=ISSUE, headers=headers["head_a"])).status_code == 403
    assert (await client.post(issue, json=ISSUE, headers=headers["viewer"])).status_code == 403
    issued = await client.post(issue, json=ISSUE, headers=headers["staff"])
    assert issued.status_code == 200, issued.text
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
    runs_before = (await client.get("/api/reports", headers=headers["staff"])).json()["total"]
    ahead = await client.post("/api/reports", json={"period": "2100-Y"}, headers=headers["staff"])
    draft_ahead = await client.get("/api/reports/drafts/2100-Y", headers=headers["staff"])
    change_ahead = await client.post(
        "/api/reports/drafts/2100-Y/changes",
        json={"op": "add", "section": "V", "text": "Kiến nghị.", "version": 0},
        headers=headers["staff"],
    )
    for refused in (ahead, draft_ahead, change_ahead):  # a period not begun has nothing to report
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "period"
    assert (await client.get("/api/reports", headers=headers["staff"])).json()["total"] == runs_before
    assert await ReportDraft.count() == 0  # the refused change wrote no draft


DRAFT = "/api/reports/drafts/2024-H1"
ISSUE = {
    "profile": "department",
    "number": "15",
    "issued_on": "2024-06-20",
    "signer_name": "Nguyễn Văn A",
    "placeholder_reason": "Lãnh đạo Sở cho ý kiến ban hành ngay.",
}


def paragraphs(draft: dict, section: str) -> list[dict]:
    return next(s for s in draft["sections"] if s["key"] == section)["paragraphs"]


async def test_a_draft_shows_every_section_with_coverage_and_what_is_still_to_write(client, world, headers):
    draft = (await client.get(DRAFT, headers=headers["viewer"])).json()
    assert draft["version"] == 0 and draft["issuer_profile"] == "department"
    assert [s["key"] for s in draft["sections"]][:8] == [
        "intro",
        "I",
        "I.1",
        "I.2",
        "I.3",
        "I.4",
        "I.5",
        "II",
    ]
    assert {c["source"] for c in draft["coverage"]} == {"Kế hoạch CCHC", "Hồ sơ TTHC", "Chỉ số CCHC"}
    dossiers = next(c for c in draft["coverage"] if c["source"] == "Hồ sơ TTHC")
    assert dossiers == {
        "source": "Hồ sơ TTHC",
        "available": False,
        "statement": "Chưa có số liệu hồ sơ TTHC của kỳ báo cáo trên hệ thống.",
    }
    shown = [p for s in draft["sections"] for p in s["paragraphs"]]
    assert {p["origin"] for p in shown} == {"generated"}
    assert [t["key"] for t in draft["to_write"]] == [p["key"] for p in shown if p["placeholder"]]
    assert draft["to_write"] and draft["warnings"] == []


async def test_edit_add_move_delete_with_versions(client, world, headers):
    staff = headers["staff"]
    first = paragraphs((await client.get(DRAFT, headers=staff)).json(), "V")[0]
    change = {
        "op": "edit",
        "section": "V",
        "key": first["key"],
        "text": "Đề nghị Bộ Nội vụ hướng dẫn.",
        "version": 0,
    }
    saved = await client.post(f"{DRAFT}/changes", json=change, headers=staff)
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1
    assert paragraphs(saved.json(), "V")[0] | {"figures": []} == {
        "key": first["key"],
        "origin": "edited",
        "text": "Đề nghị Bộ Nội vụ hướng dẫn.",
        "generated_text": first["text"],
        "figures": [],
        "placeholder": False,
    }
    assert first["key"] not in [t["key"] for t in saved.json()["to_write"]]
    stale = await client.post(f"{DRAFT}/changes", json=change, headers=staff)
    assert stale.status_code == 412
    added = await client.post(
        f"{DRAFT}/changes",
        json={"op": "add", "section": "V", "text": "Đề nghị bổ sung kinh phí.", "version": 1},
        headers=staff,
    )
    new_key = paragraphs(added.json(), "V")[-1]["key"]
    assert new_key.startswith("staff:") and added.json()["version"] == 2
    moved = await client.post(
        f"{DRAFT}/changes",
        json={"op": "move", "section": "V", "key": new_key, "direction": "up", "version": 2},
        headers=staff,
    )
    assert [p["key"] for p in paragraphs(moved.json(), "V")] == [new_key, first["key"]]
    deleted = await client.post(
        f"{DRAFT}/changes",
        json={"op": "delete", "section": "V", "key": first["key"], "version": 3},
        headers=staff,
    )
    assert [p["origin"] for p in paragraphs(deleted.json(), "V")] == ["staff", "deleted"]
    assert (await client.get(DRAFT, headers=headers["viewer"])).json()["version"] == 4


BAD_CHANGES = [
    ({"op": "edit", "section": "V", "key": "V.nope", "text": "x", "version": 0}, 422, "key"),
    ({"op": "edit", "section": "IX", "key": "V.text", "text": "x", "version": 0}, 422, "section"),
    ({"op": "add", "section": "V", "text": "   ", "version": 0}, 422, "text"),
    ({"op": "move", "section": "V", "key": "V.text", "direction": "", "version": 0}, 422, "direction"),
    ({"op": "issuer", "profile": "ministry", "version": 0}, 422, "profile"),
    ({"op": "paint", "version": 0}, 400, None),
    ({"op": "add", "section": "V", "text": "x"}, 400, None),  # no version
    ({"op": "add", "section": "V", "text": "x", "version": 5}, 412, None),
]


@pytest.mark.parametrize(("body", "status", "field"), BAD_CHANGES)
async def test_bad_changes_are_refused_and_name_the_field(client, world, headers, body, status, field):
    response = await client.post(f"{DRAFT}/changes", json=body, headers=headers["staff"])
    assert response.status_code == status, response.text
    if field:
        assert response.json()["errors"][0]["field"] == field
    assert (await client.get(DRAFT, headers=headers["staff"])).json()["version"] == 0  # nothing written


async def test_who_may_change_a_draft(client, world, headers):
    body = {"op": "add", "section": "V", "text": "Kiến nghị.", "version": 0}
    unit_a = f"{DRAFT}/changes?unit_id={world.unit_a}"
    assert (await client.post(f"{DRAFT}/changes", json=body, headers=headers["viewer"])).status_code == 403
    assert (await client.post(f"{DRAFT}/changes", json=body, headers=headers["head_a"])).status_code == 403
    assert (await client.post(unit_a, json=body, headers=headers["head_b"])).status_code == 403
    assert (await client.post(unit_a, json=body, headers=headers["viewer"])).status_code == 403
    assert (await client.post(unit_a, json=body, headers=headers["head_a"])).status_code == 200
    assert (await client.post(f"{DRAFT}/changes", json=body, headers=headers["admin"])).status_code == 200
    missing = await client.get(f"{DRAFT}?unit_id=999999", headers=headers["viewer"])
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "unit_id"


async def generated(client, world, headers, period: str = "2024-H1", unit_id: int | None = None) -> dict:
    """A new version of the scope's report, from a draft with every required section written
    (as staff leave it before issuing) and the other placeholders left."""
    await write_required(world.staff, period, unit_id)
    request = {"period": period} | ({"scope_unit_id": unit_id} if unit_id else {})
    response = await client.post("/api/reports", json=request, headers=headers["staff"])
    run = await finished(client, response.headers["location"], headers["staff"])
    assert run["state"] == "done", run["error"]
    return run


ISSUE_REFUSALS = [
    ({"number": ""}, "number"),
    ({"number": "0"}, "number"),
    ({"number": "15a"}, "number"),
    ({"number": "1234567"}, "number"),
    ({"number": "١٥"}, "number"),  # digits, but not the ones a Vietnamese number is written with
    ({"signer_name": "  "}, "signer_name"),
    ({"signer_name": "A" * 101}, "signer_name"),
    ({"signer_name": "A" * 100, "number": ""}, "number"),  # the longest name passes
    ({"issued_on": "2024-06-13"}, "issued_on"),  # the day before the cut-off (14/6)
    ({"issued_on": "tomorrow"}, "issued_on"),  # the province's tomorrow when the request is sent
    ({"profile": "ministry"}, "profile"),
    ({"placeholder_reason": ""}, "placeholder_reason"),  # placeholders left and no reason
]


def dated(change: dict) -> dict:
    """``change`` with "tomorrow" as a date, taken when it is sent: a date taken when the tests
    were collected was today by the time a run crossed the province's midnight (17:00 UTC)."""
    tomorrow = (local_date(utcnow()) + timedelta(days=1)).isoformat()
    return {key: tomorrow if value == "tomorrow" else value for key, value in change.items()}


async def test_issuing_refuses_what_a_clerk_must_fix(client, world, headers):
    run = await generated(client, world, headers)  # one run for every case: generating takes seconds
    assert run["placeholders"] > 0
    for change, field in ISSUE_REFUSALS:
        response = await client.post(
            f"/api/reports/{run['id']}/issue", json=ISSUE | dated(change), headers=headers["staff"]
        )
        assert response.status_code == 422, (change, response.text)
        assert [error["field"] for error in response.json()["errors"]] == [field], change
    assert (await client.get(f"/api/reports/{run['id']}", headers=headers["staff"])).json()["issued"] is False
    report_path(run["id"], ".json").unlink()  # as a run generated before runs kept what they printed
    old = await client.post(f"/api/reports/{run['id']}/issue", json=ISSUE, headers=headers["staff"])
    assert old.status_code == 409 and old.json()["errors"][0]["field"] == "run"


async def test_a_report_is_not_issued_without_the_sections_the_outline_requires(client, world, headers):
    """III's three items, IV and V are what the report is sent for: no reason given for the
    placeholders stands in for them. Writing them (here, all but V) is what issuing waits for."""
    response = await client.post("/api/reports", json={"period": "2024-H1"}, headers=headers["staff"])
    bare = await finished(client, response.headers["location"], headers["staff"])
    refused = await client.post(f"/api/reports/{bare['id']}/issue", json=ISSUE, headers=headers["staff"])
    assert refused.status_code == 409
    assert [error["field"] for error in refused.json()["errors"]] == ["run"]
    assert refused.json()["errors"][0]["message"] == (
        "Chưa ban hành được: đề cương báo cáo yêu cầu có nội dung ở các mục: III.1. Ưu điểm; "
        "III.3. Nguyên nhân; V. ĐỀ XUẤT, KIẾN NGHỊ. Hãy viết các mục này trong dự thảo, lập phiên "
        "bản mới rồi ban hành phiên bản đó."
    )  # III.2 and IV have generated paragraphs here (a limitation, the tasks carried over)
    await write_required(world.staff, "2024-H1")
    draft = (await client.get(DRAFT, headers=headers["staff"])).json()
    added = next(p["key"] for p in paragraphs(draft, "V") if p["origin"] == "staff")
    delete_v = {"op": "delete", "section": "V", "key": added, "version": draft["version"]}
    deleted = await client.post(f"{DRAFT}/changes", json=delete_v, headers=headers["staff"])
    assert deleted.status_code == 200, deleted.text
    response = await client.post("/api/reports", json={"period": "2024-H1"}, headers=headers["staff"])
    without_v = await finished(client, response.headers["location"], headers["staff"])
    refused = await client.post(f"/api/reports/{without_v['id']}/issue", json=ISSUE, headers=headers["staff"])
    assert (
        refused.status_code == 409
        and "các mục: V. ĐỀ XUẤT, KIẾN NGHỊ." in refused.json()["errors"][0]["message"]
    )
    written = await generated(client, world, headers)
    assert (
        await client.post(f"/api/reports/{written['id']}/issue", json=ISSUE, headers=headers["staff"])
    ).status_code == 200
    assert (await client.get(f"/api/reports/{bare['id']}", headers=headers["staff"])).json()[
        "issued"
    ] is False


async def test_an_issued_report_is_frozen(client, world, headers):
    import hashlib

    run = await generated(client, world, headers)
    on_cutoff = ISSUE | {"issued_on": "2024-06-14", "number": "07", "profile": "people_committee"}
    issued = (
        await client.post(f"/api/reports/{run['id']}/issue", json=on_cutoff, headers=headers["staff"])
    ).json()
    assert issued["issue_number"] == "7" and issued["issue_date"] == "2024-06-14"
    assert issued["issuer_profile"] == "people_committee" and issued["issued_by"] is not None
    assert issued["placeholder_reason"] == ISSUE["placeholder_reason"]
    first = (await client.get(f"/api/reports/{run['id']}/file", headers=headers["viewer"])).content
    assert hashlib.sha256(first).hexdigest() == issued["issued_sha256"] != issued["sha256"]
    assert len(first) == issued["issued_size"]
    again = await client.post(f"/api/reports/{run['id']}/issue", json=ISSUE, headers=headers["staff"])
    assert again.status_code == 409
    assert (await client.delete(f"/api/reports/{run['id']}", headers=headers["admin"])).status_code == 409
    other = await generated(client, world, headers)
    same_number = ISSUE | {"number": "7", "profile": "people_committee"}
    taken = await client.post(f"/api/reports/{other['id']}/issue", json=same_number, headers=headers["staff"])
    assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "number"
    assert taken.json()["errors"][0]["message"] == (  # which report has it, so the clerk can check
        "Số 07/BC-UBND đã dùng trong năm 2024 cho báo cáo 6 tháng đầu năm 2024 ban hành ngày 14/06/2024; "
        "chọn số khác."
    )
    later = (await client.get(f"/api/reports/{run['id']}/file", headers=headers["viewer"])).content
    assert later == first
    issued_text = document_text(first)
    assert "Số: 07/BC-UBND" in issued_text and DRAFT_MARK not in issued_text
    assert "ngày 14 tháng 6 năm 2024" in issued_text and "Nguyễn Văn A" in issued_text
    draft = (await client.get(f"/api/reports/{other['id']}/file", headers=headers["viewer"])).content
    assert DRAFT_MARK in document_text(draft) and BLANK_DATE in document_text(draft)
    assert BLANK_DATE not in issued_text


async def test_a_units_report_is_numbered_and_printed_as_the_units_own(client, world, headers):
    """A unit's report carries the unit's letterhead (reports.issuers.unit_issuer) and its own
    numbering: the department's number 15 does not block the unit's 15, nor one unit's another's."""
    department = await generated(client, world, headers)
    issued = await client.post(f"/api/reports/{department['id']}/issue", json=ISSUE, headers=headers["staff"])
    assert issued.status_code == 200, issued.text
    run = await generated(client, world, headers, unit_id=world.unit_a)
    assert run["issuer_profile"] == "unit"
    draft = (
        await client.get(f"/api/reports/drafts/2024-H1?unit_id={world.unit_a}", headers=headers["staff"])
    ).json()
    assert draft["issuer_profile"] == "unit" and [p["key"] for p in draft["issuer_profiles"]] == ["unit"]
    assert "Chỉ số CCHC" not in [c["source"] for c in draft["coverage"]]  # they score the province
    for other in ("department", "people_committee"):  # the province's letterheads are not the unit's
        changed = await client.post(
            f"/api/reports/drafts/2024-H1/changes?unit_id={world.unit_a}",
            json={"op": "issuer", "profile": other, "version": draft["version"]},
            headers=headers["staff"],
        )
        assert changed.status_code == 422 and changed.json()["errors"][0]["field"] == "profile"
    refused = await client.post(f"/api/reports/{run['id']}/issue", json=ISSUE, headers=headers["staff"])
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "profile"
    as_unit = ISSUE | {"profile": "unit"}
    issued = await client.post(f"/api/reports/{run['id']}/issue", json=as_unit, headers=headers["staff"])
    assert issued.status_code == 200, issued.text
    text = document_text(
        (await client.get(f"/api/reports/{run['id']}/file", headers=headers["viewer"])).content
    )
    assert "Số: 15/BC-STP" in text and "SỞ TƯ PHÁP" in text and "Kính gửi: Sở Nội vụ" in text
    taken = await generate_and_issue(client, world, headers, as_unit, world.unit_a)
    assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "number"
    other_unit = await generate_and_issue(client, world, headers, as_unit, world.unit_b)
    assert other_unit.status_code == 200, other_unit.text


async def generate_and_issue(client, world, headers, request: dict, unit_id: int | None = None):
    """A new version of the scope's 2024-H1 report, issued by staff as ``request`` asks."""
    run = await generated(client, world, headers, unit_id=unit_id)
    return await client.post(f"/api/reports/{run['id']}/issue", json=request, headers=headers["staff"])


async def test_a_number_belongs_to_the_letterhead_that_prints_it(client, world, headers):
    """The Sở Nội vụ's own unit report prints SỞ NỘI VỤ, …/BC-SNV like the department's report:
    one sequence of numbers; the Sở Tư pháp's BC-STP is another."""
    home_affairs = await create_unit_unchecked(
        UnitData("SNV", "Sở Nội vụ", "department", "province", world.province_id)
    )
    department = await generate_and_issue(client, world, headers, ISSUE)
    assert department.status_code == 200, department.text
    as_unit = ISSUE | {"profile": "unit"}
    own = await generate_and_issue(client, world, headers, as_unit, home_affairs["id"])
    assert own.status_code == 422 and own.json()["errors"][0]["field"] == "number"
    justice = await generate_and_issue(client, world, headers, as_unit, world.unit_a)
    assert justice.status_code == 200, justice.text


async def test_a_units_run_kept_before_unit_letterheads_is_generated_again(client, world, headers):
    run = await generated(client, world, headers, unit_id=world.unit_a)
    path = report_path(run["id"], ".json")
    snapshot = json.loads(path.read_bytes())
    del snapshot["data"]["scope_unit"]  # as a run of the Sở Nội vụ's letterhead kept it
    path.write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
    refused = await client.post(
        f"/api/reports/{run['id']}/issue", json=ISSUE | {"profile": "unit"}, headers=headers["staff"]
    )
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "run"
    assert (await client.get(f"/api/reports/{run['id']}", headers=headers["staff"])).json()["issued"] is False


@pytest.mark.parametrize(
    "who, scope, status",
    [
        ("head_a", "unit_a", 200),  # a unit head issues their own unit's report
        ("head_a", "unit_b", 403),  # not another unit's
        ("head_a", None, 403),  # nor the province's
        ("viewer", "unit_a", 403),
        ("staff", "unit_a", 200),
    ],
)
async def test_who_may_issue_a_report(client, world, headers, who, scope, status):
    run = await generated(client, world, headers, unit_id=getattr(world, scope) if scope else None)
    request = ISSUE | {"profile": "unit" if scope else "department"}
    response = await client.post(f"/api/reports/{run['id']}/issue", json=request, headers=headers[who])
    assert response.status_code == status, response.text
    issued = (await client.get(f"/api/reports/{run['id']}", headers=headers["staff"])).json()["issued"]
    assert issued is (status == 200)  # a refusal writes nothing


def document_text(blob: bytes) -> str:
    """Every paragraph of a .docx, its tables' cells included."""
    document = load(blob)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


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


async def test_a_report_is_not_issued_before_its_cut_off_day(client, world, headers):
    with stopped_at(datetime.combine(date(2024, 6, 13), time(9), tzinfo=local_zone())):
        run = await generated(client, world, headers)
        early = await client.post(
            f"/api/reports/{run['id']}/issue",
            json=ISSUE | {"issued_on": "2024-06-13"},
            headers=headers["staff"],
        )
    assert early.status_code == 409
    assert [(e["field"], e["reason"]) for e in early.json()["errors"]] == [
        ("issued_on", "issued from 2024-06-14")
    ]
    assert (await client.get(f"/api/reports/{run['id']}", headers=headers["staff"])).json()["issued"] is False


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "period", "refusal"),
    [
        (None, date(2023, 12, 14), "2024-H1", "chỉ hoạt động đến ngày 14/12/2023, trước khi kỳ báo cáo"),
        (None, date(2023, 12, 15), "2024-H1", None),  # its last day is the period's first
        (date(2024, 6, 14), None, "2024-H1", None),  # its first day is the period's last
        (date(2024, 6, 15), None, "2024-H1", "hoạt động từ ngày 15/06/2024, sau khi kỳ báo cáo"),
    ],
)
async def test_a_report_is_about_a_unit_that_existed_in_its_period(
    client, world, headers, valid_from, valid_to, period, refusal
):
    """The API, the draft and the pages refuse alike (reports.runs.require_scope_existed)."""
    unit = await create_unit_unchecked(
        UnitData(
            "STTTT",
            "Sở Thông tin và Truyền thông",
            "department",
            "province",
            world.province_id,
            valid_from,
            valid_to,
        )
    )
    request = {"period": period, "scope_unit_id": unit["id"]}
    response = await client.post("/api/reports", json=request, headers=headers["staff"])
    draft = await client.get(f"/api/reports/drafts/{period}?unit_id={unit['id']}", headers=headers["staff"])
    if refusal is None:
        assert response.status_code == 202 and draft.status_code == 200
        await finished(client, response.headers["location"], headers["staff"])
        return
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "scope_unit_id"
    assert refusal in response.json()["errors"][0]["message"]
    assert draft.status_code == 422 and draft.json()["errors"][0]["field"] == "unit_id"
