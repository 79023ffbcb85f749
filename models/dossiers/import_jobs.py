"""Import jobs: a dossier file import that runs in the background, with its state and counts.

The API stores the upload under DATA_DIR/imports, creates a job and returns at once; the
job then runs in the API process. The CLI runs the same job in the foreground. A process
that dies mid-import leaves a job "running": at the next start-up such jobs are marked failed
(the import's transaction never committed, so no row of it is in the database).
"""

from __future__ import annotations

import codecs
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

import msgspec

from core.background import run_in_background
from core.clock import utcnow
from core.db import write_transaction
from core.errors import DomainError, FieldError, InvalidInput, NotFound, PayloadTooLarge
from core.paging import PageRequest
from core.settings import get_settings
from core.text import format_file_size
from core.uploads import not_utf8, safe_filename
from models.dossiers.ingest import ImportResult, Progress, RowFile, import_file
from models.dossiers.tables import ImportJob
from models.permissions import Action, Principal
from models.vocabulary import JobState

log = logging.getLogger(__name__)
DOSSIER_IMPORT = "dossiers"
JOB_COLUMNS = (
    ImportJob.id,
    ImportJob.kind,
    ImportJob.filename,
    ImportJob.state,
    ImportJob.keep_valid,
    ImportJob.requested_by,
    ImportJob.rows_done,
    ImportJob.read_fraction,
    ImportJob.rows_rejected,
    ImportJob.created,
    ImportJob.updated,
    ImportJob.unchanged,
    ImportJob.errors,
    ImportJob.message,
    ImportJob.created_at,
    ImportJob.started_at,
    ImportJob.finished_at,
)


def upload_path(job_id: int, filename: str) -> Path:
    """Where an uploaded file waits for its job: named by the job, keeping only a safe suffix."""
    suffix = Path(filename).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    folder = get_settings().data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"job-{job_id}{suffix}"


def remove_uploads(job_ids: list[int]) -> None:
    """Delete the files these jobs were given, whatever their suffix."""
    folder = get_settings().data_dir / "imports"
    for job_id in job_ids:
        for path in (folder / f"job-{job_id}", *folder.glob(f"job-{job_id}.*")):
            path.unlink(missing_ok=True)


def staging_path() -> Path:
    """Where an upload is written while it is checked, before it has a job."""
    folder = get_settings().data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"upload-{secrets.token_hex(8)}.part"


UTF8_CHECKED_BYTES = 1024 * 1024


def check_upload(path: Path, filename: str) -> None:
    """Refuse an uploaded file at once, before a job is made for it: a name of another type, a
    binary file, a workbook that would expand too far (413), text whose first MiB is not UTF-8
    (415). The job itself reports anything found further in."""
    with RowFile(path, name=filename) as source:
        if source.kind != "xlsx":
            with path.open("rb") as handle:
                head = handle.read(UTF8_CHECKED_BYTES)
            try:
                codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
            except UnicodeDecodeError as exc:
                raise not_utf8(exc) from None


UPLOAD_CHUNK = 1024 * 1024
FILE_EMPTY = "Tệp đã chọn không có nội dung (0 byte): hãy chọn tệp xuất từ hệ thống một cửa."


