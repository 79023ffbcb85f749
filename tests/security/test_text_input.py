"""Free text in: the NFC and NFD spellings of a Vietnamese name are the same name (lookups,
filters, uniqueness), and a value longer than its field allows is a 422 naming the field."""

from __future__ import annotations

import unicodedata

import pytest

from models.dossiers.ingest import ingest_records
from tests.dossier_data import build_catalogue, dossier
from tests.sample_files import csv_bytes, index_rows, plan_rows, procedure_rows

pytestmark = pytest.mark.anyio


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


async def test_nfd_and_nfc_spellings_of_a_unit_are_one_unit(client, world, headers):
    code, name = "ĐĂK-LẮK", "Sở Nội vụ tỉnh Đắk Lắk"
    assert nfd(code) != code
    created = await client.post(
        "/api/units",
        json={"code": nfd(code), "name": nfd(name), "kind": "department", "level": "province"},
        headers=headers["admin"],
    )
    assert created.status_code == 201, created.text
    assert (created.json()["code"], created.json()["name"]) == (code, name)  # stored in NFC
    again = await client.post(
        "/api/units",
        json={"code": code, "name": "Khác", "kind": "department", "level": "province"},
        headers=headers["admin"],
    )
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "code"
    for query in (name, nfd(name), "dak lak", "ĐẮK LẮK"):
        found = await client.get("/api/units", params={"q": query}, headers=headers["viewer"])
        assert [unit["code"] for unit in found.json()["items"]] == [code], query


async def test_nfd_and_nfc_spellings_of_a_procedure_are_one_procedure(client, world, headers):
    body = {
        "code": "2.002",
        "name": "Đăng ký kết hôn",
        "field": "Hộ tịch",
        "level": "commune",
        "online_level": "full",
    }
    first = await client.post(
        "/api/procedures", json={**body, "name": nfd(body["name"])}, headers=headers["staff"]
    )
    assert first.status_code == 201, first.text
    assert first.json()["name"] == body["name"]
    clash = await client.post(
        "/api/procedures", json={**body, "code": nfd("2.002")}, headers=headers["staff"]
    )
    assert clash.status_code == 409
    for field in (body["field"], nfd(body["field"])):
        listed = await client.get("/api/procedures", params={"field": field}, headers=headers["viewer"])
        assert listed.json()["total"] == 1, field
    by_name = await client.get("/api/procedures", params={"q": nfd("kết hôn")}, headers=headers["viewer"])
    assert by_name.json()["total"] == 1


async def test_nfd_in_files_and_filters_finds_the_nfc_records(client, world, headers):
    catalogue = await build_catalogue(world)  # procedure field "Tư pháp"
    await ingest_records(world.admin, [{k: v for k, v in dossier("HS-1").items() if v} | {"cashless": True}])
    for field in ("Tư pháp", nfd("Tư pháp")):
        period = {"from": "2024-01-01", "to": "2024-12-31", "field": field}
        response = await client.get("/api/dossiers/stats", params=period, headers=headers["viewer"])
        assert response.json()["total"]["received"] == 1, field
    assert catalogue.province_procedure == "1.001"
    # A plan file naming its lead unit in NFD: the unit is found.
    await client.post(
        "/api/units",
        json={"code": "ĐOÀN", "name": "Đoàn thanh niên", "kind": "department", "level": "province"},
        headers=headers["admin"],
    )
    rows = plan_rows(nfd("ĐOÀN"), title=nfd("Tuyên truyền cải cách hành chính"))
    imported = await client.post(
        f"/api/plans/{world.plan_id}/import",
        files={"file": ("kh.csv", csv_bytes(rows))},
        headers=headers["staff"],
    )
    assert imported.status_code == 200, imported.text
    tasks = await client.get(
        f"/api/plans/{world.plan_id}/tasks", params={"q": "tuyen truyen"}, headers=headers["viewer"]
    )
    (task,) = tasks.json()["items"]
    assert (task["lead_unit_code"], task["title"]) == ("ĐOÀN", "Tuyên truyền cải cách hành chính")


async def test_usernames_are_lower_case_ascii_and_sign_in_in_any_case(client, world, headers):
    account = {"full_name": "Nguyễn Văn A", "role": "viewer", "password": "mật-khẩu-dài-1"}
    for refused in ("nguyễn.văn.a", nfd("nguyễn.văn.a"), "nguyen van a"):
        response = await client.post(
            "/api/users", json={**account, "username": refused}, headers=headers["admin"]
        )
        assert response.status_code == 422, refused
        assert [error["field"] for error in response.json()["errors"]] == ["username"]
    created = await client.post(
        "/api/users", json={**account, "username": "Nguyen.Van.A"}, headers=headers["admin"]
    )
    assert created.status_code == 201, created.text
    assert created.json()["username"] == "nguyen.van.a" and created.json()["must_change_password"] is True
    signed_in = await client.post(
        "/api/auth/login", json={"username": "NGUYEN.VAN.A", "password": "mật-khẩu-dài-1"}
    )
    assert signed_in.status_code == 200, signed_in.text


