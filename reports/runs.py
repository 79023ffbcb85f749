"""Report runs: an official report requested by a person or a schedule, generated in the
background, stored under DATA_DIR/reports and kept.

Each request makes a new version of its (kind, period, scope), except a request repeating the
key of an earlier one (a double click on "Lập dự thảo", a retried API call), which gets the run
that key made; an issued run is never overwritten or deleted. A run is executed by whoever
claims it: the claim is a compare-and-set on its state with a lease, so a run whose process
died is taken over once its lease expires, and two workers never generate the same run. Scheduled runs are created through a unique
index (one per kind, period and scope), so two schedulers never produce two reports.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import anyio.to_thread
import msgspec
from piccolo.query.functions.aggregate import Max

from core.background import job_outcome, run_in_background
from core.clock import local_date, utcnow
from core.db import one_writer_at_a_time, write_transaction
from core.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied, StaleVersion
from core.paging import PageRequest
from core.process import is_dead, this_process
from core.settings import get_settings
from core.text import format_date_short, format_int, nfc
from models.notifications import service as notifications
from models.permissions import Action, Principal
from models.units.service import existed_during
from models.units.tables import Unit
from models.vocabulary import JobState
from reports import drafts, wording
from reports.collect import collect_report
from reports.data import DossierCoverage, ReportData
from reports.document import (
    IssueInfo,
    Paragraph,
    Section,
    compose,
    left_out_when_issued,
    placeholders,
    placeholders_where,
    unwritten_required,
)
from reports.issuers import (
    Issuer,
    IssuingUnit,
    default_profile,
    issuer_for,
    issuer_profiles,
    issuing_unit,
)
from reports.pdf import PdfConversionError, convert_to_pdf
from reports.periods import Period, period_from_key
from reports.render import render_report
from reports.tables import ReportDraft, ReportRun

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)
MANUAL, SCHEDULED = "manual", "schedule"
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
    ReportRun.issuer_profile,
    ReportRun.draft_version,
    ReportRun.placeholders,
    ReportRun.issued,
    ReportRun.issued_at,
    ReportRun.issue_number,
    ReportRun.issue_date,
    ReportRun.signer_name,
    ReportRun.issued_by,
    ReportRun.placeholder_reason,
    ReportRun.issued_sha256,
    ReportRun.issued_size,
    ReportRun.issued_pdf_size,
    ReportRun.attempts,
    ReportRun.created_at,
    ReportRun.started_at,
    ReportRun.finished_at,
)


@dataclass(frozen=True)
class RunRequest:
    period_key: str  # "2023-H1", "2023-Y", "2023-Q3", "2023-M9"
    scope_unit_id: int | None = None  # None: the province
    request_key: str = ""  # the requester's key for this request ("": every request is new)


def parse_period(key: str) -> Period:
    """The period a key names ("2023-H1") under the deployment's reporting calendar."""
    return period_from_key(key, get_settings().report.calendar)


def period_begun(key: str) -> Period:
    """The period a new report or draft names, refused before it begins (422 naming
    ``period``): there is nothing to count yet, and its figures would stop on a day before the
    period's first."""
    period = parse_period(key)
    if period.start > local_date(utcnow()):
        raise InvalidInput.field(
            "period",
            f"begins on {period.start.isoformat()}: nothing to report yet",
            f"Kỳ báo cáo {period.label} bắt đầu từ ngày {format_date_short(period.start)}: "
            "chưa có số liệu để báo cáo.",
        )
    return period


def default_period_key(plan_year: int, today: date) -> str:
    """The period a report form offers first: the plan year's half-year or year running today
    (the report being prepared), else the latest of them that has begun; when neither has
    (next year's plan already active), the year before's annual report."""
    half, year = (parse_period(f"{plan_year}-{kind}") for kind in ("H1", "Y"))  # begin together
    if today < half.start:
        return f"{plan_year - 1}-Y"
    return half.key if today <= half.end else year.key


def may_write(actor: Principal, scope_unit_id: int | None) -> bool:
    """Who generates, drafts and issues a report of this scope: home-affairs staff and admins
    any; a unit head their own unit's (its own document, on its own letterhead)."""
    if not actor.can(Action.GENERATE_REPORTS):
        return False
    return actor.can(Action.ISSUE_REPORTS) or (scope_unit_id is not None and scope_unit_id == actor.unit_id)


