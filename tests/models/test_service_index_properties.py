"""Property: for any dossiers (the Decision 766 fields present, absent or mixed; supplement
requests with and without dates) and any month, quarter or year, every indicator's counts and
the average handling time equal a brute-force count in Python, for the province and per unit,
and the monthly trend equals each month asked for alone; the monthly tally, kept in step
through creations and updates, equals the count over the rows and a rebuild finds no
difference (both engines)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.dossiers.ingest import ingest_records
from models.dossiers.service_tally import rebuild_service_tally
from models.service_index.service import (
    IndexFigures,
    IndexPeriod,
    count_dossiers,
    count_from_tally,
    monthly_trend,
    service_index,
)
from tests.conftest import opened_database
from tests.dossier_data import delete_dossiers

BASE = datetime(2024, 1, 1)
OUTCOMES = ("open", "resolved", "returned", "withdrawn")
MAYBE = st.sampled_from([None, True, False])
PERIODS = [IndexPeriod("month", 2024, m) for m in (1, 2, 3)] + [IndexPeriod("quarter", 2024, 1)]


@st.composite
def records(draw):
    rows = []
    for number in range(draw(st.integers(0, 25))):
        received = BASE + timedelta(days=draw(st.integers(-10, 95)), hours=draw(st.integers(0, 23)))
        due = received + timedelta(days=draw(st.integers(0, 15)), hours=draw(st.integers(0, 12)))
        outcome = draw(st.sampled_from(OUTCOMES))
        resolved = None
        if outcome != "open":
            resolved = received + timedelta(days=draw(st.integers(0, 30)), hours=draw(st.integers(0, 23)))
        requests = draw(st.sampled_from([None, 0, 1, 1, 2, 3]))
        requested = returned = None
        if requests and draw(st.booleans()):
            latest = resolved or received + timedelta(days=40)
            requested = received + (latest - received) * draw(st.floats(0, 1))
            requested = requested.replace(microsecond=0, second=0)
            if draw(st.booleans()):
                returned = requested + (latest - requested) * draw(st.floats(0, 1))
                returned = returned.replace(microsecond=0, second=0)
        fee = draw(MAYBE)
        rows.append(
            {
                "code": f"S{number}",
                "procedure": draw(st.sampled_from(["1.001", "2.001"])),
                "unit": draw(st.sampled_from(["STP", "SYT"])),
                "channel": draw(st.sampled_from(["direct", "online", "postal"])),
                "received_at": received,
                "due_at": due,
                "resolved_at": resolved,
                "outcome": outcome,
                "fee_bearing": fee,
                "paid_online": None if fee is False else draw(MAYBE),
                "electronic_result": draw(MAYBE),
                "digitised": draw(MAYBE),
                "reused_data": draw(MAYBE),
                "supplement_requests": requests,
                "supplement_requested_at": requested,
                "supplement_returned_at": returned,
            }
        )
    return rows


def on_time_at(row: dict, end: date) -> bool:
    """Decision 766 (FORMATS.md), written out again from the raw fields."""
    if (row["supplement_requests"] or 0) >= 2:
        return False
    requested, returned, resolved, due = (
        row["supplement_requested_at"],
        row["supplement_returned_at"],
        row["resolved_at"],
        row["due_at"],
    )
    pause_end = returned or resolved
    pause = pause_end - requested if requested and pause_end else timedelta(0)
    if resolved is not None and resolved.date() <= end:
        return resolved <= due + pause
    if requested is not None and pause_end is None:  # the citizen's answer is awaited
        return requested <= due or due.date() > end
    return (due + pause).date() > end


def brute_force(rows: list[dict], period: IndexPeriod, unit: str | None = None) -> dict[str, tuple]:
    """(meets, applies, unknown) per indicator, and (handled, minutes)."""
    counts: dict[str, list[int]] = {}

    def count(key: str, applies: bool, meets: bool, unknown: bool = False) -> None:
        entry = counts.setdefault(key, [0, 0, 0])
        entry[0] += applies and meets
        entry[1] += applies
        entry[2] += unknown

    handled = minutes = 0
    for row in rows:
        if not period.start <= row["received_at"].date() <= period.end or unit not in (None, row["unit"]):
            continue
        end = period.end
        closed = row["resolved_at"] is not None and row["resolved_at"].date() <= end
        resolved = closed and row["outcome"] == "resolved"
        count("on_time", True, on_time_at(row, end))
        count("online_submission", True, row["channel"] == "online")
        fee, paid = row["fee_bearing"], row["paid_online"]
        count(
            "online_payment",
            fee is True and paid is not None,
            paid is True,
            fee is None or (fee and paid is None),
        )
        result, digitised = row["electronic_result"], row["digitised"]
        count(
            "electronic_result", resolved and result is not None, result is True, resolved and result is None
        )
        both_known = result is not None and digitised is not None
        count(
            "digitised",
            resolved and both_known,
            result is True and digitised is True,
            resolved and not both_known,
        )
        reused = row["reused_data"]
        count("reused_data", reused is not None, reused is True, reused is None)
        if closed:
            requested = row["supplement_requested_at"]
            pause_end = row["supplement_returned_at"] or row["resolved_at"]
            pause = pause_end - requested if requested else timedelta(0)
            handled += 1
            minutes += max(int((row["resolved_at"] - row["received_at"] - pause).total_seconds() // 60), 0)
    return {key: tuple(value) for key, value in counts.items()} | {"handling": (handled, minutes)}


def observed(figures: IndexFigures) -> dict[str, tuple]:
    result = {
        a.key: (a.numerator, a.denominator, a.unknown)
        for a in figures.assessments
        if a.key != "procedures_online"
    }
    minutes = round((figures.average_handling_days or 0) * figures.handled * 1440)
    return {key: value for key, value in result.items() if value[1] or value[2]} | {
        "handling": (figures.handled, minutes)
    }


def nonzero(counts: dict[str, tuple]) -> dict[str, tuple]:
    return {key: value for key, value in counts.items() if key == "handling" or value[1] or value[2]}


def local(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat() + "+07:00"


MOMENTS = ("received_at", "due_at", "resolved_at", "supplement_requested_at", "supplement_returned_at")


def wire(row: dict) -> dict:
    return row | {key: local(row[key]) for key in MOMENTS}


def test_indicators_equal_a_brute_force_count(database_url, catalogued_world):
    world = catalogued_world

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(first=records(), second=records(), period=st.sampled_from(PERIODS))
    def check(first, second, period):
        """``second`` updates the dossiers of ``first`` with the same codes (the tally takes
        their old counts off) and adds the others."""
        rows = list(({row["code"]: row for row in first} | {row["code"]: row for row in second}).values())

        async def run():
            async with opened_database(database_url):
                await delete_dossiers()
                for batch in (first, second):
                    if batch:
                        await ingest_records(world.admin, [wire(row) for row in batch])
                start, end = period.start, period.end
                by_rows = await count_dossiers(start, end, None, ("unit",))
                by_tally = await count_from_tally(start, end, None, ("unit",))
                assert sorted(by_tally, key=str) == sorted(by_rows, key=str)
                by_procedure = await count_from_tally(start, end, None, ("procedure",))
                assert sorted(by_procedure, key=str) == sorted(
                    await count_dossiers(start, end, None, ("procedure",)), key=str
                )
                assert not any((await rebuild_service_tally()).values())
                return await service_index(period, group_by="unit"), await monthly_trend(period)

        index, trend = asyncio.run(run())
        assert observed(index.total) == nonzero(brute_force(rows, period))
        for group in index.groups:
            assert observed(group.figures) == nonzero(brute_force(rows, period, group.key["unit_code"]))
        for month, figures in trend:
            assert observed(figures) == nonzero(brute_force(rows, month))

    check()
