"""Run one of the app's commands with its clock moved by a fixed number of seconds: the browser
tests start the server (and load its demo) this way on a day they choose, whatever the calendar
says, since the demo plan's tasks are dated from "today" (demo.current_year) and from 1 to 8
January it has no overdue task yet.

    python -m tests.shifted_clock SECONDS -m MODULE [ARGS...]   # as python -m MODULE ARGS
    python -m tests.shifted_clock SECONDS -c CODE                # as python -c CODE

Everything that reads the time through core.clock (utcnow, today) gets the real time plus
SECONDS, so time still passes (sessions, jobs and the order of updates behave as on a real day);
core.clock.stopped_at, which stops the clock, does the same inside one process, as the other tests
use it. The clock is moved before the app is imported, so the modules that import ``utcnow`` by name
get the moved one.
"""

from __future__ import annotations

import runpy
import sys
from datetime import datetime, timedelta

import core.clock


def move_clock(seconds: float) -> None:
    real = core.clock.utcnow
    shift = timedelta(seconds=seconds)

    def moved() -> datetime:
        return real() + shift

    core.clock.utcnow = moved


def main(argv: list[str]) -> None:
    seconds, how, target, *args = argv
    move_clock(float(seconds))
    if how == "-m":
        sys.argv = [target, *args]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    elif how == "-c":
        sys.argv = ["-c", *args]
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
    else:
        raise SystemExit(
            f"usage: python -m tests.shifted_clock SECONDS (-m MODULE | -c CODE) [ARGS...], not {how}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
