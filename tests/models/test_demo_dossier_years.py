"""The demo's dossier years: 2020 whole (what was open at its end settled early in 2021, the
year's figures unchanged) and the current year up to yesterday, imported as import jobs."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from demo.dossier_years import demo_years, load_missing_years
from demo.dossiers import load_catalogue, write_dossier_file
from demo.loader import load_demo
from models.dossiers.import_jobs import unfinished_jobs
from models.dossiers.stats import dossier_stats

pytestmark = pytest.mark.anyio
SCALE = 0.003


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (date(2026, 11, 30), [(2020, None), (2023, None), (2026, date(2026, 11, 29))]),
        (date(2026, 1, 2), [(2020, None), (2023, None), (2026, date(2026, 1, 1))]),
        (date(2026, 1, 1), [(2020, None), (2023, None)]),  # nothing received yet this year
        (date(2023, 3, 1), [(2020, None), (2023, None)]),  # a seed year is history, loaded whole
        (date(2020, 6, 1), [(2020, None)]),
    ],
)
def test_the_demo_years(today, years):
    assert demo_years(today) == years


async def test_a_year_up_to_a_day_knows_nothing_after_it(db, tmp_path):
    await load_demo()
    until = date(2026, 6, 15)
    path = tmp_path / "ho-so.csv"
    totals = write_dossier_file(await load_catalogue(2026), path, 2026, SCALE, until=until)
    rows = rows_of(path)
    assert len(rows) == totals.received > 0
    day = lambda text: date.fromisoformat(text[:10])  # noqa: E731
    assert max(day(row["received_at"]) for row in rows) <= until
    assert all(day(row["resolved_at"]) <= until for row in rows if row["resolved_at"])
    assert all(day(row["apology_issued_on"]) <= until for row in rows if row["apology_issued_on"])
    opened = [row for row in rows if row["outcome"] == "open"]
    assert opened and all(not row["resolved_at"] for row in opened)
    overdue = sum(1 for row in opened if day(row["due_at"]) <= until)
    assert (totals.open_overdue, totals.open_within_deadline) == (overdue, len(opened) - overdue)


async def test_a_settled_year_keeps_its_figures_and_carries_nothing_over(db, tmp_path):
    await load_demo()
    catalogue = await load_catalogue(2020)
    plain, settled = tmp_path / "plain.csv", tmp_path / "settled.csv"
    write_dossier_file(catalogue, plain, 2020, SCALE)
    write_dossier_file(catalogue, settled, 2020, SCALE, settle_next_year=True)
    before, after = rows_of(plain), rows_of(settled)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    # Only the dossiers open at 31/12 change: each gets a result in early 2021, nothing else.
    assert changed and all(a["outcome"] == "open" and b["outcome"] == "resolved" for a, b in changed)
    assert all(
        date(2021, 1, 1) <= date.fromisoformat(b["resolved_at"][:10]) <= date(2021, 3, 31) for _, b in changed
    )
    assert all(
        {k: v for k, v in a.items() if k not in ("outcome", "resolved_at")}
        == {k: v for k, v in b.items() if k not in ("outcome", "resolved_at")}
        for a, b in changed
    )
    assert len(changed) == sum(1 for row in before if row["outcome"] == "open")


async def test_missing_years_load_once_as_import_jobs(db):
    await load_demo()
    today = date(2026, 6, 15)  # not the real date: on 1 January the year has no dossier yet
    jobs = await load_missing_years(today, SCALE)
    assert [job["filename"] for job in jobs] == [
        "ho-so-mau-2020.csv",
        "ho-so-mau-2023.csv",
        f"ho-so-mau-{today.year}.csv",
    ]
    assert all(job["state"] == "done" and job["rows_done"] > 0 for job in jobs)
    assert await unfinished_jobs() == []
    assert await load_missing_years(today, SCALE) == []  # every year has dossiers now
    year = (await dossier_stats(date(today.year, 1, 1), today)).total
    assert year.received == jobs[-1]["rows_done"] and year.carried_over == 0
    the_2020 = (await dossier_stats(date(2020, 1, 1), date(2020, 12, 31))).total
    assert the_2020.open_overdue > 0 and the_2020.reconciles
    assert (await dossier_stats(date(2021, 1, 1), date(2021, 12, 31))).total.carried_over == (
        the_2020.open_within_deadline + the_2020.open_overdue
    )
    assert (await dossier_stats(date(2021, 4, 1), date(2021, 12, 31))).total.carried_over == 0
