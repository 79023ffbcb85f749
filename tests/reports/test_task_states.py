"""Where a task stands at the cut-off, at the boundaries of each rule (the plan summary's)."""

from __future__ import annotations

from datetime import date

import pytest

from models.vocabulary import TaskStatus
from reports.collect import task_state
from reports.data import TaskState

CUT_OFF = date(2023, 6, 30)
DEADLINE = date(2023, 6, 30)


@pytest.mark.parametrize(
    "status, deadline, completed_on, expected",
    [
        (TaskStatus.COMPLETED, DEADLINE, date(2023, 6, 30), TaskState.COMPLETED_ON_TIME),  # on the day
        (TaskStatus.COMPLETED, DEADLINE, date(2023, 7, 1), TaskState.COMPLETED_LATE),  # a day after
        (TaskStatus.COMPLETED, DEADLINE, date(2023, 1, 2), TaskState.COMPLETED_ON_TIME),
        (TaskStatus.COMPLETED, DEADLINE, None, TaskState.COMPLETED_ON_TIME),  # no date: not known late
        (TaskStatus.IN_PROGRESS, CUT_OFF, None, TaskState.IN_PROGRESS),  # due on the cut-off: not yet late
        (TaskStatus.IN_PROGRESS, date(2023, 6, 29), None, TaskState.OVERDUE),
        (TaskStatus.NOT_STARTED, CUT_OFF, None, TaskState.NOT_STARTED),
        (TaskStatus.NOT_STARTED, date(2023, 6, 29), None, TaskState.OVERDUE),
        (TaskStatus.CANCELLED, date(2023, 1, 1), None, TaskState.CANCELLED),  # never overdue
    ],
)
def test_task_state_at_the_cut_off(status, deadline, completed_on, expected):
    assert task_state(status, deadline, completed_on, CUT_OFF) is expected


def test_only_unfinished_states_are_carried_into_the_next_period():
    assert {state for state in TaskState if state.unfinished} == {
        TaskState.IN_PROGRESS,
        TaskState.NOT_STARTED,
        TaskState.OVERDUE,
    }
    assert {state for state in TaskState if state.completed} == {
        TaskState.COMPLETED_ON_TIME,
        TaskState.COMPLETED_LATE,
    }
