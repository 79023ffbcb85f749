"""Evidence files attached to a submission: checked like task evidence (models.plans.evidence:
type from the bytes, size, zip bombs) and stored under their SHA-256 in a folder of their own,
which the task evidence sweep never touches. The unit attaches while it may edit; staff may
attach too; whoever may see the submission downloads them."""

from __future__ import annotations

from pathlib import Path

from core.clock import utcnow
from core.db import write_transaction
from core.errors import NotFound
from core.settings import get_settings
from models.permissions import Action, Principal
from models.plans.evidence import StoredFile, check_evidence_file, write_blob
from models.rounds.rounds import get_round
from models.rounds.submissions import FILE_FIELDS, check_can_see, check_unit_may_edit, load_submission
from models.rounds.tables import SubmissionFile


def file_path(sha256: str) -> Path:
    return get_settings().evidence_dir / "rounds" / sha256[:2] / sha256


async def attach_file(actor: Principal, submission_id: int, filename: str, data: bytes) -> dict:
    submission = await load_submission(submission_id)
    if not actor.can(Action.MANAGE_ROUNDS):
        check_unit_may_edit(actor, submission, await get_round(submission["round"]))
    checked = check_evidence_file(filename, data)
    write_blob(file_path(checked.sha256), data)
    row = SubmissionFile(
        submission=submission_id,
        uploaded_by=actor.account_id,
        sha256=checked.sha256,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(data),
        uploaded_at=utcnow(),
    )
    async with write_transaction(SubmissionFile._meta.db):
        file_id = (await SubmissionFile.insert(row).returning(SubmissionFile.id))[0]["id"]
    return await SubmissionFile.select(*FILE_FIELDS).where(SubmissionFile.id == file_id).first()


async def open_file(actor: Principal, submission_id: int, file_id: int) -> StoredFile:
    check_can_see(actor, await load_submission(submission_id))
    row = (
        await SubmissionFile.select(*FILE_FIELDS)
        .where((SubmissionFile.id == file_id) & (SubmissionFile.submission == submission_id))
        .first()
    )
    if row is None:
        raise NotFound(f"file {file_id} not found", "Không tìm thấy tệp này.")
    return StoredFile(file_path(row["sha256"]), row["filename"], row["content_type"], row["size"])
