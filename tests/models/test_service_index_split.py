"""``counted`` splits a period into whole months read from the tally and the rest read from the
dossier rows (models.service_index.service): for any dossiers and any period (inside one
month, from the 1st, to a month's last day, across a year end, …) it equals the row count
``count_dossiers`` for every grouping, scope and way of judging (both engines); and a dossier
closed or due on each side of the period's last day lands on the right side of the split."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.dossiers.ingest import ingest_records
from models.service_index.service import count_dossiers, counted
from tests.conftest import opened_database
from tests.dossier_data import build_catalogue, delete_dossiers, dossier
from tests.models.test_service_index_properties import BASE, records, wire
from tests.world import build_world

GROUPINGS = [(), ("unit",), ("procedure",), ("month",), ("unit", "month"), ("procedure", "month")]
FIRST_DAY = BASE.date() - timedelta(days=30)


def month_end(day: date) -> date:
    after = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return after - timedelta(days=1)


@st.composite
def periods(draw) -> tuple[date, date]:
    """Any start and end around the dossiers' dates, the start snapped to a 1st and the end
    to a month's last day or a 1st now and then; up to a year and a month long."""
    start = FIRST_DAY + timedelta(days=draw(st.integers(0, 150)))
    end = start + timedelta(days=draw(st.integers(0, 400)))
    if draw(st.booleans()):
        start = start.replace(day=1)
    snap = draw(st.sampled_from(["none", "none", "month end", "first", "day before a month end"]))
    if snap == "month end":
        end = month_end(end)
    elif snap == "first":
        end = end.replace(day=1)
    elif snap == "day before a month end":
        end = month_end(end) - timedelta(days=1)
    return start, max(start, end)


def normalised(rows) -> list:
    """Groups of some dossiers, in a stable order (the row count also answers an empty scope)."""
    return sorted(((key, counts) for key, counts in rows if counts["received"]), key=str)


async def assert_counted_equals_the_rows(start: date, end: date, scopes) -> None:
    for units in scopes:
        for by in GROUPINGS:
            for monthly in (False, True):
                expected = normalised(await count_dossiers(start, end, units, by, monthly=monthly))
                got = normalised(await counted(start, end, units, by, monthly=monthly))
                assert got == expected, (start, end, units, by, monthly)


def test_counted_equals_the_row_count_for_any_period(database_url, catalogued_world):
    world = catalogued_world
    scopes = (None, {world.unit_a}, {world.unit_a, world.unit_b})

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=records(), spans=st.lists(periods(), min_size=1, max_size=3))
    def check(rows, spans):
        async def run():
            async with opened_database(database_url):
                await delete_dossiers()
                if rows:
                    await ingest_records(world.admin, [wire(row) for row in rows])
                for start, end in spans:
                    await assert_counted_equals_the_rows(start, end, scopes)

        asyncio.run(run())

    check()


def moment(day: str | None) -> str:
    return f"{day}T10:00:00+07:00" if day else ""


# One dossier received in January, judged at E, closed and due around E's month: (E, closed,
# due). The whole month January comes from the tally unless the dossier is pending at E.
BOUNDARIES = [
    (end, closed, due)
    for end in ("2024-02-14", "2024-02-01", "2024-02-28", "2024-02-29", "2024-01-31")
    for closed, due in (
        (None, "2024-02-14"),
        (None, "2024-02-15"),
        (None, "2024-01-31"),
        (None, "2024-03-01"),
        (None, "2024-02-01"),
        (None, "2024-02-29"),
        ("2024-01-31", "2024-02-10"),
        ("2024-02-01", "2024-01-25"),
        ("2024-02-13", "2024-02-20"),
        ("2024-02-14", "2024-02-10"),
        ("2024-02-15", "2024-02-10"),
        ("2024-02-29", "2024-02-14"),
        ("2024-03-01", "2024-02-14"),
        ("2024-03-01", "2024-03-01"),
    )
]


@pytest.mark.anyio
@pytest.mark.parametrize("end, closed, due", BOUNDARIES)
async def test_a_dossier_closed_or_due_near_the_last_day(db, end, closed, due):
    """The day before and after E, E on the 1st and on its month's last day, closed or due at
    either end of E's month: the split counts the dossier as the rows do, once."""
    world = await build_world()
    await build_catalogue(world)
    row = dossier(
        "B1",
        received_at=moment("2024-01-10"),
        due_at=moment(due),
        resolved_at=moment(closed),
        outcome="resolved" if closed else "open",
        electronic_result="1",
        digitised="1",
    )
    await ingest_records(world.admin, [row])
    for start in (date(2024, 1, 1), date(2023, 12, 20)):
        await assert_counted_equals_the_rows(start, date.fromisoformat(end), (None, {world.unit_a}))
