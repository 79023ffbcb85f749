from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook

from core.errors import InvalidInput, PayloadTooLarge, PermissionDenied, UnsupportedMediaType
from models.plans.evidence import blob_path, open_evidence, upload_evidence
from models.plans.tasks import ProgressReport, report_progress, task_history
from tests.world import build_world

pytestmark = pytest.mark.anyio
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["minh chứng"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_evidence_is_checked_by_content_and_attached_to_an_update(db):
    w = await build_world()
    staged = await upload_evidence(w.head_a, w.task_a, "../../etc/Báo cáo.exe", PDF)
    assert staged["content_type"] == "application/pdf" and staged["filename"] == "Báo cáo.pdf"
    assert blob_path(staged["sha256"]).read_bytes() == PDF
    sheet = await upload_evidence(w.head_a, w.task_a, "bang.xlsx", xlsx_bytes())
    assert sheet["content_type"].endswith("spreadsheetml.sheet")
    task = await report_progress(  # on time, so the files may stand without a note
        w.head_a,
        w.task_a,
        ProgressReport("completed", evidence_ids=(staged["id"], sheet["id"])),
        now=datetime(2024, 6, 1, 3, 0, tzinfo=UTC),
    )
    assert task["status"] == "completed"
    files = (await task_history(w.task_a))[-1]["evidence"]
    assert sorted(f["filename"] for f in files) == ["Báo cáo.pdf", "bang.xlsx"]
    stored = await open_evidence(w.viewer, staged["id"])
    assert stored.path.read_bytes() == PDF
    with pytest.raises(InvalidInput):  # already attached
        await report_progress(w.head_a, w.task_a, ProgressReport(note="lại", evidence_ids=(staged["id"],)))


async def test_wrong_content_or_size_is_refused(db, monkeypatch):
    w = await build_world()
    with pytest.raises(UnsupportedMediaType):
        await upload_evidence(w.head_a, w.task_a, "virus.pdf", b"MZ\x90\x00 this is an exe")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("a.txt", "not office")
    with pytest.raises(UnsupportedMediaType):
        await upload_evidence(w.head_a, w.task_a, "fake.docx", zipped.getvalue())
    with pytest.raises(InvalidInput):
        await upload_evidence(w.head_a, w.task_a, "empty.pdf", b"")


async def test_evidence_size_limit(db, monkeypatch):
    from dataclasses import replace

    import models.plans.evidence as evidence_module
    from core.settings import get_settings

    w = await build_world()
    monkeypatch.setattr(
        evidence_module, "get_settings", lambda: replace(get_settings(), evidence_max_bytes=32)
    )
    with pytest.raises(PayloadTooLarge):
        await upload_evidence(w.head_a, w.task_a, "big.png", PNG)


async def test_evidence_upload_follows_task_permissions(db):
    w = await build_world()
    with pytest.raises(PermissionDenied):
        await upload_evidence(w.head_b, w.task_a, "x.pdf", PDF)
    with pytest.raises(PermissionDenied):
        await upload_evidence(w.viewer, w.task_a, "x.pdf", PDF)
    other = await upload_evidence(w.head_b, w.task_b, "b.pdf", PDF)
    with pytest.raises(InvalidInput):  # evidence staged for another task cannot be attached here
        await report_progress(w.staff, w.task_a, ProgressReport("completed", evidence_ids=(other["id"],)))