def long_fields(world) -> list[tuple[str, str, str, dict | None, str]]:
    """(method, path, field, body, name of the field in the error) for the free-text inputs."""
    plan, task = world.plan_id, world.task_a
    unit = {"code": "X", "name": "Đơn vị", "kind": "department", "level": "province"}
    procedure = {
        "code": "P.9",
        "name": "Thủ tục",
        "field": "Đất đai",
        "level": "province",
        "online_level": "full",
    }
    new_task = {
        "code": "L.1",
        "area": "leadership",
        "title": "t",
        "lead_unit_id": world.unit_a,
        "ongoing": True,
    }
    user = {"username": "u", "full_name": "U", "role": "viewer", "password": "long-enough-1"}
    return [
        ("POST", "/api/units", "name", {**unit, "name": "ệ" * 256}, "name"),
        ("POST", "/api/units", "code", {**unit, "code": "Đ" * 33}, "code"),
        ("PATCH", f"/api/units/{world.unit_a}", "name", {"name": "ệ" * 256}, "name"),
        ("POST", "/api/plans", "title", {"year": 2031, "title": "ệ" * 501}, "title"),
        ("PATCH", f"/api/plans/{plan}", "doc_number", {"doc_number": "9" * 65}, "doc_number"),
        ("POST", f"/api/plans/{plan}/tasks", "title", {**new_task, "title": "ệ" * 2001}, "title"),
        (
            "POST",
            f"/api/plans/{plan}/tasks",
            "expected_output",
            {**new_task, "expected_output": "ệ" * 2001},
            "expected_output",
        ),
        ("PATCH", f"/api/tasks/{task}", "title", {"title": "ệ" * 2001}, "title"),
        ("POST", f"/api/tasks/{task}/updates", "note", {"progress": 5, "note": "ệ" * 4001}, "note"),
        ("POST", "/api/procedures", "name", {**procedure, "name": "ệ" * 2001}, "name"),
        ("POST", "/api/procedures", "field", {**procedure, "field": "ệ" * 256}, "field"),
        ("POST", "/api/users", "full_name", {**user, "full_name": "ệ" * 256}, "full_name"),
        ("POST", "/api/users", "username", {**user, "username": "a" * 65}, "username"),
        ("POST", "/api/users", "password", {**user, "password": "a" * 257}, "password"),
        ("POST", "/api/api-keys", "name", {"account_id": world.viewer.account_id, "name": "k" * 129}, "name"),
        ("PUT", "/api/indices/pci/2024", "note", {"score": 60, "note": "ệ" * 2001}, "note"),
        (
            "PUT",
            "/api/indices/pci/2024",
            "components",
            {"score": 60, "components": [{"name": "ệ" * 501, "score": 1, "max_score": 10}]},
            "components[0].name",
        ),
        (
            "POST",
            "/api/reports/drafts/2024-H1/changes",
            "text",
            {"op": "add", "section": "V", "text": "ệ" * 20_001, "version": 0},
            "text",
        ),
        (
            "POST",
            "/api/reports/drafts/2024-H1/changes",
            "text",
            {"op": "add", "section": "V", "text": "ệ" * 25_001, "version": 0},
            "text",
        ),
        ("POST", "/api/reports", "period", {"period": "2024-H1" * 3}, "period"),
        ("PATCH", "/api/schedules/overdue-sweep", "cron", {"cron": "0 6 * * *" + " " * 100}, "cron"),
        ("GET", "/api/units?q=" + "ệ" * 201, "q", None, "q"),
        ("GET", f"/api/plans/{plan}/tasks?q=" + "a" * 201, "q", None, "q"),
        ("GET", "/api/procedures?sort=" + "code," * 50, "sort", None, "sort"),
        ("GET", "/api/procedures?field=" + "ệ" * 256, "field", None, "field"),
        ("GET", "/api/audit?path=" + "/" * 201, "path", None, "path"),
    ]


async def test_a_value_longer_than_its_field_is_a_422_naming_it(client, world, headers):
    for method, path, what, body, field in long_fields(world):
        response = await client.request(method, path, json=body, headers=headers["admin"])
        assert response.status_code == 422, (method, path, what, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith("application/problem+json")
        errors = response.json()["errors"]
        assert field in [error["field"] for error in errors], (path, errors)
        assert all(error["message"] for error in errors)  # said in Vietnamese too


async def test_too_long_at_sign_in_and_in_files(client, world, headers):
    login = await client.post("/api/auth/login", json={"username": "a" * 65, "password": "x"})
    assert login.status_code == 422 and login.json()["errors"][0]["field"] == "username"
    for url, rows, column in (
        (f"/api/plans/{world.plan_id}/import", plan_rows("STP", title="ệ" * 2001), "Nhiệm vụ"),
        ("/api/procedures/import", procedure_rows(name="ệ" * 2001), "Tên thủ tục"),
        ("/api/indices/import", index_rows(note="ệ" * 2001), "Ghi chú"),
    ):
        response = await client.post(
            url, files={"file": ("f.csv", csv_bytes(rows))}, headers=headers["staff"]
        )
        assert response.status_code == 422, (url, response.text)
        assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, column)], url
    dossier_push = {k: v for k, v in dossier("H" * 65).items() if v} | {"cashless": True}
    pushed = await client.post("/api/dossiers", json={"records": [dossier_push]}, headers=headers["admin"])
    assert pushed.status_code == 422 and "code" in pushed.json()["errors"][0]["field"]
    assert nfc("ệ") == "ệ"