def _check_scope(actor: Principal, scope_unit_id: int | None) -> None:
    actor.require(Action.GENERATE_REPORTS)
    if not may_write(actor, scope_unit_id):
        raise PermissionDenied("a unit head writes and issues only their own unit's report")


async def _insert_run(
    period: Period,
    scope_unit_id: int | None,
    trigger: str,
    *,
    unless_taken: bool = False,
    request_key: str = "",
    **values,
) -> int | None:
    """The new run's id, or the id of the run ``request_key`` already made for this report;
    with ``unless_taken``, None when a unique index refuses it."""
    scope_key = scope_unit_id or 0
    same_report = (
        (ReportRun.kind == period.kind.value)
        & (ReportRun.period_key == period.key)
        & (ReportRun.scope_key == scope_key)
    )
    async with write_transaction(ReportRun._meta.db):
        # Under this lock (and SQLite's write lock) the look-up and the insert are one step, so
        # concurrent requests with one key make one run.
        await one_writer_at_a_time(ReportRun, f"report-run:{period.kind.value}:{period.key}:{scope_key}")
        if scope_unit_id is not None and not await Unit.exists().where(Unit.id == scope_unit_id):
            raise InvalidInput.field("scope_unit_id", "no such unit", "Đơn vị không tồn tại.")
        if request_key:
            made = await ReportRun.select(ReportRun.id).where(
                same_report & (ReportRun.request_key == request_key)
            )
            if made:
                return made[0]["id"]
        latest = await ReportRun.select(Max(ReportRun.version, alias="v")).where(same_report).first()
        row = ReportRun(
            kind=period.kind.value,
            period_key=period.key,
            scope_key=scope_key,
            scope_unit=scope_unit_id,
            version=(latest["v"] or 0) + 1,
            state=JobState.QUEUED.value,
            trigger=trigger,
            request_key=request_key,
            created_at=utcnow(),
            **values,
        )
        query = ReportRun.insert(row)
        if unless_taken:
            query = query.on_conflict(action="DO NOTHING")
        rows = await query.returning(ReportRun.id)
    return rows[0]["id"] if rows else None


async def request_run(actor: Principal, request: RunRequest) -> dict:
    """A new version of the report, queued (or the run an earlier request with the same key
    made); the caller starts ``execute_run``, which does nothing for a run already taken."""
    _check_scope(actor, request.scope_unit_id)
    period = period_begun(request.period_key)
    await require_scope_existed(period, request.scope_unit_id)
    run_id = await _insert_run(
        period,
        request.scope_unit_id,
        MANUAL,
        request_key=clean_request_key(request.request_key),
        requested_by=actor.account_id,
    )
    return await _run(run_id)


async def require_scope_existed(
    period: Period, scope_unit_id: int | None, field: str = "scope_unit_id"
) -> None:
    """A report for a period is about a unit that existed in it (``units.existed_during``): one
    closed before the period began is refused with its successor named, one set up after the
    period ended with its first day; an unknown unit as such."""
    if scope_unit_id is None:
        return
    unit = (
        await Unit.select(Unit.name, Unit.valid_from, Unit.valid_to, Unit.successor.name)
        .where(Unit.id == scope_unit_id)
        .first()
    )
    if unit is None:
        raise InvalidInput.field(field, "no such unit", "Đơn vị không tồn tại.")
    if existed_during(unit["valid_from"], unit["valid_to"], period.start, period.end):
        return
    name, last, first = unit["name"], unit["valid_to"], unit["valid_from"]
    if last is not None and last < period.start:
        instead = f", hoặc đơn vị kế thừa: {unit['successor.name']}" if unit["successor.name"] else ""
        raise InvalidInput.field(
            field,
            f"the unit closed on {last.isoformat()}, before the period began",
            f"{name} chỉ hoạt động đến ngày {format_date_short(last)}, trước khi kỳ báo cáo {period.label} "
            f"bắt đầu ({format_date_short(period.start)}). Chọn kỳ báo cáo trong thời gian đơn vị còn "
            f"hoạt động{instead}.",
        )
    raise InvalidInput.field(
        field,
        f"the unit was set up on {first.isoformat()}, after the period ended",
        f"{name} hoạt động từ ngày {format_date_short(first)}, sau khi kỳ báo cáo {period.label} kết "
        f"thúc ({format_date_short(period.end)}). Chọn kỳ báo cáo từ khi đơn vị hoạt động, hoặc đơn vị khác.",
    )


