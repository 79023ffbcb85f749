"""Evidence files: type checked from the bytes, stored once per content hash outside the web
root, and served only through the API to callers allowed to see the task.

A file is staged (uploaded, not yet cited by an update) for at most STAGED_LIFETIME, after
which ``sweep_staged_evidence`` (a scheduled job) removes it; each person may hold at most
STAGED_MAX_FILES staged files and STAGED_MAX_BYTES in them (30 uploads of 1 MiB in 0.4 s were
all kept, for good).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import filetype
from piccolo.query.functions.aggregate import Count, Sum

from core.archives import check_zip
from core.clock import utcnow
from core.db import one_writer_at_a_time, write_transaction
from core.errors import Conflict, FieldError, InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType
from core.settings import get_settings
from core.text import format_int
from core.uploads import safe_filename
from models.permissions import Action, Principal
from models.plans.tables import Evidence
from models.plans.tasks import check_can_report, load_task

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/png": "png",
    "image/jpeg": "jpg",
}


EXPANDED_LIMIT = 256 * 1024 * 1024  # what a DOCX or XLSX may unzip to
STAGED_LIFETIME = timedelta(days=1)
STAGED_MAX_FILES = 10
STAGED_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    path: Path
    filename: str
    content_type: str
    size: int


def blob_path(sha256: str) -> Path:
    return get_settings().evidence_dir / sha256[:2] / sha256


def _safe_name(filename: str, extension: str) -> str:
    """Keep only the base name (no directories, controls or direction marks: core.uploads)
    and make its extension match the content."""
    base = safe_filename(filename, 200) or "minh-chung"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'minh-chung'}.{extension}"


def write_blob(target: Path, data: bytes) -> None:
    """Store ``data`` at ``target`` once (a file named by its content never changes)."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp, target)


@dataclass(frozen=True)
class CheckedFile:
    sha256: str
    filename: str  # as stored and sent back: a safe base name with the content's extension
    content_type: str


def check_evidence_file(filename: str, data: bytes) -> CheckedFile:
    """An evidence file as it will be kept, or why not: too large (413), empty (422), not a
    PDF, DOCX, XLSX, PNG or JPEG by its bytes (415), a document that unzips too far (413)."""
    limit = get_settings().evidence_max_bytes
    if len(data) > limit:
        raise PayloadTooLarge(f"evidence files are limited to {limit} bytes")
    if not data:
        raise InvalidInput.field("file", "empty file", "Tệp minh chứng rỗng.")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise UnsupportedMediaType(
            "evidence must be a PDF, DOCX, XLSX, PNG or JPEG file (checked from its content)",
        )
    if ALLOWED_TYPES[kind.mime] in ("docx", "xlsx"):
        check_zip(data, EXPANDED_LIMIT)  # a zip bomb dressed as a document is not kept
    name = _safe_name(filename, ALLOWED_TYPES[kind.mime])
    return CheckedFile(hashlib.sha256(data).hexdigest(), name, kind.mime)


async def upload_evidence(actor: Principal, task_id: int, filename: str, data: bytes) -> dict:
    """Stage a file for the caller's next update of the task."""
    check_can_report(actor, await load_task(task_id))
    checked = check_evidence_file(filename, data)
    sha256 = checked.sha256
    row = Evidence(
        task=task_id,
        event=None,
        uploaded_by=actor.account_id,
        sha256=sha256,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(data),
        uploaded_at=utcnow(),
    )
    async with write_transaction(Evidence._meta.db):
        await one_writer_at_a_time(Evidence, f"evidence-staged:{actor.account_id}")
        await _check_staging_quota(actor, len(data))
        await one_writer_at_a_time(Evidence, f"evidence-blob:{sha256}")  # not swept meanwhile
        write_blob(blob_path(sha256), data)
        evidence_id = (await Evidence.insert(row).returning(Evidence.id))[0]["id"]
    return await get_evidence(evidence_id)


def _staged_by(account_id: int):
    return (Evidence.uploaded_by == account_id) & Evidence.event.is_null()


async def _check_staging_quota(actor: Principal, size: int) -> None:
    held = await Evidence.select(Count(Evidence.id, alias="files"), Sum(Evidence.size, alias="bytes")).where(
        _staged_by(actor.account_id)
    )
    files, total = held[0]["files"], held[0]["bytes"] or 0
    if files + 1 > STAGED_MAX_FILES or total + size > STAGED_MAX_BYTES:
        raise Conflict(
            f"at most {STAGED_MAX_FILES} files ({STAGED_MAX_BYTES // 2**20} MiB) may wait to be attached to an "
            f"update; you have {files} ({total} bytes): send an update citing them, or wait a day",
            [
                FieldError(
                    "file",
                    "staged evidence quota reached",
                    f"Bạn đã có {files} tệp minh chứng chưa gắn vào báo cáo nào (tối đa {STAGED_MAX_FILES}). "
                    "Hãy gửi báo cáo tiến độ kèm các tệp đó trước khi tải thêm.",
                )
            ],
        )


async def sweep_staged_evidence(now: datetime | None = None) -> int:
    """Remove evidence staged more than STAGED_LIFETIME ago and never attached, and each file
    no evidence row cites any more; returns how many were removed."""
    cutoff = (now or utcnow()) - STAGED_LIFETIME
    async with write_transaction(Evidence._meta.db):
        stale = await Evidence.select(Evidence.id, Evidence.sha256).where(
            Evidence.event.is_null() & (Evidence.uploaded_at < cutoff)
        )
        if not stale:
            return 0
        await Evidence.delete().where(Evidence.id.is_in([row["id"] for row in stale]))
        for sha256 in sorted({row["sha256"] for row in stale}):
            await one_writer_at_a_time(Evidence, f"evidence-blob:{sha256}")
            if not await Evidence.exists().where(Evidence.sha256 == sha256):
                blob_path(sha256).unlink(missing_ok=True)
    return len(stale)


async def get_evidence(evidence_id: int) -> dict:
    row = (
        await Evidence.select(
            Evidence.id,
            Evidence.task,
            Evidence.event,
            Evidence.filename,
            Evidence.content_type,
            Evidence.size,
            Evidence.sha256,
            Evidence.uploaded_at,
        )
        .where(Evidence.id == evidence_id)
        .first()
    )
    if row is None:
        raise NotFound(f"evidence {evidence_id} not found", "Không tìm thấy tệp minh chứng này.")
    return row


async def open_evidence(actor: Principal, evidence_id: int) -> StoredFile:
    """The stored file, for a caller who may read its task (every signed-in role may)."""
    actor.require(Action.READ)
    row = await get_evidence(evidence_id)
    return StoredFile(blob_path(row["sha256"]), row["filename"], row["content_type"], row["size"])


async def staged_evidence_sweep(schedule: dict, fire_time: datetime) -> str:
    """The scheduled job "staged_evidence_sweep": ``sweep_staged_evidence`` as of the firing."""
    return f"{format_int(await sweep_staged_evidence(fire_time))} tệp minh chứng chưa gắn đã được xóa"
