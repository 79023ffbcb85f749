"""Dossiers (hồ sơ TTHC): one record per dossier the one-stop system handled.

Files, JSON Lines and the integration API all arrive as rows of text cells keyed by the
field names below; ``RowParser`` validates one row and derives the columns the statistics
read (local dates and timeliness). The bulk path that writes rows is models.dossiers.ingest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from core.clock import local_zone, utcnow
from core.errors import FieldError, NotFound
from core.tabular import lookup, row_error
from core.text import LEGACY_ENCODING_MESSAGE, identifier, legacy_vietnamese, nfc
from models.dossiers.tables import Dossier
from models.procedures.tables import Procedure
from models.units.tables import Unit
from models.vocabulary import Channel, DossierOutcome, Timeliness

# (key, Vietnamese header label); a file's header may use either.
FILE_COLUMNS = (
    ("code", "Mã hồ sơ"),
    ("procedure", "Mã thủ tục"),
    ("unit", "Mã đơn vị tiếp nhận"),
    ("channel", "Hình thức nộp"),
    ("received_at", "Thời điểm tiếp nhận"),
    ("due_at", "Hạn trả kết quả"),
    ("resolved_at", "Thời điểm trả kết quả"),
    ("outcome", "Tình trạng"),
    ("cashless", "Thanh toán không dùng tiền mặt"),
    ("apology_issued_on", "Ngày gửi phiếu xin lỗi"),
    ("apology_new_due", "Ngày hẹn trả lại"),
    # Optional (Decision 766 service index); an empty cell or a missing column is "unknown".
    ("fee_bearing", "Có phí, lệ phí"),
    ("paid_online", "Thanh toán trực tuyến"),
    ("electronic_result", "Trả kết quả điện tử"),
    ("digitised", "Số hóa hồ sơ"),
    ("reused_data", "Tái sử dụng dữ liệu số hóa"),
    ("supplement_requests", "Số lần yêu cầu bổ sung"),
    ("supplement_requested_at", "Thời điểm yêu cầu bổ sung"),
    ("supplement_returned_at", "Thời điểm nộp bổ sung"),
)
SERVICE_FLAGS = ("fee_bearing", "paid_online", "electronic_result", "digitised", "reused_data")
FEE_BEARING, PAID_ONLINE = SERVICE_FLAGS.index("fee_bearing"), SERVICE_FLAGS.index("paid_online")
MAX_SUPPLEMENT_REQUESTS = 99
FILE_REQUIRED = frozenset({"code", "procedure", "unit", "channel", "received_at", "due_at", "outcome"})
LABELS = dict(FILE_COLUMNS)

# The stored columns, in the order RowParser builds them (also the staging table's).
STORED_COLUMNS = (
    "code",
    "procedure",
    "unit",
    "channel",
    "received_at",
    "due_at",
    "resolved_at",
    "outcome",
    "cashless",
    "apology_issued_on",
    "apology_new_due",
    "received_on",
    "due_on",
    "closed_on",
    "timeliness",
    *SERVICE_FLAGS,
    "supplement_requests",
    "supplement_requested_at",
    "supplement_returned_at",
    "service_due_on",
    "service_on_time",
    "handling_minutes",
)
MAX_CODE_LENGTH = 64
TRUE_TEXTS = frozenset({"1", "true", "yes", "co", "có", "x"})
FALSE_TEXTS = frozenset({"", "0", "false", "no", "khong", "không"})
OPTIONAL_FLAGS = {**dict.fromkeys(FALSE_TEXTS - {""}, False), **dict.fromkeys(TRUE_TEXTS, True)}
FLAG_CELLS = {**OPTIONAL_FLAGS, "": None}  # a flag's cell as written, usually "", "0" or "1"
UNUSUAL = object()  # a cell FLAG_CELLS does not hold as it is written
NO_PAUSE = timedelta(0)
# How far past the moment of the import a dossier may say it was received or resolved: the
# one-stop system's clock is not ours and may run some minutes ahead (a dossier resolved and
# pushed at once carries the sender's time). An hour absorbs that; a later moment is a typing or
# export error (2099 for 2019), which would count the dossier in a period not yet begun.
FUTURE_TOLERANCE = timedelta(hours=1)
MOMENT_CACHE_SIZE = 20_000  # entries per cache (a few MB); cleared when full, so memory stays flat
# Accepted besides ISO 8601: how people type a moment in Excel.
LOCAL_PATTERNS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")
DossierRow = tuple  # the values of STORED_COLUMNS
# Plain strings of the enum members the parser compares every row with (reading an enum
# member's value costs more than the comparison).
OPEN, RESOLVED = DossierOutcome.OPEN.value, DossierOutcome.RESOLVED.value
EARLY, ON_TIME, LATE = Timeliness.EARLY.value, Timeliness.ON_TIME.value, Timeliness.LATE.value


class Moment(NamedTuple):
    """A parsed moment with what the stored row derives from it, worked out once per distinct
    text (an export repeats its deadlines and minutes many times)."""

    at: datetime
    utc_text: str  # as Piccolo stores an instant in SQLite
    day: date  # the province's calendar date
    day_text: str


@dataclass(frozen=True)
class References:
    """Codes the rows name, resolved to ids."""

    procedures: dict[str, int]
    units: dict[str, int]


async def load_references() -> References:
    procedures = {row["code"]: row["id"] for row in await Procedure.select(Procedure.id, Procedure.code)}
    units = {row["code"]: row["id"] for row in await Unit.select(Unit.id, Unit.code)}
    return References(procedures, units)


def resolution_timeliness(resolved_at: datetime, due_at: datetime, closed_on: date, due_on: date) -> str:
    """The class of a resolved dossier, which the statistics and reports count: "late" when it
    was resolved after its due moment, else "early" when resolved on a day (the province's
    calendar: ``closed_on``, ``due_on``) before the due day, else "on_time" (on the due day, by
    the due moment). Returned, withdrawn and open dossiers have no class."""
    if resolved_at > due_at:
        return LATE
    return EARLY if closed_on < due_on else ON_TIME


class RowParser:
    """Validates rows into stored values; every problem of a row is reported, not the first."""

    def __init__(
        self, references: References, zone: ZoneInfo | None = None, *, as_text: bool = False
    ) -> None:
        """``as_text``: give instants and dates as the text Piccolo stores in SQLite (UTC
        ``YYYY-MM-DD HH:MM:SS+00:00`` and ISO dates), sparing sqlite3's adapters a million
        calls; otherwise as datetime and date objects (PostgreSQL's COPY wants those)."""
        self.references = references
        self.zone = zone or local_zone()
        self.as_text = as_text
        self._fixed_offset = _fixed_offset(self.zone)
        self._channels = {member.value: member.value for member in Channel}
        self._outcomes = {member.value: member.value for member in DossierOutcome}
        # Parsed moments by their text, one cache for deadlines (a bare date is the day's end)
        # and one for the rest.
        self._moments: tuple[dict[str, Moment | None], ...] = ({}, {})
        # The latest moment a row may be received or resolved at (FUTURE_TOLERANCE), fixed once
        # for the whole import; in the province's zone, so that a moment written without an
        # offset (which gets that zone) compares without converting.
        self._latest = (utcnow() + FUTURE_TOLERANCE).astimezone(self.zone)

    def parse(self, number: int, cells: dict[str, str]) -> tuple[DossierRow | None, list[FieldError]]:
        errors: list[FieldError] = []

        def fail(key: str, reason: str, message: str) -> None:
            errors.append(row_error(key, reason, message, number, cells.get(key, "")))

        if not "".join(cells.values()).isascii():  # one test for the usual all-ASCII row
            for key, text in cells.items():
                if not text.isascii() and legacy_vietnamese(text):
                    fail(key, "legacy Vietnamese encoding (VNI or TCVN3)", LEGACY_ENCODING_MESSAGE)
        code = _code(cells.get("code", ""))
        if not code or len(code) > MAX_CODE_LENGTH:
            fail("code", f"1 to {MAX_CODE_LENGTH} characters", "Mã hồ sơ dài 1–64 ký tự.")
        procedure = self.references.procedures.get(_code(cells.get("procedure", "")))
        if procedure is None:
            fail("procedure", "unknown procedure code", "Mã thủ tục không có trong danh mục.")
        unit = self.references.units.get(_code(cells.get("unit", "")))
        if unit is None:
            fail("unit", "unknown unit code", "Mã đơn vị tiếp nhận không tồn tại.")
        channel = self._enum(cells.get("channel", ""), self._channels, Channel)
        if channel is None:
            fail("channel", "one of direct, online, postal", "Hình thức nộp không hợp lệ.")
        outcome = self._enum(cells.get("outcome", ""), self._outcomes, DossierOutcome)
        if outcome is None:
            fail("outcome", "one of open, resolved, returned, withdrawn", "Tình trạng hồ sơ không hợp lệ.")
        received = self._moment(cells, "received_at", fail, required=True)
        due = self._moment(cells, "due_at", fail, required=True, end_of_day=True)
        resolved = self._moment(cells, "resolved_at", fail, required=False)
        received_at, due_at, resolved_at = received and received.at, due and due.at, resolved and resolved.at
        if received_at and received_at > self._latest:
            fail("received_at", "later than the import (in the future)", "Thời điểm tiếp nhận ở tương lai.")
        if resolved_at and resolved_at > self._latest:
            fail("resolved_at", "later than the import (in the future)", "Thời điểm trả kết quả ở tương lai.")
        cashless = self._flag(cells.get("cashless", ""), fail)
        apology_issued_on = self._day(cells, "apology_issued_on", fail)
        apology_new_due = self._day(cells, "apology_new_due", fail)

        if received_at and due_at and due_at < received_at:
            fail("due_at", "before received_at", "Hạn trả kết quả trước thời điểm tiếp nhận.")
        if received_at and resolved_at and resolved_at < received_at:
            fail("resolved_at", "before received_at", "Thời điểm trả kết quả trước thời điểm tiếp nhận.")
        if outcome == OPEN and resolved_at:
            fail(
                "resolved_at",
                "must be empty while the dossier is open",
                "Hồ sơ đang giải quyết chưa có ngày trả.",
            )
        if outcome not in (None, OPEN) and _blank(cells, "resolved_at"):
            fail("resolved_at", "required once the dossier is closed", "Thiếu thời điểm trả kết quả.")
        if apology_new_due and not apology_issued_on:
            fail("apology_issued_on", "required with apology_new_due", "Thiếu ngày gửi phiếu xin lỗi.")
        if apology_new_due and apology_issued_on and apology_new_due < apology_issued_on:
            fail("apology_new_due", "before apology_issued_on", "Ngày hẹn trả lại trước ngày xin lỗi.")
        flags = self._optional_flags(cells, fail)
        if flags[PAID_ONLINE] and flags[FEE_BEARING] is False:
            fail(
                "paid_online",
                "paid online but fee_bearing is 0",
                "Hồ sơ không có phí mà ghi thanh toán trực tuyến.",
            )
        requests, requested, returned = self._supplement(cells, received_at, resolved_at, fail)
        if errors:
            return None, errors

        requested_at, returned_at = requested and requested.at, returned and returned.at
        service_due, service_on_time, handling_minutes = service_timing(
            received_at, due_at, resolved_at, requests, requested_at, returned_at
        )
        if service_due is None:
            service_due_on = None
        else:  # the deadline itself unless supplementing moved it
            service_due_on = due.day if service_due == due_at else self._local_date(service_due)
        received_on, due_on = received.day, due.day
        closed_on = resolved and resolved.day
        timeliness = None
        if outcome == RESOLVED:
            timeliness = resolution_timeliness(resolved_at, due_at, closed_on, due_on)
        if self.as_text:
            return (
                code,
                procedure,
                unit,
                channel,
                received.utc_text,
                due.utc_text,
                resolved and resolved.utc_text,
                outcome,
                cashless,
                _day_text(apology_issued_on),
                _day_text(apology_new_due),
                received.day_text,
                due.day_text,
                resolved and resolved.day_text,
                timeliness,
                *flags,
                requests,
                requested and requested.utc_text,
                returned and returned.utc_text,
                _day_text(service_due_on),
                service_on_time,
                handling_minutes,
            ), []
        return (
            code,
            procedure,
            unit,
            channel,
            received_at,
            due_at,
            resolved_at,
            outcome,
            cashless,
            apology_issued_on,
            apology_new_due,
            received_on,
            due_on,
            closed_on,
            timeliness,
            *flags,
            requests,
            requested_at,
            returned_at,
            service_due_on,
            service_on_time,
            handling_minutes,
        ), []

    def _local_date(self, moment: datetime) -> date:
        """The province's calendar date of ``moment``; a moment written with the province's
        own (fixed) offset needs no conversion, which is most of a one-stop export."""
        if moment.tzinfo is self.zone or moment.utcoffset() == self._fixed_offset:
            return moment.date()
        return moment.astimezone(self.zone).date()

    @staticmethod
    def _enum(text: str, by_value: dict[str, str], enum) -> str | None:
        value = by_value.get(text.strip())
        if value is None and text.strip():
            member = lookup(enum, text)
            value = member.value if member else None
        return value

    def _moment(self, cells, key: str, fail, *, required: bool, end_of_day: bool = False) -> Moment | None:
        text = cells.get(key, "").strip()
        if not text:
            if required:
                fail(key, "required", f"Thiếu {LABELS[key].lower()}.")
            return None
        cache = self._moments[end_of_day]
        try:
            moment = cache[text]
        except KeyError:
            if len(cache) >= MOMENT_CACHE_SIZE:
                cache.clear()
            at = _parse_moment(text, self.zone, end_of_day)
            moment = cache[text] = None if at is None else self._stamped(at)
        if moment is None:
            fail(key, "expected ISO 8601 or dd/mm/yyyy hh:mm", "Thời điểm phải có dạng dd/mm/yyyy hh:mm.")
        return moment

    def _stamped(self, at: datetime) -> Moment:
        day = self._local_date(at)
        return Moment(at, at.astimezone(UTC).isoformat(" "), day, day.isoformat())

    @staticmethod
    def _day(cells, key: str, fail) -> date | None:
        text = cells.get(key, "").strip()
        if not text:
            return None
        for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
            try:
                return parse(text)
            except ValueError:
                continue
        fail(key, "expected yyyy-mm-dd or dd/mm/yyyy", "Ngày phải có dạng dd/mm/yyyy.")
        return None

    @staticmethod
    def _optional_flags(cells, fail) -> list[bool | None]:
        """Each of SERVICE_FLAGS: 1/0 (có/không, x, true/false), or None for an empty cell (the
        source did not say). A cell is nearly always "", "0" or "1": one lookup each."""
        flags = [FLAG_CELLS.get(cells.get(key, ""), UNUSUAL) for key in SERVICE_FLAGS]
        if UNUSUAL in flags:
            for index, key in enumerate(SERVICE_FLAGS):
                if flags[index] is UNUSUAL:
                    flags[index] = OPTIONAL_FLAGS.get(text := cells[key].strip().casefold())
                    if flags[index] is None and text:
                        fail(key, "expected 1, 0 or empty", f"{LABELS[key]}: ghi 1, 0 hoặc để trống.")
        return flags

    def _supplement(self, cells, received_at, resolved_at, fail):
        """The number of supplement requests and the first one's dates, checked against each
        other and against the dossier's own dates."""
        if not (
            cells.get("supplement_requests")
            or cells.get("supplement_requested_at")
            or cells.get("supplement_returned_at")
        ):  # the usual dossier: never asked to supplement
            return None, None, None
        text = cells.get("supplement_requests", "").strip()
        requests = None
        if text:
            requests = int(text) if text.isdigit() else -1
            if not 0 <= requests <= MAX_SUPPLEMENT_REQUESTS:
                fail(
                    "supplement_requests",
                    f"a whole number from 0 to {MAX_SUPPLEMENT_REQUESTS}",
                    f"Số lần yêu cầu bổ sung là số nguyên từ 0 đến {MAX_SUPPLEMENT_REQUESTS}.",
                )
                requests = None
        requested = self._moment(cells, "supplement_requested_at", fail, required=False)
        returned = self._moment(cells, "supplement_returned_at", fail, required=False)
        requested_at, returned_at = requested and requested.at, returned and returned.at
        if requested_at and not requests:
            fail(
                "supplement_requests",
                "at least 1 with supplement_requested_at",
                "Có thời điểm yêu cầu bổ sung thì số lần yêu cầu ít nhất là 1.",
            )
        if returned_at and not requested_at:
            fail(
                "supplement_requested_at",
                "required with supplement_returned_at",
                "Thiếu thời điểm yêu cầu bổ sung.",
            )
        if requested_at and received_at and requested_at < received_at:
            fail(
                "supplement_requested_at",
                "before received_at",
                "Thời điểm yêu cầu bổ sung trước thời điểm tiếp nhận.",
            )
        if requested_at and returned_at and returned_at < requested_at:
            fail(
                "supplement_returned_at",
                "before supplement_requested_at",
                "Thời điểm nộp bổ sung trước thời điểm yêu cầu bổ sung.",
            )
        if resolved_at:
            for key, moment in (
                ("supplement_requested_at", requested_at),
                ("supplement_returned_at", returned_at),
            ):
                if moment and moment > resolved_at:
                    fail(key, "after resolved_at", f"{LABELS[key]} sau thời điểm trả kết quả.")
        return requests, requested, returned

    @staticmethod
    def _flag(text: str, fail) -> bool:
        key = text.strip().casefold()
        if key in TRUE_TEXTS:
            return True
        if key not in FALSE_TEXTS:
            fail("cashless", "expected 1 or 0", "Thanh toán không dùng tiền mặt: ghi 1 hoặc 0.")
        return False


def service_timing(
    received_at: datetime,
    due_at: datetime,
    resolved_at: datetime | None,
    requests: int | None,
    requested_at: datetime | None,
    returned_at: datetime | None,
) -> tuple[datetime | None, bool | None, int | None]:
    """Decision 766's timing of one dossier: (appointment, finished by it, handling minutes).

    The time the citizen spent supplementing (from the first request to their answer, or to the
    closing when no answer came) is deducted: the appointment moves by it, and it is not
    handling time. While that answer is awaited the clock is stopped, so the appointment is
    None (never passed), unless the request came after the deadline had already passed. A
    dossier asked to supplement more than once is late whatever its dates (later requests'
    dates therefore change nothing and are not kept). Only a closed dossier has the last two."""
    pause = NO_PAUSE
    pause_end = returned_at or resolved_at
    if requested_at is not None and pause_end is not None:
        pause = max(pause_end - requested_at, NO_PAUSE)
    awaited = requested_at is not None and pause_end is None
    appointment = None if awaited and requested_at <= due_at else due_at + pause
    if resolved_at is None:
        return appointment, None, None
    on_time = (requests or 0) < 2 and resolved_at <= due_at + pause
    minutes = max(int((resolved_at - received_at - pause).total_seconds() // 60), 0)
    return appointment, on_time, minutes


def _blank(cells, key: str) -> bool:
    return not cells.get(key, "").strip()


def _parse_moment(text: str, zone: ZoneInfo, end_of_day: bool) -> datetime | None:
    """An instant from ISO 8601 (with or without offset) or dd/mm/yyyy[ hh:mm[:ss]] in local
    time; a bare date means the start of that day, or its end for a deadline. The result
    keeps the offset it was written with (naive text gets the province's zone)."""
    try:
        moment = datetime.fromisoformat(text)
        date_only = len(text) <= 10
    except ValueError:
        moment = None
        for pattern in LOCAL_PATTERNS:
            try:
                moment = datetime.strptime(text, pattern)
                date_only = pattern == "%d/%m/%Y"
                break
            except ValueError:
                continue
        if moment is None:
            return None
    if date_only and end_of_day:
        moment = datetime.combine(moment.date(), time(23, 59, 59), tzinfo=moment.tzinfo)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def _fixed_offset(zone: ZoneInfo) -> timedelta | None:
    """The zone's UTC offset if it has not changed since 1976 (Asia/Ho_Chi_Minh: +07:00)."""
    offsets = {zone.utcoffset(datetime(year, month, 15)) for year in range(1976, 2040) for month in (1, 7)}
    return offsets.pop() if len(offsets) == 1 else None


def _day_text(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _code(text: str) -> str:
    """A code as stored (``identifier``; an ASCII code, the usual case, is only stripped)."""
    return text.strip() if text.isascii() else identifier(text)


def cells_from_record(record: dict) -> dict[str, str]:
    """A JSON record (API or JSON Lines) as text cells: null is empty, booleans are 1/0."""
    cells: dict[str, str] = {}
    for key, value in record.items():
        if value is None:
            cells[key] = ""
        elif isinstance(value, bool):
            cells[key] = "1" if value else "0"
        elif isinstance(value, datetime | date):
            cells[key] = value.isoformat()
        else:
            cells[key] = str(value)
    return cells


DOSSIER_COLUMNS = (
    Dossier.id,
    Dossier.code,
    Dossier.procedure,
    Dossier.procedure.code.as_alias("procedure_code"),
    Dossier.unit,
    Dossier.unit.code.as_alias("unit_code"),
    Dossier.channel,
    Dossier.received_at,
    Dossier.due_at,
    Dossier.resolved_at,
    Dossier.outcome,
    Dossier.timeliness,
    Dossier.cashless,
    Dossier.apology_issued_on,
    Dossier.apology_new_due,
    Dossier.fee_bearing,
    Dossier.paid_online,
    Dossier.electronic_result,
    Dossier.digitised,
    Dossier.reused_data,
    Dossier.supplement_requests,
    Dossier.supplement_requested_at,
    Dossier.supplement_returned_at,
)


async def get_dossier(code: str) -> dict:
    row = await Dossier.select(*DOSSIER_COLUMNS).where(Dossier.code == nfc(code)).first()
    if row is None:
        raise NotFound(f"dossier {code!r} not found", f"Không tìm thấy hồ sơ có mã {code}.")
    return row
