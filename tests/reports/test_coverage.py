"""When the dossier data covers only part of the period, the report says so (collect.covers_part):
a week without a dossier at an edge of a province's period is missing data, and a scope that
receives few dossiers is allowed ten of its mean intervals."""

from __future__ import annotations

from datetime import date

import pytest

from reports import wording
from reports.collect import covers_part, months_of
from reports.periods import Calendar, PeriodKind, period_for

H1 = period_for(PeriodKind.HALF_YEAR, 2023, Calendar.DECREE_09, 1)  # 15/12/2022 – 14/6/2023, 182 days


@pytest.mark.parametrize(
    "received, first, last, partial",
    [
        (9_589, date(2022, 12, 15), date(2023, 6, 14), False),  # from the first day to the last
        (9_589, date(2022, 12, 22), date(2023, 6, 14), False),  # a week without data at the start
        (9_589, date(2022, 12, 23), date(2023, 6, 14), True),  # eight days
        (9_589, date(2023, 1, 2), date(2023, 6, 14), True),  # the review's 18 days (data from January)
        (9_589, date(2022, 12, 15), date(2023, 6, 7), False),  # a week without data at the end
        (9_589, date(2022, 12, 15), date(2023, 6, 6), True),
        (50, date(2023, 1, 15), date(2023, 6, 14), False),  # 31 days: 10 × 3,64 days allowed
        (50, date(2023, 1, 21), date(2023, 6, 14), True),  # 37 days
        (50, date(2022, 12, 15), date(2023, 5, 8), True),  # 37 days at the end
        (1, date(2023, 3, 1), date(2023, 3, 1), False),  # one dossier says nothing of the edges
    ],
)
def test_an_edge_without_dossiers_makes_the_data_partial(received, first, last, partial):
    assert (H1.start, H1.end) == (date(2022, 12, 15), date(2023, 6, 14))
    assert covers_part(H1, received, first, last) is partial


@pytest.mark.parametrize(
    "year, month, start, end, label",
    [
        (2023, 3, date(2023, 1, 1), date(2023, 6, 30), "T3"),
        (2023, 6, date(2023, 1, 1), date(2023, 6, 30), "T6"),  # a whole month at the end
        (2022, 12, date(2022, 12, 15), date(2023, 6, 14), "T12/2022\n15–31"),  # Decree 09: the year before
        (2023, 6, date(2022, 12, 15), date(2023, 6, 14), "T6\n1–14"),  # cut by the cut-off
        (2023, 1, date(2022, 12, 15), date(2023, 6, 14), "T1"),
        (2024, 2, date(2024, 1, 1), date(2024, 2, 28), "T2\n1–28"),  # a leap year's February
        (2023, 2, date(2023, 1, 1), date(2023, 2, 28), "T2"),
    ],
)
def test_a_chart_month_says_its_year_and_days_when_the_period_cuts_it(year, month, start, end, label):
    assert wording.chart_month(year, month, start, end) == label


def test_the_dossier_chart_has_every_month_of_the_period():
    assert months_of(date(2022, 12, 15), date(2023, 6, 14)) == [
        (2022, 12),
        (2023, 1),
        (2023, 2),
        (2023, 3),
        (2023, 4),
        (2023, 5),
        (2023, 6),
    ]
    assert months_of(date(2023, 1, 1), date(2023, 1, 31)) == [(2023, 1)]
