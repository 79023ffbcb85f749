"""The dossier figures the statistics pages and reports print, derived from the counts of a group
(models.dossiers.stats.Figures), the months a period is cut into and the periods accepted:
table-driven at their boundaries, no database needed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.errors import InvalidInput
from models.dossiers.stats import GROUP_KEYS, MAX_PERIOD_DAYS, Figures, check_period, months

# Every count different, so that a figure summing the wrong counts cannot come out right.
GROUP = Figures(
    carried_over=3,
    received_direct=10,
    received_online=20,
    received_postal=4,
    resolved_early=5,
    resolved_on_time=7,
    resolved_late=3,
    returned=2,
    withdrawn=1,
    open_within_deadline=11,
    open_overdue=8,
    apologies_issued=6,
    received_cashless=9,
)


# Rule: the derived figures — received by every channel, resolved in every class, open within
# and past the deadline, the on-time rate over the resolved ones (early counts as on time), the
# online share of the received ones, one apology owed per late dossier (resolved late or open
# past its deadline); none of the rates when there is nothing to divide by.
@pytest.mark.parametrize(
    ("figures", "received", "resolved", "open_", "on_time_rate", "online_share", "apologies_owed"),
    [
        (GROUP, 34, 15, 19, 80.0, 100 * 20 / 34, 11),
        (Figures(), 0, 0, 0, None, None, 0),
        (Figures(resolved_late=2), 0, 2, 0, 0.0, None, 2),
        (Figures(resolved_early=1), 0, 1, 0, 100.0, None, 0),
        (Figures(resolved_on_time=1, resolved_late=3), 0, 4, 0, 25.0, None, 3),
        (Figures(received_direct=1), 1, 0, 0, None, 0.0, 0),
        (Figures(received_postal=1, received_online=3), 4, 0, 0, None, 75.0, 0),
        (Figures(open_overdue=2, open_within_deadline=5), 0, 0, 7, None, None, 2),
    ],
)
def test_the_derived_figures(figures, received, resolved, open_, on_time_rate, online_share, apologies_owed):
    assert (figures.received, figures.resolved, figures.open) == (received, resolved, open_)
    assert figures.on_time_rate == pytest.approx(on_time_rate)
    assert figures.online_share == pytest.approx(online_share)
    assert figures.apologies_owed == apologies_owed


# Rule: the figures reconcile — carried over + received = resolved + returned + withdrawn + open;
# one dossier more or less on either side breaks it.
@pytest.mark.parametrize(
    ("figures", "reconciles"),
    [
        (
            Figures(
                carried_over=3, received_direct=2, resolved_late=1, returned=1, withdrawn=1, open_overdue=2
            ),
            True,
        ),
        (Figures(received_online=1, resolved_early=1), True),
        (Figures(received_postal=1, open_within_deadline=1), True),
        (Figures(carried_over=1, resolved_on_time=1), True),
        (Figures(carried_over=1), False),
        (Figures(received_direct=1), False),
        (Figures(returned=1), False),
        (Figures(withdrawn=1), False),
        (Figures(received_direct=1, resolved_early=1, open_overdue=1), False),
        (Figures(), True),
    ],
)
def test_the_figures_reconcile(figures, reconciles):
    assert figures.reconciles() is reconciles


def test_figures_add_up_count_by_count():
    """Rule: a total is the sum of its groups, each count with its own."""
    doubled = GROUP + GROUP
    assert doubled == Figures(6, 20, 40, 8, 10, 14, 6, 4, 2, 22, 16, 12, 18)
    assert GROUP + Figures() == GROUP


# Rule: a period grouped by month is cut into its calendar months, the first and last cut to it.
@pytest.mark.parametrize(
    ("start", "end", "spans"),
    [
        (date(2024, 1, 1), date(2024, 1, 1), [(date(2024, 1, 1), date(2024, 1, 1))]),
        (
            date(2024, 1, 31),
            date(2024, 2, 1),
            [(date(2024, 1, 31), date(2024, 1, 31)), (date(2024, 2, 1), date(2024, 2, 1))],
        ),
        (
            date(2024, 1, 15),
            date(2024, 3, 2),
            [
                (date(2024, 1, 15), date(2024, 1, 31)),
                (date(2024, 2, 1), date(2024, 2, 29)),
                (date(2024, 3, 1), date(2024, 3, 2)),
            ],
        ),
        (date(2023, 2, 1), date(2023, 2, 28), [(date(2023, 2, 1), date(2023, 2, 28))]),
        (
            date(2023, 12, 31),
            date(2024, 1, 1),
            [(date(2023, 12, 31), date(2023, 12, 31)), (date(2024, 1, 1), date(2024, 1, 1))],
        ),
        (date(2024, 1, 2), date(2024, 1, 1), []),
    ],
)
def test_months_cut_to_the_period(start, end, spans):
    assert months(start, end) == spans


def test_a_year_has_twelve_months_ending_on_their_last_days():
    spans = months(date(2024, 1, 1), date(2024, 12, 31))
    assert [end.day for _, end in spans] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert all(start.day == 1 for start, _ in spans)


# Rule: a statistics period runs forwards, lasts at most five years (MAX_PERIOD_DAYS between its
# first and last day) and is grouped by known keys; a refusal names the field.
@pytest.mark.parametrize(
    ("start", "end", "group_by", "field"),
    [
        (date(2024, 1, 1), date(2024, 1, 1), GROUP_KEYS, None),
        (date(2024, 1, 2), date(2024, 1, 1), (), "to"),
        (date(2024, 1, 1), date(2024, 1, 1) + timedelta(days=MAX_PERIOD_DAYS), (), None),
        (date(2024, 1, 1), date(2024, 1, 1) + timedelta(days=MAX_PERIOD_DAYS + 1), (), "to"),
        (date(2024, 1, 1), date(2024, 3, 31), ("unit", "colour"), "group_by"),
    ],
)
def test_the_periods_accepted(start, end, group_by, field):
    if field is None:
        check_period(start, end, group_by)
        return
    with pytest.raises(InvalidInput) as refused:
        check_period(start, end, group_by)
    assert [error.field for error in refused.value.errors] == [field]


def test_a_refused_period_says_why():
    """The reasons and Vietnamese messages the API and the statistics page show."""
    refusals = []
    for start, end, group_by in [
        (date(2024, 1, 2), date(2024, 1, 1), ()),
        (date(2020, 1, 1), date(2026, 1, 1), ()),
        (date(2024, 1, 1), date(2024, 1, 2), ("colour",)),
    ]:
        with pytest.raises(InvalidInput) as refused:
            check_period(start, end, group_by)
        refusals += [(e.field, e.reason, e.message) for e in refused.value.errors]
    assert refusals == [
        ("to", "before from", "Ngày kết thúc trước ngày bắt đầu."),
        ("to", "the period is at most 5 years", "Kỳ thống kê tối đa 5 năm."),
        (
            "group_by",
            "unknown key 'colour'; allowed: unit, level, field, month, channel, procedure",
            "Tiêu chí nhóm không hợp lệ.",
        ),
    ]
