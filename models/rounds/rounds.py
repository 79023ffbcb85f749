"""Rounds: the department opens one per report period (which units, which indicators, a
deadline, a narrative question per outline section); each unit gets a draft submission and
its head and reporters a notification. Completeness ("38/45 đơn vị đã nộp", late units first)
is read from the submissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.clock import local_date, utcnow
from core.db import write_transaction
from core.errors import Conflict, FieldError, InvalidInput, NotFound
from core.text import format_date_short, nfc, vietnamese_sort_key
from models.accounts.tables import Account
from models.notifications.service import notify
from models.permissions import Action, Principal
from models.rounds.catalogue import indicators_by_code, list_indicators
from models.rounds.rules import (
    DEFAULT_QUESTIONS,
    QUESTION_SECTIONS,
    completeness_label,
    counts_as_submitted,
    is_late,
)
from models.rounds.tables import Round, Submission
from models.units.tables import Unit
from models.vocabulary import Role, RoundStatus, SubmissionStatus

MAX_QUESTION = 500


@dataclass(frozen=True)
class RoundPeriod:
    """A report period as reports.periods defines it (the API resolves the key)."""

    key: str
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class RoundData:
    period: RoundPeriod
    deadline: date
    title: str = ""
    unit_ids: tuple[int, ...] = ()  # empty: every open unit of a kind some indicator asks
    indicator_codes: tuple[str, ...] = ()  # empty: every active indicator
    questions: tuple[tuple[str, str], ...] = ()  # (outline section, question); empty: the defaults


ROUND_FIELDS = (
    Round.id,
    Round.period_key,
    Round.period_label,
    Round.period_start,
    Round.period_end,
    Round.title,
    Round.deadline,
    Round.status,
    Round.indicator_codes,
    Round.questions,
    Round.opened_at,
)


async def get_round(round_id: int) -> dict:
    row = await Round.select(*ROUND_FIELDS).where(Round.id == round_id).output(load_json=True).first()
    if row is None:
        raise NotFound(f"round {round_id} not found", "Không tìm thấy đợt báo cáo này.")
    return row


async def list_rounds() -> list[dict]:
    return (
        await Round.select(*ROUND_FIELDS).order_by(Round.period_end, ascending=False).output(load_json=True)
    )


async def round_for_period(period_key: str) -> dict | None:
    return (
        await Round.select(*ROUND_FIELDS).where(Round.period_key == period_key).output(load_json=True).first()
    )


def _question_errors(questions: tuple[tuple[str, str], ...]) -> list[FieldError]:
    errors = []
    for index, (section, text) in enumerate(questions):
        if section not in QUESTION_SECTIONS:
            errors.append(
                FieldError(f"questions[{index}].section", "not a report section", "Mục báo cáo không hợp lệ.")
            )
        if not nfc(text) or len(text) > MAX_QUESTION:
            errors.append(
                FieldError(
                    f"questions[{index}].text", f"1 to {MAX_QUESTION} characters", "Câu hỏi dài 1–500 ký tự."
                )
            )
    return errors


async def _units_for(data: RoundData, kinds: set[str], today: date) -> tuple[list[dict], list[FieldError]]:
    fields = (Unit.id, Unit.name, Unit.kind, Unit.valid_to)
    if data.unit_ids:
        rows = await Unit.select(*fields).where(Unit.id.is_in(list(data.unit_ids)))
        unknown = set(data.unit_ids) - {row["id"] for row in rows}
        closed = [row for row in rows if row["valid_to"] is not None and row["valid_to"] < today]
        errors = []
        if unknown:
            errors.append(
                FieldError("unit_ids", f"no such units: {sorted(unknown)}", "Đơn vị không tồn tại.")
            )
        if closed:
            errors.append(FieldError("unit_ids", "closed units", "Có đơn vị đã giải thể hoặc sáp nhập."))
        return rows, errors
    rows = await Unit.select(*fields).where(Unit.kind.is_in(sorted(kinds)) if kinds else Unit.id < 0)
    return [row for row in rows if row["valid_to"] is None or row["valid_to"] >= today], []


async def open_round(actor: Principal, data: RoundData) -> dict:
    """Open the round for a period: a draft submission per unit, a notification to each unit's
    head and reporters. 409 when the period has a round already."""
    actor.require(Action.MANAGE_ROUNDS)
    today = local_date(utcnow())
    codes = list(data.indicator_codes) or [row["code"] for row in await list_indicators(active_only=True)]
    indicators = await indicators_by_code(codes)
    questions = data.questions or DEFAULT_QUESTIONS
    errors = _question_errors(questions)
    if unknown := set(codes) - {row["code"] for row in indicators}:
        errors.append(
            FieldError("indicator_codes", f"unknown: {sorted(unknown)}", "Chỉ tiêu không có trong danh mục.")
        )
    if not codes:
        errors.append(FieldError("indicator_codes", "no indicator", "Danh mục chỉ tiêu đang trống."))
    if data.deadline < data.period.start:
        errors.append(
            FieldError(
                "deadline", "before the period starts", "Hạn nộp không được trước ngày đầu kỳ báo cáo."
            )
        )
    kinds = {kind for row in indicators for kind in row["unit_kinds"]}
    units, unit_errors = await _units_for(data, kinds, today)
    errors += unit_errors
    if not units and not unit_errors:
        errors.append(FieldError("unit_ids", "no unit to ask", "Không có đơn vị nào phải báo cáo."))
    if errors:
        raise InvalidInput("invalid round", errors)
    now = utcnow()
    title = nfc(data.title) or f"Báo cáo cải cách hành chính {data.period.label}"
    async with write_transaction(Round._meta.db):
        if await Round.exists().where(Round.period_key == data.period.key):
            raise Conflict(
                f"the period {data.period.key} has a round already",
                [FieldError("period", "has a round already", "Kỳ báo cáo này đã có đợt thu thập.")],
            )
        row = Round(
            period_key=data.period.key,
            period_label=data.period.label,
            period_start=data.period.start,
            period_end=data.period.end,
            title=title,
            deadline=data.deadline,
            status=RoundStatus.OPEN.value,
            indicator_codes=codes,
            questions=[{"section": s, "text": nfc(t)} for s, t in questions],
            opened_by=actor.account_id,
            opened_at=now,
        )
        round_id = (await Round.insert(row).returning(Round.id))[0]["id"]
        await Submission.insert(
            *(
                Submission(
                    round=round_id, unit=unit["id"], status=SubmissionStatus.DRAFT.value, updated_at=now
                )
                for unit in units
            )
        )
    opened = await get_round(round_id)
    await notify_units(opened, "round_opened", [unit["id"] for unit in units])
    return opened


async def round_recipients(unit_ids: list[int]) -> dict[int, list[int]]:
    """The active heads and reporters of each unit: who fills its submission."""
    rows = await Account.select(Account.id, Account.unit).where(
        Account.unit.is_in(unit_ids or [-1])
        & Account.role.is_in([Role.UNIT_HEAD.value, Role.REPORTER.value])
        & (Account.active == True)  # noqa: E712
    )
    people: dict[int, list[int]] = {}
    for row in rows:
        people.setdefault(row["unit"], []).append(row["id"])
    return people


NOTICES = {
    "round_opened": "Mở đợt báo cáo {label}: hạn nộp {deadline}",
    "round_due_in_3": "Còn 3 ngày đến hạn nộp báo cáo {label} ({deadline})",
    "round_due_in_1": "Ngày mai ({deadline}) là hạn nộp báo cáo {label}",
    "round_overdue": "Đã quá hạn nộp báo cáo {label} ({deadline}): đơn vị chưa nộp",
    "round_returned": "Báo cáo {label} của đơn vị được trả lại để sửa",
    "round_accepted": "Báo cáo {label} của đơn vị đã được tiếp nhận",
}
# What each notice asks of the unit, after the round's title: the reminders go only to units
# yet to send (a draft, or returned to them); an accepted report is closed to the unit.
NOTICE_BODIES = {
    "round_opened": "Điền và nộp báo cáo tại trang Báo cáo định kỳ của đơn vị trước hạn {deadline}.",
    "round_due_in_3": "Đơn vị chưa nộp báo cáo: hoàn thành và nộp tại trang Báo cáo định kỳ "
    "của đơn vị trước hạn {deadline}.",
    "round_due_in_1": "Đơn vị chưa nộp báo cáo: hoàn thành và nộp tại trang Báo cáo định kỳ "
    "của đơn vị trước hạn {deadline}.",
    "round_overdue": "Đơn vị chưa nộp báo cáo dù đã quá hạn nộp ({deadline}): hoàn thành và nộp "
    "ngay tại trang Báo cáo định kỳ của đơn vị.",
    "round_returned": "Sở Nội vụ đã trả lại báo cáo kèm nhận xét: xem nhận xét, sửa và nộp lại "
    "tại trang Báo cáo định kỳ của đơn vị.",
    "round_accepted": "Sở Nội vụ đã tiếp nhận báo cáo và đưa số liệu vào tổng hợp; đơn vị không "
    "cần làm gì thêm.",
}


async def notify_units(round_row: dict, kind: str, unit_ids: list[int], key: str = "") -> int:
    """A round notice to the heads and reporters of ``unit_ids``, once per ``kind``, unit,
    person and ``key`` (a reminder's day, a review's version)."""
    shown = {"label": round_row["period_label"], "deadline": format_date_short(round_row["deadline"])}
    subject = NOTICES[kind].format(**shown)
    body = f"{round_row['title']}. {NOTICE_BODIES[kind].format(**shown)}"
    people = await round_recipients(unit_ids)
    return await notify(
        [
            {
                "account": account,
                "kind": kind,
                "subject": subject,
                "body": body,
                "task": None,
                "dedupe_key": f"{kind}:{round_row['id']}:{unit}:{account}:{key}"[:128],
            }
            for unit in unit_ids
            for account in people.get(unit, [])
        ]
    )


async def completeness(round_id: int, today: date | None = None) -> dict:
    """Who has submitted: "38/45 đơn vị đã nộp", each unit's state, late ones first (then not
    yet submitted, then by name in Vietnamese order)."""
    round_row = await get_round(round_id)
    today = today or local_date(utcnow())
    rows = await Submission.select(
        Submission.id,
        Submission.unit,
        Submission.unit.name.as_alias("unit_name"),
        Submission.status,
        Submission.version,
        Submission.first_submitted_at,
        Submission.submitted_at,
    ).where(Submission.round == round_id)
    units = []
    for row in rows:
        first = local_date(row["first_submitted_at"]) if row["first_submitted_at"] else None
        units.append(
            {
                **row,
                "submitted": counts_as_submitted(row["status"]),
                "late": is_late(round_row["deadline"], first, today),
                "status_label": SubmissionStatus(row["status"]).label,
            }
        )
    units.sort(key=lambda u: (not u["late"], u["submitted"], vietnamese_sort_key(u["unit_name"])))
    submitted = sum(u["submitted"] for u in units)
    return {
        "round": round_row,
        "submitted": submitted,
        "total": len(units),
        "accepted": sum(u["status"] == SubmissionStatus.ACCEPTED for u in units),
        "late": sum(u["late"] for u in units),
        "label": completeness_label(submitted, len(units)),
        "units": units,
    }


async def close_round(actor: Principal, round_id: int) -> dict:
    """Stop collecting: submissions stay as they are (staff may still review what was sent)."""
    actor.require(Action.MANAGE_ROUNDS)
    await get_round(round_id)
    async with write_transaction(Round._meta.db):
        await Round.update({Round.status: RoundStatus.CLOSED.value}).where(Round.id == round_id)
    return await get_round(round_id)
