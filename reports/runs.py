"""Report runs: an official report requested by a person or a schedule, generated in the
background, stored under DATA_DIR/reports and kept.

Each request makes a new version of its (kind, period, scope); an issued run is never
overwritten or deleted. A run is executed by whoever claims it: the claim is a compare-and-set
on its state with a lease, so a run whose process died is taken over once its lease expires,
and two workers never generate the same run. Scheduled runs are created through a unique
index (one per kind, period and scope), so two schedulers never produce two reports.
"""

from __future__ import annotations

import hashlib
import logging
import os
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import anyio.to_thread
from piccolo.query.functions.aggregate import Max

from core.background import job_outcome, run_in_background
from core.clock import utcnow
from core.db import one_writer_at_a_time, write_transaction
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StaleVersion
from core.paging import PageRequest
from core.process import is_dead, this_process
from core.settings import get_settings
from models.notifications import service as notifications
from models.permissions import Action, Principal
from models.units.tables import Unit
from models.vocabulary import JobState
from reports.collect import collect_report
from reports.document import compose
from reports.pdf import PdfConversionError, convert_to_pdf
from reports.periods import Period, period_from_key
from reports.render import render_report
from reports.tables import ReportDraft, ReportRun

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
MANUAL, SCHEDULED = "manual", "schedule"
NARRATIVE_KEYS = ("leadership", "achievements", "limitations", "causes", "next_tasks", "recommendations")
RUN_COLUMNS = (
    ReportRun.id,
    ReportRun.kind,
    ReportRun.period_key,
    ReportRun.scope_unit,
    ReportRun.version,
    ReportRun.state,
    ReportRun.trigger,
    ReportRun.requested_by,
    ReportRun.schedule,
    ReportRun.error,
    ReportRun.file_name,
    ReportRun.size,
    ReportRun.sha256,
    ReportRun.pdf_size,
    ReportRun.issued,
    ReportRun.issued_at,
    ReportRun.attempts,
    ReportRun.created_at,
    ReportRun.started_at,
    ReportRun.finished_at,
)


@dataclass(frozen=True)
class RunRequest:
    period_key: str  # "2023-H1", "2023-Y", "2023-Q3", "2023-M9"
    scope_unit_id: int | None = None  # None: the province


def parse_period(key: str) -> Period:
    """The period a key names ("2023-H1") under the deployment's reporting calendar."""
    return period_from_key(key, get_settings().report.calendar)


def _check_scope(actor: Principal, scope_unit_id: int | None) -> None:
    """Home-affairs staff and admins report on anything; a unit head on their own unit."""
    actor.require(Action.GENERATE_REPORTS)
    if actor.can(Action.ISSUE_REPORTS):
        return
    if scope_unit_id is None or scope_unit_id != actor.unit_id:
        raise PermissionDenied("a unit head generates only their own unit's report")


async def _insert_run(
    period: Period, scope_unit_id: int | None, trigger: str, *, unless_taken: bool = False, **values
) -> int | None:
    """The new run's id; with ``unless_taken``, None when a unique index refuses it."""
    scope_key = scope_unit_id or 0
    async with write_transaction(ReportRun._meta.db):
        await one_writer_at_a_time(ReportRun, f"report-run:{period.kind.value}:{period.key}:{scope_key}")
        if scope_unit_id is not None and not await Unit.exists().where(Unit.id == scope_unit_id):
            raise InvalidInput.field("scope_unit_id", "no such unit", "Đơn vị không tồn tại.")
        latest = (
            await ReportRun.select(Max(ReportRun.version, alias="v"))
            .where(
                (ReportRun.kind == period.kind.value)
                & (ReportRun.period_key == period.key)
                & (ReportRun.scope_key == scope_key)
            )
            .first()
        )
        row = ReportRun(
            kind=period.kind.value,
            period_key=period.key,
            scope_key=scope_key,
            scope_unit=scope_unit_id,
            version=(latest["v"] or 0) + 1,
            state=JobState.QUEUED.value,
            trigger=trigger,
            created_at=utcnow(),
            **values,
        )
        query = ReportRun.insert(row)
        if unless_taken:
            query = query.on_conflict(action="DO NOTHING")
        rows = await query.returning(ReportRun.id)
    return rows[0]["id"] if rows else None