REQUEST_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def clean_request_key(key: str) -> str:
    """A request key is up to 64 letters, digits, "-" or "_" (a UUID fits); "" means none."""
    if key and REQUEST_KEY.fullmatch(key) is None:
        raise InvalidInput.field(
            "request_key", "up to 64 ASCII letters, digits, '-' or '_'", "Mã yêu cầu không hợp lệ."
        )
    return key


async def claim_scheduled_run(
    period: Period, schedule_key: str, scope_unit_id: int | None = None
) -> int | None:
    """The schedule's run for this period, or None when one exists already (made by this or
    another scheduler process: the partial unique index decides)."""
    return await _insert_run(period, scope_unit_id, SCHEDULED, unless_taken=True, schedule=schedule_key)


async def _run(run_id: int) -> dict:
    row = await ReportRun.select(*RUN_COLUMNS).where(ReportRun.id == run_id).first()
    if row is None:
        raise NotFound(f"report run {run_id} not found", "Không tìm thấy phiên bản báo cáo này.")
    return row


async def get_run(actor: Principal, run_id: int) -> dict:
    actor.require(Action.READ)
    return await _run(run_id)


async def run_to_issue(actor: Principal, run_id: int) -> dict:
    """The run, when ``actor`` may issue it (``may_write``): NotFound, else PermissionDenied."""
    run = await _run(run_id)
    _check_scope(actor, run["scope_unit"])
    return run


async def run_unit(run: dict) -> IssuingUnit | None:
    """The unit whose report the run is (None: the province's), as it stood at the cut-off."""
    return await issuing_unit(run["scope_unit"], parse_period(run["period_key"]).end)


async def run_issuer(run: dict) -> Issuer:
    """The letterhead a run is (or was issued) under: its issuer profile, for its scope."""
    return issuer_for(get_settings().report, run["issuer_profile"], await run_unit(run))


async def run_profiles(run: dict) -> dict[str, Issuer]:
    """The issuer profiles the run's scope offers (reports.issuers.issuer_profiles)."""
    return issuer_profiles(get_settings().report, await run_unit(run))


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


class Snapshot(msgspec.Struct, frozen=True):
    """What a run printed: the data and the sections as staff made them, kept beside its file so
    that issuing prints exactly what was reviewed (with the number, date and signer added)."""

    data: ReportData
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Generated:
    content: bytes
    name: str
    snapshot: Snapshot
    draft: StoredDraft


async def _generate(run: dict) -> Generated:
    stored = await _stored_draft(run["kind"], run["period_key"], run["scope_unit"])
    data = await collect_report(
        parse_period(run["period_key"]), get_settings().report, run["scope_unit"], stored.issuer_profile
    )
    sections, _ = drafts.apply_draft(compose(data), stored.sections)
    content = await anyio.to_thread.run_sync(render_report, data, sections, None)
    scope_name = None
    if run["scope_unit"] is not None:
        scope_name = (await Unit.select(Unit.name).where(Unit.id == run["scope_unit"]).first())["name"]
    return Generated(content, download_name(run, scope_name), Snapshot(data, sections), stored)


