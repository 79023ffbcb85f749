"""The demo dossier file: read back with the csv module and recounted by the statistics'
classification, its totals are the seed figures times the scale."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from core.errors import InvalidInput, NotFound
from demo.dossiers import HEADER, demo_windows, generate_demo_dossiers, target_totals
from demo.loader import load_demo
from models.procedures.tables import Procedure
from models.units.tables import Unit

pytestmark = pytest.mark.anyio
LOCAL = timezone(timedelta(hours=7))


async def catalogue() -> tuple[dict, dict]:
    procedures = {
        row["code"]: row
        for row in await Procedure.select(
            Procedure.code,
            Procedure.level,
            Procedure.processing_days,
            Procedure.online_level,
            Procedure.valid_from,
            Procedure.valid_to,
            Procedure.handling_unit.code.as_alias("handling_unit"),
        )
    }
    units = {
        row["code"]: row
        for row in await Unit.select(
            Unit.code, Unit.level, Unit.valid_from, Unit.valid_to, Unit.successor.code.as_alias("successor")
        )
    }
    return procedures, units


def valid_on(row: dict, day: date) -> bool:
    return (row["valid_from"] is None or row["valid_from"] <= day) and (
        row["valid_to"] is None or day <= row["valid_to"]
    )


def recount(path: Path, year: int, procedures: dict, units: dict) -> Counter:
    """Check every row of the file and count it the way the statistics will."""
    counts: Counter = Counter()
    first, last = date(year, 1, 1), date(year, 12, 31)
    levels: dict[date, set[str]] = {}

    def levels_on(day: date) -> set[str]:
        if day not in levels:
            levels[day] = {unit["level"] for unit in units.values() if valid_on(unit, day)}
        return levels[day]

    with path.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        assert tuple(reader.fieldnames) == HEADER
        codes = set()
        for row in reader:
            assert row["code"] not in codes
            codes.add(row["code"])
            procedure, unit = procedures[row["procedure"]], units[row["unit"]]
            received = datetime.fromisoformat(row["received_at"])
            due = datetime.fromisoformat(row["due_at"])
            assert received.utcoffset() == due.utcoffset() == timedelta(hours=7)
            day = received.date()
            assert first <= day <= last and day.weekday() < 5
            assert time(7, 30) <= received.time() <= time(17, 0)
            assert valid_on(unit, day) and valid_on(procedure, day)
            if procedure["level"] == "province":  # its unit, or the one it merged into
                handling = procedure["handling_unit"]
                while not valid_on(units[handling], day):
                    handling = units[handling]["successor"]
                assert row["unit"] == handling
            elif procedure["level"] in levels_on(day):
                assert unit["level"] == procedure["level"]
            else:  # no district after the 2025 merge: the new communes receive
                assert unit["level"] == "commune"
            assert due == datetime.combine(
                day + timedelta(days=procedure["processing_days"]), time(17), LOCAL
            )
            assert row["channel"] in {"direct", "online", "postal"}
            if row["channel"] == "online":
                assert procedure["online_level"] != "none"
            assert row["cashless"] in {"0", "1"}
            counts[row["channel"]] += 1
            counts["cashless"] += row["cashless"] == "1"
            counts[procedure["level"]] += 1
            counts[f"month {day.month}"] += 1
            apology = row["apology_issued_on"], row["apology_new_due"]
            outcome = row["outcome"]
            if apology != ("", ""):
                counts["apologies"] += 1
                issued, new_due = (date.fromisoformat(text) for text in apology)
                # The day after the deadline, or on it when the result or the year's end comes first.
                assert due.date() <= issued <= min(new_due, last)
            if outcome == "open":
                assert row["resolved_at"] == ""
                if due.date() > last:
                    counts["open within"] += 1
                    assert apology == ("", "")
                else:
                    counts["open overdue"] += 1
                    counts["overdue without apology"] += apology == ("", "")
                continue
            resolved = datetime.fromisoformat(row["resolved_at"])
            assert received <= resolved and resolved.date() <= last
            if outcome != "resolved":
                assert outcome in {"returned", "withdrawn"} and apology == ("", "")
                counts[outcome] += 1
                continue
            if resolved > due:
                counts["late"] += 1
                if apology == ("", ""):
                    counts["late without apology"] += 1
                else:
                    assert issued <= resolved.date() <= new_due
            else:
                assert apology == ("", "")
                counts["early" if resolved.date() < due.date() else "on time"] += 1
    counts["received"] = len(codes)
    return counts


async def test_a_year_at_one_hundredth_matches_the_seed_figures(db, tmp_path):
    await load_demo()
    path = tmp_path / "ho-so-2020.csv"
    progress = []
    totals = await generate_demo_dossiers(
        path, 2020, 0.01, on_progress=lambda done, n: progress.append((done, n))
    )
    assert progress[-1] == (11_910, 11_910) and len(progress) > 200
    assert not path.with_name(path.name + ".part").exists()

    # 1.191.036 / 506.606 / 616.726 / 2.887 times 0.01, rounded; the rest 648 = 259 + 65 + 324.
    assert (totals.received, totals.resolved_early, totals.resolved_on_time, totals.resolved_late) == (
        11_910,
        5_066,
        6_167,
        29,
    )
    assert (totals.returned, totals.withdrawn, totals.still_open) == (259, 65, 324)
    assert 0 < totals.open_overdue < totals.open_within_deadline
    assert (totals.late_without_apology, totals.overdue_without_apology) == (1, 4)  # 5% of 29 and of 81
    assert totals.open_overdue == 81

    counts = recount(path, 2020, *(await catalogue()))
    assert counts["received"] == totals.received
    assert counts["early"] == totals.resolved_early
    assert counts["on time"] == totals.resolved_on_time
    assert counts["late"] == totals.resolved_late
    assert counts["late without apology"] == totals.late_without_apology
    assert counts["overdue without apology"] == totals.overdue_without_apology
    assert counts["apologies"] == totals.apologies_issued == 29 - 1 + 81 - 4
    assert (counts["returned"], counts["withdrawn"]) == (totals.returned, totals.withdrawn)
    assert counts["open within"] == totals.open_within_deadline
    assert counts["open overdue"] == totals.open_overdue
    assert totals.received == (totals.resolved + totals.returned + totals.withdrawn + totals.still_open)
    assert {key: counts[key] for key in ("direct", "online", "postal")} == totals.by_channel
    assert {key: counts[key] for key in ("province", "district", "commune")} == totals.by_level
    assert counts["cashless"] == totals.cashless

    received = totals.received
    assert 0.56 < counts["direct"] / received < 0.64
    assert 0.34 < counts["online"] / received < 0.42
    assert 0.01 < counts["postal"] / received < 0.03
    assert 0.25 < counts["cashless"] / received < 0.35
    assert all(counts[level] > received / 10 for level in ("province", "district", "commune"))
    assert counts["month 2"] < min(counts[f"month {m}"] for m in (3, 4, 5, 6, 10, 11, 12))


async def test_same_seed_same_file_and_unit_history_respected_in_2025(db, tmp_path):
    await load_demo()
    one, two = tmp_path / "a.csv", tmp_path / "b.csv"
    await generate_demo_dossiers(one, 2020, 0.002)
    await generate_demo_dossiers(two, 2020, 0.002)
    assert one.read_bytes() == two.read_bytes()

    # 2025: districts and old communes close on 30 June; after it dossiers go to the new communes.
    path = tmp_path / "ho-so-2025.csv"
    totals = await generate_demo_dossiers(path, 2025, 0.002)
    procedures, units = await catalogue()
    counts = recount(path, 2025, procedures, units)
    assert counts["received"] == totals.received == target_totals(0.002)["received"]
    assert counts["late"] == totals.resolved_late == target_totals(0.002)["late"]
    with path.open(encoding="utf-8") as source:
        after_merge = {
            units[row["unit"]]["level"]
            for row in csv.DictReader(source)
            if row["received_at"] >= "2025-07-01" and procedures[row["procedure"]]["level"] != "province"
        }
    assert after_merge == {"commune"}

    with pytest.raises(NotFound, match="2019"):  # the catalogue is in force from 2020
        await generate_demo_dossiers(tmp_path / "ho-so-2019.csv", 2019, 0.01)


async def test_needs_the_demo_catalogue_and_a_sensible_scale(db, tmp_path):
    path = tmp_path / "x.csv"
    with pytest.raises(NotFound, match="cchc demo"):
        await generate_demo_dossiers(path, 2020, 0.01)
    with pytest.raises(InvalidInput):
        await generate_demo_dossiers(path, 2020, 0)
    with pytest.raises(InvalidInput):
        await generate_demo_dossiers(path, 2020, 0.000001)
    assert not path.exists()


def test_the_2023_first_half_is_the_seed_articles_and_2020_stays_as_it_was():
    first_half, second_half = demo_windows(2023)
    assert (first_half.first, first_half.last, second_half.first, second_half.last) == (
        date(2023, 1, 1),
        date(2023, 6, 30),
        date(2023, 7, 1),
        date(2023, 12, 31),
    )
    seed = target_totals(1.0, first_half)
    resolved = seed["early"] + seed["on_time"] + seed["late"]
    assert (seed["received"], resolved) == (532_950, 506_890)
    assert f"{100 * resolved / seed['received']:.2f}" == "95.11"
    assert target_totals(1.0) == target_totals(1.0, demo_windows(2020)[0])
    assert target_totals(1.0)["received"] == 1_191_036 and not demo_windows(2020)[0].settle_open


async def test_a_2023_file_settles_each_halfs_open_dossiers_after_it(db, tmp_path):
    await load_demo()
    path = tmp_path / "ho-so-2023.csv"
    totals = await generate_demo_dossiers(path, 2023, 0.002)
    first_half, second_half = (target_totals(0.002, window) for window in demo_windows(2023))
    assert totals.received == first_half["received"] + second_half["received"]
    with path.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    june = [row for row in rows if row["received_at"] < "2023-07-01"]
    assert len(rows) == totals.received and len(june) == first_half["received"]
    assert not [row for row in june if row["outcome"] == "open"]
    settled_later = [row for row in june if row["resolved_at"] >= "2023-07-01"]
    assert len(settled_later) == first_half["open"]  # open at 30/6, resolved in the second half
