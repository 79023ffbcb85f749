"""Reporting rounds through HTTP on both engines: a unit fills, uploads and sends its form; staff
return and accept; bad input is a 422 naming the field (or the cell); a stale version is 412;
the consolidated table downloads as XLSX. Who may do what is in test_permissions.py."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from models.accounts.service import sign_in
from tests.rounds_world import CATALOGUE_HEADER, open_test_round
from tests.world import PASSWORD

pytestmark = pytest.mark.anyio


@pytest.fixture
async def round_setup(world, headers):
    rounds = await open_test_round(world)
    token, _ = await sign_in("reporter_a", PASSWORD)
    return rounds, {**headers, "reporter_a": {"Authorization": f"Bearer {token}"}}


async def _submission(client, headers, round_id, unit_id):
    response = await client.get(f"/api/rounds/{round_id}/units/{unit_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_fill_send_return_resubmit_accept(client, world, round_setup):
    rounds, h = round_setup
    form = await _submission(client, h["reporter_a"], rounds.round_id, world.unit_a)
    sid = form["id"]
    assert form["status"] == "draft" and form["editable_by_unit"]
    saved = await client.post(
        f"/api/submissions/{sid}/draft",
        json={"figures": {"CD01": "3", "TC01": "1.250"}, "answers": {"II.1": "Rà soát xong."}},
        headers={**h["reporter_a"], "If-Match": '"1"'},
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"2"' and saved.json()["figures"] == {"CD01": 3, "TC01": 1250}
    stale = await client.post(
        f"/api/submissions/{sid}/draft", json={"figures": {"CD01": 4}, "version": 1}, headers=h["head_a"]
    )
    assert stale.status_code == 412
    sent = await client.post(
        f"/api/submissions/{sid}/submit", json={"figures": {"CD02": 1}}, headers=h["head_a"]
    )
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    frozen = await client.post(
        f"/api/submissions/{sid}/draft", json={"figures": {"CD01": 4}}, headers=h["head_a"]
    )
    assert frozen.status_code == 409
    returned = await client.post(
        f"/api/submissions/{sid}/return",
        json={"comments": {"figures.TC01": "Kiểm tra lại số văn bản."}},
        headers=h["staff"],
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    seen = await client.get(f"/api/submissions/{sid}", headers=h["head_a"])
    assert seen.json()["comments"] == {"figures.TC01": "Kiểm tra lại số văn bản."}
    again = await client.post(
        f"/api/submissions/{sid}/submit", json={"figures": {"TC01": 1200}}, headers=h["head_a"]
    )
    assert again.status_code == 200
    accepted = await client.post(f"/api/submissions/{sid}/accept", json={}, headers=h["staff"])
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    history = (await client.get(f"/api/submissions/{sid}/history", headers=h["head_a"])).json()
    assert [e["kind"] for e in history] == ["saved", "submitted", "returned", "submitted", "accepted"]
    state = (await client.get(f"/api/rounds/{rounds.round_id}", headers=h["viewer"])).json()
    assert state["label"] == "1/3 đơn vị đã nộp"
    totals = (await client.get(f"/api/rounds/{rounds.round_id}/consolidated", headers=h["viewer"])).json()
    tc01 = next(line for line in totals["indicators"] if line["code"] == "TC01")
    assert (tc01["value"], tc01["display"], tc01["reported"]) == (1200, "1.200", 1)
    assert {m["unit_name"] for m in totals["missing"]} == {"Sở Y tế", "Xã Hải Hà"}
    for reader in ("viewer", "head_b"):  # leadership reads the consolidated figures, not the form
        refused = await client.get(f"/api/submissions/{sid}", headers=h[reader])
        assert refused.status_code == 403 and "home-affairs staff" in refused.json()["detail"], reader


async def test_bad_figures_are_422_naming_each_field(client, world, round_setup):
    rounds, h = round_setup
    sid = (await _submission(client, h["head_a"], rounds.round_id, world.unit_a))["id"]
    response = await client.post(
        f"/api/submissions/{sid}/draft", json={"figures": {"CD01": "-2", "TT04": "abc"}}, headers=h["head_a"]
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"figures.CD01", "figures.TT04"}
    missing = await client.post(f"/api/submissions/{sid}/submit", json={}, headers=h["head_a"])
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"figures.CD01", "figures.CD02", "figures.TC01"}
    bad_round = await client.post(
        "/api/rounds", json={"period": "2024-H9", "deadline": "2024-07-01"}, headers=h["staff"]
    )
    assert bad_round.status_code == 422 and bad_round.json()["errors"][0]["field"] == "period"
    twice = await client.post(
        "/api/rounds", json={"period": "2024-H1", "deadline": "2024-07-01"}, headers=h["staff"]
    )
    assert twice.status_code == 409
    no_comment = await client.post(
        f"/api/submissions/{sid}/return", json={"comments": {}}, headers=h["staff"]
    )
    assert no_comment.status_code == 409  # nothing submitted to return yet


def _filled(content: bytes, figures: dict[str, object]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in figures:
            row[4].value = figures[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_xlsx_round_trip_with_an_error_by_cell(client, world, round_setup):
    rounds, h = round_setup
    sid = (await _submission(client, h["head_b"], rounds.round_id, world.unit_b))["id"]
    download = await client.get(f"/api/submissions/{sid}/form", headers=h["head_b"])
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert [c.value for c in sheet[1]] == [
        "Mã",
        "Chỉ tiêu / câu hỏi",
        "Đơn vị tính",
        "Kỳ trước",
        "Số liệu / nội dung",
        "Ghi chú",
    ]
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    tc01_row = codes.index("TC01") + 2
    bad = _filled(download.content, {"CD01": 2, "CD02": 1, "TC01": "mười", "II.1": "Ban hành 5 văn bản."})
    refused = await client.post(
        f"/api/submissions/{sid}/form", files={"file": ("bao-cao.xlsx", bad)}, headers=h["head_b"]
    )
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["field"], error["row"]) == ("Số liệu / nội dung", tc01_row)
    assert error["message"].startswith(f"Ô E{tc01_row}:")
    assert (await client.get(f"/api/submissions/{sid}", headers=h["head_b"])).json()["version"] == 1
    good = _filled(download.content, {"CD01": 2, "CD02": 1, "TC01": 5, "II.1": "Ban hành 5 văn bản."})
    saved = await client.post(
        f"/api/submissions/{sid}/form", files={"file": ("bao-cao.xlsx", good)}, headers=h["head_b"]
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["figures"] == {"CD01": 2, "CD02": 1, "TC01": 5}
    assert saved.json()["answers"] == {"II.1": "Ban hành 5 văn bản."}
    unknown = Workbook()
    unknown.active.append(["Mã", "Số liệu / nội dung"])
    unknown.active.append(["ZZ9", 1])
    out = io.BytesIO()
    unknown.save(out)
    wrong = await client.post(
        f"/api/submissions/{sid}/form", files={"file": ("x.xlsx", out.getvalue())}, headers=h["head_b"]
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["message"].startswith("Ô A2:")


async def test_consolidated_export_is_a_real_table(client, world, round_setup):
    rounds, h = round_setup
    for unit, head, figures in (
        (world.unit_a, "head_a", {"CD01": 3, "CD02": 2, "TC01": 12, "TT03": 1000, "TT04": 50}),
        (world.unit_b, "head_b", {"CD01": 1, "CD02": 1, "TC01": 8, "TT03": 3000, "TT04": 90}),
    ):
        sid = (await _submission(client, h[head], rounds.round_id, unit))["id"]
        assert (
            await client.post(f"/api/submissions/{sid}/submit", json={"figures": figures}, headers=h[head])
        ).status_code == 200
        assert (
            await client.post(f"/api/submissions/{sid}/accept", json={}, headers=h["staff"])
        ).status_code == 200
    response = await client.get(f"/api/rounds/{rounds.round_id}/consolidated/export", headers=h["viewer"])
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    tc01, tt04 = (
        header.index("TC01. Số văn bản quy phạm pháp luật đã ban hành (Số lượng)"),
        header.index("TT04. Tỷ lệ hồ sơ tiếp nhận trực tuyến (Tỷ lệ (%))"),
    )
    assert rows["Sở Tư pháp"][tc01].value == 12 and rows["Sở Y tế"][tc01].value == 8
    assert rows["Toàn tỉnh (tổng hợp)"][tc01].value == 20
    assert rows["Toàn tỉnh (tổng hợp)"][tt04].value == 80
    assert rows["Xã Hải Hà"][tc01].value is None  # not accepted: no figure


async def test_evidence_files_of_a_submission(client, world, round_setup):
    from tests.sample_files import PNG

    rounds, h = round_setup
    sid = (await _submission(client, h["head_a"], rounds.round_id, world.unit_a))["id"]
    attached = await client.post(
        f"/api/submissions/{sid}/files", files={"file": ("bien ban.png", PNG)}, headers=h["reporter_a"]
    )
    assert attached.status_code == 201, attached.text
    file_id = attached.json()["id"]
    assert attached.json()["filename"] == "bien ban.png"
    assert (await client.get(f"/api/submissions/{sid}", headers=h["head_a"])).json()["files"][0][
        "id"
    ] == file_id
    download = await client.get(f"/api/submissions/{sid}/files/{file_id}", headers=h["staff"])
    assert download.status_code == 200 and download.content == PNG
    assert (
        await client.get(f"/api/submissions/{sid}/files/{file_id}", headers=h["head_b"])
    ).status_code == 403
    text = await client.post(
        f"/api/submissions/{sid}/files", files={"file": ("x.png", b"not an image")}, headers=h["head_a"]
    )
    assert text.status_code == 415
    other = (await _submission(client, h["head_b"], rounds.round_id, world.unit_b))["id"]
    assert (
        await client.get(f"/api/submissions/{other}/files/{file_id}", headers=h["head_b"])
    ).status_code == 404


async def test_the_catalogue_import_api_keeps_its_statuses(client, world, headers):
    """The API answers a wrong file type with 415 and row errors with 422 naming row, column and
    cell (the web form answers both with 422)."""
    from tests.sample_files import csv_bytes

    text = await client.post(
        "/api/indicators/import",
        files={"file": ("danh-muc.txt", b"Ma,Ten\nX1,So\n")},
        headers=headers["staff"],
    )
    assert text.status_code == 415, text.text
    bad = ["X2", "Dầu", "I", "lít", "Sở, ban, ngành", "Cộng tổng"]
    refused = await client.post(
        "/api/indicators/import",
        files={"file": ("ct.csv", csv_bytes([CATALOGUE_HEADER, bad]))},
        headers=headers["staff"],
    )
    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert [(e["row"], e["field"], e["value"]) for e in errors] == [(2, "Đơn vị tính", "lít")]
    denied = await client.post(
        "/api/indicators/import",
        files={"file": ("ct.csv", csv_bytes([CATALOGUE_HEADER, bad]))},
        headers=headers["head_a"],
    )
    assert denied.status_code == 403


TOO_LARGE = "Không được lớn hơn 1.000.000.000.000.000."


@pytest.mark.parametrize(
    "body",
    [
        b'{"figures": {"CD01": 1e308}}',
        b'{"figures": {"CD01": 1000000000000000000000000000000}}',  # 10**30
        b'{"figures": {"CD01": 1000000000000001}}',  # just above 10**15
        b'{"figures": {"CD01": "1.000.000.000.000.001"}}',
        b'{"figures": {"CD01": 1' + b"0" * 400 + b"}}",  # an int no float holds
    ],
)
async def test_a_huge_figure_is_422_naming_it(client, world, round_setup, body):
    rounds, h = round_setup
    sid = (await _submission(client, h["head_a"], rounds.round_id, world.unit_a))["id"]
    response = await client.post(
        f"/api/submissions/{sid}/draft",
        content=body,
        headers={**h["head_a"], "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert error["field"] == "figures.CD01"
    assert error["message"] == TOO_LARGE


async def test_staff_entries_and_the_xlsx_form_refuse_a_huge_figure(client, world, round_setup):
    rounds, h = round_setup
    sid = (await _submission(client, h["head_a"], rounds.round_id, world.unit_a))["id"]
    entry = await client.post(
        f"/api/submissions/{sid}/entries",
        json={"indicator": "CD01", "value": 1e308, "note": "Nhập thay đơn vị."},
        headers=h["staff"],
    )
    assert entry.status_code == 422, entry.text
    assert [(e["field"], e["message"]) for e in entry.json()["errors"]] == [("figures.CD01", TOO_LARGE)]
    download = await client.get(f"/api/submissions/{sid}/form", headers=h["head_a"])
    bad = _filled(download.content, {"CD01": 1e308})
    refused = await client.post(
        f"/api/submissions/{sid}/form", files={"file": ("bao-cao.xlsx", bad)}, headers=h["head_a"]
    )
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["message"].startswith("Ô E") and error["message"].endswith(TOO_LARGE)
    assert (await client.get(f"/api/submissions/{sid}", headers=h["head_a"])).json()["version"] == 1


async def test_the_largest_figure_consolidates_and_exports(client, world, round_setup):
    rounds, h = round_setup
    for unit, head in ((world.unit_a, "head_a"), (world.unit_b, "head_b")):
        sid = (await _submission(client, h[head], rounds.round_id, unit))["id"]
        figures = {"CD01": 10**15, "CD02": 10**15, "TC01": 10**15, "TT03": 10**15, "TT04": 100}
        sent = await client.post(f"/api/submissions/{sid}/submit", json={"figures": figures}, headers=h[head])
        assert sent.status_code == 200, sent.text
        accepted = await client.post(f"/api/submissions/{sid}/accept", json={}, headers=h["staff"])
        assert accepted.status_code == 200, accepted.text
    consolidated = await client.get(f"/api/rounds/{rounds.round_id}/consolidated", headers=h["viewer"])
    assert consolidated.status_code == 200, consolidated.text
    cd01 = next(line for line in consolidated.json()["indicators"] if line["code"] == "CD01")
    assert (cd01["value"], cd01["display"]) == (2e15, "2.000.000.000.000.000")
    export = await client.get(f"/api/rounds/{rounds.round_id}/consolidated/export", headers=h["viewer"])
    assert export.status_code == 200


# --- PUT /api/indicators/{code}: the path is the code as stored -------------------------------

NEW_INDICATOR = {
    "name": "Chỉ tiêu mới",
    "section": "I",
    "measure": "number",
    "rule": "sum",
    "unit_kinds": ["department"],
}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("NEW%2009", "Mã chỉ tiêu chỉ gồm chữ, chữ số và các dấu . _ -, không có khoảng trắng."),
        ("new09", "Mã chỉ tiêu phải viết đúng như khi lưu: NEW09."),
        ("NEW09%20", "Mã chỉ tiêu phải viết đúng như khi lưu: NEW09."),
        ("NEW%E2%80%8B09", "Mã chỉ tiêu phải viết đúng như khi lưu: NEW09."),  # a zero-width space
        ("NEW%2A09", "Mã chỉ tiêu chỉ gồm chữ, chữ số và các dấu . _ -, không có khoảng trắng."),
        ("X" * 33, "Mã chỉ tiêu tối đa 32 ký tự."),
    ],
)
async def test_an_indicator_path_not_a_stored_code_is_a_422_on_code(client, world, headers, path, message):
    answer = await client.put(f"/api/indicators/{path}", json=NEW_INDICATOR, headers=headers["staff"])
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["message"]) for e in answer.json()["errors"]] == [("code", message)]
    listed = (await client.get("/api/indicators", headers=headers["viewer"])).json()["items"]
    assert not any(item["name"] == "Chỉ tiêu mới" for item in listed)  # nothing written


async def test_an_indicator_is_created_with_201_and_replaced_with_200(client, world, headers):
    created = await client.put("/api/indicators/NEW-09", json=NEW_INDICATOR, headers=headers["staff"])
    assert created.status_code == 201 and created.json()["code"] == "NEW-09"
    replaced = await client.put(
        "/api/indicators/NEW-09", json={**NEW_INDICATOR, "name": "Đổi tên"}, headers=headers["staff"]
    )
    assert replaced.status_code == 200 and replaced.json()["name"] == "Đổi tên"


async def test_a_catalogue_file_with_a_space_in_a_code_is_refused_as_the_put_is(client, world, headers):
    from tests.sample_files import csv_bytes

    row = ["NEW 09", "Chỉ tiêu mới", "I", "Số lượng", "Sở, ban, ngành", "Cộng tổng"]
    refused = await client.post(
        "/api/indicators/import",
        files={"file": ("ct.csv", csv_bytes([CATALOGUE_HEADER, row]))},
        headers=headers["staff"],
    )
    assert refused.status_code == 422, refused.text
    assert [(e["row"], e["field"], e["value"]) for e in refused.json()["errors"]] == [
        (2, "Mã chỉ tiêu", "NEW 09")
    ]
