"""Work that runs apart from its caller: background tasks in this process's event loop (an
import, a report), and the one way a job's work is run to its outcome (report runs, scheduled
firings)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
_running: set[asyncio.Task] = set()  # strong references: the loop keeps only weak ones


def run_in_background(work: Coroutine) -> asyncio.Task:
    task = asyncio.create_task(work)
    _running.add(task)
    task.add_done_callback(_running.discard)
    return task


def failure_reason(exc: BaseException) -> str:
    """How a job records the exception that ended it: "ValueError: ..." (2,000 characters at most)."""
    return f"{type(exc).__name__}: {exc}"[:2000]


async def job_outcome(work: Awaitable[T], what: str) -> tuple[T | None, str | None]:
    """Await a job's work without letting an error escape: ``(result, None)``, or, logged as
    "<what> failed", ``(None, failure_reason)``. The caller records the outcome on its job."""
    try:
        return await work, None
    except Exception as exc:
        log.exception("%s failed", what)
        return None, failure_reason(exc)
