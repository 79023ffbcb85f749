"""A unit's submission to a round: fill (web, API or XLSX), save drafts, submit; staff accept it,
return it with a comment per field, or enter a figure on the unit's behalf with a note.

Who: a unit's head and reporters see and change only their unit's submission, and only while
it is a draft or returned to them; staff and admins see and review every one. Every change
is one transaction that compares and bumps ``version`` (412 for a caller who named an older
one; one who named none is applied to the latest state, so nothing is lost) and appends a
SubmissionEvent with the full state after it (the history).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from core.clock import utcnow
from core.db import one_writer_at_a_time, write_transaction
from core.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied, StaleVersion
from core.text import nfc
from models.permissions import Action, Principal
from models.rounds import rules
from models.rounds.catalogue import indicators_by_code
from models.rounds.rounds import get_round, notify_units
from models.rounds.tables import Submission, SubmissionEvent, SubmissionFile
from models.vocabulary import RoundStatus, SubmissionStatus

EVENT_LABELS = {
    "saved": "Lưu nháp",
    "uploaded": "Tải lên tệp Excel",
    "submitted": "Nộp báo cáo",
    "returned": "Trả lại để sửa",
    "accepted": "Tiếp nhận",
    "entered_by_staff": "Sở Nội vụ nhập thay đơn vị",
}
STALE = "Báo cáo của đơn vị đã được người khác cập nhật trước; vui lòng tải lại và thử lại."
MAX_ANSWER = 20_000
MAX_COMMENT = 1000
FIELDS = (
    Submission.id,
    Submission.round,
    Submission.unit,
    Submission.unit.name.as_alias("unit_name"),
    Submission.unit.kind.as_alias("unit_kind"),
    Submission.status,
    Submission.figures,
    Submission.notes,
    Submission.answers,
    Submission.comments,
    Submission.version,
    Submission.first_submitted_at,
    Submission.submitted_at,
    Submission.updated_at,
)
FILE_FIELDS = (
    SubmissionFile.id,
    SubmissionFile.filename,
    SubmissionFile.content_type,
    SubmissionFile.size,
    SubmissionFile.sha256,
    SubmissionFile.uploaded_at,
)


@dataclass(frozen=True)
class Changes:
    """What a unit (or staff on its behalf) sends: only the keys given change; None clears."""

    figures: Mapping[str, object] = field(default_factory=dict)  # indicator code -> raw figure
    notes: Mapping[str, str] = field(default_factory=dict)
    answers: Mapping[str, str] = field(default_factory=dict)  # outline section -> narrative


def figure_field(code: str) -> str:
    return f"figures.{code}"


def note_field(code: str) -> str:
    return f"notes.{code}"


def answer_field(section: str) -> str:
    return f"answers.{section}"


# --- reads ------------------------------------------------------------------------------------


async def load_submission(submission_id: int) -> dict:
    row = (
        await Submission.select(*FIELDS).where(Submission.id == submission_id).output(load_json=True).first()
    )
    if row is None:
        raise NotFound(f"submission {submission_id} not found", "Không tìm thấy báo cáo của đơn vị này.")
    return row


def check_can_see(actor: Principal, submission: dict) -> None:
    """Staff see every submission; a unit's head and reporters only their unit's. Others
    (leadership included) read the round's consolidated figures, not a unit's working form."""
    if actor.can(Action.MANAGE_ROUNDS):
        return
    if not actor.can(Action.SUBMIT_ROUND) or actor.unit_id != submission["unit"]:
        raise PermissionDenied(
            "a unit's submission is opened by the unit's own head and reporters and by home-affairs staff"
        )


def check_unit_may_edit(actor: Principal, submission: dict, round_row: dict) -> None:
    """The unit's own people, while the submission is a draft or returned and the round open."""
    actor.require(Action.SUBMIT_ROUND)
    check_can_see(actor, submission)
    if round_row["status"] != RoundStatus.OPEN:
        raise Conflict("the round is closed", [FieldError("status", "round closed", "Đợt báo cáo đã khóa.")])
    if not rules.unit_may_edit(submission["status"]):
        raise Conflict(
            "the submission was sent: it is read-only for the unit",
            [
                FieldError(
                    "status",
                    f"submission is {submission['status']}",
                    "Báo cáo đã nộp; đơn vị không sửa được nữa.",
                )
            ],
        )


def unit_indicators(indicators: list[dict], unit_kind: str) -> list[dict]:
    """The round's indicators this kind of unit reports, in the form's order."""
    return [row for row in indicators if unit_kind in row["unit_kinds"]]


