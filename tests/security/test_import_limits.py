"""Spreadsheet imports that froze the API (issue 13, items 4 and 8), with generated hostile files.

An 8.9 MiB XLSX whose shared strings unzip to 100 MiB passed the zip-bomb check, froze every
request for 48 s and left the process at 1.1 GiB; an 18 MiB CSV of 1.9 million rows froze it
for 8 s before "at most 5000 rows"; a 189 MiB dossier workbook drove the reader to 1.75 GiB
(the README promises < 300 MB); a workbook with a DTD or malformed XML was a 500.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.tabular import MAX_COLUMNS, MAX_SHARED_STRINGS_BYTES, read_records
from models.dossiers.ingest import DOSSIER_MAX_SHARED_STRINGS
from models.plans.files import COLUMNS, MAX_ROWS, REQUIRED
from tests.bench.dossiers import _tree_rss_kb
from tests.sample_files import csv_bytes, index_rows, plan_rows, procedure_rows, xlsx_bytes

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
DTD_SHEET = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
)
MALFORMED_SHEET = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c'
IMPORTS = {
    "plan": ("/api/plans/{plan}/import", lambda: plan_rows("STP")),
    "scores": ("/api/indices/import", index_rows),
    "catalogue": ("/api/procedures/import", procedure_rows),
}


def with_parts(workbook: bytes, parts: dict[str, bytes]) -> bytes:
    """``workbook`` with some members replaced or added (written deflated, as Excel does)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            if member.filename not in parts:
                target.writestr(member, source.read(member))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def shared_strings(size: int) -> bytes:
    """Distinct strings (random hex, so it compresses only 2:1 and passes the zip-bomb check)."""
    count = size // 40 + 1
    hexes = os.urandom(16 * count).hex()
    body = b"".join(b"<si><t>%s</t></si>" % hexes[32 * n : 32 * n + 32].encode() for n in range(count))
    return SST + body + b"</sst>"


def upload(client, headers, kind: str, world, name: str, content: bytes):
    path, _ = IMPORTS[kind]
    return client.post(
        path.format(plan=world.plan_id), files={"file": (name, content)}, headers=headers["staff"]
    )


@pytest.mark.parametrize("kind", list(IMPORTS))
async def test_a_workbook_whose_shared_strings_unzip_too_far_is_refused_before_reading(
    client, world, headers, kind
):
    rows = IMPORTS[kind][1]()
    bomb = with_parts(xlsx_bytes(rows), {STRINGS: shared_strings(MAX_SHARED_STRINGS_BYTES + 1024 * 1024)})
    response = await upload(client, headers, kind, world, "bang.xlsx", bomb)
    assert response.status_code == 413, response.text
    assert "shared strings" in response.json()["detail"]


@pytest.mark.parametrize("kind", list(IMPORTS))
@pytest.mark.parametrize(
    ("sheet", "reason"),
    [(DTD_SHEET, "declares a DTD"), (MALFORMED_SHEET, "not a readable XLSX workbook")],
    ids=["dtd", "malformed"],
)
async def test_a_workbook_with_a_dtd_or_malformed_xml_is_a_415(client, world, headers, kind, sheet, reason):
    workbook = with_parts(xlsx_bytes(IMPORTS[kind][1]()), {SHEET: sheet})
    response = await upload(client, headers, kind, world, "bang.xlsx", workbook)
    assert response.status_code == 415, response.text
    assert reason in response.json()["detail"]


def long_csv(rows: int) -> bytes:
    header = csv_bytes(plan_rows("STP")[:1])
    return header + b"".join(b"IX.%d\n" % n for n in range(rows))


async def test_a_csv_with_too_many_rows_is_refused_as_soon_as_the_limit_is_passed(client, world, headers):
    """1.7 million rows (17 MiB, under the upload limit) are refused at the row after the limit,
    without reading on: rows placed at the end that would be refused for another reason (too many
    columns, bytes that are not UTF-8) are never reached, so the error is the row limit's."""
    too_wide = b",".join(b"x" for _ in range(MAX_COLUMNS + 5)) + b"\n"
    huge = long_csv(1_700_000) + too_wide + b"\xff\xfe\n"
    assert len(huge) > 16 * 1024 * 1024
    with pytest.raises(InvalidInput, match=f"at most {MAX_ROWS} rows"):
        await read_records("ke-hoach.csv", huge, COLUMNS, REQUIRED, MAX_ROWS)
    with pytest.raises(InvalidInput, match="columns"):  # the poison rows would be refused if reached
        await read_records("ke-hoach.csv", long_csv(3) + too_wide, COLUMNS, REQUIRED, MAX_ROWS)
    response = await upload(client, headers, "plan", world, "ke-hoach.csv", huge)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "Tối đa 5.000 dòng."


async def test_the_plan_import_page_refuses_them_too(browser, world):
    await browser.sign_in_as("staff")
    await browser.get("/admin/plans")
    bomb = with_parts(
        xlsx_bytes(plan_rows("STP")), {STRINGS: shared_strings(MAX_SHARED_STRINGS_BYTES + 1024 * 1024)}
    )
    for name, content, shown in (
        ("bang.xlsx", bomb, "quá nhiều văn bản"),
        ("bang.xlsx", with_parts(xlsx_bytes(plan_rows("STP")), {SHEET: DTD_SHEET}), "XLSX hoặc CSV"),
        ("ke-hoach.csv", long_csv(MAX_ROWS + 1), "Tối đa 5.000 dòng."),
    ):
        response = await browser.client.post(
            f"/admin/plans/{world.plan_id}/import",
            data={"_csrf_token": browser.token},
            files={"file": (name, content)},
            follow_redirects=False,
        )
        assert response.status_code == 422 and shown in response.text, name


async def test_the_server_answers_while_a_workbook_is_parsed(concurrent_client, world, headers):
    rows = plan_rows("STP")[:1] + [
        [f"IX.{n}", "Cải cách thủ tục hành chính", "Nhiệm vụ", "STP", "30/06/2024"] for n in range(MAX_ROWS)
    ]
    workbook = xlsx_bytes(rows)
    finished: list[str] = []

    async def call(name: str, request) -> None:
        await request
        finished.append(name)

    importing = asyncio.ensure_future(
        call("import", upload(concurrent_client, headers, "plan", world, "ke-hoach.xlsx", workbook))
    )
    await asyncio.sleep(0.2)  # the upload is being parsed
    await call("healthz", concurrent_client.get("/healthz"))
    await importing
    assert finished == ["healthz", "import"]


@pytest.mark.slow
def test_the_dossier_reader_keeps_its_memory_promise_with_a_shared_strings_bomb(database_url, tmp_path):
    """A dossier workbook whose shared strings unzip to 160 MiB: refused at once by
    `cchc dossiers import`, whose process tree stays under 300 MB (peak sampled every 20 ms)."""
    size = 160 * 1024 * 1024
    assert size > DOSSIER_MAX_SHARED_STRINGS
    path = tmp_path / "ho-so.xlsx"
    path.write_bytes(with_parts(xlsx_bytes([["Mã hồ sơ"], ["HS-1"]]), {STRINGS: shared_strings(size)}))
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "dossiers", "import", str(path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output = process.communicate(timeout=300)[0].decode(errors="replace")
    sampler.join()
    assert "shared strings" in output, output[-2000:]
    assert peak < 300 * 1024, f"peak {peak // 1024} MB"
    print(
        f"file {path.stat().st_size // 2**20} MiB, shared strings {size // 2**20} MiB, peak {peak // 1024} MB"
    )