async def request_run(actor: Principal, request: RunRequest) -> dict:
    """A new version of the report, queued; the caller starts ``execute_run``."""
    _check_scope(actor, request.scope_unit_id)
    run_id = await _insert_run(
        parse_period(request.period_key), request.scope_unit_id, MANUAL, requested_by=actor.account_id
    )
    return await _run(run_id)


async def claim_scheduled_run(
    period: Period, schedule_key: str, scope_unit_id: int | None = None
) -> int | None:
    """The schedule's run for this period, or None when one exists already (made by this or
    another scheduler process: the partial unique index decides)."""
    return await _insert_run(period, scope_unit_id, SCHEDULED, unless_taken=True, schedule=schedule_key)


async def _run(run_id: int) -> dict:
    row = await ReportRun.select(*RUN_COLUMNS).where(ReportRun.id == run_id).first()
    if row is None:
        raise NotFound(f"report run {run_id} not found")
    return row


async def get_run(actor: Principal, run_id: int) -> dict:
    actor.require(Action.READ)
    return await _run(run_id)


@dataclass(frozen=True)
class RunFilter:
    kind: str | None = None
    period_key: str | None = None
    state: str | None = None
    scope_unit_id: int | None = None


async def list_runs(actor: Principal, flt: RunFilter, page: PageRequest) -> tuple[list[dict], int]:
    actor.require(Action.READ)
    condition = ReportRun.id.is_not_null()
    if flt.kind:
        condition &= ReportRun.kind == flt.kind
    if flt.period_key:
        condition &= ReportRun.period_key == flt.period_key
    if flt.state:
        condition &= ReportRun.state == flt.state
    if flt.scope_unit_id is not None:
        condition &= ReportRun.scope_unit == flt.scope_unit_id
    query = ReportRun.select(*RUN_COLUMNS).where(condition).order_by(ReportRun.id, ascending=False)
    return await query.limit(page.limit).offset(page.offset), await ReportRun.count().where(condition)


# --- executing a run ------------------------------------------------------------------------------


async def _claim(run_id: int) -> bool:
    """Take the run: queued, or running under an expired lease or for a dead process."""
    now = utcnow()
    current = (
        await ReportRun.select(ReportRun.state, ReportRun.lease_until, ReportRun.lease_owner)
        .where(ReportRun.id == run_id)
        .first()
    )
    if current is None or not _takeable(current, now):
        return False
    async with write_transaction(ReportRun._meta.db):
        claimed = (
            await ReportRun.update(
                {
                    ReportRun.state: JobState.RUNNING.value,
                    ReportRun.started_at: now,
                    ReportRun.lease_until: now + LEASE,
                    ReportRun.lease_owner: this_process(),
                    ReportRun.attempts: ReportRun.attempts + 1,
                    ReportRun.error: "",
                }
            )
            # Compare-and-set: the state and owner seen above must still be there.
            .where(
                (ReportRun.id == run_id)
                & (ReportRun.state == current["state"])
                & (ReportRun.lease_owner == current["lease_owner"])
            )
            .returning(ReportRun.id)
        )
    return bool(claimed)


def _takeable(run: dict, now) -> bool:
    if run["state"] == JobState.QUEUED.value:
        return True
    if run["state"] != JobState.RUNNING.value:
        return False
    return (run["lease_until"] is not None and run["lease_until"] < now) or is_dead(run["lease_owner"])


def report_path(run_id: int, suffix: str = ".docx") -> Path:
    folder = get_settings().reports_dir
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"run-{run_id}{suffix}"


def _write_file(path: Path, content: bytes) -> None:
    """Write whole or not at all (a temporary name, then an atomic rename)."""
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(content)
    os.replace(partial, path)


