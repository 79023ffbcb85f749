"""Property: for any dossiers and any period, every statistic equals a brute-force count in
Python, and the figures reconcile (carried over + received = closed + open)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.dossiers.ingest import ingest_records
from models.dossiers.stats import Figures, dossier_stats
from tests.conftest import opened_database
from tests.dossier_data import delete_dossiers

BASE = datetime(2024, 1, 1)
OUTCOMES = ("open", "resolved", "returned", "withdrawn")


@st.composite
def records(draw):
    count = draw(st.integers(0, 30))
    rows = []
    for number in range(count):
        received = BASE + timedelta(days=draw(st.integers(-40, 100)), hours=draw(st.integers(0, 23)))
        due = received + timedelta(days=draw(st.integers(0, 15)), hours=draw(st.integers(0, 12)))
        outcome = draw(st.sampled_from(OUTCOMES))
        resolved = None
        if outcome != "open":
            resolved = received + timedelta(days=draw(st.integers(0, 30)), hours=draw(st.integers(0, 23)))
        apology = draw(st.one_of(st.none(), st.integers(0, 40)))
        rows.append(
            {
                "code": f"P{number}",
                "procedure": draw(st.sampled_from(["1.001", "2.001"])),
                "unit": draw(st.sampled_from(["STP", "SYT"])),
                "channel": draw(st.sampled_from(["direct", "online", "postal"])),
                "received_at": received,
                "due_at": due,
                "resolved_at": resolved,
                "outcome": outcome,
                "cashless": draw(st.booleans()),
                "apology_issued_on": None if apology is None else (due + timedelta(days=apology)).date(),
            }
        )
    return rows


def local(moment: datetime) -> str:
    return moment.isoformat() + "+07:00"


def brute_force(rows: list[dict], start: date, end: date) -> Figures:
    counts = dict.fromkeys(Figures.__dataclass_fields__, 0)
    for row in rows:
        received, due, resolved = row["received_at"], row["due_at"], row["resolved_at"]
        if received.date() > end or (resolved is not None and resolved.date() < start):
            continue
        if received.date() < start:
            counts["carried_over"] += 1
        else:
            counts[f"received_{row['channel']}"] += 1
            counts["received_cashless"] += row["cashless"]
        late_in_period = False
        if resolved is not None and resolved.date() <= end:
            if row["outcome"] == "resolved":
                if resolved > due:
                    counts["resolved_late"] += 1
                    late_in_period = True
                elif resolved.date() < due.date():
                    counts["resolved_early"] += 1
                else:
                    counts["resolved_on_time"] += 1
            else:
                counts[row["outcome"]] += 1
        elif due.date() <= end:
            counts["open_overdue"] += 1
            late_in_period = True
        else:
            counts["open_within_deadline"] += 1
        if late_in_period and row["apology_issued_on"] is not None and row["apology_issued_on"] <= end:
            counts["apologies_issued"] += 1
    return Figures(**counts)


def test_statistics_equal_a_brute_force_count(database_url, catalogued_world):
    world = catalogued_world

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        rows=records(),
        start=st.integers(-10, 80),
        length=st.integers(0, 70),
        group_by=st.sampled_from([(), ("unit",), ("channel", "level"), ("month",)]),
    )
    def check(rows, start, length, group_by):
        period_start = BASE.date() + timedelta(days=start)
        period_end = period_start + timedelta(days=length)

        async def run():
            async with opened_database(database_url):
                await delete_dossiers()
                if rows:
                    wire = [
                        {
                            **row,
                            "received_at": local(row["received_at"]),
                            "due_at": local(row["due_at"]),
                            "resolved_at": row["resolved_at"] and local(row["resolved_at"]),
                        }
                        for row in rows
                    ]
                    await ingest_records(world.admin, wire)
                return await dossier_stats(period_start, period_end, group_by=group_by)

        stats = asyncio.run(run())
        assert stats.total == brute_force(rows, period_start, period_end)
        assert stats.total.reconciles()
        assert all(group.figures.reconciles() for group in stats.groups)
        if group_by and "month" not in group_by:
            assert sum((group.figures for group in stats.groups), Figures()) == stats.total

    check()
