"""Hostile files for every import and upload: wrong types by name and by content, zip bombs
dressed as .xlsx/.docx, 100 MB bodies, CSV with a BOM, legacy Vietnamese encodings (refused,
never stored as mojibake)."""

from __future__ import annotations

import tracemalloc

import pytest

from models.indices.tables import IndexResult
from models.plans.tables import Task
from models.procedures.tables import Procedure
from tests.dossier_data import build_catalogue
from tests.sample_files import (
    CP1258_BYTES,
    PDF,
    PNG,
    TCVN3_TEXT,
    VNI_TEXT,
    cp1258,
    csv_bytes,
    dossier_rows,
    index_rows,
    plan_rows,
    procedure_rows,
    real_zip_bomb,
    xlsx_bytes,
    zip_bomb,
)
from tests.waiting import background_idle

pytestmark = pytest.mark.anyio
MB = 1024 * 1024
SPREADSHEET_IMPORTS = ("plan", "procedures", "indices")
LEGACY_COLUMN = {"plan": "Nhiệm vụ", "procedures": "Tên thủ tục", "indices": "Ghi chú"}  # the free text


def import_url(kind: str, world) -> str:
    return {
        "plan": f"/api/plans/{world.plan_id}/import",
        "procedures": "/api/procedures/import",
        "indices": "/api/indices/import",
        "dossiers": "/api/dossiers/imports",
    }[kind]


def good_rows(kind: str, text: str | None = None) -> list[list[str]]:
    """A valid file's rows; ``text`` (when given) in its free-text column."""
    if kind == "plan":
        return plan_rows("STP", title=text or "Rà soát thủ tục hành chính")
    if kind == "procedures":
        return procedure_rows(name=text or "Cấp giấy phép xây dựng")
    return index_rows(note=text or "Kết quả công bố năm 2025")


async def stored_rows() -> int:
    return await Task.count() + await Procedure.count() + await IndexResult.count()


