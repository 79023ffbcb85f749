"""Property: the statistics summed from the tallies equal the row scan (the reference) for
any dossiers — imported, then partly rewritten by code — any period, scope and grouping; the
rebuild finds the tallies in step; the daily resolutions, the receipts (count, first and last
day) and the late dossiers without an apology equal a brute-force count or the row query."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import write_transaction
from core.paging import PageRequest
from models.dossiers import service_tally
from models.dossiers.ingest import ingest_records
from models.dossiers.records import STORED_COLUMNS
from models.dossiers.stats import (
    GROUP_KEYS,
    Scope,
    UnitTree,
    dossier_stats,
    grouped_by_scan,
    late_without_apology,
    receipts,
    resolutions_by_day,
)
from models.dossiers.tables import Dossier
from models.dossiers.tallies import TALLY_TABLES, change_statements, dialect_of, rebuild_tallies
from models.procedures.tables import Procedure
from models.units.service import UnitData, create_unit_unchecked
from models.units.tables import Unit
from tests.conftest import empty_tables, opened_database
from tests.dossier_data import build_catalogue, delete_dossiers, dossier
from tests.models.test_dossier_stats_properties import BASE, local, records
from tests.world import build_world

GROUPINGS = [
    (),
    ("unit",),
    ("unit", "level"),
    ("month",),
    ("channel", "level"),
    ("field",),
    ("procedure", "unit"),
]


@pytest.fixture
def prepared(database_url):
    """The world, its catalogue, and a unit merged into Sở Tư pháp on 1 February 2024."""

    async def build():
        async with opened_database(database_url) as engine:
            await empty_tables(engine)
            world = await build_world()
            await build_catalogue(world)
            await create_unit_unchecked(
                UnitData(
                    "SKHDT",
                    "Sở Kế hoạch và Đầu tư",
                    "department",
                    "province",
                    valid_to=date(2024, 1, 31),
                    successor_id=world.unit_a,
                )
            )
            units = {row["code"]: row["id"] for row in await Unit.select(Unit.code, Unit.id)}
            procedures = {
                row["code"]: row["id"] for row in await Procedure.select(Procedure.code, Procedure.id)
            }
            return world, units, procedures

    return asyncio.run(build())


def wire(row: dict) -> dict:
    return {
        **row,
        "received_at": local(row["received_at"]),
        "due_at": local(row["due_at"]),
        "resolved_at": row["resolved_at"] and local(row["resolved_at"]),
    }


@st.composite
def rewrites(draw, rows: list[dict]):
    """Later versions of some of the rows, as the one-stop system sends them: closed, reopened,
    moved to another unit, apologised for."""
    changed = []
    for row in rows:
        if not draw(st.booleans()):
            continue
        outcome = draw(st.sampled_from(("open", "resolved", "returned", "withdrawn")))
        resolved = None
        if outcome != "open":
            resolved = row["received_at"] + timedelta(
                days=draw(st.integers(0, 40)), hours=draw(st.integers(0, 23))
            )
        apology = draw(st.one_of(st.none(), st.integers(-3, 30)))
        changed.append(
            {
                **row,
                "unit": draw(st.sampled_from(["STP", "SYT", "SKHDT"])),
                "outcome": outcome,
                "resolved_at": resolved,
                "apology_issued_on": None
                if apology is None
                else (row["due_at"] + timedelta(days=apology)).date(),
            }
        )
    return changed


def test_tallies_equal_the_row_scan(database_url, prepared):
    world, units, procedures = prepared
    unit_ids = st.sampled_from([units["UBND"], units["STP"], units["SKHDT"]])
    levels = st.sampled_from(["province", "commune"])
    fields = st.sampled_from(["Tư pháp", "Hộ tịch"])
    procedure_ids = st.sampled_from(list(procedures.values()))
    scopes = st.one_of(
        st.just(Scope()),
        st.builds(Scope, unit_id=unit_ids),
        st.builds(Scope, level=levels),
        st.builds(Scope, field=fields),
        st.builds(Scope, procedure_id=procedure_ids),
        st.builds(  # any combination of the filters
            Scope,
            unit_id=st.none() | unit_ids,
            level=st.none() | levels,
            field=st.none() | fields,
            procedure_id=st.none() | procedure_ids,
        ),
    )
    # Besides the fixed ones, any grouping of up to three keys in any order.
    drawn_groupings = st.lists(st.sampled_from(GROUP_KEYS), min_size=1, max_size=3, unique=True).map(tuple)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data(), start=st.integers(-50, 90), length=st.integers(0, 80), scope=scopes)
    def check(data, start, length, scope):
        groupings = [*GROUPINGS, data.draw(drawn_groupings), data.draw(drawn_groupings)]
        rows = data.draw(records())
        for row in rows:
            row["unit"] = data.draw(st.sampled_from(["STP", "SYT", "SKHDT"]))
        later = data.draw(rewrites(rows))
        period_start = BASE.date() + timedelta(days=start)
        period_end = period_start + timedelta(days=length)

        async def run():
            async with opened_database(database_url):
                await delete_dossiers()
                for batch in (rows, later):
                    if batch:
                        await ingest_records(world.admin, [wire(row) for row in batch])
                results = []
                for group_by in groupings:
                    ours = await dossier_stats(period_start, period_end, scope, group_by)
                    scan = await dossier_stats(
                        period_start, period_end, scope, group_by, counter=grouped_by_scan
                    )
                    results.append((group_by, ours, scan))
                by_day = await resolutions_by_day(period_start, period_end)
                _, unapologised = await late_without_apology(
                    period_start, period_end, scope, PageRequest(1, 0)
                )
                tree = await UnitTree.load()
                scope_units = None if scope.unit_id is None else tree.under(scope.unit_id)
                received = await receipts(period_start, period_end, scope_units)
                return results, by_day, unapologised, (scope_units, received), await rebuild_tallies()

        results, by_day, unapologised, (scope_units, received), differences = asyncio.run(run())
        for group_by, ours, scan in results:
            assert ours.total == scan.total, group_by
            assert ours.groups == scan.groups, group_by
            assert ours.total.apologies_outstanding == unapologised, group_by
        final = {row["code"]: row for row in rows} | {row["code"]: row for row in later}
        in_units = [row for row in final.values() if scope_units is None or units[row["unit"]] in scope_units]
        assert received == brute_force_receipts(in_units, period_start, period_end)
        assert by_day == brute_force_resolutions(final.values(), period_start, period_end)
        assert differences == dict.fromkeys(TALLY_TABLES, 0)

    check()


def brute_force_receipts(rows, start: date, end: date) -> tuple[int, date | None, date | None]:
    days = [row["received_at"].date() for row in rows if start <= row["received_at"].date() <= end]
    return len(days), min(days, default=None), max(days, default=None)


def brute_force_resolutions(rows, start: date, end: date) -> list[tuple[date, int, int, int]]:
    counts: Counter = Counter()
    for row in rows:
        resolved = row["resolved_at"]
        if row["outcome"] != "resolved" or not start <= resolved.date() <= end:
            continue
        if resolved > row["due_at"]:
            kind = "late"
        elif resolved.date() < row["due_at"].date():
            kind = "early"
        else:
            kind = "on_time"
        counts[resolved.date(), kind] += 1
    days = sorted({day for day, _ in counts})
    return [(day, counts[day, "early"], counts[day, "on_time"], counts[day, "late"]) for day in days]


def test_a_days_counts_an_update_leaves_as_they_were_are_not_rewritten(database_url, prepared):
    """A dossier resolved two days later than stored: only its two closing days change. Its
    receipt day and its due day are subtracted and added back, and those groups, all zeros,
    stay out of the changes (adding zeros would only rewrite the stored rows)."""
    world = prepared[0]
    stored = dossier("OLD", resolved_at="2024-03-10T10:00:00+07:00")
    later = dossier("LATER", resolved_at="2024-03-12T10:00:00+07:00")

    async def run():
        async with opened_database(database_url) as engine:
            await delete_dossiers()
            await ingest_records(world.admin, [stored, later])
            dialect = dialect_of(engine)
            others = ", ".join(f'"{name}"' for name in STORED_COLUMNS if name != "code")
            changes = change_statements(dialect, "staged")
            async with write_transaction(engine):
                staged = f"SELECT 'OLD' AS code, {others} FROM dossier WHERE code = 'LATER'"
                for statement in dialect.temp_table("staged", staged):
                    await Dossier.raw(statement)
                for statement in changes.compute:
                    await Dossier.raw(statement)
                fine = await Dossier.raw("SELECT day, received, closed_early FROM tally_delta ORDER BY day")
                by_unit = await Dossier.raw("SELECT day, received, closed_early FROM unit_delta ORDER BY day")
                for statement in (*changes.cleanup, dialect.drop("staged")):
                    await Dossier.raw(statement)
            return fine, by_unit

    fine, by_unit = asyncio.run(run())
    expected = [
        {"day": date(2024, 3, 10), "received": 0, "closed_early": -1},
        {"day": date(2024, 3, 12), "received": 0, "closed_early": 1},
    ]
    for rows in (fine, by_unit):
        assert [{**row, "day": date.fromisoformat(str(row["day"]))} for row in rows] == expected


def test_on_postgresql_a_tally_row_is_rewritten_on_its_own_page(database_url):
    """Each tally table leaves room on its pages (fillfactor 80), so adding to a stored row is
    a heap-only update that touches no index, even where the rows filled pages one after the
    other as an import writes them (with full pages, each such update also wrote two index
    entries: an increment's upsert into dossier_tally took about 130 instead of 80 ms)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("fillfactor and heap-only updates are PostgreSQL's")
    tables = (*TALLY_TABLES, *(grain.table for grain in service_tally.GRAINS))

    async def run():
        async with opened_database(database_url) as engine:
            await empty_tables(engine)
            options = await Dossier.raw(
                "SELECT relname, reloptions FROM pg_class WHERE relname = ANY({})", list(tables)
            )
            async with write_transaction(engine):
                await Dossier.raw(
                    'INSERT INTO dossier_tally (day, unit, "procedure", channel, received) '
                    "SELECT DATE '2024-01-01' + n, 1, 1, 'online', 1 FROM generate_series(0, 999) AS n"
                )
                await Dossier.raw(
                    "UPDATE dossier_tally SET received = received + 1 WHERE day < DATE '2024-01-11'"
                )
                counts = await Dossier.raw(
                    "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'dossier_tally'"
                )
            return options, counts[0]

    options, counts = asyncio.run(run())
    assert {row["relname"]: row["reloptions"] for row in options} == {
        table: ["fillfactor=80"] for table in tables
    }
    assert counts == {"n_tup_upd": 10, "n_tup_hot_upd": 10}
