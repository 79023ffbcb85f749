"""Evidence files: type checked from the bytes, stored once per content hash outside the web
root, and served only through the API to callers allowed to see the task."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import filetype

from core.archives import check_zip
from core.clock import utcnow
from core.errors import InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType
from core.settings import get_settings
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


def _write_blob(sha256: str, data: bytes) -> None:
    target = blob_path(sha256)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp, target)


async def upload_evidence(actor: Principal, task_id: int, filename: str, data: bytes) -> dict:
    """Stage a file for the caller's next update of the task."""
    check_can_report(actor, await load_task(task_id))
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
    sha256 = hashlib.sha256(data).hexdigest()
    _write_blob(sha256, data)
    row = Evidence(
        task=task_id,
        event=None,
        uploaded_by=actor.account_id,
        sha256=sha256,
        filename=_safe_name(filename, ALLOWED_TYPES[kind.mime]),
        content_type=kind.mime,
        size=len(data),
        uploaded_at=utcnow(),
    )
    evidence_id = (await Evidence.insert(row).returning(Evidence.id))[0]["id"]
    return await get_evidence(evidence_id)


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
        raise NotFound(f"evidence {evidence_id} not found")
    return row


async def open_evidence(actor: Principal, evidence_id: int) -> StoredFile:
    """The stored file, for a caller who may read its task (every signed-in role may)."""
    actor.require(Action.READ)
    row = await get_evidence(evidence_id)
    return StoredFile(blob_path(row["sha256"]), row["filename"], row["content_type"], row["size"])