async def previous_figures(round_row: dict, unit_id: int) -> dict:
    """The unit's figures of the latest earlier round it was accepted in (last period's)."""
    row = (
        await Submission.select(Submission.figures)
        .where(
            (Submission.unit == unit_id)
            & (Submission.status == SubmissionStatus.ACCEPTED.value)
            & (Submission.round.period_end < round_row["period_end"])
        )
        .order_by(Submission.round.period_end, ascending=False)
        .output(load_json=True)
        .first()
    )
    return row["figures"] if row else {}


async def _form(round_row: dict, submission: dict) -> list[dict]:
    return unit_indicators(await indicators_by_code(round_row["indicator_codes"]), submission["unit_kind"])


async def get_submission(actor: Principal, submission_id: int) -> dict:
    """A submission with its round, its form (indicators with last period's figures) and questions."""
    submission = await load_submission(submission_id)
    check_can_see(actor, submission)
    round_row = await get_round(submission["round"])
    return {
        **submission,
        "round": round_row,
        "indicators": await _form(round_row, submission),
        "previous": await previous_figures(round_row, submission["unit"]),
        "status_label": SubmissionStatus(submission["status"]).label,
        "files": await SubmissionFile.select(*FILE_FIELDS)
        .where(SubmissionFile.submission == submission_id)
        .order_by(SubmissionFile.id),
        "editable_by_unit": rules.unit_may_edit(submission["status"])
        and round_row["status"] == RoundStatus.OPEN,
    }


async def submission_id_for(actor: Principal, round_id: int, unit_id: int) -> int:
    row = (
        await Submission.select(Submission.id, Submission.unit)
        .where((Submission.round == round_id) & (Submission.unit == unit_id))
        .first()
    )
    if row is None:
        raise NotFound(
            f"unit {unit_id} is not asked in round {round_id}",
            "Đơn vị này không được yêu cầu báo cáo trong đợt này.",
        )
    check_can_see(actor, row)
    return row["id"]


async def history(actor: Principal, submission_id: int) -> list[dict]:
    """Every change, oldest first, with who made it and the state after it."""
    check_can_see(actor, await load_submission(submission_id))
    return (
        await SubmissionEvent.select(
            SubmissionEvent.version,
            SubmissionEvent.kind,
            SubmissionEvent.actor,
            SubmissionEvent.actor.full_name.as_alias("actor_name"),
            SubmissionEvent.changed_at,
            SubmissionEvent.status,
            SubmissionEvent.figures,
            SubmissionEvent.notes,
            SubmissionEvent.answers,
            SubmissionEvent.comments,
            SubmissionEvent.note,
        )
        .where(SubmissionEvent.submission == submission_id)
        .order_by(SubmissionEvent.version)
        .output(load_json=True)
    )


async def round_submissions(round_id: int) -> list[dict]:
    """Every submission of a round (for consolidation and the round's files), by unit name."""
    return (
        await Submission.select(*FIELDS)
        .where(Submission.round == round_id)
        .order_by(Submission.unit.name)
        .output(load_json=True)
    )


# --- validation -----------------------------------------------------------------------------------


def merged(current: dict, changes: Changes, form: list[dict], questions: list[dict]) -> dict:
    """The submission's figures, notes and answers after ``changes``, or InvalidInput naming
    every bad field (``figures.TC01``, ``notes.TC01``, ``answers.II.1``)."""
    by_code = {row["code"]: row for row in form}
    sections = {q["section"] for q in questions}
    values, notes, answers = dict(current["figures"]), dict(current["notes"]), dict(current["answers"])
    errors: list[FieldError] = []
    for code, raw in changes.figures.items():
        if code not in by_code:
            errors.append(
                FieldError(figure_field(code), "not on this unit's form", "Chỉ tiêu không có trong biểu mẫu.")
            )
            continue
        value, problem = rules.check_value(by_code[code], raw)
        if problem is not None:
            errors.append(
                FieldError(figure_field(code), problem.reason, problem.message, value=problem.value)
            )
        elif value is None:
            values.pop(code, None)
        else:
            values[code] = value
    for code, note in changes.notes.items():
        text = nfc(note or "")
        if code not in by_code:
            errors.append(
                FieldError(note_field(code), "not on this unit's form", "Chỉ tiêu không có trong biểu mẫu.")
            )
        elif len(text) > rules.MAX_NOTE:
            errors.append(
                FieldError(
                    note_field(code), f"at most {rules.MAX_NOTE} characters", "Ghi chú tối đa 1.000 ký tự."
                )
            )
        elif text:
            notes[code] = text
        else:
            notes.pop(code, None)
    for section, answer in changes.answers.items():
        text = nfc(answer or "")
        if section not in sections:
            errors.append(
                FieldError(answer_field(section), "no such question", "Câu hỏi không có trong đợt báo cáo.")
            )
        elif len(text) > MAX_ANSWER:
            errors.append(
                FieldError(answer_field(section), f"at most {MAX_ANSWER} characters", "Tối đa 20.000 ký tự.")
            )
        elif text:
            answers[section] = text
        else:
            answers.pop(section, None)
    if errors:
        raise InvalidInput(f"{len(errors)} invalid fields", errors)
    return {"figures": values, "notes": notes, "answers": answers}