def download_name(run: dict, scope_name: str | None, suffix: str = ".docx") -> str:
    """The file name users see: "Báo cáo CCHC 6 tháng đầu năm 2023 (v2).docx"."""
    period = parse_period(run["period_key"])
    scope = f" - {scope_name}" if scope_name else ""
    version = f" (v{run['version']})" if run["version"] > 1 else ""
    return unicodedata.normalize("NFC", f"Báo cáo CCHC {period.label}{scope}{version}{suffix}")


async def _generate(run: dict) -> tuple[bytes, str]:

    settings = get_settings()
    data = await collect_report(parse_period(run["period_key"]), settings.report, run["scope_unit"])
    content = await anyio.to_thread.run_sync(render_report, data, compose(data), None)
    scope_name = None
    if run["scope_unit"] is not None:
        scope_name = (await Unit.select(Unit.name).where(Unit.id == run["scope_unit"]).first())["name"]
    return content, download_name(run, scope_name)


async def _produce(run_id: int) -> dict:
    """Generate a claimed run's files; the run's values for a successful end."""
    content, name = await _generate(await _run(run_id))
    path = report_path(run_id)
    await anyio.to_thread.run_sync(_write_file, path, content)
    pdf_size = await _pdf(path)
    return {
        ReportRun.state: JobState.DONE.value,
        ReportRun.file_name: name,
        ReportRun.size: len(content),
        ReportRun.sha256: hashlib.sha256(content).hexdigest(),
        ReportRun.pdf_size: pdf_size,
    }


async def execute_run(run_id: int) -> dict:
    """Generate a queued run (never raising: a failure is recorded with its reason)."""
    if not await _claim(run_id):
        return await _run(run_id)
    values, error = await job_outcome(_produce(run_id), f"report run {run_id}")
    if error is not None:
        values = {ReportRun.state: JobState.FAILED.value, ReportRun.error: error}
    values |= {ReportRun.finished_at: utcnow(), ReportRun.lease_until: None}
    async with write_transaction(ReportRun._meta.db):
        await ReportRun.update(values).where(ReportRun.id == run_id)
    finished = await _run(run_id)
    await notifications.report_finished(finished, parse_period(finished["period_key"]).label)
    return finished


async def _pdf(docx: Path) -> int | None:
    """A PDF beside the .docx where LibreOffice is installed (None otherwise, or when the
    conversion fails: the .docx is the document of record)."""
    try:
        pdf = await anyio.to_thread.run_sync(convert_to_pdf, docx)
    except PdfConversionError:
        log.exception("PDF conversion of %s failed; the .docx stands alone", docx.name)
        return None
    return pdf.stat().st_size if pdf else None


def start_run(run_id: int) -> None:
    """Generate the run in the background of this process's event loop (the API's or the
    scheduler's); its outcome is recorded on the run."""
    run_in_background(execute_run(run_id))


async def resume_runs() -> int:
    """Start, in the background, every run ``runs_to_resume`` finds; how many."""
    run_ids = await runs_to_resume()
    for run_id in run_ids:
        start_run(run_id)
    return len(run_ids)


async def runs_to_resume() -> list[int]:
    """Runs left queued, or running for a process that died or whose lease ran out."""
    now = utcnow()
    rows = await ReportRun.select(
        ReportRun.id, ReportRun.state, ReportRun.lease_until, ReportRun.lease_owner
    ).where(ReportRun.state.is_in([JobState.QUEUED.value, JobState.RUNNING.value]))
    return [row["id"] for row in rows if _takeable(row, now)]


async def run_file(actor: Principal, run_id: int, fmt: str = "docx") -> tuple[Path, str]:
    """The stored file of a finished run and the name to download it under."""
    run = await get_run(actor, run_id)
    if run["state"] != JobState.DONE.value:
        raise Conflict(f"report run {run_id} is {run['state']}, not done")
    if fmt not in ("docx", "pdf"):
        raise InvalidInput.field("format", "docx or pdf", "Định dạng tệp không hợp lệ.")
    path = report_path(run_id, f".{fmt}")
    if not path.exists():
        raise NotFound(f"report run {run_id} has no {fmt} file")
    return path, str(Path(run["file_name"]).with_suffix(f".{fmt}"))