async def stage_upload(read: Callable[[int], Awaitable[bytes]], filename: str, limit: int) -> Path:
    """An upload (``read``: its chunks) streamed to a staging file and checked before any job
    exists (``check_upload``: type, zip bomb, encoding); an empty file, or one over ``limit``
    bytes, is refused too, naming the field "file". A refusal leaves no file."""
    staged = staging_path()
    try:
        size = 0
        with staged.open("wb") as target:
            while chunk := await read(UPLOAD_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(
                        f"file: larger than {limit} bytes",
                        [FieldError("file", "too large", f"Tệp quá lớn: tối đa {format_file_size(limit)}.")],
                    )
                target.write(chunk)
        if size == 0:
            raise InvalidInput.field("file", "empty", FILE_EMPTY)
        check_upload(staged, filename)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


async def start_import(actor: Principal, staged: Path, filename: str, keep_valid: bool) -> dict:
    """A queued job for a staged upload (``stage_upload``), the file moved to it and the import
    run in the background (``run_dossier_job``): what the API and the import page both start."""
    try:
        job = await create_job(actor, filename, keep_valid)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    path = upload_path(job["id"], filename)
    staged.replace(path)
    run_in_background(run_dossier_job(job["id"], path))
    return job


async def create_job(actor: Principal, filename: str, keep_valid: bool) -> dict:
    actor.require(Action.IMPORT_DOSSIERS)
    row = ImportJob(
        kind=DOSSIER_IMPORT,
        filename=safe_filename(filename, 255) or "upload",
        state=JobState.QUEUED.value,
        keep_valid=keep_valid,
        requested_by=actor.account_id,
        created_at=utcnow(),
    )
    async with write_transaction(ImportJob._meta.db):
        job_id = (await ImportJob.insert(row).returning(ImportJob.id))[0]["id"]
    return await _job(job_id)


async def _job(job_id: int) -> dict:
    row = await ImportJob.select(*JOB_COLUMNS).where(ImportJob.id == job_id).output(load_json=True).first()
    if row is None:
        raise NotFound(f"import job {job_id} not found", "Không tìm thấy lượt nhập hồ sơ này.")
    return row


async def get_job(actor: Principal, job_id: int) -> dict:
    actor.require(Action.IMPORT_DOSSIERS)
    return await _job(job_id)


async def list_jobs(actor: Principal, page: PageRequest) -> tuple[list[dict], int]:
    actor.require(Action.IMPORT_DOSSIERS)
    query = ImportJob.select(*JOB_COLUMNS).order_by(ImportJob.id, ascending=False).output(load_json=True)
    return await query.limit(page.limit).offset(page.offset), await ImportJob.count()


async def unfinished_jobs() -> list[dict]:
    """Imports queued or running now, oldest first: what every reader's pages say is still
    loading (file names and counts only)."""
    return (
        await ImportJob.select(
            ImportJob.id, ImportJob.filename, ImportJob.state, ImportJob.rows_done, ImportJob.read_fraction
        )
        .where(ImportJob.state.is_in([JobState.QUEUED.value, JobState.RUNNING.value]))
        .order_by(ImportJob.id)
    )


async def fail_job(job_id: int, message: str) -> None:
    """A job whose file could not be made or read: failed, with why."""
    await _update(job_id, state=JobState.FAILED.value, message=message[:2000], finished_at=utcnow())


async def _update(job_id: int, **values) -> None:
    async with write_transaction(ImportJob._meta.db):
        await ImportJob.update({getattr(ImportJob, key): value for key, value in values.items()}).where(
            ImportJob.id == job_id
        )


def _errors_json(errors: list[FieldError]) -> list[dict]:
    return [
        {"field": e.field, "reason": e.reason, "message": e.message, "row": e.row, "value": e.value}
        for e in errors
    ]


def _final_values(result: ImportResult, keep_valid: bool) -> dict:
    failed = result.rows_rejected and not keep_valid
    if failed:
        message = f"{result.rows_rejected} of {result.rows_done} rows rejected; nothing was imported"
    else:
        message = (
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.rows_rejected} rejected"
        )
    return {
        "state": (JobState.FAILED if failed else JobState.DONE).value,
        "rows_done": result.rows_done,
        "rows_rejected": result.rows_rejected,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": _errors_json(result.errors),
        "message": message,
        "finished_at": utcnow(),
    }


def _final_statement(job_id: int, result: ImportResult, keep_valid: bool) -> tuple[str, list]:
    """The job's final state as SQL, committed in the import's own transaction."""
    values = _final_values(result, keep_valid)
    values["errors"] = msgspec.json.encode(values["errors"]).decode()
    assignments = ", ".join(f"{key} = {{}}" for key in values)
    return f"UPDATE import_job SET {assignments} WHERE id = {{}}", [*values.values(), job_id]


async def run_dossier_job(
    job_id: int, path: Path, on_progress: Progress | None = None, *, remove_file: bool = True
) -> dict:
    """Run a queued job to its end (done or failed, never raising); an uploaded file is
    deleted afterwards (the CLI keeps the operator's own file).

    Not core.background.job_outcome, which report runs and firings share: an import records a
    refused file's reasons field by field, never the internals of an unexpected error (the
    person who uploaded reads the message), and its final state is committed inside the
    import's own transaction."""
    job = await _job(job_id)
    keep_valid = job["keep_valid"]
    await _update(job_id, state=JobState.RUNNING.value, started_at=utcnow())
    try:

        async def progress(result: ImportResult, fraction: float) -> None:
            await _update(
                job_id,
                rows_done=result.rows_done,
                rows_rejected=result.rows_rejected,
                read_fraction=round(fraction, 4),
            )
            if on_progress:
                await on_progress(result, fraction)

        result = await import_file(
            path,
            keep_valid=keep_valid,
            progress=progress,
            finish=lambda r: _final_statement(job_id, r, keep_valid),
        )
        if not result.written:
            await _update(job_id, **_final_values(result, keep_valid))
    except DomainError as exc:
        await _update(
            job_id,
            state=JobState.FAILED.value,
            message=exc.detail,
            errors=_errors_json(exc.errors),
            finished_at=utcnow(),
        )
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        await _update(
            job_id,
            state=JobState.FAILED.value,
            message=f"internal error ({type(exc).__name__})",
            finished_at=utcnow(),
        )
    finally:
        if remove_file:
            path.unlink(missing_ok=True)
    return await _job(job_id)


async def fail_interrupted_jobs() -> int:
    """Jobs a previous process left queued or running can never finish: mark them failed and
    delete their uploaded files. Their data was never committed (see models.dossiers.ingest)."""
    unfinished = [JobState.QUEUED.value, JobState.RUNNING.value]
    async with write_transaction(ImportJob._meta.db):
        rows = (
            await ImportJob.update(
                {
                    ImportJob.state: JobState.FAILED.value,
                    ImportJob.message: "interrupted: the process stopped before the import finished; nothing was written",
                    ImportJob.finished_at: utcnow(),
                }
            )
            .where(ImportJob.state.is_in(unfinished))
            .returning(ImportJob.id)
        )
    remove_uploads([row["id"] for row in rows])  # their files were left by the dead process
    return len(rows)