def submit_errors(state: dict, form: list[dict], previous: dict) -> list[FieldError]:
    """What stops a submission from being sent: required figures missing, figures far from last
    period's without a note."""
    problems = rules.missing_required(form, state["figures"]) + rules.notes_needed(
        form, state["figures"], state["notes"], previous
    )
    return [FieldError(figure_field(e.field), e.reason, e.message) for e in problems]


# --- writes ---------------------------------------------------------------------------------------

Change = Callable[[dict, dict, list[dict]], dict]  # (current, round, form) -> new column values


async def _write(
    actor: Principal,
    submission_id: int,
    expected_version: int | None,
    check: Callable[[dict, dict], None],
    change: Change,
    kind: str,
    note: str = "",
    now: datetime | None = None,
) -> dict:
    """One change: permission and state checked, version compared and bumped, history appended,
    all in one transaction that no other writer of this submission interleaves with."""
    now = now or utcnow()
    async with write_transaction(Submission._meta.db):
        await one_writer_at_a_time(Submission, f"submission:{submission_id}")
        current = await load_submission(submission_id)
        round_row = await get_round(current["round"])
        check(current, round_row)
        if expected_version is not None and expected_version != current["version"]:
            raise StaleVersion(current["version"], STALE)
        new = change(current, round_row, await _form(round_row, current))
        version = current["version"] + 1
        await Submission.update({**new, "version": version, "updated_at": now}).where(
            Submission.id == submission_id
        )
        state = {**current, **new}
        await SubmissionEvent.insert(
            SubmissionEvent(
                submission=submission_id,
                version=version,
                kind=kind,
                actor=actor.account_id,
                changed_at=now,
                status=state["status"],
                figures=state["figures"],
                notes=state["notes"],
                answers=state["answers"],
                comments=state["comments"],
                note=note,
            )
        )
    return await get_submission(actor, submission_id)


async def save(
    actor: Principal,
    submission_id: int,
    changes: Changes,
    *,
    expected_version: int | None = None,
    kind: str = "saved",
) -> dict:
    """The unit saves a draft (incomplete figures are fine; each figure must be valid)."""

    def change(current: dict, round_row: dict, form: list[dict]) -> dict:
        return merged(current, changes, form, round_row["questions"])

    return await _write(
        actor, submission_id, expected_version, lambda s, r: check_unit_may_edit(actor, s, r), change, kind
    )


async def submit(
    actor: Principal, submission_id: int, changes: Changes = Changes(), *, expected_version: int | None = None
) -> dict:
    """The unit sends its submission (with any last changes); afterwards it is read-only for
    the unit. 422 naming each missing required figure and each unexplained jump."""
    previous: dict = {}

    def change(current: dict, round_row: dict, form: list[dict]) -> dict:
        state = merged(current, changes, form, round_row["questions"])
        if errors := submit_errors(state, form, previous):
            raise InvalidInput(f"{len(errors)} fields to complete before sending", errors)
        now = utcnow()
        return {
            **state,
            "status": SubmissionStatus.SUBMITTED.value,
            "first_submitted_at": current["first_submitted_at"] or now,
            "submitted_at": now,
        }

    current = await load_submission(submission_id)
    check_can_see(actor, current)
    previous.update(await previous_figures(await get_round(current["round"]), current["unit"]))
    return await _write(
        actor,
        submission_id,
        expected_version,
        lambda s, r: check_unit_may_edit(actor, s, r),
        change,
        "submitted",
    )


def _check_review(actor: Principal, submission: dict, round_row: dict) -> None:
    actor.require(Action.MANAGE_ROUNDS)
    check_reviewable(submission)