async def issue_run(actor: Principal, run_id: int) -> dict:
    """Mark a finished run as the issued report: from then on it is never deleted."""
    actor.require(Action.ISSUE_REPORTS)
    async with write_transaction(ReportRun._meta.db):
        run = await _run(run_id)
        if run["state"] != JobState.DONE.value:
            raise Conflict(f"only a finished report can be issued; this one is {run['state']}")
        if not run["issued"]:
            await ReportRun.update({ReportRun.issued: True, ReportRun.issued_at: utcnow()}).where(
                ReportRun.id == run_id
            )
    return await _run(run_id)


async def delete_run(actor: Principal, run_id: int) -> None:
    """Delete a run that was not issued (a draft version, a failure) and its files."""
    actor.require(Action.ISSUE_REPORTS)
    async with write_transaction(ReportRun._meta.db):
        run = await _run(run_id)
        if run["issued"]:
            raise Conflict("an issued report is kept for good")
        if run["state"] == JobState.RUNNING.value:
            raise Conflict("the report is being generated")
        await ReportRun.delete().where((ReportRun.id == run_id) & (ReportRun.issued == False))  # noqa: E712
    for suffix in (".docx", ".pdf"):
        report_path(run_id, suffix).unlink(missing_ok=True)


# --- drafts: the paragraphs staff write ------------------------------------------------------------


async def get_draft(kind: str, period_key: str, scope_unit_id: int | None) -> dict:
    row = (
        await ReportDraft.select(ReportDraft.sections, ReportDraft.version, ReportDraft.updated_at)
        .where(
            (ReportDraft.kind == kind)
            & (ReportDraft.period_key == period_key)
            & (ReportDraft.scope_key == (scope_unit_id or 0))
        )
        .output(load_json=True)
        .first()
    )
    return row or {"sections": {}, "version": 0, "updated_at": None}


def _check_sections(sections: dict[str, str]) -> dict[str, str]:
    from models.vocabulary import Area

    allowed = set(NARRATIVE_KEYS) | {area.value for area in Area}
    for key, text in sections.items():
        if key not in allowed:
            raise InvalidInput.field(
                f"sections.{key}",
                f"unknown section; allowed: {', '.join(sorted(allowed))}",
                "Mục không hợp lệ.",
            )
        if len(text) > 20_000:
            raise InvalidInput.field(f"sections.{key}", "at most 20000 characters", "Tối đa 20.000 ký tự.")
    return {key: unicodedata.normalize("NFC", text).strip() for key, text in sections.items() if text.strip()}


async def put_draft(
    actor: Principal,
    period_key: str,
    scope_unit_id: int | None,
    sections: dict[str, str],
    version: int | None,
) -> dict:
    """Replace the draft's paragraphs; ``version`` (when given) must be the stored one."""
    _check_scope(actor, scope_unit_id)
    period = parse_period(period_key)
    cleaned = _check_sections(sections)
    key = (ReportDraft.kind == period.kind.value) & (ReportDraft.period_key == period.key)
    key &= ReportDraft.scope_key == (scope_unit_id or 0)
    async with write_transaction(ReportDraft._meta.db):
        await one_writer_at_a_time(
            ReportDraft, f"report-draft:{period.kind.value}:{period.key}:{scope_unit_id or 0}"
        )
        current = await ReportDraft.select(ReportDraft.id, ReportDraft.version).where(key).first()
        stored = current["version"] if current else 0
        if version is not None and version != stored:
            raise StaleVersion(f"the draft is at version {stored}, not {version}")
        now = utcnow()
        if current is None:
            row = ReportDraft(
                kind=period.kind.value,
                period_key=period.key,
                scope_key=scope_unit_id or 0,
                sections=cleaned,
                version=1,
                updated_by=actor.account_id,
                updated_at=now,
            )
            await ReportDraft.insert(row)
        else:
            changes = {
                ReportDraft.sections: cleaned,
                ReportDraft.version: stored + 1,
                ReportDraft.updated_by: actor.account_id,
                ReportDraft.updated_at: now,
            }
            await ReportDraft.update(changes).where(ReportDraft.id == current["id"])
    return await get_draft(period.kind.value, period.key, scope_unit_id)