def assert_problem(response, status: int, *words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    text = response.text
    for word in words:
        assert word in text, (word, problem)
    return problem


@pytest.fixture(scope="module")
def real_bomb() -> bytes:
    return real_zip_bomb()


@pytest.fixture
async def catalogue(world):
    return await build_catalogue(world)


async def _job(client, response, headers) -> dict:
    assert response.status_code == 202, response.text
    await background_idle()
    return (await client.get(response.headers["location"], headers=headers)).json()


# --- wrong types ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SPREADSHEET_IMPORTS)
async def test_wrong_types_by_name_and_by_content_are_refused(client, world, headers, kind):
    before = await stored_rows()
    docx_like = xlsx_bytes([["x"]]).replace(b"xl/", b"wd/")  # a zip that is not a workbook
    for name, content, words in (
        ("bang-tinh.xlsx", PNG, ("image/png",)),  # a PNG named .xlsx
        ("bang-tinh.csv", PNG, ("image/png",)),  # a PNG named .csv
        ("bang-tinh.csv", PDF, ("application/pdf",)),
        ("bang-tinh.docx", csv_bytes(good_rows(kind)), (".docx",)),  # a CSV named .docx
        ("bang-tinh.png", csv_bytes(good_rows(kind)), (".png",)),
        ("bang-tinh.xlsx", docx_like, ("workbook",)),  # a zip, but no workbook in it
        ("bang-tinh.xlsx", b"PK\x03\x04 not really a zip", ("zip",)),
    ):
        response = await client.post(
            import_url(kind, world), files={"file": (name, content)}, headers=headers["staff"]
        )
        problem = assert_problem(response, 415, *words)
        assert problem["errors"][0]["message"], problem  # a Vietnamese explanation
    assert await stored_rows() == before


async def test_dossier_uploads_of_the_wrong_type_are_refused_before_a_job_exists(client, world, headers):
    for name, content, words in (
        ("ho-so.xlsx", PNG, ("image/png",)),
        ("ho-so.csv", PNG, ("image/png",)),
        ("ho-so.docx", csv_bytes(dossier_rows()), (".docx",)),
        ("ho-so.xlsx", b"code,procedure\n", ("not a workbook",)),
    ):
        response = await client.post(
            "/api/dossiers/imports", files={"file": (name, content)}, headers=headers["staff"]
        )
        assert_problem(response, 415, *words)
    jobs = (await client.get("/api/dossiers/imports", headers=headers["staff"])).json()
    assert jobs["total"] == 0


async def test_evidence_is_typed_by_its_bytes_whatever_its_name(client, world, headers):
    url = f"/api/tasks/{world.task_a}/evidence"
    png_as_xlsx = await client.post(url, files={"file": ("bao-cao.xlsx", PNG)}, headers=headers["head_a"])
    assert png_as_xlsx.status_code == 201, png_as_xlsx.text
    stored = png_as_xlsx.json()
    assert (stored["filename"], stored["content_type"]) == ("bao-cao.png", "image/png")
    csv_as_docx = await client.post(
        url, files={"file": ("bao-cao.docx", b"a,b\n1,2\n")}, headers=headers["head_a"]
    )
    assert_problem(csv_as_docx, 415)


# --- zip bombs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*SPREADSHEET_IMPORTS, "dossiers"])
async def test_a_zip_bomb_dressed_as_xlsx_is_refused_at_once(client, world, headers, real_bomb, kind):
    for bomb in (zip_bomb(expanded=4 * 1024**3), real_bomb):  # says 4 GiB; really 200 MiB
        tracemalloc.start()
        response = await client.post(
            import_url(kind, world), files={"file": ("so-lieu.xlsx", bomb)}, headers=headers["staff"]
        )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert_problem(response, 413, "expands")
        assert peak < 32 * MB, peak  # nothing was expanded (the time it took is no proof on a shared machine)


async def test_a_zip_bomb_dressed_as_docx_evidence_is_refused(client, world, headers):
    bomb = zip_bomb("word/document.xml", expanded=4 * 1024**3)
    response = await client.post(
        f"/api/tasks/{world.task_a}/evidence",
        files={"file": ("bao-cao.docx", bomb)},
        headers=headers["head_a"],
    )
    assert_problem(response, 413, "expands")


# --- 100 MB ---------------------------------------------------------------------------------------


async def stream_post(app, path: str, headers: dict, name: str, size: int, line: bytes = b"a,b\n"):
    """POST a multipart upload of ``size`` bytes straight to the ASGI app in 1 MiB chunks, as
    a server hands them over (the test client would hold the whole body first); returns the
    status and the JSON body."""
    boundary = "cchc-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    block = line * (MB // len(line))
    chunks = iter([head, *([block] * (size // len(block))), f"\r\n--{boundary}--\r\n".encode()])
    sent: dict = {"body": b""}
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            *((key.lower().encode(), value.encode()) for key, value in headers.items()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }

    async def receive():
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.disconnect"} if sent.get("done") else {"type": "http.request", "body": b""}
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
            sent["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            sent["body"] += message.get("body", b"")
            sent["done"] = not message.get("more_body", False)

    await app(scope, receive, send)
    return sent


@pytest.mark.parametrize("kind", [*SPREADSHEET_IMPORTS, "evidence"])
async def test_a_100_mb_upload_is_refused_with_413_without_being_held(client, world, headers, kind):
    url = f"/api/tasks/{world.task_a}/evidence" if kind == "evidence" else import_url(kind, world)
    tracemalloc.start()
    sent = await stream_post(client.app, url, headers["staff"], "lon.csv", 100 * MB)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sent["status"] == 413, sent
    assert sent["headers"]["content-type"].startswith("application/problem+json")
    assert peak < 24 * MB, peak


async def test_a_100_mb_dossier_file_is_streamed_to_disk(client, world, headers, catalogue):
    """Dossier files may be large (IMPORT_MAX_BYTES, 1 GiB): 100 MB is taken, in chunks."""
    tracemalloc.start()
    sent = await stream_post(client.app, "/api/dossiers/imports", headers["staff"], "ho-so.csv", 100 * MB)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sent["status"] == 202, sent
    assert peak < 24 * MB, peak
    await background_idle()
    job_url = sent["headers"]["location"]
    job = (await client.get(job_url, headers=headers["staff"])).json()
    assert job["state"] == "failed" and "column" in job["message"]  # "a,b" is no dossier header


# --- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SPREADSHEET_IMPORTS)
async def test_a_csv_with_a_bom_is_read(client, world, headers, kind):
    response = await client.post(
        import_url(kind, world),
        files={"file": ("tep.csv", csv_bytes(good_rows(kind), bom=True))},
        headers=headers["staff"],
    )
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1


async def test_a_dossier_csv_with_a_bom_is_read(client, world, headers, catalogue):
    response = await client.post(
        "/api/dossiers/imports",
        files={"file": ("ho-so.csv", csv_bytes(dossier_rows(), bom=True))},
        headers=headers["staff"],
    )
    job = await _job(client, response, headers["staff"])
    assert (job["state"], job["created"]) == ("done", 1), job


@pytest.mark.parametrize("kind", SPREADSHEET_IMPORTS)
async def test_a_windows_1258_csv_is_refused_naming_its_line(client, world, headers, kind):
    rows = good_rows(kind)
    content = csv_bytes(rows[:1]) + cp1258(",".join(rows[1]) + "\n")
    before = await stored_rows()
    response = await client.post(
        import_url(kind, world), files={"file": ("tep.csv", content)}, headers=headers["staff"]
    )
    problem = assert_problem(response, 415, "UTF-8", "dòng 2")
    assert problem["errors"][0]["row"] == 2
    assert await stored_rows() == before


async def test_a_windows_1258_dossier_file_is_refused_before_a_job_exists(client, world, headers):
    content = csv_bytes(dossier_rows()[:1]) + b"HS-1," + CP1258_BYTES + b"\n"
    response = await client.post(
        "/api/dossiers/imports", files={"file": ("ho-so.csv", content)}, headers=headers["staff"]
    )
    assert_problem(response, 415, "UTF-8", "dòng 2")


@pytest.mark.parametrize("kind", SPREADSHEET_IMPORTS)
@pytest.mark.parametrize("legacy", [VNI_TEXT, TCVN3_TEXT, "Qu¶ng Ninh thùc hiÖn c¶i c¸ch"])
@pytest.mark.parametrize("form", ["csv", "xlsx"])
async def test_vni_or_tcvn3_text_is_refused_naming_the_row(client, world, headers, kind, legacy, form):
    rows = good_rows(kind, text=legacy)
    content = csv_bytes(rows) if form == "csv" else xlsx_bytes(rows)
    before = await stored_rows()
    response = await client.post(
        import_url(kind, world), files={"file": (f"tep.{form}", content)}, headers=headers["staff"]
    )
    problem = assert_problem(response, 422, "TCVN3", "VNI")
    assert [(e["row"], e["field"]) for e in problem["errors"]] == [(2, LEGACY_COLUMN[kind])]
    assert await stored_rows() == before  # never stored as mojibake


async def test_vni_text_in_a_dossier_file_rejects_its_row(client, world, headers, catalogue):
    rows = dossier_rows()
    rows[1][2] = "Sôû Tö phaùp"  # the receiving unit, typed in VNI
    response = await client.post(
        "/api/dossiers/imports", files={"file": ("ho-so.csv", csv_bytes(rows))}, headers=headers["staff"]
    )
    job = await _job(client, response, headers["staff"])
    assert job["state"] == "failed"
    assert {(e["row"], e["field"]) for e in job["errors"]} >= {(2, "unit")}
    assert any("TCVN3" in e["message"] for e in job["errors"])


async def test_real_vietnamese_and_foreign_names_are_accepted(client, world, headers):
    for text in ("Sở Nội vụ tỉnh Quảng Ninh", "Dự án hợp tác với chuyên gia Müller"):
        rows = procedure_rows(code=f"9.{len(text)}", name=text)
        response = await client.post(
            "/api/procedures/import", files={"file": ("tt.csv", csv_bytes(rows))}, headers=headers["staff"]
        )
        assert response.status_code == 200, response.text