def check_reviewable(submission: dict) -> None:
    """Only a submission its unit has sent is accepted or returned (Conflict otherwise); the web
    asks it before showing the page that confirms an acceptance."""
    if not rules.reviewable(submission["status"]):
        raise Conflict(
            "only a submitted submission is accepted or returned",
            [
                FieldError(
                    "status", f"submission is {submission['status']}", "Chỉ duyệt được báo cáo đơn vị đã nộp."
                )
            ],
        )


async def accept(actor: Principal, submission_id: int, *, expected_version: int | None = None) -> dict:
    """Staff accept a submitted submission: its figures count in the consolidation."""

    def change(current: dict, round_row: dict, form: list[dict]) -> dict:
        return {"status": SubmissionStatus.ACCEPTED.value, "comments": {}}

    result = await _write(
        actor, submission_id, expected_version, lambda s, r: _check_review(actor, s, r), change, "accepted"
    )
    await notify_units(result["round"], "round_accepted", [result["unit"]], str(result["version"]))
    return result


async def return_submission(
    actor: Principal, submission_id: int, comments: Mapping[str, str], *, expected_version: int | None = None
) -> dict:
    """Staff return a submitted submission with a comment per field (``figures.TC01``,
    ``answers.II.1`` or ``general``); the unit fixes and resubmits."""

    def change(current: dict, round_row: dict, form: list[dict]) -> dict:
        known = {figure_field(row["code"]) for row in form} | {
            answer_field(q["section"]) for q in round_row["questions"]
        }
        cleaned, errors = {}, []
        for name, text in comments.items():
            text = nfc(text or "")
            if name not in known | {"general"}:
                errors.append(
                    FieldError(
                        f"comments.{name}", "no such field on the form", "Trường không có trong biểu mẫu."
                    )
                )
            elif len(text) > MAX_COMMENT:
                errors.append(
                    FieldError(
                        f"comments.{name}",
                        f"at most {MAX_COMMENT} characters",
                        "Nhận xét tối đa 1.000 ký tự.",
                    )
                )
            elif text:
                cleaned[name] = text
        if not cleaned and not errors:
            errors.append(
                FieldError("comments", "at least one comment", "Cần ghi nhận xét cho ít nhất một trường.")
            )
        if errors:
            raise InvalidInput("invalid comments", errors)
        return {"status": SubmissionStatus.RETURNED.value, "comments": cleaned}

    result = await _write(
        actor, submission_id, expected_version, lambda s, r: _check_review(actor, s, r), change, "returned"
    )
    await notify_units(result["round"], "round_returned", [result["unit"]], str(result["version"]))
    return result


async def enter_on_behalf(
    actor: Principal,
    submission_id: int,
    code: str,
    raw: object,
    note: str,
    *,
    expected_version: int | None = None,
) -> dict:
    """Staff enter (or correct) one figure for the unit, with a note saying why: kept in the
    history under their name, whatever the submission's state."""
    note = nfc(note or "")
    if not note:
        raise InvalidInput.field("note", "a note is required", "Cần ghi rõ lý do nhập thay đơn vị.")
    if len(note) > rules.MAX_NOTE:
        raise InvalidInput.field(
            "note", f"at most {rules.MAX_NOTE} characters", "Ghi chú tối đa 1.000 ký tự."
        )

    def check(submission: dict, round_row: dict) -> None:
        actor.require(Action.MANAGE_ROUNDS)

    def change(current: dict, round_row: dict, form: list[dict]) -> dict:
        state = merged(current, Changes(figures={code: raw}), form, round_row["questions"])
        state["notes"] = {**state["notes"], code: note}
        return state

    return await _write(actor, submission_id, expected_version, check, change, "entered_by_staff", note)


async def unit_submissions(unit_id: int) -> list[dict]:
    """The unit's submissions in every round, newest period first (its "Báo cáo định kỳ" page)."""
    return (
        await Submission.select(
            Submission.id,
            Submission.round,
            Submission.round.period_label.as_alias("period_label"),
            Submission.round.title.as_alias("title"),
            Submission.round.deadline.as_alias("deadline"),
            Submission.round.status.as_alias("round_status"),
            Submission.status,
            Submission.version,
        )
        .where(Submission.unit == unit_id)
        .order_by(Submission.round.period_end, ascending=False)
    )


async def sending_problems(actor: Principal, submission_id: int) -> list[FieldError]:
    """What would stop the stored submission from being sent now (the web asks before it
    confirms the sending)."""
    form = await get_submission(actor, submission_id)
    return submit_errors(form, form["indicators"], form["previous"])
