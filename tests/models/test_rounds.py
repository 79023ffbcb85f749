"""Reporting rounds on both engines: opening a round, filling and sending a unit's submission,
review (accept, return with comments, resubmit, history), staff entering a figure for a unit,
consolidation by each indicator's rule, who may do what, and concurrent edits."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from models.notifications.tables import Notification
from models.rounds import submissions as subs
from models.rounds.catalogue import IndicatorData, list_indicators, load_default_catalogue, put_indicator
from models.rounds.consolidation import consolidate_round
from models.rounds.rounds import RoundData, completeness, open_round
from models.rounds.submissions import Changes
from tests.rounds_world import CATALOGUE_HEADER, PERIOD, open_test_round
from tests.world import build_world

pytestmark = pytest.mark.anyio

FULL = {
    "CD01": 3,
    "CD02": "2",
    "TC01": "12",
    "TC02": 40,
    "TT03": "1.200",
    "TT04": "50,5",
    "CDS01": 100,
    "CDS02": 90,
}


async def setup(today):
    world = await build_world()
    rounds = await open_test_round(world)
    ids = {
        unit: await subs.submission_id_for(world.staff, rounds.round_id, unit)
        for unit in (world.unit_a, world.unit_b, rounds.commune)
    }
    return world, rounds, ids


async def test_opening_a_round_gives_each_unit_a_draft_and_notifies_its_people(db, today):
    world, rounds, _ids = await setup(today)
    state = await completeness(rounds.round_id)
    assert (state["submitted"], state["total"], state["label"]) == (0, 3, "0/3 đơn vị đã nộp")
    notified = await Notification.select(Notification.account, Notification.kind)
    people = {row["account"] for row in notified if row["kind"] == "round_opened"}
    assert people == {
        world.head_a.account_id,
        world.head_b.account_id,
        rounds.reporter_a.account_id,
        rounds.head_c.account_id,
    }
    with pytest.raises(Conflict):  # one round per period
        await open_round(world.staff, RoundData(PERIOD, date(2024, 7, 10)))
    with pytest.raises(PermissionDenied):
        await open_round(world.head_a, RoundData(PERIOD, date(2024, 7, 10)))


async def test_the_form_holds_the_indicators_of_the_unit_kind(db, today):
    world, rounds, ids = await setup(today)
    department = await subs.get_submission(world.head_a, ids[world.unit_a])
    commune = await subs.get_submission(rounds.head_c, ids[rounds.commune])
    assert "TT01" in {i["code"] for i in department["indicators"]}
    assert "TT01" not in {i["code"] for i in commune["indicators"]}  # published procedures: departments only
    assert department["editable_by_unit"] is True


async def test_a_unit_saves_a_draft_then_submits_and_can_no_longer_edit(db, today):
    world, rounds, ids = await setup(today)
    sid = ids[world.unit_a]
    saved = await subs.save(
        rounds.reporter_a, sid, Changes(figures={"CD01": "3"}, answers={"II.1": "Đã rà soát 40 văn bản."})
    )
    assert saved["figures"] == {"CD01": 3.0} and saved["version"] == 2
    with pytest.raises(InvalidInput) as missing:
        await subs.submit(world.head_a, sid)
    assert {e.field for e in missing.value.errors} == {"figures.CD02", "figures.TC01"}  # required
    sent = await subs.submit(world.head_a, sid, Changes(figures={"CD02": 2, "TC01": 12}))
    assert sent["status"] == "submitted" and not sent["editable_by_unit"]
    with pytest.raises(Conflict):
        await subs.save(world.head_a, sid, Changes(figures={"CD01": 4}))
    assert (await completeness(rounds.round_id))["label"] == "1/3 đơn vị đã nộp"


async def test_bad_figures_are_refused_all_at_once_and_nothing_is_written(db, today):
    world, _rounds, ids = await setup(today)
    sid = ids[world.unit_a]
    with pytest.raises(InvalidInput) as refused:
        await subs.save(
            world.head_a, sid, Changes(figures={"CD01": "2,5", "TT04": "120", "CD02": "abc", "XX": 1})
        )
    assert {e.field for e in refused.value.errors} == {
        "figures.CD01",
        "figures.TT04",
        "figures.CD02",
        "figures.XX",
    }
    assert (await subs.get_submission(world.head_a, sid))["version"] == 1


async def test_only_the_unit_and_staff_see_a_submission(db, today):
    world, rounds, ids = await setup(today)
    for who in (world.head_b, world.viewer, rounds.head_c):
        with pytest.raises(PermissionDenied):
            await subs.get_submission(who, ids[world.unit_a])
        with pytest.raises(PermissionDenied):
            await subs.save(who, ids[world.unit_a], Changes(figures={"CD01": 1}))
    for who in (world.staff, world.admin):
        with pytest.raises(PermissionDenied):  # staff enter figures on the unit's behalf, with a note
            await subs.save(who, ids[world.unit_a], Changes(figures={"CD01": 1}))
        assert (await subs.get_submission(who, ids[world.unit_a]))["unit"] == world.unit_a
    with pytest.raises(PermissionDenied):
        await subs.accept(world.head_a, ids[world.unit_a])


async def test_return_with_comments_resubmit_and_history(db, today):
    world, rounds, ids = await setup(today)
    sid = ids[world.unit_a]
    await subs.submit(world.head_a, sid, Changes(figures={"CD01": 3, "CD02": 2, "TC01": 12}))
    with pytest.raises(InvalidInput):  # a comment on no field of the form
        await subs.return_submission(world.staff, sid, {"figures.ZZ": "?"})
    returned = await subs.return_submission(
        world.staff, sid, {"figures.TC01": "Số văn bản chưa khớp với Sở Tư pháp."}
    )
    assert returned["status"] == "returned" and returned["comments"] == {
        "figures.TC01": "Số văn bản chưa khớp với Sở Tư pháp."
    }
    assert (await completeness(rounds.round_id))["submitted"] == 0
    with pytest.raises(Conflict):  # only what was submitted is reviewed
        await subs.accept(world.staff, sid)
    await subs.submit(rounds.reporter_a, sid, Changes(figures={"TC01": 10}))
    accepted = await subs.accept(world.staff, sid)
    assert accepted["status"] == "accepted" and accepted["comments"] == {}
    events = await subs.history(world.head_a, sid)
    assert [e["kind"] for e in events] == ["submitted", "returned", "submitted", "accepted"]
    assert events[1]["comments"] == {"figures.TC01": "Số văn bản chưa khớp với Sở Tư pháp."}
    assert events[0]["figures"]["TC01"] == 12 and events[2]["figures"]["TC01"] == 10


async def test_staff_enter_a_figure_for_a_unit_with_a_note(db, today):
    world, _rounds, ids = await setup(today)
    sid = ids[world.unit_b]
    with pytest.raises(InvalidInput):
        await subs.enter_on_behalf(world.staff, sid, "CD01", 5, "")
    with pytest.raises(PermissionDenied):
        await subs.enter_on_behalf(world.head_b, sid, "CD01", 5, "tự nhập")
    entered = await subs.enter_on_behalf(world.staff, sid, "CD01", 5, "Theo công văn số 12 của Sở Y tế")
    assert entered["figures"]["CD01"] == 5 and entered["notes"]["CD01"] == "Theo công văn số 12 của Sở Y tế"
    last = (await subs.history(world.staff, sid))[-1]
    assert (last["kind"], last["actor"], last["note"]) == (
        "entered_by_staff",
        world.staff.account_id,
        "Theo công văn số 12 của Sở Y tế",
    )


async def test_a_figure_far_from_last_period_needs_a_note(db, today):
    world, _rounds, ids = await setup(today)
    await subs.submit(world.head_a, ids[world.unit_a], Changes(figures={"CD01": 3, "CD02": 2, "TC01": 10}))
    await subs.accept(world.staff, ids[world.unit_a])
    later = await open_test_round_for_next_period(world)
    sid = await subs.submission_id_for(world.head_a, later, world.unit_a)
    form = await subs.get_submission(world.head_a, sid)
    assert form["previous"]["TC01"] == 10
    with pytest.raises(InvalidInput) as refused:
        await subs.submit(world.head_a, sid, Changes(figures={"CD01": 3, "CD02": 2, "TC01": 30}))
    assert [e.field for e in refused.value.errors] == ["figures.TC01"]
    assert "cần ghi chú" in refused.value.errors[0].message
    assert (await subs.get_submission(world.head_a, sid))["figures"] == {}  # a refused sending writes nothing
    figures, note = {"CD01": 3, "CD02": 2, "TC01": 30}, {"TC01": "Năm nay rà soát toàn bộ."}
    sent = await subs.submit(world.head_a, sid, Changes(figures=figures, notes=note))
    assert sent["status"] == "submitted"


async def open_test_round_for_next_period(world) -> int:
    from models.rounds.rounds import RoundPeriod

    period = RoundPeriod("2024-Y", "năm 2024", date(2024, 1, 1), date(2024, 12, 31))
    opened = await open_round(world.staff, RoundData(period, date(2024, 12, 20), unit_ids=(world.unit_a,)))
    return opened["id"]


async def test_consolidation_by_rule_names_the_missing_units(db, today):
    world, rounds, ids = await setup(today)
    a = {"CD01": 3, "CD02": 2, "TC01": 12, "TT03": 1000, "TT04": 50, "CDS04": "có", "TCC02": "1.234,5"}
    b = {"CD01": 1, "CD02": 1, "TC01": 8, "TT03": 3000, "TT04": 90, "CDS04": "không", "TCC02": 100}
    for unit, figures in ((world.unit_a, a), (world.unit_b, b)):
        head = world.head_a if unit == world.unit_a else world.head_b
        await subs.submit(head, ids[unit], Changes(figures=figures))
        await subs.accept(world.staff, ids[unit])
    result = await consolidate_round(rounds.round_id)
    by_code = {line["code"]: line for line in result["indicators"]}
    assert by_code["TC01"]["value"] == 20 and by_code["TC01"]["display"] == "20"
    assert by_code["TT04"]["value"] == pytest.approx(80.0)  # (50×1000 + 90×3000) / 4000
    assert by_code["TT04"]["display"] == "80%"
    assert by_code["CDS04"]["display"] == "1 đơn vị"  # units answering yes
    assert by_code["TCC02"]["value"] == pytest.approx(1334.5)
    assert (by_code["TC01"]["reported"], by_code["TC01"]["asked"]) == (2, 3)
    assert [m["unit_name"] for m in result["missing"]] == ["Xã Hải Hà"]


async def test_concurrent_saves_never_lose_an_update(db, today):
    world, rounds, ids = await setup(today)
    sid = ids[world.unit_a]
    codes = ["CD01", "CD02", "CD03", "CD04", "CD05", "TC01", "TC02", "TT01"]
    await asyncio.gather(
        *(
            subs.save(world.head_a if i % 2 else rounds.reporter_a, sid, Changes(figures={code: i + 1}))
            for i, code in enumerate(codes)
        )
    )
    final = await subs.get_submission(world.head_a, sid)
    assert final["figures"] == {code: float(i + 1) for i, code in enumerate(codes)}
    assert final["version"] == 1 + len(codes)
    with pytest.raises(StaleVersion):
        await subs.save(
            world.head_a, sid, Changes(figures={"CD01": 9}), expected_version=final["version"] - 1
        )


async def test_the_catalogue_refuses_incoherent_definitions(db):
    world = await build_world()
    await load_default_catalogue()
    assert len(await list_indicators()) == 21
    with pytest.raises(InvalidInput) as refused:
        await put_indicator(
            world.staff,
            IndicatorData("X1", "Tỷ lệ", "II.9", "percent", "weighted", ("department",), denominator="ZZ"),
        )
    assert {e.field for e in refused.value.errors} == {"section", "denominator"}
    with pytest.raises(PermissionDenied):
        await put_indicator(world.head_a, IndicatorData("X1", "Số", "I", "number", "sum", ("department",)))


async def test_a_catalogue_file_names_each_bad_cell_and_writes_nothing(db):
    """Every error of an imported catalogue file gives its row, the column's label and the cell
    as written (cut to 100 characters), so the person finds it in Excel; nothing is written."""
    from models.rounds.catalogue import import_catalogue
    from tests.sample_files import csv_bytes

    world = await build_world()
    rows = [
        CATALOGUE_HEADER,
        ["X1", "Số hội nghị", "I", "Số lượng", "Sở, ban, ngành", "Cộng tổng"],
        ["X2", "Dầu", "I", "lít", "Sở, ban, ngành", "Cộng tổng"],
        ["X3", "Tỷ lệ", "II.9", "Tỷ lệ (%)", "Sở, ban, ngành", "Cộng tổng"],
        ["X1", "Lặp", "I", "Số lượng", "Sở, ban, ngành", "Cộng tổng"],
        ["X4", "Dài", "I", "Số lượng", "Sở, ban, ngành", "x" * 150],
    ]
    with pytest.raises(InvalidInput) as refused:
        await import_catalogue(world.staff, "ct.csv", csv_bytes(rows))
    assert [(e.row, e.field, e.value) for e in refused.value.errors] == [
        (3, "Đơn vị tính", "lít"),
        (4, "Mục báo cáo", "II.9"),  # from the definition's checks, quoted too
        (4, "Cách tổng hợp", "Cộng tổng"),  # a share cannot be added up
        (5, "Mã chỉ tiêu", "X1"),
        (6, "Cách tổng hợp", "x" * 100),
    ]
    assert all(e.message for e in refused.value.errors)
    assert not {"X1", "X2"} & {row["code"] for row in await list_indicators()}


async def test_reminders_go_to_units_yet_to_send_once_per_step(db, today):
    from models.rounds.reminders import remind_units
    from scheduler import jobs

    world, rounds, ids = await setup(today)
    await subs.submit(world.head_a, ids[world.unit_a], Changes(figures={"CD01": 3, "CD02": 2, "TC01": 12}))
    await Notification.delete().where(Notification.id > 0)
    assert await remind_units(date(2024, 6, 20)) == 0  # five days before the deadline
    assert await remind_units(date(2024, 6, 23)) == 2  # unit B's head and the commune's head
    assert await remind_units(date(2024, 6, 23)) == 0  # once
    notified = await Notification.select(Notification.account, Notification.kind)
    assert {row["account"] for row in notified} == {world.head_b.account_id, rounds.head_c.account_id}
    await jobs.ensure_default_schedules()
    detail = await jobs.fire(
        "round-reminders", datetime(2024, 6, 26, 0, 0, tzinfo=UTC)
    )  # 07:00, the day after
    assert detail == "2 thông báo nhắc nộp báo cáo"
    kinds = {row["kind"] for row in await Notification.select(Notification.kind)}
    assert kinds == {"round_due_in_3", "round_overdue"}
