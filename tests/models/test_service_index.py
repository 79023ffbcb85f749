"""The Decision 766 service index from stored dossiers (both engines): every import format
and the push carry the new fields, absent fields read "no data" (never 0), the figures of a
small sample, units ranked with their change, the trend and the drill-down."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import InvalidInput
from core.paging import PageRequest
from models.dossiers.ingest import import_file, ingest_records
from models.dossiers.records import get_dossier
from models.service_index.service import lost_points, monthly_trend, parse_period, service_index
from models.units.service import UnitData, create_unit_unchecked
from models.units.tables import Unit
from tests.dossier_data import build_catalogue, dossier, write_csv, write_jsonl, write_xlsx
from tests.world import build_world

pytestmark = pytest.mark.anyio
MARCH = parse_period("2024-03")


@pytest.fixture
async def world(db):
    world = await build_world()
    await build_catalogue(world)
    return world


def at(day: str, clock: str = "09:00") -> str:
    return f"2024-{day}T{clock}:00+07:00"


FULL = {
    "fee_bearing": "1",
    "paid_online": "1",
    "electronic_result": "1",
    "digitised": "1",
    "reused_data": "1",
}
SAMPLE = [
    # on time, every field known and good
    dossier("A1", **FULL),
    # late by a minute, direct, fee paid at the counter, paper result, not digitised
    dossier(
        "A2",
        channel="direct",
        received_at=at("03-04"),
        due_at=at("03-15", "17:00"),
        resolved_at=at("03-15", "17:01"),
        fee_bearing="1",
        paid_online="0",
        electronic_result="0",
        digitised="0",
        reused_data="0",
    ),
    # would be late, but 3 days of supplement are deducted: on time
    dossier(
        "A3",
        due_at=at("03-15", "17:00"),
        resolved_at=at("03-18", "10:00"),
        supplement_requests="1",
        supplement_requested_at=at("03-05"),
        supplement_returned_at=at("03-08"),
        fee_bearing="0",
    ),
    # early, but asked to supplement twice: late
    dossier(
        "A4", supplement_requests="2", supplement_requested_at=at("03-05"), supplement_returned_at=at("03-06")
    ),
    # open at the end of March, within its deadline (April): on time; no fields known
    dossier("A5", unit="SYT", received_at=at("03-20"), due_at=at("04-05"), resolved_at="", outcome="open"),
    # open and overdue at the end of March: late
    dossier("A6", unit="SYT", received_at=at("03-20"), due_at=at("03-25"), resolved_at="", outcome="open"),
    # resolved only in April, overdue at the end of March: late in March
    dossier("A7", unit="SYT", received_at=at("03-20"), due_at=at("03-25"), resolved_at=at("04-02")),
    # received in February: not in March's index
    dossier("F1", received_at=at("02-10"), due_at=at("02-20"), resolved_at=at("02-12"), channel="direct"),
]


async def test_every_format_and_the_push_carry_the_fields(world, tmp_path):
    rows = SAMPLE[:4]
    for writer, name in ((write_csv, "d.csv"), (write_xlsx, "d.xlsx"), (write_jsonl, "d.jsonl")):
        result = await import_file(writer(tmp_path / name, rows))
        assert result.rows_rejected == 0, result.errors
    stored = await get_dossier("A3")
    assert (stored["supplement_requests"], stored["fee_bearing"], stored["paid_online"]) == (1, False, None)
    assert stored["supplement_returned_at"].isoformat().startswith("2024-03-08T02:00")
    again = await import_file(write_csv(tmp_path / "again.csv", rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)

    pushed = {
        "code": "P1",
        **{k: v for k, v in dossier("P1").items() if v},
        "digitised": True,
        "fee_bearing": None,
    }
    result = await ingest_records(world.admin, [pushed])
    assert result.created == 1
    stored = await get_dossier("P1")
    assert (stored["digitised"], stored["fee_bearing"], stored["reused_data"]) == (True, None, None)


BAD = [
    ({"fee_bearing": "maybe"}, "fee_bearing"),
    ({"fee_bearing": "0", "paid_online": "1"}, "paid_online"),
    ({"supplement_requests": "-1"}, "supplement_requests"),
    ({"supplement_requests": "100"}, "supplement_requests"),
    ({"supplement_requested_at": at("03-05")}, "supplement_requests"),
    ({"supplement_requests": "1", "supplement_returned_at": at("03-05")}, "supplement_requested_at"),
    ({"supplement_requests": "1", "supplement_requested_at": at("03-01")}, "supplement_requested_at"),
    (
        {
            "supplement_requests": "1",
            "supplement_requested_at": at("03-06"),
            "supplement_returned_at": at("03-05"),
        },
        "supplement_returned_at",
    ),
    ({"supplement_requests": "1", "supplement_requested_at": at("03-12")}, "supplement_requested_at"),
    ({"supplement_requests": "1", "supplement_requested_at": "hôm qua"}, "supplement_requested_at"),
]


@pytest.mark.parametrize(
    ("overrides", "field"), BAD, ids=[field + str(i) for i, (_, field) in enumerate(BAD)]
)
async def test_bad_fields_are_named_and_nothing_is_written(world, tmp_path, overrides, field):
    result = await import_file(write_csv(tmp_path / "bad.csv", [dossier("B1", **overrides), dossier("B2")]))
    assert result.rows_rejected == 1 and not result.written
    assert {(e.row, e.field) for e in result.errors} == {(2, field)}
    assert all(e.message for e in result.errors)


async def test_sample_figures(world, tmp_path):
    await import_file(write_csv(tmp_path / "s.csv", SAMPLE))
    index = await service_index(MARCH, group_by="unit")
    total = index.total
    assert total.received == 7
    got = {a.key: (a.numerator, a.denominator, a.unknown, a.status) for a in total.assessments}
    assert got == {
        "on_time": (3, 7, 0, "ok"),  # A1, A3, A5
        "procedures_online": (2, 2, 0, "ok"),  # the catalogue: one fully, one partly online
        "online_submission": (6, 7, 0, "ok"),
        "online_payment": (1, 2, 4, "ok"),  # A1 of A1, A2; A4-A7 do not say whether a fee was due
        "electronic_result": (1, 2, 2, "ok"),  # resolved by 31/3: A1-A4; A3, A4 do not say
        "digitised": (1, 2, 2, "ok"),
        "reused_data": (1, 2, 5, "ok"),
    }
    # handling time of A1-A4 (closed by the end of March), supplement time deducted from A3
    minutes = (
        (6 * 24 + 2) * 60
        + (11 * 24 + 8) * 60
        + 1
        + ((14 * 24 + 2) * 60 - 3 * 24 * 60)
        + (6 * 24 + 2) * 60
        - 24 * 60
    )
    assert total.handled == 4
    assert total.average_handling_days == pytest.approx(minutes / 4 / 1440)
    assert total.assessment("online_submission").full_marks is True  # 85,71% ≥ 50%
    assert total.assessment("digitised").achievement == pytest.approx(50 / 80 * 100)

    by_code = {g.key["unit_code"]: g for g in index.groups}
    assert set(by_code) == {"STP", "SYT"}
    syt = by_code["SYT"].figures
    assert syt.assessment("reused_data").status == "no_data"  # none of its dossiers says
    assert syt.assessment("digitised").status == "not_applicable"  # none resolved by 31/3
    assert syt.assessment("procedures_online").status == "not_applicable"  # it handles none
    assert syt.assessment("on_time").ratio == pytest.approx(100 / 3)
    assert [g.rank for g in index.groups] == [1, 2]
    assert index.groups[0].key["unit_code"] == "STP"
    # February: F1 alone, on time and direct
    assert by_code["STP"].previous_score is not None
    assert by_code["SYT"].previous_score is None and by_code["SYT"].change is None


async def test_fields_absent_everywhere_read_no_data(world, tmp_path):
    await import_file(write_csv(tmp_path / "old.csv", [dossier("O1"), dossier("O2", channel="direct")]))
    total = (await service_index(MARCH)).total
    statuses = {a.key: a.status for a in total.assessments}
    assert statuses == {
        "on_time": "ok",
        "procedures_online": "ok",
        "online_submission": "ok",
        "online_payment": "no_data",
        "electronic_result": "no_data",
        "digitised": "no_data",
        "reused_data": "no_data",
    }
    assert all(a.ratio is None and a.points is None for a in total.assessments if a.status == "no_data")


async def test_trend_judges_each_month_at_its_end(world, tmp_path):
    await import_file(write_csv(tmp_path / "s.csv", SAMPLE))
    trend = dict((month.key, figures) for month, figures in await monthly_trend(parse_period("2024-Q1")))
    assert list(trend) == ["2024-01", "2024-02", "2024-03"]
    january = trend["2024-01"]
    assert january.received == 0 and january.assessment("on_time").status == "not_applicable"
    assert january.assessment("procedures_online").status == "ok"
    assert january.score is None  # no index without dossiers (the catalogue alone is not one)
    assert trend["2024-02"].assessment("on_time").ratio == 100.0
    march = (await service_index(MARCH)).total
    assert trend["2024-03"] == march


async def test_drill_down_lists_the_dossiers_that_lost_points(world, tmp_path):
    await import_file(write_csv(tmp_path / "s.csv", SAMPLE))
    rows, total = await lost_points(MARCH, "on_time", None, PageRequest(limit=2))
    assert total == 4 and [r["code"] for r in rows] == ["A2", "A4"]  # by day received, then as stored
    rows, total = await lost_points(MARCH, "on_time", world.unit_b, PageRequest())
    assert total == 2 and {r["code"] for r in rows} == {"A6", "A7"}
    rows, total = await lost_points(MARCH, "digitised", None, PageRequest())
    assert [r["code"] for r in rows] == ["A2"]
    await Unit.update({Unit.valid_to: date(2024, 2, 29), Unit.successor: world.unit_a}).where(
        Unit.id == world.unit_b
    )
    assert await lost_points(MARCH, "on_time", world.unit_b, PageRequest()) == ([], 0)  # ranked under STP
    rows, total = await lost_points(MARCH, "on_time", world.unit_a, PageRequest())
    assert total == 4 and {r["code"] for r in rows} == {"A2", "A4", "A6", "A7"}
    with pytest.raises(InvalidInput) as caught:
        await lost_points(MARCH, "procedures_online", None, PageRequest())
    assert caught.value.errors[0].field == "indicator"


async def test_a_units_scope_lists_its_childrens_dossiers_and_its_ranking_row_does_not(world, tmp_path):
    """The page of Sở Y tế counts the hospital under it in its total, so the list behind that
    total (``with_children``) holds the hospital's late dossier; the department's ranking row
    counts its own dossiers only, and so does its list."""
    hospital = await create_unit_unchecked(
        UnitData("BVT", "Bệnh viện tỉnh", "other", "province", parent_id=world.unit_b)
    )
    late = dossier("H1", unit="BVT", received_at=at("03-20"), due_at=at("03-25"), resolved_at=at("03-27"))
    await import_file(write_csv(tmp_path / "s.csv", [*SAMPLE, late]))
    own, own_total = await lost_points(MARCH, "on_time", world.unit_b, PageRequest())
    scoped, scoped_total = await lost_points(
        MARCH, "on_time", world.unit_b, PageRequest(), with_children=True
    )
    assert (own_total, {r["code"] for r in own}) == (2, {"A6", "A7"})
    assert (scoped_total, {r["code"] for r in scoped}) == (3, {"A6", "A7", "H1"})
    on_time = (await service_index(MARCH, world.unit_b)).total.assessment("on_time")
    assert on_time.denominator - on_time.numerator == scoped_total
    leaf, leaf_total = await lost_points(MARCH, "on_time", hospital["id"], PageRequest(), with_children=True)
    assert (leaf_total, [r["code"] for r in leaf]) == (1, ["H1"])
    with pytest.raises(InvalidInput) as caught:
        await lost_points(MARCH, "on_time", 99_999, PageRequest(), with_children=True)
    assert caught.value.errors[0].field == "unit_id"


async def test_bad_scope_and_grouping(world):
    with pytest.raises(InvalidInput) as caught:
        await service_index(MARCH, unit_id=99_999)
    assert caught.value.errors[0].field == "unit_id"
    with pytest.raises(InvalidInput) as caught:
        await service_index(MARCH, group_by="channel")
    assert caught.value.errors[0].field == "group_by"
