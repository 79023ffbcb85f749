"""The dossier outcome classes the statistics and reports count, at their boundaries, on both
engines: resolved early (on a day before the due day), on time (on the due day, by the due
moment) or late (after the due moment); returned, withdrawn and open dossiers have no class."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from models.dossiers.ingest import ingest_records
from models.dossiers.records import STORED_COLUMNS, References, RowParser, resolution_timeliness
from models.dossiers.tables import Dossier
from tests.dossier_data import build_catalogue, dossier
from tests.world import build_world

DUE = "2024-03-15T17:00:00+07:00"  # 17:00 on 15 March in the province
# Rule: dossier timeliness (models.dossiers.records), from when it was resolved against its due moment.
CASES = [
    ("early, days before", "resolved", "2024-03-10T10:00:00+07:00", "early"),
    ("early, the evening before", "resolved", "2024-03-14T23:59:00+07:00", "early"),
    ("on time, the due day's first minute", "resolved", "2024-03-15T00:00:00+07:00", "on_time"),
    ("on time, at the due moment", "resolved", DUE, "on_time"),
    ("late, a minute after", "resolved", "2024-03-15T17:01:00+07:00", "late"),
    ("late, the next day", "resolved", "2024-03-16T08:00:00+07:00", "late"),
    # 16:30 UTC on the 14th is 23:30 on the 14th in the province: a day early, not on time.
    ("early by the province's calendar", "resolved", "2024-03-14T16:30:00+00:00", "early"),
    ("returned", "returned", "2024-03-10T10:00:00+07:00", None),
    ("withdrawn", "withdrawn", "2024-03-16T08:00:00+07:00", None),
    ("open", "open", "", None),
]


@pytest.mark.anyio
async def test_each_dossier_outcome_class(db):
    world = await build_world()
    await build_catalogue(world)
    records = [
        {
            key: value
            for key, value in dossier(f"HS-{n}", due_at=DUE, outcome=outcome, resolved_at=resolved).items()
            if value
        }
        for n, (_, outcome, resolved, _) in enumerate(CASES)
    ]
    await ingest_records(world.admin, records)
    stored = {
        row["code"]: row["timeliness"] for row in await Dossier.select(Dossier.code, Dossier.timeliness)
    }
    assert {name: stored[f"HS-{n}"] for n, (name, *_) in enumerate(CASES)} == {
        name: expected for name, _, _, expected in CASES
    }


PROVINCE = ZoneInfo("Asia/Ho_Chi_Minh")
PLUS_7 = timezone(timedelta(hours=7))
DUE_AT = datetime(2024, 3, 15, 17, 0, tzinfo=PLUS_7)


# Rule: dossier timeliness (models.dossiers.records.resolution_timeliness) at its boundaries: the
# due moment decides late, the province's calendar day decides early.
@pytest.mark.parametrize(
    ("resolved_at", "closed_on", "due_on", "expected"),
    [
        (DUE_AT + timedelta(seconds=1), date(2024, 3, 15), date(2024, 3, 15), "late"),
        (DUE_AT, date(2024, 3, 15), date(2024, 3, 15), "on_time"),
        (DUE_AT - timedelta(hours=9), date(2024, 3, 15), date(2024, 3, 15), "on_time"),
        (DUE_AT - timedelta(hours=18), date(2024, 3, 14), date(2024, 3, 15), "early"),
        # a late result is late whatever its day: a due moment on the evening before the due day
        (DUE_AT + timedelta(hours=1), date(2024, 3, 14), date(2024, 3, 15), "late"),
    ],
)
def test_resolution_timeliness_at_its_boundaries(resolved_at, closed_on, due_on, expected):
    assert resolution_timeliness(resolved_at, DUE_AT, closed_on, due_on) == expected


def parsed(**overrides: str) -> dict:
    """One file row through RowParser (no database: the references are given), as stored."""
    parser = RowParser(References({"1.001": 1}, {"STP": 2}), PROVINCE)
    row, errors = parser.parse(1, dossier("HS-1", **overrides))
    assert errors == []
    return dict(zip(STORED_COLUMNS, row, strict=True))


# Rule: the moments and days a dossier is classed by — a bare due date is the end of that day in
# the province, a moment without an offset is the province's, and the days are its calendar days.
@pytest.mark.parametrize(
    ("due_at", "resolved_at", "due_on", "closed_on", "timeliness"),
    [
        ("15/03/2024", "15/03/2024 23:59:59", date(2024, 3, 15), date(2024, 3, 15), "on_time"),
        ("2024-03-15", "2024-03-15T23:59:59", date(2024, 3, 15), date(2024, 3, 15), "on_time"),
        ("15/03/2024", "16/03/2024", date(2024, 3, 15), date(2024, 3, 16), "late"),
        ("15/03/2024 17:00", "15/03/2024 17:00:01", date(2024, 3, 15), date(2024, 3, 15), "late"),
        ("15/03/2024 17:00", "14/03/2024 17:00", date(2024, 3, 15), date(2024, 3, 14), "early"),
        # 16:30 UTC on the 14th is 23:30 there: the 14th, a day early
        (
            "2024-03-15T17:00:00+07:00",
            "2024-03-14T16:30:00+00:00",
            date(2024, 3, 15),
            date(2024, 3, 14),
            "early",
        ),
        # a compact ISO moment with its hour is that moment, not the whole day
        ("20240315T17", "2024-03-15T18:00:00+07:00", date(2024, 3, 15), date(2024, 3, 15), "late"),
        # 17:30 UTC on the 14th is 00:30 on the 15th there: the due day
        (
            "2024-03-15T17:00:00+07:00",
            "2024-03-14T17:30:00+00:00",
            date(2024, 3, 15),
            date(2024, 3, 15),
            "on_time",
        ),
    ],
)
def test_the_moments_and_days_a_dossier_is_classed_by(due_at, resolved_at, due_on, closed_on, timeliness):
    stored = parsed(received_at="01/03/2024 08:00", due_at=due_at, resolved_at=resolved_at)
    assert (stored["due_on"], stored["closed_on"], stored["timeliness"]) == (due_on, closed_on, timeliness)
    assert stored["received_on"] == date(2024, 3, 1)


def test_moments_keep_their_offset_and_text_gets_the_provinces():
    stored = parsed(
        received_at="2024-03-01T01:00:00+00:00", due_at="15/03/2024", resolved_at="", outcome="open"
    )
    assert stored["received_at"] == datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
    assert stored["due_at"] == datetime(2024, 3, 15, 23, 59, 59, tzinfo=PROVINCE)
    assert stored["received_on"] == date(2024, 3, 1)


@pytest.mark.parametrize("text", ["15/13/2024", "2024-03-15 25:00", "hôm qua", "15-03-2024"])
def test_a_moment_that_is_not_one_is_refused_naming_the_field(text):
    parser = RowParser(References({"1.001": 1}, {"STP": 2}), PROVINCE)
    row, errors = parser.parse(7, dossier("HS-1", due_at=text))
    assert row is None
    assert [(e.row, e.field, e.reason, e.value) for e in errors] == [
        (7, "due_at", "expected ISO 8601 or dd/mm/yyyy hh:mm", text)
    ]


# Rule: the Decision 766 appointment's day (service_due_on) is the due day unless supplementing
# moved the appointment; then it is the province's calendar day of the moved appointment, and
# none while the citizen's answer is awaited. Both output forms (objects, SQLite's text) agree.
@pytest.mark.parametrize(
    ("supplement", "service_due_on"),
    [
        ({}, date(2024, 3, 15)),
        # answered after 2 days: the appointment moves 2 days
        (
            {"requested_at": "2024-03-05T08:00:00+07:00", "returned_at": "2024-03-07T08:00:00+07:00"},
            date(2024, 3, 17),
        ),
        # 8 hours of supplementing push 17:00 past the province's midnight (still the 15th in UTC)
        (
            {"requested_at": "2024-03-05T08:00:00+07:00", "returned_at": "2024-03-05T16:00:00+07:00"},
            date(2024, 3, 16),
        ),
        # the same, the deadline written in UTC: the day is still the province's
        (
            {
                "due_at": "2024-03-15T10:00:00+00:00",
                "requested_at": "2024-03-05T08:00:00+07:00",
                "returned_at": "2024-03-05T16:00:00+07:00",
            },
            date(2024, 3, 16),
        ),
        # an answer within the same minute moves nothing
        (
            {"requested_at": "2024-03-05T08:00:00+07:00", "returned_at": "2024-03-05T08:00:00+07:00"},
            date(2024, 3, 15),
        ),
        # still awaited, asked before the deadline: no appointment yet
        ({"requested_at": "2024-03-05T08:00:00+07:00", "outcome": "open"}, None),
    ],
)
@pytest.mark.parametrize("as_text", [False, True])
def test_the_appointment_day_follows_the_supplement_pause(supplement, service_due_on, as_text):
    cells = {"supplement_requests": "1", "supplement_requested_at": supplement.get("requested_at", "")}
    cells |= {"supplement_returned_at": supplement.get("returned_at", "")}
    if not supplement:
        cells = {}
    if supplement.get("outcome") == "open":
        cells |= {"outcome": "open", "resolved_at": ""}
    if "due_at" in supplement:
        cells["due_at"] = supplement["due_at"]
    parser = RowParser(References({"1.001": 1}, {"STP": 2}), PROVINCE, as_text=as_text)
    row, errors = parser.parse(1, dossier("HS-1", **cells))
    assert errors == []
    stored = dict(zip(STORED_COLUMNS, row, strict=True))["service_due_on"]
    assert stored == (service_due_on.isoformat() if as_text and service_due_on else service_due_on)


# Rule: an optional service-index flag is 1/0 in any of its spellings, or unknown when empty.
@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("", None),
        ("   ", None),
        ("1", True),
        (" 1 ", True),
        ("x", True),
        ("Có", True),
        ("TRUE", True),
        ("0", False),
        ("không", False),
        ("Khong", False),
        (" no", False),
    ],
)
def test_an_optional_flag_in_each_spelling(text, stored):
    assert parsed(digitised=text)["digitised"] is stored


@pytest.mark.parametrize("text", ["2", "có thể", "-", "yes please"])
def test_an_optional_flag_that_is_not_one_is_refused_naming_the_field(text):
    parser = RowParser(References({"1.001": 1}, {"STP": 2}), PROVINCE)
    row, errors = parser.parse(3, dossier("HS-1", digitised=text))
    assert row is None
    assert [(e.row, e.field, e.value) for e in errors] == [(3, "digitised", text)]


# Rule: a dossier without fees cannot have been paid online; an unknown fee says nothing.
@pytest.mark.parametrize(
    ("fee_bearing", "paid_online", "refused"),
    [
        ("0", "1", True),
        ("không", "x", True),
        ("1", "1", False),
        ("", "1", False),
        ("0", "0", False),
        ("0", "", False),
    ],
)
def test_paid_online_is_refused_only_for_a_dossier_without_fees(fee_bearing, paid_online, refused):
    parser = RowParser(References({"1.001": 1}, {"STP": 2}), PROVINCE)
    row, errors = parser.parse(4, dossier("HS-1", fee_bearing=fee_bearing, paid_online=paid_online))
    assert [(e.row, e.field) for e in errors] == ([(4, "paid_online")] if refused else [])
    assert (row is None) is refused


def test_one_text_is_a_days_start_as_a_moment_and_its_end_as_a_deadline_in_one_file():
    """Moments are cached by their text: a deadline's bare date (the day's end) and the same
    text as a received moment (the day's start) are kept apart, row after row."""
    parser = RowParser(References({"1.001": 1}, {"STP": 2}), PROVINCE, as_text=True)
    for number in (1, 2):
        row, errors = parser.parse(
            number,
            dossier(
                f"HS-{number}", received_at="15/03/2024", due_at="15/03/2024", outcome="open", resolved_at=""
            ),
        )
        assert errors == []
        stored = dict(zip(STORED_COLUMNS, row, strict=True))
        # SQLite stores instants as UTC text: the province is 7 hours ahead
        assert (stored["received_at"], stored["due_at"]) == (
            "2024-03-14 17:00:00+00:00",
            "2024-03-15 16:59:59+00:00",
        )
        assert (stored["received_on"], stored["due_on"]) == ("2024-03-15", "2024-03-15")


# Rule: a dossier cannot be received or resolved after the import that brings it, give or take
# an hour for the clocks of the one-stop system and ours (records.FUTURE_TOLERANCE). The import
# below runs at 10:00 on 30 June 2024 in the province (03:00 UTC): 11:00 is the limit, kept.
IMPORTED_AT = datetime(2024, 6, 30, 3, 0, tzinfo=UTC)
RECEIVED_FUTURE = ("received_at", "Thời điểm tiếp nhận ở tương lai.")
RESOLVED_FUTURE = ("resolved_at", "Thời điểm trả kết quả ở tương lai.")
OPEN = {"outcome": "open", "resolved_at": ""}


@pytest.mark.parametrize(
    ("cells", "refused"),
    [
        ({"received_at": "2024-06-30T11:00:00+07:00", **OPEN}, []),
        ({"received_at": "2024-06-30T11:00:01+07:00", **OPEN}, [RECEIVED_FUTURE]),
        # without an offset, the province's time; in UTC, the same limit
        ({"received_at": "30/06/2024 11:00:00", **OPEN}, []),
        ({"received_at": "30/06/2024 11:00:01", **OPEN}, [RECEIVED_FUTURE]),
        ({"received_at": "2024-06-30T04:00:00+00:00", **OPEN}, []),
        ({"received_at": "2024-06-30T04:00:01+00:00", **OPEN}, [RECEIVED_FUTURE]),
        # a bare date is that day's start: tomorrow's is in the future
        ({"received_at": "30/06/2024", **OPEN}, []),
        ({"received_at": "01/07/2024", **OPEN}, [RECEIVED_FUTURE]),
        ({"received_at": "2099-01-01", "due_at": "2099-01-31", **OPEN}, [RECEIVED_FUTURE]),
        ({"received_at": "2024-06-30T09:00:00+07:00", "resolved_at": "2024-06-30T11:00:00+07:00"}, []),
        (
            {"received_at": "2024-06-30T09:00:00+07:00", "resolved_at": "2024-06-30T11:00:01+07:00"},
            [RESOLVED_FUTURE],
        ),
        (
            {"received_at": "2099-01-01", "due_at": "2099-01-31", "resolved_at": "2099-01-02"},
            [RECEIVED_FUTURE, RESOLVED_FUTURE],
        ),
        # the deadline may well be ahead
        ({"received_at": "2024-06-30T09:00:00+07:00", "due_at": "2099-12-31", **OPEN}, []),
    ],
)
@pytest.mark.parametrize("as_text", [False, True])
def test_a_dossier_received_or_resolved_after_the_import_is_refused(cells, refused, as_text):
    from core.clock import stopped_at

    with stopped_at(IMPORTED_AT):
        parser = RowParser(References({"1.001": 1}, {"STP": 2}), PROVINCE, as_text=as_text)
    row, errors = parser.parse(5, dossier("HS-1", **{"due_at": "2024-07-15", **cells}))
    assert [(e.field, e.message) for e in errors] == refused
    assert all(e.row == 5 and e.value == cells[e.field] for e in errors)
    assert (row is None) == bool(refused)


def test_the_limit_is_the_moment_the_parser_was_made_plus_the_tolerance():
    """Read once per import: rows parsed later (a long file) are held to the same limit."""
    from core.clock import stopped_at

    with stopped_at(IMPORTED_AT):
        parser = RowParser(References({"1.001": 1}, {"STP": 2}), PROVINCE)
    with stopped_at(IMPORTED_AT + timedelta(hours=5)):
        _, errors = parser.parse(
            1, dossier("HS-1", received_at="30/06/2024 12:00", due_at="2024-07-15", **OPEN)
        )
    assert [e.field for e in errors] == ["received_at"]
