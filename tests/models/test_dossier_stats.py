"""Dossier statistics: exact figures, unit history, scopes, months, and reconciliation of
every figure against a brute-force count (property-based)."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import InvalidInput
from core.paging import PageRequest
from models.dossiers.ingest import ingest_records
from models.dossiers.stats import (
    Figures,
    Scope,
    UnitTree,
    appointments_past,
    dossier_stats,
    grouped_by_scan,
    grouped_from_tallies,
    judged_until,
    late_without_apology,
)
from models.units.service import UnitData, create_unit_unchecked
from tests.dossier_data import build_catalogue, dossier
from tests.world import build_world

pytestmark = pytest.mark.anyio
Q1 = (date(2024, 1, 1), date(2024, 3, 31))


@pytest.fixture
async def world(db):
    world = await build_world()
    await build_catalogue(world)
    return world


def at(day: str, clock: str = "09:00") -> str:
    return f"{day}T{clock}:00+07:00"


SAMPLE = [
    # carried over from 2023, resolved on time in January
    dossier(
        "C1", received_at=at("2023-12-20"), due_at=at("2024-01-05", "17:00"), resolved_at=at("2024-01-05")
    ),
    # carried over, still open at the end of March and overdue, no apology
    dossier(
        "C2", received_at=at("2023-12-28"), due_at=at("2024-01-10", "17:00"), resolved_at="", outcome="open"
    ),
    # closed before the period: not in it at all
    dossier("X1", received_at=at("2023-11-01"), due_at=at("2023-11-10"), resolved_at=at("2023-11-02")),
    # received in the period
    dossier(
        "R1", received_at=at("2024-02-01"), due_at=at("2024-02-10", "17:00"), resolved_at=at("2024-02-03")
    ),
    dossier(
        "R2",
        channel="direct",
        received_at=at("2024-02-01"),
        due_at=at("2024-02-10", "17:00"),
        resolved_at=at("2024-02-12"),
        apology_issued_on="2024-02-11",
        apology_new_due="2024-02-12",
    ),
    dossier(
        "R3",
        channel="postal",
        received_at=at("2024-03-01"),
        due_at=at("2024-03-05", "17:00"),
        resolved_at=at("2024-03-06"),
    ),
    dossier(
        "R4",
        received_at=at("2024-03-20"),
        due_at=at("2024-04-10", "17:00"),
        resolved_at="",
        outcome="open",
        cashless="0",
    ),
    dossier(
        "R5",
        procedure="2.001",
        received_at=at("2024-03-02"),
        due_at=at("2024-03-05", "17:00"),
        resolved_at=at("2024-03-03"),
        outcome="withdrawn",
    ),
    # resolved after the period: open (within deadline) at its end
    dossier(
        "R6", received_at=at("2024-03-30"), due_at=at("2024-04-05", "17:00"), resolved_at=at("2024-04-01")
    ),
    # received after the period: not in it
    dossier(
        "A1", received_at=at("2024-04-02"), due_at=at("2024-04-05", "17:00"), resolved_at=at("2024-04-03")
    ),
]


async def test_the_figures_of_a_quarter(world):
    await ingest_records(world.admin, SAMPLE)
    stats = await dossier_stats(*Q1)
    assert stats.total == Figures(
        carried_over=2,
        received_direct=1,
        received_online=4,
        received_postal=1,
        resolved_early=1,
        resolved_on_time=1,
        resolved_late=2,
        returned=0,
        withdrawn=1,
        open_within_deadline=2,
        open_overdue=1,
        apologies_issued=1,
        received_cashless=5,
    )
    assert stats.total.reconciles()
    assert stats.total.apologies_owed == 3
    assert stats.total.on_time_rate == 50.0
    late, total = await late_without_apology(*Q1, Scope(), PageRequest())
    assert total == 2 and {row["code"] for row in late} == {"R3", "C2"}


async def test_groups_partition_the_total(world):
    await ingest_records(world.admin, SAMPLE)
    for group_by in [("level",), ("channel",), ("field", "unit"), ("procedure",)]:
        stats = await dossier_stats(*Q1, group_by=group_by)
        assert sum((g.figures for g in stats.groups), Figures()) == stats.total
        assert all(g.figures.reconciles() for g in stats.groups)
    by_level = {g.key["level"]: g.figures for g in (await dossier_stats(*Q1, group_by=("level",))).groups}
    assert by_level["commune"].withdrawn == 1 and by_level["commune"].received == 1


async def test_months_reconcile_each_and_carry_over_into_the_next(world):
    await ingest_records(world.admin, SAMPLE)
    stats = await dossier_stats(*Q1, group_by=("month",))
    months = {g.key["month"]: g.figures for g in stats.groups}
    assert list(months) == ["2024-01", "2024-02", "2024-03"]
    assert all(f.reconciles() for f in months.values())
    assert months["2024-02"].carried_over == months["2024-01"].open == 1
    assert sum(f.received for f in months.values()) == stats.total.received


async def test_units_follow_their_history(world):
    district = await create_unit_unchecked(
        UnitData(
            "HUYEN",
            "UBND huyện Cũ",
            "district_committee",
            "district",
            world.province_id,
            None,
            date(2025, 6, 30),
        )
    )
    old_commune = await create_unit_unchecked(
        UnitData(
            "XA-CU", "UBND xã Cũ", "commune_committee", "commune", district["id"], None, date(2025, 6, 30)
        )
    )
    new_commune = await create_unit_unchecked(
        UnitData("XA-MOI", "UBND xã Mới", "commune_committee", "commune", world.province_id, date(2025, 7, 1))
    )
    from models.units.service import update_unit

    for unit in (district, old_commune):
        await update_unit(world.admin, unit["id"], {"successor_id": new_commune["id"]})
    await ingest_records(
        world.admin,
        [
            dossier(
                "D1",
                procedure="2.001",
                unit="HUYEN",
                received_at=at("2024-05-02"),
                due_at=at("2024-05-03"),
                resolved_at=at("2024-05-02"),
            ),
            dossier(
                "D2",
                procedure="2.001",
                unit="XA-CU",
                received_at=at("2025-06-20"),
                due_at=at("2026-01-20"),
                resolved_at="",
                outcome="open",
            ),
            dossier(
                "D3",
                procedure="2.001",
                unit="XA-MOI",
                received_at=at("2026-01-05"),
                due_at=at("2026-01-06"),
                resolved_at=at("2026-01-06"),
            ),
        ],
    )
    in_2024 = await dossier_stats(date(2024, 1, 1), date(2024, 12, 31), group_by=("unit",))
    assert [g.key["unit_code"] for g in in_2024.groups] == ["HUYEN"]
    in_2026 = await dossier_stats(date(2026, 1, 1), date(2026, 12, 31), group_by=("unit",))
    assert [(g.key["unit_code"], g.figures.carried_over, g.figures.received) for g in in_2026.groups] == [
        ("XA-MOI", 1, 1)
    ]
    under_district = await dossier_stats(date(2025, 1, 1), date(2025, 6, 30), Scope(unit_id=district["id"]))
    assert under_district.total.received == 1  # the old commune's dossier, under its district


async def test_bad_periods_and_group_keys_are_refused(world):
    with pytest.raises(InvalidInput) as excinfo:
        await dossier_stats(date(2024, 2, 1), date(2024, 1, 1))
    assert excinfo.value.errors[0].field == "to"
    with pytest.raises(InvalidInput) as excinfo:
        await dossier_stats(*Q1, group_by=("colour",))
    assert excinfo.value.errors[0].field == "group_by"
    with pytest.raises(InvalidInput):
        await dossier_stats(*Q1, Scope(unit_id=999_999))


@pytest.mark.parametrize(
    ("start", "end", "judged"),
    [
        (date(2024, 6, 1), date(2024, 6, 29), date(2024, 6, 29)),  # ended yesterday: its end
        (date(2024, 6, 1), date(2024, 6, 30), date(2024, 6, 30)),  # ends today
        (date(2024, 6, 1), date(2024, 7, 1), date(2024, 6, 30)),  # ends tomorrow: today
        (date(2024, 6, 30), date(2024, 12, 31), date(2024, 6, 30)),  # starts today
    ],
)
def test_a_period_is_judged_until_its_end_or_today(start, end, judged):
    assert judged_until(start, end, date(2024, 6, 30)) == judged


def test_a_period_that_starts_after_today_has_no_figures():
    with pytest.raises(InvalidInput) as excinfo:
        judged_until(date(2024, 7, 1), date(2024, 7, 31), date(2024, 6, 30))
    assert excinfo.value.errors[0].field == "from"


async def test_a_dossier_due_after_today_is_not_overdue_in_a_period_that_ends_later(world, today):
    """On 30 June, a dossier due on 2 July is open within its deadline in June–July, not overdue
    at the end of July (a day still ahead); one due on 29 June is overdue."""
    await ingest_records(
        world.admin,
        [
            dossier(
                "D1",
                received_at=at("2024-06-20"),
                due_at=at("2024-07-02", "17:00"),
                resolved_at="",
                outcome="open",
            ),
            dossier(
                "D2",
                received_at=at("2024-06-20"),
                due_at=at("2024-06-29", "17:00"),
                resolved_at="",
                outcome="open",
            ),
        ],
    )
    stats = await dossier_stats(date(2024, 6, 1), date(2024, 7, 31))
    assert (stats.end, stats.total.open_within_deadline, stats.total.open_overdue) == (today, 1, 1)


@pytest.mark.parametrize(
    ("end", "today", "past"),
    [
        (date(2024, 6, 29), date(2024, 6, 30), date(2024, 6, 29)),  # a day over: its own appointments
        (date(2024, 6, 30), date(2024, 6, 30), date(2024, 6, 29)),  # today, still running
        (date(2024, 6, 30), date(2024, 7, 1), date(2024, 6, 30)),
    ],
)
def test_an_appointment_is_past_once_its_day_is_over(end, today, past):
    assert appointments_past(end, today) == past


OPEN_DUE = {  # on 30 June (the ``today`` fixture), open, received on 20 June, due on …
    "Y1": ("2024-06-29", ""),  # yesterday: overdue
    "Y2": ("2024-06-29", "2024-06-28"),  # overdue, apologised
    "T1": ("2024-06-30", ""),  # today, still within it
    "T2": ("2024-06-30", "2024-06-29"),  # today, an apology already sent: not late yet
    "N1": ("2024-07-01", ""),  # tomorrow
}


@pytest.mark.parametrize("group_by", [(), ("unit",), ("month",), ("level", "channel")])
async def test_a_dossier_due_today_is_within_its_deadline_until_the_day_is_over(world, today, group_by):
    """Its appointment may yet be kept: not overdue, not among the late owing an apology, in
    the totals and in every group (tallies and row scan alike)."""
    await ingest_records(
        world.admin,
        [
            dossier(
                code,
                received_at=at("2024-06-20"),
                due_at=at(due, "17:00"),
                resolved_at="",
                outcome="open",
                apology_issued_on=apology,
                apology_new_due="2024-07-05" if apology else "",
            )
            for code, (due, apology) in OPEN_DUE.items()
        ],
    )
    for counter in (grouped_from_tallies, grouped_by_scan):
        stats = await dossier_stats(date(2024, 6, 1), today, group_by=group_by, counter=counter)
        figures = [stats.total, *(group.figures for group in stats.groups)]
        for found in figures if group_by != ("month",) else figures[:1]:
            assert (found.open_within_deadline, found.open_overdue, found.apologies_issued) == (3, 2, 1)
    late, total = await late_without_apology(date(2024, 6, 1), today, Scope(), PageRequest())
    assert total == 1 and [row["code"] for row in late] == ["Y1"]
    # judged at the end of 29 June, a day over, those due that day are overdue
    past = await dossier_stats(date(2024, 6, 1), date(2024, 6, 29))
    assert (past.total.open_within_deadline, past.total.open_overdue) == (3, 2)


async def test_one_bad_record_rejects_the_batch(world):
    with pytest.raises(InvalidInput) as excinfo:
        await ingest_records(world.admin, [dossier("G1"), dossier("B2", unit="NOPE")])
    assert [(e.row, e.field) for e in excinfo.value.errors] == [(2, "unit")]
    assert (await dossier_stats(*Q1)).total == Figures()


def _unit(unit_id: int, parent: int | None, successor: int | None = None) -> dict:
    return {"id": unit_id, "parent": parent, "successor": successor}


# 1 the province; 2 a department into which 3 and 4 merged, 5 having merged into 4 before;
# 6 a district with 7 under it, merged into 8 (a commune of the province); 9 a department alone.
TREE = UnitTree(
    {
        unit["id"]: unit
        for unit in (
            _unit(1, None),
            _unit(2, 1),
            _unit(3, 1, successor=2),
            _unit(4, 1, successor=2),
            _unit(5, 1, successor=4),
            _unit(6, 1),
            _unit(7, 6, successor=8),
            _unit(8, 1),
            _unit(9, 1),
        )
    }
)


@pytest.mark.parametrize(
    ("unit_id", "merged", "under"),
    [
        (2, {3, 4, 5}, {2, 3, 4, 5}),  # merged in, directly or through another
        (4, {5}, {4, 5}),
        (6, set(), {6, 7}),  # a unit under it is not merged into it
        (8, {7}, {7, 8}),
        (9, set(), {9}),
        (1, set(), set(range(1, 10))),
    ],
)
def test_the_units_merged_into_a_unit_are_its_predecessors_not_those_under_it(unit_id, merged, under):
    assert TREE.merged_into(unit_id) == merged
    assert TREE.under(unit_id) == under


# 3 closed on 30/06/2025 into 2, which closed on 31/12/2025 into 1; 4 closed with no successor.
HISTORY = UnitTree(
    {
        1: {"id": 1, "valid_to": None, "successor": None},
        2: {"id": 2, "valid_to": date(2025, 12, 31), "successor": 1},
        3: {"id": 3, "valid_to": date(2025, 6, 30), "successor": 2},
        4: {"id": 4, "valid_to": date(2025, 6, 30), "successor": None},
        # a successor loop typed in by mistake (5 into 6, 6 into 5) must not hang the statistics
        5: {"id": 5, "valid_to": date(2025, 6, 30), "successor": 6},
        6: {"id": 6, "valid_to": date(2025, 6, 30), "successor": 5},
    }
)


@pytest.mark.parametrize(
    ("unit_id", "start", "representative"),
    [
        (3, date(2025, 6, 30), 3),  # alive on the period's first day: its own figures
        (3, date(2025, 7, 1), 2),  # closed the day before: its successor's
        (3, date(2026, 1, 1), 1),  # and their successor's
        (2, date(2025, 12, 31), 2),
        (4, date(2026, 1, 1), 4),  # no successor: itself
        (1, date(2026, 1, 1), 1),
        (5, date(2026, 1, 1), 5),  # round the loop once, then stop
    ],
)
def test_a_unit_closed_before_a_period_is_represented_by_its_successor(unit_id, start, representative):
    assert HISTORY.representative(unit_id, start) == representative


NAMED = UnitTree(
    {
        1: {"id": 1, "name": "Sở A", "valid_from": None, "valid_to": date(2025, 2, 28)},
        2: {"id": 2, "name": "Sở B", "valid_from": date(2025, 3, 1), "valid_to": None},
        3: {"id": 3, "name": "Xã C", "valid_from": date(2025, 7, 1), "valid_to": date(2025, 9, 30)},
    }
)


@pytest.mark.parametrize(
    ("unit", "start", "end", "name"),
    [
        (1, date(2025, 1, 1), date(2025, 12, 31), "Sở A (đến 28/02/2025)"),
        (1, date(2025, 1, 1), date(2025, 2, 28), "Sở A"),  # it lasted to the period's last day
        (1, date(2025, 2, 28), date(2025, 6, 30), "Sở A (đến 28/02/2025)"),  # only its first day
        (2, date(2025, 1, 1), date(2025, 12, 31), "Sở B (từ 01/03/2025)"),
        (2, date(2025, 3, 1), date(2025, 12, 31), "Sở B"),  # there from the period's first day
        (2, date(2024, 12, 15), date(2025, 3, 1), "Sở B (từ 01/03/2025)"),  # only its last day
        (3, date(2025, 1, 1), date(2025, 12, 31), "Xã C (từ 01/07/2025 đến 30/09/2025)"),
        (3, date(2025, 7, 1), date(2025, 9, 30), "Xã C"),
    ],
)
def test_a_unit_that_began_or_ended_within_a_period_is_named_with_its_days(unit, start, end, name):
    assert NAMED.name_in_period(unit, start, end) == name
