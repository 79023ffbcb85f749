"""Index results, catalogue indicators and schedules carry a version that every change bumps,
so concurrent edits never lose an update: a caller naming the version it read is refused
(StaleVersion, nothing written) when someone changed the record since; one naming none is
applied to the latest state. The same contract for the three, on both engines."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from core.errors import NotFound, StaleVersion
from models.indices.service import IndexResultData, get_index_result, import_index_results, put_index_result
from models.rounds.catalogue import IndicatorData, get_indicator, import_catalogue, put_indicator
from scheduler import jobs
from tests.models.test_indices import ROWS, csv_file
from tests.rounds_world import CATALOGUE_HEADER
from tests.sample_files import csv_bytes
from tests.world import World, build_world

pytestmark = pytest.mark.anyio

RACERS = 8


def indicator(name: str, code: str = "X1") -> IndicatorData:
    return IndicatorData(code, name, "I", "number", "sum", ("department",))


@dataclass(frozen=True)
class Record:
    """One kind of versioned record: how to make it, write value ``n`` to it (at a version or
    none), read it back, and which field says whose write it holds."""

    name: str
    create: Callable[[World], Awaitable[object]]
    write: Callable[[World, int, int | None], Awaitable[dict]]
    read: Callable[[], Awaitable[dict]]
    field: str
    value: Callable[[int], object]


RECORDS = [
    Record(
        "index result",
        lambda w: put_index_result(w.staff, "pci", 2024, IndexResultData(70.0)),
        lambda w, n, version: put_index_result(w.staff, "pci", 2024, IndexResultData(float(n)), version),
        lambda: get_index_result("pci", 2024),
        "score",
        float,
    ),
    Record(
        "indicator",
        lambda w: put_indicator(w.staff, indicator("Số hội nghị")),
        lambda w, n, version: put_indicator(w.staff, indicator(f"Chỉ tiêu {n}"), version),
        lambda: get_indicator("X1"),
        "name",
        lambda n: f"Chỉ tiêu {n}",
    ),
    Record(
        "schedule",
        lambda w: jobs.ensure_default_schedules(),
        lambda w, n, version: jobs.change_schedule("overdue-sweep", {"cron": f"{n} 6 * * *"}, version),
        lambda: jobs.get_schedule("overdue-sweep"),
        "cron",
        lambda n: f"{n} 6 * * *",
    ),
]


@pytest.fixture(params=RECORDS, ids=[record.name for record in RECORDS])
async def record(request, db) -> tuple[Record, World]:
    world = await build_world()
    await request.param.create(world)
    return request.param, world


async def test_the_current_version_applies_and_bumps(record):
    kind, world = record
    assert (await kind.read())["version"] == 1
    written = await kind.write(world, 5, 1)
    assert (written["version"], written[kind.field]) == (2, kind.value(5))
    stored = await kind.read()
    assert (stored["version"], stored[kind.field]) == (2, kind.value(5))


async def test_an_older_version_is_refused_and_nothing_is_written(record):
    kind, world = record
    read = await kind.read()
    await kind.write(world, 7, None)  # someone else, without a version: applied, version 2
    with pytest.raises(StaleVersion) as refused:
        await kind.write(world, 8, read["version"])
    assert refused.value.current_version == 2
    assert [e.field for e in refused.value.errors] == ["If-Match"]
    assert refused.value.errors[0].message  # said in Vietnamese to whoever sent it
    stored = await kind.read()
    assert (stored["version"], stored[kind.field]) == (2, kind.value(7))


async def test_racing_writes_naming_the_version_read_apply_once(record):
    """Everybody read version 1 and writes at once: one write applies, the others lost the
    race and are refused, whatever the engine."""
    kind, world = record
    results = await asyncio.gather(
        *(kind.write(world, n, 1) for n in range(1, RACERS + 1)), return_exceptions=True
    )
    applied = [result for result in results if not isinstance(result, BaseException)]
    assert len(applied) == 1, results
    assert all(isinstance(result, StaleVersion) for result in results if result is not applied[0])
    stored = await kind.read()
    assert (stored["version"], stored[kind.field]) == (2, applied[0][kind.field])


async def test_racing_writes_without_a_version_all_apply_in_turn(record):
    kind, world = record
    written = await asyncio.gather(*(kind.write(world, n, None) for n in range(1, RACERS + 1)))
    assert sorted(row["version"] for row in written) == list(range(2, RACERS + 2))
    stored = await kind.read()
    assert stored["version"] == 1 + RACERS
    last = next(row for row in written if row["version"] == stored["version"])
    assert stored[kind.field] == last[kind.field]


async def test_a_version_named_for_a_record_that_does_not_exist_creates_nothing(db):
    """If-Match on a PUT that would create: no current version matches it (RFC 9110 13.1.1)."""
    world = await build_world()
    with pytest.raises(StaleVersion) as refused:
        await put_index_result(world.staff, "pci", 2024, IndexResultData(70.0), 1)
    assert (
        refused.value.errors[0].message
        == "Chưa có kết quả PCI năm 2024 để cập nhật; vui lòng tải lại và thử lại."
    )
    with pytest.raises(NotFound):
        await get_index_result("pci", 2024)
    with pytest.raises(StaleVersion) as refused:
        await put_indicator(world.staff, indicator("Số hội nghị"), 1)
    assert (
        refused.value.errors[0].message == "Chưa có chỉ tiêu mã X1 để cập nhật; vui lòng tải lại và thử lại."
    )
    with pytest.raises(NotFound):
        await get_indicator("X1")
    with pytest.raises(NotFound):  # schedules are never created by a change
        await jobs.change_schedule("no-such-schedule", {"enabled": False}, 1)
    created = await put_index_result(world.staff, "pci", 2024, IndexResultData(70.0))
    assert created["version"] == 1


async def test_an_identical_index_result_keeps_its_version_but_a_stale_one_is_refused(db):
    world = await build_world()
    await put_index_result(world.staff, "pci", 2024, IndexResultData(70.0, rank=3, out_of=63))
    await put_index_result(world.staff, "pci", 2024, IndexResultData(71.0, rank=3, out_of=63))
    same = await put_index_result(world.staff, "pci", 2024, IndexResultData(71.0, rank=3, out_of=63), 2)
    assert same["version"] == 2  # nothing changed, nothing written
    with pytest.raises(StaleVersion):
        await put_index_result(world.staff, "pci", 2024, IndexResultData(71.0, rank=3, out_of=63), 1)


async def test_imports_bump_the_versions_of_what_they_replace(db):
    world = await build_world()
    await import_index_results(world.staff, "chi-so.csv", csv_file(ROWS))
    assert await import_index_results(world.staff, "chi-so.csv", csv_file(ROWS)) == {
        "created": 0,
        "updated": 0,
        "unchanged": 4,
    }
    assert (await get_index_result("par_index", 2024))["version"] == 1
    changed = [list(row) for row in ROWS]
    changed[1][3] = "91,5"  # PAR INDEX 2024's own score
    changed[2][3] = "0,9"  # a component of PAR INDEX 2024: part of the result
    await import_index_results(world.staff, "chi-so.csv", csv_file(changed))
    assert (await get_index_result("par_index", 2024))["version"] == 2
    assert (await get_index_result("par_index", 2023))["version"] == 1
    components_only = [list(row) for row in changed]
    components_only[3][3] = "2,6"
    await import_index_results(world.staff, "chi-so.csv", csv_file(components_only))
    assert (await get_index_result("par_index", 2024))["version"] == 3

    await put_indicator(world.staff, indicator("Số hội nghị"))
    rows = [
        CATALOGUE_HEADER,
        ["X1", "Số hội nghị đã tổ chức", "I", "Số lượng", "Sở, ban, ngành", "Cộng tổng"],
        ["X2", "Số văn bản", "I", "Số lượng", "Sở, ban, ngành", "Cộng tổng"],
    ]
    assert await import_catalogue(world.staff, "ct.csv", csv_bytes(rows)) == {"created": 1, "updated": 1}
    replaced, created = await get_indicator("X1"), await get_indicator("X2")
    assert (replaced["version"], replaced["name"]) == (2, "Số hội nghị đã tổ chức")
    assert created["version"] == 1
    with pytest.raises(StaleVersion):  # a form read before the import is stale
        await put_indicator(world.staff, indicator("Sửa"), 1)
