"""A report of every period kind (each quarter, 6 and 9 months, the year) under both calendars,
generated end to end from the demo province — its 2023 plan, and dossiers in 2022 and 2023 so
each report compares with the same period a year earlier."""

from __future__ import annotations

import dataclasses

import pytest

from core.settings import get_settings
from core.text import format_date_long, format_int
from demo.dossiers import generate_demo_dossiers
from demo.loader import load_demo
from models.dossiers.ingest import import_file
from reports.collect import collect_report
from reports.document import compose
from reports.periods import Calendar, PeriodKind, period_for
from reports.render import render_report
from tests.reports.docx_read import full_text, load

pytestmark = pytest.mark.anyio
# In the order of their cut-offs within 2023.
PERIODS = [
    (PeriodKind.QUARTER, 1),
    (PeriodKind.QUARTER, 2),
    (PeriodKind.HALF_YEAR, 0),
    (PeriodKind.QUARTER, 3),
    (PeriodKind.NINE_MONTHS, 0),
    (PeriodKind.QUARTER, 4),
    (PeriodKind.ANNUAL, 0),
]


@pytest.fixture
async def demo_with_dossiers(db, tmp_path):
    await load_demo()
    for year in (2022, 2023):
        path = tmp_path / f"{year}.csv"
        await generate_demo_dossiers(path, year, 0.002)
        assert (await import_file(path)).rows_rejected == 0


async def test_a_report_of_every_period_kind_generates(demo_with_dossiers):
    """Rule: every period kind makes a whole report under either calendar — its title, its
    cut-off, the plan's figures as of that day and the dossiers against the same period of 2022.
    Each kind is rendered to .docx under one calendar, in turn (rendering does not depend on
    the calendar, and each render takes seconds); all fourteen are collected and composed."""
    for index, calendar in enumerate((Calendar.DECREE_09, Calendar.CALENDAR)):
        settings = dataclasses.replace(get_settings().report, calendar=calendar.value)
        completed = []
        for position, (kind, number) in enumerate(PERIODS):
            period = period_for(kind, 2023, calendar, number)
            data = await collect_report(period, settings)
            sections = compose(data)
            what = (calendar.value, period.key)
            assert period.label in data.title and data.period_end == period.end, what
            assert data.dossiers is not None and data.dossiers.last_year is not None, what
            completed.append(data.plan.completed)
            if position % 2 != index:
                continue
            text = full_text(load(render_report(data, sections, None)))
            assert period.label in text and format_date_long(period.end) in text, what
            assert f"{data.plan.completed}/{data.plan.total} nhiệm vụ" in text, what
            assert format_int(data.dossiers.current.received) in text, what
        # Later cut-offs never count fewer completed tasks: Q1 <= H1 <= 9 months <= the year.
        assert completed[0] <= completed[2] <= completed[4] <= completed[6], (calendar.value, completed)
        assert completed[6] > completed[0], (calendar.value, completed)