async def _produce(run_id: int) -> dict:
    """Generate a claimed run's files; the run's values for a successful end."""
    generated = await _generate(await _run(run_id))
    path = report_path(run_id)
    await anyio.to_thread.run_sync(_write_file, path, generated.content)
    await anyio.to_thread.run_sync(
        _write_file, report_path(run_id, ".json"), msgspec.json.encode(generated.snapshot)
    )
    return {
        ReportRun.state: JobState.DONE.value,
        ReportRun.file_name: generated.name,
        ReportRun.size: len(generated.content),
        ReportRun.sha256: hashlib.sha256(generated.content).hexdigest(),
        ReportRun.pdf_size: await _pdf(path),
        ReportRun.issuer_profile: generated.snapshot.data.issuer.key,  # the profile printed
        ReportRun.draft_version: generated.draft.version,
        ReportRun.placeholders: len(placeholders(generated.snapshot.sections)),
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


def issued_path(run_id: int, suffix: str = ".docx") -> Path:
    return report_path(run_id, f"-issued{suffix}")


async def run_file(actor: Principal, run_id: int, fmt: str = "docx") -> tuple[Path, str]:
    """The stored file of a finished run (the issued one, once issued) and its download name."""
    run = await get_run(actor, run_id)
    if run["state"] != JobState.DONE.value:
        raise Conflict(f"report run {run_id} is {run['state']}, not done")
    if fmt not in ("docx", "pdf"):
        raise InvalidInput.field("format", "docx or pdf", "Định dạng tệp không hợp lệ.")
    path = (issued_path if run["issued"] else report_path)(run_id, f".{fmt}")
    if not path.exists():
        raise NotFound(
            f"report run {run_id} has no {fmt} file", f"Phiên bản báo cáo này không có tệp {fmt.upper()}."
        )
    return path, str(Path(run["file_name"]).with_suffix(f".{fmt}"))


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
    for suffix in (".docx", ".pdf", ".json"):
        report_path(run_id, suffix).unlink(missing_ok=True)


# --- issuing: the number, the date and the signer; then the file never changes ------------------


@dataclass(frozen=True)
class IssueRequest:
    profile: str  # a key of reports.issuers.issuer_profiles
    number: str  # "15": printed "Số: 15/BC-SNV"
    issued_on: date | None
    signer_name: str
    placeholder_reason: str = ""  # required while paragraphs are still to be written


def run_snapshot(run_id: int) -> Snapshot:
    """What the run printed; a run generated before runs kept it cannot be issued."""
    path = report_path(run_id, ".json")
    if not path.exists():
        raise Conflict(
            f"report run {run_id} was generated before drafts; generate it again to issue it",
            [
                FieldError(
                    "run", "no snapshot", "Báo cáo này được lập theo cách cũ; hãy lập lại rồi ban hành."
                )
            ],
        )
    return msgspec.json.decode(path.read_bytes(), type=Snapshot)


@dataclass(frozen=True)
class Unwritten:
    """What a finished run still asks staff to write, as the issue page warns of it."""

    placeholders: tuple[tuple[str, Paragraph], ...] = ()  # each with the label of its section
    left_out: tuple[str, ...] = ()  # headings the issued file leaves out: nothing written under them
    figures_date: date | None = None  # drawn up before the cut-off day was over: the day it was
    cut_off: date | None = None
    required: tuple[str, ...] = ()  # sections the outline requires with nothing written: not issuable


async def still_to_write(actor: Principal, run_id: int) -> Unwritten:
    """The placeholders a finished run still printed, the headings issuing it would drop, and
    whether its figures stop before the cut-off."""
    run = await get_run(actor, run_id)
    if run["state"] != JobState.DONE.value or not report_path(run_id, ".json").exists():
        return Unwritten()
    snapshot = await anyio.to_thread.run_sync(run_snapshot, run_id)
    sections = snapshot.sections
    data = snapshot.data
    return Unwritten(
        placeholders_where(sections),
        left_out_when_issued(sections),
        data.drawn_up_before_cut_off,
        data.period_end,
        unwritten_required(sections),
    )


SIGNER_NAME_MAX = 100
NUMBER_DIGITS_ONLY = (
    "Số văn bản chỉ gồm chữ số, từ 1 đến 999999, ví dụ 15; ký hiệu (như /BC-SNV) hệ thống tự thêm."
)


def _issue_errors(
    request: IssueRequest, run: dict, today: date, profiles: dict[str, Issuer]
) -> list[FieldError]:
    """Each field the clerk must fix before the report can be issued (``profiles``: those the
    run's scope offers)."""
    errors = []
    if request.profile not in profiles:
        errors.append(FieldError("profile", "unknown issuer profile", "Chọn cơ quan ban hành."))
    if not request.number.strip():
        errors.append(FieldError("number", "required", "Nhập số văn bản, ví dụ 15."))
    elif re.fullmatch(r"[0-9]{1,6}", request.number) is None or int(request.number) == 0:
        errors.append(FieldError("number", "a number from 1 to 999999", NUMBER_DIGITS_ONLY))
    cutoff = parse_period(run["period_key"]).end
    if request.issued_on is None:
        errors.append(FieldError("issued_on", "required", "Nhập ngày ban hành."))
    elif not cutoff <= request.issued_on <= today:
        errors.append(
            FieldError(
                "issued_on",
                f"between the cut-off {cutoff.isoformat()} and today {today.isoformat()}",
                f"Ngày ban hành phải từ ngày chốt số liệu {cutoff:%d/%m/%Y} đến hôm nay {today:%d/%m/%Y}.",
            )
        )
    if not request.signer_name:
        errors.append(FieldError("signer_name", "required", "Nhập họ và tên người ký."))
    elif len(request.signer_name) > SIGNER_NAME_MAX:
        errors.append(
            FieldError(
                "signer_name",
                f"at most {SIGNER_NAME_MAX} characters",
                f"Họ và tên người ký tối đa {SIGNER_NAME_MAX} ký tự.",
            )
        )
    if run["placeholders"] and not request.placeholder_reason:
        errors.append(
            FieldError(
                "placeholder_reason",
                f"{run['placeholders']} paragraphs are still to be written; give a reason to issue anyway",
                f"Báo cáo còn {run['placeholders']} đoạn chưa viết; "
                "hãy viết xong trước, hoặc nêu lý do vẫn ban hành.",
            )
        )
    if len(request.placeholder_reason) > 1000:
        errors.append(FieldError("placeholder_reason", "at most 1000 characters", "Tối đa 1.000 ký tự."))
    return errors


def _cleaned(request: IssueRequest) -> IssueRequest:
    number = nfc(request.number)
    return replace(
        request,
        number=number.lstrip("0") or number,
        signer_name=nfc(request.signer_name),
        placeholder_reason=nfc(request.placeholder_reason),
    )


async def _number_taken(request: IssueRequest, issuer: Issuer) -> dict | None:
    """The issued run that has the number already, if any: a letterhead gives a number once a
    year ("Số: 15/BC-SNV" is the department's, whether issued as its own report or as the Sở Nội
    vụ unit's; each district's "BC-UBND" is its own)."""
    rows = await ReportRun.select(
        ReportRun.issue_date, ReportRun.issuer_profile, ReportRun.scope_unit, ReportRun.period_key
    ).where(
        (ReportRun.issued == True)  # noqa: E712
        & (ReportRun.issue_number == request.number)
    )
    for row in rows:
        if row["issue_date"].year != request.issued_on.year:
            continue
        other = await run_issuer(row)
        if (other.issuing_body, other.symbol) == (issuer.issuing_body, issuer.symbol):
            return row
    return None


def _render_issued(run_id: int, profile: str, issue: IssueInfo, unit_scoped: bool) -> bytes:
    snapshot = run_snapshot(run_id)
    data = snapshot.data
    if (data.scope_unit is not None) != unit_scoped:  # a unit's run kept before units had their letterhead
        raise Conflict(
            f"report run {run_id} was generated before units had their own letterhead; generate it again",
            [
                FieldError(
                    "run",
                    "generated before unit letterheads",
                    "Báo cáo này được lập trước khi báo cáo của đơn vị có tiêu đề riêng; hãy lập lại rồi ban hành.",
                )
            ],
        )
    if data.issuer.key != profile:  # the letterhead, recipients and signer's authority of the profile chosen
        data = replace(data, issuer=issuer_for(get_settings().report, profile, data.scope_unit))
    return render_report(data, snapshot.sections, issue)


async def issue_run(actor: Principal, run_id: int, request: IssueRequest) -> dict:
    """Issue a finished run: its number, date of issue and signer printed on a file rendered
    from what was reviewed; that file is frozen (written once, read-only, SHA-256 kept) and the
    run is kept for good."""
    run = await run_to_issue(actor, run_id)
    today = local_date(utcnow())
    _require_issuable(run, today)
    _require_written(await anyio.to_thread.run_sync(run_snapshot, run_id))
    request = _cleaned(request)
    profiles = await run_profiles(run)
    errors = _issue_errors(request, run, today, profiles)
    issuer = profiles.get(request.profile)
    if not errors and (taken := await _number_taken(request, issuer)):
        errors.append(
            FieldError(
                "number",
                "already given to another issued report this year",
                f"Số {wording.number_text(issuer, request.number)} đã dùng trong năm {request.issued_on.year} cho báo cáo "
                f"{parse_period(taken['period_key']).label} ban hành ngày {taken['issue_date']:%d/%m/%Y}; "
                "chọn số khác.",
            )
        )
    if errors:
        raise InvalidInput("the report cannot be issued as asked", errors)
    issue = IssueInfo(request.number, request.issued_on, request.signer_name, request.profile)
    unit_scoped = run["scope_unit"] is not None
    content = await anyio.to_thread.run_sync(_render_issued, run_id, request.profile, issue, unit_scoped)
    partial = issued_path(run_id, f".{uuid.uuid4().hex}.part")
    await anyio.to_thread.run_sync(partial.write_bytes, content)
    try:
        async with write_transaction(ReportRun._meta.db):
            claimed = await (
                ReportRun.update(
                    {
                        ReportRun.issued: True,
                        ReportRun.issued_at: utcnow(),
                        ReportRun.issued_by: actor.account_id,
                        ReportRun.issuer_profile: request.profile,
                        ReportRun.issue_number: request.number,
                        ReportRun.issue_date: request.issued_on,
                        ReportRun.signer_name: request.signer_name,
                        ReportRun.placeholder_reason: request.placeholder_reason,
                        ReportRun.issued_sha256: hashlib.sha256(content).hexdigest(),
                        ReportRun.issued_size: len(content),
                    }
                )
                # Compare-and-set: of two clerks issuing at once, one wins; the other is told.
                .where((ReportRun.id == run_id) & (ReportRun.issued == False))  # noqa: E712
                .returning(ReportRun.id)
            )
            if not claimed:
                raise Conflict("the report was issued meanwhile")
            os.replace(partial, issued_path(run_id))
            issued_path(run_id).chmod(0o444)
    finally:
        partial.unlink(missing_ok=True)
    pdf_size = await _pdf(issued_path(run_id))
    async with write_transaction(ReportRun._meta.db):
        await ReportRun.update({ReportRun.issued_pdf_size: pdf_size}).where(ReportRun.id == run_id)
    return await _run(run_id)


def issuable_from(run: dict, today: date) -> date | None:
    """The day a report may first be issued, while that day is still to come: its period's
    cut-off (an official report states the period up to that day, so no date of issue before it
    is possible)."""
    cut_off = parse_period(run["period_key"]).end
    return cut_off if today < cut_off else None


def _require_written(snapshot: Snapshot) -> None:
    """A report is issued with every part the outline requires (``unwritten_required``); a
    reason given for the placeholders left elsewhere does not stand in for them."""
    if missing := unwritten_required(snapshot.sections):
        raise Conflict(
            "sections the outline requires have nothing written: " + ", ".join(missing),
            [
                FieldError(
                    "run",
                    "required sections unwritten",
                    f"Chưa ban hành được: đề cương báo cáo yêu cầu có nội dung ở các mục: {'; '.join(missing)}. "
                    "Hãy viết các mục này trong dự thảo, lập phiên bản mới rồi ban hành phiên bản đó.",
                )
            ],
        )


def _require_issuable(run: dict, today: date) -> None:
    if run["issued"]:
        raise Conflict("the report is issued already; an issued report never changes")
    if run["state"] != JobState.DONE.value:
        raise Conflict(f"only a finished report can be issued; this one is {run['state']}")
    if first_day := issuable_from(run, today):
        raise Conflict(
            "a report is issued from its period's cut-off day",
            [
                FieldError(
                    "issued_on",
                    f"issued from {first_day.isoformat()}",
                    f"Chưa đến ngày chốt số liệu: báo cáo kỳ này ban hành được từ ngày {first_day:%d/%m/%Y}.",
                )
            ],
        )


# --- drafts: what staff made of the generated text, before any file -------------------------------


@dataclass(frozen=True)
class StoredDraft:
    sections: dict[str, tuple[drafts.Item, ...]]
    issuer_profile: str
    version: int  # 0: nothing saved yet
    updated_by: int | None
    updated_at: datetime | None


def _draft_key(kind: str, period_key: str, scope_unit_id: int | None):
    return (
        (ReportDraft.kind == kind)
        & (ReportDraft.period_key == period_key)
        & (ReportDraft.scope_key == (scope_unit_id or 0))
    )


async def _stored_draft(kind: str, period_key: str, scope_unit_id: int | None) -> StoredDraft:
    row = (
        await ReportDraft.select(
            ReportDraft.sections,
            ReportDraft.issuer_profile,
            ReportDraft.version,
            ReportDraft.updated_by,
            ReportDraft.updated_at,
        )
        .where(_draft_key(kind, period_key, scope_unit_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        return StoredDraft({}, default_profile(scope_unit_id is not None), 0, None, None)
    return StoredDraft(
        drafts.load_draft(row["sections"] or {}),
        row["issuer_profile"],
        row["version"],
        row["updated_by"],
        row["updated_at"],
    )


@dataclass(frozen=True)
class Coverage:
    source: str  # "Kế hoạch CCHC"
    available: bool
    statement: str  # what the system holds for the period, said plainly


def coverage(data: ReportData) -> tuple[Coverage, ...]:
    """What each data source holds for the report (``data.coverage``, found by collect before any
    sentence is written), said plainly on the draft page before generating."""
    cutoff = format_date_short(data.figures_date)
    found = data.coverage
    rounds = data.rounds  # the period's reporting round, when it has one
    return (
        Coverage("Kế hoạch CCHC", data.plan is not None, _plan_statement(data, cutoff)),
        Coverage("Hồ sơ TTHC", found.dossiers.received > 0, _dossier_statement(found.dossiers)),
        # the indices score the province: a unit's report quotes none
        *(
            (Coverage("Chỉ số CCHC", bool(data.indices), _index_statement(data, cutoff)),)
            if not data.scope_unit
            else ()
        ),
        *(
            (Coverage("Báo cáo của các đơn vị", rounds.accepted > 0, wording.round_coverage(rounds)),)
            if rounds
            else ()
        ),
    )


def _plan_statement(data: ReportData, cutoff: str) -> str:
    plan, tasks = data.plan, data.coverage.tasks
    if plan is None:
        return f"Chưa có kế hoạch cải cách hành chính năm {data.period_end.year} trên hệ thống."
    if not plan.total:
        return wording.plan_opening(plan, data.scope_unit)
    last = (
        f"cập nhật gần nhất ngày {format_date_short(tasks.last_change)}"
        if tasks.last_change
        else "chưa có cập nhật tiến độ nào"
    )
    return (
        f"{plan.plan_title}: {format_int(plan.completed)}/{format_int(plan.total)} nhiệm vụ hoàn thành "
        f"đến ngày {cutoff}; {last}."
    )


def _dossier_statement(found: DossierCoverage) -> str:
    if not found.received:
        statement = "Chưa có số liệu hồ sơ TTHC của kỳ báo cáo trên hệ thống."
    else:
        statement = (
            f"{format_int(found.received)} hồ sơ tiếp nhận từ ngày {format_date_short(found.first_received)} "
            f"đến ngày {format_date_short(found.last_received)}"
            + (", chưa đủ cả kỳ báo cáo." if found.partial else ".")
        )
    if found.stale_open:
        statement += (
            f" Cần rà soát {format_int(found.stale_open)} hồ sơ tiếp nhận từ ngày "
            f"{format_date_short(found.stale_since)} vẫn ghi nhận đang giải quyết (không tính vào số liệu)."
        )
    return statement


def _index_statement(data: ReportData, cutoff: str) -> str:
    withheld = data.coverage.indices_withheld
    statement = (
        f"Kết quả đã công bố đến ngày {cutoff}: "
        + "; ".join(f"{line.kind_label} năm {line.year}" for line in data.indices)
        + "."
        if data.indices
        else f"Chưa có kết quả chỉ số nào được công bố đến ngày {cutoff}."
    )
    if withheld:
        statement += (
            f" {format_int(withheld)} kết quả chưa công bố đến ngày {cutoff} hoặc là giả định: "
            "không đưa vào báo cáo."
        )
    return statement


@dataclass(frozen=True)
class DraftView:
    """A draft as staff see it: the generated sections of now, what staff made of them, the
    warnings to check and the paragraphs still to be written."""

    period: Period
    scope_unit_id: int | None
    stored: StoredDraft
    data: ReportData
    composed: tuple[Section, ...]
    applied: tuple[Section, ...]
    warnings: list[drafts.DraftWarning]
    to_write: tuple[Paragraph, ...]


async def _view(
    period: Period, scope_unit_id: int | None, stored: StoredDraft, data: ReportData
) -> DraftView:
    composed = compose(data)
    applied, warnings = drafts.apply_draft(composed, stored.sections)
    return DraftView(period, scope_unit_id, stored, data, composed, applied, warnings, placeholders(applied))


async def _collect(period: Period, scope_unit_id: int | None, issuer_profile: str) -> ReportData:
    if scope_unit_id is not None and not await Unit.exists().where(Unit.id == scope_unit_id):
        raise InvalidInput.field("unit_id", "no such unit", "Đơn vị không tồn tại.")
    return await collect_report(period, get_settings().report, scope_unit_id, issuer_profile)


async def open_draft(actor: Principal, period_key: str, scope_unit_id: int | None) -> DraftView:
    """The period's draft, laid over the text the data gives now."""
    actor.require(Action.READ)
    period = period_begun(period_key)
    await require_scope_existed(period, scope_unit_id, "unit_id")
    stored = await _stored_draft(period.kind.value, period.key, scope_unit_id)
    data = await _collect(period, scope_unit_id, stored.issuer_profile)
    return await _view(period, scope_unit_id, stored, data)


@dataclass(frozen=True)
class DraftChange:
    """One edit of a draft, as the draft page's forms and the API send it."""

    op: str  # edit | delete | restore | move | add | issuer
    section: str = ""
    key: str = ""  # the paragraph acted on (add: the one to add after; "" at the end)
    text: str = ""  # edit, add
    direction: str = ""  # move: up | down
    profile: str = ""  # issuer
    # add: the key the new paragraph gets, made here so the page can point at it afterwards
    added_key: str = field(default_factory=lambda: f"{drafts.STAFF_PREFIX}{uuid.uuid4()}")


def _changed_sections(
    stored: StoredDraft, composed: tuple[Section, ...], change: DraftChange, profiles: dict[str, Issuer]
) -> dict:
    sections, section, key = stored.sections, change.section, change.key
    match change.op:
        case "edit":
            return drafts.edit_paragraph(sections, composed, section, key, change.text)
        case "delete":
            return drafts.delete_paragraph(sections, composed, section, key)
        case "restore":
            return drafts.restore_paragraph(sections, composed, section, key)
        case "move":
            return drafts.move_paragraph(sections, composed, section, key, change.direction)
        case "add":
            return drafts.add_paragraph(
                sections, composed, section, change.added_key, change.text, key or None
            )
        case "issuer":
            if change.profile not in profiles:
                raise InvalidInput.field("profile", "unknown issuer profile", "Chọn cơ quan ban hành.")
            return sections
    raise InvalidInput.field("op", "edit, delete, restore, move, add or issuer", "Thao tác không hợp lệ.")


async def change_draft(
    actor: Principal, period_key: str, scope_unit_id: int | None, change: DraftChange, version: int
) -> DraftView:
    """Apply one change; ``version`` must be the stored one (0 before the first save), else
    StaleVersion (412) and nothing is written."""
    _check_scope(actor, scope_unit_id)
    period = period_begun(period_key)
    key = _draft_key(period.kind.value, period.key, scope_unit_id)
    before = await _stored_draft(period.kind.value, period.key, scope_unit_id)
    data = await _collect(period, scope_unit_id, before.issuer_profile)
    composed = compose(data)
    async with write_transaction(ReportDraft._meta.db):
        await one_writer_at_a_time(
            ReportDraft, f"report-draft:{period.kind.value}:{period.key}:{scope_unit_id or 0}"
        )
        stored = await _stored_draft(period.kind.value, period.key, scope_unit_id)
        if version != stored.version:
            raise StaleVersion(stored.version)
        profiles = issuer_profiles(get_settings().report, data.scope_unit)
        sections = drafts.dump_draft(_changed_sections(stored, composed, change, profiles))
        profile = change.profile if change.op == "issuer" else stored.issuer_profile
        now = utcnow()
        if stored.version == 0:
            row = ReportDraft(
                kind=period.kind.value,
                period_key=period.key,
                scope_key=scope_unit_id or 0,
                sections=sections,
                issuer_profile=profile,
                version=1,
                updated_by=actor.account_id,
                updated_at=now,
            )
            await ReportDraft.insert(row)
        else:
            values = {
                ReportDraft.sections: sections,
                ReportDraft.issuer_profile: profile,
                ReportDraft.version: stored.version + 1,
                ReportDraft.updated_by: actor.account_id,
                ReportDraft.updated_at: now,
            }
            await ReportDraft.update(values).where(key)
    after = await _stored_draft(period.kind.value, period.key, scope_unit_id)
    if profile != before.issuer_profile:
        data = replace(data, issuer=issuer_for(get_settings().report, profile, data.scope_unit))
    return await _view(period, scope_unit_id, after, data)
